#!/usr/bin/env bash
# Baseline: the same load generator as bench/run.sh against a minimal Bolt for JS app (bench/bolt/app.js) that verifies
# Slack's signature and inserts each `/spe propose` into SQLite (WAL, synchronous=FULL) before it acks.
# Usage: bench/bolt.sh [seconds-per-round] [clients, comma-separated] [warm-up-seconds] [rounds]   (results also go to bench/results/bolt-latest.txt)
# Its npm dependencies go to bench/bolt/node_modules (ignored by git; better-sqlite3 compiles its native part there
# on the first run, about a minute). Scenarios: GET /healthz and the signed proposal (the baseline has no votes).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"; clients="${2:-64,128,256}"; warmup="${3:-10}"; rounds="${4:-2}"
# Free loopback ports (other benchmarks may run on the same machine): a port nothing answers on.
# Ports below the kernel's ephemeral range: one there may be the client side of a live connection, which nothing
# answers on but nobody can listen on either.
ports_below_ephemeral() { local e; e="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"; echo $(( e > 21000 ? e - 20000 : 1000 )); }
free_port() { local p; while :; do p=$((20000 + RANDOM % $(ports_below_ephemeral))); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
work="$(mktemp -d)"; bot_port=$(free_port); slack_port=$(free_port); secret="bench-signing-secret"
mkdir -p bench/results

stamp=bench/bolt/node_modules/.spebot-installed
if [ ! -f "$stamp" ] || [ bench/bolt/package.json -nt "$stamp" ] || ! (cd bench/bolt && node -e "require('better-sqlite3')" 2>/dev/null); then
  echo "installing the Bolt baseline's npm packages into bench/bolt/node_modules ..."
  (cd bench/bolt && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
  touch "$stamp"
fi
echo "building the load generator (Release) ..."
dotnet build bench/SpeBot.Bench -c Release -o "$work/bench" -v quiet -nologo >/dev/null

PORT=$bot_port SLACK_SIGNING_SECRET="$secret" DB="$work/bolt.db" SLACK_API_URL="http://127.0.0.1:$slack_port/api/" \
  node bench/bolt/app.js > "${BOT_LOG:-$work/bolt.log}" 2>&1 &
bot=$!
trap 'kill $bot 2>/dev/null; wait $bot 2>/dev/null || true; rm -rf "$work"' EXIT

set +e
BENCH_BOT_PID=$bot BENCH_SCENARIOS=healthz,propose BENCH_TARGET=off \
  dotnet "$work/bench/SpeBot.Bench.dll" "http://127.0.0.1:$bot_port" "$slack_port" "$work/bolt.db" "$secret" "$seconds" "$clients" "$warmup" "$rounds" \
  | tee bench/results/bolt-latest.txt
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then echo "Bolt app log (tail):"; tail -n 20 "${BOT_LOG:-$work/bolt.log}"; fi
exit "$status"
