#!/usr/bin/env bash
# The media and group-send benchmark (docs/BENCHMARKS.md, "Media and group sends (issue 13)"), one run:
#   1. start the simulator in its own process (--tls; its media host keeps every uploaded blob in memory, which must
#      not count as the node's);
#   2. SessionCluster (bench/SessionCluster.Benchmarks --media, Media/*.cs): MediaCipher encrypt/decrypt MB/s per size;
#      upload and download through a linked session with peak RSS and GC heap during one more transfer of each size;
#      a group send through that session to a simulator group of --group-members phones (told → Sent);
#      the CPU part of a group send to 256 participants × 3 devices (first send with SKDM to every device, later send);
#   3. Baileys: encryptedStream on files of the same sizes (bench/node/baileys-media-bench.mjs), and the ratio
#      ours/Baileys against our "encrypt → temp file" row, the same work (file in, enc || mac to a temporary file).
# Everything lands in BenchmarkDotNet.Artifacts/media/<UTC timestamp>/ (gitignored). Run from anywhere:
#   bench/run-media-benchmarks.sh [--sizes 1,16,100] [--rounds 5] [other --media options, see MediaBenchmark.cs]
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/media/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
project=bench/SessionCluster.Benchmarks
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($1); uptime: $(uptime)" | tee -a "$run/machine.txt"; }

if [[ ! -d tests/Interop/node_modules/baileys ]]; then
  echo "Baileys is not installed: run 'npm ci' in tests/Interop first." >&2
  exit 1
fi

sizes=1,16,100
rounds=5
rest=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done

bench/machine-info.sh "bench/run-media-benchmarks.sh --sizes $sizes --rounds $rounds ${rest[*]:-}" src bench | tee "$run/machine.txt"

echo "== build"
dotnet build -c Release "$project" -nologo -v q
dotnet build -c Release src/SessionCluster.Simulator -nologo -v q

echo "== simulator (own process, --tls)"
dotnet src/SessionCluster.Simulator/bin/Release/net10.0/SessionCluster.Simulator.dll --tls > "$run/simulator.log" 2>&1 &
simulator=$!
trap 'kill $simulator 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^Root key:' "$run/simulator.log" && break; sleep 0.2; done
ws=$(sed -n 's/^WebSocket: *//p' "$run/simulator.log")
admin=$(sed -n 's/^Admin: *//p' "$run/simulator.log")
root=$(sed -n 's/^Root key: *//p' "$run/simulator.log")
echo "simulator pid $simulator: $ws, $admin"

echo "== SessionCluster"
load "before SessionCluster"
dotnet "$project/bin/Release/net10.0/SessionCluster.Benchmarks.dll" --media --sizes "$sizes" --rounds "$rounds" --admin "$admin" --ws "$ws" --root "$root" \
  --out "$run/media.md" --json "$run/media.json" ${rest[@]+"${rest[@]}"} 2>&1 | tee "$run/media.log"
load "after SessionCluster"
kill $simulator 2>/dev/null || true

echo "== Baileys encryptedStream"
node --expose-gc bench/node/baileys-media-bench.mjs --sizes "$sizes" --rounds "$rounds" --out "$run/baileys.json" 2>&1 | tee "$run/baileys.log"
load "after Baileys"
echo "runtime:      .NET $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([0-9.]*\).*/\1/p' | tail -1)" | tee -a "$run/machine.txt"

# Ours/Baileys on the same work: a file in, enc || mac written to a temporary file.
node -e '
const [ours, theirs] = process.argv.slice(1).map(p => JSON.parse(require("fs").readFileSync(p, "utf8")));
console.log("| Size | SessionCluster encrypt → temp file MB/s | Baileys encryptedStream MB/s | ours / Baileys |");
console.log("|---:|---:|---:|---:|");
for (const b of theirs.results) {
  const o = ours.crypto.find(c => c.megabytes === b.megabytes);
  console.log(`| ${b.megabytes} MB | ${o.encryptToFile.toFixed(0)} | ${b.mbPerSecond.toFixed(0)} | **${(o.encryptToFile / b.mbPerSecond).toFixed(2)}×** |`);
}' "$run/media.json" "$run/baileys.json" > "$run/ratio.md"

{
  echo "# Media benchmark, $(basename "$run")"
  echo
  echo '```'
  cat "$run/machine.txt"
  echo '```'
  echo
  echo "## SessionCluster"
  echo
  cat "$run/media.md"
  echo
  echo "## Against Baileys (same run)"
  echo
  cat "$run/ratio.md"
} > "$run/summary.md"
echo "== summary: $run/summary.md"
cat "$run/summary.md"
