#!/usr/bin/env bash
# The webhook delivery benchmark (docs/BENCHMARKS.md, "Edge: webhooks (issue 12)"), one run, everything in one
# process: a real node (NodeHost, SQLite in a temp folder), the simulator, and a Kestrel receiver on loopback that
# answers 200. N sessions are linked by QR; each session's friend phone sends M texts (live: delivery lag p50/p99 of
# the message.received posts, receiver clock minus the event's time), then M more while the receiver is stopped
# (backlog: events/s from the first to the last post once it is back). Output in
# BenchmarkDotNet.Artifacts/webhooks/<UTC timestamp>/ (gitignored). Run from anywhere:
#   bench/run-webhook-benchmarks.sh [--sessions 20] [--messages 100]
set -euo pipefail

cd "$(dirname "$0")/.."
run="BenchmarkDotNet.Artifacts/webhooks/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
bench/machine-info.sh "bench/run-webhook-benchmarks.sh $*" src bench | tee "$run/machine.txt"
dotnet run -c Release --project bench/SessionCluster.WebhookBench -- "$@" | tee "$run/result.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (at end)" | tee -a "$run/machine.txt"
