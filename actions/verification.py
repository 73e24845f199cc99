"""Identity before personal data: tokens, knowledge checks, lock-out, grants.

A check proves **one thing, for one purpose**: this case (its details), or
this council tax or rent account (its balance). What it proved is a
:class:`Grant`, kept server-side and keyed by the conversation (Rasa's sender
id): the kind of reference and the reference, the purpose, how (the method
and which facts matched) and when (verified at, expires at). Nothing a client
can set in a slot widens a grant: the purpose of every check names the kinds
of reference it accepts (``PURPOSE_KINDS``), and a case-details grant never
covers an account.

Two ways in:

1. **A signed token** from the council's account system (``backoffice.identity``),
   forwarded by the widget as message metadata: balance grants for the
   accounts it names. Checked on every use; nothing is stored.
2. **A knowledge check** (fallback): a reference of a kind the purpose names
   and the property's postcode, plus, for balances, one more fact (the last
   payment amount or a surname on the account). A success stores a grant; the
   conversation's ``verified_session`` slot holds a random secret and the
   store only its SHA-256, so a grant is honoured only for the conversation
   *and* the secret the action server itself created.

Attempts are recorded. Failures are limited in two ways that a stranger
cannot turn against a resident: after ``max_failures`` in one conversation
that conversation may not check any more (it only hurts itself); and after
``account_free_failures`` failures for one account within ``window`` (from
any conversation) further checks of that account are *delayed*, the wait
doubling up to ``account_max_delay``, never locked. The answer is the same
for an account that exists and one that does not.

Every comparison of a secret or an identity fact uses ``hmac.compare_digest``.
The resident hears one wording for every failure (``messages.VERIFY_FAILED``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from sqlalchemy import Connection, Engine, and_, func, insert, inspect, select, update

from actions.models import verification_attempts, verification_grants
from backoffice import references
from backoffice.exceptions import IdentityTokenError, InvalidReference, NotFound
from backoffice.identity import IdentityClaims, verify_token
from backoffice.ports import BackOffice, RentTransactionKind


class ReferenceKind(StrEnum):
    COUNCIL_TAX = "council_tax"
    TENANCY = "tenancy"
    CASE = "case"


class Purpose(StrEnum):
    BALANCE = "balance"  # an account: needs the extra fact
    CASE_DETAILS = "case_details"  # one case: its property's postcode


# The kinds of reference each purpose names; nothing else is accepted for it.
PURPOSE_KINDS: dict[Purpose, frozenset[ReferenceKind]] = {
    Purpose.BALANCE: frozenset({ReferenceKind.COUNCIL_TAX, ReferenceKind.TENANCY}),
    Purpose.CASE_DETAILS: frozenset({ReferenceKind.CASE}),
}

KNOWLEDGE_CHECK = "knowledge_check"
TOKEN = "token"  # noqa: S105 - a method name


def purpose_of(value: object) -> Purpose:
    """The purpose a slot names; anything unknown is the strictest (balance)."""
    try:
        return Purpose(str(value))
    except ValueError:
        return Purpose.BALANCE


def classify_reference(text: str) -> tuple[ReferenceKind, str] | None:
    """The kind and canonical form of an account or case reference, or None."""
    for kind, normalise in (
        (ReferenceKind.COUNCIL_TAX, references.council_tax_reference),
        (ReferenceKind.TENANCY, references.tenancy_reference),
        (ReferenceKind.CASE, references.case_reference),
    ):
        try:
            return kind, normalise(text)
        except InvalidReference:
            continue
    return None


# --- what a check proved ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grant:
    """One thing a conversation proved, for one purpose, until ``expires_at``."""

    kind: ReferenceKind
    reference: str
    purpose: Purpose
    method: str  # "knowledge_check" or "token"
    facts: tuple[str, ...]  # which facts matched: "postcode", "surname", "last_payment", ...
    verified_at: datetime
    expires_at: datetime

    def live(self, now: datetime) -> bool:
        return self.expires_at > now

    def public(self) -> dict[str, object]:
        """For the advisor: what, for what, how and when; never a fact's value."""
        return {
            "kind": self.kind.value,
            "reference": self.reference,
            "purpose": self.purpose.value,
            "method": self.method,
            "facts": list(self.facts),
            "verified_at": self.verified_at.astimezone(UTC).isoformat(),
            "expires_at": self.expires_at.astimezone(UTC).isoformat(),
        }


# --- storage port ------------------------------------------------


class VerificationStore(ABC):
    """Where attempts and grants live (the database, or memory in tests)."""

    @abstractmethod
    def record_attempt(
        self, *, conversation_id: str, account_key: str | None, succeeded: bool, at: datetime
    ) -> None: ...

    @abstractmethod
    def conversation_failures(self, conversation_id: str) -> int: ...

    @abstractmethod
    def account_failure_times(self, account_key: str, *, since: datetime) -> list[datetime]:
        """When this account's failed checks happened (any conversation), oldest first."""

    @abstractmethod
    def save_grant(self, *, conversation_id: str, secret_hash: str, grant: Grant) -> None: ...

    @abstractmethod
    def find_grants(self, conversation_id: str, secret_hash: str) -> list[Grant]:
        """The grants stored with this conversation id *and* secret hash, expired or not."""

    @abstractmethod
    def conversation_grants(self, conversation_id: str, *, at: datetime) -> list[Grant]:
        """Every grant of a conversation still live at ``at`` (for the advisor's console)."""

    @abstractmethod
    def end_sessions(self, conversation_id: str, *, at: datetime) -> None:
        """Expire every grant of a conversation (start over, sign out)."""

    def account_failures(self, account_key: str, *, since: datetime) -> int:
        return len(self.account_failure_times(account_key, since=since))


_g = verification_grants.c


class SqlVerificationStore(VerificationStore):
    """The ``bot_`` tables, on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_attempt(
        self, *, conversation_id: str, account_key: str | None, succeeded: bool, at: datetime
    ) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                insert(verification_attempts).values(
                    conversation_id=conversation_id,
                    account_key=account_key,
                    succeeded=succeeded,
                    attempted_at=at.astimezone(UTC),
                )
            )

    def conversation_failures(self, conversation_id: str) -> int:
        query = select(func.count()).where(
            and_(
                verification_attempts.c.conversation_id == conversation_id,
                verification_attempts.c.succeeded.is_(False),
            )
        )
        with self._engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def account_failure_times(self, account_key: str, *, since: datetime) -> list[datetime]:
        query = (
            select(verification_attempts.c.attempted_at)
            .where(
                and_(
                    verification_attempts.c.account_key == account_key,
                    verification_attempts.c.succeeded.is_(False),
                    verification_attempts.c.attempted_at >= since.astimezone(UTC),
                )
            )
            .order_by(verification_attempts.c.attempted_at)
        )
        with self._engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def save_grant(self, *, conversation_id: str, secret_hash: str, grant: Grant) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                insert(verification_grants).values(
                    conversation_id=conversation_id,
                    secret_hash=secret_hash,
                    reference_kind=grant.kind.value,
                    reference=grant.reference,
                    purpose=grant.purpose.value,
                    method=grant.method,
                    facts=",".join(grant.facts),
                    verified_at=grant.verified_at.astimezone(UTC),
                    expires_at=grant.expires_at.astimezone(UTC),
                )
            )

    def find_grants(self, conversation_id: str, secret_hash: str) -> list[Grant]:
        return self._grants(
            and_(_g.conversation_id == conversation_id, _g.secret_hash == secret_hash)
        )

    def conversation_grants(self, conversation_id: str, *, at: datetime) -> list[Grant]:
        return self._grants(
            and_(_g.conversation_id == conversation_id, _g.expires_at > at.astimezone(UTC))
        )

    def _grants(self, where: object) -> list[Grant]:
        with self._engine.connect() as connection:
            return _select_grants(connection, where)

    def end_sessions(self, conversation_id: str, *, at: datetime) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(verification_grants)
                .where(
                    and_(_g.conversation_id == conversation_id, _g.expires_at > at.astimezone(UTC))
                )
                .values(expires_at=at.astimezone(UTC))
            )


def _select_grants(connection: Connection, where: object) -> list[Grant]:
    query = select(verification_grants).where(where).order_by(_g.id)  # type: ignore[arg-type]
    return [
        Grant(
            kind=ReferenceKind(row["reference_kind"]),
            reference=row["reference"],
            purpose=Purpose(row["purpose"]),
            method=row["method"],
            facts=tuple(f for f in row["facts"].split(",") if f),
            verified_at=row["verified_at"],
            expires_at=row["expires_at"],
        )
        for row in connection.execute(query).mappings().all()
    ]


def recorded_account_grants(
    connection: Connection, conversation_id: str, *, at: datetime
) -> list[Grant]:
    """The conversation's live grants *for account use*, read with the caller's
    connection (the handoff service, inside its own transaction, on the same
    database). This, not the bot's handover payload, is what the advisor's
    console may treat as "verified". [] when the bot's table is not there."""
    if not conversation_id or not inspect(connection).has_table(verification_grants.name):
        return []
    return _select_grants(
        connection,
        and_(
            _g.conversation_id == conversation_id,
            _g.expires_at > at.astimezone(UTC),
            _g.purpose == Purpose.BALANCE.value,
        ),
    )


@dataclass
class MemoryVerificationStore(VerificationStore):
    """In memory, for unit tests."""

    attempts: list[tuple[str, str | None, bool, datetime]] = field(default_factory=list)
    grants: list[tuple[str, str, Grant]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record_attempt(
        self, *, conversation_id: str, account_key: str | None, succeeded: bool, at: datetime
    ) -> None:
        with self._lock:
            self.attempts.append((conversation_id, account_key, succeeded, at))

    def conversation_failures(self, conversation_id: str) -> int:
        return sum(1 for c, _, ok, _ in self.attempts if c == conversation_id and not ok)

    def account_failure_times(self, account_key: str, *, since: datetime) -> list[datetime]:
        return sorted(
            at for _, a, ok, at in self.attempts if a == account_key and not ok and at >= since
        )

    def save_grant(self, *, conversation_id: str, secret_hash: str, grant: Grant) -> None:
        with self._lock:
            self.grants.append((conversation_id, secret_hash, grant))

    def find_grants(self, conversation_id: str, secret_hash: str) -> list[Grant]:
        return [g for c, h, g in self.grants if c == conversation_id and h == secret_hash]

    def conversation_grants(self, conversation_id: str, *, at: datetime) -> list[Grant]:
        return [g for c, _, g in self.grants if c == conversation_id and g.live(at)]

    def end_sessions(self, conversation_id: str, *, at: datetime) -> None:
        with self._lock:
            self.grants = [
                (c, h, replace(g, expires_at=at) if c == conversation_id and g.live(at) else g)
                for c, h, g in self.grants
            ]


# --- the checks ------------------------------------------------


class CheckOutcome(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    LOCKED = "locked"  # this conversation may not check any more
    DELAYED = "delayed"  # this account is being guessed at: wait, then try again
    WRONG_KIND = "wrong_kind"  # a reference the purpose does not name (not an attempt)


@dataclass(frozen=True, slots=True)
class CheckResult:
    outcome: CheckOutcome
    secret: str | None = None  # goes into the verified_session slot
    grant: Grant | None = None
    failures_left: int = 0
    wait: timedelta = timedelta(0)

    @property
    def references(self) -> tuple[str, ...]:
        return (self.grant.reference,) if self.grant else ()


@dataclass(frozen=True, slots=True)
class Identity:
    """Everything a conversation is verified for, right now, and for what."""

    grants: tuple[Grant, ...] = ()
    subject: str | None = None

    @property
    def verified(self) -> bool:
        return bool(self.grants)

    @property
    def method(self) -> str | None:
        methods = sorted({g.method for g in self.grants}, key=(TOKEN, KNOWLEDGE_CHECK).index)
        return "+".join(methods) or None

    def covers(self, reference: str, purpose: Purpose) -> bool:
        """Verified for this reference *for this purpose*."""
        return any(
            g.purpose is purpose and hmac.compare_digest(reference, g.reference)
            for g in self.grants
        )

    def references_for(self, purpose: Purpose, kind: ReferenceKind | None = None) -> list[str]:
        found = {
            g.reference
            for g in self.grants
            if g.purpose is purpose and (kind is None or g.kind is kind)
        }
        return sorted(found)

    def token_accounts(self) -> list[Grant]:
        return [g for g in self.grants if g.method == TOKEN]

    def summary(self) -> dict[str, object] | None:
        """For the advisor (handoff): the accounts proved, how and when; never any data.
        Only account grants count as an identity; a case check is listed apart."""
        accounts = [g for g in self.grants if g.purpose is Purpose.BALANCE]
        if not accounts:
            return None
        methods = sorted({g.method for g in accounts}, key=(TOKEN, KNOWLEDGE_CHECK).index)
        return {
            "method": "+".join(methods),
            "references": sorted({g.reference for g in accounts}),
            "grants": [g.public() for g in accounts],
        }

    def case_summary(self) -> list[dict[str, object]]:
        return [g.public() for g in self.grants if g.purpose is Purpose.CASE_DETAILS]


ANONYMOUS = Identity()


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _fold_name(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").split())


_MONEY = re.compile(r"(?:£|gbp)?\s*(\d{1,6}(?:[.,]\d{1,2})?)\s*(?:pounds?|quid|gbp)?", re.I)


def parse_money_pence(text: str) -> int | None:
    """ "£98.50", "98.5", "98 pounds" -> pence; None when there is no amount."""
    match = _MONEY.search(text.replace(",", ""))
    if not match:
        return None
    try:
        amount = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:
        return None
    return int((amount * 100).to_integral_value())


@dataclass(frozen=True, slots=True)
class Gate:
    """May this conversation check (this account) now?"""

    outcome: CheckOutcome | None  # None: go ahead; LOCKED or DELAYED otherwise
    wait: timedelta = timedelta(0)


OPEN = Gate(None)


class Verifier:
    """Checks identity facts against the back office and keeps the limits."""

    def __init__(
        self,
        store: VerificationStore,
        backoffice: BackOffice,
        *,
        signing_key: bytes,
        clock: Callable[[], datetime],
        max_failures: int = 3,
        window: timedelta = timedelta(hours=1),
        session_length: timedelta = timedelta(minutes=30),
        token_audience: str = "frontdoor-bot",  # noqa: S107 - not a secret
        token_max_lifetime: timedelta = timedelta(hours=24),
        account_free_failures: int = 5,
        account_delay: timedelta = timedelta(minutes=1),
        account_max_delay: timedelta = timedelta(minutes=15),
    ) -> None:
        self._store = store
        self._backoffice = backoffice
        self._key = signing_key
        self._clock = clock
        self.max_failures = max_failures
        self._window = window
        self._session_length = session_length
        self._audience = token_audience
        self._token_max_lifetime = token_max_lifetime
        self._account_free = account_free_failures
        self._account_delay = account_delay
        self._account_max_delay = account_max_delay

    # tokens ------------------------------------------------------------------------

    def claims_from_token(self, token: object) -> IdentityClaims | None:
        """The claims of a valid token, or None (the reason is not the resident's business)."""
        if not token:
            return None
        try:
            return verify_token(
                token,
                self._key,
                now=self._clock(),
                audience=self._audience,
                max_lifetime=self._token_max_lifetime,
            )
        except IdentityTokenError:
            return None

    @staticmethod
    def token_grants(claims: IdentityClaims) -> list[Grant]:
        """A signed-in resident's token: balance grants for the accounts it names."""
        made = []
        for kind, refs in (
            (ReferenceKind.COUNCIL_TAX, claims.council_tax),
            (ReferenceKind.TENANCY, claims.tenancies),
        ):
            for reference in refs:
                made.append(
                    Grant(
                        kind=kind,
                        reference=reference,
                        purpose=Purpose.BALANCE,
                        method=TOKEN,
                        facts=("identity_token",),
                        verified_at=claims.issued_at,
                        expires_at=claims.expires_at,
                    )
                )
        return made

    # grants ------------------------------------------------------------------------

    def grants(self, conversation_id: str, secret: object) -> list[Grant]:
        """Live grants stored for this conversation under this (server-made) secret."""
        if not isinstance(secret, str) or not secret or not conversation_id:
            return []
        now = self._clock()
        return [
            g for g in self._store.find_grants(conversation_id, _secret_hash(secret)) if g.live(now)
        ]

    def identity(self, conversation_id: str, *, token: object, secret: object) -> Identity:
        """What this conversation may see now: a valid token's grants plus its live ones."""
        claims = self.claims_from_token(token)
        found: list[Grant] = []
        subject = None
        if claims is not None:
            found += self.token_grants(claims)
            subject = claims.subject
        found += self.grants(conversation_id, secret)
        if not found:
            return ANONYMOUS
        return Identity(grants=tuple(found), subject=subject)

    def recorded_identity(self, conversation_id: str) -> Identity:
        """The conversation's live knowledge-check grants, from the store alone (no
        secret): what the advisor's console may rely on for this conversation."""
        found = self._store.conversation_grants(conversation_id, at=self._clock())
        return Identity(grants=tuple(found)) if found else ANONYMOUS

    def end_sessions(self, conversation_id: str) -> None:
        self._store.end_sessions(conversation_id, at=self._clock())

    # limits ------------------------------------------------------------------------

    def account_key(self, canonical_reference: str) -> str:
        return hmac.new(self._key, canonical_reference.encode(), hashlib.sha256).hexdigest()

    def gate(self, conversation_id: str, reference: str | None = None) -> Gate:
        """Locked for this conversation, delayed for this account, or open."""
        if self._store.conversation_failures(conversation_id) >= self.max_failures:
            return Gate(CheckOutcome.LOCKED)
        found = classify_reference(reference) if reference else None
        if found is None:
            return OPEN
        now = self._clock()
        times = self._store.account_failure_times(
            self.account_key(found[1]), since=now - self._window
        )
        over = len(times) - self._account_free
        if over < 0:
            return OPEN
        delay = min(self._account_delay * (2 ** min(over, 16)), self._account_max_delay)
        wait = times[-1] + delay - now
        if wait > timedelta(0):
            return Gate(CheckOutcome.DELAYED, wait=wait)
        return OPEN

    def locked(self, conversation_id: str, reference: str | None = None) -> bool:
        """This conversation may not check any more (the account's delay aside)."""
        return self.gate(conversation_id, reference).outcome is CheckOutcome.LOCKED

    # knowledge checks --------------------------------------------------------------

    def knowledge_check(
        self,
        *,
        conversation_id: str,
        reference: str,
        postcode: str,
        fact: str | None,
        purpose: Purpose,
        previous_secret: object = None,
    ) -> CheckResult:
        """Check the facts for ``purpose``; record the attempt; store a grant on success."""
        found = classify_reference(reference)
        if found is not None and found[0] not in PURPOSE_KINDS[purpose]:
            # Not an attempt at anything: the reference does not name what is asked for.
            return CheckResult(CheckOutcome.WRONG_KIND)
        gate = self.gate(conversation_id, reference)
        if gate.outcome is not None:
            return CheckResult(gate.outcome, wait=gate.wait)
        account_key = self.account_key(found[1]) if found else None
        now = self._clock()
        facts = self._facts_match(found, postcode, fact, purpose) if found else None
        self._store.record_attempt(
            conversation_id=conversation_id,
            account_key=account_key,
            succeeded=facts is not None,
            at=now,
        )
        if facts is None or found is None:
            left = self.max_failures - self._store.conversation_failures(conversation_id)
            if left <= 0:
                return CheckResult(CheckOutcome.LOCKED)
            return CheckResult(CheckOutcome.FAILED, failures_left=left)
        grant = Grant(
            kind=found[0],
            reference=found[1],
            purpose=purpose,
            method=KNOWLEDGE_CHECK,
            facts=facts,
            verified_at=now,
            expires_at=now + self._session_length,
        )
        # One secret per conversation: a later check adds its grant beside the earlier ones.
        secret = previous_secret if self.grants(conversation_id, previous_secret) else None
        if not isinstance(secret, str):
            secret = secrets.token_urlsafe(32)
        self._store.save_grant(
            conversation_id=conversation_id, secret_hash=_secret_hash(secret), grant=grant
        )
        return CheckResult(CheckOutcome.VERIFIED, secret=secret, grant=grant)

    def _facts_match(
        self, found: tuple[ReferenceKind, str], postcode: str, fact: str | None, purpose: Purpose
    ) -> tuple[str, ...] | None:
        """The facts that matched (all those the purpose needs), or None."""
        kind, reference = found
        if kind not in PURPOSE_KINDS[purpose]:
            return None
        try:
            given_postcode = references.postcode(postcode)
        except InvalidReference:
            return None
        try:
            if kind is ReferenceKind.CASE:
                case = self._backoffice.cases.get_case(reference)
                if case.uprn is None:
                    return None
                home = self._backoffice.properties.get_property(case.uprn)
                return ("postcode",) if _same(home.postcode, given_postcode) else None
            if kind is ReferenceKind.COUNCIL_TAX:
                account = self._backoffice.council_tax.get_account(reference)
                uprn = account.uprn
                surnames = [holder.surname for holder in account.holders]
                last = self._backoffice.council_tax.last_payment(reference)
                last_amount = last.amount_pence if last else None
            else:
                rent = self._backoffice.rents.get_account(reference)
                uprn = rent.uprn
                surnames = [tenant.surname for tenant in rent.tenants]
                last_amount = self._last_rent_payment(reference)
            home = self._backoffice.properties.get_property(uprn)
        except (NotFound, InvalidReference):
            return None
        postcode_ok = _same(home.postcode, given_postcode)
        second = self._fact_matches(fact or "", surnames, last_amount)
        if postcode_ok and second is not None:
            return ("postcode", second)
        return None

    def _last_rent_payment(self, tenancy_reference: str) -> int | None:
        for entry in self._backoffice.rents.transactions(tenancy_reference, limit=20):
            if entry.kind is RentTransactionKind.PAYMENT:
                return -entry.amount_pence
        return None

    @staticmethod
    def _fact_matches(fact: str, surnames: Iterable[str], last_amount: int | None) -> str | None:
        """ "last_payment" or "surname" when one matches, else None."""
        # Check both kinds of fact every time, so timing does not say which was tried.
        amount = parse_money_pence(fact)
        amount_ok = (
            amount is not None and last_amount is not None and _same(str(amount), str(last_amount))
        )
        given = _fold_name(re.sub(r"^(my )?(sur)?name is ", "", fact.strip(), flags=re.I))
        name_ok = False
        for surname in surnames:
            name_ok |= _same(_fold_name(surname), given)
        if amount_ok:
            return "last_payment"
        return "surname" if name_ok else None
