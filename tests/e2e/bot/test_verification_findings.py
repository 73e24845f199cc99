"""Issue #10 findings 1 and 6 (the bot's half) over Rasa's REST channel, with
the real Rasa, the real action server and the seeded database.

Finding 1 was probed exactly so: "where is my request BDC-…" → "yes" → a
wrong postcode → "Try again" → a council tax reference → that property's
postcode → "what is my council tax balance?" → the balance was shown, and the
advisor's handover said "verified".
"""

from __future__ import annotations

import pytest

from backoffice.seed import DEMO_IDENTITIES

pytestmark = [pytest.mark.rasa, pytest.mark.slow]

ANN = DEMO_IDENTITIES["council_tax"]
GRACE = DEMO_IDENTITIES["tenancy"]
CASE = DEMO_IDENTITIES["case_in_progress"]
FOXGLOVE = "BF3 2QX"  # the case's, Ann's and Grace's postcode alike


@pytest.mark.parametrize(
    ("account", "question", "shown"),
    [
        (ANN["reference"], "what is my council tax balance?", "Council tax account"),
        (GRACE["reference"], "what is my rent balance?", "Rent account"),
    ],
)
def test_finding_1_a_retried_case_check_never_opens_an_account(
    chat, account: str, question: str, shown: str
) -> None:
    status = chat.say(f"where is my request {CASE['reference']}")
    assert "in progress" in status.text
    assert "postcode" in chat.say("yes").text
    failed = chat.say("ZZ9 9ZZ")
    assert "couldn't confirm" in failed.text
    again = chat.press(failed, "Try again")
    assert "case reference" in again.text.lower()
    explained = chat.say(account)
    assert "case reference" in explained.text.lower()  # what is needed, politely
    chat.say(FOXGLOVE)
    chat.say(question)
    handed = chat.say("can I talk to someone?")
    everything = "\n".join(replies.text for _, replies in chat.transcript)
    assert shown not in everything and "£" not in everything
    assert "Recent payments" not in everything and "summons" not in everything
    (handoff,) = handed.handoffs
    assert handoff["summary"]["verified_identity"] is None


def test_yes_at_the_surname_question_is_asked_again(chat) -> None:
    chat.say("whats my council tax balance")
    chat.say(ANN["reference"])
    asked = chat.say(FOXGLOVE)
    assert "surname" in asked.text
    again = chat.say("/affirm")
    assert "surname" in again.text and "couldn't confirm" not in again.text
    answer = chat.say(ANN["surname"])
    assert "Council tax account CT40012345" in answer.text
