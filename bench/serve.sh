#!/usr/bin/env bash
# The warm container credential endpoint (`acct serve`) against a static file
# server answering the same JSON: what one SDK request costs.
#
#   bench/serve.sh [REQUESTS]
#
# One curl process makes every request (so process start-up is not timed),
# each on a new connection, as the SDKs fetch: `time_total` per request, from
# connect to the last byte. The first request to acct fetches the keys
# (through a stand-in AWS CLI that prints keys valid for an hour: the fetch
# itself is STS's time, not the endpoint's) and is left out; the rest are
# answered from memory. The static server is python's http.server with a
# file of the same document.
#   target: acct's median under 1 ms; the ratio says how it compares
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-2000}

command -v curl >/dev/null || { echo "bench: needs curl" >&2; exit 1; }
cargo build --release --quiet
acct=$PWD/target/release/acct

tmp=$(mktemp -d)
serve_pid=
static_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
  [ -n "$static_pid" ] && kill "$static_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/home/.config/acct" "$tmp/static"
cat >"$tmp/aws" <<'AWS'
#!/bin/sh
case "$1" in
--version) echo "aws-cli/2.9.19 Python/3.11.2" ;;
configure) printf '{"Version":1,"AccessKeyId":"ASIABENCHBENCHBENCH1","SecretAccessKey":"%040d","SessionToken":"%0600d","Expiration":"%s"}\n' 0 0 \
  "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" ;;
esac
AWS
chmod +x "$tmp/aws"
cat >"$tmp/home/.config/acct/config.toml" <<CONFIG
namespace = "cpco"
region = "us-west-2"
topology = "single"
aws_cli = "$tmp/aws"
aws_config_file = "$tmp/aws-config"

[stages.testing]

[stages.root]
account_id = "323330167063"
CONFIG
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
"$acct" aws-config --write >/dev/null

"$acct" serve --shell bash testing >"$tmp/vars" 2>/dev/null &
serve_pid=$!
for _ in $(seq 100); do [ -s "$tmp/vars" ] && break; sleep 0.05; done
# shellcheck source=/dev/null
. "$tmp/vars"
curl -sf -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" >"$tmp/static/credentials"
grep -q AccessKeyId "$tmp/static/credentials"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$tmp/static" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
static_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/credentials" && break; sleep 0.05; done

# The median of `time_total` over REQUESTS requests to URL, in ms.
median_ms() {
  local url=$1 header=$2
  for _ in $(seq "$requests"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done >"$tmp/urls"
  curl -s -K "$tmp/urls" -H "$header" -H 'Connection: close' -w '%{http_code} %{time_total}\n' >"$tmp/times"
  # Every answer must be the keys: a fast 401 would prove nothing.
  if grep -qv '^200 ' "$tmp/times"; then
    echo "bench: $url answered $(grep -v '^200 ' "$tmp/times" | head -1)" >&2
    exit 1
  fi
  cut -d' ' -f2 "$tmp/times" | sort -n |
    awk '{ t[NR] = $1 } END { printf "%.3f\n", t[int((NR + 1) / 2)] * 1000 }'
}
acct_ms=$(median_ms "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN")
static_ms=$(median_ms "http://127.0.0.1:$port/credentials" "X-Nothing: 1")
python3 - "$acct_ms" "$static_ms" "$requests" <<'PY'
import sys
acct, static, n = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
print(f"warm endpoint, median of {n} requests: acct serve {acct:.3f} ms, static file server {static:.3f} ms, ratio {acct / static:.2f}x (target: acct under 1 ms)")
PY
