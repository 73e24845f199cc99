"""The SQL Store's reads for the advisor's console, presence, the background
loops (dispatch look-ahead, bot relay recovery, metrics) and administration.

A mixin of :class:`handoff.store.sql.SqlStore`, split out to keep each module
in one head; the advisor's load is the one ``sql.holds`` expression.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Insert,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.audit import AuditAction
from handoff import models as m
from handoff.states import State
from handoff.store.records import (
    AdvisorRecord,
    ChatSummary,
    Conversation,
    TeamRecord,
    Unrelayed,
)

if TYPE_CHECKING:
    from handoff.store.records import Clock

_c = m.conversations.c
_e = m.events.c
_a = m.advisors.c
_as = m.assignments.c
# conversation ids per statement when presence touches residents (an instance may hold
# thousands of sockets; bounded IN lists keep each statement's plan and parameters small)
RESIDENT_CHUNK = 500


def _insert_new(
    conn: Connection,
    table: Table,
    row: dict[str, Any],
    *,
    key: str,
    or_set: dict[str, Any] | None = None,
) -> Insert:
    """INSERT ``row`` unless a row with its ``key`` exists; that row then gets
    ``or_set`` (ON CONFLICT DO NOTHING / DO UPDATE, on PostgreSQL and SQLite alike)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**row)
    if or_set:
        return statement.on_conflict_do_update(index_elements=[key], set_=or_set)
    return statement.on_conflict_do_nothing(index_elements=[key])


def holds(user_id: int) -> ColumnElement[bool]:
    """The advisor's load: chats with them now, and chats offered to them still waiting.
    The one definition for caps, the console's chat list and its diffing."""
    return or_(
        and_(_c.state == State.WITH_ADVISOR, _c.assigned_to == user_id),
        and_(_c.state == State.WAITING, _c.offered_to == user_id),
    )


class ConsoleQueries:
    engine: Engine
    clock: Clock
    writing: Callable[[], AbstractContextManager[Connection]]

    # --- background loops ----------------------------------------------------------------

    def needs_dispatch(self, *, stale_before: datetime) -> bool:
        with self.engine.connect() as conn:
            waiting = conn.execute(select(_c.id).where(_c.state == State.WAITING).limit(1)).first()
            if waiting is not None:
                return True
            quiet = conn.execute(
                select(_c.id)
                .join(m.advisors, _a.user_id == _c.assigned_to)
                .where(
                    _c.state == State.WITH_ADVISOR,
                    or_(_a.last_seen_at.is_(None), _a.last_seen_at < stale_before),
                )
                .limit(1)
            ).first()
            return quiet is not None

    def claim_unrelayed(self, *, stale_claim: float, recent: float, limit: int) -> list[Unrelayed]:
        now = self.clock()
        unclaimed = or_(
            _e.bot_claimed_at.is_(None), _e.bot_claimed_at < now - timedelta(seconds=stale_claim)
        )
        with self.engine.connect() as conn:  # a read first: usually there is nothing to claim
            rows = conn.execute(
                select(_e.id, _e.conversation_id, _e.seq, _e.data)
                .join(m.conversations, _c.id == _e.conversation_id)
                .where(
                    _e.bot_pending.is_(True),
                    _e.at > now - timedelta(seconds=recent),  # never revive stale talk
                    unclaimed,
                    _c.state == State.BOT,
                )
                .order_by(_e.id)
                .limit(limit)
            ).all()
        claimed: list[Unrelayed] = []
        if not rows:
            return claimed
        with self.writing() as conn:
            for row in rows:
                won = conn.execute(
                    update(m.events)
                    .where(_e.id == row.id, _e.bot_pending.is_(True), unclaimed)
                    .values(bot_claimed_at=now)
                ).rowcount
                if won:  # another instance may have claimed it meanwhile
                    text = row.data.get("payload") or row.data.get("text", "")
                    claimed.append(Unrelayed(row.conversation_id, row.seq, text))
        return claimed

    def waiting_by_team(self) -> dict[str | None, int]:
        query = select(_c.team, func.count()).where(_c.state == "waiting").group_by(_c.team)
        with self.engine.connect() as conn:
            return {team: int(count) for team, count in conn.execute(query).all()}

    # --- presence ------------------------------------------------------------------------

    def ensure_advisor(self, user_id: int, display_name: str) -> None:
        with self.writing() as conn:
            exists = conn.execute(select(_a.display_name).where(_a.user_id == user_id)).first()
            if exists is None:
                # The console's socket and its "available" can both be an advisor's first
                # request, on two connections: the later insert finds the row and does
                # nothing (it used to fail the request with a duplicate key: a 500).
                row = {
                    "user_id": user_id,
                    "display_name": display_name,
                    "availability": "away",
                    "connected": False,
                }
                conn.execute(_insert_new(conn, m.advisors, row, key="user_id"))
            elif exists.display_name != display_name:
                conn.execute(
                    update(m.advisors)
                    .where(_a.user_id == user_id)
                    .values(display_name=display_name)
                )

    def set_availability(self, user_id: int, availability: str) -> None:
        with self.writing() as conn:
            conn.execute(
                update(m.advisors)
                .where(_a.user_id == user_id)
                .values(availability=availability, idle_since=self.clock())
            )

    def touch_presence(self, user_ids: Sequence[int], instance_id: str) -> None:
        if not user_ids:
            return
        ids = sorted(set(user_ids))
        with self.writing() as conn:
            # Rows locked in one order (user id) before the update: a multi-row UPDATE
            # locks them in whatever order its scan meets them, and twenty advisors
            # connecting at once deadlocked on PostgreSQL (SQLite ignores FOR UPDATE
            # and writes one at a time).
            conn.execute(
                select(_a.user_id).where(_a.user_id.in_(ids)).order_by(_a.user_id).with_for_update()
            ).all()
            conn.execute(
                update(m.advisors)
                .where(_a.user_id.in_(ids))
                .values(last_seen_at=self.clock(), connected=True, instance_id=instance_id[:80])
            )

    def touch_residents(self, conversation_ids: Sequence[str]) -> None:
        if not conversation_ids:
            return
        ids = sorted(set(conversation_ids))
        now = self.clock()
        with self.writing() as conn:
            # Chunks in id order, each locked in id order before its update: the lock
            # order of conversations (``store.sql``), and a bounded IN list however many
            # residents this instance holds.
            for start in range(0, len(ids), RESIDENT_CHUNK):
                chunk = ids[start : start + RESIDENT_CHUNK]
                waiting = and_(_c.id.in_(chunk), _c.state == State.WAITING)
                locked = conn.execute(
                    select(_c.id).where(waiting).order_by(_c.id).with_for_update()
                ).all()
                if locked:
                    conn.execute(
                        update(m.conversations).where(waiting).values(resident_seen_at=now)
                    )

    # --- the console's reads ---------------------------------------------------------------

    def advisor(self, user_id: int) -> AdvisorRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(m.advisors).where(_a.user_id == user_id)).first()
        if row is None:
            return None
        return AdvisorRecord(row.user_id, row.display_name, row.availability, row.cap)

    def display_names(self) -> dict[int, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(_a.user_id, _a.display_name)).all()
        return {row.user_id: row.display_name for row in rows}

    def teams_of(self, user_id: int) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(m.teams.c.slug, m.teams.c.name)
                .join(m.team_members, m.team_members.c.team_slug == m.teams.c.slug)
                .where(m.team_members.c.user_id == user_id)
                .order_by(m.teams.c.sort_order, m.teams.c.slug)
            ).all()
        return [(row.slug, row.name) for row in rows]

    def active_count(self, user_id: int) -> int:
        query = select(func.count()).select_from(m.conversations)
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    query.where(_c.state == State.WITH_ADVISOR, _c.assigned_to == user_id)
                ).scalar_one()
            )

    def chat_states(self, user_id: int) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(_c.id, _c.state).where(holds(user_id))).all()
        return {row.id: row.state for row in rows}

    def chat_states_of(self, user_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        found: dict[int, dict[str, str]] = {}
        wanted = sorted(set(user_ids))
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = conn.execute(
                    select(_c.id, _c.state, _c.assigned_to, _c.offered_to).where(
                        or_(
                            and_(_c.state == State.WITH_ADVISOR, _c.assigned_to.in_(chunk)),
                            and_(_c.state == State.WAITING, _c.offered_to.in_(chunk)),
                        )
                    )
                ).all()
                for row in rows:
                    holder = row.assigned_to if row.state == State.WITH_ADVISOR else row.offered_to
                    found.setdefault(holder, {})[row.id] = row.state
        return found

    def open_offers(self, user_ids: Sequence[int]) -> set[tuple[str, int]]:
        if not user_ids:
            return set()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(_c.id, _c.offered_to).where(
                    _c.state == State.WAITING, _c.offered_to.in_(list(user_ids))
                )
            ).all()
        return {(row.id, row.offered_to) for row in rows}

    def chat_summaries(self, user_id: int) -> list[ChatSummary]:
        mine = and_(_as.conversation_id == _c.id, _as.user_id == user_id, _as.ended_at.is_(None))
        result = []
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(m.conversations, _as.read_seq)
                .outerjoin(m.assignments, mine)
                .where(holds(user_id))
                .order_by(_c.created_at)
            ).all()
            for row in rows:
                last = conn.execute(
                    select(_e.data, _e.at)
                    .where(_e.conversation_id == row.id, _e.kind == "message")
                    .order_by(_e.seq.desc())
                    .limit(1)
                ).first()
                result.append(
                    ChatSummary(
                        conversation=Conversation.from_row(row),
                        unread=_unread(conn, row.id, row.read_seq or 0),
                        last_message_at=last.at if last else None,
                        last_message_text=(last.data.get("text") or "") if last else "",
                    )
                )
        return result

    def read_seq(self, conversation_id: str, user_id: int) -> int:
        with self.engine.connect() as conn:
            seq = conn.execute(
                select(_as.read_seq).where(
                    _as.conversation_id == conversation_id,
                    _as.user_id == user_id,
                    _as.ended_at.is_(None),
                )
            ).scalar()
        return int(seq or 0)

    def unread(self, conversation_id: str, after_seq: int) -> int:
        with self.engine.connect() as conn:
            return _unread(conn, conversation_id, after_seq)

    def mark_read(self, conversation_id: str, user_id: int, seq: int) -> None:
        with self.writing() as conn:
            conn.execute(
                update(m.assignments)
                .where(
                    _as.conversation_id == conversation_id,
                    _as.user_id == user_id,
                    _as.ended_at.is_(None),
                    _as.read_seq < seq,
                )
                .values(read_seq=seq)
            )

    # --- administration ------------------------------------------------------------------

    def team_records(self) -> list[TeamRecord]:
        with self.engine.connect() as conn:
            teams = conn.execute(select(m.teams).order_by(m.teams.c.sort_order)).all()
            members = conn.execute(select(m.team_members)).all()
        return [
            TeamRecord(
                slug=team.slug,
                name=team.name,
                opening_hours=team.opening_hours,
                routing_mode=team.routing_mode,
                members=tuple(r.user_id for r in members if r.team_slug == team.slug),
            )
            for team in teams
        ]

    def set_team(
        self, slug: str, *, opening_hours: str | None = None, routing_mode: str | None = None
    ) -> bool:
        values = {"opening_hours": opening_hours, "routing_mode": routing_mode}
        changes = {key: value for key, value in values.items() if value is not None}
        with self.writing() as conn:
            query = update(m.teams).where(m.teams.c.slug == slug).values(**changes)
            return bool(conn.execute(query).rowcount)

    def add_member(self, team: str, user_id: int) -> None:
        tm = m.team_members.c
        with self.writing() as conn:
            conn.execute(delete(m.team_members).where(tm.team_slug == team, tm.user_id == user_id))
            conn.execute(insert(m.team_members).values(team_slug=team, user_id=user_id))

    def set_cap(self, user_id: int, cap: int, *, display_name: str) -> None:
        row = {
            "user_id": user_id,
            "display_name": display_name,
            "availability": "away",
            "connected": False,
            "cap": cap,
        }
        with self.writing() as conn:  # one statement: no window for the console's first request
            conn.execute(_insert_new(conn, m.advisors, row, key="user_id", or_set={"cap": cap}))

    def user_id(self, email: str) -> int | None:
        """A staff account's id by email (``frontdoor.accounts``, same database)."""
        from frontdoor.accounts.models import User

        with self.engine.connect() as conn:
            found = conn.execute(select(User.id).where(User.email == email.strip().lower()))
            user_id = found.scalar()
        return None if user_id is None else int(user_id)

    def audit(
        self, actor: str, subject: str, entries: Sequence[tuple[AuditAction, Mapping[str, Any]]]
    ) -> None:
        """Append staff access entries to the audit chain, committed together."""
        with Session(self.engine) as db:
            for action, detail in entries:
                audit.record(
                    db, actor=actor, action=action, subject=subject, detail=detail, clock=self.clock
                )
            db.commit()


def _unread(conn: Connection, conversation_id: str, after_seq: int) -> int:
    query = select(func.count()).select_from(m.events)
    return int(
        conn.execute(
            query.where(
                _e.conversation_id == conversation_id,
                _e.seq > after_seq,
                _e.author == "resident",
            )
        ).scalar_one()
    )
