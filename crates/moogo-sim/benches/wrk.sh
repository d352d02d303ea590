#!/bin/sh
# Load-tests the release build of moogo-sim with wrk (Debian: apt-get install wrk):
# GET v1/devices/{deviceId} with a valid token, 2 threads, 64 keep-alive connections, 10 s.
#
# Usage: crates/moogo-sim/benches/wrk.sh [extra wrk arguments]
set -eu

root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
command -v wrk >/dev/null || { echo "error: wrk is not installed (hint: apt-get install wrk)" >&2; exit 1; }
cargo build --quiet --release -p moogo-sim --bin moogo-sim

out=$(mktemp)
target/release/moogo-sim --listen 127.0.0.1:0 >"$out" 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$out"' EXIT INT TERM

# The first line is "listening on http://HOST:PORT".
url=
for _ in $(seq 1 100); do
    url=$(sed -n '1s/^listening on //p' "$out")
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "error: moogo-sim did not start" >&2; exit 1; }

token=$(curl -fsS "$url/v1/user/login" \
    -H 'content-type: application/json' \
    -d '{"email":"demo@example.com","password":"demo-password","keep":true}' |
    sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { echo "error: login failed" >&2; exit 1; }

wrk -t2 -c64 -d10s --latency -H "token: $token" -H 'accept: application/json' "$@" "$url/v1/devices/a1c4e5f60001"
curl -fsS "$url/__sim/stats"
echo
