#!/usr/bin/env bash
# The actor runtime and persistence benchmarks in one go (docs/BENCHMARKS.md, "Actors"):
#   1. BenchmarkDotNet: PingPongActorBenchmarks (1-1000 pairs) and FanOutActorBenchmarks (10-1000 receivers),
#      1,000,000 messages per invocation;
#   2. --actors-footprint: bytes per idle actor over 1,000,000 actors, creation rate;
#   3. --persistence sqlite and --persistence postgres: 1, 100 and 1,000 concurrent persistent actors (events/s,
#      per-event latency percentiles), then recovery of one id with 1,000,000 events (raw replay and actor recovery).
#      PostgreSQL is a throwaway server started the way the storage tests start it (initdb into a temp folder);
#   4. a Markdown summary: each figure, its target, met/missed, and the published anchor it is compared with.
# No peer (Akka.NET, Proto.Actor) can be installed here, so the anchors are published figures, not a same-machine run.
# Everything lands in BenchmarkDotNet.Artifacts/actors/<UTC timestamp>/ (gitignored). Run from anywhere:
#   bench/run-actor-benchmarks.sh
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/actors/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
project=bench/SessionCluster.Benchmarks
bench() { dotnet "$project/bin/Release/net10.0/SessionCluster.Benchmarks.dll" "$@"; }
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($1)" | tee -a "$run/machine.txt"; }

bench/machine-info.sh bench/run-actor-benchmarks.sh src bench | tee "$run/machine.txt"
# What one durable write costs on this disk (the SQLite and PostgreSQL files live in the temp folder too):
# 1,000 synchronous 4 KiB writes, so the seconds dd reports are the milliseconds per write.
probe=$(mktemp -d)
echo "sync write:   $(dd if=/dev/zero of="$probe/probe" bs=4k count=1000 oflag=dsync 2>&1 | tail -1 | awk '{print $(NF-3)}') ms per 4 KiB O_DSYNC write in $(dirname "$probe") (dd, 1,000 writes)" | tee -a "$run/machine.txt"
rm -rf "$probe"

echo "== build"
dotnet build -c Release "$project" -nologo -v q

echo "== BenchmarkDotNet: PingPongActorBenchmarks, FanOutActorBenchmarks"
bench --filter '*ActorBenchmarks*' --artifacts "$run" | tee "$run/benchmarkdotnet.log"
load "after BenchmarkDotNet"

echo "== idle actors (1,000,000)"
bench --actors-footprint --count 1000000 --out "$run/footprint.json" | tee "$run/footprint.log"

echo "== persistence: SQLite"
bench --persistence sqlite --out "$run/persistence-sqlite.json" | tee "$run/persistence-sqlite.log"
load "after SQLite"

echo "== persistence: PostgreSQL"
bench --persistence postgres --out "$run/persistence-postgres.json" | tee "$run/persistence-postgres.log"
load "at end"
echo "runtime:      $(grep -m1 -o 'Runtime=.NET [0-9.]*' "$run/benchmarkdotnet.log" | sed 's/Runtime=//'); BenchmarkDotNet 0.14.0" | tee -a "$run/machine.txt"

echo "== summary ($run/summary.md)"
bench --actors-summary "$run" | tee "$run/summary.md"
