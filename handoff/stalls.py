"""Where the event loop stalls: a watchdog thread for benchmarks and diagnosis.

A p50 of a few milliseconds beside a p95 of tens (issue 12) means the loop is
sometimes busy with one thing while every socket waits. The loop stamps a
heartbeat every ``tick`` seconds; a thread looks every ``interval`` and, while
the stamp is older than ``threshold``, records the loop thread's Python stack.
The stacks seen during stalls, weighted by how long they were seen, say what
held the loop; the heartbeat's own lateness gives the stall histogram.

Off unless asked for (``python -m handoff.devserver --stall-trace FILE``): a
dev tool, the service never starts it itself. The report is rewritten every few
seconds, so a killed process still leaves one.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

BUCKETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


def collapse(frame: FrameType | None, *, depth: int = 40) -> str:
    """``module:function:line;…`` from the outermost frame kept to the innermost; a
    library's frames (the standard library, site-packages) are marked ``~``."""
    parts: list[str] = []
    while frame is not None and len(parts) < depth:
        code = frame.f_code
        mark = "~" if _library(code.co_filename) else ""
        parts.append(f"{mark}{Path(code.co_filename).stem}:{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return ";".join(reversed(parts))


class StallTracer:
    def __init__(
        self,
        path: str,
        *,
        threshold: float = 0.02,
        tick: float = 0.005,
        interval: float = 0.002,
        flush_every: float = 5.0,
    ) -> None:
        self.path = Path(path)
        self.threshold, self.tick, self.interval = threshold, tick, interval
        self.flush_every = flush_every
        self._beat = time.monotonic()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the watcher adds while a report may be read
        self.late: Counter[float] = Counter()  # heartbeat lateness, by bucket
        self.late_total = 0.0
        self.beats = 0
        self.stacks: dict[str, float] = {}  # seconds seen during a stall, per stack
        self.frames: dict[str, float] = {}  # seconds seen, per innermost handoff frame
        self.started = time.monotonic()
        self._gc_began = 0.0
        self.gc_pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}  # seconds, per generation

    @property
    def running(self) -> bool:
        return self._loop is not None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._loop_thread = loop, threading.get_ident()
        self._beat = time.monotonic()
        loop.call_later(self.tick, self._stamp, self._beat + self.tick)
        threading.Thread(target=self._watch, name="stall-tracer", daemon=True).start()
        gc.callbacks.append(self._gc)

    def stop(self) -> None:
        self._stop.set()
        if self._gc in gc.callbacks:
            gc.callbacks.remove(self._gc)
        self.write()

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        """The collector's pauses (every thread waits for them, the loop included)."""
        if phase == "start":
            self._gc_began = time.perf_counter()
        else:
            self.gc_pauses[info["generation"]].append(time.perf_counter() - self._gc_began)

    def _stamp(self, due: float) -> None:
        now = time.monotonic()
        self._beat = now
        self.beats += 1
        late = now - due
        self.late_total += max(0.0, late)
        for bucket in reversed(BUCKETS):
            if late >= bucket:
                self.late[bucket] += 1
                break
        assert self._loop is not None
        if not self._stop.is_set():
            self._loop.call_later(self.tick, self._stamp, now + self.tick)

    def _watch(self) -> None:
        flushed = time.monotonic()
        while not self._stop.wait(self.interval):
            now = time.monotonic()
            if now - self._beat > self.threshold:
                frame = sys._current_frames().get(self._loop_thread)
                stack = collapse(frame)
                inner = _innermost_ours(stack)
                with self._lock:
                    self.stacks[stack] = self.stacks.get(stack, 0.0) + self.interval
                    self.frames[inner] = self.frames.get(inner, 0.0) + self.interval
            if now - flushed > self.flush_every:
                flushed = now
                self.write()

    def report(self) -> dict[str, object]:
        stalled = sum(self.stacks.values())
        return {
            "seconds": round(time.monotonic() - self.started, 1),
            "threshold_ms": self.threshold * 1000,
            "beats": self.beats,
            "late_ms_at_least": {f"{b * 1000:g}": n for b, n in sorted(self.late.items())},
            "late_seconds_total": round(self.late_total, 3),
            "stalled_seconds_sampled": round(stalled, 3),
            "gc": {
                str(generation): {
                    "count": len(pauses),
                    "total_ms": round(sum(pauses) * 1000, 1),
                    "max_ms": round(max(pauses, default=0.0) * 1000, 1),
                    "over_20ms": sum(1 for p in pauses if p > 0.02),
                }
                for generation, pauses in self.gc_pauses.items()
            },
            "by_frame": [[name, round(seconds, 3)] for name, seconds in _top(self.frames)],
            "stacks": [[stack, round(seconds, 3)] for stack, seconds in _top(self.stacks)],
        }

    def write(self) -> None:
        with self._lock:
            text = json.dumps(self.report(), indent=1)
        self.path.with_suffix(".tmp").write_text(text)
        self.path.with_suffix(".tmp").replace(self.path)


def _top(seconds: dict[str, float], count: int = 40) -> list[tuple[str, float]]:
    return sorted(seconds.items(), key=lambda item: -item[1])[:count]


def _innermost_ours(stack: str) -> str:
    """The innermost frame in the project's own code (where a stall was asked for)."""
    frames = stack.split(";")
    ours = [f for f in frames if not f.startswith("~")]
    return ours[-1] if ours else frames[-1]


def _library(filename: str) -> bool:
    return "site-packages" in filename or filename.startswith((sys.base_prefix, "<"))


def traced(app: Any, path: str, **options: float) -> Any:
    """``app`` (ASGI) with a :class:`StallTracer` started on the server's loop at its
    lifespan start-up; the report is written at exit too."""
    tracer = StallTracer(path, **options)
    atexit.register(tracer.stop)

    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        if not tracer.running:
            tracer.start(asyncio.get_running_loop())
        await app(scope, receive, send)

    return wrapper
