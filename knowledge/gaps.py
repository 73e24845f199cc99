"""Content gaps: what residents asked that nothing answered well.

The bot and the site search report questions; the editor sees them grouped
by similarity (token overlap on normalised words, deterministic and cheap),
with counts, and turns a group into a new draft or attaches its questions to
an existing article as alternative questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.clock import london_today
from knowledge.actors import Actor
from knowledge.articles import create_article, edit_fields, get_article, utcnow
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


@dataclass
class GapGroup:
    representative: str
    language: str
    gap_ids: list[int] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    _tokens: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        return len(self.gap_ids)

    @property
    def distinct_questions(self) -> list[str]:
        seen: dict[str, str] = {}
        for question in self.questions:
            seen.setdefault(" ".join(question.lower().split()), question)
        return list(seen.values())


def record_gap(
    session: Session,
    *,
    question: str,
    source: str,
    language: str = "en",
    conversation_id: str | None = None,
    now: datetime | None = None,
) -> ContentGap:
    gap = ContentGap(
        question=" ".join(question.split())[:2000],
        source=source,
        language=language,
        conversation_id=conversation_id,
        status="open",
        resolution="",
        created_at=now or utcnow(),
    )
    session.add(gap)
    session.flush()
    return gap


def open_gaps(
    session: Session, *, language: str | None = None, days: int = 180
) -> Sequence[ContentGap]:
    statement = select(ContentGap).where(
        ContentGap.status == "open", ContentGap.created_at >= utcnow() - timedelta(days=days)
    )
    if language:
        statement = statement.where(ContentGap.language == language)
    return session.scalars(statement.order_by(ContentGap.created_at).limit(MAX_GAPS)).all()


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


def grouped(session: Session, *, language: str | None = None) -> list[GapGroup]:
    return group_gaps(open_gaps(session, language=language))


def _resolve(session: Session, gap_ids: Sequence[int], *, article_id: int, resolution: str) -> int:
    gaps = session.scalars(
        select(ContentGap).where(ContentGap.id.in_(list(gap_ids)), ContentGap.status == "open")
    ).all()
    now = utcnow()
    for gap in gaps:
        gap.status, gap.resolution, gap.article_id, gap.resolved_at = (
            "resolved", resolution, article_id, now,
        )  # fmt: skip
    session.flush()
    return len(gaps)


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
    _resolve(session, gap_ids, article_id=article.id, resolution="drafted")
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
    _resolve(session, gap_ids, article_id=article.id, resolution="attached")
    return article
