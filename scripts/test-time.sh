#!/usr/bin/env bash
# The suites that touch dates and times, run under Debian's faketime at the
# moments that broke them before: a late summer evening (2027-06-01 23:30 BST
# = 22:30 UTC), half past midnight in London while UTC is still on the day
# before (2027-06-02 00:30 BST = 2027-06-01 23:30 UTC), and a Sunday night in
# winter (2027-01-03 02:00 GMT), out of every team's office hours. `make test-time`
# runs this; scripts/test.sh runs it after the main suites, so CI does too.
#
# The clock starts at each moment and then runs (faketime's "@" form), so
# waits and timeouts behave (FAKETIME_DONT_FAKE_MONOTONIC=1 would make
# Python's time.sleep fail with EINVAL under libfaketime 0.9.10). TZ=UTC, as
# on CI machines, so code that reads the machine's date instead of London's
# is caught. Arguments replace the default list of test paths.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export FRONTDOOR_TEST_REQUIRE_ALL="${FRONTDOOR_TEST_REQUIRE_ALL:-1}"  # as scripts/test.sh

command -v faketime >/dev/null 2>&1 ||
  { echo "test-time: faketime is missing (scripts/bootstrap.sh --test installs it)" >&2; exit 1; }

if [[ $# -eq 0 ]]; then
  # Unit suites (fast, every date rule) and the integration modules whose
  # behaviour depends on today's date, the time of day or opening hours.
  set -- \
    tests/unit/accounts \
    tests/unit/backoffice \
    tests/unit/bot \
    tests/unit/core \
    tests/unit/handoff \
    tests/unit/knowledge \
    tests/contract \
    tests/integration/accounts \
    tests/integration/backoffice/test_seed.py \
    tests/integration/bot/test_actions_on_sql.py \
    tests/integration/handoff/test_flow.py \
    tests/integration/handoff/test_advisors.py \
    tests/integration/handoff/test_cases_on_sql.py \
    tests/integration/handoff/test_delivery.py \
    tests/integration/handoff/test_instances.py \
    tests/integration/handoff/test_scale_out.py \
    tests/integration/knowledge/test_api_editorial.py \
    tests/integration/knowledge/test_editor_pages.py \
    tests/integration/knowledge/test_articles_workflow.py \
    tests/integration/knowledge/test_seed.py
fi

# SQLite only: faketime moves this process's clock, never a database server's, and
# no query reads the server's clock (every time comes from the application's), so
# the PostgreSQL half of each database test would repeat the SQLite half's date
# logic. Tests marked postgres, which need PostgreSQL itself, still run.
export FRONTDOOR_TEST_DATABASE=sqlite

# A hang guard for each run (not a speed target).
limit="${FRONTDOOR_TEST_TIME_LIMIT_SECONDS:-1800}"
# The three moments run side by side (each run mostly waits on servers and databases:
# one alone took 6.5 min of wall clock for 3.5 min of CPU), each with its own pytest
# temporary folder and its own Redis database, so they cannot see each other's keys.
# Each run's output is printed whole, in order, when all have finished.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
redis_url="${FRONTDOOR_TEST_REDIS_URL:-}"
[[ "$redis_url" =~ ^(redis://[^/]+)(/[0-9]+)?$ ]] && redis_base="${BASH_REMATCH[1]}" || redis_base=""
moments=("2027-06-01 22:30:00" "2027-06-01 23:30:00" "2027-01-03 02:00:00")
pids=()
for i in "${!moments[@]}"; do
  (
    if [[ -n "$redis_base" ]]; then
      export FRONTDOOR_TEST_REDIS_URL="$redis_base/$((13 + i))"
    fi
    TZ=UTC timeout --kill-after=30 "$limit" faketime -f "@${moments[$i]}" \
      .venv/bin/pytest -p no:cacheprovider -q --basetemp="$work/tmp-$i" "$@"
  ) >"$work/run-$i.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!moments[@]}"; do
  code=0
  wait "${pids[$i]}" || code=$?
  say "tests under faketime: ${moments[$i]} UTC"
  cat "$work/run-$i.log"
  if [[ $code -ne 0 ]]; then
    echo "test-time: the run at ${moments[$i]} UTC failed (exit $code)" >&2
    status=1
  fi
done
exit $status
