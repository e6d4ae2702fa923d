# acct: the stage segment in front of your own zsh prompt.
#
# Loaded two ways: by `eval "$(acct init zsh)"` in your .zshrc, and by
# `acct shell`, which starts zsh with ZDOTDIR at a private directory whose
# .zshenv and .zshrc are both this file, and your own ZDOTDIR in
# __ACCT_ZDOTDIR (empty when you had none). The prompt costs no process: the
# hook reads environment variables with builtins only, and the segment's `%`,
# `$`, backticks and `!` are never interpreted.

# The config's `prompt`, passed by `acct shell` (`off`: no segment, the
# prompt is yours or your framework's; `on`: the segment even under
# starship; unset: the hook looks for starship at each prompt). Kept before
# your startup files run, which may load this file again with `acct init zsh`.
if (( ${+__ACCT_PROMPT_MODE} )); then
    typeset -g __acct_prompt_mode=$__ACCT_PROMPT_MODE
    \builtin unset __ACCT_PROMPT_MODE
fi

# As .zshenv of a stage shell whose user has no .zshenv (the usual case):
# nothing to run or check yet, so return before zsh parses the rest of this
# file, which it reads one command at a time (parsing costs zsh about 200
# instructions a byte: the rest of the file was 0.4M instructions here).
# The full branch below does the same when there is a .zshenv of yours.
if (( ${+__ACCT_ZDOTDIR} && ! ${+__acct_startup_dir} )) && [[ ! -f ${__ACCT_ZDOTDIR:-$HOME}/.zshenv ]]; then
    typeset -g __acct_startup_dir=$ZDOTDIR
    \builtin return 0
fi

# Under this many seconds left, `{left}` turns red: acct writes its own
# number in when it hands out this script.
typeset -gi __acct_left_warn=@LEFT_WARN_SECONDS@

# After each of the user's startup files, inside a stage shell: every
# variable acct set or removed (named in __ACCT_GUARD, acct's value in
# __ACCT_GUARD_NAME) is put back, so a stale key or another AWS_PROFILE
# exported by .zshenv or .zshrc cannot run commands as someone else under the
# stage's prompt; said once per file. Runs only when acct's one test of them
# all (__acct_guard_check, in front of this file in a stage shell) fails:
# the loop by name costs zsh about 1.1M instructions.
__acct_guard() {
    \builtin emulate -L zsh
    local name keep
    local -a changed
    for name in ${(s: :)${__ACCT_GUARD-}}; do
        keep=__ACCT_GUARD_$name
        if (( ${(P)+keep} )); then
            if (( ! ${(P)+name} )) || [[ ${(P)name} != ${(P)keep} ]]; then
                changed+=($name)
                \builtin export "$name=${(P)keep}"
            fi
        elif [[ -n ${(P)name-} ]]; then
            # Empty is unset, as for the SDKs and acct's one test.
            changed+=($name)
            \builtin unset $name
        fi
    done
    if (( $#changed )); then
        \builtin print -ru2 -- "acct: ${(D)1} (or a file it loads) set ${changed[*]}; put back as stage ${ACCT_STAGE-} has it, whose profile decides who you are"
    fi
}

if (( ${+__ACCT_ZDOTDIR} )); then
    if (( ! ${+__acct_startup_dir} )); then
        # As .zshenv: yours runs with your ZDOTDIR. It may choose another one
        # for your .zshrc; keep that choice, and come back here for .zshrc.
        typeset -g __acct_startup_dir=$ZDOTDIR
        if [[ -n $__ACCT_ZDOTDIR ]]; then ZDOTDIR=$__ACCT_ZDOTDIR; else \builtin unset ZDOTDIR; fi
        # Without a .zshenv of yours there is nothing to check here: what
        # the system's zshenv did is checked after your .zshrc.
        if [[ -f ${ZDOTDIR:-$HOME}/.zshenv ]]; then
            \builtin source "${ZDOTDIR:-$HOME}/.zshenv"
            __acct_guard_check || __acct_guard "${ZDOTDIR:-$HOME}/.zshenv"
        fi
        __ACCT_ZDOTDIR=${ZDOTDIR-}
        ZDOTDIR=$__acct_startup_dir
        \builtin return 0
    fi
    # As .zshrc: your ZDOTDIR is back before your .zshrc runs, at the top
    # level, so that its `typeset`s stay global.
    if [[ -n $__ACCT_ZDOTDIR ]]; then ZDOTDIR=$__ACCT_ZDOTDIR; else \builtin unset ZDOTDIR; fi
    \builtin unset __ACCT_ZDOTDIR __acct_startup_dir
    if [[ -f ${ZDOTDIR:-$HOME}/.zshrc ]]; then \builtin source "${ZDOTDIR:-$HOME}/.zshrc"; fi
    __acct_guard_check || __acct_guard "${ZDOTDIR:-$HOME}/.zshrc"
    \builtin unset -m '__ACCT_GUARD*'
fi

# At every prompt: is the stage still in force? ACCT_IN_FORCE names the
# variables that decide who a command runs as: `NAME=` one the stage keeps,
# which must equal ACCT_IN_FORCE_NAME (the value entering the stage gave
# it), any other NAME one that must be absent or empty. Sets
# __acct_mismatch to the first that differs ('' when none does): a nested
# shell's rc, a precmd hook or direnv may have changed it since.
#
# Comparing all ~31 names costs zsh about 1M instructions (each loop turn,
# `(P)` lookup and `[[ ]]` a few thousand), so the prompt first runs
# __acct_if_fast, one `[[ ]]` written for the list it was made for
# (__acct_if_list): each kept value compared, the others found empty. acct
# writes it for the stage (src/shell/zsh_checks.rs, in front of this file);
# __acct_in_force_holds writes it again after a change, the same text.
# When it fails, the loop below names the first that differs, in
# ACCT_IN_FORCE's order.
__acct_in_force() {
    \builtin emulate -L zsh
    local word name keep
    typeset -g __acct_mismatch=''
    (( ${+ACCT_IN_FORCE} )) || return 0
    (( ${+functions[__acct_if_fast]} )) && __acct_if_fast && return 0
    for word in ${(s: :)ACCT_IN_FORCE}; do
        name=${word%=}
        # Only plain names: (P) would evaluate a subscript.
        [[ -z $name || $name == *[^A-Za-z0-9_]* ]] && continue
        keep=__acct_none
        [[ $word == $name ]] || keep=ACCT_IN_FORCE_$name
        # Empty is unset, as for the SDKs.
        [[ ${(P)name:-} == ${(P)keep:-} ]] && continue
        if [[ -z ${(P)name:-} ]]; then
            __acct_mismatch="$name unset"
        elif [[ $name == *PROFILE && ${(P)name} != *[^A-Za-z0-9_.@+-]* ]]; then
            # A profile's name is shown (never a key's value) when it is
            # plain text.
            __acct_mismatch=$name=${(P)name}
        else
            __acct_mismatch=$name
        fi
        return 0
    done
    __acct_in_force_holds
}

# Write __acct_if_fast for the list in force now, the same text acct writes
# (src/shell/zsh_checks.rs): a kept `NAME=` compares `$NAME ==
# $ACCT_IN_FORCE_NAME`, and every other `$NAME` must be empty. Only for
# names that are identifiers: they are written into code.
__acct_in_force_holds() {
    \builtin emulate -L zsh
    local word name test unkept=''
    [[ $ACCT_IN_FORCE == *[^A-Za-z0-9_=\ ]* || $ACCT_IN_FORCE == *=[^\ ]* ||
        " $ACCT_IN_FORCE" == *' '[0-9=]* ]] && return 0
    test='$ACCT_IN_FORCE == $__acct_if_list'
    for word in ${(s: :)ACCT_IN_FORCE}; do
        name=${word%=}
        if [[ $word != $name ]]; then
            test+=" && \$$name == \$ACCT_IN_FORCE_$name"
        else
            unkept+="\$$name"
        fi
    done
    typeset -g __acct_if_list=$ACCT_IN_FORCE
    \builtin eval "__acct_if_fast() {
    \\builtin emulate -L zsh
    [[ $test && -z ${unkept:-\'\'} ]]
}"
}

typeset -g __acct_segment='' __acct_prefix=''

# How long the session holds, for `{left}` in the segment: the epoch in
# ACCT_EXPIRES (exported keys) or in the file ACCT_EXPIRES_FILE names (an MFA
# or Identity Center session, kept current by acct), read with `read` (no
# process). The clock is the prompt escape `%D{%s}` (strftime's epoch
# seconds), expanded by the `(%)` flag: zsh/datetime's EPOCHSECONDS would
# cost loading the module at every start (a tenth of a millisecond). Sets
# __acct_left to `3h12m`, `42m` or `expired` (`until 14:05 UTC` where
# strftime has no `%s`), __acct_left_red to 1 under 15 minutes; both empty
# when nothing is known.
__acct_left() {
    \builtin emulate -L zsh
    local expires=${ACCT_EXPIRES-} now=${(%):-%D{%s}}
    local -i left
    typeset -g __acct_left='' __acct_left_red=''
    if [[ -z $expires && -n ${ACCT_EXPIRES_FILE-} && -f $ACCT_EXPIRES_FILE ]]; then
        IFS= \builtin read -r expires <$ACCT_EXPIRES_FILE
    fi
    [[ -n $expires && $expires != *[^0-9]* && $#expires -lt 16 ]] || return 0
    if [[ $now != <-> ]]; then
        __acct_left=${(l:2::0:)$(( 10#$expires % 86400 / 3600 ))}:${(l:2::0:)$(( 10#$expires % 3600 / 60 ))}
        __acct_left="until $__acct_left UTC"
        return 0
    fi
    left=$(( 10#$expires - 10#$now ))
    if (( left <= 0 )); then
        __acct_left=expired
    elif (( left >= 3600 )); then
        __acct_left="$(( left / 3600 ))h$(( left % 3600 / 60 ))m"
    else
        __acct_left="$(( left / 60 ))m"
    fi
    (( left < __acct_left_warn )) && __acct_left_red=1
    return 0
}

# Runs last in precmd_functions: puts the segment in front of whatever PROMPT
# the user's startup files and hooks made, and takes it out again when the
# stage is left.
__acct_precmd() {
    local -i ret=$?
    local subst=0 bang=0
    [[ -o prompt_subst ]] && subst=1
    [[ -o prompt_bang ]] && bang=1
    \builtin emulate -L zsh
    local segment=${ACCT_PROMPT-} prefix=''
    # starship shows the stage itself (its env_var module, see the README):
    # its hook in precmd_functions says it draws this prompt. No process.
    if [[ ${__acct_prompt_mode-} != on ]] &&
        (( ${precmd_functions[(Ie)prompt_starship_precmd]:-0} )); then
        segment=''
    fi
    __acct_in_force
    if [[ -n $segment && -n $__acct_mismatch ]]; then
        if [[ $segment == *']' ]]; then
            segment="${segment%]} ≠ $__acct_mismatch]"
        else
            segment="$segment ≠ $__acct_mismatch"
        fi
    fi
    if [[ -n $segment ]]; then
        # Percent escapes (and `!` with PROMPT_BANG) are read even in text
        # that came from a parameter: double them.
        segment=${segment//\%/%%}
        (( bang )) && segment=${segment//\!/!!}
        local red=0 token='{left}' time
        [[ -n ${ACCT_PROTECTED-}$__acct_mismatch && -z ${NO_COLOR-} ]] && red=1
        if [[ $segment == *$token* ]]; then
            __acct_left
            time=$__acct_left
            # Red on its own under 15 minutes, unless the whole segment is.
            if [[ -n $__acct_left_red && $red == 0 && -z ${NO_COLOR-} ]]; then
                time="%F{red}$time%f"
            fi
            [[ -z $time ]] && segment=${segment// $token/}
            segment=${segment//$token/$time}
        fi
        if (( red )); then
            segment="%F{red}$segment%f"
        fi
        __acct_segment=$segment
        # With PROMPT_SUBST the prompt is expanded: refer to the segment so
        # that it is substituted once and never read as code.
        if (( subst )); then prefix='${__acct_segment} '; else prefix="$segment "; fi
    fi
    if [[ -n $__acct_prefix && ${PS1-} == "$__acct_prefix"* ]]; then
        PS1=${PS1#"$__acct_prefix"}
    fi
    __acct_prefix=$prefix
    PS1=$prefix${PS1-}
    \builtin return ret
}

# Register once, after every precmd hook of the user's; keep theirs.
# With `prompt = false` there is no hook: the prompt is left alone.
if [[ ${__acct_prompt_mode-} != off ]] && (( ${precmd_functions[(Ie)__acct_precmd]:-0} == 0 )); then
    precmd_functions+=(__acct_precmd)
fi

# To show the segment in your everyday prompt, add to ~/.zshrc:
#   eval "$(acct init zsh)"
