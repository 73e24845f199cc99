"""Insight's SQL, in one place: recording outcomes and reading them back.

Reads the handoff service's tables (``handoff.models``) and writes only
``conversation_outcomes`` and ``conversation_intents`` and their daily rollup
(``insight_daily``, ``insight_daily_waits``, ``insight_daily_intents``).
:func:`record` runs inside the handoff transaction that closes (or rates) a
conversation, so the outcome (and its share of the rollup) is stored with the
close or not at all. The summary reads whole UTC days from the rollup and the
partial days at a range's edges from the outcomes (:func:`plan`); the readers
aggregate in SQL and return small rows that :mod:`insight.report` folds into
the dashboard's figures.

Conversations still open have no record yet: the readers derive theirs from
events on the fly (``pending``), so "all conversations" means every recorded
outcome (including those whose conversation the retention purge removed) plus
every stored conversation not yet recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Engine,
    Float,
    Integer,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    not_,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite

from frontdoor.contracts.service_areas import team_for_area
from handoff import models as ho
from insight import models as m
from insight import report
from insight.outcomes import EventFact, Outcome, derive

o = m.conversation_outcomes
d = m.insight_daily
w = m.insight_daily_waits
ci = m.conversation_intents
di = m.insight_daily_intents
dp = m.insight_daily_peaks
# Open means not closed; written as a literal so that SQLite (which cannot see through a
# bound parameter) matches it to the partial index ix_ho_conversations_open (ho_0003).
OPEN = ho.conversations.c.state != literal_column("'closed'")


@dataclass(frozen=True)
class Filters:
    """Which conversations a query covers: started in [start, end), optional team, and
    optional topics (a service area is the set of topics that belong to it)."""

    start: datetime | None = None
    end: datetime | None = None
    team: str | None = None
    topic: str | None = None
    topics: tuple[str, ...] | None = None
    area: str | None = None  # a service area (a team's slug in frontdoor.contracts)


# --- recording ---------------------------------------------------------------------


def events_of(conn: Connection, conversation_id: str) -> list[EventFact]:
    rows = conn.execute(
        select(ho.events.c.seq, ho.events.c.kind, ho.events.c.at, ho.events.c.data)
        .where(ho.events.c.conversation_id == conversation_id)
        .order_by(ho.events.c.seq)
    ).all()
    return [EventFact(r.seq, r.kind, r.at, r.data or {}) for r in rows]


def outcome_row(
    conversation_id: str,
    outcome: Outcome,
    *,
    started_at: datetime,
    closed_at: datetime | None,
    language: str,
    team: str | None,
    demo: bool = False,
) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "started_at": started_at,
        "closed_at": closed_at,
        "language": (language or "en")[:8],
        "team": team,
        "demo": demo,
        **asdict(outcome),
        "topic": outcome.topic[:40],
    }


def recompute(conn: Connection, conversation_id: str) -> dict[str, Any] | None:
    """The outcome row a stored conversation has now, from its events (None: unknown).
    Its ``intents`` are the rows it has in ``conversation_intents``."""
    conv = conn.execute(
        select(
            ho.conversations.c.created_at,
            ho.conversations.c.closed_at,
            ho.conversations.c.language,
            ho.conversations.c.team,
        ).where(ho.conversations.c.id == conversation_id)
    ).first()
    if conv is None:
        return None
    row = outcome_row(
        conversation_id,
        derive(events_of(conn, conversation_id)),
        started_at=conv.created_at,
        closed_at=conv.closed_at,
        language=conv.language,
        team=conv.team,
    )
    return {**row, **advisor_load_of(conn, conversation_id)}


def advisor_load_of(conn: Connection, conversation_id: str) -> dict[str, int | None]:
    """:func:`insight.report.advisor_load` of a stored conversation, from the assignments."""
    a = ho.assignments.c
    own = [
        (r.user_id, r.started_at, r.ended_at)
        for r in conn.execute(
            select(a.user_id, a.started_at, a.ended_at).where(
                a.conversation_id == conversation_id, a.ended_at.is_not(None)
            )
        )
    ]
    theirs: list[tuple[int, datetime, datetime | None]] = []
    if own:
        overlaps = [
            and_(
                a.user_id == user,
                a.started_at < end,
                (a.ended_at.is_(None)) | (a.ended_at > start),
            )
            for user, start, end in own
        ]
        theirs = [
            (r.user_id, r.started_at, r.ended_at)
            for r in conn.execute(select(a.user_id, a.started_at, a.ended_at).where(or_(*overlaps)))
        ]
    return report.advisor_load(own, theirs)


def record(conn: Connection, conversation_id: str) -> None:
    """Store (or refresh) a conversation's outcome, in the caller's transaction.

    The daily rollup moves with it: a re-record takes the old row's contribution
    out before the new one goes in, so recording twice counts once."""
    row = recompute(conn, conversation_id)
    if row is None:
        return
    old = recorded(conn, conversation_id)
    if old is not None:
        contribute(conn, old, -1)
        conn.execute(delete(o).where(o.c.conversation_id == conversation_id))
        conn.execute(delete(ci).where(ci.c.conversation_id == conversation_id))
    conn.execute(insert(o).values(**{k: v for k, v in row.items() if k != "intents"}))
    if row["intents"]:
        conn.execute(
            insert(ci),
            [
                {
                    "conversation_id": conversation_id,
                    "intent": name,
                    "messages": n,
                    "confidence_milli": milli,
                }
                for name, n, milli in row["intents"]
            ],
        )
    contribute(conn, row, 1)


# --- the daily rollup (insight_daily, insight_daily_waits) --------------------------


def _upsert(conn: Connection, table: Any, keys: dict[str, Any], sums: dict[str, int]) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**keys, **sums)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: table.c[name] + stmt.excluded[name] for name in sums},
        )
    )


def _take(conn: Connection, table: Any, keys: dict[str, Any], sums: dict[str, int]) -> None:
    where = [table.c[k] == v for k, v in keys.items()]
    conn.execute(
        table.update().where(*where).values(**{name: table.c[name] - n for name, n in sums.items()})
    )
    first = next(iter(sums))
    conn.execute(delete(table).where(*where, table.c[first] <= 0))


def contribute(conn: Connection, row: dict[str, Any], sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) one outcome row's share of the rollup."""
    g = report.pending_as_grouped([row])[0]
    keys = {
        "day": g["day"],
        "language": g["language"],
        "team": g["team"] or "",
        "topic": g["topic"],
    }
    sums = {name: int(g[name]) for name in SUMS}
    day_keys = {**keys, "outcome": g["outcome"], "reason": g["reason"] or ""}
    wait = row["wait_seconds"]
    wait_keys = {**keys, "bucket": report.wait_bucket(wait)} if wait is not None else None
    intent_keys = [
        ({"day": g["day"], "team": g["team"] or "", "topic": g["topic"], "intent": name},
         {"conversations": 1, "messages": n, "confidence_milli": milli})
        for name, n, milli in row.get("intents") or ()
    ]  # fmt: skip
    peak = row.get("advisor_peak_chats")
    peak_keys = (
        {"day": g["day"], "team": g["team"] or "", "topic": g["topic"], "peak": peak}
        if peak is not None
        else None
    )
    if peak_keys is not None:
        (_upsert if sign > 0 else _take)(conn, dp, peak_keys, {"n": 1})
    if sign > 0:
        _upsert(conn, d, day_keys, sums)
        if wait_keys is not None:
            _upsert(conn, w, wait_keys, {"n": 1})
        for keys_i, sums_i in intent_keys:
            _upsert(conn, di, keys_i, sums_i)
    else:
        _take(conn, d, day_keys, sums)
        if wait_keys is not None:
            _take(conn, w, wait_keys, {"n": 1})
        for keys_i, sums_i in intent_keys:
            _take(conn, di, keys_i, sums_i)


def _bucket_sql(column: Any) -> Any:
    whens = [(column < below, column - column % width) for below, width in report.WAIT_BUCKETS]
    return case((column <= 0, column), *whens, else_=column - column % report.WAIT_BUCKET_BEYOND)


def rebuild_rollup(
    conn: Connection, *, intents: bool = True, sums: tuple[str, ...] | None = None
) -> int:
    """Recompute the rollup tables from ``conversation_outcomes`` (and, unless
    ``intents`` is False, ``conversation_intents``), set-based. Returns how many day
    rows it wrote. A migration passes the ``sums`` its tables have (and no intents
    before in_0003), so it never writes a column a later revision adds."""
    sums = sums or SUMS
    conn.execute(delete(d))
    conn.execute(delete(w))
    day = day_of(conn, o.c.started_at)
    base = [day, o.c.language, func.coalesce(o.c.team, ""), o.c.topic]
    keys = [*base, o.c.outcome, func.coalesce(o.c.reason, "")]
    conn.execute(
        insert(d).from_select(
            ["day", "language", "team", "topic", "outcome", "reason", *sums],
            select(*keys, *(c for c in _sums() if c.name in sums)).group_by(*keys),
            include_defaults=False,  # a migration's table has only ``sums``
        )
    )
    bucket = _bucket_sql(o.c.wait_seconds)
    conn.execute(
        insert(w).from_select(
            ["day", "language", "team", "topic", "bucket", "n"],
            select(*base, bucket, func.count())
            .where(o.c.wait_seconds.is_not(None))
            .group_by(*base, bucket),
        )
    )
    if intents:
        rebuild_intents(conn)
    # fresh statistics: with PostgreSQL's planner still believing a table empty (its
    # last ANALYZE saw it so), a year's intents were read by a bitmap scan and sorted on
    # disk, 543 ms instead of 15 (a million outcomes)
    for table in [d, w, di, dp] if intents else [d, w]:
        conn.exec_driver_sql(f"ANALYZE {table.name}")
    return int(conn.execute(select(func.count()).select_from(d)).scalar_one())


def rebuild_intents(conn: Connection) -> None:
    """Recompute ``insight_daily_intents`` from ``conversation_intents`` and
    ``insight_daily_peaks`` from the outcomes' advisor peaks (set-based; in_0003)."""
    conn.execute(delete(di))
    conn.execute(delete(dp))
    day = day_of(conn, o.c.started_at)
    peak_keys = [day, func.coalesce(o.c.team, ""), o.c.topic, o.c.advisor_peak_chats]
    conn.execute(
        insert(dp).from_select(
            ["day", "team", "topic", "peak", "n"],
            select(*peak_keys, func.count())
            .where(o.c.advisor_peak_chats.is_not(None))
            .group_by(*peak_keys),
        )
    )
    intent_keys = [day, func.coalesce(o.c.team, ""), o.c.topic, ci.c.intent]
    conn.execute(
        insert(di).from_select(
            ["day", "team", "topic", "intent", *m.INTENT_SUMS],
            select(
                *intent_keys,
                func.count(),
                func.sum(ci.c.messages),
                func.sum(ci.c.confidence_milli),
            )
            .select_from(ci.join(o, o.c.conversation_id == ci.c.conversation_id))
            .group_by(*intent_keys),
        )
    )


def record_many(conn: Connection, conversation_ids: Iterable[str]) -> int:
    """Record several (before a purge deletes them, or a backfill). Returns how many."""
    done = 0
    for conversation_id in conversation_ids:
        record(conn, conversation_id)
        done += 1
    return done


def recorded(conn: Connection, conversation_id: str) -> dict[str, Any] | None:
    """The recorded outcome row, with its ``intents`` as :func:`recompute` gives them."""
    row = conn.execute(select(o).where(o.c.conversation_id == conversation_id)).first()
    if row is None:
        return None
    intents = conn.execute(
        select(ci.c.intent, ci.c.messages, ci.c.confidence_milli)
        .where(ci.c.conversation_id == conversation_id)
        .order_by(ci.c.intent)
    ).all()
    return {**row._mapping, "intents": tuple((r[0], int(r[1]), int(r[2])) for r in intents)}


def closed_conversations(conn: Connection) -> list[str]:
    """Every stored conversation that is closed."""
    c = ho.conversations.c
    return list(conn.execute(select(c.id).where(c.state == "closed").order_by(c.id)).scalars())


def unrecorded_closed(conn: Connection) -> list[str]:
    """Closed conversations with no outcome yet (closed before insight existed)."""
    has = select(o.c.conversation_id).where(o.c.conversation_id == ho.conversations.c.id)
    return list(
        conn.execute(
            select(ho.conversations.c.id).where(
                ho.conversations.c.state == "closed", not_(has.exists())
            )
        ).scalars()
    )


# --- reading -----------------------------------------------------------------------


def day_of(engine_or_conn: Engine | Connection, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a moment column, as ``YYYY-MM-DD`` text, on either backend."""
    if engine_or_conn.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.substr(column, 1, 10)  # SQLite stores naive UTC text


def _where(filters: Filters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.start is not None:
        clauses.append(o.c.started_at >= filters.start)
    if filters.end is not None:
        clauses.append(o.c.started_at < filters.end)
    if filters.team is not None:
        clauses.append(o.c.team == filters.team)
    if filters.topic is not None:
        clauses.append(o.c.topic == filters.topic)
    if filters.topics is not None:
        clauses.append(o.c.topic.in_(filters.topics))
    return clauses


def _true(column: Any) -> Any:
    return func.sum(case((column.is_(True), 1), else_=0))


TOTAL_KEYS = ("language", "team", "outcome", "reason")
SERIES_KEYS = ("day", "outcome")


def grouped(conn: Connection, filters: Filters, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Counts and sums grouped by ``keys`` (``day`` is the UTC day of ``started_at``).

    Two shapes serve the dashboard: :data:`TOTAL_KEYS` (a few hundred rows at most,
    whatever the range) and :data:`SERIES_KEYS` (one row per day and outcome)."""
    columns: list[Any] = [
        day_of(conn, o.c.started_at).label("day") if key == "day" else o.c[key] for key in keys
    ]
    query = select(*columns, *_sums()).where(*_where(filters)).group_by(*columns)
    names = (*keys, *SUMS)
    return [dict(zip(names, row, strict=True)) for row in conn.execute(query)]


def _sums() -> list[Any]:
    """The raw sums in :data:`SUMS` order, over ``conversation_outcomes``."""
    ooh = o.c.out_of_hours.is_(True)
    return [
        func.count().label("conversations"),
        func.count(o.c.rating).label("rating_n"),
        func.coalesce(func.sum(o.c.rating), 0).label("rating_sum"),
        func.coalesce(func.sum(o.c.helpful_yes), 0).label("helpful_yes"),
        func.coalesce(func.sum(o.c.helpful_no), 0).label("helpful_no"),
        _true(o.c.out_of_hours).label("out_of_hours"),
        func.sum(case((and_(ooh, o.c.outcome == "left_message"), 1), else_=0)).label(
            "ooh_left_message"
        ),
        func.count(o.c.handle_seconds).label("handle_n"),
        func.coalesce(func.sum(o.c.handle_seconds), 0).label("handle_sum"),
        _true(o.c.demo).label("demo"),
        func.coalesce(func.sum(o.c.advisor_chat_ms), 0).label("advisor_chat_ms"),
        func.coalesce(func.sum(o.c.advisor_busy_ms), 0).label("advisor_busy_ms"),
    ]


SUMS = report.ROLLUP_SUMS


def histogram(conn: Connection, filters: Filters, column: str) -> list[tuple[str, int, int]]:
    """(language, seconds, how many) for ``wait_seconds`` or ``abandon_seconds``."""
    col = o.c[column]
    rows = conn.execute(
        select(o.c.language, col, func.count())
        .where(*_where(filters), col.is_not(None))
        .group_by(o.c.language, col)
    ).all()
    return [(r[0], int(r[1]), int(r[2])) for r in rows]


def intents(conn: Connection, filters: Filters) -> list[tuple[str, int, int, int]]:
    """(intent, conversations, messages, confidence in thousandths summed)."""
    rows = conn.execute(
        select(ci.c.intent, func.count(), func.sum(ci.c.messages), func.sum(ci.c.confidence_milli))
        .select_from(ci.join(o, o.c.conversation_id == ci.c.conversation_id))
        .where(*_where(filters))
        .group_by(ci.c.intent)
    ).all()
    return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows]


def topics(conn: Connection, filters: Filters) -> list[tuple[str, str, int]]:
    """(topic, outcome, how many)."""
    rows = conn.execute(
        select(o.c.topic, o.c.outcome, func.count())
        .where(*_where(filters))
        .group_by(o.c.topic, o.c.outcome)
    ).all()
    return [(r[0], r[1], int(r[2])) for r in rows]


# --- reading the rollup ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How a range splits: whole UTC days ``[first, stop)`` from the rollup (``None``
    bounds are open; ``days`` False: no whole day at all) and the partial days at
    either edge from ``conversation_outcomes``."""

    days: bool
    first: str | None
    stop: str | None
    raw: tuple[Filters, ...]


def plan(filters: Filters) -> Plan:
    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=UTC)

    lo = hi = None
    if filters.start is not None:
        s = filters.start.astimezone(UTC)
        lo = midnight(s.date()) if s == midnight(s.date()) else midnight(s.date()) + timedelta(1)
    if filters.end is not None:
        hi = midnight(filters.end.astimezone(UTC).date())
    if lo is not None and hi is not None and lo >= hi:
        return Plan(False, None, None, (filters,))
    raw = []
    if filters.start is not None and lo != filters.start:
        raw.append(replace(filters, end=lo))
    if filters.end is not None and hi != filters.end:
        raw.append(replace(filters, start=hi))
    return Plan(
        True,
        lo.date().isoformat() if lo is not None else None,
        hi.date().isoformat() if hi is not None else None,
        tuple(raw),
    )


def _rollup_where(table: Any, p: Plan, filters: Filters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if p.first is not None:
        clauses.append(table.c.day >= p.first)
    if p.stop is not None:
        clauses.append(table.c.day < p.stop)
    if filters.team is not None:
        clauses.append(table.c.team == filters.team)
    if filters.topic is not None:
        clauses.append(table.c.topic == filters.topic)
    if filters.topics is not None:
        clauses.append(table.c.topic.in_(filters.topics))
    return clauses


def rollup_grouped(
    conn: Connection, p: Plan, filters: Filters, keys: tuple[str, ...]
) -> list[dict[str, Any]]:
    """:func:`grouped` over the whole days of ``p``, from ``insight_daily``."""
    if not p.days:
        return []
    columns: list[Any] = [
        func.nullif(d.c[key], "").label(key) if key in ("team", "reason") else d.c[key]
        for key in keys
    ]
    query = (
        select(*columns, *(func.sum(d.c[name]) for name in SUMS))
        .where(*_rollup_where(d, p, filters))
        .group_by(*(d.c[key] for key in keys))
    )
    names = (*keys, *SUMS)
    return [dict(zip(names, row, strict=True)) for row in conn.execute(query)]


def rollup_breakdowns(
    conn: Connection, p: Plan, filters: Filters
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, str, int]]]:
    """:func:`rollup_grouped` by :data:`TOTAL_KEYS` and by :data:`SERIES_KEYS` and
    :func:`rollup_topics`, over the whole days of ``p``. PostgreSQL reads
    ``insight_daily`` once for all three (``GROUPING SETS``); SQLite, which has no
    grouping sets, runs the three queries."""
    if not p.days:
        return [], [], []
    if conn.dialect.name != "postgresql":
        return (
            rollup_grouped(conn, p, filters, TOTAL_KEYS),
            rollup_grouped(conn, p, filters, SERIES_KEYS),
            rollup_topics(conn, p, filters),
        )
    c = d.c
    sets = func.grouping_sets(
        tuple_(*(c[key] for key in TOTAL_KEYS)),
        tuple_(*(c[key] for key in SERIES_KEYS)),
        tuple_(c.topic, c.outcome),
    )
    # which set a row belongs to: the bits of day, language and topic left out of it
    which = func.grouping(c.day, c.language, c.topic)
    query = (
        select(
            which,
            c.day,
            c.language,
            func.nullif(c.team, ""),
            c.topic,
            c.outcome,
            func.nullif(c.reason, ""),
            # summed as float8, not numeric (what a bigint's sum is): a third faster over
            # a year's rows, and exact while a sum stays below 2**53
            *(func.sum(cast(c[name], Float(precision=53))) for name in SUMS),
        )
        .where(*_rollup_where(d, p, filters))
        .group_by(sets)
    )
    totals: list[dict[str, Any]] = []
    series: list[dict[str, Any]] = []
    topics_: list[tuple[str, str, int]] = []
    for row in conn.execute(query):
        g, day, language, team, topic, outcome, reason, *sums = row
        figures = {name: int(n) for name, n in zip(SUMS, sums, strict=True)}
        if g == 0b101:  # language (with team, outcome, reason)
            keys = (language, team, outcome, reason)
            totals.append({**dict(zip(TOTAL_KEYS, keys, strict=True)), **figures})
        elif g == 0b011:  # day (with outcome)
            series.append({"day": day, "outcome": outcome, **figures})
        else:  # topic (with outcome)
            topics_.append((topic, outcome, int(sums[0])))
    return totals, series, topics_


def rollup_waits(conn: Connection, p: Plan, filters: Filters) -> list[tuple[str, int, int]]:
    """(language, bucket's lower edge, how many) over the whole days of ``p``."""
    if not p.days:
        return []
    rows = conn.execute(
        select(w.c.language, w.c.bucket, func.sum(w.c.n))
        .where(*_rollup_where(w, p, filters))
        .group_by(w.c.language, w.c.bucket)
    ).all()
    return [(r[0], int(r[1]), int(r[2])) for r in rows]


def rollup_topics(conn: Connection, p: Plan, filters: Filters) -> list[tuple[str, str, int]]:
    if not p.days:
        return []
    rows = conn.execute(
        select(d.c.topic, d.c.outcome, func.sum(d.c.conversations))
        .where(*_rollup_where(d, p, filters))
        .group_by(d.c.topic, d.c.outcome)
    ).all()
    return [(r[0], r[1], int(r[2])) for r in rows]


def rollup_intents(conn: Connection, p: Plan, filters: Filters) -> list[tuple[str, int, int, int]]:
    """:func:`intents` over the whole days of ``p``, from ``insight_daily_intents``."""
    if not p.days:
        return []
    rows = conn.execute(
        select(
            di.c.intent,
            func.sum(di.c.conversations),
            func.sum(di.c.messages),
            func.sum(di.c.confidence_milli),
        )
        .where(*_rollup_where(di, p, filters))
        .group_by(di.c.intent)
    ).all()
    return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows]


def open_conversations_query(filters: Filters) -> Any:
    """The ids of stored conversations still open and not yet recorded."""
    c = ho.conversations.c
    has = select(o.c.conversation_id).where(o.c.conversation_id == c.id)
    # the partial index ix_ho_conversations_open holds just these, among millions closed
    clauses: list[ColumnElement[bool]] = [OPEN, not_(has.exists())]
    if filters.start is not None:
        clauses.append(c.created_at >= filters.start)
    if filters.end is not None:
        clauses.append(c.created_at < filters.end)
    if filters.team is not None:
        clauses.append(c.team == filters.team)
    return select(c.id).where(*clauses)


def recompute_many(conn: Connection, ids: Sequence[str]) -> list[dict[str, Any]]:
    """:func:`recompute` for many conversations in a few queries (the open ones each
    summary derives): their rows, their events, and which had an advisor."""
    if not ids:
        return []
    c = ho.conversations.c
    e = ho.events.c
    a = ho.assignments.c
    metas = {
        r.id: r
        for r in conn.execute(
            select(c.id, c.created_at, c.closed_at, c.language, c.team).where(c.id.in_(ids))
        )
    }
    facts: dict[str, list[EventFact]] = {i: [] for i in metas}
    for r in conn.execute(
        select(e.conversation_id, e.seq, e.kind, e.at, e.data)
        .where(e.conversation_id.in_(list(metas)))
        .order_by(e.conversation_id, e.seq)
    ):
        facts[r.conversation_id].append(EventFact(r.seq, r.kind, r.at, r.data or {}))
    with_advisor = set(
        conn.execute(
            select(a.conversation_id).where(
                a.conversation_id.in_(list(metas)), a.ended_at.is_not(None)
            )
        ).scalars()
    )
    rows = []
    for conversation_id, meta in metas.items():
        row = outcome_row(
            conversation_id,
            derive(facts[conversation_id]),
            started_at=meta.created_at,
            closed_at=meta.closed_at,
            language=meta.language,
            team=meta.team,
        )
        if conversation_id in with_advisor:
            load = advisor_load_of(conn, conversation_id)
        else:
            load = report.advisor_load([], [])
        rows.append({**row, **load})
    return rows


def pending(conn: Connection, filters: Filters) -> list[dict[str, Any]]:
    """Outcome rows, derived now, of stored conversations with no record yet (open ones)."""
    ids = list(conn.execute(open_conversations_query(filters)).scalars())
    rows = recompute_many(conn, ids)
    if filters.topic is not None:
        rows = [r for r in rows if r["topic"] == filters.topic]
    if filters.area is not None:
        rows = [r for r in rows if area_of(r["topic"]) == filters.area]
    elif filters.topics is not None:
        rows = [r for r in rows if r["topic"] in filters.topics]
    return rows


def area_of(topic: str) -> str:
    """The service area a recorded topic belongs to (a handover's area, an article's
    slug, a team): the team that handles it, by the council's one list."""
    return team_for_area(topic)


def with_area(conn: Connection, filters: Filters) -> Filters:
    """``filters`` with a service area turned into the recorded topics that belong to it."""
    if filters.area is None:
        return filters
    topics = tuple(t for t in known_topics(conn) if area_of(t) == filters.area)
    return replace(filters, topics=topics)


def count_all(conn: Connection) -> int:
    """Every conversation insight knows: recorded outcomes plus stored ones not yet recorded."""
    recorded_n = conn.execute(select(func.count()).select_from(o)).scalar_one()
    return int(recorded_n) + len(pending(conn, Filters()))


def teams(conn: Connection) -> list[tuple[str, str]]:
    return [
        (r.slug, r.name)
        for r in conn.execute(
            select(ho.teams.c.slug, ho.teams.c.name).order_by(
                ho.teams.c.sort_order, ho.teams.c.slug
            )
        )
    ]


def known_topics(conn: Connection) -> list[str]:
    """Every topic recorded (the rollup holds each one; it is far smaller than the rows)."""
    return sorted(t for t in conn.execute(select(d.c.topic).distinct()).scalars() if t is not None)


# --- advisors: concurrency from assignments (live data) -----------------------------


def peak_chats(conn: Connection, filters: Filters) -> int | None:
    """The most chats an advisor had at once, over the recorded outcomes in range (raw)."""
    found = conn.execute(select(func.max(o.c.advisor_peak_chats)).where(*_where(filters))).scalar()
    return int(found) if found is not None else None


def rollup_peak_chats(conn: Connection, p: Plan, filters: Filters) -> int | None:
    """:func:`peak_chats` over the whole days of ``p``, from ``insight_daily_peaks``."""
    if not p.days:
        return None
    found = conn.execute(select(func.max(dp.c.peak)).where(*_rollup_where(dp, p, filters))).scalar()
    return int(found) if found is not None else None


def advisors_assigned(conn: Connection, filters: Filters) -> int:
    """How many advisors the stored assignments started in range name."""
    a = ho.assignments.c
    clauses: list[ColumnElement[bool]] = []
    if filters.start is not None:
        clauses.append(a.started_at >= filters.start)
    if filters.end is not None:
        clauses.append(a.started_at < filters.end)
    if filters.team is not None:
        clauses.append(a.team == filters.team)
    return int(conn.execute(select(func.count(a.user_id.distinct())).where(*clauses)).scalar_one())


def assignment_spans(conn: Connection, filters: Filters) -> list[tuple[int, datetime, datetime]]:
    a = ho.assignments.c
    clauses: list[ColumnElement[bool]] = [a.ended_at.is_not(None)]
    if filters.start is not None:
        clauses.append(a.started_at >= filters.start)
    if filters.end is not None:
        clauses.append(a.started_at < filters.end)
    if filters.team is not None:
        clauses.append(a.team == filters.team)
    rows = conn.execute(select(a.user_id, a.started_at, a.ended_at).where(*clauses)).all()
    return [(r.user_id, r.started_at, r.ended_at) for r in rows]


# --- supervisor history and inbox ---------------------------------------------------


@dataclass(frozen=True)
class HistoryQuery:
    start: datetime | None = None
    end: datetime | None = None
    team: str | None = None
    advisor: int | None = None
    outcome: str | None = None
    rating: int | None = None
    limit: int = 50
    offset: int = 0


def history(conn: Connection, query: HistoryQuery) -> list[dict[str, Any]]:
    """Stored conversations (newest first) with their outcome and the advisors who had them."""
    c = ho.conversations.c
    clauses: list[ColumnElement[bool]] = []
    if query.start is not None:
        clauses.append(c.created_at >= query.start)
    if query.end is not None:
        clauses.append(c.created_at < query.end)
    if query.team is not None:
        clauses.append(c.team == query.team)
    if query.rating is not None:
        clauses.append(c.rating == query.rating)
    if query.advisor is not None:
        clauses.append(
            select(ho.assignments.c.id)
            .where(
                ho.assignments.c.conversation_id == c.id,
                ho.assignments.c.user_id == query.advisor,
            )
            .exists()
        )
    if query.outcome is not None:
        clauses.append(o.c.outcome == query.outcome)  # o is outer-joined below
    rows = conn.execute(
        select(
            c.id,
            c.created_at,
            c.closed_at,
            c.state,
            c.language,
            c.team,
            c.rating,
            o.c.outcome,
            o.c.reason,
        )
        .select_from(ho.conversations.outerjoin(o, o.c.conversation_id == c.id))
        .where(*clauses)
        .order_by(c.created_at.desc(), c.id)
        .limit(query.limit)
        .offset(query.offset)
    ).all()
    found = [dict(r._mapping) for r in rows]
    advisors = _advisors_of(conn, [r["id"] for r in found])
    for row in found:
        row["advisors"] = advisors.get(row["id"], [])
    return found


def _advisors_of(conn: Connection, ids: Sequence[str]) -> dict[str, list[str]]:
    if not ids:
        return {}
    a = ho.assignments.c
    rows = conn.execute(
        select(a.conversation_id, ho.advisors.c.display_name, a.user_id)
        .select_from(ho.assignments.outerjoin(ho.advisors, ho.advisors.c.user_id == a.user_id))
        .where(a.conversation_id.in_(list(ids)))
        .order_by(a.id)
    ).all()
    found: dict[str, list[str]] = {}
    for row in rows:
        name = row.display_name or f"advisor {row.user_id}"
        names = found.setdefault(row.conversation_id, [])
        if name not in names:
            names.append(name)
    return found


def advisors(conn: Connection) -> list[tuple[int, str]]:
    return [
        (r.user_id, r.display_name or f"advisor {r.user_id}")
        for r in conn.execute(
            select(ho.advisors.c.user_id, ho.advisors.c.display_name).order_by(
                ho.advisors.c.display_name
            )
        )
    ]


def conversation(conn: Connection, conversation_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(ho.conversations).where(ho.conversations.c.id == conversation_id)
    ).first()
    return dict(row._mapping) if row else None


def transcript_events(conn: Connection, conversation_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(ho.events.c.seq, ho.events.c.kind, ho.events.c.at, ho.events.c.data)
        .where(ho.events.c.conversation_id == conversation_id)
        .order_by(ho.events.c.seq)
    ).all()
    return [dict(r._mapping) for r in rows]


def left_messages(
    conn: Connection,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    team: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Messages residents left (newest first) in range, with their case reference.

    The transcripts first, then their conversations by id: a join let SQLite scan
    every conversation (a million) to find the few hundred messages left."""
    t = ho.transcripts.c
    clauses: list[ColumnElement[bool]] = [t.case_reference.is_not(None)]
    if start is not None:
        clauses.append(t.created_at >= start)
    if end is not None:
        clauses.append(t.created_at < end)
    query = (
        select(t.conversation_id, t.created_at, t.case_reference)
        .where(*clauses)
        .order_by(t.created_at.desc(), t.conversation_id)
    )
    if team is None:
        query = query.limit(limit)
    rows = [dict(r._mapping) for r in conn.execute(query)]
    c = ho.conversations.c
    found: dict[str, tuple[str | None, str]] = {}
    ids = [r["conversation_id"] for r in rows]
    for at in range(0, len(ids), 500):
        for conv in conn.execute(
            select(c.id, c.team, c.language).where(c.id.in_(ids[at : at + 500]))
        ):
            found[conv.id] = (conv.team, conv.language)
    left: list[dict[str, Any]] = []
    for row in rows:
        if row["conversation_id"] not in found:
            continue
        its_team, language = found[row["conversation_id"]]
        if team is not None and its_team != team:
            continue
        left.append({**row, "team": its_team, "language": language})
        if len(left) >= limit:
            break
    return left


def case_statuses(conn: Connection, references: Sequence[str]) -> dict[str, tuple[str, Any]]:
    """reference → (status, first moment someone moved it on) from the back office's CRM."""
    if not references:
        return {}
    from backoffice.models import CaseEventRow, CaseRow

    cases = conn.execute(
        select(CaseRow.id, CaseRow.reference, CaseRow.status).where(
            CaseRow.reference.in_(list(references))
        )
    ).all()
    by_id = {r.id: (r.reference, r.status) for r in cases}
    picked: dict[int, Any] = {}
    if by_id:
        for ev in conn.execute(
            select(CaseEventRow.case_id, func.min(CaseEventRow.at))
            .where(
                CaseEventRow.case_id.in_(list(by_id)),
                CaseEventRow.status.not_in(["open", "received", "new"]),
            )
            .group_by(CaseEventRow.case_id)
        ):
            picked[ev[0]] = ev[1]
    return {ref: (status, picked.get(case_id)) for case_id, (ref, status) in by_id.items()}


def left_message_pickups(conn: Connection, filters: Filters) -> list[tuple[int | None, int]]:
    """Messages left in range (of the team's conversations, if one is given) by how many
    hours (nearest, halves up) passed before someone first moved the case on: (hours or
    None when nobody has yet, how many). One aggregate over the transcripts, their
    conversations and the back office's cases.

    The dashboard's year once read the messages (70,000 in a million conversations),
    then their cases by a list of every reference: above 65,535 references PostgreSQL
    refused the statement (a server error after 6 s)."""
    from backoffice.models import CaseEventRow, CaseRow

    t = ho.transcripts.c
    c = ho.conversations.c
    moved = (
        select(CaseEventRow.case_id, func.min(CaseEventRow.at).label("at"))
        .where(CaseEventRow.status.not_in(["open", "received", "new"]))
        .group_by(CaseEventRow.case_id)
        .subquery()
    )
    half_up: ColumnElement[Any]
    if conn.dialect.name == "postgresql":
        half_up = func.floor(func.extract("epoch", moved.c.at - t.created_at) / 3600 + 0.5)
    else:  # SQLite keeps UTC text; CAST truncates toward zero, so step down below zero
        v = (func.julianday(moved.c.at) - func.julianday(t.created_at)) * 24 + 0.5
        half_up = cast(v, Integer) - case((v < cast(v, Integer), 1), else_=0)
    hours = half_up.label("hours")
    clauses: list[ColumnElement[bool]] = [t.case_reference.is_not(None)]
    if filters.start is not None:
        clauses.append(t.created_at >= filters.start)
    if filters.end is not None:
        clauses.append(t.created_at < filters.end)
    left: Any = ho.transcripts
    if filters.team is not None:  # a transcript goes with its conversation (cascade)
        left = left.join(ho.conversations, c.id == t.conversation_id)
        clauses.append(c.team == filters.team)
    query = (
        select(hours, func.count())
        .select_from(
            left.outerjoin(CaseRow, CaseRow.reference == t.case_reference).outerjoin(
                moved, moved.c.case_id == CaseRow.id
            )
        )
        .where(*clauses)
        .group_by(hours)
    )
    return [(None if r[0] is None else int(r[0]), int(r[1])) for r in conn.execute(query)]


def purge_demo_flag(conn: Connection) -> int:
    """How many recorded outcomes are demo data."""
    return int(
        conn.execute(
            select(func.count()).select_from(o).where(o.c.demo.is_(literal(True, Boolean)))
        ).scalar_one()
    )


def first_day(conn: Connection) -> date | None:
    moment = conn.execute(select(func.min(o.c.started_at))).scalar()
    return moment.date() if moment else None
