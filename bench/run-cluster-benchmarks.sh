#!/usr/bin/env bash
# The cluster benchmark (docs/BENCHMARKS.md, "Cluster (issue 14)"), one run: 3 node processes of the built executable
# on a throwaway PostgreSQL, the simulator in the benchmark's process, N sessions linked by QR through the nodes' API:
#   1. sessions held and memory (RSS) per node;
#   2. kill -9 of the fullest node: each of its sessions' failover time (kill to "connected" on a survivor, node logs);
#   3. a surge-first rolling restart of the two survivors to a new app version: the handoff gap per session and per shard.
# Output lands in BenchmarkDotNet.Artifacts/cluster/<UTC timestamp>/ (gitignored), with every node's log. Run from anywhere:
#   bench/run-cluster-benchmarks.sh [--sessions 300] [--parallel 12] [--reconnects-per-second 200] [--perf-failover S]
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/cluster/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
bench/machine-info.sh "bench/run-cluster-benchmarks.sh $*" src bench hocon | tee "$run/machine.txt"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$run/machine.txt"
dotnet build bench/SessionCluster.ClusterBench -c Release -v q -nologo
SC_BENCH_LOGS="$run" dotnet run -c Release --no-build --project bench/SessionCluster.ClusterBench -- "$@" | tee "$run/cluster.txt"
echo "results: $run"
