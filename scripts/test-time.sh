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

# A hang guard for each run (not a speed target); each run takes two or three minutes.
limit="${FRONTDOOR_TEST_TIME_LIMIT_SECONDS:-900}"
status=0
for moment in "2027-06-01 22:30:00" "2027-06-01 23:30:00" "2027-01-03 02:00:00"; do
  say "tests under faketime: $moment UTC"
  TZ=UTC timeout --kill-after=30 "$limit" faketime -f "@$moment" .venv/bin/pytest -p no:cacheprovider -q "$@" || status=1
done
exit $status
