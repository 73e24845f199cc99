#!/usr/bin/env bash
# Run every benchmark script; each prints its own figures and machine details.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for script in benchmarks/*.py; do
  # Shared modules (machine.py, *_common.py) are imported by the scripts, not run.
  case "$(basename "$script")" in machine.py|*_common.py) continue ;; esac
  printf '\n\033[1m==> %s\033[0m\n' "$script"
  .venv/bin/python "$script" || status=1
done
exit $status
