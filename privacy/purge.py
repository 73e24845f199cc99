"""The purge: apply the retention schedule, class by class, in small batches.

Used by ``frontdoor privacy purge [--dry-run]`` and by the stack's scheduled
run. A run reads the clock once, so every class is cut off at one moment; a run
that stops (crash, restart, Ctrl-C) leaves whole batches done and the next run
finishes the rest.

It is gentle with live chat (:class:`Pacer`): each batch is one short
transaction on the purge's own connection that never waits for a lock live
traffic holds (``privacy.store``); the batch size follows a time budget per
transaction (``purge_batch_seconds``), and after each batch the purge rests in
proportion to how long the batch took (``purge_rest_ratio``), longer when
batches run slow, because a slow batch means the database is busy with
residents.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.audit import AuditAction
from frontdoor.clock import Clock, system_clock
from privacy.settings import PrivacySettings
from privacy.store import SIMPLE_CLASSES, Contended, PrivacyStore

MIN_BATCH = 50
CONTENDED_REST_SECONDS = 1.0


@dataclass
class Pacer:
    """The size of the next batch and the rest after each, from what batches cost.

    ``after(rows, seconds)`` is told each batch's rows and time: the next size
    moves halfway toward what fits ``batch_seconds`` at the rate just seen
    (one slow batch does not swing it), within ``MIN_BATCH`` and ``max_batch``;
    the rest is ``rest_ratio`` times the batch's time, plus the batch's time
    again when it overran its budget twice over. ``contended()`` halves the
    size and rests a second: a batch gave way to a lock live traffic holds.
    """

    max_batch: int
    batch_seconds: float
    rest_ratio: float
    sleep: Callable[[float], None] = time.sleep
    size: int = field(init=False)
    rested: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self.size = self._fit(1000)

    def _fit(self, size: int) -> int:
        return min(self.max_batch, max(MIN_BATCH, size))

    @classmethod
    def from_settings(cls, settings: PrivacySettings, batch: int | None = None) -> Pacer:
        return cls(
            batch or settings.purge_batch_size,
            settings.purge_batch_seconds,
            settings.purge_rest_ratio,
        )

    def after(self, rows: int, seconds: float) -> None:
        if rows and seconds > 0:
            fits = round(rows / seconds * self.batch_seconds)
            self.size = self._fit((self.size + fits) // 2)
        pause = seconds * self.rest_ratio
        if seconds > 2 * self.batch_seconds:
            pause += seconds
        self._rest(pause)

    def contended(self) -> None:
        self.size = self._fit(self.size // 2)
        self._rest(CONTENDED_REST_SECONDS)

    def _rest(self, seconds: float) -> None:
        if seconds > 0:
            self.rested += seconds
            self.sleep(seconds)


@dataclass(frozen=True)
class DataClass:
    name: str
    what: str
    period: timedelta
    starts: str  # what the period counts from
    what_cy: str  # the same in Welsh, for the Welsh privacy article
    starts_cy: str


def schedule(settings: PrivacySettings) -> tuple[DataClass, ...]:
    """The retention schedule, in the order the purge applies it."""
    return (
        DataClass(
            "conversations",
            "Chat conversations, their messages and transcripts, the assistant's records of "
            "checking who you are in them, and the questions it answered from our pages",
            timedelta(days=settings.retention_conversations_days),
            "the chat ends",
            "Sgyrsiau sgwrsio, eu negeseuon a'u trawsgrifiadau, cofnodion y cynorthwyydd o "
            "wirio pwy ydych chi ynddyn nhw, a'r cwestiynau a atebodd o'n tudalennau",
            "i'r sgwrs ddod i ben",
        ),
        DataClass(
            "content_gaps",
            "Questions the assistant could not answer (with personal details removed)",
            timedelta(days=settings.retention_content_gaps_days),
            "it is asked",
            "Cwestiynau na allai'r cynorthwyydd eu hateb (heb eich manylion personol)",
            "iddyn nhw gael eu gofyn",
        ),
        DataClass(
            "feedback",
            "Answers to 'was this page helpful?' and their comments",
            timedelta(days=settings.retention_feedback_days),
            "it is given",
            "Atebion i 'oedd y dudalen hon yn ddefnyddiol?' a'u sylwadau",
            "iddyn nhw gael eu rhoi",
        ),
        DataClass(
            "verification_attempts",
            "Attempts to prove who you are in the chat",
            timedelta(hours=settings.retention_verification_hours),
            "the attempt",
            "Ymdrechion i brofi pwy ydych chi yn y sgwrs",
            "yr ymdrech",
        ),
        DataClass(
            "notifications",
            "Emails and text messages we send you (your address or number, and what they said)",
            timedelta(days=settings.retention_notifications_days),
            "they are sent, or we stop trying to send them",
            "E-byst a negeseuon testun rydyn ni'n eu hanfon atoch chi (eich cyfeiriad neu'ch "
            "rhif, a'r hyn roedden nhw'n ei ddweud)",
            "iddyn nhw gael eu hanfon, neu i ni roi'r gorau i geisio eu hanfon",
        ),
        DataClass(
            "audit_log",
            "The audit log of staff access to personal data",
            timedelta(days=settings.retention_audit_days),
            "the access is recorded",
            "Log archwilio mynediad staff at ddata personol",
            "i'r mynediad gael ei gofnodi",
        ),
        DataClass(
            "report_photos",
            "Photos you send when you report a problem in the street (with the hidden "
            "details cameras add removed)",
            timedelta(days=settings.retention_report_photos_days),
            "you send them",
            "Lluniau rydych chi'n eu hanfon wrth roi gwybod am broblem ar y stryd (heb y "
            "manylion cudd y mae camerâu'n eu hychwanegu)",
            "i chi eu hanfon",
        ),
        DataClass(
            "subscriptions",
            "Your subscriptions to reminders and updates (your email address or mobile number, "
            "your address and what you asked us to tell you about)",
            timedelta(days=settings.retention_subscriptions_days),
            "you unsubscribe, or the time to confirm a request you did not confirm runs out",
            "Eich tanysgrifiadau i nodiadau atgoffa a diweddariadau (eich cyfeiriad e-bost neu "
            "rif ffôn symudol, eich cyfeiriad a'r hyn y gwnaethoch ofyn i ni ddweud wrthych "
            "amdano)",
            "i chi ddad-danysgrifio, neu i'r amser i gadarnhau cais na wnaethoch ei gadarnhau "
            "ddod i ben",
        ),
        DataClass(
            "payments",
            "Card payments you make to us (what for, how much, and for a fee your name, email "
            "and note; never your card details, which only the payment provider sees)",
            timedelta(days=settings.retention_payments_days),
            "the payment is finished",
            "Taliadau cerdyn rydych chi'n eu gwneud i ni (am beth, faint, ac ar gyfer ffi eich "
            "enw, e-bost a'ch nodyn; byth manylion eich cerdyn, y mae'r darparwr taliadau yn "
            "unig yn eu gweld)",
            "i'r taliad ddod i ben",
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
    pacer: Pacer | None = None,
) -> list[ClassResult]:
    """Delete (or count) what is past its schedule. ``batch`` caps the batch size
    (``purge_batch_size`` by default); ``max_batches`` stops early, as an
    interruption would (tests use it to prove a purge resumes)."""
    store = PrivacyStore(engine)
    now = clock()
    pace = pacer or Pacer.from_settings(settings, batch)
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
                    f"{counts['answers']} bot answers, {counts['other']} transcripts, "
                    "assignments and identity checks"
                )
                results.append(ClassResult(data_class.name, sum(counts.values()), detail))
                continue
            total = _drain(
                functools.partial(store.purge_conversations_batch, cutoff),
                spend,
                pace,
                progress,
                data_class.name,
            )
            total += _drain(
                functools.partial(store.purge_orphan_answers_batch, cutoff),
                spend,
                pace,
                progress,
                data_class.name,
            )
            results.append(ClassResult(data_class.name, total))
            continue
        if data_class.name == "notifications":  # only what is sent or failed for good
            if dry_run:
                results.append(ClassResult(data_class.name, store.count_notifications(cutoff)))
                continue
            total = _drain(
                functools.partial(store.purge_notifications_batch, cutoff),
                spend,
                pace,
                progress,
                data_class.name,
            )
            results.append(ClassResult(data_class.name, total))
            continue
        table, column = SIMPLE_CLASSES[data_class.name]
        one_batch = functools.partial(store.delete_older_batch, table, column, cutoff)
        if data_class.name == "content_gaps":  # their groups are re-keyed as they go
            one_batch = functools.partial(store.purge_gaps_batch, cutoff)
        if dry_run:
            results.append(ClassResult(data_class.name, store.count_older(table, column, cutoff)))
            continue
        total = _drain(one_batch, spend, pace, progress, data_class.name)
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
    one_batch: Callable[[int], int],
    spend: Callable[[], bool],
    pace: Pacer,
    progress: Callable[[str, int], None] | None,
    name: str,
) -> int:
    total = 0
    while spend():
        started = time.perf_counter()
        try:
            deleted = one_batch(pace.size)
        except Contended:
            pace.contended()
            continue
        if not deleted:
            break
        total += deleted
        pace.after(deleted, time.perf_counter() - started)
        if progress is not None:
            progress(name, total)
    return total


def cutoff_of(settings: PrivacySettings, name: str, now: datetime) -> datetime:
    by_name = {c.name: c for c in schedule(settings)}
    return now - by_name[name].period
