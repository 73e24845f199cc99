"""Property-based, on the database: the SQL twin of
tests/unit/bot/test_verification_properties.py.

The same random residents, through the actions on the demo back office and
the SQL verification store of a seeded SQLite database. One database serves
every example (each its own conversation id), so failures of earlier examples
count against the accounts, and the per-account delay is exercised too.
Derandomised with a fixed seed and a small bounded number of examples.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from actions.verification import SqlVerificationStore
from backoffice import demo_backoffice
from backoffice.world import build_world
from tests.unit.bot.conversation import Conversation
from tests.unit.bot.harness import TODAY, harness_for
from tests.unit.bot.verification_model import build_pool, check, converse


def test_random_conversations_never_disclose_unproved_data_on_sql(seeded_database) -> None:
    backoffice = demo_backoffice(seeded_database.engine)
    store = SqlVerificationStore(seeded_database.engine)
    pool = build_pool(build_world(rng_seed=7, today=TODAY), backoffice)
    conversation_ids = (f"sql-resident-{n}" for n in itertools.count())

    @seed(20261206)
    @settings(
        max_examples=20,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        bot = harness_for(backoffice, verification=store)
        chat = Conversation(bot, sender_id=next(conversation_ids))
        plan, said = converse(data, bot, chat, pool, turns=14)
        check(pool, chat, plan, said)

    run()
