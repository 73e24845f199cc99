"""The review queue of what the bot missed (content gaps): residents' messages
that nothing answered well, grouped by meaning, for editors to act on.

Sources (``SOURCES``): the bot fell back (``fallback``: nothing it knew answered),
the resident said "No" to "Did that help?" (``not_helpful``), the message sent
the conversation to a person (``handover``), or the website search found
nothing (``site_search``). The bot reports the first three over HTTP
(``frontdoor.contracts.review``); every text is redacted (``frontdoor.redaction``)
before anything else sees it.

Grouping by meaning happens once, when a message is recorded, so it is
deterministic (the same messages in the same order make the same groups) and a
group never changes under an editor's eyes: the message's vector from the
search's own embedding model (all-MiniLM-L6-v2) is compared with the open
messages of its language (the newest ``GROUP_CANDIDATES``); it joins the group
of the most similar one when the cosine reaches ``knowledge_review_similarity``
(ties: the newest), else starts a group keyed by its own normalised words. The
same normalised words always share a group. Without a model (some tests, a
broken install) the old word-overlap rule decides.

Who asked is kept as a keyed hash (``client_key``, never an address), and a
client asking the same thing again adds nothing, so a group's weight is its
number of distinct askers (issue #10); one client holds at most
``MAX_OPEN_PER_CLIENT`` open messages.

Dismissed stays dismissed: a dismissed (or resolved) group's messages are never
candidates again, so a new similar message starts a NEW open group showing
only what came after the decision, rather than reopening what an editor
already judged (the editor sees the new evidence, not the old noise again).

The bot names the article its search thought closest when it had one at hand
(``closest_slug``: a handover's subject, the answer that did not help, the best
result not good enough to show). A group's closest article is the one its
messages named most often (ties: the most recently named), shown only while it
is on the website (an unknown, archived or unpublished slug shows nothing), and
offered first when the group is added to an article.

The editor's screen (``/editor/missed``) pages through open groups, most
distinct askers first then the newest (or newest first), with counts per
source and language, and turns a group into alternative questions of an
article (a new revision sent for review: ``attach_to_article``), training
examples for an intent (admins only: ``teach_intent``; then
``knowledge.retraining`` retrains the bot), a new draft, or dismisses it. Each
records who did it and when, in the audit log (``frontdoor.audit``) and, for
an article, its activity.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np
from sqlalchemy import ColumnElement, and_, case, distinct, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session

from frontdoor import audit
from frontdoor.clock import london_today
from frontdoor.contracts.knowledge import is_article_slug
from frontdoor.redaction import redact
from knowledge.actors import Actor
from knowledge.articles import create_article, edit_fields, get_article, utcnow
from knowledge.exceptions import InvalidArticle, NotAllowed
from knowledge.models import Article, ContentGap, TrainingExample
from knowledge.publishing import submit, visible_clause
from knowledge.schemas import ArticleCreate
from knowledge.workflow import ArticleState

STOP_WORDS = frozenset(
    """a an and are at be can could do does for from get got have how i if in is it its me my
    of on or our please should so the their there they this to was we what when where which
    who why will with would you your yr ydw ydy yn y o ar am sut beth""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z0-9\u00c0-\u024f']+")
SIMILARITY = 0.6  # word overlap, when no embedding model is loaded
COSINE_SIMILARITY = 0.5  # the default of knowledge_review_similarity
MAX_GAPS = 5000
MAX_KEY_CHARS = 200
FUZZY_CANDIDATES = 500  # the most recently asked open groups a new question may join
GROUP_CANDIDATES = 2000  # the newest open messages a new message is compared with
OPEN_DAYS = 180  # older open gaps leave the screen
PER_PAGE = 20
MAX_OPEN_PER_CLIENT = 50  # open gaps one client (address or conversation) may hold
MAX_EXAMPLE_CHARS = 500
# Where a message came from, as the screen names it; "bot" is the old name of "fallback".
SOURCES = {
    "fallback": "The bot had no answer",
    "not_helpful": "Answer did not help",
    "handover": "Sent to a person",
    "site_search": "Website search",
}
SORTS = ("frequent", "newest")


class Embeds(Protocol):
    """What grouping needs of the search's embedder (``knowledge.search.Embedder``)."""

    def embed_query(self, text: str) -> np.ndarray: ...


def embedder_of(app_state: object) -> Embeds | None:
    """The search engine's embedder (None before the search is set up)."""
    runtime = getattr(app_state, "search", None)
    engine = getattr(runtime, "engine", None)
    return getattr(engine, "embedder", None)


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
    """The group a question joins by word overlap: its own key if known, else the
    first similar known group (kept for migration kb_0002 and for no model)."""
    key = normalised(question)
    if key in known_keys:
        return key
    words = tokens(question)
    if words:
        for candidate in known_keys:
            if similar(frozenset(candidate.split()), words):
                return candidate
    return key


@dataclass(frozen=True)
class ClosestArticle:
    """The article a group's messages named as closest, as the editor sees it."""

    article_id: int
    slug: str
    title: str
    language: str


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
    # how often each slug was named closest, and when last (the messages' order)
    closest_slugs: dict[str, int] = field(default_factory=dict)
    closest: ClosestArticle | None = None  # the most named of those on the website
    _tokens: frozenset[str] = frozenset()
    _named: int = 0
    _last_named: dict[str, int] = field(default_factory=dict)

    def add(self, gap: ContentGap) -> None:
        """Count one member (call in the order the messages came)."""
        self.representative = self.representative or gap.question
        self.gap_ids.append(gap.id)
        self.questions.append(gap.question)
        self.sources[gap.source] = self.sources.get(gap.source, 0) + 1
        self.first_seen = self.first_seen or gap.created_at
        self.last_seen = gap.created_at
        if slug := gap.closest_slug:
            self._named += 1
            self.closest_slugs[slug] = self.closest_slugs.get(slug, 0) + 1
            self._last_named[slug] = self._named

    @property
    def ranked_closest(self) -> list[str]:
        """The slugs named, most often first; among equals, the most recently named."""
        return sorted(
            self.closest_slugs, key=lambda s: (-self.closest_slugs[s], -self._last_named[s])
        )

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


def _vector(embedder: Embeds | None, text: str) -> np.ndarray | None:
    if embedder is None:
        return None
    vector = np.asarray(embedder.embed_query(text), dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else None


def _nearest_group(
    session: Session, vector: np.ndarray, language: str, similarity: float, since: datetime
) -> str | None:
    """The group of the most similar open message at or above ``similarity``."""
    rows = session.execute(
        select(ContentGap.group_key, ContentGap.embedding)
        .where(*_open(language), ContentGap.embedding.is_not(None), ContentGap.created_at >= since)
        .order_by(ContentGap.id.desc())
        .limit(GROUP_CANDIDATES)
    ).all()
    size = vector.shape[0] * 4
    usable = [(key, blob) for key, blob in rows if blob is not None and len(blob) == size]
    if not usable:
        return None
    matrix = np.frombuffer(b"".join(blob for _, blob in usable), dtype="<f4")
    scores = matrix.reshape(len(usable), -1) @ vector
    best = int(np.argmax(scores))  # the first maximum: the newest message among equals
    return usable[best][0] if float(scores[best]) >= similarity else None


def _group_of(
    session: Session,
    question: str,
    language: str,
    vector: np.ndarray | None = None,
    *,
    similarity: float = COSINE_SIMILARITY,
    since: datetime | None = None,
) -> str:
    key = normalised(question)
    exact = select(ContentGap.id).where(*_open(language), ContentGap.group_key == key)
    if session.scalar(exact.limit(1)) is not None:
        return key
    if vector is not None:
        since = since or utcnow() - timedelta(days=OPEN_DAYS)
        return _nearest_group(session, vector, language, similarity, since) or key
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
    embedder: Embeds | None = None,
    similarity: float = COSINE_SIMILARITY,
    closest_slug: str | None = None,
) -> ContentGap:
    """Record a message in its group; the same client asking again returns its open gap.

    ``client_key`` is ``frontdoor.ratelimit.client_key`` of who asked; without
    one (the seed, old rows) the gap counts as an asker of its own. A client
    already holding ``max_open_per_client`` open gaps has said enough: its
    newest open gap is returned and nothing is added, so no one client can
    fill the screen, however slowly it writes. ``embedder`` (the search's)
    groups by meaning; without one, by shared words. ``closest_slug``: the
    article the bot's search thought closest (kept only in a slug's format).
    """
    # redacted before anything else sees it: every editor reads this list
    text = redact(" ".join(question.split()))[:2000]
    source = "fallback" if source == "bot" else source
    now = now or utcnow()
    vector = _vector(embedder, text)
    since = now - timedelta(days=OPEN_DAYS)
    key = _group_of(session, text, language, vector, similarity=similarity, since=since)
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
        created_at=now,
        embedding=None if vector is None else vector.astype("<f4").tobytes(),
        closest_slug=closest_slug if is_article_slug(closest_slug) else None,
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
    sources: dict[str, int] = field(default_factory=dict)  # open messages per source
    languages: dict[str, int] = field(default_factory=dict)  # open messages per language
    sort: str = "frequent"
    language: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _counts(
    session: Session, column: QueryableAttribute[str], where: Sequence[ColumnElement[bool]]
) -> dict[str, int]:
    rows = session.execute(
        select(column, func.count()).where(*where).group_by(column).order_by(column)
    ).all()
    return {str(name): int(n) for name, n in rows}


def page_of_groups(
    session: Session,
    *,
    language: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    days: int = OPEN_DAYS,
    sort: str = "frequent",
    now: datetime | None = None,
) -> GapPage:
    """Open groups: most distinct askers first, then the most recently asked
    (``sort="frequent"``), or the most recently asked first (``"newest"``)."""
    page, per_page = max(1, page), max(1, per_page)
    since = ContentGap.created_at >= (now or utcnow()) - timedelta(days=days)
    where = [*_open(language), since]
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
    order = (last.desc(), askers.desc()) if sort == "newest" else (askers.desc(), last.desc())
    rows = session.execute(
        grouped_rows.order_by(*order, ContentGap.language, ContentGap.group_key)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    groups = {
        (key, lang): GapGroup(representative="", language=lang, key=key, askers=n)
        for key, lang, n in rows
    }
    if groups:
        members = session.scalars(
            select(ContentGap)
            .where(
                *where,
                or_(*(
                    and_(ContentGap.group_key == key, ContentGap.language == lang)
                    for key, lang in groups
                )),
            )
            .order_by(ContentGap.created_at, ContentGap.id)
        ).all()  # fmt: skip
        for gap in members:
            groups[(gap.group_key, gap.language)].add(gap)
        _find_closest(session, list(groups.values()), now or utcnow())
    every = [ContentGap.status == "open", since]
    return GapPage(
        list(groups.values()), total, page, per_page,
        sources=_counts(session, ContentGap.source, every),
        languages=_counts(session, ContentGap.language, every),
        sort=sort, language=language,
    )  # fmt: skip


def _find_closest(session: Session, groups: Sequence[GapGroup], now: datetime) -> None:
    """Each group's closest article: the most named of those on the website (an
    unknown, archived or unpublished slug is passed over). One query a page."""
    wanted = {slug for group in groups for slug in group.closest_slugs}
    if not wanted:
        return
    found = {
        article.slug: ClosestArticle(article.id, article.slug, article.title, article.language)
        for article in session.scalars(
            select(Article).where(Article.slug.in_(sorted(wanted)), visible_clause(now))
        ).unique()
    }
    for group in groups:
        group.closest = next((found[s] for s in group.ranked_closest if s in found), None)


def group_gaps(gaps: Sequence[ContentGap]) -> list[GapGroup]:
    """Greedy single pass by shared words: each question joins the first similar group."""
    groups: list[GapGroup] = []
    for gap in gaps:
        words = tokens(gap.question)
        home = next(
            (g for g in groups if g.language == gap.language and similar(g._tokens, words)), None
        )
        if home is None:
            home = GapGroup(representative=gap.question, language=gap.language, _tokens=words)
            groups.append(home)
        home.add(gap)
    groups.sort(key=lambda g: (-g.count, -(g.last_seen or utcnow()).timestamp()))
    return groups


def grouped(session: Session, *, language: str | None = None, limit: int = 100) -> list[GapGroup]:
    """The first ``limit`` groups in the screen's order."""
    return page_of_groups(session, language=language, per_page=limit).groups


def _open_members(session: Session, gap_ids: Sequence[int]) -> Sequence[ContentGap]:
    return session.scalars(
        select(ContentGap)
        .where(ContentGap.id.in_(list(gap_ids)), ContentGap.status == "open")
        .order_by(ContentGap.id)
    ).all()


def _resolve(
    session: Session,
    gap_ids: Sequence[int],
    *,
    article_id: int | None,
    resolution: str,
    actor: Actor,
    status: str = "resolved",
    now: datetime | None = None,
) -> int:
    gaps = _open_members(session, gap_ids)
    now = now or utcnow()
    for gap in gaps:
        gap.status, gap.resolution, gap.article_id = status, resolution, article_id
        gap.resolved_at, gap.resolved_by = now, actor.key[:120]
    session.flush()
    return len(gaps)


def _audit(
    session: Session, actor: Actor, action: audit.AuditAction, subject: str, now: datetime,
    **detail: object,
) -> None:  # fmt: skip
    audit.record(
        session, actor=f"{actor.key} {actor.name}", action=action, subject=subject,
        detail=detail, clock=lambda: now,
    )  # fmt: skip


def dismiss(
    session: Session, gap_ids: Sequence[int], *, actor: Actor, now: datetime | None = None
) -> int:
    """Take a group off the screen without an article (junk, or nothing to write)."""
    if not actor.can_write:
        raise NotAllowed("Only an editor, reviewer or admin can dismiss content gaps.")
    now = now or utcnow()
    count = _resolve(
        session, gap_ids, article_id=None, resolution="dismissed", actor=actor,
        status="dismissed", now=now,
    )  # fmt: skip
    if count:
        _audit(session, actor, audit.AuditAction.REVIEW_DISMISSED, "missed-messages", now,
               messages=count)  # fmt: skip
    return count


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
    article = create_article(session, data, actor=actor, note="Started from missed questions")
    _resolve(session, gap_ids, article_id=article.id, resolution="drafted", actor=actor)
    _audit(session, actor, audit.AuditAction.REVIEW_DRAFTED, f"article:{article.id}", utcnow(),
           messages=len(gap_ids), slug=article.slug)  # fmt: skip
    return article


@dataclass(frozen=True)
class Attached:
    article: Article
    added: int  # new alternative questions
    submitted: bool  # the new revision was sent for review


def attach_to_article(
    session: Session,
    gap_ids: Sequence[int],
    article_id: int,
    *,
    actor: Actor,
    now: datetime | None = None,
) -> Attached:
    """Add the group's wordings to an article's alternative questions, through the
    editorial workflow: a new revision, sent for review when the article was
    published or already in review (a reviewer other than the author publishes
    it, as for any edit); added to the draft when someone is still writing one."""
    if not actor.can_write:
        raise NotAllowed("Only an editor, reviewer or admin can add alternative questions.")
    members = _open_members(session, gap_ids)
    if not members:
        raise InvalidArticle("gap_ids", "these messages were already dealt with")
    now = now or utcnow()
    article = get_article(session, article_id, for_update=True)
    if article.state == ArticleState.ARCHIVED.value:
        raise InvalidArticle("article_id", "choose an article that is not archived")
    known = {" ".join(q.lower().split()) for q in article.alternative_questions}
    additions = [
        q for q in _questions_of(session, [m.id for m in members])
        if " ".join(q.lower().split()) not in known
    ]  # fmt: skip
    before = article.state
    submitted = False
    if additions:
        edit_fields(
            session, article, actor=actor, now=now,
            note=f"Added {len(additions)} alternative question(s) from missed questions",
            alternative_questions=[*article.alternative_questions, *additions][:100],
        )  # fmt: skip
        if before in (ArticleState.PUBLISHED.value, ArticleState.IN_REVIEW.value):
            submit(session, article.id, actor=actor, now=now,
                   comment="Alternative questions from missed questions")  # fmt: skip
            submitted = True
    _resolve(session, [m.id for m in members], article_id=article.id, resolution="attached",
             actor=actor, now=now)  # fmt: skip
    _audit(session, actor, audit.AuditAction.REVIEW_ALTERNATIVES, f"article:{article.id}", now,
           messages=len(members), added=len(additions), submitted=submitted)  # fmt: skip
    return Attached(article, len(additions), submitted)


def may_change_bot(actor: Actor) -> bool:
    """Only admins teach the bot: a training example changes what it does for everyone."""
    return "admin" in actor.roles and not actor.is_service


def teach_intent(
    session: Session,
    gap_ids: Sequence[int],
    intent: str,
    *,
    actor: Actor,
    intents: Sequence[str],
    now: datetime | None = None,
) -> int:
    """The group's wordings become training examples of ``intent`` (one of the bot's
    ``intents``); returns how many were new. The caller then asks for a retraining."""
    if not may_change_bot(actor):
        raise NotAllowed("Only an admin can teach the bot.")
    if intent not in intents:
        raise InvalidArticle("intent", "choose one of the bot's intents")
    members = _open_members(session, gap_ids)
    if not members:
        raise InvalidArticle("gap_ids", "these messages were already dealt with")
    now = now or utcnow()
    known = set(
        session.scalars(select(TrainingExample.text).where(TrainingExample.intent == intent))
    )
    added = 0
    seen: set[str] = set()
    for gap in members:
        text = " ".join(gap.question.split())[:MAX_EXAMPLE_CHARS]
        if text in known or text.lower() in seen:
            continue
        seen.add(text.lower())
        session.add(TrainingExample(intent=intent, text=text, language=gap.language,
                                    created_by=actor.key[:120], created_at=now))  # fmt: skip
        added += 1
    _resolve(session, [m.id for m in members], article_id=None, resolution="trained",
             actor=actor, now=now)  # fmt: skip
    _audit(session, actor, audit.AuditAction.REVIEW_TRAINED, f"intent:{intent}", now,
           messages=len(members), examples=added)  # fmt: skip
    return added
