"""Runs the widget's own unit tests (node --test) as part of pytest.

They include the check that the committed bundle matches widget/src and is
under 30 KB gzipped. Skipped where node or the npm packages are missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_widget_unit_tests_pass() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not (ROOT / "node_modules" / "jsdom").is_dir():
        pytest.skip("npm packages are not installed (npm ci)")
    result = subprocess.run(
        [node, "--test", "widget/test/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
