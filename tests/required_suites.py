"""A run that must test everything fails when a suite it needs was skipped.

The PostgreSQL, Redis, browser and Rasa suites skip when what they need is
missing, which is right on a laptop and wrong in CI: a missing chromium or an
unset ``FRONTDOOR_TEST_POSTGRES_URL`` would otherwise turn hundreds of tests
into a green run that tested nothing of them. When ``CI=true`` or
``FRONTDOOR_TEST_REQUIRE_ALL=1`` (scripts/test.sh sets it):

- the run refuses to start without ``FRONTDOOR_TEST_POSTGRES_URL`` and
  ``FRONTDOOR_TEST_REDIS_URL`` (without them the database tests would quietly
  run on SQLite alone);
- a skipped test that is marked postgres, redis, browser or rasa, runs on the
  PostgreSQL backend, or uses a fixture of those suites, is reported as a
  failure that names what was missing.

tests/conftest.py imports the hooks, so they apply to every test.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

REQUIRED_MARKERS = frozenset({"postgres", "redis", "browser", "rasa"})
REQUIRED_FIXTURES = frozenset({"redis_url", "browser", "rasa_bin", "trained_model", "bot_stack"})
NEEDED_VARIABLES = ("FRONTDOOR_TEST_POSTGRES_URL", "FRONTDOOR_TEST_REDIS_URL")


def everything_required(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("CI", "").lower() == "true" or env.get("FRONTDOOR_TEST_REQUIRE_ALL") == "1"


def required_suite(item: pytest.Item) -> str:
    """Why ``item`` belongs to a suite that must not be skipped ("" when it does not)."""
    markers = sorted(REQUIRED_MARKERS & {mark.name for mark in item.iter_markers()})
    if markers:
        return f"marked {', '.join(markers)}"
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgresql" in callspec.params.values():
        return "runs on PostgreSQL"
    fixtures = sorted(REQUIRED_FIXTURES & set(getattr(item, "fixturenames", ())))
    if fixtures:
        return f"uses {', '.join(fixtures)}"
    return ""


def pytest_sessionstart(session: pytest.Session) -> None:
    if not everything_required():
        return
    missing = [name for name in NEEDED_VARIABLES if not os.environ.get(name)]
    if missing:
        raise pytest.UsageError(
            f"every suite must run here (CI or FRONTDOOR_TEST_REQUIRE_ALL=1) but "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped or hasattr(report, "wasxfail") or not everything_required():
        return
    why = required_suite(item)
    if not why:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"a suite CI must run was skipped ({why}): {reason}\n"
        "Install what it needs (scripts/bootstrap.sh --test) or run without CI=true "
        "and FRONTDOOR_TEST_REQUIRE_ALL=1 to allow skips."
    )
