"""Issue #14, done when: a card number typed into the chat appears nowhere in the
database in clear. Typed through the real handoff service (websocket and the
advisor's HTTP API, on SQLite and PostgreSQL) in every place a resident or an
advisor can type, then through the knowledge service's gap and feedback records
the bot and the site write; then every column of every table is searched."""

from __future__ import annotations

import contextlib
import re

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session

from backoffice import demo_backoffice
from knowledge.feedback import record_feedback
from knowledge.gaps import record_gap
from tests.integration.handoff.conftest import build_world, is_event, message, receive, until
from tests.integration.knowledge.conftest import publish

CARD = "4929 1234 5678 9015"  # a test Visa number that passes the Luhn check
DIGITS = re.sub(r"\D", "", CARD)


def luhn_ok(number: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def held_in_clear(engine) -> list[str]:  # type: ignore[no-untyped-def]
    """Every table.column whose stored text holds the card's digits (spaces,
    hyphens and dots between them ignored)."""
    tables = MetaData()
    tables.reflect(engine)
    found = []
    with engine.connect() as conn:
        for table in tables.sorted_tables:
            for row in conn.execute(select(table)):
                for column, value in row._mapping.items():
                    if value is not None and DIGITS in re.sub(r"[\s.\-]", "", str(value)):
                        found.append(f"{table.name}.{column}")
    return sorted(set(found))


@pytest.fixture
def world(database):  # type: ignore[no-untyped-def]
    with contextlib.ExitStack() as stack:
        yield build_world(database, stack, backoffice=demo_backoffice(database.engine))


def test_a_card_number_typed_anywhere_in_the_chat_is_stored_nowhere_in_clear(world):
    assert luhn_ok(DIGITS)
    sam = world.advisor("sam")
    sam.available()
    started = world.start()
    cid = started["conversation_id"]
    with sam.socket() as console, world.resident_socket(started) as ws:
        receive(console)
        receive(ws)
        ws.send_json(message(f"my card is {CARD} can I pay my council tax"))
        until(ws, is_event("message", author="bot"))
        ws.send_json(message(f"human please, card {CARD.replace(' ', '-')}"))
        until(console, lambda f: f["type"] == "offer")
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        until(ws, is_event("advisor_joined"))
        ws.send_json(message(f"it is {DIGITS}", client_id="r-card"))
        until(console, is_event("message", author="resident", client_id="r-card"))
        assert sam.say(cid, f"I read {CARD}, please never type it").status_code == 200
        until(ws, is_event("message", author="advisor"))
        note = sam.post(f"/conversations/{cid}/notes", {"client_id": "n-1", "text": CARD})
        assert note.status_code == 200
        until(console, is_event("note"))
        assert sam.post(f"/conversations/{cid}/close", {"outcome": "resolved"}).status_code == 200
        until(ws, is_event("rating_request"))
        ws.send_json({"type": "rate", "stars": 1, "comment": f"took my card {CARD}"})
        until(ws, is_event("rating"))
    with Session(world.engine) as session:  # what the bot and the website record
        record_gap(session, question=f"why was {CARD} charged twice", source="bot",
                   conversation_id=cid)  # fmt: skip
        article = publish(session)
        record_feedback(session, slug=article.slug, helpful=False, comment=CARD)
        session.commit()

    assert held_in_clear(world.engine) == []
    assert all(DIGITS not in re.sub(r"\D", "", text) for _, text, _ in world.bot.received)
    # and the masking left the rest of what the resident wrote for the advisor
    transcript = world.client.get(
        f"/api/v1/conversations/{cid}/transcript",
        headers={"authorization": f"Bearer {started['conversation_token']}"},
    ).json()["events"]
    said = [e["data"]["text"] for e in transcript if e["kind"] == "message"]
    assert any("can I pay my council tax" in text for text in said)
