#!/usr/bin/env bash
# The wire-layer benchmarks in one go (docs/BENCHMARKS.md, "Wire layer"):
#   1. export the node corpus (both subsets) with the frames our encoder makes of it;
#   2. BenchmarkDotNet: the node codec (encode/decode, All and Stanzas) and the Noise transport;
#   3. Baileys' codec on the same corpus, in Node, once before and once after BenchmarkDotNet;
#   4. a Markdown summary with the C# ÷ Baileys ratios.
# Everything lands in BenchmarkDotNet.Artifacts/wire/<UTC timestamp>/ (gitignored); the summary is
# also printed. Takes about 5 minutes on two cores. Run from anywhere:
#   bench/run-wire-benchmarks.sh
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/wire/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
project=bench/SessionCluster.Benchmarks

if [[ ! -d tests/Interop/node_modules/baileys ]]; then
  echo "Baileys is not installed: run 'npm ci' in tests/Interop first." >&2
  exit 2
fi

bench/machine-info.sh bench/run-wire-benchmarks.sh src tests/Shared bench | tee "$run/machine.txt"

echo "== build"
dotnet build -c Release "$project" -nologo -v q

echo "== corpus"
dotnet run -c Release --no-build --project "$project" -- --export-corpus "$run/corpus.json"

# Baileys runs before and after BenchmarkDotNet; the summary compares against the faster of the two, so
# a burst of load on a shared machine cannot flatter the ratio.
echo "== Baileys (before)"
node bench/node/baileys-codec-bench.mjs "$run/corpus.json" --out "$run/baileys-before.json" > "$run/baileys-before.log"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (after Baileys, before BenchmarkDotNet)" | tee -a "$run/machine.txt"

echo "== BenchmarkDotNet: node codec and Noise transport"
dotnet run -c Release --no-build --project "$project" -- \
  --filter '*NodeCodecBenchmarks*' '*NoiseTransportBenchmarks*' \
  --artifacts "$run" | tee "$run/benchmarkdotnet.log"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (after BenchmarkDotNet)" | tee -a "$run/machine.txt"

echo "== Baileys (after)"
node bench/node/baileys-codec-bench.mjs "$run/corpus.json" --out "$run/baileys-after.json" > "$run/baileys-after.log"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (at end)" | tee -a "$run/machine.txt"

echo "== summary ($run/summary.md)"
node bench/node/summarize-wire-benchmarks.mjs "$run" | tee "$run/summary.md"
