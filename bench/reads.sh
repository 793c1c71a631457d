#!/usr/bin/env bash
# Read benchmark: builds two SpeBot databases of different sizes through SpeBot's own code (bench/SpeBot.ReadBench seed)
# and times every read on each (p50/p99 server time, in process: command + Block Kit rendering, card render, digest
# build, capacity, App Home), then compares them: every row must stay under 50 ms p99 at the large size and at most 2x
# its p99 at the small one.
# Usage: bench/reads.sh [small-items] [large-items] [votes-per-item] [iterations]   (defaults 10000 100000 10 300)
# Environment: SEED_DIR (default /tmp/spebot-reads) keeps the seeded databases between runs; RESEED=1 builds them again.
# Results: bench/results/reads-<items>.tsv and bench/results/reads-latest.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
small="${1:-10000}"; large="${2:-100000}"; per_item="${3:-10}"; iterations="${4:-300}"
seed_dir="${SEED_DIR:-/tmp/spebot-reads}"; out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mkdir -p bench/results "$seed_dir"

echo "building (Release) ..."
dotnet build bench/SpeBot.ReadBench -c Release -o "$out/bench" -v quiet -nologo >/dev/null

for n in "$small" "$large"; do
  db="$seed_dir/spebot-$n-$((n * per_item)).db"
  if [ "${RESEED:-0}" = 1 ]; then rm -f "$db" "$db-wal" "$db-shm"; fi
  if [ ! -f "$db" ]; then dotnet "$out/bench/SpeBot.ReadBench.dll" seed "$db" "$n" "$((n * per_item))"; fi
done
{
  for n in "$small" "$large"; do
    dotnet "$out/bench/SpeBot.ReadBench.dll" reads "$seed_dir/spebot-$n-$((n * per_item)).db" "$iterations" "bench/results/reads-$n.tsv"
    echo
  done
  dotnet "$out/bench/SpeBot.ReadBench.dll" compare "bench/results/reads-$small.tsv" "bench/results/reads-$large.tsv"
} | tee bench/results/reads-latest.txt
