#!/usr/bin/env bash
# The simulator benchmark (docs/BENCHMARKS.md, "Simulator"): connections held and 1:1 stanzas relayed per second,
# so that later load tests know whether the simulator is their bottleneck. One process: the simulator embedded
# (SimulatorHost on loopback) and its clients (the simulator tests' TestConnection/TestDevice), sharing the cores.
#   1. link max(connections, 2 x pairs) companions across 50 accounts by QR through the admin API (set-up, not measured);
#   2. for each N in --connections: log N in (Noise XX + login), hold them, memory per connection, keepalive pings
#      at N / 30 s with their round-trip percentiles;
#   3. for each P in --pairs: P pairs of companions of different accounts message each other (window per direction),
#      messages relayed per second and ack latency percentiles; every message delivered and acked by its receiver.
# No peer exists: WhatsApp's servers are unreachable from here and no other simulator can be installed.
# Everything lands in BenchmarkDotNet.Artifacts/simulator/<UTC timestamp>/ (gitignored). Run from anywhere:
#   bench/run-simulator-benchmarks.sh [--connections 1000,5000,9000] [--pairs 1,10,100] [--seconds 10] [--window 8]
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/simulator/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
project=bench/SessionCluster.Benchmarks
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($1)" | tee -a "$run/machine.txt"; }

bench/machine-info.sh bench/run-simulator-benchmarks.sh src/SessionCluster.Simulator bench | tee "$run/machine.txt"
echo "fd limit:     $(ulimit -n) open files; ephemeral ports $(tr '\t' '-' < /proc/sys/net/ipv4/ip_local_port_range)" | tee -a "$run/machine.txt"

echo "== build"
dotnet build -c Release "$project" -nologo -v q

echo "== simulator: connections held, stanzas relayed"
dotnet "$project/bin/Release/net10.0/SessionCluster.Benchmarks.dll" --simulator "$@" --out "$run/results.md" | tee "$run/simulator.log"
load "at end"
echo "runtime:      .NET $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([0-9.]*\).*/\1/p' | tail -1)" | tee -a "$run/machine.txt"

{
  echo "# Simulator benchmark, $(basename "$run")"
  echo
  echo '```'
  cat "$run/machine.txt"
  echo '```'
  echo
  cat "$run/results.md"
} > "$run/summary.md"
echo "== summary: $run/summary.md"
