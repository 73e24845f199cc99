"""Demo data for the knowledge base (``frontdoor seed``).

Imports ``knowledge/content`` as published articles (the content folder has
about a dozen articles past their review-by date, so the stale view has real
data), puts one edit in the review queue, and adds resident feedback and
content gaps (questions nothing answered) so the editor's views are populated.
Flushes; never commits.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge import articles, gaps, publishing
from knowledge.actors import Actor
from knowledge.feedback import record_feedback
from knowledge.models import Article
from knowledge.transfer import import_folder

CONTENT_DIR = Path(__file__).resolve().parent / "content"

# Questions residents asked that no article answers (grouped in the gaps view).
DEMO_GAPS: tuple[tuple[str, str, str], ...] = (
    ("can I get a permit for a skip on the road", "fallback", "en"),
    ("skip permit outside my house", "site_search", "en"),
    ("how do I get a skip permit", "not_helpful", "en"),
    ("permit to put a skip on the road", "fallback", "en"),
    ("where can I charge my electric car", "fallback", "en"),
    ("electric car charging points in town", "site_search", "en"),
    ("electric car charging near me", "not_helpful", "en"),
    ("can I keep chickens in my back garden", "fallback", "en"),
    ("keeping chickens in garden rules", "site_search", "en"),
    ("how do I rent an allotment", "fallback", "en"),
    ("allotment waiting list", "site_search", "en"),
    ("rent an allotment plot", "fallback", "en"),
    ("allotment plot waiting list how long", "fallback", "en"),
    ("can I speak to someone about who my local councillor is", "handover", "en"),
    ("find my local councillor", "site_search", "en"),
    ("dead fox on the road who removes it", "handover", "en"),
    ("are there public toilets in the town centre", "site_search", "en"),
    ("sut mae rhentu rhandir", "fallback", "cy"),
    ("rhentu rhandir", "site_search", "cy"),
)

DEMO_COMMENTS = (
    "Clear, thank you.",
    "I could not find the phone number.",
    "It did not say what time the crew comes.",
    "Helpful, found what I needed.",
    "The page did not say how long it takes.",
    "",
    "",
    "",
)


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count(Article.id)))


def _staff(session: Session, email: str, fallback: str, roles: set[str]) -> Actor:
    """A demo account from frontdoor.accounts when it is there (seeded just before us)."""
    try:
        from frontdoor.accounts.models import User
    except ImportError:  # pragma: no cover - accounts always ships with the core
        return Actor(id=None, name=fallback, roles=frozenset(roles))
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        return Actor(id=None, name=fallback, roles=frozenset(roles))
    return Actor(id=user.id, name=user.display_name, roles=frozenset(roles), email=email)


def seed(session: Session, *, rng_seed: int, progress: Any = None) -> str:
    rng = random.Random(rng_seed)
    admin = _staff(session, "admin@bramblefield.gov.uk", "Ada Whitfield", {"admin"})
    editor = _staff(session, "editor@bramblefield.gov.uk", "Eddie Marsh", {"editor"})
    report = import_folder(session, CONTENT_DIR, actor=admin, publish=True, progress=progress)
    now = articles.utcnow()

    in_review = (
        articles.find_article(session, "bulky-waste-collection")
        or session.scalars(select(Article).order_by(Article.id)).first()
    )
    if in_review is not None:
        articles.edit_fields(
            session, in_review, actor=editor, note="Add the Saturday slots",
            body=in_review.body.rstrip("\n")
            + "\n\n## Saturday collections\n\nFrom April we also collect on Saturday mornings. "
            "Saturday slots cost the same as weekday slots.\n",
        )  # fmt: skip
        publishing.submit(session, in_review.id, actor=editor, comment="Ready for review")

    for question, source, language in DEMO_GAPS:
        when = now - timedelta(days=rng.randint(0, 27), minutes=rng.randint(0, 1440))
        gaps.record_gap(session, question=question, source=source, language=language, now=when)

    published = (
        session.scalars(
            select(Article).where(Article.live_revision_id.is_not(None)).order_by(Article.id)
        )
        .unique()
        .all()
    )
    feedback_count = 0
    for article in rng.sample(list(published), k=min(25, len(published))):
        for _ in range(rng.randint(1, 4)):
            record_feedback(
                session, slug=article.slug, helpful=rng.random() < 0.7,
                comment=rng.choice(DEMO_COMMENTS),
                now=now - timedelta(days=rng.randint(0, 60)),
            )  # fmt: skip
            feedback_count += 1
    session.flush()
    return (
        f"knowledge: {report.created} articles published, 1 in review, "
        f"{len(DEMO_GAPS)} content gaps, {feedback_count} feedback answers"
    )
