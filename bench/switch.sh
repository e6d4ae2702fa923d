#!/usr/bin/env bash
# Switching stage: `acct env testing` against awsume switching to the same
# profile (awsume from PyPI in a virtualenv under target/, against moto's STS
# on 127.0.0.1, its credential cache warm as in daily use). Prints medians and
# the ratio; target: acct at least 100x faster.
#
#   bench/switch.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}

command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
cargo build --release --quiet
acct=$PWD/target/release/acct

venv=$PWD/target/bench/awsume-venv
if [ ! -x "$venv/bin/awsumepy" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check awsume "moto[server]"
fi

tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done

export HOME=$tmp/home AWS_CONFIG_FILE=$tmp/home/.aws/config AWS_SHARED_CREDENTIALS_FILE=$tmp/home/.aws/credentials
export AWS_ENDPOINT_URL=http://127.0.0.1:$port
unset ACCT_CONFIG ACCT_STAGE AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
mkdir -p "$HOME/.aws"
config=$tmp/acct.toml
# No MFA: awsume would stop to ask for a code on every cold start.
grep -v mfa_serial examples/organization.toml >"$config"
"$acct" -c "$config" aws-config >"$AWS_CONFIG_FILE"
printf '[cpco]\naws_access_key_id = AKIAEXAMPLESOURCE001\naws_secret_access_key = source-secret\n' >"$AWS_SHARED_CREDENTIALS_FILE"
"$venv/bin/awsumepy" cpco-testing-admin -s >/dev/null 2>&1 || { echo "bench: awsume could not switch; see $tmp/moto.log" >&2; exit 1; }

hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$tmp/switch.json" \
  -n acct-env "$acct -c $config env testing --shell bash" \
  -n awsume "$venv/bin/awsumepy cpco-testing-admin -s" >/dev/null 2>"$tmp/hyperfine.log"

python3 - "$tmp/switch.json" <<'PY'
import json, sys
median = {r["command"]: r["median"] * 1e3 for r in json.load(open(sys.argv[1]))["results"]}
for name, ms in median.items():
    print(f"{name:>10}  median {ms:9.3f} ms")
ratio = median["awsume"] / median["acct-env"]
print(f"ratio awsume/acct env   {ratio:.0f}x  (target >= 100x)  {'ok' if ratio >= 100 else 'MISSED'}")
PY
