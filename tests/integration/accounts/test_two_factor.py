"""Two-factor sign-in through both front doors, on SQLite and PostgreSQL.

The editor (knowledge service) runs by a clock the test moves (``MovingClock``);
codes are computed with pyotp for that moment (``TOTP.at``), so no test waits
for, or races, a real 30-second window.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from frontdoor.accounts import service, twofactor
from frontdoor.accounts.models import PendingSignIn, RecoveryCode, TotpCredential
from frontdoor.accounts.roles import Role
from frontdoor.accounts.web import PENDING_COOKIE, SESSION_COOKIE
from frontdoor.audit import AuditAction, AuditEntry
from frontdoor.db import make_session_factory
from tests.integration.knowledge.conftest import NOW, PASSWORD, hashing_engine, make_settings

KEY = secrets.token_urlsafe(48)  # fresh per run: never a published value
EMAIL = "tess@example.gov.uk"
ADMIN_EMAIL = "ada@example.gov.uk"
HTML = {"accept": "text/html"}


class MovingClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock(NOW)


@pytest.fixture
def editor(database, tmp_path, clock):  # type: ignore[no-untyped-def]
    from knowledge.app import create_app

    settings = make_settings(database, tmp_path, FRONTDOOR_TOTP_ENCRYPTION_KEY=KEY)
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=clock)
    factory = make_session_factory(database.engine)
    with factory() as db:
        service.create_user(
            db, email=EMAIL, display_name="Tess Tester", password=PASSWORD, roles=(Role.EDITOR,)
        )
        service.create_user(
            db, email=ADMIN_EMAIL, display_name="Ada Admin", password=PASSWORD, roles=(Role.ADMIN,)
        )
        db.commit()
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def sign_in(client: TestClient, email: str = EMAIL, prefix: str = "/editor") -> Any:
    client.cookies.clear()
    return client.post(
        f"{prefix}/login", data={"email": email, "password": PASSWORD}, follow_redirects=False
    )


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF field on the page"
    return match.group(1)


def setup_key(page: str) -> str:
    match = re.search(r'<code id="setup-key" class="setup-key">([^<]+)</code>', page)
    assert match, "no setup key on the page"
    return match.group(1).replace(" ", "")


def recovery_codes(page: str) -> list[str]:
    return re.findall(r"<li><code>([0-9a-z-]+)</code></li>", page)


def code_at(secret: str, clock: MovingClock, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock(), counter_offset=offset)


def audit(database, action: AuditAction) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with make_session_factory(database.engine)() as db:
        query = select(AuditEntry).where(AuditEntry.action == action.value).order_by(AuditEntry.id)
        return list(db.scalars(query))


def enrol(client: TestClient, clock: MovingClock) -> tuple[str, list[str]]:
    """Tess signs in with her password and sets up an authenticator from her account page."""
    assert sign_in(client).headers["location"] == "/editor"
    page = client.get("/editor/account/two-factor")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text  # the QR code
    secret = setup_key(page.text)
    done = client.post(
        "/editor/account/two-factor",
        data={"code": code_at(secret, clock), "csrf_token": csrf(page.text)},
    )
    assert done.status_code == 200, done.text
    codes = recovery_codes(done.text)
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT
    client.post("/editor/logout", data={"csrf_token": csrf(done.text)})
    client.cookies.clear()
    return secret, codes


def test_enrol_confirms_with_a_code_then_sign_in_asks_for_one(editor, database, clock) -> None:  # type: ignore[no-untyped-def]
    sign_in(editor)
    page = editor.get("/editor/account/two-factor")
    secret = setup_key(page.text)
    wrong = editor.post(
        "/editor/account/two-factor",
        data={
            "code": "000000" if code_at(secret, clock) != "000000" else "111111",
            "csrf_token": csrf(page.text),
        },
    )
    assert wrong.status_code == 422
    assert "The code is not right" in wrong.text and 'aria-invalid="true"' in wrong.text
    assert setup_key(wrong.text) == secret  # the same authenticator is still being set up
    no_csrf = editor.post("/editor/account/two-factor", data={"code": code_at(secret, clock)})
    assert no_csrf.status_code == 403
    done = editor.post(
        "/editor/account/two-factor",
        data={"code": code_at(secret, clock), "csrf_token": csrf(page.text)},
    )
    assert len(recovery_codes(done.text)) == 10
    with make_session_factory(database.engine)() as db:
        stored = db.scalars(select(TotpCredential)).one()
        assert stored.confirmed_at is not None
        assert secret not in stored.secret_sealed  # encrypted at rest
        hashes = [row.code_hash for row in db.scalars(select(RecoveryCode))]
        assert not set(recovery_codes(done.text)) & set(hashes)
    assert [e.actor for e in audit(database, AuditAction.TWO_FACTOR_ENROLLED)] == [EMAIL]

    clock.advance(30)
    response = sign_in(editor)
    assert response.status_code == 303
    assert response.headers["location"] == "/editor/login/two-factor"
    assert SESSION_COOKIE not in editor.cookies and PENDING_COOKIE in editor.cookies
    # half signed in opens nothing
    assert (
        editor.get("/editor", headers=HTML, follow_redirects=False)
        .headers["location"]
        .startswith("/editor/login")
    )
    assert editor.get("/api/v1/editorial/articles").status_code == 401
    form = editor.get("/editor/login/two-factor")
    assert "Enter the 6-digit code from your authenticator app" in form.text
    assert 'autocomplete="one-time-code"' in form.text
    signed = editor.post(
        "/editor/login/two-factor", data={"code": code_at(secret, clock)}, follow_redirects=False
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/editor"
    assert SESSION_COOKIE in editor.cookies
    assert editor.get("/editor").status_code == 200
    methods = [json.loads(e.detail).get("method") for e in audit(database, AuditAction.SIGN_IN)]
    assert methods[-1] == "password+totp"


def test_a_code_is_accepted_once_and_the_next_window_works(editor, database, clock) -> None:  # type: ignore[no-untyped-def]
    secret, _ = enrol(editor, clock)
    clock.advance(60)
    sign_in(editor)
    code = code_at(secret, clock)
    ok = editor.post("/editor/login/two-factor", data={"code": code}, follow_redirects=False)
    assert ok.status_code == 303
    clock.advance(10)  # same 30-second step (or the next): the code is still "valid" to pyotp
    sign_in(editor)
    replay = editor.post("/editor/login/two-factor", data={"code": code}, follow_redirects=False)
    assert replay.status_code == 422 and "already been used" in replay.text
    # the step before the used one is inside valid_window=1 but older: refused too
    older = editor.post("/editor/login/two-factor", data={"code": code_at(secret, clock, -2)})
    assert older.status_code == 422
    clock.advance(30)
    fresh = editor.post(
        "/editor/login/two-factor", data={"code": code_at(secret, clock)}, follow_redirects=False
    )
    assert fresh.status_code == 303
    failed = audit(database, AuditAction.SIGN_IN_FAILED)
    assert [json.loads(e.detail)["reason"] for e in failed] == ["wrong_code", "wrong_code"]


def test_a_drifting_clock_one_step_out_is_accepted(editor, clock) -> None:  # type: ignore[no-untyped-def]
    secret, _ = enrol(editor, clock)
    clock.advance(90)
    sign_in(editor)
    late = editor.post(
        "/editor/login/two-factor",
        data={"code": code_at(secret, clock, -1)},
        follow_redirects=False,
    )
    assert late.status_code == 303
    clock.advance(90)
    sign_in(editor)
    too_far = editor.post("/editor/login/two-factor", data={"code": code_at(secret, clock, 2)})
    assert too_far.status_code == 422


def test_a_recovery_code_works_once(editor, database, clock) -> None:  # type: ignore[no-untyped-def]
    _, codes = enrol(editor, clock)
    sign_in(editor)
    typed = codes[3].upper().replace("-", " ")  # as someone might type it from paper
    ok = editor.post("/editor/login/two-factor", data={"code": typed}, follow_redirects=False)
    assert ok.status_code == 303 and SESSION_COOKIE in editor.cookies
    sign_in(editor)
    again = editor.post("/editor/login/two-factor", data={"code": codes[3]})
    assert again.status_code == 422
    methods = [json.loads(e.detail).get("method") for e in audit(database, AuditAction.SIGN_IN)]
    assert "password+recovery_code" in methods
    with make_session_factory(database.engine)() as db:
        assert twofactor.recovery_codes_left(db, service.list_users(db)[-1].id) == 9


def test_wrong_codes_are_limited_and_counted(editor, database, clock) -> None:  # type: ignore[no-untyped-def]
    secret, _ = enrol(editor, clock)
    clock.advance(30)
    sign_in(editor)
    right = code_at(secret, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(twofactor.MAX_FAILURES_PER_PENDING - 1):
        assert editor.post("/editor/login/two-factor", data={"code": wrong}).status_code == 422
    last = editor.post("/editor/login/two-factor", data={"code": wrong})
    assert last.status_code == 401 and "too many times" in last.text
    assert PENDING_COOKIE not in editor.cookies
    with make_session_factory(database.engine)() as db:
        assert db.scalars(select(PendingSignIn)).all() == []
    # the half sign-in is gone: even the right code cannot finish it
    editor.cookies.set(PENDING_COOKIE, "stale")
    gone = editor.post("/editor/login/two-factor", data={"code": right})
    assert gone.status_code == 401 and "timed out" in gone.text
    # every wrong code counted as a failed sign-in: this client must now wait
    throttled = sign_in(editor)
    assert throttled.status_code == 429 and "Retry-After" in throttled.headers
    reasons = [json.loads(e.detail)["reason"] for e in audit(database, AuditAction.SIGN_IN_FAILED)]
    assert reasons.count("wrong_code") == twofactor.MAX_FAILURES_PER_PENDING


def test_a_bad_format_is_a_clear_message_in_english_and_welsh(editor, clock) -> None:  # type: ignore[no-untyped-def]
    enrol(editor, clock)
    sign_in(editor)
    empty = editor.post("/editor/login/two-factor", data={"code": ""})
    assert empty.status_code == 422
    assert "Enter the 6-digit code from your authenticator app" in empty.text
    welsh = editor.get("/editor/login/two-factor?lang=cy")
    assert 'lang="cy"' in welsh.text and "Rhowch y cod 6 digid o&#39;ch ap dilysu" in welsh.text
    wrong = editor.post("/editor/login/two-factor", data={"code": "12345", "lang": "cy"})
    assert "Rhowch y cod 6 digid" in wrong.text and "Mae problem wedi codi" in wrong.text


def test_required_but_not_set_up_is_sent_to_set_up_and_nothing_else(
    editor, database, clock
) -> None:  # type: ignore[no-untyped-def]
    assert sign_in(editor, ADMIN_EMAIL).headers["location"] == "/editor"
    admin_page = editor.get("/editor/admin")
    saved = editor.post(
        "/editor/admin/two-factor",
        data={"required": "yes", "csrf_token": csrf(admin_page.text)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    policy = audit(database, AuditAction.TWO_FACTOR_POLICY)
    assert [(e.actor, json.loads(e.detail)) for e in policy] == [(ADMIN_EMAIL, {"required": True})]

    response = sign_in(editor)
    assert response.headers["location"] == "/editor/login/two-factor/set-up"
    assert SESSION_COOKIE not in editor.cookies
    for path in ("/editor", "/editor/account/two-factor", "/editor/login/two-factor"):
        assert editor.get(path, headers=HTML, follow_redirects=False).status_code == 303
    page = editor.get("/editor/login/two-factor/set-up")
    assert "You must set up two-factor authentication before you can continue" in page.text
    assert "single sign-on" in page.text  # SSO users are told they are not asked
    secret = setup_key(page.text)
    done = editor.post("/editor/login/two-factor/set-up", data={"code": code_at(secret, clock)})
    assert done.status_code == 200 and len(recovery_codes(done.text)) == 10
    assert SESSION_COOKIE in editor.cookies and PENDING_COOKIE not in editor.cookies
    assert editor.get("/editor").status_code == 200


def test_an_admin_resets_and_requires_per_person(editor, database, clock) -> None:  # type: ignore[no-untyped-def]
    enrol(editor, clock)
    with make_session_factory(database.engine)() as db:
        tess = next(u for u in service.list_users(db) if u.email == EMAIL)
    sign_in(editor, ADMIN_EMAIL)
    user_page = editor.get(f"/editor/admin/users/{tess.id}")
    assert "On: this person signs in with a password and a code" in user_page.text
    reset = editor.post(
        f"/editor/admin/users/{tess.id}/two-factor/reset",
        data={"csrf_token": csrf(user_page.text)},
        follow_redirects=False,
    )
    assert reset.status_code == 303
    assert [e.subject for e in audit(database, AuditAction.TWO_FACTOR_RESET)] == [f"user:{tess.id}"]
    # not required: straight in after a reset
    assert sign_in(editor).headers["location"] == "/editor"
    # required for her alone: set up again at the next sign-in
    sign_in(editor, ADMIN_EMAIL)
    user_page = editor.get(f"/editor/admin/users/{tess.id}")
    saved = editor.post(
        f"/editor/admin/users/{tess.id}",
        data={
            "roles": "editor",
            "active": "yes",
            "two_factor_required": "yes",
            "csrf_token": csrf(user_page.text),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert sign_in(editor).headers["location"] == "/editor/login/two-factor/set-up"
    assert sign_in(editor, ADMIN_EMAIL).headers["location"] == "/editor"  # others are not asked


def test_the_advisor_console_uses_the_same_accounts_and_flow(database, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.handoff.conftest import build_world

    with contextlib.ExitStack() as stack:
        world = build_world(database, stack, FRONTDOOR_TOTP_ENCRYPTION_KEY=KEY)
        gate = world.app.state.accounts
        gate.two_factor = replace(gate.two_factor, clock=clock)
        with make_session_factory(database.engine)() as db:
            secret = twofactor.begin_enrolment(
                db, world.ids["sam"], box=gate.two_factor.box, issuer="t", now=clock()
            ).secret
            twofactor.confirm_enrolment(
                db, world.ids["sam"], code_at(secret, clock), box=gate.two_factor.box, now=clock()
            )
            db.commit()
        clock.advance(30)
        client = world.client
        response = sign_in(client, "sam@example.gov.uk", prefix="/console")
        assert response.headers["location"] == "/console/login/two-factor"
        assert client.get("/console/", follow_redirects=False).status_code == 303
        page = client.get("/console/login/two-factor")
        assert "Check your authenticator app" in page.text and "Advisor console" in page.text
        assert "'unsafe-inline'" not in page.headers["content-security-policy"]
        done = client.post(
            "/console/login/two-factor",
            data={"code": code_at(secret, clock)},
            follow_redirects=False,
        )
        assert done.headers["location"] == "/console/"
        assert client.get("/console/").status_code == 200


def test_without_an_encryption_key_set_up_says_why(database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from knowledge.app import create_app

    app = create_app(
        make_settings(database, tmp_path), search_engine=hashing_engine(), engine=database.engine
    )
    with make_session_factory(database.engine)() as db:
        service.create_user(
            db, email=EMAIL, display_name="Tess", password=PASSWORD, roles=(Role.EDITOR,)
        )
        db.commit()
    with TestClient(app, base_url="http://testserver") as client:
        sign_in(client)
        page = client.get("/editor/account/two-factor")
        assert page.status_code == 422
        assert "FRONTDOOR_TOTP_ENCRYPTION_KEY" in page.text


def test_wrong_codes_from_many_addresses_are_limited_per_account(editor, database, clock) -> None:  # type: ignore[no-untyped-def]
    """The per-client limit alone would let someone with the password try from many places."""
    secret, _ = enrol(editor, clock)
    with make_session_factory(database.engine)() as db:
        tess = next(u for u in service.list_users(db) if u.email == EMAIL)
        for _ in range(twofactor.MAX_FAILURES_PER_ACCOUNT):  # as if from ten addresses
            assert twofactor.account_wait(db, tess.id, now=clock()) == 0
            twofactor.record_failure(db, tess.id, now=clock())
        assert twofactor.account_wait(db, tess.id, now=clock()) == 15 * 60
        db.commit()
    clock.advance(60)
    sign_in(editor)
    refused = editor.post("/editor/login/two-factor", data={"code": code_at(secret, clock)})
    assert refused.status_code == 429 and refused.headers["retry-after"] == str(14 * 60)
    assert "Wait 14 minutes" in refused.text
    clock.advance(14 * 60)
    sign_in(editor)
    ok = editor.post(
        "/editor/login/two-factor", data={"code": code_at(secret, clock)}, follow_redirects=False
    )
    assert ok.status_code == 303
    with make_session_factory(database.engine)() as db:
        assert db.get(TotpCredential, tess.id).failures == 0


def test_a_reset_signs_the_person_out_everywhere(editor, database, clock) -> None:  # type: ignore[no-untyped-def]
    secret, _ = enrol(editor, clock)
    clock.advance(30)
    sign_in(editor)
    editor.post("/editor/login/two-factor", data={"code": code_at(secret, clock)})
    assert editor.get("/editor").status_code == 200
    tess_cookies = dict(editor.cookies)
    with make_session_factory(database.engine)() as db:
        tess = next(u for u in service.list_users(db) if u.email == EMAIL)
        twofactor.reset(db, tess.id, actor=ADMIN_EMAIL, now=clock())
        db.commit()
    editor.cookies.clear()
    editor.cookies.update(tess_cookies)
    assert editor.get("/editor", headers=HTML, follow_redirects=False).status_code == 303


def test_a_changed_key_is_a_clear_message_and_a_recovery_code_still_works(
    editor, database, clock
) -> None:  # type: ignore[no-untyped-def]
    from frontdoor.accounts.secretbox import SecretBox

    secret, codes = enrol(editor, clock)
    gate = editor.app.state.accounts
    gate.two_factor = replace(gate.two_factor, box=SecretBox(secrets.token_urlsafe(48)))
    clock.advance(30)
    sign_in(editor)
    unreadable = editor.post("/editor/login/two-factor", data={"code": code_at(secret, clock)})
    assert unreadable.status_code == 422 and "Use a recovery code" in unreadable.text
    ok = editor.post("/editor/login/two-factor", data={"code": codes[0]}, follow_redirects=False)
    assert ok.status_code == 303


def test_two_requests_with_one_code_at_once_sign_in_once(database, clock) -> None:  # type: ignore[no-untyped-def]
    """The step is taken by a conditional update: a second request with the same code,
    from another session, finds it used once the first has committed (no timed waits:
    they misbehave under faketime and on a loaded machine)."""
    import threading

    from frontdoor.accounts.secretbox import SecretBox

    box = SecretBox(KEY)
    factory = make_session_factory(database.engine)
    with factory() as db:
        user = service.create_user(db, email=EMAIL, display_name="Tess", password=PASSWORD,
                                   roles=(Role.EDITOR,))  # fmt: skip
        secret = twofactor.begin_enrolment(db, user.id, box=box, issuer="t", now=clock()).secret
        twofactor.confirm_enrolment(db, user.id, code_at(secret, clock), box=box, now=clock())
        db.commit()
    clock.advance(30)
    code = code_at(secret, clock)
    first, second = factory(), factory()
    results: dict[str, Any] = {}
    try:
        results["first"] = twofactor.verify(first, user.id, code, box=box, now=clock())

        def other() -> None:
            try:
                results["second"] = twofactor.verify(second, user.id, code, box=box, now=clock())
                second.commit()
            except twofactor.TwoFactorError as exc:
                results["second"] = exc.code
                second.rollback()

        thread = threading.Thread(target=other)
        first.commit()
        thread.start()
        thread.join()
    finally:
        first.close()
        second.close()
    assert results == {"first": "totp", "second": "wrong_code"}
