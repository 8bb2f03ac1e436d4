#!/usr/bin/env bash
# Prints the facts a recorded benchmark run needs (docs/BENCHMARKS.md): date, command, commit,
# machine, toolchains and the load at the start. Sourced by the bench/run-*.sh scripts:
#   bench/machine-info.sh <command name> <paths whose uncommitted changes matter...>
set -euo pipefail
command_name=$1
shift
echo "date (UTC):   $(date -u '+%Y-%m-%d %H:%M:%S')"
echo "command:      $command_name"
echo "commit:       $(git rev-parse --short HEAD)$([[ -z "$(git status --porcelain -- "$@")" ]] || echo " + uncommitted changes in $*")"
echo "cpu:          $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) logical cores"
echo "memory:       $(free -h | awk '/^Mem:/ {print $2}')"
echo "os:           $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
echo ".NET SDK:     $(dotnet --version)"
echo "node:         $(node --version)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (at start)"
