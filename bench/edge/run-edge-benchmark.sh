#!/usr/bin/env bash
# The edge benchmark (docs/BENCHMARKS.md, "Edge: REST send and SSE fan-out (issue 12)"), one run, not in CI:
#   1. start the simulator (its own process, plain ws) and a node (its own process, SQLite in a temp data folder,
#      sessions pointed at the simulator);
#   2. bench/edge/EdgeBench links N sessions through the REST API (QR scanned by the simulator's phones), then measures
#      REST send -> server ack (message.status `sent` read from SSE) p50/p99 and sends/s, and SSE fan-out to S
#      subscribers (events/s delivered, lag p50/p99).
# Everything lands in BenchmarkDotNet.Artifacts/edge/<UTC timestamp>/ (gitignored). Run from anywhere:
#   bench/edge/run-edge-benchmark.sh [--sessions 100] [--sends 10] [--subscribers 100] [--fanout-sends 5] [--link-concurrency 8]
set -euo pipefail

cd "$(dirname "$0")/../.."
run="BenchmarkDotNet.Artifacts/edge/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run/data"
bench/machine-info.sh "bench/edge/run-edge-benchmark.sh $*" src bench | tee "$run/machine.txt"

echo "== build"
dotnet build -c Release src/SessionCluster.Host -nologo -v q
dotnet build -c Release src/SessionCluster.Simulator -nologo -v q
dotnet build -c Release bench/edge/EdgeBench -nologo -v q

echo "== simulator (own process)"
dotnet src/SessionCluster.Simulator/bin/Release/net10.0/SessionCluster.Simulator.dll > "$run/simulator.log" 2>&1 &
simulator=$!
node_pid=""
trap 'kill $simulator ${node_pid} 2>/dev/null || true' EXIT
# The simulator prints its WebSocket URL, admin URL and root key once it listens.
until read -r ws admin root < <(awk '/^WebSocket:/ {w = $2} /^Admin:/ {a = $2} /^Root key:/ {r = $3} END {if (r) print w, a, r; else exit 1}' "$run/simulator.log"); do
  kill -0 $simulator || { cat "$run/simulator.log"; exit 1; }
  sleep 0.2
done
echo "simulator pid $simulator: $ws, $admin"

echo "== node (own process)"
key="bench-admin-key-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet src/SessionCluster.Host/bin/Release/net10.0/SessionCluster.Host.dll --data "$run/data" \
  "--SC:Node:HttpUrl=http://127.0.0.1:$port" --SC:Node:RemotingPort=0 "--SC:Edge:AdminKey=$key" \
  "--SC:WhatsApp:ServerUrl=$ws" "--SC:WhatsApp:RootPublicKey=$root" --SC:Node:LogFormat=text > "$run/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/sessions" 2>/dev/null && break
  sleep 0.2
done
echo "node pid $node_pid: http://127.0.0.1:$port"

echo "== EdgeBench"
dotnet bench/edge/EdgeBench/bin/Release/net10.0/EdgeBench.dll --node "http://127.0.0.1:$port" --admin-key "$key" --simulator-admin "$admin" \
  --node-pid "$node_pid" --out "$run/edge.md" "$@" 2>&1 | tee "$run/edge.log"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (at end)" | tee -a "$run/machine.txt"
echo "runtime:      .NET $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([0-9.]*\).*/\1/p' | tail -1)" | tee -a "$run/machine.txt"
{ echo '```'; cat "$run/machine.txt"; echo; cat "$run/edge.md"; echo '```'; } > "$run/summary.md"
echo "== summary: $run/summary.md"
