"""The purge: apply the retention schedule, class by class, in small batches.

Used by ``frontdoor privacy purge [--dry-run]`` and by the stack's scheduled
run. A run reads the clock once, so every class is cut off at one moment; a run
that stops (crash, restart, Ctrl-C) leaves whole batches done and the next run
finishes the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.audit import AuditAction
from frontdoor.clock import Clock, system_clock
from privacy.settings import PrivacySettings
from privacy.store import SIMPLE_CLASSES, PrivacyStore


@dataclass(frozen=True)
class DataClass:
    name: str
    what: str
    period: timedelta
    starts: str  # what the period counts from


def schedule(settings: PrivacySettings) -> tuple[DataClass, ...]:
    """The retention schedule, in the order the purge applies it."""
    return (
        DataClass(
            "conversations",
            "Chat conversations, their messages and transcripts, and the assistant's "
            "records of checking who you are in them",
            timedelta(days=settings.retention_conversations_days),
            "the chat ends",
        ),
        DataClass(
            "content_gaps",
            "Questions the assistant could not answer (with personal details removed)",
            timedelta(days=settings.retention_content_gaps_days),
            "it is asked",
        ),
        DataClass(
            "feedback",
            "Answers to 'was this page helpful?' and their comments",
            timedelta(days=settings.retention_feedback_days),
            "it is given",
        ),
        DataClass(
            "verification_attempts",
            "Attempts to prove who you are in the chat",
            timedelta(hours=settings.retention_verification_hours),
            "the attempt",
        ),
        DataClass(
            "audit_log",
            "The audit log of staff access to personal data",
            timedelta(days=settings.retention_audit_days),
            "the access is recorded",
        ),
    )


@dataclass(frozen=True)
class ClassResult:
    name: str
    rows: int  # deleted, or that would be deleted on a dry run
    detail: str = ""


def purge(
    engine: Engine,
    settings: PrivacySettings,
    *,
    dry_run: bool = False,
    clock: Clock = system_clock,
    batch: int | None = None,
    max_batches: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[ClassResult]:
    """Delete (or count) what is past its schedule. ``max_batches`` stops early,
    as an interruption would (tests use it to prove a purge resumes)."""
    store = PrivacyStore(engine)
    now = clock()
    size = batch or settings.purge_batch_size
    results: list[ClassResult] = []
    budget = [max_batches]

    def spend() -> bool:
        if budget[0] is None:
            return True
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        return True

    for data_class in schedule(settings):
        cutoff = now - data_class.period
        if data_class.name == "conversations":
            counts = store.count_conversations(cutoff)
            if dry_run:
                detail = (
                    f"{counts['conversations']} conversations, {counts['events']} messages, "
                    f"{counts['answers']} bot answers"
                )
                results.append(ClassResult(data_class.name, sum(counts.values()), detail))
                continue
            total = _drain(
                functools.partial(store.purge_conversations_batch, cutoff, size),
                spend,
                progress,
                data_class.name,
            )
            total += _drain(
                functools.partial(store.purge_orphan_answers_batch, cutoff, size),
                spend,
                progress,
                data_class.name,
            )
            results.append(ClassResult(data_class.name, total))
            continue
        table, column = SIMPLE_CLASSES[data_class.name]
        one_batch = functools.partial(store.delete_older_batch, table, column, cutoff, size)
        if data_class.name == "content_gaps":  # their groups are re-keyed as they go
            one_batch = functools.partial(store.purge_gaps_batch, cutoff, size)
        if dry_run:
            results.append(ClassResult(data_class.name, store.count_older(table, column, cutoff)))
            continue
        total = _drain(one_batch, spend, progress, data_class.name)
        results.append(ClassResult(data_class.name, total))
    if not dry_run and any(r.rows for r in results):
        with Session(engine) as db:
            audit.record(
                db,
                actor="system",
                action=AuditAction.PURGE,
                detail={r.name: r.rows for r in results},
                clock=lambda: now,
            )
            db.commit()
    return results


def _drain(
    one_batch: Callable[[], int],
    spend: Callable[[], bool],
    progress: Callable[[str, int], None] | None,
    name: str,
) -> int:
    total = 0
    while spend():
        deleted = one_batch()
        if not deleted:
            break
        total += deleted
        if progress is not None:
            progress(name, total)
    return total


def cutoff_of(settings: PrivacySettings, name: str, now: datetime) -> datetime:
    by_name = {c.name: c for c in schedule(settings)}
    return now - by_name[name].period
