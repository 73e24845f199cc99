"""FastAPI glue for staff accounts: cookies, role checks, CSRF.

Each app creates one :class:`AccountsGate`, stores it on ``app.state.accounts``
and calls :func:`install_error_handlers`. Routes then depend on
``require_roles(Role.EDITOR)`` (or the ``CurrentStaff`` alias for any signed-in
user). The cookie is HttpOnly and SameSite=Lax, Secure outside development; the
knowledge editor and the advisor console share it (cookies are per host).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import anyio.to_thread
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from frontdoor import audit
from frontdoor.accounts import service, twofactor
from frontdoor.accounts.exceptions import (
    AccountsError,
    CsrfError,
    LoginThrottled,
    NotAuthenticated,
    PermissionDenied,
)
from frontdoor.accounts.models import LoginAttempt, SsoState
from frontdoor.accounts.oidc import OidcClient, SsoError, sign_in_from_claims, state_hash
from frontdoor.accounts.roles import Role
from frontdoor.accounts.secretbox import SecretBox
from frontdoor.accounts.twofactor import TwoFactorError
from frontdoor.audit import AuditAction
from frontdoor.clock import system_clock
from frontdoor.http import IPNetwork, client_address

SESSION_COOKIE = "fd_session"
# Half signed in (password right, code to come): frontdoor.accounts.twofactor.PendingSignIn
PENDING_COOKIE = "fd_pending"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class TwoFactorConfig:
    """Two-factor sign-in for password accounts (frontdoor.accounts.twofactor).

    ``box`` encrypts authenticator secrets (None: the key is not set, so
    nobody can set one up); ``required`` is the server setting
    FRONTDOOR_TWO_FACTOR_REQUIRED; ``issuer`` names the account in the app.
    """

    box: SecretBox | None = None
    required: bool = False
    issuer: str = "Frontdoor"
    clock: Callable[[], datetime] = system_clock  # checks codes and expires half sign-ins

    @classmethod
    def from_settings(
        cls, settings: object, *, clock: Callable[[], datetime] = system_clock
    ) -> TwoFactorConfig:
        key = getattr(settings, "secret_value", lambda name: None)("totp_encryption_key")
        council = str(getattr(settings, "council_name", "") or "")
        return cls(
            box=SecretBox(key) if key else None,
            required=bool(getattr(settings, "two_factor_required", False)),
            issuer=f"Frontdoor ({council})" if council else "Frontdoor",
            clock=clock,
        )


@dataclass(frozen=True)
class SecondStep:
    """The password was right; the person goes on to ``stage`` (code or enrol)."""

    stage: str


class AccountsGate:
    """Signs staff in and out and answers "who is this request?"."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        secure_cookies: bool,
        trusted_proxies: Sequence[IPNetwork] = (),
        clock: Callable[[], datetime] | None = None,
        sso: OidcClient | None = None,
        two_factor: TwoFactorConfig | None = None,
    ) -> None:
        self._factory = session_factory
        self.sso = sso
        self.two_factor = two_factor or TwoFactorConfig()
        self._secure = secure_cookies
        self._proxies = tuple(trusted_proxies)
        self._clock = clock
        self._audit_clock = clock or system_clock

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return self._factory

    def client_address(self, request: Request) -> str:
        """The address sign-in throttling counts against (see frontdoor.http)."""
        return client_address(request, self._proxies)

    def current(self, request: Request) -> service.SessionInfo | None:
        cached = getattr(request.state, "staff_session", None)
        if cached is not None:
            return cached
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        with self._factory() as db:
            info = service.resolve_session(db, token)
            db.commit()
        request.state.staff_session = info
        return info

    async def resolve(self, request: Request) -> service.SessionInfo | None:
        """``current`` for the event loop: the request's own answer if it was asked
        already (the CSRF check asks first, the role check after it), no answer without
        a cookie, else the database read in a worker thread (one hop, not one per
        dependency)."""
        cached = getattr(request.state, "staff_session", None)
        if cached is not None:
            return cached
        if not request.cookies.get(SESSION_COOKIE):
            return None
        return await anyio.to_thread.run_sync(self.current, request)

    def current_from_cookie(self, token: str | None) -> service.SessionInfo | None:
        """For websockets, where there is no Request."""
        with self._factory() as db:
            info = service.resolve_session(db, token)
            db.commit()
        return info

    def login(
        self, response: Response, *, email: str, password: str, client_ip: str, user_agent: str,
        next_path: str = "",
    ) -> service.SessionInfo | SecondStep:  # fmt: skip
        """Check the password; sign in, or (two-factor) half sign in and say which step is next.

        The half-signed-in state is a short-lived server-side token in its own
        cookie (``PENDING_COOKIE``) that grants no role.
        """
        now = self._clock() if self._clock else None
        with self._factory() as db:
            try:
                user = service.authenticate(
                    db, email=email, password=password, client_ip=client_ip, now=now
                )
            except AccountsError as exc:
                audit.record(
                    db,
                    actor=service.normalise_email(email),
                    action=AuditAction.SIGN_IN_FAILED,
                    detail={"reason": exc.code},
                    client_ip=client_ip,
                    clock=self._audit_clock,
                )
                db.commit()  # keep the failed attempt: it feeds the throttle
                raise
            stage = self._second_step_for(db, user.id)
            if stage:
                token = twofactor.start_pending(
                    db, user_id=user.id, stage=stage, next_path=next_path, now=self._now()
                )
                db.commit()
                self._set_pending_cookie(response, token)
                return SecondStep(stage)
            issued = service.start_session(db, user_id=user.id, user_agent=user_agent)
            audit.record(
                db,
                actor=user.email,
                action=AuditAction.SIGN_IN,
                subject=f"user:{user.id}",
                client_ip=client_ip,
                clock=self._audit_clock,
            )
            db.commit()
        return self._set_cookie(response, user, issued)

    # -- two-factor (frontdoor.accounts.twofactor) ---------------------------------------

    def _now(self) -> datetime:
        """The time codes are checked at and half sign-ins expire by."""
        return self.two_factor.clock()

    def _throttle_now(self) -> datetime:
        """The time sign-in attempts are counted by (the password step's clock)."""
        return self._clock() if self._clock else self._audit_clock()

    def _second_step_for(self, db: Session, user_id: int) -> str:
        """After a right password: "code", "enrol" (required, not set up) or "" (none)."""
        if twofactor.is_enrolled(db, user_id):
            return twofactor.STAGE_CODE
        if twofactor.required_for(db, user_id, server_rule=self.two_factor.required):
            return twofactor.STAGE_ENROL
        return ""

    def _set_pending_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            PENDING_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=self._secure,
            max_age=int(twofactor.PENDING_ENROL_LIFETIME.total_seconds()),
            path="/",
        )

    def pending(self, request: Request) -> twofactor.Pending | None:
        """Who is half signed in on this request (None: nobody, or it expired)."""
        with self._factory() as db:
            found = twofactor.resolve_pending(
                db, request.cookies.get(PENDING_COOKIE), now=self._now()
            )
            db.commit()
        return found

    def _refuse_code(
        self, db: Session, pending: twofactor.Pending, token: str, exc: TwoFactorError,
        client_ip: str,
    ) -> TwoFactorError:  # fmt: skip
        """Count and audit a wrong second step; too many on one token ends it."""
        db.rollback()
        db.add(LoginAttempt(email=pending.email, client_ip=client_ip[:64], succeeded=False,
                            at=self._throttle_now()))  # fmt: skip
        twofactor.record_failure(db, pending.user_id, now=self._now())
        failures = twofactor.count_failure(db, token)
        audit.record(db, actor=pending.email, action=AuditAction.SIGN_IN_FAILED,
                     subject=f"user:{pending.user_id}",
                     detail={"reason": exc.code, "method": "totp"}, client_ip=client_ip,
                     clock=self._audit_clock)  # fmt: skip
        db.commit()
        if failures >= twofactor.MAX_FAILURES_PER_PENDING:
            return TwoFactorError("too_many", "Too many wrong codes: sign in again.")
        return exc

    def _check_throttle(self, db: Session, pending: twofactor.Pending, client_ip: str) -> None:
        wait = max(
            service.throttle_wait(
                db, email=pending.email, client_ip=client_ip, now=self._throttle_now()
            ),
            twofactor.account_wait(db, pending.user_id, now=self._now()),
        )
        if wait > 0:
            audit.record(db, actor=pending.email, action=AuditAction.SIGN_IN_FAILED,
                         subject=f"user:{pending.user_id}",
                         detail={"reason": "login_throttled", "method": "totp"},
                         client_ip=client_ip, clock=self._audit_clock)  # fmt: skip
            db.commit()
            raise LoginThrottled(retry_after=wait)

    def verify_code(
        self, request: Request, response: Response, *, code: str, client_ip: str, user_agent: str
    ) -> tuple[service.SessionInfo, str]:
        """The second step: a code (or recovery code) turns the half sign-in into a session.

        Raises TwoFactorError (``expired``, ``bad_format``, ``wrong_code``,
        ``too_many``) or LoginThrottled; every refusal is counted and audited.
        """
        token = request.cookies.get(PENDING_COOKIE) or ""
        with self._factory() as db:
            pending = twofactor.resolve_pending(db, token, now=self._now())
            if pending is None or pending.stage != twofactor.STAGE_CODE:
                db.commit()
                raise TwoFactorError("expired", "Your sign-in has timed out.")
            self._check_throttle(db, pending, client_ip)
            try:
                method = twofactor.verify(
                    db, pending.user_id, code, box=self.two_factor.box, now=self._now()
                )
            except TwoFactorError as exc:
                if exc.code == "bad_format":  # not a guess: neither counted nor audited
                    raise
                raise self._refuse_code(db, pending, token, exc, client_ip) from None
            twofactor.end_pending(db, token)
            info = self._start(db, pending.user_id, user_agent, client_ip, f"password+{method}")
        response.delete_cookie(PENDING_COOKIE, path="/")
        return self._set_cookie(response, info[0], info[1]), pending.next_path

    def _start(
        self, db: Session, user_id: int, user_agent: str, client_ip: str, method: str
    ) -> tuple[service.UserInfo, service.IssuedSession]:
        user = service.get_user(db, user_id)
        assert user is not None
        twofactor.clear_failures(db, user_id)
        issued = service.start_session(db, user_id=user_id, user_agent=user_agent)
        audit.record(db, actor=user.email, action=AuditAction.SIGN_IN, subject=f"user:{user_id}",
                     detail={"method": method}, client_ip=client_ip,
                     clock=self._audit_clock)  # fmt: skip
        db.commit()
        return user, issued

    def enrolment(self, user_id: int) -> twofactor.Enrolment:
        """The authenticator being set up for this person (a new one if none is waiting)."""
        config = self.two_factor
        with self._factory() as db:
            found = twofactor.pending_enrolment(db, user_id, box=config.box, issuer=config.issuer)
            if found is None:
                found = twofactor.begin_enrolment(
                    db, user_id, box=config.box, issuer=config.issuer, now=self._now()
                )
            db.commit()
        return found

    def confirm_pending_enrolment(
        self, request: Request, response: Response, *, code: str, client_ip: str, user_agent: str
    ) -> tuple[service.SessionInfo, str, list[str]]:
        """Required set-up after the password: a right code switches it on and signs in."""
        token = request.cookies.get(PENDING_COOKIE) or ""
        with self._factory() as db:
            pending = twofactor.resolve_pending(db, token, now=self._now())
            if pending is None or pending.stage != twofactor.STAGE_ENROL:
                db.commit()
                raise TwoFactorError("expired", "Your sign-in has timed out.")
            self._check_throttle(db, pending, client_ip)
            try:
                codes = twofactor.confirm_enrolment(db, pending.user_id, code,
                                                    box=self.two_factor.box, now=self._now(),
                                                    client_ip=client_ip)  # fmt: skip
            except TwoFactorError as exc:
                if exc.code == "wrong_code":
                    raise self._refuse_code(db, pending, token, exc, client_ip) from None
                raise
            twofactor.end_pending(db, token)
            user, issued = self._start(db, pending.user_id, user_agent, client_ip,
                                       "password+totp")  # fmt: skip
        response.delete_cookie(PENDING_COOKIE, path="/")
        return self._set_cookie(response, user, issued), pending.next_path, codes

    def confirm_enrolment(self, user_id: int, *, code: str, client_ip: str) -> list[str]:
        """A signed-in person switches two-factor on; the recovery codes to show once."""
        with self._factory() as db:
            try:
                codes = twofactor.confirm_enrolment(
                    db, user_id, code, box=self.two_factor.box, now=self._now(),
                    client_ip=client_ip,
                )  # fmt: skip
            except TwoFactorError:
                db.rollback()
                raise
            db.commit()
        return codes

    def two_factor_status(self, user_id: int) -> tuple[twofactor.Status, int]:
        """This person's two-factor status and how many recovery codes they have left."""
        with self._factory() as db:
            found = twofactor.status(db, user_id, server_rule=self.two_factor.required)
            return found, twofactor.recovery_codes_left(db, user_id)

    def cancel_pending(self, request: Request, response: Response) -> None:
        with self._factory() as db:
            twofactor.end_pending(db, request.cookies.get(PENDING_COOKIE))
            db.commit()
        response.delete_cookie(PENDING_COOKIE, path="/")

    def login_sso(
        self,
        response: Response,
        *,
        state: str,
        code: str,
        redirect_uri: str,
        client_ip: str,
        user_agent: str,
    ) -> tuple[service.SessionInfo, str]:
        """Finish a single sign-on (frontdoor.accounts.oidc): the session and where to go.

        Raises SsoError, recorded in the audit log like a failed password.
        """
        if self.sso is None:
            raise SsoError("not_configured", "Single sign-on is not set up here.")
        now = self._audit_clock()
        with self._factory() as db:
            claims: dict[str, object] = {}
            try:
                claims, next_path = self.sso.finish(
                    db, state=state, code=code, redirect_uri=redirect_uri
                )
                user = sign_in_from_claims(db, self.sso.config, claims, now=now)
            except SsoError as exc:
                db.rollback()
                with self._factory() as log:
                    if exc.code != "bad_state":  # a used state stays used
                        log.execute(delete(SsoState).where(SsoState.id == state_hash(state)))
                    audit.record(
                        log,
                        actor=service.normalise_email(str(claims.get("email") or "sso")),
                        action=AuditAction.SIGN_IN_FAILED,
                        detail={"reason": exc.code, "method": "oidc"},
                        client_ip=client_ip,
                        clock=self._audit_clock,
                    )
                    log.commit()
                raise
            issued = service.start_session(db, user_id=user.id, user_agent=user_agent)
            audit.record(
                db,
                actor=user.email,
                action=AuditAction.SIGN_IN,
                subject=f"user:{user.id}",
                detail={
                    "method": "oidc",
                    "roles": sorted(role.value for role in user.roles),
                    "teams": list(user.teams),
                },
                client_ip=client_ip,
                clock=self._audit_clock,
            )
            db.commit()
        return self._set_cookie(response, user, issued), next_path

    def _set_cookie(
        self, response: Response, user: service.UserInfo, issued: service.IssuedSession
    ) -> service.SessionInfo:
        response.set_cookie(
            SESSION_COOKIE,
            issued.token,
            httponly=True,
            samesite="lax",
            secure=self._secure,
            max_age=int(service.SESSION_LIFETIME.total_seconds()),
            path="/",
        )
        return service.SessionInfo(
            user=user, csrf_token=issued.csrf_token, expires_at=issued.expires_at
        )

    def logout(self, request: Request, response: Response) -> None:
        with self._factory() as db:
            service.end_session(db, request.cookies.get(SESSION_COOKIE))
            db.commit()
        response.delete_cookie(SESSION_COOKIE, path="/")

    @staticmethod
    def check_csrf(info: service.SessionInfo, submitted: str | None) -> None:
        if not service.csrf_matches(info.csrf_token, submitted):
            raise CsrfError()


def _gate(request: Request) -> AccountsGate:
    return request.app.state.accounts


def _holding(info: service.SessionInfo | None, roles: tuple[Role, ...]) -> service.SessionInfo:
    if info is None:
        raise NotAuthenticated()
    if roles and not info.user.has_role(*roles):
        raise PermissionDenied(" or ".join(role.value for role in roles))
    return info


def require_roles(*roles: Role) -> Callable[[Request], service.SessionInfo]:
    """A dependency: the signed-in staff member, holding any of ``roles``.

    No roles means any signed-in, active user. Raises NotAuthenticated (401)
    or PermissionDenied (403).
    """

    def dependency(request: Request) -> service.SessionInfo:
        return _holding(_gate(request).current(request), roles)

    return dependency


def require_roles_async(*roles: Role) -> Callable[[Request], Awaitable[service.SessionInfo]]:
    """``require_roles`` as an ``async`` dependency: the same checks and errors, but
    FastAPI runs it on the event loop instead of handing it to a worker thread, and
    the session is read in one (``AccountsGate.resolve``) only if no earlier
    dependency of the request (the CSRF check) has read it already."""

    async def dependency(request: Request) -> service.SessionInfo:
        return _holding(await _gate(request).resolve(request), roles)

    return dependency


def optional_staff(request: Request) -> service.SessionInfo | None:
    return _gate(request).current(request)


async def require_csrf(request: Request) -> None:
    """A dependency for state-changing requests: header or form field must match.

    ``async`` because it may read the form; the session lookup is database work,
    so it runs in a worker thread rather than on the event loop (``resolve``).
    """
    info = await _gate(request).resolve(request)
    if info is None:
        raise NotAuthenticated()
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    AccountsGate.check_csrf(info, submitted)


CurrentStaff = Annotated[service.SessionInfo, Depends(require_roles())]
MaybeStaff = Annotated[service.SessionInfo | None, Depends(optional_staff)]


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(
        "/api/"
    )


def throttled_headers(exc: LoginThrottled) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)}


def install_error_handlers(app: FastAPI, *, login_path: str) -> None:
    """401/403 as JSON for APIs; a redirect to the login page for browsers."""

    @app.exception_handler(NotAuthenticated)
    async def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _wants_html(request):
            target = quote(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
            return RedirectResponse(f"{login_path}?next={target}", status_code=303)
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=401)

    @app.exception_handler(PermissionDenied)
    async def _denied(request: Request, exc: PermissionDenied) -> Response:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=403)

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, exc: CsrfError) -> Response:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=403)

    @app.exception_handler(LoginThrottled)
    async def _throttled(request: Request, exc: LoginThrottled) -> Response:
        return JSONResponse(
            {"error": exc.code, "message": exc.message},
            status_code=429,
            headers=throttled_headers(exc),
        )


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths may be redirected to after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
