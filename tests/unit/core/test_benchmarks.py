"""The benchmarks' shared arithmetic and their exit codes (no benchmark is run here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.machine import percentile, target

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
SHARED = {"machine.py", "search_common.py"}


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(100, 0, -1)]  # unsorted on purpose
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile(values, 0.07) == 7.0  # 0.07 * 100 is 7.000000000000001 in floats


def test_target_says_met_or_not_met(capsys: pytest.CaptureFixture[str]) -> None:
    assert target("p95 <= 50 ms", True) is True
    assert target("p95 <= 50 ms", False) is False
    assert capsys.readouterr().out.splitlines() == [
        "  target p95 <= 50 ms: met",
        "  target p95 <= 50 ms: NOT met",
    ]


@pytest.mark.parametrize(
    "script", sorted(p.name for p in BENCHMARKS.glob("*.py") if p.name not in SHARED)
)
def test_a_benchmark_with_a_target_exits_non_zero_when_it_is_missed(script: str) -> None:
    source = (BENCHMARKS / script).read_text(encoding="utf-8")
    assert "def percentile" not in source, "use benchmarks/machine.py's percentile"
    if "NOT met" in source:
        pytest.fail(f"{script} prints 'NOT met' itself: use machine.target(), which it returns on")
    if re.search(r"\btarget\(", source):
        assert "sys.exit(main())" in source, f"{script} must exit with main()'s status"
        assert re.search(r"def main\(\) -> int:", source), f"{script}: main() returns the status"
