#!/usr/bin/env bash
# The whole test suite, as `make test` runs it (and CI, through .ci/run).
# Expects scripts/bootstrap.sh --test to have run. FRONTDOOR_TEST_POSTGRES_URL
# and FRONTDOOR_TEST_REDIS_URL (set by the Makefile) add the PostgreSQL and
# Redis halves; every database test then runs on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
# A suite skipped for want of PostgreSQL, Redis, chromium or Rasa fails the run
# (tests/required_suites.py); FRONTDOOR_TEST_REQUIRE_ALL=0 allows skips again.
export FRONTDOOR_TEST_REQUIRE_ALL="${FRONTDOOR_TEST_REQUIRE_ALL:-1}"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "lint and format (ruff)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

say "types (mypy)"
.venv/bin/mypy frontdoor backoffice actions bottools knowledge handoff insight privacy notify payments reports

if .venv/bin/frontdoor bot --help >/dev/null 2>&1; then
  say "bot model (trains only when the training data changed)"
  .venv/bin/frontdoor bot train
fi

say "python tests (SQLite${FRONTDOOR_TEST_POSTGRES_URL:+ and PostgreSQL}${FRONTDOOR_TEST_REDIS_URL:+, Redis})"
# Fast suites first; the browser and whole-stack suites last.
if [[ $# -eq 0 ]]; then
  # Coverage of the application packages (in-process code only: the servers that
  # tests start as child processes are not measured). The floor in pyproject.toml
  # only ever rises.
  # --durations: where the time goes, printed in every run (make test stays under 45 min).
  .venv/bin/pytest -p no:cacheprovider --cov --cov-report=term:skip-covered --durations=30 \
    tests/unit tests/contract tests/integration tests/e2e
  # then the date and time suites again, at a late summer evening and a Sunday night
  bash scripts/test-time.sh
else
  .venv/bin/pytest -p no:cacheprovider "$@"
fi
