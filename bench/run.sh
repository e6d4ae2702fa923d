#!/usr/bin/env bash
# Every acct benchmark in one run: builds release once, then prints each
# measure as a ratio against its baseline, measured side by side.
#
#   bench/run.sh
#
# Needs hyperfine, python3, cc, strace, bash, zsh, fish, tmux (see .ci/run) and
# reaches only PyPI (awsume, once) and 127.0.0.1. docs/BENCHMARKS.md has the
# latest figures.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
for part in exec memory switch shell mfa_session serve; do
  [ -x "bench/$part.sh" ] || continue
  echo "== $part"
  "bench/$part.sh"
done
