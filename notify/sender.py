"""Drains the outbox: batches, retries with exponential backoff, restart-safe.

A claimed row is ``sending`` under a lease. If the worker dies, the lease runs
out and the row is due again; because it was claimed before (``attempts`` >
1), the sender first asks the provider whether a message with its reference
(the idempotency key) already arrived, and records that one instead of
sending a second. The same check covers a timeout the provider did act on.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import Engine

from frontdoor.clock import Clock
from notify import outbox
from notify.ports import Notifier, PermanentFailure, TemporaryFailure


@dataclass(frozen=True)
class Policy:
    batch: int = 100
    lease: timedelta = timedelta(minutes=5)
    first_retry: timedelta = timedelta(seconds=30)
    max_retry: timedelta = timedelta(hours=1)
    max_attempts: int = 8
    workers: int = 1  # messages of a batch sent at once (the notifier must be thread-safe)

    def backoff(self, attempts: int) -> timedelta:
        """Wait before attempt ``attempts + 1``: 30 s, 60 s, 120 s ... capped."""
        return min(self.first_retry * (2 ** max(0, attempts - 1)), self.max_retry)


@dataclass
class Outcome:
    sent: int = 0
    recovered: int = 0  # already at the provider after a crash or timeout: not resent
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.recovered + self.retrying + self.failed


def send_batch(engine: Engine, notifier: Notifier, clock: Clock, policy: Policy) -> Outcome:
    """Claim one batch of due messages and send each; returns what became of them."""
    outcome = Outcome()
    rows = outbox.claim_due(engine, now=clock(), limit=policy.batch, lease=policy.lease)
    if policy.workers > 1 and len(rows) > 1:
        with ThreadPoolExecutor(max_workers=policy.workers) as pool:
            results = list(
                pool.map(lambda row: _send_one(engine, notifier, clock, policy, row), rows)
            )
    else:
        results = [_send_one(engine, notifier, clock, policy, row) for row in rows]
    for kind, error in results:
        setattr(outcome, kind, getattr(outcome, kind) + 1)
        if error:
            outcome.errors.append(error)
    return outcome


def _send_one(
    engine: Engine, notifier: Notifier, clock: Clock, policy: Policy, row: outbox.OutboxRow
) -> tuple[str, str]:
    """Send one claimed row and record the outcome: (which counter, error or "")."""
    try:
        existing = notifier.find(row.idempotency_key) if row.attempts > 1 else None
        if existing is not None:
            outbox.mark_sent(engine, row.id, provider_id=existing, now=clock())
            return "recovered", ""
        provider_id = notifier.send(row.message)
    except PermanentFailure as exc:
        outbox.mark_failed(engine, row.id, error=str(exc), retry_at=None)
        return "failed", f"{row.idempotency_key}: {exc}"
    except TemporaryFailure as exc:
        if row.attempts >= policy.max_attempts:
            error = f"gave up after {row.attempts} attempts: {exc}"
            outbox.mark_failed(engine, row.id, error=error, retry_at=None)
            return "failed", f"{row.idempotency_key}: {exc}"
        retry_at = clock() + policy.backoff(row.attempts)
        outbox.mark_failed(engine, row.id, error=str(exc), retry_at=retry_at)
        return "retrying", f"{row.idempotency_key}: {exc}"
    outbox.mark_sent(engine, row.id, provider_id=provider_id, now=clock())
    return "sent", ""


def send_due(
    engine: Engine, notifier: Notifier, clock: Clock, policy: Policy | None = None
) -> Outcome:
    """Send everything due now, batch after batch, until nothing is due."""
    policy = policy or Policy()
    total = Outcome()
    while True:
        outcome = send_batch(engine, notifier, clock, policy)
        if outcome.handled == 0:
            return total
        total.sent += outcome.sent
        total.recovered += outcome.recovered
        total.retrying += outcome.retrying
        total.failed += outcome.failed
        total.errors.extend(outcome.errors)
