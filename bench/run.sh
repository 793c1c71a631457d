#!/usr/bin/env bash
# Benchmark: starts SpeBot in Release on a temp database, drives it with signed /spe propose requests and
# signed reaction events from a .NET load generator on the same machine, next to GET /healthz in the same run.
# Usage: bench/run.sh [seconds-per-round] [clients, comma-separated] [warm-up-seconds] [rounds]   (results also go to bench/results/latest.txt)
# After one unmeasured warm-up each, the scenarios take turns for the given rounds at each number of concurrent clients;
# the target compares each scenario's peak throughput (the ratio at each level is printed as well).
# Environment: SYNC=NORMAL (no power-loss fsync), BOT_LOG=file (keep the bot's log), BOT_ENV="K=V ..." (extra variables for the bot).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"; clients="${2:-64,128,256}"; warmup="${3:-10}"; rounds="${4:-2}"
work="$(mktemp -d)"; bot_port=5181; slack_port=5182; secret="bench-signing-secret"
mkdir -p bench/results

echo "building (Release) ..."
dotnet build src/SpeBot.Host -c Release -o "$work/bot" -v quiet -nologo >/dev/null
dotnet build bench/SpeBot.Bench -c Release -o "$work/bench" -v quiet -nologo >/dev/null

env ${BOT_ENV:-} Storage__Path="$work/spebot.db" Storage__Synchronous="${SYNC:-FULL}" Slack__SigningSecret="$secret" Slack__BotToken="xoxb-bench" \
Slack__ApiBaseUrl="http://127.0.0.1:$slack_port/api/" Slack__BotUserId="UBOT" \
Logging__LogLevel__Default=Warning Urls="http://127.0.0.1:$bot_port" \
  dotnet "$work/bot/SpeBot.Host.dll" > "${BOT_LOG:-$work/bot.log}" 2>&1 &
bot=$!
trap 'kill $bot 2>/dev/null; wait $bot 2>/dev/null; rm -rf "$work"' EXIT

set +e
BENCH_BOT_PID=$bot dotnet "$work/bench/SpeBot.Bench.dll" "http://127.0.0.1:$bot_port" "$slack_port" "$work/spebot.db" "$secret" "$seconds" "$clients" "$warmup" "$rounds" \
  | tee bench/results/latest.txt
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then echo "bot log (tail):"; tail -n 20 "$work/bot.log"; fi
exit "$status"
