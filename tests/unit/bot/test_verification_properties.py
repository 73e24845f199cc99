"""Property-based: random conversations never show personal data unproved.

Hypothesis plays a resident who answers what the bot asks (references of
every kind, real, unknown and malformed; postcodes right for the reference or
not; surnames and payment amounts right or wrong; buttons where text is
expected) and changes the subject now and then (balances, a case's status,
"talk to someone", "start over", a signed-in token), through the actions on
the in-memory back office. After each conversation it checks the rule of
issue #10 (``verification_model.check``). Derandomised with a fixed seed and a
bounded number of examples, so CI is fast and repeatable; the SQL twin is in
tests/integration/bot/test_verification_properties_sql.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from actions.verification import MemoryVerificationStore
from backoffice.ports import BackOffice
from backoffice.world import World
from tests.unit.bot.conversation import Conversation
from tests.unit.bot.harness import harness_for, make_harness
from tests.unit.bot.verification_model import Pool, build_pool, check, converse, play


@pytest.fixture(scope="module")
def backoffice(world: World) -> BackOffice:
    # These conversations only read the back office: one is shared by every example.
    return make_harness(world).backoffice


@pytest.fixture(scope="module")
def pool(world: World, backoffice: BackOffice) -> Pool:
    return build_pool(world, backoffice)


def test_random_conversations_never_disclose_unproved_data(
    backoffice: BackOffice, pool: Pool
) -> None:
    @seed(20261206)
    @settings(
        max_examples=60,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        bot = harness_for(backoffice, verification=MemoryVerificationStore())
        chat = Conversation(bot)
        plan, said = converse(data, bot, chat, pool, turns=14)
        check(pool, chat, plan, said)

    run()


def _known_paths(pool: Pool) -> dict[str, list[tuple[str, Any]]]:
    ct, ten, case = pool.council_tax[0], pool.tenancies[0], pool.cases[0]
    other_ct = pool.council_tax[-1]
    retry_with = lambda ref, intent: [  # noqa: E731 - the finding-1 chain, per reference
        ("case", case),
        ("click", "/affirm"),
        ("type", "ZZ9 9ZZ"),
        ("click", "/affirm"),  # Try again
        ("type", ref),
        ("type", pool.postcodes[ref]),
        ("intent", intent),
        ("intent", "human"),
    ]
    return {
        "finding 1, council tax": retry_with(ct, "ask_council_tax_balance"),
        "finding 1, tenancy": retry_with(ten, "ask_rent_balance"),
        "finding 1, another property": retry_with(other_ct, "ask_council_tax_balance"),
        "a case check, then the balance at the same property": [
            ("case", case),
            ("click", "/affirm"),
            ("type", pool.postcodes[case]),
            ("intent", "ask_council_tax_balance"),
            ("type", ct),
            ("type", pool.postcodes[ct]),
            ("click", "/affirm"),
            ("intent", "human"),
        ],
        "a case reference for a balance": [
            ("intent", "ask_council_tax_balance"),
            ("type", case),
            ("type", pool.postcodes[case]),
            ("type", "/affirm"),
        ],
    }


@pytest.mark.parametrize(
    "name",
    [
        "finding 1, council tax",
        "finding 1, tenancy",
        "finding 1, another property",
        "a case check, then the balance at the same property",
        "a case reference for a balance",
    ],
)
def test_known_attack_paths_keep_the_rule(backoffice: BackOffice, pool: Pool, name: str) -> None:
    plan = _known_paths(pool)[name]
    bot = harness_for(backoffice, verification=MemoryVerificationStore())
    chat = Conversation(bot)
    said = play(bot, chat, plan)
    check(pool, chat, plan, said)


def test_the_rule_sees_a_disclosure_when_there_is_one(backoffice: BackOffice, pool: Pool) -> None:
    """Not vacuous: a full, right check shows the balance and passes; the same
    transcript without the identity answer in what was said fails."""
    bot = harness_for(backoffice, verification=MemoryVerificationStore())
    chat = Conversation(bot)
    account = pool.council_tax[0]
    plan: list[tuple[str, Any]] = [
        ("intent", "ask_council_tax_balance"),
        ("type", account),
        ("type", pool.postcodes[account]),
        ("type", pool.facts[account][0]),
    ]
    said = play(bot, chat, plan)
    assert f"Council tax account {account}" in chat.transcript
    check(pool, chat, plan, said)
    with pytest.raises(AssertionError, match="shown unproved"):
        check(pool, chat, plan, said[:-1])
