#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, the benchmark and CI.
#
#   tests/postgres.sh start <dir> [--fast] [--server] [--tcp] [--owner-pid PID]
#       initdb into <dir>/data, start the server, print its Npgsql connection string on stdout (the only line there).
#       --fast       fsync=off, synchronous_commit=off, full_page_writes=off: for tests only (nothing must survive a
#                    power cut there); the benchmark must not use it.
#       --server     sized as a small production server rather than a test fixture (shared_buffers=1GB,
#                    wal_buffers=16MB, max_wal_size=4GB; durability unchanged): for the benchmark, whose tables outgrow
#                    64 MB of buffers within seconds.
#       --tcp        listen on a free loopback port (default: a unix socket in <dir> only, so parallel runs never clash).
#       --owner-pid  stop the server and delete <dir> when that process is gone (a test run killed mid-way).
#   tests/postgres.sh stop <dir>      stop the server (immediate) and delete <dir>.
#   tests/postgres.sh bindir          print the folder holding initdb and pg_ctl, or fail when there is none.
#
# Binaries: $SPEBOT_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else `pg_config --bindir`.
# initdb refuses to run as root: as root the server runs as the `postgres` user, which then owns <dir>.
set -euo pipefail

bindir() {
  if [ -n "${SPEBOT_PG_BINDIR:-}" ]; then
    [ -x "$SPEBOT_PG_BINDIR/initdb" ] || { echo "SPEBOT_PG_BINDIR=$SPEBOT_PG_BINDIR holds no initdb" >&2; return 1; }
    echo "$SPEBOT_PG_BINDIR"; return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir)"
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  fi
  echo "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or pg_config --bindir; install the postgresql package" >&2
  return 1
}

# Runs a command as the server's owner: postgres when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Ports below the kernel's ephemeral range: one there may be the client side of a live connection, which nothing
# answers on but nobody can listen on either.
ports_below_ephemeral() { local e; e="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"; echo $(( e > 21000 ? e - 20000 : 1000 )); }
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % $(ports_below_ephemeral)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "no free loopback port found" >&2
  return 1
}

start() {
  local dir="$1"; shift
  local fast=0 tcp=0 owner="" server=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --fast) fast=1 ;;
      --tcp) tcp=1 ;;
      --server) server=1 ;;
      --owner-pid) owner="$2"; shift ;;
      *) echo "unknown option $1" >&2; return 2 ;;
    esac
    shift
  done
  local bin; bin="$(bindir)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  local port=5432 listen="''"
  if [ "$tcp" -eq 1 ]; then port="$(free_port)"; listen="127.0.0.1"; fi
  local opts="-c listen_addresses=$listen -c port=$port -c unix_socket_directories=$dir -c max_connections=300"
  if [ "$server" -eq 1 ]; then opts="$opts -c shared_buffers=1GB -c wal_buffers=16MB -c max_wal_size=4GB"
  else opts="$opts -c shared_buffers=64MB"; fi
  opts="$opts -c dynamic_shared_memory_type=mmap"
  if [ "$fast" -eq 1 ]; then opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null; then
    cat "$dir/server.log" >&2 || true
    return 1
  fi
  if [ -n "$owner" ]; then
    # Watchdog: the server outlives nothing it was started for.
    nohup bash -c "while kill -0 $owner 2>/dev/null && [ -d '$dir/data' ]; do sleep 1; done; bash '$0' stop '$dir'" >/dev/null 2>&1 &
  fi
  if [ "$tcp" -eq 1 ]; then
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  else
    echo "Host=$dir;Port=$port;Username=postgres;Database=postgres"
  fi
}

stop() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    local bin; bin="$(bindir)" || true
    if [ -n "${bin:-}" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) [ $# -ge 2 ] || { echo "usage: $0 start <dir> [--fast] [--tcp] [--owner-pid PID]" >&2; exit 2; }; shift; start "$@" ;;
  stop) [ $# -ge 2 ] || { echo "usage: $0 stop <dir>" >&2; exit 2; }; stop "$2" ;;
  bindir) bindir ;;
  *) echo "usage: $0 start <dir> [--fast] [--tcp] [--owner-pid PID] | stop <dir> | bindir" >&2; exit 2 ;;
esac
