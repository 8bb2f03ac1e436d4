#!/usr/bin/env bash
# The soak (docs/BENCHMARKS.md, "Soak (issue 15)"), one run: one node process of the built executable (embedded SQLite)
# and the simulator in its own process (--tls); N sessions created and linked by QR through the node's API; then
# steady traffic for M minutes (texts sent through /v1 with an Idempotency-Key, texts from simulated phones to the
# sessions, a few session restarts) while the node is sampled from /proc (RSS, threads, open handles, CPU) and three
# latencies are timed per window (send accepted; send -> delivered event; phone's text -> message.received event).
# After the warm-up: RSS growth < 5 %, no growth in threads or handles, each p99 steady (SoakVerdict.cs says how each
# is judged); exit code 1 when a criterion fails. Not CI: the full run takes M minutes plus the set-up.
# Output lands in BenchmarkDotNet.Artifacts/soak/<UTC timestamp>/ (gitignored): machine.txt, soak.log, timeline.csv,
# summary.md, node.log, simulator.log; with the dotnet-counters and dotnet-gcdump global tools installed
# (dotnet tool install -g dotnet-counters / dotnet-gcdump) also counters.csv and the live heap after a full GC at the
# end of the warm-up and at the end (*.gcdump, a criterion of its own). Run from anywhere, on a quiet machine for
# figures worth recording:
#   bench/run-soak.sh [--sessions 1000] [--minutes 30] [--warmup-minutes 5] [--rate 20] [--sample-seconds 30]
#     [--restarts-per-minute 2] [--parallel 8] [--friends 10]
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/soak/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
minutes=30
rest=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done

bench/machine-info.sh "bench/run-soak.sh --minutes $minutes ${rest[*]:-}" src bench | tee "$run/machine.txt"
echo "fd limit:     $(ulimit -n) open files" | tee -a "$run/machine.txt"
echo "runtime:      .NET $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([0-9.]*\).*/\1/p' | tail -1)" | tee -a "$run/machine.txt"

echo "== build"
dotnet build bench/SessionCluster.ClusterBench -c Release -v q -nologo

echo "== simulator (own process, --tls)"
dotnet src/SessionCluster.Simulator/bin/Release/net10.0/SessionCluster.Simulator.dll --tls > "$run/simulator.log" 2>&1 &
simulator=$!
trap 'kill $simulator 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^Root key:' "$run/simulator.log" && break; sleep 0.2; done
ws=$(sed -n 's/^WebSocket: *//p' "$run/simulator.log")
admin=$(sed -n 's/^Admin: *//p' "$run/simulator.log")
root=$(sed -n 's/^Root key: *//p' "$run/simulator.log")
[[ -n $root ]] || { echo "the simulator printed no root key:"; cat "$run/simulator.log"; exit 1; }
echo "simulator pid $simulator: $ws, $admin"

echo "== soak"
status=0
dotnet bench/SessionCluster.ClusterBench/bin/Release/net10.0/SessionCluster.ClusterBench.dll --soak-minutes "$minutes" \
  --admin "$admin" --ws "$ws" --root "$root" --out "$run" ${rest[@]+"${rest[@]}"} 2>&1 | tee "$run/soak.log" || status=$?
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (at the end)" | tee -a "$run/machine.txt"
[[ -f "$run/summary.md" ]] && { echo; cat "$run/summary.md"; }
echo "results: $run"
exit "$status"
