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

# The bot's model trains in the background (one core, about 3 minutes) beside the
# type check and the fast suites, which need no model; the bot's end-to-end
# fixture asks for the same model and waits for this training to finish
# (bottools.model.training_lock) instead of training it again.
train_pid=""
train_log="$(mktemp)"
cleanup() {  # a failed check or suite stops the training too (and its rasa child)
  if [[ -n "$train_pid" ]]; then
    pkill -TERM -P "$train_pid" 2>/dev/null || true
    kill "$train_pid" 2>/dev/null || true
  fi
  rm -f "$train_log"
}
trap cleanup EXIT
if .venv/bin/frontdoor bot --help >/dev/null 2>&1; then
  say "bot model (trains in the background, only when the training data changed)"
  .venv/bin/frontdoor bot train >"$train_log" 2>&1 &
  train_pid=$!
fi
trained() {  # the background training's outcome, printed once
  [[ -n "$train_pid" ]] || return 0
  local code=0
  wait "$train_pid" || code=$?
  train_pid=""
  say "bot model"
  cat "$train_log"
  return $code
}

say "types (mypy)"
.venv/bin/mypy frontdoor backoffice actions bottools knowledge handoff insight privacy notify payments reports

say "python tests (SQLite${FRONTDOOR_TEST_POSTGRES_URL:+ and PostgreSQL}${FRONTDOOR_TEST_REDIS_URL:+, Redis})"
# Fast suites first; the browser and whole-stack suites last.
if [[ $# -eq 0 ]]; then
  # Coverage of the application packages (in-process code only: the servers that
  # tests start as child processes are not measured). The floor in pyproject.toml
  # only ever rises.
  # --durations: where the time goes, printed in every run (make test stays under 45 min).
  # Two workers (pytest-xdist; FRONTDOOR_TEST_WORKERS changes it, 0 runs in this process):
  # one process keeps one core about three quarters busy, most of the rest is waiting
  # on servers and databases. A test file stays on one worker (--dist loadfile), so its
  # module fixtures start once; every worker has its own Redis database (tests/conftest.py)
  # and every test database is its own already.
  .venv/bin/pytest -p no:cacheprovider -n "${FRONTDOOR_TEST_WORKERS:-2}" --dist loadfile \
    --cov --cov-report=term:skip-covered --durations=30 \
    tests/unit tests/contract tests/integration tests/e2e
  trained
  # then the date and time suites again, at a late summer evening and a Sunday night
  bash scripts/test-time.sh
else
  .venv/bin/pytest -p no:cacheprovider "$@"
  trained
fi
