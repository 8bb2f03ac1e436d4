#!/usr/bin/env bash
# The Signal engine benchmarks in one go (docs/BENCHMARKS.md, "Signal engine"):
#   1. libsignal-node 6.0.0 on the same operations (bench/node/libsignal-bench.mjs), before;
#   2. BenchmarkDotNet: SignalBenchmarks (encrypt/decrypt 100 B, session setup, X25519, XEdDSA);
#   3. libsignal-node again, after; the ratios use its faster run;
#   4. a Markdown summary with the C# ÷ libsignal-node ratios.
# Everything lands in BenchmarkDotNet.Artifacts/signal/<UTC timestamp>/ (gitignored). Run from anywhere:
#   bench/run-signal-benchmarks.sh
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/signal/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
project=bench/SessionCluster.Benchmarks

if [[ ! -d tests/Interop/node_modules/libsignal ]]; then
  echo "libsignal is not installed: run 'npm ci' in tests/Interop first." >&2
  exit 2
fi

bench/machine-info.sh bench/run-signal-benchmarks.sh src bench | tee "$run/machine.txt"

echo "== build"
dotnet build -c Release "$project" -nologo -v q

echo "== libsignal-node (before)"
node bench/node/libsignal-bench.mjs --out "$run/libsignal-before.json" > "$run/libsignal-before.log"

echo "== BenchmarkDotNet: SignalBenchmarks"
dotnet run -c Release --no-build --project "$project" -- --filter '*SignalBenchmarks*' --artifacts "$run" | tee "$run/benchmarkdotnet.log"

echo "== libsignal-node (after)"
node bench/node/libsignal-bench.mjs --out "$run/libsignal-after.json" > "$run/libsignal-after.log"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (at end)" | tee -a "$run/machine.txt"

echo "== summary ($run/summary.md)"
node bench/node/summarize-signal-benchmarks.mjs "$run" | tee "$run/summary.md"
