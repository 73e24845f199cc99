"""The stack scheduler's jobs: each at its own interval, one failure stops none."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from frontdoor.clock import fixed_clock
from frontdoor.jobs import Job, run_due

CLOCK = fixed_clock(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))


def test_each_job_runs_at_its_interval_and_a_failure_stops_no_other():
    ran: list[str] = []

    def ok(name: str) -> Job:
        def run(engine, clock):  # type: ignore[no-untyped-def]
            ran.append(name)
            return "done"

        return Job(name, timedelta(minutes=1 if name == "often" else 60), run)

    def broken(engine, clock):  # type: ignore[no-untyped-def]
        raise RuntimeError("database gone")

    jobs = [ok("often"), Job("broken", timedelta(minutes=1), broken), ok("hourly")]
    last: dict[str, float] = {}
    lines = run_due(jobs, None, CLOCK, last, now=0.0)  # type: ignore[arg-type]
    assert lines == ["often: done", "broken: failed", "hourly: done"]
    assert run_due(jobs, None, CLOCK, last, now=30.0) == []  # type: ignore[arg-type]
    assert run_due(jobs, None, CLOCK, last, now=61.0) == ["often: done", "broken: failed"]  # type: ignore[arg-type]
    run_due(jobs, None, CLOCK, last, now=3600.0)  # type: ignore[arg-type]
    assert ran == ["often", "hourly", "often", "often", "hourly"]


def test_the_registry_lists_the_purge_the_reminders_the_subscriptions_the_sender_and_the_sweep(
    monkeypatch, tmp_path
):
    from frontdoor.components import scheduled_jobs

    monkeypatch.setenv("FRONTDOOR_ENVIRONMENT", "test")
    monkeypatch.setenv("FRONTDOOR_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("FRONTDOOR_SECRET_KEY", secrets.token_urlsafe(48))
    names = [job.name for job in scheduled_jobs()]
    assert names == [
        "privacy purge",
        "review reminders",
        "subscriptions",
        "notifications",
        "payment holds",
    ]
