"""Identity before personal data: tokens, knowledge checks, lock-out, sessions.

Two ways in:

1. **A signed token** from the council's account system (``actions.identity``),
   forwarded by the widget as message metadata. Checked on every use; nothing
   is stored.
2. **A knowledge check** (fallback): an account or case reference and the
   property's postcode, plus, for balances, one more fact (the last payment
   amount or a surname on the account). Every attempt is recorded; after
   ``max_failures`` failures in the conversation, or for the account within
   ``window``, the check is locked (the same answer for an account that exists
   and one that does not). A success creates a **verified session**: a random
   secret goes into the conversation's ``verified_session`` slot, and only its
   SHA-256 is stored, with the conversation id, the references it covers and an
   expiry. ``Verifier.session`` needs both to match.

Every comparison of a secret or an identity fact uses ``hmac.compare_digest``.
The resident hears one wording for every failure (``messages.VERIFY_FAILED``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from sqlalchemy import Engine, and_, func, insert, select, update

from actions.backoffice import references
from actions.backoffice.exceptions import InvalidReference, NotFound
from actions.backoffice.ports import BackOffice, RentTransactionKind
from actions.exceptions import IdentityTokenError
from actions.identity import IdentityClaims, verify_token
from actions.models import verification_attempts, verified_sessions


class ReferenceKind(StrEnum):
    COUNCIL_TAX = "council_tax"
    TENANCY = "tenancy"
    CASE = "case"


class Purpose(StrEnum):
    BALANCE = "balance"  # needs the extra fact
    CASE_DETAILS = "case_details"


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


# --- storage port ------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifiedSession:
    conversation_id: str
    method: str
    references: tuple[str, ...]
    created_at: datetime
    expires_at: datetime


class VerificationStore(ABC):
    """Where attempts and verified sessions live (the database, or memory in tests)."""

    @abstractmethod
    def record_attempt(
        self, *, conversation_id: str, account_key: str | None, succeeded: bool, at: datetime
    ) -> None: ...

    @abstractmethod
    def conversation_failures(self, conversation_id: str) -> int: ...

    @abstractmethod
    def account_failures(self, account_key: str, *, since: datetime) -> int: ...

    @abstractmethod
    def save_session(self, secret_hash: str, session: VerifiedSession) -> None: ...

    @abstractmethod
    def find_session(self, conversation_id: str, secret_hash: str) -> VerifiedSession | None:
        """The session with this conversation id *and* secret hash, expired or not."""

    @abstractmethod
    def end_sessions(self, conversation_id: str, *, at: datetime) -> None:
        """Expire every session of a conversation (start over, sign out)."""


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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

    def account_failures(self, account_key: str, *, since: datetime) -> int:
        query = select(func.count()).where(
            and_(
                verification_attempts.c.account_key == account_key,
                verification_attempts.c.succeeded.is_(False),
                verification_attempts.c.attempted_at >= since.astimezone(UTC),
            )
        )
        with self._engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def save_session(self, secret_hash: str, session: VerifiedSession) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                insert(verified_sessions).values(
                    conversation_id=session.conversation_id,
                    secret_hash=secret_hash,
                    method=session.method,
                    account_refs=json.dumps(list(session.references)),
                    created_at=session.created_at.astimezone(UTC),
                    expires_at=session.expires_at.astimezone(UTC),
                )
            )

    def find_session(self, conversation_id: str, secret_hash: str) -> VerifiedSession | None:
        query = select(verified_sessions).where(
            and_(
                verified_sessions.c.conversation_id == conversation_id,
                verified_sessions.c.secret_hash == secret_hash,
            )
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return VerifiedSession(
            conversation_id=row["conversation_id"],
            method=row["method"],
            references=tuple(json.loads(row["account_refs"])),
            created_at=_aware(row["created_at"]),
            expires_at=_aware(row["expires_at"]),
        )

    def end_sessions(self, conversation_id: str, *, at: datetime) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(verified_sessions)
                .where(
                    and_(
                        verified_sessions.c.conversation_id == conversation_id,
                        verified_sessions.c.expires_at > at.astimezone(UTC),
                    )
                )
                .values(expires_at=at.astimezone(UTC))
            )


@dataclass
class MemoryVerificationStore(VerificationStore):
    """In memory, for unit tests."""

    attempts: list[tuple[str, str | None, bool, datetime]] = field(default_factory=list)
    sessions: dict[str, VerifiedSession] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record_attempt(
        self, *, conversation_id: str, account_key: str | None, succeeded: bool, at: datetime
    ) -> None:
        with self._lock:
            self.attempts.append((conversation_id, account_key, succeeded, at))

    def conversation_failures(self, conversation_id: str) -> int:
        return sum(1 for c, _, ok, _ in self.attempts if c == conversation_id and not ok)

    def account_failures(self, account_key: str, *, since: datetime) -> int:
        return sum(
            1 for _, a, ok, at in self.attempts if a == account_key and not ok and at >= since
        )

    def save_session(self, secret_hash: str, session: VerifiedSession) -> None:
        with self._lock:
            self.sessions[secret_hash] = session

    def find_session(self, conversation_id: str, secret_hash: str) -> VerifiedSession | None:
        found = self.sessions.get(secret_hash)
        if found is None or found.conversation_id != conversation_id:
            return None
        return found

    def end_sessions(self, conversation_id: str, *, at: datetime) -> None:
        with self._lock:
            for key, session in list(self.sessions.items()):
                if session.conversation_id == conversation_id and session.expires_at > at:
                    self.sessions[key] = VerifiedSession(
                        session.conversation_id,
                        session.method,
                        session.references,
                        session.created_at,
                        at,
                    )


# --- the checks ------------------------------------------------


class CheckOutcome(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class CheckResult:
    outcome: CheckOutcome
    secret: str | None = None  # goes into the verified_session slot
    references: tuple[str, ...] = ()
    failures_left: int = 0


@dataclass(frozen=True, slots=True)
class Identity:
    """Everything a conversation is verified for, right now."""

    method: str | None  # "token", "knowledge_check", or "token+knowledge_check"
    references: frozenset[str]
    subject: str | None = None

    @property
    def verified(self) -> bool:
        return bool(self.references)

    def covers(self, reference: str) -> bool:
        return any(hmac.compare_digest(reference, known) for known in sorted(self.references))

    def summary(self) -> dict[str, object] | None:
        """For the advisor (handoff): what was verified and how, never any data."""
        if not self.verified:
            return None
        return {"method": self.method, "references": sorted(self.references)}


ANONYMOUS = Identity(method=None, references=frozenset())


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


class Verifier:
    """Checks identity facts against the back office and keeps the lock-out."""

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

    # sessions ----------------------------------------------------------------------

    def session(self, conversation_id: str, secret: object) -> VerifiedSession | None:
        if not isinstance(secret, str) or not secret or not conversation_id:
            return None
        found = self._store.find_session(conversation_id, _secret_hash(secret))
        if found is None or found.expires_at <= self._clock():
            return None
        return found

    def identity(self, conversation_id: str, *, token: object, secret: object) -> Identity:
        """What this conversation may see now: a valid token's scope plus a live session's."""
        claims = self.claims_from_token(token)
        session = self.session(conversation_id, secret)
        refs: set[str] = set()
        methods = []
        subject = None
        if claims is not None and claims.references:
            refs.update(claims.references)
            methods.append("token")
            subject = claims.subject
        if session is not None:
            refs.update(session.references)
            methods.append("knowledge_check")
        if not refs:
            return ANONYMOUS
        return Identity(method="+".join(methods), references=frozenset(refs), subject=subject)

    def end_sessions(self, conversation_id: str) -> None:
        self._store.end_sessions(conversation_id, at=self._clock())

    # knowledge checks --------------------------------------------------------------

    def account_key(self, canonical_reference: str) -> str:
        return hmac.new(self._key, canonical_reference.encode(), hashlib.sha256).hexdigest()

    def locked(self, conversation_id: str, reference: str | None = None) -> bool:
        if self._store.conversation_failures(conversation_id) >= self.max_failures:
            return True
        if reference:
            found = classify_reference(reference)
            if found is not None:
                since = self._clock() - self._window
                key = self.account_key(found[1])
                if self._store.account_failures(key, since=since) >= self.max_failures:
                    return True
        return False

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
        """Check the facts; record the attempt; open a session on success."""
        found = classify_reference(reference)
        account_key = self.account_key(found[1]) if found else None
        if self.locked(conversation_id, reference):
            return CheckResult(CheckOutcome.LOCKED)
        now = self._clock()
        ok = found is not None and self._facts_match(found, postcode, fact, purpose)
        self._store.record_attempt(
            conversation_id=conversation_id, account_key=account_key, succeeded=ok, at=now
        )
        if not ok or found is None:
            left = self.max_failures - self._store.conversation_failures(conversation_id)
            if account_key is not None:
                used = self._store.account_failures(account_key, since=now - self._window)
                left = min(left, self.max_failures - used)
            if left <= 0:
                return CheckResult(CheckOutcome.LOCKED)
            return CheckResult(CheckOutcome.FAILED, failures_left=left)
        refs = {found[1]}
        earlier = self.session(conversation_id, previous_secret)
        if earlier is not None:
            refs.update(earlier.references)
        secret = secrets.token_urlsafe(32)
        self._store.save_session(
            _secret_hash(secret),
            VerifiedSession(
                conversation_id=conversation_id,
                method="knowledge_check",
                references=tuple(sorted(refs)),
                created_at=now,
                expires_at=now + self._session_length,
            ),
        )
        return CheckResult(CheckOutcome.VERIFIED, secret=secret, references=tuple(sorted(refs)))

    def _facts_match(
        self, found: tuple[ReferenceKind, str], postcode: str, fact: str | None, purpose: Purpose
    ) -> bool:
        kind, reference = found
        try:
            given_postcode = references.postcode(postcode)
        except InvalidReference:
            return False
        if purpose is Purpose.BALANCE and kind is ReferenceKind.CASE:
            return False
        try:
            if kind is ReferenceKind.CASE:
                case = self._backoffice.cases.get_case(reference)
                if case.uprn is None:
                    return False
                home = self._backoffice.properties.get_property(case.uprn)
                return _same(home.postcode, given_postcode)
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
            return False
        postcode_ok = _same(home.postcode, given_postcode)
        if purpose is Purpose.CASE_DETAILS:
            return postcode_ok
        fact_ok = self._fact_matches(fact or "", surnames, last_amount)
        return postcode_ok and fact_ok

    def _last_rent_payment(self, tenancy_reference: str) -> int | None:
        for entry in self._backoffice.rents.transactions(tenancy_reference, limit=20):
            if entry.kind is RentTransactionKind.PAYMENT:
                return -entry.amount_pence
        return None

    @staticmethod
    def _fact_matches(fact: str, surnames: Iterable[str], last_amount: int | None) -> bool:
        # Check both kinds of fact every time, so timing does not say which was tried.
        amount = parse_money_pence(fact)
        amount_ok = (
            amount is not None and last_amount is not None and _same(str(amount), str(last_amount))
        )
        given = _fold_name(re.sub(r"^(my )?(sur)?name is ", "", fact.strip(), flags=re.I))
        name_ok = False
        for surname in surnames:
            name_ok |= _same(_fold_name(surname), given)
        return amount_ok or name_ok
