#!/usr/bin/env bash
# The session load benchmark (docs/BENCHMARKS.md, "Sessions (issue 11)"), one run, the simulator in its own process:
#   1. start the simulator (--tls: the sessions connect over wss, pinning its certificate);
#   2. SessionCluster: N SessionActors on one ActorSystem (SQLite journal in a temp folder), linked by QR through the
#      admin API; idle memory per session, inbound messages/s end to end, send latency, reconnect after a node restart
#      (bench/SessionCluster.Benchmarks --sessions, Sessions/*.cs);
#   3. Baileys: as many sockets as asked in one Node process against the same simulator, linked by QR the same way;
#      memory per socket and inbound messages/s (bench/node/baileys-sessions-bench.mjs).
# Everything lands in BenchmarkDotNet.Artifacts/sessions/<UTC timestamp>/ (gitignored). Run from anywhere:
#   bench/run-session-benchmarks.sh [--sessions 1000] [--baileys 200] [--baileys-messages 10] [--perf S] [--perf-phase inbound|restart] [--pin]
#     [other --sessions options, see SessionLoadBenchmark.cs]
# With dotnet-gcdump installed (DOTNET_GCDUMP=<path to it> or on PATH), the idle heap is dumped and reported by type
# (idle.gcdump, idle-gcdump.txt). With --perf SECONDS (needs `perf`, Debian's linux-perf), the node's CPU is sampled
# for that long from the release of the established-sessions inbound round, or with --perf-phase restart from the
# node's restart (every session recovering and connecting again) (perf.data, cpu-profile.md): JIT code is
# named through the runtime's perf map (DOTNET_PerfMapEnabled=1, W^X off so perf can read it). With --pin the
# simulator runs on CPU 1 and the node (and Baileys) on CPU 0 (taskset): each side has one core of its own, so the
# inbound rate is the node's on one core, not shared with its load source.
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/sessions/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
project=bench/SessionCluster.Benchmarks
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($1)" | tee -a "$run/machine.txt"; }

sessions=1000
baileys=200
perf_seconds=0
perf_phase=inbound
pin=0
baileys_messages=10
rest=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --sessions) sessions=$2; shift 2 ;;
    --baileys) baileys=$2; shift 2 ;;
    --perf) perf_seconds=$2; shift 2 ;;
    --perf-phase) perf_phase=$2; shift 2 ;;
    --pin) pin=1; shift ;;
    --baileys-messages) baileys_messages=$2; shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done

bench/machine-info.sh "bench/run-session-benchmarks.sh --sessions $sessions --baileys $baileys ${rest[*]:-}" src bench | tee "$run/machine.txt"
echo "fd limit:     $(ulimit -n) open files" | tee -a "$run/machine.txt"

echo "== build"
dotnet build -c Release "$project" -nologo -v q

echo "== simulator (own process, --tls)"
node_cpu=(); simulator_cpu=()
if [[ $pin -eq 1 ]]; then node_cpu=(taskset -c 0); simulator_cpu=(taskset -c 1); echo "pinned:       node and Baileys on CPU 0, simulator on CPU 1" | tee -a "$run/machine.txt"; fi
${simulator_cpu[@]+"${simulator_cpu[@]}"} dotnet src/SessionCluster.Simulator/bin/Release/net10.0/SessionCluster.Simulator.dll --tls > "$run/simulator.log" 2>&1 &
simulator=$!
trap 'kill $simulator 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^Root key:' "$run/simulator.log" && break; sleep 0.2; done
ws=$(sed -n 's/^WebSocket: *//p' "$run/simulator.log")
admin=$(sed -n 's/^Admin: *//p' "$run/simulator.log")
root=$(sed -n 's/^Root key: *//p' "$run/simulator.log")
echo "simulator pid $simulator: $ws, $admin"

if [[ $sessions -gt 0 ]]; then
  echo "== SessionCluster: $sessions sessions"
  if [[ $perf_seconds -gt 0 ]]; then
    export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
    (
      # The second release is the established-sessions round (InboundLoad); sample the node while it drains. Or, with
      # --perf-phase restart, from the node's restart while every session recovers and connects again.
      for _ in $(seq 1 7200); do
        if [[ $perf_phase == restart ]]; then
          grep -q "node restart:" "$run/sessions.log" 2>/dev/null && break
        else
          [[ $(grep -c "relay released" "$run/sessions.log" 2>/dev/null) -ge 2 ]] && break
        fi
        sleep 0.25
      done
      node_pid=$(pgrep -f -- "--out $run/sessions.md" | head -1)   # this run's node, not another run's
      perf record -e cpu-clock -F 499 -g -p "$node_pid" -o "$run/perf.data" -- sleep "$perf_seconds" > "$run/perf.log" 2>&1
      perf script -i "$run/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null | node bench/node/summarize-perf.mjs /dev/stdin > "$run/cpu-profile.md"
    ) &
    profiler=$!
  fi
  ${node_cpu[@]+"${node_cpu[@]}"} dotnet "$project/bin/Release/net10.0/SessionCluster.Benchmarks.dll" --sessions "$sessions" --admin "$admin" --ws "$ws" --root "$root" \
    --simulator-pid "$simulator" --out "$run/sessions.md" --gcdump "$run/idle.gcdump" ${rest[@]+"${rest[@]}"} 2>&1 | tee "$run/sessions.log" \
    || echo "exit code:    $? (SessionCluster side: a link, send or POST failed; see sessions.md)" | tee -a "$run/machine.txt"
  [[ $perf_seconds -gt 0 ]] && wait "$profiler"
  if [[ -f "$run/idle.gcdump" ]]; then
    "${DOTNET_GCDUMP:-dotnet-gcdump}" report "$run/idle.gcdump" > "$run/idle-gcdump.txt" 2>&1 || true
    node bench/node/summarize-gcdump.mjs "$run/idle-gcdump.txt" "$sessions" > "$run/idle-heap.md" || true
  fi
  load "after SessionCluster"
fi

if [[ $baileys -gt 0 ]]; then
  echo "== Baileys: $baileys sockets in one Node process"
  ${node_cpu[@]+"${node_cpu[@]}"} node --expose-gc bench/node/baileys-sessions-bench.mjs --sockets "$baileys" --messages "$baileys_messages" --admin "$admin" --ws "$ws" --root "$root" \
    --out "$run/baileys.md" 2>&1 | tee "$run/baileys.log" \
    || echo "exit code:    $? (Baileys side: a link or POST failed; see baileys.md)" | tee -a "$run/machine.txt"
  load "after Baileys"
fi
echo "runtime:      .NET $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([0-9.]*\).*/\1/p' | tail -1)" | tee -a "$run/machine.txt"

{
  echo "# Session benchmark, $(basename "$run")"
  echo
  echo '```'
  cat "$run/machine.txt"
  echo '```'
  echo
  [[ -f "$run/sessions.md" ]] && { echo "## SessionCluster"; echo; cat "$run/sessions.md"; echo; }
  [[ -f "$run/idle-heap.md" ]] && { echo "## SessionCluster idle heap by owner (dotnet-gcdump)"; echo; cat "$run/idle-heap.md"; echo; }
  [[ -f "$run/cpu-profile.md" ]] && { echo "## SessionCluster CPU profile, $([[ $perf_phase == restart ]] && echo "node restart (sessions recovering and reconnecting)" || echo "established-sessions inbound drain") (perf)"; echo; cat "$run/cpu-profile.md"; echo; }
  [[ -f "$run/baileys.md" ]] && { echo "## Baileys"; echo; cat "$run/baileys.md"; }
} > "$run/summary.md"
echo "== summary: $run/summary.md"
