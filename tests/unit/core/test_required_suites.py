"""The guard that fails a CI run when a suite it must run was skipped."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.required_suites import everything_required

ROOT = Path(__file__).resolve().parents[3]

CONFTEST = """
from tests.required_suites import pytest_runtest_makereport, pytest_sessionstart
"""
TESTS = """
import pytest

@pytest.mark.postgres
def test_needs_postgres():
    pytest.skip("FRONTDOOR_TEST_POSTGRES_URL is not set")

def test_optional_skip():
    pytest.skip("nothing required here")

def test_plain():
    assert 1 + 1 == 2
"""


def run_pytest(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (folder / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    (folder / "test_sample.py").write_text(textwrap.dedent(TESTS))
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CI", "FRONTDOOR_TEST_REQUIRE_ALL")
        and not k.startswith("FRONTDOOR_TEST_")
        and not k.startswith("PYTEST_")
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", str(folder)],
        cwd=folder,
        # no third-party plugins: a bare pytest starts in a fraction of the time
        env={**clean, "PYTHONPATH": str(ROOT), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "false"}, False),
        ({"FRONTDOOR_TEST_REQUIRE_ALL": "1"}, True),
    ],
)
def test_when_everything_is_required(environ: dict[str, str], expected: bool) -> None:
    assert everything_required(environ) is expected


def test_on_a_laptop_a_missing_suite_is_only_skipped(tmp_path: Path) -> None:
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 2 skipped" in result.stdout


def test_in_ci_a_skipped_required_suite_fails_and_says_why(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        CI="true",
        FRONTDOOR_TEST_POSTGRES_URL="postgresql://unused",
        FRONTDOOR_TEST_REDIS_URL="redis://unused",
    )
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed, 1 skipped" in result.stdout
    assert "a suite CI must run was skipped (marked postgres)" in result.stdout
    assert "FRONTDOOR_TEST_POSTGRES_URL is not set" in result.stdout


def test_in_ci_the_run_refuses_to_start_without_the_database_urls(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, FRONTDOOR_TEST_REQUIRE_ALL="1")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "FRONTDOOR_TEST_POSTGRES_URL and FRONTDOOR_TEST_REDIS_URL are not set" in (
        result.stdout + result.stderr
    )
