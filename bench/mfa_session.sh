#!/usr/bin/env bash
# MFA sessions (issue 11): what the SDKs pay for acct's credential_process,
# and how many MFA codes a working session asks.
#
#   bench/mfa_session.sh [RUNS]
#
# Prints medians, a ratio and two counts:
#   warm     the session profile's credential_process (`acct mfa-session ...`,
#            the session cached) against `cat` of the cache file, side by
#            side, no shell in between; target: within 1.5x (the issue also
#            says well under 5 ms: printed, and judged against cat's own
#            time on a loaded machine). The AWS CLI must not run on this
#            path: its calls are counted.
#   codes    MFA codes asked for 3 stages x (AWS CLI v2 + Terraform when
#            present) from a cold session, every run needing the source
#            credentials again (the AWS CLI's role cache removed); target: 1.
#            Then the same estate without `mfa_session`: the AWS CLI asks one
#            code per role and Terraform cannot ask at all.
#
# hyperfine when installed, else a loop timed with bash's $EPOCHREALTIME (no
# process of its own). The codes part needs moto_proxy (./test.sh's venv, or
# ACCT_TEST_TOOLS) and the AWS CLI v2; it reaches only 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}

cargo build --release --quiet
acct=${CARGO_TARGET_DIR:-$PWD/target}/release/acct

tmp=$(mktemp -d)
moto=
trap '[ -z "$moto" ] || kill "$moto" 2>/dev/null; rm -rf "$tmp"' EXIT

# A clean environment with its own HOME, config and session directory.
export HOME=$tmp/home XDG_RUNTIME_DIR=$tmp/run
export AWS_CONFIG_FILE=$HOME/.aws/config AWS_SHARED_CREDENTIALS_FILE=$HOME/.aws/credentials AWS_PAGER=
unset ACCT_CONFIG ACCT_STAGE AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
mkdir -p "$HOME/.aws" "$XDG_RUNTIME_DIR" "$tmp/bin"
chmod 700 "$XDG_RUNTIME_DIR"
printf '[cpco]\naws_access_key_id = AKIAEXAMPLESOURCE001\naws_secret_access_key = source-secret\n' >"$AWS_SHARED_CREDENTIALS_FILE"
# acct as the SDKs find it: first on PATH.
ln -s "$acct" "$tmp/bin/acct"
export PATH=$tmp/bin:$PATH

# The MFA code: counted, as a YubiKey's `ykman` would print it.
cat >"$tmp/bin/mfa-code" <<EOF
#!/bin/sh
echo x >> '$tmp/codes'
echo 123456
EOF
chmod +x "$tmp/bin/mfa-code"
count() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

estate() { # FILE MFA_SESSION_LINES AWS_CLI
  cat >"$1" <<EOF
namespace = "cpco"
region = "us-west-2"
topology = "member"
mfa_serial = "arn:aws:iam::323330167063:mfa/admin@example.com"
aws_cli = "$3"
$2

[stages.root]
account_id = "323330167063"

[stages.testing]
account_id = "126450723953"

[stages.prod]
account_id = "010987654321"
EOF
}

# --- warm: credential_process against cat ------------------------------------

# GetSessionToken answered by a script (counted): the warm path is acct's alone.
cat >"$tmp/bin/fake-aws" <<EOF
#!/bin/sh
echo "\$*" >> '$tmp/fake-aws-calls'
printf '{"Credentials":{"AccessKeyId":"ASIABENCHSESSION0001","SecretAccessKey":"s","SessionToken":"t","Expiration":"%s"}}\n' "\$(date -u -d '+12 hours' +%Y-%m-%dT%H:%M:%SZ)"
EOF
chmod +x "$tmp/bin/fake-aws"
estate "$tmp/warm.toml" "mfa_session = true
mfa_process = \"$tmp/bin/mfa-code\"" "$tmp/bin/fake-aws"
"$acct" -c "$tmp/warm.toml" aws-config --write >/dev/null
line=$(sed -n 's/^credential_process=//p' "$AWS_CONFIG_FILE")
read -ra words <<<"$line"
[ "${words[0]}" = acct ] || { echo "bench: unexpected credential_process: $line" >&2; exit 1; }
words[0]=$acct
"${words[@]}" >"$tmp/first.json"
cache=$(ls "$XDG_RUNTIME_DIR"/acct/sessions/cpco-*.json)
cmp -s "$tmp/first.json" "$cache" || { echo "bench: the answer is not the cache file" >&2; exit 1; }
calls_before=$(count "$tmp/fake-aws-calls")

if command -v hyperfine >/dev/null; then
  hyperfine -N --style none --warmup 50 --runs "$runs" --export-json "$tmp/warm.json" \
    -n cat "cat $cache" \
    -n warm "${words[*]}" >/dev/null 2>"$tmp/hyperfine.log"
  python3 - "$tmp/warm.json" >"$tmp/medians" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], r["median"] * 1e3, len(r["times"]))
PY
  how="hyperfine -N"
else
  # Interleaved, so both see the same machine; the first 50 of each unkept.
  : >"$tmp/cat.times"; : >"$tmp/warm.times"
  for i in $(seq $((runs + 50))); do
    s=$EPOCHREALTIME; cat "$cache" >/dev/null; e=$EPOCHREALTIME
    [ "$i" -le 50 ] || echo "$s $e" >>"$tmp/cat.times"
    s=$EPOCHREALTIME; "${words[@]}" >/dev/null; e=$EPOCHREALTIME
    [ "$i" -le 50 ] || echo "$s $e" >>"$tmp/warm.times"
  done
  python3 - "$tmp/cat.times" "$tmp/warm.times" >"$tmp/medians" <<'PY'
import statistics, sys
for name, path in zip(["cat", "warm"], sys.argv[1:]):
    times = [(float(e) - float(s)) * 1e3 for s, e in (l.split() for l in open(path))]
    print(name, statistics.median(times), len(times))
PY
  how="a loop timed with \$EPOCHREALTIME (no hyperfine)"
fi
[ "$(count "$tmp/fake-aws-calls")" = "$calls_before" ] || { echo "bench: the warm path ran the AWS CLI" >&2; exit 1; }

echo "warm credential_process, $how:"
python3 - "$tmp/medians" <<'PY'
import sys
median = {}
for line in open(sys.argv[1]):
    name, ms, n = line.split()
    median[name] = float(ms)
    print(f"{name:>10}  median {float(ms):.3f} ms  ({n} runs)")
ratio = median["warm"] / median["cat"]
print(f"ratio warm/cat          {ratio:.2f}x  (target <= 1.5x)  {'ok' if ratio <= 1.5 else 'MISSED'}")
# Absolute times follow the machine's load (cat's own median is the yardstick).
print(f"warm median             {median['warm']:.3f} ms  (issue: well under 5 ms on an idle machine; cat here {median['cat']:.3f} ms)")
PY

# --- codes: 3 stages x (AWS CLI v2 + Terraform) in one session ---------------

tools=${ACCT_TEST_TOOLS:-$PWD/target/test-tools/venv/bin}
aws=
for candidate in /usr/bin/aws $(command -v aws || true); do
  if [ -x "$candidate" ] && "$candidate" --version 2>&1 | grep -q '^aws-cli/2\.'; then aws=$candidate; break; fi
done
if [ ! -x "$tools/moto_proxy" ] || [ -z "$aws" ]; then
  echo "codes: skipped (needs moto_proxy in $tools, from ./test.sh, and the AWS CLI v2)"
  exit 0
fi
terraform=
if [ -x /usr/local/bin/terraform ]; then terraform=/usr/local/bin/terraform; else terraform=$(command -v terraform || true); fi
[ -d /opt/tf-plugins ] || terraform=

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$tools/moto_proxy" -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
export HTTPS_PROXY=http://127.0.0.1:$port NO_PROXY=
AWS_CA_BUNDLE=$("$tools/python3" -c 'import moto, os; print(os.path.join(os.path.dirname(moto.__file__), "moto_proxy/ca.crt"))')
export AWS_CA_BUNDLE
export TF_CLI_CONFIG_FILE=$tmp/terraformrc TF_DATA_DIR=$tmp/terraform-data TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
: >"$TF_CLI_CONFIG_FILE"
mkdir -p "$tmp/tf"
cat >"$tmp/tf/main.tf" <<'EOF'
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region = "us-west-2"
}
data "aws_caller_identity" "me" {}
output "arn" {
  value = data.aws_caller_identity.me.arn
}
EOF
if [ -n "$terraform" ]; then
  (cd "$tmp/tf" && "$terraform" init -plugin-dir=/opt/tf-plugins -input=false -no-color >/dev/null)
fi

# No terminal: nothing may ask on it (the plain AWS CLI reads the codes from
# stdin instead, and acct uses mfa_process).
detach=()
command -v setsid >/dev/null && detach=(setsid -w)

# Every stage with every client, each needing source credentials again.
# Prints "ok"/"FAIL" per run on stderr; returns how many failed.
every_stage() { # CONFIG
  local failed=0 stage
  for stage in root testing prod; do
    rm -rf "$HOME/.aws/cli"
    if "${detach[@]}" "$acct" -c "$1" exec --yes "$stage" -- "$aws" sts get-caller-identity --query Arn --output text \
      <"$tmp/answers" >"$tmp/out" 2>>"$tmp/err" && grep -q ":assumed-role/cpco-$stage-admin/" "$tmp/out"; then
      echo "  $stage aws: ok" >&2
    else
      echo "  $stage aws: FAIL" >&2; failed=$((failed + 1))
    fi
    if [ -n "$terraform" ]; then
      if (cd "$tmp/tf" && rm -f terraform.tfstate && "${detach[@]}" "$acct" -c "$1" exec --yes "$stage" -- \
        "$terraform" apply -auto-approve -input=false -no-color </dev/null >>"$tmp/err" 2>&1 \
        && "$terraform" output -raw arn | grep -q ":assumed-role/cpco-$stage-admin/"); then
        echo "  $stage terraform: ok" >&2
      else
        echo "  $stage terraform: FAIL" >&2; failed=$((failed + 1))
      fi
    fi
  done
  return "$failed"
}
clients="AWS CLI v2${terraform:+ + Terraform}"

# With the session: the codes mfa_process printed.
: >"$tmp/answers"
rm -f "$tmp/codes"
estate "$tmp/session.toml" "mfa_session = true
mfa_process = \"$tmp/bin/mfa-code\"" "$aws"
"$acct" -c "$tmp/session.toml" aws-config --write --force >/dev/null
"$acct" -c "$tmp/session.toml" logout >/dev/null 2>&1
failed=0
every_stage "$tmp/session.toml" 2>"$tmp/session.log" || failed=$?
codes=$(count "$tmp/codes")
verdict=ok
{ [ "$codes" = 1 ] && [ "$failed" = 0 ]; } || verdict=MISSED
echo "codes with mfa_session    $codes for 3 stages x ($clients), $failed runs failed  (target 1)  $verdict"

# Without it: the AWS CLI asks each role's code (answered on stdin here), and
# Terraform's Go SDK has nobody to ask.
estate "$tmp/plain.toml" "" "$aws"
"$acct" -c "$tmp/plain.toml" aws-config --write --force >/dev/null
printf '123456\n%.0s' $(seq 50) >"$tmp/answers"
: >"$tmp/err"
failed=0
every_stage "$tmp/plain.toml" 2>"$tmp/plain.log" || failed=$?
asked=$(grep -o 'Enter MFA code for' "$tmp/err" | wc -l | tr -d ' ')
tf_failed=$(grep -c 'terraform: FAIL' "$tmp/plain.log" || true)
echo "codes without it          $asked for 3 stages x AWS CLI v2${terraform:+; Terraform failed in $tf_failed of 3 stages ($(grep -o 'AssumeRoleTokenProvider session option not set' "$tmp/err" | head -1 || true))}"
