"""Content gaps: what residents asked that nothing answered well.

The bot and the site search report questions. Each question joins a group
when it is recorded: the group of an open question with similar normalised
words (token overlap, deterministic and cheap), or a new one keyed by its own
normalised words. Who asked is kept as a keyed hash (``client_key``, never an
address), and a client asking the same thing again adds nothing, so a group's
weight is its number of distinct askers: one client's flood of junk counts
once per group and cannot push many residents' real questions off the screen
(issue #10). One client also holds at most ``MAX_OPEN_PER_CLIENT`` open gaps
(a setting), so even slow junk cannot fill the pages.

The editor's screen pages through the groups, most askers first and newest
first among equals, and turns a group into a new draft, attaches its
questions to an existing article as alternative questions, or dismisses it;
each records who did it and when.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from frontdoor.clock import london_today
from frontdoor.redaction import redact
from knowledge.actors import Actor
from knowledge.articles import create_article, edit_fields, get_article, utcnow
from knowledge.exceptions import NotAllowed
from knowledge.models import Article, ContentGap
from knowledge.schemas import ArticleCreate

STOP_WORDS = frozenset(
    """a an and are at be can could do does for from get got have how i if in is it its me my
    of on or our please should so the their there they this to was we what when where which
    who why will with would you your yr ydw ydy yn y o ar am sut beth""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z0-9\u00c0-\u024f']+")
SIMILARITY = 0.6
MAX_GAPS = 5000
MAX_KEY_CHARS = 200
FUZZY_CANDIDATES = 500  # the most recently asked open groups a new question may join
OPEN_DAYS = 180  # older open gaps leave the screen
PER_PAGE = 20
MAX_OPEN_PER_CLIENT = 50  # open gaps one client (address or conversation) may hold


def tokens(question: str) -> frozenset[str]:
    words = _WORD.findall(question.lower().replace("\u2019", "'"))
    result = set()
    for word in words:
        word = word.strip("'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word and word not in STOP_WORDS:
            result.add(word)
    return frozenset(result)


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    shared = len(a & b)
    return shared / min(len(a), len(b)) >= SIMILARITY and (shared >= 2 or len(a | b) <= 2)


def normalised(question: str) -> str:
    """A question's key: its significant words, sorted (or its folded text if it has none)."""
    words = tokens(question)
    if words:
        return " ".join(sorted(words))[:MAX_KEY_CHARS]
    return " ".join(question.lower().split())[:MAX_KEY_CHARS]


def home_key(question: str, known_keys: Sequence[str]) -> str:
    """The group a question joins: its own key if known, else the first similar known group."""
    key = normalised(question)
    if key in known_keys:
        return key
    words = tokens(question)
    if words:
        for candidate in known_keys:
            if similar(frozenset(candidate.split()), words):
                return candidate
    return key


@dataclass
class GapGroup:
    representative: str
    language: str
    key: str = ""
    askers: int = 0  # distinct clients (0 when built in memory: then every gap counts)
    gap_ids: list[int] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    _tokens: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        return self.askers or len(self.gap_ids)

    @property
    def distinct_questions(self) -> list[str]:
        seen: dict[str, str] = {}
        for question in self.questions:
            seen.setdefault(" ".join(question.lower().split()), question)
        return list(seen.values())


def _open(language: str | None = None) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [ContentGap.status == "open"]
    if language:
        clauses.append(ContentGap.language == language)
    return clauses


def _group_of(session: Session, question: str, language: str) -> str:
    key = normalised(question)
    exact = select(ContentGap.id).where(*_open(language), ContentGap.group_key == key)
    if session.scalar(exact.limit(1)) is not None:
        return key
    recent = session.scalars(
        select(ContentGap.group_key)
        .where(*_open(language))
        .group_by(ContentGap.group_key)
        .order_by(func.max(ContentGap.created_at).desc(), ContentGap.group_key)
        .limit(FUZZY_CANDIDATES)
    ).all()
    return home_key(question, recent)


def record_gap(
    session: Session,
    *,
    question: str,
    source: str,
    language: str = "en",
    conversation_id: str | None = None,
    client_key: str | None = None,
    max_open_per_client: int = MAX_OPEN_PER_CLIENT,
    now: datetime | None = None,
) -> ContentGap:
    """Record a question in its group; the same client asking again returns its open gap.

    ``client_key`` is ``frontdoor.ratelimit.client_key`` of who asked; without
    one (the seed, old rows) the gap counts as an asker of its own. A client
    already holding ``max_open_per_client`` open gaps has said enough: its
    newest open gap is returned and nothing is added, so no one client can
    fill the screen, however slowly it writes.
    """
    # redacted before anything else sees it: every editor reads this list
    text = redact(" ".join(question.split()))[:2000]
    key = _group_of(session, text, language)
    if client_key is not None:
        asked = session.scalars(
            select(ContentGap)
            .where(
                *_open(language), ContentGap.group_key == key, ContentGap.client_key == client_key
            )
            .limit(1)
        ).first()
        if asked is not None:
            return asked
        held = select(ContentGap).where(*_open(), ContentGap.client_key == client_key)
        newest = session.scalars(
            held.order_by(ContentGap.created_at.desc(), ContentGap.id.desc())
            .offset(max_open_per_client - 1)
            .limit(1)
        ).first()
        if newest is not None:
            return session.scalars(
                held.order_by(ContentGap.created_at.desc(), ContentGap.id.desc()).limit(1)
            ).one()
    gap = ContentGap(
        question=text,
        source=source,
        language=language,
        conversation_id=conversation_id,
        group_key=key,
        client_key=client_key,
        status="open",
        resolution="",
        resolved_by="",
        created_at=now or utcnow(),
    )
    session.add(gap)
    session.flush()
    return gap


def open_gaps(
    session: Session, *, language: str | None = None, days: int = OPEN_DAYS
) -> Sequence[ContentGap]:
    """Open gaps, newest first (at most ``MAX_GAPS``; the editor's screen pages groups)."""
    statement = select(ContentGap).where(
        *_open(language), ContentGap.created_at >= utcnow() - timedelta(days=days)
    )
    return session.scalars(
        statement.order_by(ContentGap.created_at.desc(), ContentGap.id.desc()).limit(MAX_GAPS)
    ).all()


@dataclass
class GapPage:
    groups: list[GapGroup]
    total: int  # groups on every page
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_of_groups(
    session: Session,
    *,
    language: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    days: int = OPEN_DAYS,
    now: datetime | None = None,
) -> GapPage:
    """Open groups, most distinct askers first, then the most recently asked."""
    page, per_page = max(1, page), max(1, per_page)
    where = [*_open(language), ContentGap.created_at >= (now or utcnow()) - timedelta(days=days)]
    askers = func.count(distinct(ContentGap.client_key)) + func.sum(
        case((ContentGap.client_key.is_(None), 1), else_=0)
    )
    last = func.max(ContentGap.created_at)
    grouped_rows = (
        select(ContentGap.group_key, ContentGap.language, askers.label("askers"))
        .where(*where)
        .group_by(ContentGap.group_key, ContentGap.language)
    )
    total = session.scalar(select(func.count()).select_from(grouped_rows.subquery())) or 0
    rows = session.execute(
        grouped_rows.order_by(askers.desc(), last.desc(), ContentGap.language, ContentGap.group_key)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    groups = {
        (key, language): GapGroup(representative="", language=language, key=key, askers=n)
        for key, language, n in rows
    }
    if groups:
        members = session.scalars(
            select(ContentGap)
            .where(
                *where,
                or_(*(
                    and_(ContentGap.group_key == key, ContentGap.language == language)
                    for key, language in groups
                )),
            )
            .order_by(ContentGap.created_at, ContentGap.id)
        ).all()  # fmt: skip
        for gap in members:
            group = groups[(gap.group_key, gap.language)]
            group.representative = group.representative or gap.question
            group.gap_ids.append(gap.id)
            group.questions.append(gap.question)
            group.sources[gap.source] = group.sources.get(gap.source, 0) + 1
            group.first_seen = group.first_seen or gap.created_at
            group.last_seen = gap.created_at
    return GapPage(list(groups.values()), total, page, per_page)


def group_gaps(gaps: Sequence[ContentGap]) -> list[GapGroup]:
    """Greedy single pass: each question joins the first similar group."""
    groups: list[GapGroup] = []
    for gap in gaps:
        words = tokens(gap.question)
        home = next(
            (g for g in groups if g.language == gap.language and similar(g._tokens, words)), None
        )
        if home is None:
            home = GapGroup(representative=gap.question, language=gap.language, _tokens=words)
            groups.append(home)
        home.gap_ids.append(gap.id)
        home.questions.append(gap.question)
        home.sources[gap.source] = home.sources.get(gap.source, 0) + 1
        home.first_seen = home.first_seen or gap.created_at
        home.last_seen = gap.created_at
    groups.sort(key=lambda g: (-g.count, -(g.last_seen or utcnow()).timestamp()))
    return groups


def grouped(session: Session, *, language: str | None = None, limit: int = 100) -> list[GapGroup]:
    """The first ``limit`` groups in the screen's order."""
    return page_of_groups(session, language=language, per_page=limit).groups


def _resolve(
    session: Session,
    gap_ids: Sequence[int],
    *,
    article_id: int | None,
    resolution: str,
    actor: Actor,
    status: str = "resolved",
) -> int:
    gaps = session.scalars(
        select(ContentGap).where(ContentGap.id.in_(list(gap_ids)), ContentGap.status == "open")
    ).all()
    now = utcnow()
    for gap in gaps:
        gap.status, gap.resolution, gap.article_id = status, resolution, article_id
        gap.resolved_at, gap.resolved_by = now, actor.key[:120]
    session.flush()
    return len(gaps)


def dismiss(session: Session, gap_ids: Sequence[int], *, actor: Actor) -> int:
    """Take a group off the screen without an article (junk, or nothing to write)."""
    if not actor.can_write:
        raise NotAllowed("Only an editor, reviewer or admin can dismiss content gaps.")
    return _resolve(
        session, gap_ids, article_id=None, resolution="dismissed", actor=actor, status="dismissed"
    )


def _questions_of(session: Session, gap_ids: Sequence[int]) -> list[str]:
    rows = session.scalars(select(ContentGap).where(ContentGap.id.in_(list(gap_ids)))).all()
    group = GapGroup(representative="", language="en", questions=[gap.question for gap in rows])
    return group.distinct_questions


def draft_from_gaps(
    session: Session,
    gap_ids: Sequence[int],
    *,
    title: str,
    slug: str,
    service_area: str,
    owner_team: str,
    language: str = "en",
    actor: Actor,
) -> Article:
    """A new draft whose alternative questions are the residents' own words."""
    questions = _questions_of(session, gap_ids)
    data = ArticleCreate(
        title=title,
        slug=slug,
        summary=f"Draft started from {len(gap_ids)} unanswered question(s).",
        service_area=service_area,  # type: ignore[arg-type]
        owner_team=owner_team,
        review_by=london_today() + timedelta(days=365),
        language=language,  # type: ignore[arg-type]
        alternative_questions=questions[:100],
        body="Write the answer here.\n\nResidents asked:\n\n"
        + "\n".join(f"- {question}" for question in questions[:20])
        + "\n",
    )
    article = create_article(session, data, actor=actor, note="Started from content gaps")
    _resolve(session, gap_ids, article_id=article.id, resolution="drafted", actor=actor)
    return article


def attach_to_article(
    session: Session, gap_ids: Sequence[int], article_id: int, *, actor: Actor
) -> Article:
    """Add the group's questions to an article's alternative questions (a new revision)."""
    article = get_article(session, article_id, for_update=True)
    known = {" ".join(q.lower().split()) for q in article.alternative_questions}
    additions = [
        q for q in _questions_of(session, gap_ids) if " ".join(q.lower().split()) not in known
    ]
    if additions:
        edit_fields(
            session, article, actor=actor,
            note=f"Added {len(additions)} question(s) from content gaps",
            alternative_questions=[*article.alternative_questions, *additions][:100],
        )  # fmt: skip
    _resolve(session, gap_ids, article_id=article.id, resolution="attached", actor=actor)
    return article
