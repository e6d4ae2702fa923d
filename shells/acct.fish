# acct: the stage segment in front of your own fish prompt.
#
# Loaded two ways: by `acct shell`, as `fish --init-command`, which fish runs
# after your config.fish and conf.d; and by `acct init fish | source` in your
# config.fish. Your fish_prompt is kept as __acct_user_fish_prompt and called
# after the segment. The prompt costs no process: only builtins read the
# environment, and the segment is printed, never evaluated.
#
# A function whose line ends in `# lazy` is only for rare cases: `acct shell`
# hands it over as a string that defines it at its first call, since fish
# parses every function before the first prompt (src/shell/scripts.rs).

# Under this many seconds left, `{left}` turns red: acct writes its own
# number in when it hands out this script.
builtin set --global __acct_left_warn @LEFT_WARN_SECONDS@

function __acct_return --description 'set $status for the next command'
    return $argv[1]
end

# Called by `acct shell` after your config.fish and conf.d, inside a stage
# shell: every variable acct set or removed (named in __ACCT_GUARD, acct's
# value in __ACCT_GUARD_NAME) is put back, so a stale key or another
# AWS_PROFILE from your config or a universal variable cannot run commands as
# someone else under the stage's prompt. A universal variable is hidden from
# this session only, behind an empty exported global (fish exports a
# universal hidden by an unexported one; SDKs take empty as not set).
function __acct_guard --description 'put back the stage variables your config changed'
    builtin set --query __ACCT_GUARD
    or return 0
    # (`read` from a builtin's pipe: a command substitution costs fish far
    # more than the whole check below.)
    builtin echo $__ACCT_GUARD | builtin read --local --list --delimiter ' ' names
    builtin set --local keeps __ACCT_GUARD_$names
    # The usual case, nothing changed, in a few builtins instead of a few per
    # name (each lookup costs; a slice is cheaper than a second pass). acct
    # lists the names it removed before those it set: with $absent values
    # missing, the first $absent names must be unset and the others set,
    # like their values (of the slices from $absent on, only the first is
    # missing), and then the values equal in order.
    builtin set --query $keeps
    builtin set --local absent $status
    if builtin test $absent -gt 0
        builtin set --query $keeps[$absent..-1]
        builtin set --local keeps_after $status
        builtin set --query $names[$absent..-1]
        builtin set --local names_after $status
        builtin set --query $names[1..$absent]
        if builtin test $status -eq $absent -a $names_after -eq 1 -a $keeps_after -eq 1
            builtin string escape -- $$names[$absent..-1] | builtin read --local --null now
            builtin string escape -- $$keeps[$absent..-1] | builtin read --local --null want
            if builtin test "$now" = "$want"
                builtin set --erase --global __ACCT_GUARD $keeps[$absent..-1]
                return 0
            end
        end
    end
    __acct_guard_each $names
end

# The guard's name-by-name part, for when the config changed something.
function __acct_guard_each --description 'put back the stage variables your config changed, one by one' # lazy
    builtin set --local names $argv
    builtin set --local changed
    builtin set --local universal
    for name in $names
        builtin set --local keep __ACCT_GUARD_$name
        if builtin set --query $keep
            if not builtin set --query $name; or builtin test "$$name" != "$$keep"
                builtin set --append changed $name
                builtin set --global --export $name $$keep
            end
        else if builtin set --query $name
            if builtin set --query --universal $name; and not builtin set --query --global $name
                builtin set --append universal $name
            else
                builtin set --append changed $name
            end
            builtin set --erase --global $name
            if builtin set --query --universal $name
                builtin set --global --export $name
            end
        end
    end
    if builtin test (builtin count $changed) -gt 0
        builtin printf 'acct: your fish config (config.fish or conf.d) set %s; put back as stage %s has it, whose profile decides who you are\n' "$changed" "$ACCT_STAGE" >&2
    end
    if builtin test (builtin count $universal) -gt 0
        builtin printf 'acct: universal variables (set -Ux) set %s; hidden in this stage shell only, your other sessions keep them\n' "$universal" >&2
    end
    builtin set --erase --global __ACCT_GUARD __ACCT_GUARD_$names
    return 0
end

# At every prompt: is the stage still in force? ACCT_IN_FORCE names the
# variables that decide who a command runs as, ACCT_IN_FORCE_NAME the value
# entering the stage gave NAME (absent: NAME must be absent or empty). Sets
# __acct_mismatch to the first that differs (empty when none does): a nested
# shell's config, a prompt hook or direnv may have changed it since. (A
# global, not output: capturing output costs a command substitution.)
#
# fish pays thousands of instructions for every name it lists or looks up,
# and the list has some 31 names, so the usual case is checked in bulk: a
# stage sets the first names of the list (the profile) and none after. With
# k ACCT_IN_FORCE_ values missing, the first names' are all there (then,
# counted, the last k are missing), the last k variables have no value and
# the first equal theirs: in force. A check that passes is remembered
# (__acct_in_force_list: ACCT_IN_FORCE as it was; _unset: the names whose
# variable and value were both missing, and what `set --query` returned for
# their values; _set: the others): while the list is the same, the next
# prompts check only that. Anything else takes the check name by name,
# which remembers what it found when it passes.
function __acct_in_force --description 'the first stage variable changed since the stage was entered'
    builtin set --global __acct_mismatch
    if builtin test "$ACCT_IN_FORCE" = "$__acct_in_force_list"
        builtin set --local values $$__acct_in_force_unset
        builtin set --query ACCT_IN_FORCE_$__acct_in_force_unset
        if builtin test $status = $__acct_in_force_unset_status
            and not builtin set --query values[1]
            and __acct_in_force_same $__acct_in_force_set
            return 0
        end
    end
    builtin set --erase __acct_in_force_list
    # Only a list of plain AWS names is remembered (and split with `read`,
    # which cannot mistake such names), of fewer than 200 (`set --query`
    # counts in a status).
    builtin string match --quiet --regex '^AWS[A-Za-z0-9_]*( AWS[A-Za-z0-9_]*)*\z' -- "$ACCT_IN_FORCE"
    and builtin echo $ACCT_IN_FORCE | builtin read --local --list --delimiter ' ' names
    and not builtin set --query names[200]
    builtin set --local plain $status
    builtin set --local set
    builtin set --local unset
    if builtin test $plain = 0
        builtin set --query ACCT_IN_FORCE_$names
        builtin set --local k $status
        builtin set set $names
        if builtin test $k -gt 0
            builtin set --local from -$k
            builtin set unset $names[$from..-1]
            builtin set --erase set[$from..-1]
        end
        builtin set --local values $$unset
        if not builtin set --query values[1]
            and begin
                not builtin set --query set[1]
                or builtin set --query ACCT_IN_FORCE_$set
            end
            and __acct_in_force_same $set
            __acct_in_force_remember $k
            return 0
        end
    end
    __acct_in_force_each $plain
end

# The check name by name: the first that differs, or what to remember.
function __acct_in_force_each --description 'the in-force check, one name at a time' # lazy
    builtin set --local plain $argv[1]
    builtin set --local set
    builtin set --local unset
    for name in (builtin string split ' ' -- "$ACCT_IN_FORCE")
        builtin string match --quiet --regex '^[A-Za-z_][A-Za-z0-9_]*$' -- $name
        or continue
        builtin set --local keep ACCT_IN_FORCE_$name
        # Empty is unset, as for the SDKs (and the guard hides a universal so).
        if builtin test "$$name" = "$$keep"
            builtin set --query $name $keep
            if builtin test $status = 2
                builtin set --append unset $name
            else
                builtin set --append set $name
            end
            continue
        end
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
    if builtin test $plain = 0
        builtin set --query ACCT_IN_FORCE_$unset
        __acct_in_force_remember $status
    end
    return 0
end

# Does each of these names have its ACCT_IN_FORCE_ value?
function __acct_in_force_same
    for name in $argv
        builtin set --local keep ACCT_IN_FORCE_$name
        builtin test "$$name" = "$$keep"
        or return 1
    end
end

# The check passed: remember the caller's `set` and `unset`, and what `set
# --query` returns for the values of `unset` (their count; 255 for none).
function __acct_in_force_remember --no-scope-shadowing
    builtin set --global __acct_in_force_set $set
    builtin set --global __acct_in_force_unset $unset
    builtin set --global __acct_in_force_unset_status $argv[1]
    builtin set --query unset[1]
    or builtin set __acct_in_force_unset_status 255
    builtin set --global __acct_in_force_list "$ACCT_IN_FORCE"
end

# How long the session holds, for `{left}` in the segment: the epoch in
# ACCT_EXPIRES (exported keys) or in the file ACCT_EXPIRES_FILE names (an MFA
# or Identity Center session, kept current by acct), read with `read` (no
# process). fish has no clock of its own; on Linux the kernel's is read with
# `read` too: now is the boot time (btime of /proc/stat, read once) plus
# /proc/uptime. Sets __acct_time to `3h12m`, `42m` or `expired`, then `red`
# under 15 minutes; `until 14:05 UTC` without /proc; nothing when nothing is
# known. (A global, not output: see __acct_in_force.)
function __acct_left --description 'how long the session holds'
    builtin set --global __acct_time
    builtin set --local expires "$ACCT_EXPIRES"
    if builtin test -z "$expires" -a -n "$ACCT_EXPIRES_FILE" -a -f "$ACCT_EXPIRES_FILE"
        builtin read --local line <$ACCT_EXPIRES_FILE
        and builtin set expires $line
    end
    builtin string match --quiet --regex '^[0-9]{1,15}$' -- "$expires"
    or return 0
    if not builtin set --query __acct_btime
        builtin set --global __acct_btime ''
        # One `string match` over the file: a `read` loop pays for every
        # byte of its long `intr` line.
        builtin test -r /proc/stat
        and builtin string match --regex --groups-only '^btime (.*)' </proc/stat | builtin read --global __acct_btime
    end
    builtin set --local up ''
    if builtin string match --quiet --regex '^[0-9]+$' -- "$__acct_btime"
        and builtin read --local --delimiter . uptime rest </proc/uptime
        builtin set up $uptime
    end
    if not builtin string match --quiet --regex '^[0-9]+$' -- "$up"
        builtin set --global __acct_time until (builtin printf '%02d:%02d' (builtin math --scale 0 "floor($expires % 86400 / 3600)") (builtin math --scale 0 "floor($expires % 3600 / 60)")) UTC
        return 0
    end
    builtin math --scale 0 "$expires - $__acct_btime - $up" | builtin read --local left
    if builtin test $left -le 0
        builtin set --global __acct_time expired
    else if builtin test $left -ge 3600
        builtin math --scale 0 "floor($left / 3600)" | builtin read --local hours
        builtin math --scale 0 "floor($left % 3600 / 60)" | builtin read --local minutes
        builtin set --global __acct_time {$hours}h{$minutes}m
    else
        builtin math --scale 0 "floor($left / 60)" | builtin read --local minutes
        builtin set --global __acct_time {$minutes}m
    end
    builtin test $left -lt $__acct_left_warn
    and builtin set --append __acct_time red
    return 0
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
        if builtin test -n "$ACCT_PROMPT"
            set --local colored 0
            set --local segment "$ACCT_PROMPT"
            __acct_in_force
            set --local mismatch $__acct_mismatch
            if builtin test -n "$mismatch"
                if builtin string match --quiet -- '*]' $segment
                    set segment (builtin string replace --regex '\]$' '' -- $segment)" ≠ $mismatch]"
                else
                    set segment "$segment ≠ $mismatch"
                end
            end
            if builtin test \( -n "$ACCT_PROTECTED" -o -n "$mismatch" \) -a -z "$NO_COLOR"
                set colored 1
                builtin set_color red
            end
            # `{left}`: the time, red on its own under 15 minutes unless the
            # whole segment is; taken out with its space when unknown.
            set --local parts "$segment"
            set --local time
            if builtin string match --quiet -- '*{left}*' "$segment"
                __acct_left
                set time $__acct_time
                if builtin test -z "$time[1]"
                    set segment (builtin string replace --all -- ' {left}' '' "$segment")
                    set parts (builtin string replace --all -- '{left}' '' "$segment")
                else
                    set parts (builtin string split --max 1 -- '{left}' "$segment")
                end
            end
            builtin printf '%s' "$parts[1]"
            if builtin set --query parts[2]
                if builtin test "$time[-1]" = red -a $colored = 0 -a -z "$NO_COLOR"
                    builtin set_color red
                    builtin printf '%s' "$time[1..-2]"
                    builtin set_color normal
                else if builtin test "$time[-1]" = red
                    builtin printf '%s' "$time[1..-2]"
                else
                    builtin printf '%s' "$time"
                end
                builtin printf '%s' (builtin string replace --all -- '{left}' "$time[1]" "$parts[2]")
            end
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
