#!/usr/bin/env bash
# Stage shells against bare shells with the same startup files, for bash, zsh
# and fish:
#  1. startup: `acct shell testing` up to its first prompt and `exit`, against
#     the bare shell doing the same (target: within 1.1x), and against `acct
#     exec testing -- SHELL -i` (acct's own start, no prompt integration),
#     which splits the cost between acct and the hook: hyperfine, 20 rounds
#     of the three commands, ratios as medians of the rounds' ratios. Each
#     runs on a pseudo-terminal (bench/on_tty.c, `exit` typed ahead), as in
#     a person's terminal: with stdin a file, fish draws no prompt and so
#     runs no prompt hook;
#  2. processes spawned over 100 prompts (threads not counted): strace
#     attached to the interactive shell on a tmux pseudo-terminal while 100
#     empty commands are entered (target: 0, as for the bare shell).
# Needs hyperfine, strace, tmux, a C compiler, bash, zsh, fish. Usage: bench/shell.sh
# (ACCT_BENCH_SHELLS="bash fish" times only those shells.)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
mkdir -p target/bench
cc -O2 -o target/bench/on_tty bench/on_tty.c -lutil
on_tty=${PWD}/target/bench/on_tty
# ACCT_BENCH_PROCESSES=1: only the processes per prompt (no hyperfine).
processes_only=${ACCT_BENCH_PROCESSES-}
acct=${PWD}/target/release/acct
work=$(mktemp -d)
socket=acct-bench-$$
cleanup() {
    tmux -L "${socket}" kill-server 2>/dev/null || true
    rm -rf "${work}"
}
trap cleanup EXIT

home=${work}/home
# Without generated_completions, fish's first start runs fish_update_completions
# in the background (python over every man page, for minutes): it would weigh
# on every timing taken meanwhile.
mkdir -p "${home}/.config/acct" "${home}/.config/fish" "${work}/run" "${work}/cwd" \
    "${home}/.local/share/fish/generated_completions"
chmod 700 "${work}/run"
cat >"${home}/.config/acct/config.toml" <<'EOF'
namespace = "cpco"
region = "us-west-2"
topology = "single"
mfa_serial = "arn:aws:iam::323330167063:mfa/admin@example.com"
mfa_session = true

[stages.testing]

[stages.root]
account_id = "323330167063"
EOF
# The stages' AWS profiles: without them the gate refuses to enter a stage.
HOME=${home} XDG_CONFIG_HOME=${home}/.config "${acct}" aws-config --write >/dev/null
# An MFA session of 3 hours (made up: no code, no STS): the segment shows the
# time left (`{left}`, on by default with a session), which the hooks read
# from ACCT_EXPIRES_FILE at every prompt.
expires_file=$(HOME=${home} XDG_CONFIG_HOME=${home}/.config XDG_RUNTIME_DIR=${work}/run \
    "${acct}" env testing | sed -n "s/^export ACCT_EXPIRES_FILE=//p" | tr -d "'")
test -n "${expires_file}"
(umask 077 && printf '{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s","SessionToken":"t","Expiration":"%s"}' \
    "$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ)" >"${expires_file%.expires}.json")
# The user's own startup files: an alias, a prompt, a prompt hook of their own.
# "minimal" is only that, the worst case for acct's fixed start-up cost;
# "typical" adds what a stock setup loads: Debian's skeleton .bashrc, zsh's
# completion system, fish's abbreviations and a PATH entry.
write_rc_files() {
    : >"${home}/.bashrc"
    : >"${home}/.zshrc"
    : >"${home}/.config/fish/config.fish"
    if [ "$1" = typical ]; then
        cat /etc/skel/.bashrc >>"${home}/.bashrc"
        printf 'autoload -Uz compinit && compinit -u\nsetopt autocd extendedglob\nHISTFILE=~/.zsh_history\n' >>"${home}/.zshrc"
        printf 'fish_add_path -g /opt/bin\nabbr -a gs git status\nabbr -a tf terraform\n' >>"${home}/.config/fish/config.fish"
    fi
    cat >>"${home}/.bashrc" <<'RC'
alias ll='ls -l'
PS1='userprompt[$?]> '
PROMPT_COMMAND='user_status=$?'
RC
    cat >>"${home}/.zshrc" <<'RC'
alias ll='ls -l'
PS1='userprompt[%?]> '
precmd() { user_status=$? }
RC
    cat >>"${home}/.config/fish/config.fish" <<'RC'
alias ll='ls -l'
set -g fish_greeting
function fish_prompt; echo -n "userprompt[$status]> "; end
RC
}
clean_env=(env -i "HOME=${home}" "PATH=${PATH}" TERM=xterm LANG=C.UTF-8
    "XDG_CONFIG_HOME=${home}/.config" "XDG_RUNTIME_DIR=${work}/run")

# One line of the table from the rounds' files ($5...): each command's median
# time over all rounds, and each ratio as the median of the rounds' ratios
# (the ratio of the two commands' medians within a round), so that a slow
# spell of the machine, which spans rounds, weighs on a ratio only through
# the rounds it touched.
row() { # rc shell bare-processes acct-processes files...
    python3 - "$@" <<'PY'
import json, statistics, sys
rc, shell, bare_procs, acct_procs = sys.argv[1:5]
rounds = [[r["times"] for r in json.load(open(f))["results"]] for f in sys.argv[5:]]
med = lambda i: statistics.median(t for r in rounds for t in r[i])
ratio = lambda a, b: statistics.median(statistics.median(r[a]) / statistics.median(r[b]) for r in rounds)
print("%-8s %-5s %10.1f %10.1f %10.1f %7.2fx %8.2fx %15s %15s" % (
    rc, shell, med(0) * 1e3, med(2) * 1e3, med(1) * 1e3, ratio(1, 0), ratio(1, 2), bare_procs, acct_procs))
PY
}

# Count process creations (execve, clone, fork) of the interactive shell that
# tmux runs for "$@" while 100 empty commands are entered.
processes_over_100_prompts() {
    local trace=${work}/strace.txt pid strace_pid
    tmux -L "${socket}" -f /dev/null new-session -d -s bench -x 200 -y 50 \
        -c "${work}/cwd" "exec $(printf '%q ' "$@")"
    for _ in $(seq 100); do
        tmux -L "${socket}" capture-pane -p -t bench | grep -q "userprompt" && break
        sleep 0.1
    done
    tmux -L "${socket}" capture-pane -p -t bench | grep -m1 'userprompt' >>"${work}/prompts.txt" || true
    pid=$(tmux -L "${socket}" display -p -t bench '#{pane_pid}')
    strace -f -qq -e trace=execve,clone,clone3,fork,vfork -o "${trace}" -p "${pid}" &
    strace_pid=$!
    sleep 1
    for _ in $(seq 100); do
        tmux -L "${socket}" send-keys -t bench Enter
    done
    tmux -L "${socket}" send-keys -t bench 'echo bench-done' Enter
    for _ in $(seq 100); do
        tmux -L "${socket}" capture-pane -p -t bench | grep -q '^bench-done' && break
        sleep 0.1
    done
    sleep 0.5
    kill "${strace_pid}"
    wait "${strace_pid}" 2>/dev/null || true
    tmux -L "${socket}" kill-server 2>/dev/null || true
    # A clone with CLONE_THREAD is a thread of the shell (fish keeps a pool
    # for its own work), not a process.
    grep -E '^[0-9]+ +(execve|clone3?|v?fork)\(' "${trace}" | grep -cv CLONE_THREAD || true
}

printf '%-8s %-5s %10s %10s %10s %8s %9s %15s %15s\n' rc-files shell 'bare ms' 'exec ms' 'shell ms' ratio 'vs exec' 'bare processes' 'acct processes'
for rc in minimal typical; do
    write_rc_files "${rc}"
    for shell in ${ACCT_BENCH_SHELLS:-bash zsh fish}; do
        program=$(command -v "${shell}")
        json=${work}/${shell}.json
        if [[ -n ${processes_only} ]]; then
            printf '%-8s %-5s bare processes %s, acct processes %s\n' "${rc}" "${shell}" \
                "$(processes_over_100_prompts "${clean_env[@]}" "SHELL=${program}" "${program}" -i)" \
                "$(processes_over_100_prompts "${clean_env[@]}" "SHELL=${program}" "${acct}" shell testing)"
            tail -n 1 "${work}/prompts.txt"
            continue
        fi
        # In rounds, each command in every one, and medians: on a machine
        # others share, load that comes and goes weighs on the three alike
        # instead of on whichever command hyperfine happened to be timing.
        for round in $(seq 20); do
            hyperfine --warmup 2 --runs 3 --style none --export-json "${json%.json}-${round}.json" \
                -n bare "cd ${work}/cwd && ${clean_env[*]} SHELL=${program} ${on_tty} ${program} -i" \
                -n acct "cd ${work}/cwd && ${clean_env[*]} SHELL=${program} ${on_tty} ${acct} shell testing" \
                -n exec "cd ${work}/cwd && ${clean_env[*]} SHELL=${program} ${on_tty} ${acct} exec testing -- ${program} -i" \
                >/dev/null 2>&1
        done
        bare_procs=$(processes_over_100_prompts "${clean_env[@]}" "SHELL=${program}" "${program}" -i)
        acct_procs=$(processes_over_100_prompts "${clean_env[@]}" "SHELL=${program}" "${acct}" shell testing)
        row "${rc}" "${shell}" "${bare_procs}" "${acct_procs}" "${json%.json}"-*.json
    done
done
