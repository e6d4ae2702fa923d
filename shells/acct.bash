# shellcheck shell=bash
# acct: the stage segment in front of your own bash prompt.
#
# Loaded two ways: as the --rcfile of `acct shell` (then acct writes its
# checks for the stage in front of it, see below), and by
# `eval "$(acct init bash)"` in your ~/.bashrc. The prompt costs no process:
# the hook reads environment variables with builtins only, and PS1 refers to
# the segment through a variable, so a `$(...)` or a backtick in it is
# printed, never run. Builtins are called as `\builtin` so that aliases of
# yours cannot change what this file does.
#
# bash spends thousands of instructions on every command or expansion and
# hundreds on every byte it reads, and all of it is paid at every start.
# So what runs at each start and prompt is short: the checks over many
# names are each one `[[ ]]` (src/shell/bash_checks.rs), and a function
# whose line ends in `# lazy` is only for the rare case (something changed)
# and called through __acct_lazy: `acct shell` hands it over as text in
# __ACCT_BASH_LAZY, which bash takes from the environment without reading
# it as code. The hook's globals begin with __acct_.

# Run a `# lazy` function, defining them all first where acct handed them
# over as text to the rc file it wrote (else they are defined below, and
# an inherited text is dropped: see the end of the rc-file block). Once
# read, the text is emptied: `eval ''` costs less than a test each time.
__acct_lazy() { \builtin eval "${__ACCT_BASH_LAZY-}"; __ACCT_BASH_LAZY=; "$@"; }

# After the user's startup files, inside a stage shell: every variable acct
# set or removed is put back, so a stale key or another AWS_PROFILE exported
# by ~/.bashrc cannot run commands as someone else under the stage's prompt;
# said once. __ACCT_GUARD holds each name and acct's value as bash words
# (`AWS_PROFILE '=cpco-testing-admin'`; `''`: acct removed it). Runs when
# acct's one test of them all (src/shell/bash_checks.rs) fails or cannot
# run.
__acct_guard() { # lazy
    # (`\builtin local` is no declaration: assign on lines of their own.)
    \builtin local name value changed i IFS
    \builtin local -a words
    IFS=' '
    changed=''
    i=0
    \builtin eval "words=(${__ACCT_GUARD-})"
    while ((i + 1 < ${#words[@]})); do
        name=${words[i]}
        value=${words[i + 1]}
        i=$((i + 2))
        [[ ${name} != *[!A-Za-z0-9_]* ]] || \builtin continue
        if [[ -n ${value} ]]; then
            value=${value#=}
            [[ -n ${!name+x} && ${!name} == "${value}" ]] && \builtin continue
            \builtin export "${name}=${value}"
        else
            # Empty is unset, as for the SDKs and the check at each prompt.
            [[ -n ${!name-} ]] || \builtin continue
            \builtin unset -v "${name}"
        fi
        changed+=" ${name}"
    done
    if [[ -n ${changed} ]]; then
        \builtin printf 'acct: %s (or a file it loads) set %s; put back as stage %s has it, whose profile decides who you are\n' \
            "$1" "${changed# }" "${ACCT_STAGE-}" >&2
    fi
}

# At every prompt: is the stage still in force? ACCT_IN_FORCE names the
# variables that decide who a command runs as: `NAME=` one the stage keeps,
# which must equal ACCT_IN_FORCE_NAME (the value entering the stage gave
# it), any other NAME one that must be absent or empty. A nested shell's
# rc, a PROMPT_COMMAND or a direnv hook may have changed one.
#
# The prompt first runs __acct_if_fast, one `[[ ]]` written for the list it
# was made for (__acct_if_list): each kept value compared, the others found
# empty, with `$NAME` (half the cost of `${NAME-}`, so not under `set -u`).
# acct writes it for the stage; __acct_in_force_holds writes it again after
# a change. When it fails, this looks at each name
# and sets __acct_mismatch to the first that differs ('' when none does).
__acct_in_force() { # lazy
    \builtin local word name keep plain IFS
    IFS=' '
    __acct_mismatch=''
    # Only plain names: ${!name} would evaluate a subscript. One test of the
    # whole list, acct's own, spares a test per name.
    [[ ${ACCT_IN_FORCE-} == *[!A-Za-z0-9_=\ ]* || ${ACCT_IN_FORCE-} == *=[!\ ]* ]] || plain=1
    for word in ${ACCT_IN_FORCE-}; do
        name=${word%=}
        [[ -n ${plain} || ${name} != *[!A-Za-z0-9_]* ]] || \builtin continue
        [[ -n ${name} ]] || \builtin continue
        keep=__acct_none
        [[ ${word} == "${name}" ]] || keep=ACCT_IN_FORCE_${name}
        # Empty is unset, as for the SDKs (and fish hides a universal so).
        [[ ${!name-} == "${!keep-}" ]] && \builtin continue
        if [[ -z ${!name-} ]]; then
            __acct_mismatch="${name} unset"
        elif [[ ${name} == *PROFILE && ${!name} != *[!A-Za-z0-9_.@+-]* ]]; then
            # A profile's name is shown (never a key's value) when it is
            # plain text.
            __acct_mismatch=${name}=${!name}
        else
            __acct_mismatch=${name}
        fi
        \builtin return 0
    done
    if [[ -n ${plain} ]]; then
        __acct_in_force_holds
    fi
}

# Write __acct_if_fast for the list in force now, the same text acct writes
# (src/shell/bash_checks.rs): a kept `NAME=` compares `$NAME ==
# "$ACCT_IN_FORCE_NAME"`, and every other `$NAME` must be empty. The
# list it is for is compared as a pattern (a third cheaper than in quotes),
# which is exact: it holds only letters, digits, `_`, `=` and spaces.
# __acct_if_made says there is one. Only for names that are identifiers
# (they are written into code); else the prompt always takes the long way.
__acct_in_force_holds() { # lazy
    \builtin local word name kept unkept IFS
    IFS=' '
    kept=''
    unkept=''
    __acct_if_made=''
    # Names go into code: only a list of plain words, each an identifier
    # and perhaps `=` (as zsh's and fish's hooks check it too).
    [[ ${ACCT_IN_FORCE-} == *[!A-Za-z0-9_=\ ]* || ${ACCT_IN_FORCE-} == *=[!\ ]* ||
        " ${ACCT_IN_FORCE-}" == *' '[0-9=]* ]] && \builtin return 0
    for word in ${ACCT_IN_FORCE-}; do
        name=${word%=}
        if [[ ${word} != "${name}" ]]; then
            kept+=" && \$${name} == \"\$ACCT_IN_FORCE_${name}\""
        else
            unkept+="\$${name}"
        fi
    done
    __acct_if_list=${ACCT_IN_FORCE}
    \builtin eval "__acct_if_fast() { [[ \$ACCT_IN_FORCE == \$__acct_if_list${kept} && -z ${unkept:-\'\'} ]]; }"
    __acct_if_made=1
}

# The clock where bash has no EPOCHSECONDS (before 5.0): printf's
# `%(%s)T` (bash 4.2), else none (bash 3.2): `{left}` is then the expiry's
# clock time, `until 14:05 UTC`.
__acct_now_without_epochseconds() { # lazy
    __acct_now=''
    \builtin printf -v __acct_now '%(%s)T' -1 2>/dev/null || __acct_now=''
    if [[ -z ${__acct_now} || ${__acct_now} == *[!0-9]* ]]; then
        \builtin printf -v __acct_left 'until %02d:%02d UTC' $((__acct_expires % 86400 / 3600)) $((__acct_expires % 3600 / 60))
        __acct_now=''
    fi
}

# A mismatch in the segment (`[cpco-testing ≠ AWS_PROFILE=personal]`).
__acct_segment_mismatch() { # lazy
    if [[ ${__acct_segment} == *']' ]]; then
        __acct_segment="${__acct_segment%]} ≠ ${__acct_mismatch}]"
    else
        __acct_segment="${__acct_segment} ≠ ${__acct_mismatch}"
    fi
}

# PS1 without the segment: when there is none (the stage was left, or
# starship shows it), and before the segment goes in as written.
__acct_prefix_out() { # lazy
    [[ ${PS1-} != "${__acct_prefix}"* ]] || PS1=${PS1#"${__acct_prefix}"}
    if [[ -n ${__acct_written-} && ${PS1-} == "${__acct_written}"* ]]; then
        PS1=${PS1#"${__acct_written}"}
    fi
    __acct_written=''
}

# The segment for a PS1 taken as written (promptvars off, not POSIX mode):
# its text itself, with the backslashes bash decodes escaped.
__acct_prefix_as_written() { # lazy
    __acct_prefix_out
    __acct_written="\\[${__acct_color}\\]${__acct_segment//\\/\\\\}\\[${__acct_reset}\\] "
    PS1=${__acct_written}${PS1-}
}

# `acct shell` runs bash with this file instead of ~/.bashrc, after acct's
# in-force test for the stage (__acct_if_fast: defined before ~/.bashrc, so
# its aliases cannot reach it) and the config's `prompt` as
# __acct_prompt_mode (`off`: no segment, the prompt is yours or your
# framework's; `on`: the segment even under starship; unset: the hook looks
# for starship at each prompt), and with the next line replaced by its own
# part (src/shell/bash_checks.rs, `after_startup`): yours is loaded, at the
# top level so that its `declare`s stay global, and checked with the
# guard's one test. Loaded by `acct init bash`, the line drops what only
# acct's rc file takes from the environment: rare-function text (the rare
# functions are defined above; that text is never read as code) and the
# first `{left}` (see __acct_left; its second is read as arithmetic, so
# only acct's own value may be there).
\builtin unset -v __ACCT_BASH_LAZY __acct_left_for __acct_left_until __acct_time

# `{left}` in __acct_segment: how long the session holds, from the epoch
# in ACCT_EXPIRES (exported keys) or in the file ACCT_EXPIRES_FILE names (an
# MFA or Identity Center session, kept current by acct), read with `read` (a
# redirection of a builtin, no process) at every prompt. The text depends
# only on the expiry and the minute, so it is kept (__acct_time) with the
# expiry it is for (__acct_left_for) and bash 5's EPOCHSECONDS second at
# which it stops holding (__acct_left_until: its minute changes or it turns
# red), and worked out again (__acct_left_window) only then. `acct shell`
# hands over the first one (src/stage/expiry.rs). A red text is never kept
# (its colour depends on the segment's), nor one without EPOCHSECONDS.
__acct_left() {
    __acct_expires=${ACCT_EXPIRES-}
    [[ -n ${__acct_expires} || ! -f ${ACCT_EXPIRES_FILE:-/} ]] ||
        \builtin read -r __acct_expires <"${ACCT_EXPIRES_FILE}" || :
    if [[ ${__acct_expires} == "${__acct_left_for-}" && EPOCHSECONDS -lt __acct_left_until && EPOCHSECONDS -gt 0 ]]; then
        __acct_segment=${__acct_segment//'{left}'/"${__acct_time}"}
    else
        __acct_lazy __acct_left_window
    fi
}

# `{left}` worked out for the expiry __acct_left read: `3h12m`, `42m` or
# `expired`, red on its own under 15 minutes (readline's \001 \002 around
# the colour, which takes no room) unless the whole segment is. Unknown:
# `{left}` and its space are left out. A text that is not red is kept
# until the second it would change (as src/stage/expiry.rs `holds_for`).
__acct_left_window() { # lazy
    __acct_left='' __acct_time='' __acct_left_for=${__acct_expires} __acct_left_until=0
    # Under this many seconds left, red: acct writes its own number in.
    __acct_left_warn=@LEFT_WARN_SECONDS@
    # Digits, no leading 0 (which arithmetic would read as octal).
    if [[ ${__acct_expires} == [1-9]* && ${__acct_expires} != *[!0-9]* && ${#__acct_expires} -lt 16 ]]; then
        __acct_now=${EPOCHSECONDS-}
        [[ -n ${__acct_now} ]] || __acct_lazy __acct_now_without_epochseconds
        if [[ -n ${__acct_now} ]]; then
            ((__acct_now = __acct_expires - __acct_now, __acct_h = __acct_now / 3600, __acct_m = __acct_now % 3600 / 60, 1))
            if ((__acct_now <= 0)); then
                __acct_left=expired
            elif ((__acct_h)); then
                __acct_left=${__acct_h}h${__acct_m}m
            else
                __acct_left=${__acct_m}m
            fi
            if ((__acct_now >= __acct_left_warn)); then
                [[ -z ${EPOCHSECONDS-} ]] ||
                    ((__acct_left_until = EPOCHSECONDS + (__acct_now % 60 < __acct_now - __acct_left_warn ? __acct_now % 60 : __acct_now - __acct_left_warn) + 1))
                __acct_time=${__acct_left}
            elif [[ -z ${__acct_color}${NO_COLOR-} ]]; then
                __acct_left=$'\001\e[31m\002'${__acct_left}$'\001\e[0m\002'
            fi
        fi
    fi
    [[ -n ${__acct_left} ]] || __acct_segment=${__acct_segment//' {left}'/}
    __acct_segment=${__acct_segment//'{left}'/"${__acct_left}"}
}

# What the hook puts in front of PS1, always the same text: PS1 expands it
# when the prompt is drawn (promptvars, or POSIX mode), so a segment's
# `$(...)` is printed, never run, and the hook only sets the variables.
# shellcheck disable=SC2016
__acct_prefix='\[${__acct_color}\]${__acct_segment}\[${__acct_reset}\]${__acct_space}'

# Runs last in PROMPT_COMMAND: puts the segment in front of whatever PS1 the
# user's startup files and hooks made, and takes it out again when the stage
# is left. starship shows the stage itself (its env_var module, see the
# README): its hook in PROMPT_COMMAND (or bash-preexec's precmd_functions)
# says it draws this prompt. A string match, no process.
__acct_prompt_hook() {
    __acct_status=$? __acct_segment=${ACCT_PROMPT-} __acct_color='' __acct_reset='' __acct_space=' ' __acct_mismatch=''
    # The common case in one test (a segment, acct's in-force test made,
    # holding, no set -u, promptvars, no segment written out, no starship);
    # anything else is __acct_prompt_slow's.
    if [[ -n ${__acct_segment} && -n ${__acct_if_made-} && $- != *u* && -z ${__acct_written-} &&
        (${__acct_prompt_mode-} == on || "${PROMPT_COMMAND[*]-} ${precmd_functions[*]-}" != *starship_precmd*) ]] &&
        \builtin shopt -q promptvars && __acct_if_fast; then
        [[ -z ${ACCT_PROTECTED-} || -n ${NO_COLOR-} ]] || __acct_color=$'\e[31m' __acct_reset=$'\e[0m'
        [[ ${__acct_segment} != *'{left}'* ]] || __acct_left
        [[ ${PS1-} == "${__acct_prefix}"* ]] || PS1=${__acct_prefix}${PS1-}
    else
        __acct_lazy __acct_prompt_slow
    fi
    \builtin return "${__acct_status}"
}

# Every case: the short in-force check when it can run, else (or when it
# fails) the long one.
__acct_prompt_slow() { # lazy
    __acct_segment=${ACCT_PROMPT-} __acct_color='' __acct_reset='' __acct_space='' __acct_mismatch=''
    if [[ -n ${__acct_segment} && (${__acct_prompt_mode-} == on ||
        "${PROMPT_COMMAND[*]-} ${precmd_functions[*]-}" != *starship_precmd*) ]]; then
        __acct_space=' '
        if [[ -n ${ACCT_IN_FORCE-} ]] && { [[ $- == *u* || -z ${__acct_if_made-} ]] || ! __acct_if_fast; }; then
            __acct_lazy __acct_in_force
            [[ -z ${__acct_mismatch} ]] || __acct_lazy __acct_segment_mismatch
        fi
        [[ -z ${ACCT_PROTECTED-}${__acct_mismatch} || -n ${NO_COLOR-} ]] || __acct_color=$'\e[31m' __acct_reset=$'\e[0m'
        [[ ${__acct_segment} != *'{left}'* ]] || __acct_left
        if \builtin shopt -q promptvars || [[ :${SHELLOPTS-}: == *:posix:* ]]; then
            [[ -z ${__acct_written-} ]] || __acct_lazy __acct_prefix_out
            [[ ${PS1-} == "${__acct_prefix}"* ]] || PS1=${__acct_prefix}${PS1-}
        else
            __acct_lazy __acct_prefix_as_written
        fi
    elif [[ ${PS1-} == "${__acct_prefix}"* || -n ${__acct_written-} ]]; then
        __acct_segment=''
        __acct_lazy __acct_prefix_out
    fi
}

# Register once, after every PROMPT_COMMAND of the user's; keep theirs.
# With `prompt = false` there is no hook: the prompt is left alone.
if [[ ${__acct_prompt_mode-} != off && ${PROMPT_COMMAND[*]-} != *__acct_prompt_hook* ]]; then
    # Before 5.1 PROMPT_COMMAND is one string. A newline, not `;`: the
    # user's command may end in a comment.
    # shellcheck disable=SC2128,SC2178
    ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] > 500)) && PROMPT_COMMAND+=(__acct_prompt_hook) ||
        PROMPT_COMMAND=${PROMPT_COMMAND:+${PROMPT_COMMAND}$'\n'}__acct_prompt_hook
fi

# To show the segment in your everyday prompt, add to ~/.bashrc:
#   eval "$(acct init bash)"
