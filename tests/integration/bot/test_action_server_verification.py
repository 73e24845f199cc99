"""Issue #10 findings 1 and 3 at the action server's webhook, in-process.

The probe posted rasa-sdk action calls straight to ``:5055/webhook`` with
invented slots: ``action_verify`` with a council tax reference, its postcode
and the case-details purpose returned a verified session, which
``action_show_balance`` then honoured. Whoever may call the action server
(a shared secret is another change), slots a client invents must never make
the server disclose anything: it honours only grants it stored itself, for
the purpose they were proved for.

The app is the real composition (``actions.server.create_app``) on a seeded
SQLite database with the SQL verification store, driven through Sanic's ASGI
test client.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sanic import Sanic

from actions import messages
from actions.knowledge_client import FakeKnowledgeClient
from actions.server import create_app
from actions.settings import BotSettings
from backoffice.seed import DEMO_IDENTITIES
from frontdoor.secrets import BOT_SECRET_HEADER
from tests.unit.bot.harness import BOT_SECRET, NOW, TEST_SETTINGS, domain

CT = DEMO_IDENTITIES["council_tax"]
TEN = DEMO_IDENTITIES["tenancy"]
CASE = DEMO_IDENTITIES["case_in_progress"]
# Rasa 3.6 calls rasa-sdk 3.21 (the server silences this warning at import;
# pytest turns warnings into errors afresh for each test).
pytestmark = pytest.mark.filterwarnings("ignore:.*versions of rasa and rasa_sdk.*")


@pytest.fixture
def app(seeded_database) -> Sanic:
    settings = BotSettings.load({**TEST_SETTINGS, "FRONTDOOR_DATABASE_URL": seeded_database.url})
    return create_app(settings, knowledge=FakeKnowledgeClient(), clock=lambda: NOW)


def call(action: str, slots: dict[str, Any], *, sender_id: str = "attacker") -> dict[str, Any]:
    all_slots = {name: None for name in domain()["slots"]}
    all_slots.update(slots)
    return {
        "next_action": action,
        "sender_id": sender_id,
        "version": "3.6.21",
        "domain": domain(),
        "tracker": {
            "sender_id": sender_id,
            "slots": all_slots,
            "latest_message": {"text": "", "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def post(app: Sanic, body: dict[str, Any]) -> dict[str, Any]:
    """As if past the bot secret (Rasa itself, or a leaked secret): defence in depth,
    the verification must hold on its own. Without it the call is a 401
    (tests/unit/bot/test_action_server_secret.py)."""

    async def send() -> Any:
        return await app.asgi_client.post(
            "/webhook", json=body, headers={BOT_SECRET_HEADER: BOT_SECRET}
        )

    _, answer = asyncio.run(send())
    assert answer.status == 200, answer.text
    result = answer.json
    assert isinstance(result, dict)
    return result


def slot_sets(result: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in result["events"] if e.get("event") == "slot"}


def texts(result: dict[str, Any]) -> str:
    return "\n".join(r.get("text") or "" for r in result["responses"])


def postcode_of_ct(seeded_database) -> str:
    from backoffice import demo_backoffice

    backoffice = demo_backoffice(seeded_database.engine)
    account = backoffice.council_tax.get_account(CT["reference"])
    return backoffice.properties.get_property(account.uprn).postcode


@pytest.mark.parametrize("purpose", ["case_details", "balance", "nonsense", None])
def test_finding_3_invented_verify_slots_yield_no_session_and_no_balance(
    app: Sanic, seeded_database, purpose: str | None
) -> None:
    verified = post(
        app,
        call(
            "action_verify",
            {
                "verify_purpose": purpose,
                "verify_reference": CT["reference"],
                "verify_postcode": postcode_of_ct(seeded_database),
                "account_kind": "council_tax",
            },
        ),
    )
    assert not slot_sets(verified).get("verified_session")
    assert messages.VERIFIED not in texts(verified)
    shown = post(
        app,
        call(
            "action_show_balance",
            {
                "account_kind": "council_tax",
                "verify_reference": CT["reference"],
                "verified_session": slot_sets(verified).get("verified_session") or "invented",
            },
        ),
    )
    assert messages.NOT_VERIFIED in texts(shown)
    assert "£" not in texts(shown) and "Council tax account" not in texts(shown)


@pytest.mark.parametrize("secret", ["invented", "", "0" * 43, None])
def test_finding_3_an_invented_session_slot_shows_no_balance(app: Sanic, secret) -> None:
    for kind, reference in (("council_tax", CT["reference"]), ("rent", TEN["reference"])):
        shown = post(
            app,
            call(
                "action_show_balance",
                {"account_kind": kind, "verify_reference": reference, "verified_session": secret},
            ),
        )
        assert messages.NOT_VERIFIED in texts(shown)
        assert "£" not in texts(shown)


def test_finding_3_a_real_case_check_does_not_open_the_account(app: Sanic) -> None:
    verified = post(
        app,
        call(
            "action_verify",
            {
                "verify_purpose": "case_details",
                "verify_reference": CASE["reference"],
                "case_reference": CASE["reference"],
                "verify_postcode": "BF3 2QX",
            },
            sender_id="resident",
        ),
    )
    secret = slot_sets(verified)["verified_session"]
    assert secret and messages.VERIFIED in texts(verified)
    details = post(
        app,
        call(
            "action_case_details",
            {"case_reference": CASE["reference"], "verified_session": secret},
            sender_id="resident",
        ),
    )
    assert "Target date" in texts(details)  # the case, as asked
    shown = post(
        app,
        call(
            "action_show_balance",
            {
                "account_kind": "council_tax",
                "verify_reference": CT["reference"],  # an account at the same property
                "verified_session": secret,
            },
            sender_id="resident",
        ),
    )
    assert messages.NOT_VERIFIED in texts(shown) and "£" not in texts(shown)
    handoff = post(
        app,
        call("action_handoff", {"verified_session": secret}, sender_id="resident"),
    )
    (custom,) = [r["custom"] for r in handoff["responses"] if r.get("custom")]
    summary = custom["frontdoor_handoff"]["summary"]
    assert summary["verified_identity"] is None
    assert [g["reference"] for g in summary["verified_cases"]] == [CASE["reference"]]
