#!/usr/bin/env bash
# Start-up cost of `acct exec`: how much acct adds before the command runs.
#
#   bench/exec.sh [RUNS]
#
# Prints medians and two ratios, measured side by side in one hyperfine run
# (-N: no shell in between, so only the processes themselves are timed):
#   exec     `acct exec testing -- true` (3 stages) against `env AWS_PROFILE=x true`
#            target: within 1.5x
#   stages   the same with a 1,000-stage config against the 3-stage one
#            target: within 2x
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}

command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
cargo build --release --quiet
acct=$PWD/target/release/acct

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
small=$tmp/small.toml
large=$tmp/large.toml
head='namespace = "cpco"
region = "us-west-2"
topology = "organization"
mfa_serial = "arn:aws:iam::323330167063:mfa/admin@example.com"

[stages.root]
account_id = "323330167063"
'
# Each config has its own AWS config file with its own block, as a real
# estate does: exec reads it (the gate) before the command runs.
printf 'aws_config_file = "%s"\n%s\n[stages.testing]\naccount_id = "126450723953"\n\n[stages.prod]\naccount_id = "210987654321"\nprotected = true\n' "$tmp/aws-small" "$head" >"$small"
# The large estate looks like a real one: every stage its own account, every
# tenth protected in another region, every fiftieth with extra variables.
{
  printf 'aws_config_file = "%s"\n%s\n[stages.testing]\naccount_id = "126450723953"\n' "$tmp/aws-large" "$head"
  for i in $(seq 1 998); do
    printf '\n[stages.s%d]\naccount_id = "%012d"\n' "$i" "$i"
    if [ $((i % 10)) = 0 ]; then printf 'region = "eu-west-1"\nprotected = true\n'; fi
    if [ $((i % 50)) = 0 ]; then printf '\n[stages.s%d.env]\nTF_VAR_owner = "team%d"\n' "$i" "$i"; fi
  done
} >"$large"
[ "$("$acct" -c "$large" list --json | grep -c '"stage"')" = 1000 ] || { echo "bench: large config is not 1,000 stages" >&2; exit 1; }

# A clean environment, as a script in CI would have, with each estate's
# profiles written (exec's gate reads them: 1,000 profiles, 190 KB, for the
# large one).
export HOME=$tmp/home
unset ACCT_CONFIG ACCT_STAGE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
"$acct" -c "$small" aws-config --write >/dev/null
"$acct" -c "$large" aws-config --write >/dev/null
# In rounds, every command in each: on a machine others share, load that
# comes and goes then weighs on all of them alike instead of on whichever
# command hyperfine happened to be timing.
rounds=10
for round in $(seq 1 $rounds); do
  hyperfine -N --style none --warmup 5 --runs $(( (runs + rounds - 1) / rounds )) \
    --export-json "$tmp/exec-$round.json" \
    -n env "env AWS_PROFILE=x true" \
    -n acct-3 "$acct -c $small exec testing -- true" \
    -n acct-1000 "$acct -c $large exec testing -- true" >/dev/null 2>"$tmp/hyperfine.log"
done

python3 - "$tmp"/exec-*.json <<'PY'
import json, statistics, sys
times = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
median = {name: statistics.median(t) * 1e3 for name, t in times.items()}
for name, ms in median.items():
    print(f"{name:>10}  median {ms:.3f} ms  ({len(times[name])} runs)")
exec_ratio = median["acct-3"] / median["env"]
stage_ratio = median["acct-1000"] / median["acct-3"]
print(f"ratio exec/env          {exec_ratio:.2f}x  (target <= 1.5x)  {'ok' if exec_ratio <= 1.5 else 'MISSED'}")
print(f"ratio 1000/3 stages     {stage_ratio:.2f}x  (target <= 2x)    {'ok' if stage_ratio <= 2 else 'MISSED'}")
PY
