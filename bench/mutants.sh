#!/usr/bin/env bash
# Mutation check of SPEC section 2's lists: for every name in
# STALE_CREDENTIALS and OWNED (src/env_names.rs), replace it with a name
# nobody sets and run the environment tests. A mutant that survives is a
# name whose removal no test would notice. Prints one line per mutant and
# the survivors; exits 1 when any survived.
#
#   bench/mutants.sh            # every name, about 15 minutes on 2 cores
#   bench/mutants.sh AWS_ROLE_ARN TENANT   # only these
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
file=src/env_names.rs

# The names of both lists, in order.
names() {
  awk '/^pub const (STALE_CREDENTIALS|OWNED)/{on=1; next} on && /^\];/{on=0} on' "$file" |
    grep -o '"[A-Za-z_]*"' | tr -d '"'
}

if [ "$#" -gt 0 ]; then set -- "$@"; else mapfile -t all < <(names); set -- "${all[@]}"; fi
# The tests that state section 2: the exact environment of exec, and env
# evaluated by real shells.
filters=(exec:: env_shells:: env_points:: shell_guard::)

# The unmutated tree must build and pass, or every mutant would look killed.
if ! (cd "$copy" && cargo build --quiet --tests 2>/dev/null &&
  cargo test --quiet --test tests -- "${filters[@]}" >/dev/null 2>&1); then
  echo "the unmutated tree does not build or pass ${filters[*]}: fix that first" >&2
  exit 2
fi

survivors=()
i=0
for name in "$@"; do
  i=$((i + 1))
  cp "$file" "$copy/$file"
  # Same array length, so the mutant compiles: only the name is gone.
  sed -i "s/^\(    \)\"$name\",/\1\"ACCT_MUTANT_$i\",/" "$copy/$file"
  if cmp -s "$file" "$copy/$file"; then
    echo "?? $name: not found in the lists" >&2
    exit 2
  fi
  if ! (cd "$copy" && cargo build --quiet --tests 2>/dev/null); then
    echo "?? $name: the mutant does not build" >&2
    exit 2
  fi
  if (cd "$copy" && cargo test --quiet --test tests -- "${filters[@]}" >/dev/null 2>&1); then
    echo "SURVIVED $name"
    survivors+=("$name")
  else
    echo "killed $name"
  fi
done
cp "$file" "$copy/$file"
echo "mutants: $# names, ${#survivors[@]} survived${survivors[*]:+: ${survivors[*]}}"
[ "${#survivors[@]}" -eq 0 ]
