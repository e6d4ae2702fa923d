#!/usr/bin/env bash
# Mutation check of SPEC section 2's lists: for every name in
# STALE_CREDENTIALS and OWNED (src/config/env_names.rs), replace it with a name
# nobody sets and run the environment tests. A mutant that survives is a
# name whose removal no test would notice. Then the code mutants of the
# safety lines (issue 20), each a one-line change that weakens a check,
# run against the tests that state that check. Prints one line per mutant
# and the survivors; exits 1 when any survived.
#
#   bench/mutants.sh            # every name and code mutant, about 20 minutes on 2 cores
#   bench/mutants.sh AWS_ROLE_ARN TENANT   # only these
#   bench/mutants.sh confirm-partial-answer atomic-temp-without-excl
#
# Works on a copy under target/mutants, so the checkout is never changed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
copy=$root/target/mutants/tree
export CARGO_TARGET_DIR=$root/target/mutants/target
rm -rf "$copy"
mkdir -p "$copy"
cp -r Cargo.toml Cargo.lock README.md src tests shells examples "$copy/"
# The copy has no venv of its own: use the checkout's (made by ./test.sh).
if [ -z "${ACCT_TEST_TOOLS:-}" ] && [ -d "$root/target/test-tools/venv/bin" ]; then
  export ACCT_TEST_TOOLS=$root/target/test-tools/venv/bin
fi
file=src/config/env_names.rs

# The names of both lists, in order.
names() {
  awk '/^pub const (STALE_CREDENTIALS|OWNED)/{on=1; next} on && /^\];/{on=0} on' "$file" |
    grep -o '"[A-Za-z_]*"' | tr -d '"'
}

# The code mutants: a name, the file, the sed script that makes the
# mutant, and the cargo test arguments whose tests must fail on it.
code_mutants=(
  confirm-partial-answer
  guard-world-writable-only
  federation-follows-redirects
  session-token-inherited-env
  quote-dollar-backtick-plain
  atomic-temp-without-excl
)
code_mutant() {
  case "$1" in
  confirm-partial-answer) # an answer naming only some protected stages
    file=src/terminal/confirm.rs
    script='s/&& given == wanted {/\&\& given.iter().all(|g| wanted.contains(g)) {/'
    tests=(--test tests -- exec_each::protected) ;;
  guard-world-writable-only) # a group-writable config accepted
    file=src/config/guard.rs
    script='s/^    if meta.mode() & 0o022 != 0 {/    if meta.mode() \& 0o002 != 0 {/'
    tests=(--test tests -- trust::a_config_others_can_write) ;;
  federation-follows-redirects) # the keys follow up to 5 redirects
    file=src/console/federation.rs
    script='s/\.max_redirects(0)/.max_redirects(5)/'
    tests=(--test tests -- console::a_redirect) ;;
  session-token-inherited-env) # the AWS CLI runner (GetSessionToken too) keeps stale keys and profiles
    file=src/aws/cli.rs
    script='s/\.env_clear()\.envs(env\.iter()/.envs(env.iter()/'
    tests=(--test tests -- aws_allow_list::the_session_call) ;;
  quote-dollar-backtick-plain) # $ and ` left unquoted
    file=src/text/quote.rs
    script='s/b"_-.\/:@,+"/b"_-.\/:@,+$`"/'
    tests=(--bin acct -- quote::) ;;
  atomic-temp-without-excl) # the temp file opened without O_EXCL/O_NOFOLLOW
    file=src/files/atomic_write.rs
    script='s/\.create_new(true)/.create(true).truncate(true)/; /^        \.custom_flags(nix::libc::O_NOFOLLOW)$/d'
    tests=(--bin acct -- atomic_write::) ;;
  *) return 1 ;;
  esac
}

if [ "$#" -gt 0 ]; then
  set -- "$@"
else
  mapfile -t all < <(names)
  set -- "${all[@]}" "${code_mutants[@]}"
fi
# The tests that state section 2: the exact environment of exec, and env
# evaluated by real shells.
filters=(exec:: env_shells:: env_points:: shell_guard::)

# The unmutated tree must build and pass, or every mutant would look killed.
if ! (cd "$copy" && cargo build --quiet --tests 2>/dev/null &&
  cargo test --quiet --test tests -- "${filters[@]}" >/dev/null 2>&1); then
  echo "the unmutated tree does not build or pass ${filters[*]}: fix that first" >&2
  exit 2
fi
for name in "$@"; do
  code_mutant "$name" || continue
  if ! (cd "$copy" && cargo test --quiet "${tests[@]}" >/dev/null 2>&1); then
    echo "the unmutated tree does not pass ${tests[*]} ($name): fix that first" >&2
    exit 2
  fi
done

survivors=()
i=0
# Make the mutant of $name ($file in the copy changed by the sed $script),
# build it, and run the cargo test arguments $tests: it must fail.
judge() {
  cp "$file" "$copy/$file"
  sed -i "$script" "$copy/$file"
  if cmp -s "$file" "$copy/$file"; then
    echo "?? $name: the mutation changed nothing in $file (not found?)" >&2
    exit 2
  fi
  if ! (cd "$copy" && cargo build --quiet --tests 2>/dev/null); then
    echo "?? $name: the mutant does not build" >&2
    exit 2
  fi
  if (cd "$copy" && cargo test --quiet "${tests[@]}" >/dev/null 2>&1); then
    echo "SURVIVED $name"
    survivors+=("$name")
  else
    echo "killed $name"
  fi
  cp "$file" "$copy/$file"
}
for name in "$@"; do
  i=$((i + 1))
  if ! code_mutant "$name"; then
    file=src/config/env_names.rs
    # Same array length, so the mutant compiles: only the name is gone.
    script="s/^\(    \)\"$name\",/\1\"ACCT_MUTANT_$i\",/"
    tests=(--test tests -- "${filters[@]}")
  fi
  judge
done
file=src/config/env_names.rs
cp "$file" "$copy/$file"
echo "mutants: $# names, ${#survivors[@]} survived${survivors[*]:+: ${survivors[*]}}"
[ "${#survivors[@]}" -eq 0 ]
