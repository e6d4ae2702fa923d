# acct: the stage segment in front of your own fish prompt.
#
# Loaded two ways: by `acct shell`, as `fish --init-command`, which fish runs
# after your config.fish and conf.d; and by `acct init fish | source` in your
# config.fish. Your fish_prompt is kept as __acct_user_fish_prompt and called
# after the segment. The prompt costs no process: only builtins read the
# environment, and the segment is printed, never evaluated.

function __acct_return --description 'set $status for the next command'
    return $argv[1]
end

if not builtin functions --query __acct_user_fish_prompt
    # The query loads an autoloaded fish_prompt too.
    if builtin functions --query fish_prompt
        builtin functions --copy fish_prompt __acct_user_fish_prompt
    else
        function __acct_user_fish_prompt
        end
    end

    function fish_prompt --description 'the acct stage segment, then your prompt'
        set --local last_status $status
        if builtin test -n "$ACCT_PROMPT"
            set --local colored 0
            if builtin test -n "$ACCT_PROTECTED" -a -z "$NO_COLOR"
                set colored 1
                builtin set_color red
            end
            builtin printf '%s' "$ACCT_PROMPT"
            builtin test $colored = 1
            and builtin set_color normal
            builtin printf ' '
        end
        __acct_return $last_status
        __acct_user_fish_prompt $argv
    end
end

# To show the segment in your everyday prompt, add to ~/.config/fish/config.fish:
#   acct init fish | source
