"""What machine a benchmark ran on, printed at the top of every report."""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
from collections.abc import Sequence


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    return (
        f"machine: {cpu}, {os.cpu_count()} cores{memory}; "
        f"{platform.system()} {platform.release()}; Python {sys.version.split()[0]}"
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction 0.5 for p50, 0.95 for p95): the smallest value
    with at least that fraction of the values at or below it. The one percentile
    every benchmark uses, so their figures compare."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered) - 1e-9)))  # 0.07 * 100
    return ordered[rank - 1]


def target(label: str, ok: bool) -> bool:
    """Print whether a target was met; a script returns non-zero when any was not."""
    print(f"  target {label}: {'met' if ok else 'NOT met'}")
    return ok


def summary_ms(values_seconds: Sequence[float]) -> str:
    ms = [v * 1000 for v in values_seconds]
    return (
        f"p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"mean {statistics.fmean(ms):.1f} ms, n={len(ms)}"
    )


if __name__ == "__main__":
    print(describe_machine())
