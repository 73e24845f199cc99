"""Two-factor sign-in for local (password) accounts: TOTP authenticators and recovery codes.

What a council's IT security asks of it, and where it is done:

- set up: a secret is made and shown (QR code and text) but switched on only
  when a current code from the app is entered (:func:`begin_enrolment`,
  :func:`confirm_enrolment`); then ten recovery codes are shown once;
- the secret is encrypted at rest (:mod:`frontdoor.accounts.secretbox`);
  recovery codes are stored as sha256 (each carries 80 random bits) and each
  works once (a conditional update, so two requests cannot both use one);
- a code is accepted once only: the time step it belongs to must be later than
  the last accepted one, written with a conditional update (no replay in its
  window, even by two requests at once); one step either side is accepted
  (``VALID_WINDOW``) for clocks that drift;
- who must use it: the server setting, the admin's rule for everyone
  (``auth_policies``) or the admin's rule for one person
  (:func:`required_for`); accounts that sign in by single sign-on are never
  asked (their provider does it) because this step follows a password only;
- between the password and the code, the person is *half signed in*
  (:func:`start_pending`): a short-lived token that grants no role.

Plain functions over a SQLAlchemy session; callers commit. Time comes in as
``now`` (the gate's clock), so tests pin it.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.accounts.exceptions import AccountsError
from frontdoor.accounts.models import (
    AccountPolicy,
    AuthSession,
    PendingSignIn,
    RecoveryCode,
    TotpCredential,
    User,
)
from frontdoor.accounts.secretbox import SecretBox, SecretUnreadable
from frontdoor.audit import AuditAction

DIGITS = 6
STEP_SECONDS = 30
VALID_WINDOW = 1  # one step either side of now
RECOVERY_CODE_COUNT = 10
PENDING_CODE_LIFETIME = timedelta(minutes=5)
PENDING_ENROL_LIFETIME = timedelta(minutes=15)
MAX_FAILURES_PER_PENDING = 5  # then the password must be given again
# Over all clients: someone who has the password cannot spread guesses over many
# addresses (each of which the password step alone would let through).
MAX_FAILURES_PER_ACCOUNT = 10
ACCOUNT_FAILURE_WINDOW = timedelta(minutes=15)
POLICY_TWO_FACTOR_REQUIRED = "two_factor_required"
STAGE_CODE = "code"
STAGE_ENROL = "enrol"
# Crockford's base32 without look-alikes: what people copy from paper.
_RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RECOVERY_LENGTH = 16
_CODE_RE = re.compile(r"[0-9]{6}")  # ASCII digits only (\d takes any script's)


class TwoFactorError(AccountsError):
    """A refused second step; ``code`` picks the message shown (twofactor_text)."""

    code = "two_factor_error"

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class NotConfigured(TwoFactorError):
    def __init__(self) -> None:
        super().__init__(
            "not_configured",
            "Two-factor authentication cannot be set up on this server: "
            "FRONTDOOR_TOTP_ENCRYPTION_KEY is not set.",
        )


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, shown for manual entry
    uri: str  # otpauth://totp/...


@dataclass(frozen=True)
class Status:
    enrolled: bool
    required: bool  # by any rule: the server's, the admin's for everyone, or for this person
    required_for_person: bool  # the admin's rule for this person alone
    single_sign_on: bool  # linked to an SSO identity: SSO sign-ins are not asked


@dataclass(frozen=True)
class Pending:
    user_id: int
    email: str
    stage: str
    next_path: str
    failures: int


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_code(text: str) -> str:
    """What a person typed, without spaces or dashes, lower case."""
    return re.sub(r"[\s\-]", "", text).lower()


# -- the rule: who must use it ---------------------------------------------------------


def required_for_everyone(session: Session) -> bool:
    """The admin's rule for every local account (the server setting is added by the gate)."""
    row = session.get(AccountPolicy, POLICY_TWO_FACTOR_REQUIRED)
    return row is not None and row.value == "yes"


def set_required_for_everyone(
    session: Session, *, required: bool, actor: str, now: datetime, client_ip: str = ""
) -> None:
    row = session.get(AccountPolicy, POLICY_TWO_FACTOR_REQUIRED)
    value = "yes" if required else "no"
    if row is None:
        row = AccountPolicy(name=POLICY_TWO_FACTOR_REQUIRED, value=value, changed_at=now,
                            changed_by=actor)  # fmt: skip
        session.add(row)
    elif row.value == value:
        return
    row.value, row.changed_at, row.changed_by = value, now, actor
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.TWO_FACTOR_POLICY,
                 subject="policy:two_factor_required", detail={"required": required},
                 client_ip=client_ip, clock=lambda: now)  # fmt: skip


def required_for(session: Session, user_id: int, *, server_rule: bool) -> bool:
    user = session.get(User, user_id)
    if user is None:
        return False
    return server_rule or user.two_factor_required or required_for_everyone(session)


def _credential(session: Session, user_id: int) -> TotpCredential | None:
    return session.get(TotpCredential, user_id)


def is_enrolled(session: Session, user_id: int) -> bool:
    credential = _credential(session, user_id)
    return credential is not None and credential.confirmed_at is not None


def status(session: Session, user_id: int, *, server_rule: bool) -> Status:
    user = session.get(User, user_id)
    return Status(
        enrolled=is_enrolled(session, user_id),
        required=required_for(session, user_id, server_rule=server_rule),
        required_for_person=bool(user and user.two_factor_required),
        single_sign_on=bool(user and user.sso_subject),
    )


# -- setting up -------------------------------------------------------------------------


def begin_enrolment(
    session: Session, user_id: int, *, box: SecretBox | None, issuer: str, now: datetime
) -> Enrolment:
    """A new secret, kept unconfirmed; an unconfirmed one from before is replaced.

    Refused when an authenticator is already on (an admin resets it first).
    """
    if box is None:
        raise NotConfigured()
    user = session.get(User, user_id)
    if user is None:
        raise TwoFactorError("unknown_user", "There is no such account.")
    credential = _credential(session, user_id)
    if credential is not None and credential.confirmed_at is not None:
        raise TwoFactorError("already_enrolled", "Two-factor authentication is already set up.")
    secret = pyotp.random_base32()
    if credential is None:
        credential = TotpCredential(user_id=user_id, secret_sealed="", created_at=now,
                                    last_step=-1)  # fmt: skip
        session.add(credential)
    credential.secret_sealed = box.seal(secret)
    credential.created_at = now
    credential.last_step = -1
    session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    return Enrolment(secret=secret, uri=uri)


def pending_enrolment(session: Session, user_id: int, *, box: SecretBox | None, issuer: str
                      ) -> Enrolment | None:  # fmt: skip
    """The unconfirmed secret being set up (to show the page again after a wrong code)."""
    credential = _credential(session, user_id)
    user = session.get(User, user_id)
    if box is None or credential is None or credential.confirmed_at is not None or user is None:
        return None
    try:
        secret = box.open(credential.secret_sealed)
    except SecretUnreadable:  # sealed under an older key: a new one is begun instead
        return None
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    return Enrolment(secret=secret, uri=uri)


def matching_step(secret: str, code: str, *, now: datetime) -> int | None:
    """The time step whose code this is (now, or one step either side), else None."""
    if not _CODE_RE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = totp.timecode(now)
    found = None
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        # compare every candidate, so timing does not say which one matched
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            found = current + offset
    return found


def _accept_step(session: Session, user_id: int, step: int) -> bool:
    """Record ``step`` as used, only if later than the last one (atomic: no replay)."""
    result = session.execute(
        update(TotpCredential)
        .where(TotpCredential.user_id == user_id, TotpCredential.last_step < step)
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def confirm_enrolment(
    session: Session, user_id: int, code: str, *, box: SecretBox | None, now: datetime,
    client_ip: str = "",
) -> list[str]:  # fmt: skip
    """Switch the authenticator on with a current code; the new recovery codes (shown once)."""
    if box is None:
        raise NotConfigured()
    credential = _credential(session, user_id)
    user = session.get(User, user_id)
    if credential is None or user is None or credential.confirmed_at is not None:
        raise TwoFactorError("not_enrolling", "Start setting up two-factor authentication again.")
    code = normalise_code(code)
    if not _CODE_RE.fullmatch(code):
        raise TwoFactorError("bad_format", "Enter the 6-digit code from your authenticator app.")
    step = matching_step(box.open(credential.secret_sealed), code, now=now)
    if step is None or not _accept_step(session, user_id, step):
        raise TwoFactorError("wrong_code", "The code is not right.")
    credential = _credential(session, user_id)
    assert credential is not None
    credential.confirmed_at = now
    codes = _new_recovery_codes(session, user_id, now=now)
    audit.record(session, actor=user.email, action=AuditAction.TWO_FACTOR_ENROLLED,
                 subject=f"user:{user_id}", client_ip=client_ip,
                 clock=lambda: now)  # fmt: skip
    return codes


def _new_recovery_codes(session: Session, user_id: int, *, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
        session.add(RecoveryCode(user_id=user_id, code_hash=_hash(raw), created_at=now))
    session.flush()
    return codes


def recovery_codes_left(session: Session, user_id: int) -> int:
    query = select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
    )
    return len(list(session.scalars(query)))


# -- signing in -------------------------------------------------------------------------


def verify(
    session: Session, user_id: int, typed: str, *, box: SecretBox | None, now: datetime
) -> str:
    """Check a second step: ``"totp"`` or ``"recovery_code"`` when accepted.

    Raises TwoFactorError(``bad_format`` | ``wrong_code``). A six-digit entry
    is an authenticator code; anything else is tried as a recovery code.
    """
    code = normalise_code(typed)
    digits_only = code.isascii() and code.isdigit()
    if not code or (digits_only and len(code) not in (DIGITS, _RECOVERY_LENGTH)):
        # nothing, or a mistyped authenticator code: say what is wanted
        raise TwoFactorError("bad_format", "Enter the 6-digit code from your authenticator app.")
    if _CODE_RE.fullmatch(code):
        credential = _credential(session, user_id)
        if box is None or credential is None or credential.confirmed_at is None:
            raise TwoFactorError("wrong_code", "The code is not right.")
        step = matching_step(box.open(credential.secret_sealed), code, now=now)
        if step is not None and _accept_step(session, user_id, step):
            return "totp"
        raise TwoFactorError("wrong_code", "The code is not right.")
    used = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount:  # type: ignore[attr-defined]
        return "recovery_code"
    raise TwoFactorError("wrong_code", "The code is not right.")


def reset(
    session: Session, user_id: int, *, actor: str, now: datetime, client_ip: str = ""
) -> None:
    """An admin switches a person's authenticator off and signs them out everywhere.

    They set it up again at their next password sign-in (when required) or from
    their account page.
    """
    user = session.get(User, user_id)
    if user is None:
        raise TwoFactorError("unknown_user", "There is no such account.")
    session.execute(delete(TotpCredential).where(TotpCredential.user_id == user_id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.execute(delete(PendingSignIn).where(PendingSignIn.user_id == user_id))
    # a lost phone may be in a signed-in browser too: every session of theirs ends
    session.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
    audit.record(session, actor=actor, action=AuditAction.TWO_FACTOR_RESET,
                 subject=f"user:{user_id}", detail={"email": user.email}, client_ip=client_ip,
                 clock=lambda: now)  # fmt: skip


def set_required(
    session: Session, user_id: int, *, required: bool, actor: str, now: datetime
) -> None:
    user = session.get(User, user_id)
    if user is None:
        raise TwoFactorError("unknown_user", "There is no such account.")
    if user.two_factor_required == required:
        return
    user.two_factor_required = required
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.TWO_FACTOR_POLICY,
                 subject=f"user:{user_id}", detail={"email": user.email, "required": required},
                 clock=lambda: now)  # fmt: skip


def account_wait(session: Session, user_id: int, *, now: datetime) -> int:
    """Whole seconds before this account may try another code (0: now)."""
    credential = _credential(session, user_id)
    if credential is None or credential.failures < MAX_FAILURES_PER_ACCOUNT:
        return 0
    since = credential.failures_since or now
    return max(0, math.ceil((since + ACCOUNT_FAILURE_WINDOW - now).total_seconds()))


def record_failure(session: Session, user_id: int, *, now: datetime) -> None:
    """One more wrong code for the account (a window that has passed starts again)."""
    credential = _credential(session, user_id)
    if credential is None:
        return
    since = credential.failures_since
    if since is None or since + ACCOUNT_FAILURE_WINDOW <= now:
        credential.failures, credential.failures_since = 1, now
    else:
        credential.failures += 1
    session.flush()


def clear_failures(session: Session, user_id: int) -> None:
    credential = _credential(session, user_id)
    if credential is not None:
        credential.failures, credential.failures_since = 0, None
        session.flush()


# -- half signed in ---------------------------------------------------------------------


def start_pending(
    session: Session, *, user_id: int, stage: str, next_path: str, now: datetime
) -> str:
    """A token for the second step (only its sha256 is stored); older ones for the user go."""
    session.execute(delete(PendingSignIn).where(PendingSignIn.expires_at <= now))
    token = secrets.token_urlsafe(32)
    lifetime = PENDING_ENROL_LIFETIME if stage == STAGE_ENROL else PENDING_CODE_LIFETIME
    session.add(PendingSignIn(id=_hash(token), user_id=user_id, stage=stage,
                              next_path=next_path[:500], failures=0, created_at=now,
                              expires_at=now + lifetime))  # fmt: skip
    session.flush()
    return token


def resolve_pending(session: Session, token: str | None, *, now: datetime) -> Pending | None:
    if not token or len(token) > 200:
        return None
    record = session.get(PendingSignIn, _hash(token))
    if record is None:
        return None
    user = session.get(User, record.user_id)
    if record.expires_at <= now or user is None or not user.is_active:
        session.delete(record)
        session.flush()
        return None
    return Pending(user_id=user.id, email=user.email, stage=record.stage,
                   next_path=record.next_path, failures=record.failures)  # fmt: skip


def count_failure(session: Session, token: str) -> int:
    """One more wrong code on this token; at ``MAX_FAILURES_PER_PENDING`` it is gone."""
    record = session.get(PendingSignIn, _hash(token))
    if record is None:
        return MAX_FAILURES_PER_PENDING
    record.failures += 1
    if record.failures >= MAX_FAILURES_PER_PENDING:
        session.delete(record)
    session.flush()
    return record.failures


def end_pending(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(PendingSignIn).where(PendingSignIn.id == _hash(token)))
