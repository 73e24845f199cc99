"""Account operations: users, password checks with throttling, sessions.

Throttling counts failed attempts in ``auth_login_attempts`` (so every
instance sees the same counts) and never locks an account for everyone: see
:func:`throttle_wait`.

Plain functions over a SQLAlchemy session; callers commit. Cookie values are
random 256-bit tokens; only their sha256 is stored.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from frontdoor.accounts.exceptions import (
    InvalidCredentials,
    LoginThrottled,
    UserExists,
    WeakPassword,
)
from frontdoor.accounts.models import AuthSession, LoginAttempt, Team, User, UserTeam
from frontdoor.accounts.roles import Role, effective_roles, parse_roles

SESSION_LIFETIME = timedelta(hours=8)
SESSION_IDLE_LIMIT = timedelta(hours=2)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_CLIENT_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_MAX_DELAY = timedelta(seconds=60)
# A client that signed in to an account from an address lately skips the account-wide delay.
KNOWN_CLIENT_PERIOD = timedelta(days=30)
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# Verified against when the email is unknown, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash("frontdoor-dummy-password")


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    display_name: str
    roles: frozenset[Role]
    teams: tuple[str, ...]
    is_active: bool

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0] if self.display_name.strip() else self.display_name

    def has_role(self, *roles: Role) -> bool:
        """True if the user holds any of ``roles`` (directly or implied)."""
        held = effective_roles(self.roles)
        return any(role in held for role in roles)


@dataclass(frozen=True)
class IssuedSession:
    token: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionInfo:
    user: UserInfo
    csrf_token: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")


def to_info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=parse_roles(user.roles),
        teams=tuple(sorted(team.name for team in user.teams)),
        is_active=user.is_active,
    )


def ensure_team(session: Session, name: str, description: str = "") -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, description=description)
        session.add(team)
        session.flush()
    return team


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    teams: Iterable[str] = (),
) -> UserInfo:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise WeakPassword(f"{email!r} is not an email address")
    check_password_policy(password)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserExists(f"a user with email {email} already exists")
    user = User(
        email=email,
        display_name=display_name.strip() or email,
        password_hash=hash_password(password),
        roles=",".join(sorted(role.value for role in roles)),
        is_active=True,
        created_at=_now(),
    )
    user.teams = [ensure_team(session, name) for name in teams]
    session.add(user)
    session.flush()
    return to_info(user)


def get_user(session: Session, user_id: int) -> UserInfo | None:
    user = session.get(User, user_id)
    return to_info(user) if user else None


def list_users(session: Session) -> list[UserInfo]:
    return [to_info(user) for user in session.scalars(select(User).order_by(User.email))]


def _failure_times(session: Session, since: datetime, *conditions: Any) -> list[datetime]:
    """When the failed attempts matching ``conditions`` since ``since`` happened, oldest first."""
    query = (
        select(LoginAttempt.at)
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since, *conditions)
        .order_by(LoginAttempt.at)
    )
    return list(session.scalars(query))


def _wait_for_quota(times: list[datetime], limit: int, now: datetime) -> float:
    """Seconds until fewer than ``limit`` of ``times`` are inside the window."""
    if len(times) < limit:
        return 0.0
    return (times[len(times) - limit] + THROTTLE_WINDOW - now).total_seconds()


def _known_client(session: Session, email: str, client_ip: str, now: datetime) -> bool:
    if not client_ip:
        return False
    query = select(LoginAttempt.id).where(
        LoginAttempt.email == email,
        LoginAttempt.client_ip == client_ip[:64],
        LoginAttempt.succeeded.is_(True),
        LoginAttempt.at >= now - KNOWN_CLIENT_PERIOD,
    )
    return session.scalar(query.limit(1)) is not None


def account_delay(failures: int) -> timedelta:
    """How long an account waits between attempts after ``failures`` recent ones.

    Nothing up to ``ACCOUNT_FREE_FAILURES``, then 1, 2, 4 ... seconds, never
    more than ``ACCOUNT_MAX_DELAY``: slow enough to make guessing from many
    addresses pointless, short enough that nobody is locked out.
    """
    if failures < ACCOUNT_FREE_FAILURES:
        return timedelta(0)
    exponent = min(failures - ACCOUNT_FREE_FAILURES, 16)
    return min(timedelta(seconds=2**exponent), ACCOUNT_MAX_DELAY)


def throttle_wait(session: Session, *, email: str, client_ip: str, now: datetime) -> int:
    """Whole seconds before this client may try this account again (0: now).

    Three limits, none of which one client can turn against another:
    - per (account, client): ``MAX_FAILURES_PER_CLIENT_ACCOUNT`` in the window;
    - per client, over all accounts: ``MAX_FAILURES_PER_CLIENT`` (stuffing);
    - per account, over all clients: a growing delay after the last failure
      (``account_delay``), which a client that signed in to this account from
      the same address lately does not wait for.
    """
    since = now - THROTTLE_WINDOW
    email = normalise_email(email)
    client_ip = client_ip[:64]
    waits = [0.0]
    if client_ip:
        pair = _failure_times(
            session, since, LoginAttempt.email == email, LoginAttempt.client_ip == client_ip
        )
        waits.append(_wait_for_quota(pair, MAX_FAILURES_PER_CLIENT_ACCOUNT, now))
        by_client = _failure_times(session, since, LoginAttempt.client_ip == client_ip)
        waits.append(_wait_for_quota(by_client, MAX_FAILURES_PER_CLIENT, now))
    account = _failure_times(session, since, LoginAttempt.email == email)
    delay = account_delay(len(account))
    if delay and not _known_client(session, email, client_ip, now):
        waits.append((account[-1] + delay - now).total_seconds())
    return max(0, math.ceil(max(waits)))


def authenticate(
    session: Session, *, email: str, password: str, client_ip: str = "", now: datetime | None = None
) -> UserInfo:
    """Check a password, throttled per (account, client), per client and per account.

    Raises LoginThrottled (with the seconds to wait) before checking anything
    while a limit holds, and InvalidCredentials (one wording for unknown email
    and wrong password). ``client_ip`` comes from frontdoor.http.client_address.
    """
    now = now or _now()
    email = normalise_email(email)
    wait = throttle_wait(session, email=email, client_ip=client_ip, now=now)
    if wait > 0:
        raise LoginThrottled(retry_after=wait)
    user = session.scalar(select(User).where(User.email == email))
    ok = False
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.is_active
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    session.add(LoginAttempt(email=email[:254], client_ip=client_ip[:64], succeeded=ok, at=now))
    session.flush()
    if not ok or user is None:
        raise InvalidCredentials()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return to_info(user)


def start_session(
    session: Session, *, user_id: int, user_agent: str = "", now: datetime | None = None
) -> IssuedSession:
    now = now or _now()
    token = secrets.token_urlsafe(32)
    record = AuthSession(
        id=_token_id(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        last_seen_at=now,
        user_agent=user_agent[:300],
    )
    session.add(record)
    session.flush()
    return IssuedSession(token=token, csrf_token=record.csrf_token, expires_at=record.expires_at)


_sessions, _users = AuthSession.__table__, User.__table__
_user_teams, _teams = UserTeam.__table__, Team.__table__
# Built once: constructing the statement cost more CPU than running it (SQLite).
_SESSION_AND_USER = (
    select(
        _sessions.c.csrf_token,
        _sessions.c.expires_at,
        _sessions.c.last_seen_at,
        _users.c.id,
        _users.c.email,
        _users.c.display_name,
        _users.c.roles,
        _users.c.is_active,
        _teams.c.name,
    )
    .select_from(
        _sessions.join(_users, _users.c.id == _sessions.c.user_id)
        .outerjoin(_user_teams, _user_teams.c.user_id == _users.c.id)
        .outerjoin(_teams, _teams.c.id == _user_teams.c.team_id)
    )
    .where(_sessions.c.id == bindparam("token_id"))
)


def resolve_session(
    session: Session, token: str | None, *, now: datetime | None = None
) -> SessionInfo | None:
    """The signed-in user behind a cookie value, or None (expired, idle, unknown,
    or the user deactivated).

    Asked on every staff request, so it is one prepared Core statement (the
    session, its user, a row per team of theirs) instead of loading the two
    entities and the teams as ORM objects: three statements and ~2 ms of CPU.
    """
    if not token or len(token) > 200:
        return None
    now = now or _now()
    token_id = _token_id(token)
    rows = session.execute(_SESSION_AND_USER, {"token_id": token_id}).all()
    if not rows:
        return None
    csrf_token, expires_at, last_seen_at, user_id, email, name, roles, is_active = rows[0][:8]
    if expires_at <= now or last_seen_at + SESSION_IDLE_LIMIT <= now:
        session.execute(delete(AuthSession).where(AuthSession.id == token_id))
        return None
    if not is_active:
        return None
    if now - last_seen_at > timedelta(minutes=1):
        session.execute(
            update(AuthSession).where(AuthSession.id == token_id).values(last_seen_at=now)
        )
    user = UserInfo(
        id=user_id,
        email=email,
        display_name=name,
        roles=parse_roles(roles),
        teams=tuple(sorted(row[8] for row in rows if row[8] is not None)),
        is_active=is_active,
    )
    return SessionInfo(user=user, csrf_token=csrf_token, expires_at=expires_at)


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(AuthSession).where(AuthSession.id == _token_id(token)))


def csrf_matches(expected: str, submitted: str | None) -> bool:
    return bool(submitted) and secrets.compare_digest(expected, submitted or "")
