"""The handoff Store's contract: what ``SqlStore`` (SQLite, and PostgreSQL when
FRONTDOOR_TEST_POSTGRES_URL is set) and ``MemoryStore`` must both do
(``handoff.store.port``): events numbered per conversation and found again by
their client id, a transaction that fails leaves nothing behind, the advisor's
load counted one way everywhere, presence, the console's reads, bot relay
claims, and the administration commands' writes.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from handoff.exceptions import ConversationClosed, NotFound
from handoff.routing import Availability
from handoff.states import State
from handoff.store import sql_console
from tests.contract.handoff_kit import NOW, Kit, memory_kit, sql_kit

SAM, PRIYA, NEW = 11, 12, 13


def start(kit: Kit, **changes: object) -> str:
    conversation = kit.store.create_conversation(language="en", page_url="/", identity_token=None)
    if changes:
        with kit.store.transaction() as tx:
            tx.lock_conversation(conversation.id)
            tx.update_conversation(conversation.id, **changes)
    return conversation.id


def say(kit: Kit, cid: str, text: str, *, author: str = "resident", pending: bool = False) -> int:
    with kit.store.transaction() as tx:
        c = tx.lock_conversation(cid)
        data = {"author": author, "text": text}
        return tx.append(c, "message", data, client_id=f"{cid}-{text}", bot_pending=pending).seq


class HandoffStoreContract:
    @pytest.fixture
    def kit(self) -> Kit:
        raise NotImplementedError("subclasses provide the kit of the store under test")

    @pytest.fixture
    def world(self, kit: Kit) -> Kit:
        kit.add_team("waste", skills="waste,bins", members=(SAM,))
        kit.add_team("general", members=(SAM, PRIYA, NEW))
        kit.store.ensure_advisor(SAM, "Sam Okafor")
        kit.store.ensure_advisor(PRIYA, "Priya Nair")
        return kit

    # --- conversations and events ----------------------------------------------------------

    def test_a_new_conversation_is_with_the_bot_and_verified_by_its_references(
        self, kit: Kit
    ) -> None:
        plain = kit.store.create_conversation(language="cy", page_url="/x", identity_token=None)
        known = kit.store.create_conversation(
            language="en", page_url="/", identity_token="t", verified_refs=("CT1", "TE2")
        )
        assert (plain.state, plain.language, plain.last_seq, plain.verified) == (
            "bot",
            "cy",
            0,
            False,
        )
        assert plain.created_at == NOW and kit.store.get(plain.id) == plain
        assert known.references == ("CT1", "TE2") and known.verified_method == "token"
        with pytest.raises(NotFound):
            kit.store.get("nope")

    def test_events_are_numbered_per_conversation_and_found_by_client_id(self, kit: Kit) -> None:
        one, two = start(kit), start(kit)
        assert [say(kit, one, "a"), say(kit, one, "b"), say(kit, two, "c")] == [1, 2, 1]
        events = kit.store.events_after(one, 0)
        assert [(e.seq, e.data["text"], e.audience, e.at) for e in events] == [
            (1, "a", "all", NOW),
            (2, "b", "all", NOW),
        ]
        assert [e.seq for e in kit.store.events_after(one, 1)] == [2]
        assert len(kit.store.events_after(one, 0, limit=1)) == 1
        assert kit.store.last_seqs([one, two, "nope"]) == {one: 2, two: 1}
        assert kit.store.last_seqs([]) == {}
        with kit.store.transaction() as tx:
            found = tx.find_client_event(one, f"{one}-b")
            assert found is not None and found.seq == 2
            assert tx.find_client_event(two, f"{one}-b") is None

    def test_a_failed_transaction_leaves_nothing_behind(self, kit: Kit) -> None:
        cid = start(kit)
        with pytest.raises(RuntimeError), kit.store.transaction() as tx:
            c = tx.lock_conversation(cid)
            tx.append(c, "message", {"author": "resident", "text": "lost"})
            tx.update_conversation(cid, state=State.WAITING)
            raise RuntimeError("crash before commit")
        assert kit.store.events_after(cid, 0) == []
        assert kit.store.get(cid).state == "bot" and kit.store.get(cid).last_seq == 0
        with pytest.raises(NotFound), kit.store.transaction() as tx:
            tx.lock_conversation("nope")

    def test_a_transaction_collects_what_to_publish(self, kit: Kit) -> None:
        cid = start(kit)
        kit.clock.advance(5)
        with kit.store.transaction() as tx:
            tx.lock_router("instance-a")
            c = tx.lock_conversation(cid)
            tx.append(c, "state", {"state": "bot"})
            assert tx.now == NOW + timedelta(seconds=5)
        assert [(e.kind, e.seq) for e in tx.appended] == [("state", 1)]
        assert kit.store.get(cid).updated_at == NOW + timedelta(seconds=5)

    def test_a_closed_conversation_refuses(self, kit: Kit) -> None:
        cid = start(kit, state=State.CLOSED)
        with pytest.raises(ConversationClosed):
            kit.store.require_open(kit.store.get(cid))

    def test_parts_of_one_transaction_commit_together_and_publish_apart(self, kit: Kit) -> None:
        """What group commit does: several use cases, each with its own Tx part."""
        one, two = start(kit), start(kit)
        with kit.store.transaction() as tx:
            first, second = tx.part(), tx.part()
            first.append(first.lock_conversation(one), "state", {"state": "bot"})
            second.append(second.lock_conversation(two), "state", {"state": "bot"})
            second.touched_teams.add("waste")
            assert (first.now, second.now) == (tx.now, tx.now)
        assert [(e.conversation_id, e.seq) for e in first.appended] == [(one, 1)]
        assert [(e.conversation_id, e.seq) for e in second.appended] == [(two, 1)]
        assert (tx.appended, tx.touched_teams, first.touched_teams) == ([], set(), set())
        with pytest.raises(RuntimeError), kit.store.transaction() as tx:
            part = tx.part()
            part.append(part.lock_conversation(one), "state", {"state": "bot"})
            raise RuntimeError("one of the batch failed")
        assert kit.store.get(one).last_seq == 1  # the whole batch rolled back
        assert isinstance(kit.store.serial_writers, bool)

    def test_a_batch_transaction_numbers_finds_and_stores_like_one_transaction_each(
        self, world: Kit
    ) -> None:
        """Group commit's transaction: told the conversations and client ids up front."""
        store = world.store
        one, two = start(world), start(world, team="general")
        say(world, one, "earlier")
        with store.transaction() as tx:
            tx.update_conversation(two, state=State.WITH_ADVISOR, assigned_to=SAM)
            tx.open_assignment(tx.lock_conversation(two), SAM)
        clients = [f"{one}-earlier", "r1", "r2", "a1"]
        with store.batch_transaction([two, one, "nope"], clients) as tx:
            first, second, third = tx.part(), tx.part(), tx.part()
            again = first.find_client_event(one, f"{one}-earlier")
            assert again is not None and again.seq == 1  # stored before: a resend
            locked = first.lock_conversation(one)
            assert first.append(locked, "message", {"text": "r1"}, client_id="r1").seq == 2
            assert first.find_client_event(one, "r1") is not None  # in this batch: a resend
            assert second.find_client_event(one, "r2") is None
            r2 = second.append(
                second.lock_conversation(one), "message", {"text": "r2"}, client_id="r2"
            )
            assert (r2.seq, second.lock_conversation(one).last_seq) == (3, 3)
            a1 = third.append(
                third.lock_conversation(two), "message", {"text": "a1"}, client_id="a1"
            )
            third.set_read_seq(two, SAM, a1.seq)
            assert third.find_client_event(two, "zz") is None  # not told: looked up
            with pytest.raises(NotFound):
                third.lock_conversation("nope")
        assert [(e.seq, e.client_id) for e in first.appended + second.appended] == [
            (2, "r1"),
            (3, "r2"),
        ]
        assert [(e.seq, e.data["text"]) for e in store.events_after(one, 0)] == [
            (1, "earlier"),
            (2, "r1"),
            (3, "r2"),
        ]
        assert store.last_seqs([one, two]) == {one: 3, two: 1}
        assert store.read_seq(two, SAM) == 1 and store.get(one).updated_at == NOW
        with store.batch_transaction([one], ["r3"]) as tx:  # then another use case's write
            part = tx.part()
            part.append(part.lock_conversation(one), "message", {"text": "r3"}, client_id="r3")
            part.update_conversation(one, state=State.WAITING)
            assert part.lock_conversation(one).state == State.WAITING
            assert part.append(part.lock_conversation(one), "state", {"state": "waiting"}).seq == 5
        assert [e.seq for e in store.events_after(one, 3)] == [4, 5]
        with pytest.raises(RuntimeError), store.batch_transaction([one], ["lost"]) as tx:
            part = tx.part()
            part.append(part.lock_conversation(one), "message", {"text": "x"}, client_id="lost")
            raise RuntimeError("one of the batch failed")
        assert store.last_seqs([one]) == {one: 5} and len(store.events_after(one, 0)) == 5

    def test_an_outcome_is_recorded_with_its_transaction_or_not_at_all(self, kit: Kit) -> None:
        kept, lost = start(kit), start(kit)
        with kit.store.transaction() as tx:
            tx.update_conversation(tx.lock_conversation(kept).id, state=State.CLOSED)
            tx.record_outcome(kept)
            tx.record_outcome("nope")  # a conversation purged meanwhile: nothing to record
        with pytest.raises(RuntimeError), kit.store.transaction() as tx:
            tx.update_conversation(tx.lock_conversation(lost).id, state=State.CLOSED)
            tx.record_outcome(lost)
            raise RuntimeError("crash before commit")
        assert kit.outcome_recorded(kept)
        assert not kit.outcome_recorded(lost) and not kit.outcome_recorded("nope")

    def test_commits_are_timed(self, kit: Kit) -> None:
        seen: list[float] = []
        kit.store.on_commit = seen.append
        start(kit)
        assert len(seen) == 1 and seen[0] >= 0

    # --- teams and advisors ------------------------------------------------------------------

    def test_teams_in_order_with_their_skills_and_hours(self, world: Kit) -> None:
        world.add_team("planning", hours="never")
        teams = world.store.teams()
        assert [(t.slug, t.is_open) for t in teams] == [
            ("waste", True),
            ("general", True),
            ("planning", False),
        ]
        assert teams[0].skills == {"waste", "bins"}
        name, hours = world.store.team_hours("planning")
        assert name == "Planning" and hours.describe() == hours.parse("never").describe()
        with pytest.raises(NotFound):
            world.store.team_hours("nope")
        assert world.store.teams_of(SAM) == [("waste", "Waste"), ("general", "General")]

    def test_team_hours_are_read_in_the_transaction_too(self, world: Kit) -> None:
        world.add_team("planning", hours="never")
        with world.store.transaction() as tx:
            name, hours = tx.team_hours("planning")
            assert name == "Planning" and not hours.is_open(tx.now)
            assert tx.team_hours("waste")[1].is_open(tx.now)
            with pytest.raises(NotFound):
                tx.team_hours("nope")
        assert world.store.team_hours("planning")[0] == "Planning"
        with pytest.raises(NotFound):
            world.store.team_hours("nope")

    def test_an_advisors_load_counts_chats_and_open_offers_alike(self, world: Kit) -> None:
        active = start(world, state=State.WITH_ADVISOR, assigned_to=SAM)
        offered = start(world, state=State.WAITING, team="general", offered_to=SAM)
        start(world, state=State.CLOSED, assigned_to=SAM)  # finished: not load
        start(world, state=State.BOT, offered_to=SAM)  # offer withdrawn: not load
        by_id = {a.user_id: a for a in world.store.advisors(default_cap=3, grace_seconds=20)}
        assert (by_id[SAM].active, by_id[SAM].offers, by_id[SAM].cap) == (1, 1, 3)
        assert by_id[NEW].availability is Availability.AWAY and not by_id[NEW].connected
        assert by_id[NEW].teams == {"general"}
        assert world.store.active_count(SAM) == 1
        assert world.store.chat_states(SAM) == {active: "with_advisor", offered: "waiting"}
        assert world.store.chat_states_of([SAM, PRIYA, SAM]) == {
            SAM: {active: "with_advisor", offered: "waiting"}
        }
        assert world.store.chat_states_of([]) == {}
        assert world.store.open_offers([SAM, PRIYA]) == {(offered, SAM)}
        assert world.store.open_offers([]) == set()
        with world.store.transaction() as tx:
            assert tx.advisor_load(SAM, excluding="") == 2
            assert tx.advisor_load(SAM, excluding=offered) == 1
            assert tx.advisor_cap(SAM) is None
            assert tx.in_team(SAM, "waste") and not tx.in_team(PRIYA, "waste")
            assert tx.active_with([SAM, PRIYA]) == [active]
            assert tx.display_names() == {SAM: "Sam Okafor", PRIYA: "Priya Nair"}
            assert {a.user_id for a in tx.advisors(default_cap=3, grace_seconds=20)} == {
                SAM,
                PRIYA,
                NEW,
            }
            assert [t.slug for t in tx.teams()] == ["waste", "general"]
            assert [c.id for c in tx.waiting()] == [offered]

    def test_presence_and_availability(self, world: Kit) -> None:
        store = world.store
        store.set_availability(SAM, "available")
        store.touch_presence([SAM], "instance-a")
        store.touch_presence([], "instance-a")
        store.ensure_advisor(SAM, "Samuel Okafor")  # a new name; availability kept
        record = store.advisor(SAM)
        assert record is not None
        assert (record.display_name, record.availability, record.cap) == (
            "Samuel Okafor",
            "available",
            None,
        )
        assert store.advisor(NEW) is None
        world.clock.advance(10)
        sam = next(a for a in store.advisors(default_cap=3, grace_seconds=20) if a.user_id == SAM)
        assert sam.connected and sam.takes_chats and sam.idle_since == NOW
        world.clock.advance(30)
        sam = next(a for a in store.advisors(default_cap=3, grace_seconds=20) if a.user_id == SAM)
        assert not sam.connected

    def test_residents_are_heard_only_while_they_wait(self, world: Kit) -> None:
        waiting = start(world, state=State.WAITING, team="waste")
        idle = start(world, state=State.BOT)
        assert world.store.get(waiting).resident_seen_at is None
        world.clock.advance(7)
        world.store.touch_residents([waiting, idle, waiting, "no-such-chat"])
        world.store.touch_residents([])
        assert world.store.get(waiting).resident_seen_at == NOW + timedelta(seconds=7)
        assert world.store.get(idle).resident_seen_at is None  # a bot chat: no write

    def test_residents_beyond_one_statement_are_all_heard(
        self, world: Kit, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sql_console, "RESIDENT_CHUNK", 2)  # the SQL store's chunks
        many = [start(world, state=State.WAITING, team="general") for _ in range(5)]
        world.clock.advance(3)
        world.store.touch_residents(many)
        seen = {world.store.get(cid).resident_seen_at for cid in many}
        assert seen == {NOW + timedelta(seconds=3)}

    def test_dispatch_is_needed_for_a_queue_or_a_quiet_advisor_with_chats(self, world: Kit) -> None:
        assert not world.store.needs_dispatch(stale_before=NOW)
        start(world, state=State.WITH_ADVISOR, assigned_to=SAM)
        assert world.store.needs_dispatch(stale_before=NOW)  # never seen
        world.store.touch_presence([SAM], "a")
        assert not world.store.needs_dispatch(stale_before=NOW)
        assert world.store.needs_dispatch(stale_before=NOW + timedelta(seconds=1))
        start(world, state=State.WAITING, team="waste")
        assert world.store.needs_dispatch(stale_before=NOW)
        assert world.store.waiting_by_team() == {"waste": 1}

    def test_an_offer_goes_only_to_a_conversation_still_waiting(self, world: Kit) -> None:
        waiting = start(world, state=State.WAITING, team="general")
        gone = start(world, state=State.BOT)
        expires = NOW + timedelta(seconds=30)
        with world.store.transaction() as tx:
            assert tx.offer(waiting, PRIYA, expires)
            assert not tx.offer(gone, PRIYA, expires)
        offered = world.store.get(waiting)
        assert (offered.offered_to, offered.offer_expires_at) == (PRIYA, expires)
        assert world.store.get(gone).offered_to is None

    # --- assignments and the console's reads --------------------------------------------------

    def test_chats_with_unread_counts_and_read_marks(self, world: Kit) -> None:
        store = world.store
        cid = start(world, team="general")
        say(world, cid, "hello")
        with store.transaction() as tx:
            c = tx.lock_conversation(cid)
            tx.update_conversation(cid, state=State.WITH_ADVISOR, assigned_to=SAM)
            tx.open_assignment(c, SAM)
            assert tx.touched_advisors == {SAM}
        say(world, cid, "are you there")
        say(world, cid, "yes", author="advisor")
        say(world, cid, "thanks")
        (chat,) = store.chat_summaries(SAM)
        assert (chat.conversation.id, chat.unread, chat.last_message_text) == (cid, 2, "thanks")
        assert chat.last_message_at == NOW
        assert store.read_seq(cid, SAM) == 1 and store.unread(cid, 1) == 2
        store.mark_read(cid, SAM, 3)
        store.mark_read(cid, SAM, 2)  # never backwards
        assert store.read_seq(cid, SAM) == 3
        with store.transaction() as tx:
            tx.set_read_seq(cid, SAM, 4)
        assert store.chat_summaries(SAM)[0].unread == 0
        assert store.chat_summaries(PRIYA) == []
        world.clock.advance(60)
        with store.transaction() as tx:
            tx.end_assignment(cid, SAM, "closed")
            tx.end_assignment(cid, None, "closed")  # nobody held it: nothing to end
        assert store.read_seq(cid, SAM) == 0  # no open assignment left
        sam = next(a for a in store.advisors(default_cap=3, grace_seconds=20) if a.user_id == SAM)
        assert sam.idle_since == NOW + timedelta(seconds=60)

    def test_handle_time_is_the_average_of_recent_assignments(self, world: Kit) -> None:
        store = world.store
        assert store.handle_seconds(300.0) == 300.0
        for minutes in (2, 4, 6, 8, 10):
            cid = start(world)
            with store.transaction() as tx:
                tx.open_assignment(tx.lock_conversation(cid), SAM)
            world.clock.advance(minutes * 60)
            with store.transaction() as tx:
                tx.end_assignment(cid, SAM, "closed")
        assert store.handle_seconds(300.0) == 360.0

    # --- the bot's relay ---------------------------------------------------------------------

    def test_bot_relays_are_claimed_once_and_cleared(self, world: Kit) -> None:
        store = world.store
        cid = start(world)
        first = say(world, cid, "first", pending=True)
        second = say(world, cid, "second", pending=True)
        assert store.claim_unrelayed(stale_claim=30, recent=600, limit=10) == []  # fresh claims
        world.clock.advance(31)
        claimed = store.claim_unrelayed(stale_claim=30, recent=600, limit=1)
        assert [(c.conversation_id, c.seq, c.text) for c in claimed] == [(cid, first, "first")]
        assert [c.seq for c in store.claim_unrelayed(stale_claim=30, recent=600, limit=10)] == [
            second
        ]
        world.clock.advance(31)
        with store.transaction() as tx:
            tx.clear_bot_pending(cid, second, and_earlier=True)
        assert store.claim_unrelayed(stale_claim=30, recent=600, limit=10) == []

    def test_only_the_conversations_with_the_bot_and_recent_talk_are_relayed(
        self, world: Kit
    ) -> None:
        store = world.store
        waiting = start(world)
        say(world, waiting, "lost", pending=True)
        with store.transaction() as tx:
            tx.lock_conversation(waiting)
            tx.update_conversation(waiting, state=State.WAITING)
        old = start(world)
        say(world, old, "long ago", pending=True)
        mine = start(world)
        one = say(world, mine, "one", pending=True)
        say(world, mine, "two", pending=True)
        with store.transaction() as tx:
            tx.clear_bot_pending(mine, one)  # only this one
        world.clock.advance(601)
        assert store.claim_unrelayed(stale_claim=0, recent=600, limit=10) == []
        world.clock.advance(-600)
        claimed = store.claim_unrelayed(stale_claim=0, recent=600, limit=10)
        assert {(c.conversation_id, c.text) for c in claimed} == {
            (old, "long ago"),
            (mine, "two"),
        }

    # --- transcripts and the bot's verification record --------------------------------------

    def test_the_first_transcript_stays_and_grants_expire(self, world: Kit) -> None:
        cid = start(world)
        world.grant(cid, "CT40012345", expires_at=NOW + timedelta(minutes=5))
        world.grant(cid, "CT40099999", expires_at=NOW - timedelta(minutes=5))
        with world.store.transaction() as tx:
            tx.add_transcript(cid, text="first", reference="CASE-1")
            tx.add_transcript(cid, text="second", reference="CASE-2")
            assert [(g.reference, g.method) for g in tx.account_grants(cid)] == [
                ("CT40012345", "knowledge_check")
            ]
            assert tx.account_grants("other") == []

    # --- administration --------------------------------------------------------------------

    def test_teams_hours_modes_members_and_caps_are_administered(self, world: Kit) -> None:
        store = world.store
        assert store.set_team("waste", opening_hours="mon-fri 09:00-17:00")
        assert store.set_team("waste", routing_mode="pool")
        assert not store.set_team("nope", routing_mode="pool")
        store.add_member("waste", PRIYA)
        store.add_member("waste", PRIYA)  # twice is once
        store.set_cap(SAM, 5, display_name="sam@example.gov.uk")
        store.set_cap(NEW, 2, display_name="new@example.gov.uk")  # no presence row yet
        waste = store.team_records()[0]
        assert (waste.slug, waste.opening_hours, waste.routing_mode) == (
            "waste",
            "mon-fri 09:00-17:00",
            "pool",
        )
        assert sorted(waste.members) == [SAM, PRIYA]
        caps = {a.user_id: a.cap for a in store.advisors(default_cap=3, grace_seconds=20)}
        assert caps == {SAM: 5, PRIYA: 3, NEW: 2}
        assert store.display_names()[NEW] == "new@example.gov.uk"
        assert store.user_id("nobody@example.gov.uk") is None

    # --- one routing decision at a time ----------------------------------------------------------

    def test_two_writers_never_both_take_the_last_place(self, world: Kit) -> None:
        """Two threads each offer a different chat to Sam, within his cap of one: the
        router lock lets exactly one through."""
        store = world.store
        store.set_cap(SAM, 1, display_name="Sam Okafor")
        chats = [start(world, state=State.WAITING, team="general") for _ in range(2)]
        ready = threading.Barrier(2)
        won: list[str] = []

        def offer(cid: str) -> None:
            ready.wait()
            with store.transaction() as tx:
                tx.lock_router()
                if tx.advisor_load(SAM, excluding="") < (tx.advisor_cap(SAM) or 3):
                    tx.lock_conversation(cid)
                    if tx.offer(cid, SAM, NOW + timedelta(seconds=30)):
                        won.append(cid)

        threads = [threading.Thread(target=offer, args=(cid,)) for cid in chats]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1
        assert store.open_offers([SAM]) == {(won[0], SAM)}

    def test_many_advisors_touching_presence_at_once_never_deadlock(self, world: Kit) -> None:
        """Twenty advisors connect at once on several instances: each instance
        touches every advisor it holds, in whatever order its hub lists them, while
        each new socket touches its own advisor. On PostgreSQL a multi-row update
        without a lock order deadlocked (4 sockets of 20 died); every touch must
        succeed and every advisor end up connected."""
        store = world.store
        people = list(range(1000, 1020))
        for user_id in people:
            store.ensure_advisor(user_id, f"Advisor {user_id}")
        ready = threading.Barrier(len(people))
        failures: list[BaseException] = []

        def connect(index: int) -> None:
            mine = people[index:] + people[:index]  # each hub lists them in its own order
            ready.wait()
            try:
                for round_ in range(8):
                    store.touch_presence(mine[:: 1 if round_ % 2 else -1], f"instance-{index % 4}")
                    store.touch_presence([people[index]], f"instance-{index % 4}")
            except BaseException as exc:  # what any thread met, reported below
                failures.append(exc)

        threads = [threading.Thread(target=connect, args=(i,)) for i in range(len(people))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        seen = {a.user_id for a in store.advisors(default_cap=3, grace_seconds=20) if a.connected}
        assert set(people) <= seen


class TestMemoryHandoffStore(HandoffStoreContract):
    @pytest.fixture
    def kit(self) -> Kit:
        return memory_kit()


class TestSqlHandoffStore(HandoffStoreContract):
    @pytest.fixture
    def kit(self, database) -> Kit:  # type: ignore[no-untyped-def]
        return sql_kit(database.engine)
