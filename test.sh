#!/usr/bin/env bash
# Runs every test of SessionCluster on a fresh machine of this kind (Debian, .NET 10 SDK, Node 20+).
# It installs what the tests need first and fails loudly if it cannot: nothing is ever skipped.
#   - the npm peers the interop tests run against (Baileys, libsignal), with `npm ci` from tests/Interop's lockfile;
#   - PostgreSQL's server binaries (the persistence and host tests start their own throwaway server), from apt when missing;
#   - kubectl, whose `kubectl kustomize` renders k8s/ for the manifests' test (Debian's kubernetes-client when missing);
#   - Debian's chromium, which the dashboard's test drives headless through Playwright (no browser is downloaded), from apt when missing;
#   - Prometheus's Python client (its text parser checks /metrics), from apt when missing.
#   libsodium comes from NuGet with the build.
set -euo pipefail
cd "$(dirname "$0")"

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: '$*' is missing and installing it needs root (apt-get install -y $*)" >&2
    exit 1
  fi
  if [ -z "${apt_updated:-}" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  apt_install postgresql
fi

# k8s/ manifests: tests/SessionCluster.Host.Tests/Deployment/KustomizeTests render every overlay with kubectl.
if ! command -v kubectl >/dev/null; then
  apt_install kubernetes-client
fi

# The dashboard's test (tests/SessionCluster.Edge.Tests/Dashboard) launches /usr/bin/chromium.
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi

# --- metrics: the /metrics tests parse the node's text with Prometheus's official Python client parser, run by
# Debian's /usr/bin/python3 (a pyenv python3 on PATH would not see Debian's packages).
if ! /usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null; then
  apt_install python3 python3-prometheus-client
fi
# --- end metrics

npm ci --prefix tests/Interop --no-audit --no-fund --loglevel=error

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test SessionCluster.sln -c Release 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test assemblies.
awk '/(Passed|Failed)!  - Failed:/ {
       gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
if [ "$status" -ne 0 ]; then
  echo "test.sh: dotnet test exited with $status (a build error or a failing test; see above)" >&2
fi
exit "$status"
