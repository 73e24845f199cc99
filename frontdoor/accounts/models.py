"""Tables for staff accounts (prefix ``auth_``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()


class Base(DeclarativeBase):
    metadata = metadata


class Team(Base):
    __tablename__ = "auth_teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    __tablename__ = "auth_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Role values
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # "<issuer> <sub>" of the single sign-on identity linked to this account, if any
    sso_subject: Mapped[str | None] = mapped_column(String(400), unique=True, nullable=True)
    # an admin requires this person to sign in with an authenticator code (accounts.twofactor)
    two_factor_required: Mapped[bool] = mapped_column(Boolean, default=False)
    teams: Mapped[list[Team]] = relationship(secondary="auth_user_teams", lazy="selectin")


class UserTeam(Base):
    __tablename__ = "auth_user_teams"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_users.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("auth_teams.id", ondelete="CASCADE"), primary_key=True
    )


class AuthSession(Base):
    __tablename__ = "auth_sessions"

    # sha256 of the cookie value: a leaked table does not give working cookies
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime())
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class LoginAttempt(Base):
    __tablename__ = "auth_login_attempts"
    __table_args__ = (Index("ix_auth_login_attempts_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    client_ip: Mapped[str] = mapped_column(String(64), default="")
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


class SsoState(Base):
    """One single sign-on attempt between leaving for the provider and coming back."""

    __tablename__ = "auth_sso_states"

    # sha256 of the state parameter: the table alone cannot complete a sign-in
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_path: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


class TotpCredential(Base):
    """A person's authenticator: the TOTP secret, encrypted (frontdoor.accounts.secretbox).

    ``confirmed_at`` is empty while being set up: the authenticator is switched
    on only once a current code from it has been entered. ``last_step`` is the
    time step of the last code accepted: a code is accepted once only.
    """

    __tablename__ = "auth_totp_credentials"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_users.id", ondelete="CASCADE"), primary_key=True
    )
    secret_sealed: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    last_step: Mapped[int] = mapped_column(BigInteger, default=-1)
    # wrong codes from any client since failures_since (a per-account limit, see twofactor)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failures_since: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)


class RecoveryCode(Base):
    """One single-use recovery code; only its sha256 is stored (codes carry 80 random bits)."""

    __tablename__ = "auth_recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    used_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)


class PendingSignIn(Base):
    """Half signed in: the password was right, the second step is still to come.

    Referenced by a short-lived cookie (only its sha256 is stored); it grants
    no role and opens nothing but the code or set-up page. ``stage`` is
    ``code`` (enter a code) or ``enrol`` (required, not set up yet).
    """

    __tablename__ = "auth_pending_sign_ins"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_users.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(10))
    next_path: Mapped[str] = mapped_column(String(500), default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


class AccountPolicy(Base):
    """Account rules an admin sets in the editor (one row per rule, e.g. two_factor_required)."""

    __tablename__ = "auth_policies"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), default="")
    changed_at: Mapped[datetime] = mapped_column(AwareDateTime())
    changed_by: Mapped[str] = mapped_column(String(254), default="")
