# acct: the stage segment in front of your own fish prompt.
#
# Loaded two ways: by `acct shell`, as `fish --init-command`, which fish runs
# after your config.fish and conf.d; and by `acct init fish | source` in your
# config.fish. Your fish_prompt is kept as __acct_user_fish_prompt and called
# after the segment. The prompt costs no process: only builtins read the
# environment, and the segment is printed, never evaluated.
#
# fish parses every byte of its startup code, at about 450 instructions a
# byte, before anything runs. So a function whose line ends in `# lazy` is
# only for rare cases (a config that changed the stage, a stage not in
# force) or for prompts (a shell reading a script draws none): `acct shell`
# hands it over as a string that defines it at its first call
# (src/shell/lazy.rs), and the checks over many names are each one `test`
# that acct writes for the stage (src/shell/fish_checks.rs).

# Under this many seconds left, `{left}` turns red: acct writes its own
# number in when it hands out this script.
builtin set --global __acct_left_warn @LEFT_WARN_SECONDS@

function __acct_return --description 'set $status for the next command'
    return $argv[1]
end

# After your config.fish and conf.d, inside a stage shell: every variable
# acct set or removed is put back, so a stale key or another AWS_PROFILE
# from your config or a universal variable cannot run commands as someone
# else under the stage's prompt; said once. __ACCT_GUARD holds each name and
# acct's value as fish words (`AWS_PROFILE 'cpco-testing-admin'`; `-NAME`:
# acct removed it). A universal variable is hidden from this session only,
# behind an empty exported global (fish exports a universal hidden by an
# unexported one; SDKs take empty as not set). `acct shell` runs this only
# when its one test of them all fails (src/shell/fish_checks.rs).
function __acct_guard --description 'put back the stage variables your config changed' # lazy
    builtin set --query __ACCT_GUARD
    or return 0
    builtin printf '%s' "$__ACCT_GUARD" | builtin read --null --tokenize --list --local words
    builtin set --local changed
    builtin set --local universal
    builtin set --local name
    for word in $words
        if builtin set --query name[1]
            # Kept: the value acct gave it.
            if not builtin set --query $name; or builtin test "$$name" != "$word"
                builtin set --append changed $name
                builtin set --global --export $name $word
            end
            builtin set --erase name
            continue
        end
        if not builtin string match --quiet --regex '^-?[A-Za-z_][A-Za-z0-9_]*$' -- $word
            break
        end
        if not builtin string match --quiet -- '-*' $word
            builtin set name $word
            continue
        end
        # Removed: empty is unset, as for the SDKs and the check at each prompt.
        builtin set --local gone (builtin string sub --start 2 -- $word)
        builtin test -n "$$gone"
        or continue
        if builtin set --query --universal $gone; and not builtin set --query --global $gone
            builtin set --append universal $gone
        else
            builtin set --append changed $gone
        end
        builtin set --erase --global $gone
        if builtin set --query --universal $gone
            builtin set --global --export $gone
        end
    end
    if builtin test (builtin count $changed) -gt 0
        builtin printf 'acct: your fish config (config.fish or conf.d) set %s; put back as stage %s has it, whose profile decides who you are\n' "$changed" "$ACCT_STAGE" >&2
    end
    if builtin test (builtin count $universal) -gt 0
        builtin printf 'acct: universal variables (set -Ux) set %s; hidden in this stage shell only, your other sessions keep them\n' "$universal" >&2
    end
    return 0
end

# At every prompt: is the stage still in force? ACCT_IN_FORCE names the
# variables that decide who a command runs as, ACCT_IN_FORCE_NAME the value
# entering the stage gave NAME (absent: NAME must be absent or empty). A
# nested shell's config, a prompt hook or direnv may have changed one since.
#
# The prompt first runs __acct_if_fast, one `test` written for the list it
# was made for (the list is in it): each kept value compared, the others
# found empty. acct writes it for the stage (src/shell/fish_checks.rs);
# __acct_in_force_holds writes it again after a change. Until then, it
# fails.
function __acct_if_fast
    return 1
end

# When __acct_if_fast fails: each name in turn (`NAME=` one the stage
# keeps, which must equal ACCT_IN_FORCE_NAME; any other must be empty).
# Sets __acct_mismatch to the first that differs (empty when none does).
# (A global, not output: capturing output costs a command substitution.)
function __acct_in_force --description 'the first stage variable changed since the stage was entered' # lazy
    builtin set --global __acct_mismatch
    for word in (builtin string split --no-empty ' ' -- "$ACCT_IN_FORCE")
        builtin string match --quiet --regex '^[A-Za-z_][A-Za-z0-9_]*=?$' -- $word
        or continue
        builtin set --local name (builtin string trim --right --chars = -- $word)
        builtin set --local keep __acct_none
        builtin test "$word" = "$name"
        or builtin set keep ACCT_IN_FORCE_$name
        # Empty is unset, as for the SDKs (and the guard hides a universal so).
        builtin test "$$name" = "$$keep"
        and continue
        if builtin test -z "$$name"
            builtin set --global __acct_mismatch "$name unset"
            return 0
        end
        # A profile's name is shown (never a key's value) when it is plain text.
        if builtin string match --quiet -- '*PROFILE' $name
            and builtin string match --quiet --regex '^[A-Za-z0-9_.@+-]+$' -- "$$name"
            builtin set --global __acct_mismatch "$name=$$name"
        else
            builtin set --global __acct_mismatch $name
        end
        return 0
    end
    __acct_in_force_holds
end

# Write __acct_if_fast for the list in force now, the same text acct writes
# (src/shell/fish_checks.rs): `"x$ACCT_IN_FORCE" = "x$__acct_if_list"`
# (the list now, kept in a variable: fish expands a quoted literal again
# at every call, a byte at a time), then for a kept `NAME=`
# `"x$NAME" = "x$ACCT_IN_FORCE_NAME"`, and every other `$NAME` together
# empty. (An `x` in front of every word: a value never reads as an
# operator of `test`.) Only for a list of plain names, which are written
# into code; else the prompt always takes the long way.
function __acct_in_force_holds --description 'write the in-force check for this list' # lazy
    builtin string match --quiet --regex '^ *(?:[A-Za-z_][A-Za-z0-9_]*=?(?: +|\z))*\z' -- "$ACCT_IN_FORCE"
    or return 0
    builtin set --local words (builtin string split --no-empty ' ' -- "$ACCT_IN_FORCE")
    builtin set --global __acct_if_list $ACCT_IN_FORCE
    builtin set --local test "builtin test \"x\$ACCT_IN_FORCE\" = \"x\$__acct_if_list\""
    builtin set --local unkept
    for word in $words
        builtin set --local name (builtin string trim --right --chars = -- $word)
        if builtin test "$word" != "$name"
            builtin set test "$test -a \"x\$$name\" = \"x\$ACCT_IN_FORCE_$name\""
        else
            builtin set unkept "$unkept\$$name"
        end
    end
    builtin test -n "$unkept"
    and builtin set test "$test -a \"x$unkept\" = x"
    builtin printf 'function __acct_if_fast\n    %s\nend\n' $test | builtin source
end

# How long the session holds, for `{left}` in the segment: the epoch in
# ACCT_EXPIRES (exported keys) or in the file ACCT_EXPIRES_FILE names (an MFA
# or Identity Center session, kept current by acct), read with `read` (no
# process). Sets __acct_time to `3h12m`, `42m` or `expired`, and
# __acct_time_red to 1 under 15 minutes; `until 14:05 UTC` without /proc;
# nothing when nothing is known. (Globals, not output: see __acct_in_force.
# Every command costs fish some 25,000 instructions: as few as it takes.)
#
# The text only changes when a minute passes, it turns red or the session
# ends, so it is kept with the expiry it is for (__acct_left_for) and the
# second of /proc/uptime at which it stops holding (__acct_left_until):
# most prompts only read the two files and compare, and work it out again
# (__acct_left_window) only after a change. `acct shell` hands over the
# first one, worked out the same way for the same clock (src/stage/expiry.rs).
function __acct_left --description 'how long the session holds'
    builtin set --local expires $ACCT_EXPIRES
    builtin test -z "$expires" -a -f "$ACCT_EXPIRES_FILE"
    and builtin read expires <$ACCT_EXPIRES_FILE
    builtin set --local up
    builtin test -n "$__acct_left_until"
    and builtin read --delimiter . up rest </proc/uptime
    builtin test "x$expires" = "x$__acct_left_for" -a -n "$up" -a "$up" -lt "$__acct_left_until" 2>/dev/null
    or __acct_left_window "$expires"
end

# The time left worked out anew for the expiry $argv[1] (see __acct_left).
# fish has no clock of its own; on Linux the kernel's is read with `read`
# too: now is the boot time (btime of /proc/stat, read once) plus
# /proc/uptime. Without them the text is the expiry's clock time, worked
# out at every prompt.
function __acct_left_window --description 'work out the time left' # lazy
    builtin set --global __acct_time
    builtin set --global __acct_time_red
    builtin set --global __acct_left_for $argv[1]
    builtin set --global __acct_left_until
    builtin set --local expires $argv[1]
    builtin string match --quiet --regex '^[0-9]{1,15}$' -- "$expires"
    or return 0
    if not builtin set --query __acct_btime
        builtin set --global __acct_btime ''
        # One `string match` over the file: a `read` loop pays for every
        # byte of its long `intr` line.
        builtin test -r /proc/stat
        and builtin string match --regex --groups-only '^btime ([0-9]+)$' </proc/stat | builtin read --global __acct_btime
    end
    builtin set --local up ''
    builtin test -n "$__acct_btime"
    and builtin read --local --delimiter . up rest </proc/uptime
    if not builtin string match --quiet --regex '^[0-9]+$' -- "$up"
        builtin set --global __acct_time until (builtin printf '%02d:%02d' (builtin math --scale 0 "floor($expires % 86400 / 3600)") (builtin math --scale 0 "floor($expires % 3600 / 60)")) UTC
        return 0
    end
    builtin math --scale 0 "$expires - $__acct_btime - $up" | builtin read --local left
    if builtin test $left -le 0
        builtin set --global __acct_time expired
        builtin set --global __acct_time_red 1
        builtin set --global __acct_left_until @LEFT_NEVER@
        return 0
    end
    if builtin test $left -ge 3600
        builtin math --scale 0 "floor($left / 3600)" | builtin read --local hours
        builtin math --scale 0 "floor($left % 3600 / 60)" | builtin read --local minutes
        builtin set --global __acct_time {$hours}h{$minutes}m
    else
        builtin math --scale 0 "floor($left / 60)" | builtin read --local minutes
        builtin set --global __acct_time {$minutes}m
    end
    # It holds until its minute changes, the session ends or it turns red.
    builtin set --local holds "$left % 60 + 1, $left"
    if builtin test $left -lt $__acct_left_warn
        builtin set --global __acct_time_red 1
    else
        builtin set holds "$holds, $left - $__acct_left_warn + 1"
    end
    builtin math --scale 0 "$up + min($holds)" | builtin read --global __acct_left_until
end

# The segment in front of your prompt (`prompt`: ACCT_PROMPT): red in a
# protected stage or when the stage is not in force, and then with what
# differs (`[cpco-testing ≠ AWS_PROFILE=personal]`), `{left}` filled in (red
# on its own under 15 minutes unless the whole segment is; taken out with
# its space when unknown). Printed, never evaluated. (Not lazy: every
# prompt of a stage shell draws it, and reading it from a string at the
# first costs more than parsing it at start.) The common case (in force,
# not protected, no red time) here; every other __acct_segment_slow's, as
# fish pays for every command parsed at start or run at a prompt; told
# whether the short in-force test held, which runs once a prompt.
function __acct_segment --description 'the acct stage segment'
    builtin set --global __acct_mismatch
    __acct_if_fast
    or begin
        __acct_segment_slow
        return
    end
    if builtin test -z "$ACCT_PROTECTED"
        if not builtin string match --quiet -- '*{left}*' "$ACCT_PROMPT"
            builtin printf '%s ' "$ACCT_PROMPT"
            return
        end
        __acct_left
        if builtin test "$__acct_time_red" != 1 -a -n "$__acct_time[1]"
            builtin printf '%s' (builtin string replace --all -- '{left}' "$__acct_time" "$ACCT_PROMPT") ' '
            return
        end
    end
    __acct_segment_slow held
end

function __acct_segment_slow --description 'the acct stage segment, every case' # lazy
    set --local segment "$ACCT_PROMPT"
    builtin set --global __acct_mismatch
    # __acct_segment ran the short in-force test: `held`, or the long way.
    builtin test "$argv[1]" = held
    or __acct_in_force
    if builtin test -n "$__acct_mismatch"
        if builtin string match --quiet -- '*]' $segment
            set segment (builtin string replace --regex '\]$' '' -- $segment)" ≠ $__acct_mismatch]"
        else
            set segment "$segment ≠ $__acct_mismatch"
        end
    end
    set --local colored
    if builtin test -n "$ACCT_PROTECTED$__acct_mismatch" -a -z "$NO_COLOR"
        set colored 1
        builtin set_color red
    end
    if not builtin string match --quiet -- '*{left}*' "$segment"
        builtin printf '%s' "$segment"
    else
        __acct_left
        if builtin test "$__acct_time_red" = 1 -a -z "$colored$NO_COLOR"
            __acct_segment_red_time "$segment"
        else if builtin test -n "$__acct_time[1]"
            builtin printf '%s' (builtin string replace --all -- '{left}' "$__acct_time" "$segment")
        else
            builtin printf '%s' (builtin string replace --all --regex -- ' ?\{left\}' '' "$segment")
        end
    end
    builtin test -n "$colored"
    and builtin set_color normal
    builtin printf ' '
end

# The segment with its time in red (the last 15 minutes), `{left}` being
# the first of its kind in $argv[1].
function __acct_segment_red_time --description 'the segment, its time in red' # lazy
    builtin set --local parts (builtin string split --max 1 -- '{left}' "$argv[1]")
    builtin printf '%s' "$parts[1]"
    builtin set_color red
    builtin printf '%s' "$__acct_time"
    builtin set_color normal
    builtin printf '%s' (builtin string replace --all -- '{left}' "$__acct_time" "$parts[2]")
end

# The config's `prompt`, passed by `acct shell` (`off`: no segment, the
# prompt is yours or your framework's; `on`: the segment even under
# starship; unset: look for starship). Your config.fish, which runs first,
# may load this file with `acct init fish`: whichever runs first keeps it.
if builtin set --query __ACCT_PROMPT_MODE
    builtin set --global __acct_prompt_mode $__ACCT_PROMPT_MODE
    builtin set --erase __ACCT_PROMPT_MODE
end

# Your fish_prompt is wrapped once, unless `prompt = false`, or unless it is
# starship's (which shows the stage itself with its env_var module, see the
# README) and not `prompt = true`. starship's own init replaces the wrapper
# when it runs later: either way one prompt draws the stage, and no prompt
# pays for the check. (The query loads an autoloaded fish_prompt too.)
# starship's init exports STARSHIP_SHELL with its fish_prompt: without it,
# the prompt is not starship's, and fish need not print the function's
# source to search it (0.7M instructions, a twentieth of the hook's start).
if builtin test "$__acct_prompt_mode" != off
    and not builtin functions --query __acct_user_fish_prompt
    and begin
        builtin test "$__acct_prompt_mode" = on
        or not builtin functions --query fish_prompt
        or not builtin set --query STARSHIP_SHELL
        or not builtin functions fish_prompt | builtin string match --quiet --regex starship
    end
    if builtin functions --query fish_prompt
        builtin functions --copy fish_prompt __acct_user_fish_prompt
    else
        function __acct_user_fish_prompt
        end
    end

    function fish_prompt --description 'the acct stage segment, then your prompt'
        set --local last_status $status
        builtin test -n "$ACCT_PROMPT"
        and __acct_segment
        __acct_return $last_status
        __acct_user_fish_prompt $argv
    end
end

# To show the segment in your everyday prompt, add to ~/.config/fish/config.fish:
#   acct init fish | source
