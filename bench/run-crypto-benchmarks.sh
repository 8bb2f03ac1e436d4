#!/usr/bin/env bash
# The Curve25519 comparison in one go (docs/BENCHMARKS.md, "Curve25519: libsodium vs BouncyCastle"):
#   1. BenchmarkDotNet: Curve25519Benchmarks, libsodium 1.0.22 (the NuGet package, what the protocol code uses)
#      beside BouncyCastle.Cryptography 2.7.0 in the same process: X25519 public key and shared secret, XEdDSA
#      sign/verify on libsodium beside BouncyCastle's Ed25519, and XEdDSA verification through BouncyCastle;
#   2. the libsodium file the benchmark process loaded (its setup prints it), so the run says what it measured;
#   3. a Markdown summary (bench/node/summarize-crypto-benchmarks.mjs): medians, and each median ÷ libsodium's median.
# Everything lands in BenchmarkDotNet.Artifacts/crypto/<UTC timestamp>/ (gitignored). About 3 minutes on two cores.
# Run from anywhere:
#   bench/run-crypto-benchmarks.sh
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/crypto/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
project=bench/SessionCluster.Benchmarks

bench/machine-info.sh bench/run-crypto-benchmarks.sh src/SessionCluster.Protocol bench | tee "$run/machine.txt"

echo "== build"
dotnet build -c Release "$project" -nologo -v q

echo "== BenchmarkDotNet: Curve25519Benchmarks"
dotnet run -c Release --no-build --project "$project" -- --filter '*Curve25519Benchmarks*' --artifacts "$run" | tee "$run/benchmarkdotnet.log"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (at end)" | tee -a "$run/machine.txt"
echo "runtime:      $(grep -m1 -o 'Runtime=.NET [0-9.]*' "$run/benchmarkdotnet.log" | sed 's/Runtime=//'); BenchmarkDotNet 0.14.0" | tee -a "$run/machine.txt"
echo "libsodium:    $(grep -m1 -o 'libsodium [0-9.]* loaded from .*' "$run/benchmarkdotnet.log" || echo 'not reported (did the setup run?)')" | tee -a "$run/machine.txt"

echo "== summary ($run/summary.md)"
node bench/node/summarize-crypto-benchmarks.mjs "$run" | tee "$run/summary.md"
