#!/usr/bin/env bash
# Benchmark: starts SpeBot in Release on a temp database, drives it with signed /spe propose requests and
# signed reaction events from a .NET load generator on the same machine, next to GET /healthz in the same run.
# Usage: bench/run.sh [seconds-per-round] [clients, comma-separated] [warm-up-seconds] [rounds]   (results also go to bench/results/latest.txt)
# After one unmeasured warm-up each (as long again per extra instance, so each bot warms as one would), the scenarios take turns for the given rounds at each number of concurrent clients;
# the target compares each scenario's peak throughput (the ratio at each level is printed as well).
# Environment: SYNC=NORMAL (SQLite without power-loss fsync), BOT_LOG=file (keep the bot's log), BOT_ENV="K=V ..."
# (extra variables for the bot), PROVIDER=postgres (a throwaway PostgreSQL from tests/postgres.sh, fsync and
# synchronous_commit on, over loopback TCP), INSTANCES=2 (PostgreSQL only: that many bot processes on the one database,
# the load generator's clients split between them), PG_STATS=1 (PostgreSQL: load pg_stat_statements and print the
# statements that took the server's time, to see where a request's time goes), PG_CS_EXTRA="Key=Value;..." (PostgreSQL:
# appended to the bots' connection string, e.g. "Maximum Pool Size=32" to try another pool). Results of
# PROVIDER=postgres go to bench/results/latest-postgres-N.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"; clients="${2:-64,128,256}"; warmup="${3:-10}"; rounds="${4:-2}"
provider="${PROVIDER:-sqlite}"; instances="${INSTANCES:-1}"
case "$provider" in
  sqlite) [ "$instances" -eq 1 ] || { echo "INSTANCES=$instances needs PROVIDER=postgres: instances share a database server, not a SQLite file" >&2; exit 2; } ;;
  postgres) [ "$instances" -ge 1 ] || { echo "INSTANCES must be 1 or more" >&2; exit 2; } ;;
  *) echo "PROVIDER must be sqlite or postgres" >&2; exit 2 ;;
esac
# Free loopback ports (other benchmarks may run on the same machine): a port nothing answers on.
# Ports handed out here are remembered (nothing listens on them until the bots and the fake Slack start), so two never clash.
# Ports below the kernel's ephemeral range: one there may be the client side of a live connection, which nothing
# answers on but nobody can listen on either.
ports_below_ephemeral() { local e; e="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"; echo $(( e > 21000 ? e - 20000 : 1000 )); }
taken=" "; span="$(ports_below_ephemeral)"
free_port() { local p; while :; do p=$((20000 + RANDOM % span)); case "$taken" in *" $p "*) continue ;; esac
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { taken="$taken$p "; free="$p"; return; }; done; }
free_port; work="$(mktemp -d)"; slack_port=$free; secret="bench-signing-secret"
pg=""; bots=()
cleanup() {
  for b in "${bots[@]}"; do kill "$b" 2>/dev/null || true; done
  for b in "${bots[@]}"; do wait "$b" 2>/dev/null || true; done
  if [ -n "$pg" ]; then tests/postgres.sh stop "$pg"; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p bench/results

echo "building (Release) ..."
dotnet build src/SpeBot.Host -c Release -o "$work/bot" -v quiet -nologo >/dev/null
dotnet build bench/SpeBot.Bench -c Release -o "$work/bench" -v quiet -nologo >/dev/null

if [ "$provider" = postgres ]; then
  # Its own folder (not under $work): the server runs as the postgres user, which must own it.
  pg="$(mktemp -d)"
  echo "starting PostgreSQL (fsync on, synchronous_commit on) ..."
  connection="$(tests/postgres.sh start "$pg" --server --tcp --owner-pid $$)"
  database="$connection"; storage=(Storage__Provider=postgres Storage__ConnectionString="$connection${PG_CS_EXTRA:+;$PG_CS_EXTRA}")
  bin="$(tests/postgres.sh bindir)"
  # The same server for psql, which takes libpq's keywords rather than Npgsql's.
  libpq="$(echo "$connection" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Database=/dbname=/')"
  as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [ "${PG_STATS:-0}" = 1 ]; then
    "$bin/psql" -q "$libpq" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
    as_pg "$bin/pg_ctl" -D "$pg/data" -w restart >/dev/null
    "$bin/psql" -q "$libpq" -c "CREATE EXTENSION pg_stat_statements" -c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  results=bench/results/latest-postgres-$instances.txt
  # The first instance migrates alone, so the others do not all wait on the migration lock while the clock runs.
  echo "migrating ..."
  env "${storage[@]}" Logging__LogLevel__Default=Warning dotnet "$work/bot/SpeBot.Host.dll" migrate
  export BENCH_PG_PID="$(head -n 1 "$pg/data/postmaster.pid")"
else
  database="$work/spebot.db"; storage=(Storage__Path="$database" Storage__Synchronous="${SYNC:-FULL}")
  results=bench/results/latest.txt
fi

urls=""
for i in $(seq 1 "$instances"); do
  free_port; port=$free
  log="${BOT_LOG:-$work/bot.log}"; [ "$instances" -gt 1 ] && log="$log.$i"
  env ${BOT_ENV:-} "${storage[@]}" Slack__SigningSecret="$secret" Slack__BotToken="xoxb-bench" \
    Slack__ApiBaseUrl="http://127.0.0.1:$slack_port/api/" Slack__BotUserId="UBOT" \
    Logging__LogLevel__Default=Warning Urls="http://127.0.0.1:$port" \
    dotnet "$work/bot/SpeBot.Host.dll" > "$log" 2>&1 &
  bots+=($!)
  urls="${urls:+$urls,}http://127.0.0.1:$port"
done

set +e
BENCH_BOT_PID="$(IFS=,; echo "${bots[*]}")" dotnet "$work/bench/SpeBot.Bench.dll" "$urls" "$slack_port" "$database" "$secret" "$seconds" "$clients" "$warmup" "$rounds" \
  | tee "$results"
status=${PIPESTATUS[0]}
set -e
if [ "$provider" = postgres ] && [ "${PG_STATS:-0}" = 1 ]; then
  echo; echo "PostgreSQL statements by total time (whole run, warm-up included):"
  "$bin/psql" -q -P pager=off "$libpq" -c "SELECT calls, plans, round(total_exec_time::numeric, 0) AS total_ms, round(total_plan_time::numeric, 0) AS plan_ms, round(mean_exec_time::numeric * 1000, 0) AS mean_us,
      rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25" | tee -a "$results"
fi
if [ "$status" -ne 0 ]; then
  for i in $(seq 1 "$instances"); do
    log="${BOT_LOG:-$work/bot.log}"; [ "$instances" -gt 1 ] && log="$log.$i"
    echo "bot log $i (tail):"; tail -n 20 "$log"
  done
fi
exit "$status"
