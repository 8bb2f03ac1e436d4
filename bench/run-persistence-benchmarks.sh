#!/usr/bin/env bash
# Persistence through Akka (docs/BENCHMARKS.md, "Persistence through Akka (issue 9)"): our journal and snapshot store
# (SessionCluster.Persistence) against Akka.Persistence.Sql, both under real Akka persistent actors, in one run:
#   (a) ours on SQLite, (b) Akka.Persistence.Sql on SQLite with WAL (and (b2) with parallelism 1, as its docs suggest
#   for SQLite), (c) the same with SQLite's default rollback journal, (e) Akka.Persistence.Sql on PostgreSQL (the node's
#   journal there: ours, (d), was removed after it measured 1.6x-2.0x of it; docs/BENCHMARKS.md), and Akka's in-memory
#   journal as the ceiling of Akka's own machinery (--targets akka-inmem). PostgreSQL is a throwaway server started
#   the way the tests start it (tests/SessionCluster.TestSupport/PostgresServer.cs: initdb into a temp folder).
#   1. for 1, 200 and 1,000 actors, each with one Persist in flight: events/s over a fixed window after a warm-up,
#      and per-event latency (Persist call to handler) p50/p99;
#   2. recovery: one actor with 1,000,000 events written through Akka (PersistAll of 1,000), a fresh incarnation's
#      full recovery timed (twice, each in a new ActorSystem);
#   3. a Markdown summary with ours / Akka.Persistence.Sql and the issue's target on SQLite (>= 10x).
# Everything lands in BenchmarkDotNet.Artifacts/persistence/<UTC timestamp>/ (gitignored). Run from anywhere:
#   bench/run-persistence-benchmarks.sh [--actors 1,200,1000] [--warmup 5] [--seconds 15] [--recovery-events 1000000]
#     [--recovery-runs 2] [--targets ours-sqlite,akkasql-sqlite-wal,akkasql-sqlite-wal-p1,akkasql-sqlite-rollback,akkasql-postgres,akka-inmem]
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/persistence/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
project=bench/SessionCluster.Benchmarks
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($1)" | tee -a "$run/machine.txt"; }

bench/machine-info.sh bench/run-persistence-benchmarks.sh src/SessionCluster.Persistence bench | tee "$run/machine.txt"
# What one durable write costs where the SQLite files (and PostgreSQL's data folder) live: 300 overwrites of a
# 4 KiB page, each followed by fdatasync, as SQLite's commit does.
tmp=$(dirname "$(mktemp -u)")
if command -v python3 > /dev/null; then
  echo "fdatasync:    $(python3 -c '
import os, sys, time
path = os.path.join(sys.argv[1], "sessioncluster-fsync-probe")
fd = os.open(path, os.O_CREAT | os.O_RDWR); os.write(fd, bytes(409600)); os.fsync(fd)
t = time.perf_counter()
for i in range(300):
    os.pwrite(fd, b"x" * 4096, (i % 100) * 4096); os.fdatasync(fd)
print(f"{(time.perf_counter() - t) / 300 * 1000:.2f} ms per 4 KiB overwrite + fdatasync", end="")
os.close(fd); os.remove(path)' "$tmp") in $tmp ($(df -T "$tmp" | awk 'NR == 2 {print $2}'))" | tee -a "$run/machine.txt"
fi

echo "== build"
dotnet build -c Release "$project" -nologo -v q

echo "== persistence through Akka: ours vs Akka.Persistence.Sql"
status=0
dotnet "$project/bin/Release/net10.0/SessionCluster.Benchmarks.dll" --persistence "$@" \
  --out "$run/results.json" --markdown "$run/results.md" | tee "$run/persistence.log" || status=$?
load "at end"
echo "runtime:      .NET $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([0-9.]*\).*/\1/p' | tail -1); Akka 1.5.75, Akka.Persistence.Sql 1.5.73" | tee -a "$run/machine.txt"

{
  echo "# Persistence through Akka, $(basename "$run")"
  echo
  echo '```'
  cat "$run/machine.txt"
  echo '```'
  echo
  cat "$run/results.md"
} > "$run/summary.md"
echo "== summary: $run/summary.md"
exit "$status"
