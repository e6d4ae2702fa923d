# shellcheck shell=bash
# acct: the stage segment in front of your own bash prompt.
#
# Loaded two ways: as the --rcfile of `acct shell` (then __ACCT_BASHRC is
# set), and by `eval "$(acct init bash)"` in your ~/.bashrc. The prompt costs
# no process: the hook reads environment variables with builtins only, and
# PS1 refers to the segment through a variable, so a `$(...)` or a backtick in
# it is printed, never run. Builtins are called as `\builtin` so that aliases
# of yours cannot change what this file does.

# Under this many seconds left, `{left}` turns red: acct writes its own
# number in when it hands out this script.
__acct_left_warn=@LEFT_WARN_SECONDS@

# After the user's startup files, inside a stage shell: every variable acct
# set or removed (named in __ACCT_GUARD, acct's value in __ACCT_GUARD_NAME)
# is put back, so a stale key or another AWS_PROFILE exported by ~/.bashrc
# cannot run commands as someone else under the stage's prompt; said once.
__acct_guard() {
    # (`\builtin local` is no declaration: assign on lines of their own.)
    \builtin local name keep changed IFS
    IFS=' '
    changed=''
    # Every command costs bash tens of thousands of instructions and this
    # runs for 46 names at every start: no command beyond the tests.
    for name in ${__ACCT_GUARD-}; do
        keep=__ACCT_GUARD_${name}
        if [[ -n ${!keep+x} ]]; then
            if [[ -z ${!name+x} || ${!name} != "${!keep}" ]]; then
                changed+=" ${name}"
                \builtin export "${name}=${!keep}"
            fi
        elif [[ -n ${!name+x} ]]; then
            changed+=" ${name}"
            \builtin unset -v "${name}"
        fi
    done
    if [[ -n ${changed} ]]; then
        \builtin printf 'acct: %s (or a file it loads) set %s; put back as stage %s has it, whose profile decides who you are\n' \
            "$1" "${changed# }" "${ACCT_STAGE-}" >&2
    fi
}

# The config's `prompt`, passed by `acct shell` (`off`: no segment, the
# prompt is yours or your framework's; `on`: the segment even under
# starship; unset: the hook looks for starship at each prompt). Kept before
# ~/.bashrc runs, which may load this file again with `acct init bash`.
if [[ -n ${__ACCT_PROMPT_MODE+x} ]]; then
    __acct_prompt_mode=${__ACCT_PROMPT_MODE}
    \builtin unset -v __ACCT_PROMPT_MODE
fi

# At every prompt: is the stage still in force? ACCT_IN_FORCE names the
# variables that decide who a command runs as, ACCT_IN_FORCE_NAME the value
# entering the stage gave NAME (absent: NAME must be absent or empty). Sets
# __acct_mismatch to the first that differs ('' when none does): a nested
# shell's rc, a PROMPT_COMMAND or a direnv hook may have changed it since.
#
# Checking the 31 names one by one costs bash about 2M instructions, so the
# hook remembers a state in which the stage was in force
# (__acct_in_force_holds): the list, the names of all variables that begin
# with A (`${!A@}`, one expansion, which covers every listed name and every
# ACCT_IN_FORCE_ value), and the listed names that have a value to keep.
# While the list and those names are the same, no listed name can have
# appeared or gone, so only the kept values need comparing (about a third of
# the cost). Any other change runs the whole check.
__acct_in_force() {
    \builtin local name keep plain IFS
    IFS=' '
    __acct_mismatch=''
    [[ -n ${ACCT_IN_FORCE-} ]] || \builtin return 0
    if [[ ${ACCT_IN_FORCE} == "${__acct_if_list-}" && ${!A@} == "${__acct_if_names-}" ]]; then
        for name in ${__acct_if_kept-}; do
            keep=ACCT_IN_FORCE_${name}
            [[ ${!name-} == "${!keep-}" ]] || \builtin break
            name=''
        done
        [[ -n ${name} ]] || \builtin return 0
    fi
    # Only plain names: ${!name} would evaluate a subscript. One test of the
    # whole list, acct's own, spares a test per name.
    [[ ${ACCT_IN_FORCE} == *[!A-Za-z0-9_\ ]* ]] || plain=1
    for name in ${ACCT_IN_FORCE}; do
        [[ -n ${plain} || ${name} != *[!A-Za-z0-9_]* ]] || \builtin continue
        keep=ACCT_IN_FORCE_${name}
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
    __acct_in_force_holds
}

# Remember that the stage is in force now (see __acct_in_force): only for a
# list whose names all begin with A, which `${!A@}` then covers. `acct`
# as $1: the environment is acct's own, where every listed name that is set
# has its value kept. After the whole check, a listed name may be set but
# empty with nothing kept (in force: empty is unset), whose later value the
# short way would not see: then nothing is remembered.
__acct_in_force_holds() {
    \builtin local kept name IFS
    IFS=' '
    __acct_if_list='' __acct_if_names='' __acct_if_kept=''
    [[ " ${ACCT_IN_FORCE-}" == *' '[!A]* ]] && \builtin return 0
    kept=${!ACCT_IN_FORCE_@}
    kept=${kept//ACCT_IN_FORCE_/}
    if [[ ${1-} != acct ]]; then
        for name in ${!A@}; do
            [[ -n ${!name} || " ${kept} " == *" ${name} "* ]] || \builtin return 0
        done
    fi
    __acct_if_kept=${kept}
    __acct_if_names=${!A@}
    __acct_if_list=${ACCT_IN_FORCE}
}

# `acct shell` runs bash with this file instead of ~/.bashrc: load yours first,
# at the top level, so that its `declare`s stay global.
if [[ -n ${__ACCT_BASHRC-} ]]; then
    \builtin unset __ACCT_BASHRC
    # The environment is still acct's own: the stage is in force.
    __acct_in_force_holds acct
    # Without a ~/.bashrc nothing ran before this line: nothing to check.
    if [[ -f ~/.bashrc ]]; then
        # shellcheck source=/dev/null
        \builtin source ~/.bashrc
        # shellcheck disable=SC2088 # a name for the message, not a path
        __acct_guard '~/.bashrc'
    fi
    \builtin unset -v __ACCT_GUARD "${!__ACCT_GUARD_@}"
fi

# How long the session holds, for `{left}` in the segment: the epoch in
# ACCT_EXPIRES (exported keys) or in the file ACCT_EXPIRES_FILE names (an MFA
# or Identity Center session, kept current by acct), read with `read` (a
# redirection of a builtin, no process). Sets __acct_left to `3h12m`, `42m`
# or `expired` (bash 5's EPOCHSECONDS, else printf's `%(%s)T`, bash 4.2), or
# `until 14:05 UTC` where bash has no clock; __acct_left_red to 1 under 15
# minutes. Both empty when nothing is known.
__acct_left() {
    \builtin local expires=${ACCT_EXPIRES-} now='' left
    __acct_left='' __acct_left_red=''
    if [[ -z ${expires} && -n ${ACCT_EXPIRES_FILE-} && -f ${ACCT_EXPIRES_FILE} ]]; then
        IFS= \builtin read -r expires <"${ACCT_EXPIRES_FILE}" || :
    fi
    [[ -n ${expires} && ${expires} != *[!0-9]* && ${#expires} -lt 16 ]] || \builtin return 0
    if [[ -n ${EPOCHSECONDS-} ]]; then
        now=${EPOCHSECONDS}
    else
        \builtin printf -v now '%(%s)T' -1 2>/dev/null || now=''
    fi
    if [[ -z ${now} || ${now} == *[!0-9]* ]]; then
        \builtin printf -v __acct_left 'until %02d:%02d UTC' $((10#${expires} % 86400 / 3600)) $((10#${expires} % 3600 / 60))
        \builtin return 0
    fi
    left=$((10#${expires} - now))
    if ((left <= 0)); then
        __acct_left=expired
    elif ((left >= 3600)); then
        __acct_left="$((left / 3600))h$((left % 3600 / 60))m"
    else
        __acct_left="$((left / 60))m"
    fi
    ((left < __acct_left_warn)) && __acct_left_red=1
    \builtin return 0
}

# Runs last in PROMPT_COMMAND: puts the segment in front of whatever PS1 the
# user's startup files and hooks made, and takes it out again when the stage
# is left.
__acct_prompt_hook() {
    \builtin local -r status=$?
    \builtin local prefix='' token='{left}' text
    __acct_segment=${ACCT_PROMPT-}
    # starship shows the stage itself (its env_var module, see the README):
    # its hook in PROMPT_COMMAND (or bash-preexec's precmd_functions) says
    # it draws this prompt. A string match, no process.
    if [[ -n ${__acct_segment} && ${__acct_prompt_mode-} != on &&
        "${PROMPT_COMMAND[*]-} ${precmd_functions[*]-}" == *starship_precmd* ]]; then
        __acct_segment=''
    fi
    if [[ -n ${__acct_segment} ]]; then
        __acct_color='' __acct_reset=''
        __acct_in_force
        if [[ -n ${__acct_mismatch} ]]; then
            if [[ ${__acct_segment} == *']' ]]; then
                __acct_segment="${__acct_segment%]} ≠ ${__acct_mismatch}]"
            else
                __acct_segment="${__acct_segment} ≠ ${__acct_mismatch}"
            fi
        fi
        if [[ (-n ${ACCT_PROTECTED-} || -n ${__acct_mismatch}) && -z ${NO_COLOR-} ]]; then
            __acct_color=$'\e[31m' __acct_reset=$'\e[0m'
        fi
        if [[ ${__acct_segment} == *'{left}'* ]]; then
            __acct_left
            text=${__acct_left}
            # Red on its own under 15 minutes (readline's \001 \002 around the
            # colour, which takes no room); the whole segment may be red already.
            if [[ -n ${__acct_left_red} && -z ${__acct_color} && -z ${NO_COLOR-} ]]; then
                text=$'\001\e[31m\002'${text}$'\001\e[0m\002'
            fi
            if [[ -z ${text} ]]; then
                __acct_segment=${__acct_segment//" ${token}"/}
            fi
            __acct_segment=${__acct_segment//"${token}"/"${text}"}
        fi
        # POSIX mode expands PS1 even without promptvars.
        if \builtin shopt -q promptvars || [[ :${SHELLOPTS-}: == *:posix:* ]]; then
            # Expanded once when the prompt is drawn; the value is not re-read.
            # shellcheck disable=SC2016
            prefix='\[${__acct_color}\]${__acct_segment}\[${__acct_reset}\] '
        else
            # PS1 is taken as written: escape the backslashes bash decodes.
            text=${__acct_segment//\\/\\\\}
            prefix="\\[${__acct_color}\\]${text}\\[${__acct_reset}\\] "
        fi
    fi
    if [[ -n ${__acct_prefix-} && ${PS1-} == "${__acct_prefix}"* ]]; then
        PS1=${PS1#"${__acct_prefix}"}
    fi
    __acct_prefix=${prefix}
    PS1=${prefix}${PS1-}
    \builtin return "${status}"
}

# Register once, after every PROMPT_COMMAND of the user's; keep theirs.
# With `prompt = false` there is no hook: the prompt is left alone.
if [[ ${__acct_prompt_mode-} != off && ${PROMPT_COMMAND[*]-} != *__acct_prompt_hook* ]]; then
    if ((BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1))); then
        PROMPT_COMMAND+=(__acct_prompt_hook)
    else
        # Before 5.1 PROMPT_COMMAND is one string. A newline, not `;`: the
        # user's command may end in a comment.
        # shellcheck disable=SC2128,SC2178
        PROMPT_COMMAND=${PROMPT_COMMAND:+${PROMPT_COMMAND}$'\n'}__acct_prompt_hook
    fi
fi

# To show the segment in your everyday prompt, add to ~/.bashrc:
#   eval "$(acct init bash)"
