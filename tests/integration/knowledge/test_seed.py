"""The demo seed: published content, a review-queue item, stale content, gaps and feedback."""

from sqlalchemy import func, select

import knowledge.seed as knowledge_seed
from frontdoor.accounts import seed as accounts_seed
from knowledge import gaps, listing
from knowledge.models import Article, Feedback


def test_seed_populates_every_editor_view(session):
    assert knowledge_seed.is_empty(session)
    accounts_seed.seed(session, rng_seed=1)
    summary = knowledge_seed.seed(session, rng_seed=1)
    session.flush()
    assert summary.startswith("knowledge: ")
    assert not knowledge_seed.is_empty(session)
    live = session.scalar(
        select(func.count(Article.id)).where(Article.live_revision_id.is_not(None))
    )
    assert live >= 80
    queue = listing.review_queue(session)
    assert [a.slug for a in queue] == ["bulky-waste-collection"]
    stale = listing.stale_by_team(session)
    assert sum(len(items) for items in stale.values()) >= 5 and len(stale) >= 3
    groups = gaps.grouped(session)
    assert groups[0].count >= 3 and any(g.language == "cy" for g in groups)
    assert session.scalar(select(func.count(Feedback.id))) > 20
