#!/usr/bin/env bash
# Peak memory of acct before it execs: the maximum resident set of
# `acct exec testing -- true` (Linux keeps the high-water mark across exec, and
# `true` itself is tiny), for a 3-stage and a 1,000-stage config, against
# `env AWS_PROFILE=x true` doing the same exec.
#
#   bench/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
acct=$PWD/target/release/acct
mkdir -p target/bench
cc -O2 -o target/bench/peak_rss bench/peak_rss.c
peak=$PWD/target/bench/peak_rss
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp
unset ACCT_CONFIG ACCT_STAGE
# Each estate with an AWS config file of its own (same namespace), its
# profiles written: exec's gate reads them before it execs.
unset AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
{
  printf 'aws_config_file = "%s"\n' "$tmp/aws-small"
  cat examples/organization.toml
} >"$tmp/small.toml"
{
  printf 'aws_config_file = "%s"\n' "$tmp/aws-large"
  cat examples/organization.toml
  for i in $(seq 1 998); do printf '\n[stages.s%d]\naccount_id = "%012d"\n' "$i" "$i"; done
} >"$tmp/large.toml"
"$acct" -c "$tmp/small.toml" aws-config --write >/dev/null
"$acct" -c "$tmp/large.toml" aws-config --write >/dev/null

python3 - "$peak" "$acct" "$tmp/small.toml" "$tmp/large.toml" <<'PY'
import subprocess, sys
peak, acct, small, large = sys.argv[1:]

def peak_kib(argv, runs=20):
    peaks = sorted(int(subprocess.run([peak, *argv], capture_output=True, check=True).stdout) for _ in range(runs))
    return peaks[len(peaks) // 2]

env = peak_kib(["env", "AWS_PROFILE=x", "true"])
three = peak_kib([acct, "-c", small, "exec", "testing", "--", "true"])
thousand = peak_kib([acct, "-c", large, "exec", "testing", "--", "true"])
print(f"peak RSS  env {env} KiB   acct (3 stages) {three} KiB   acct (1,000 stages) {thousand} KiB")
print(f"ratio acct/env memory   {three / env:.2f}x   1000/3 stages {thousand / three:.2f}x")
PY
