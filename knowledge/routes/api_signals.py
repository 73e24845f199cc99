"""What residents tell us: page feedback, unanswered questions (content gaps) and
what the bot missed (``POST /api/v1/review/signals``, ``frontdoor.contracts.review``).

Both are anonymous writes, so both are limited (knowledge/throttle.py): 429
with ``Retry-After`` beyond the limit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, status

from frontdoor.contracts.review import SIGNALS_PATH, MissedMessage, SignalAccepted
from knowledge import feedback, gaps, throttle
from knowledge.deps import SessionDep, SettingsDep
from knowledge.schemas import Accepted, ContentGapCreate, FeedbackCreate

router = APIRouter(prefix="/api/v1", tags=["feedback"])
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many from this client; wait Retry-After seconds."}
}


@router.post(
    "/feedback",
    response_model=Accepted,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(throttle.limit_feedback)],
    responses=TOO_MANY,
)
def post_feedback(data: FeedbackCreate, session: SessionDep) -> Accepted:
    record = feedback.record_feedback(
        session, slug=data.slug, language=data.language.value, helpful=data.helpful,
        comment=data.comment,
    )  # fmt: skip
    session.commit()
    return Accepted(id=record.id)


@router.post(
    "/content-gaps",
    response_model=Accepted,
    status_code=status.HTTP_201_CREATED,
    responses=TOO_MANY,
)
def post_content_gap(
    data: ContentGapCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> Accepted:
    """Record an unanswered question; the same client asking the same again counts once."""
    who = throttle.writer(request, data.conversation_id)
    throttle.limiter(request).hit(*throttle.gap_checks(settings, who))
    record = gaps.record_gap(
        session, question=data.question, source=data.source, language=data.language.value,
        conversation_id=data.conversation_id, client_key=who.key(settings),
        max_open_per_client=settings.knowledge_gaps_open_per_client,
        embedder=gaps.embedder_of(request.app.state),
        similarity=settings.knowledge_review_similarity,
    )  # fmt: skip
    session.commit()
    return Accepted(id=record.id)


@router.post(
    SIGNALS_PATH.removeprefix("/api/v1"),
    response_model=SignalAccepted,
    status_code=status.HTTP_201_CREATED,
    responses=TOO_MANY,
    tags=["review"],
)
def post_missed_message(
    data: MissedMessage, request: Request, session: SessionDep, settings: SettingsDep
) -> SignalAccepted:
    """A message the bot fell back on, answered unhelpfully or routed to a person.

    Redacted before it is stored; grouped by meaning with the open messages of
    its language; the same client sending the same again counts once. The
    article the bot thought closest (``closest_slug``) is kept with it, whether
    or not such an article exists: the review queue shows only one on the website."""
    who = throttle.writer(request, data.conversation_id)
    throttle.limiter(request).hit(*throttle.gap_checks(settings, who))
    record = gaps.record_gap(
        session, question=data.text, source=data.source.value, language=data.language,
        conversation_id=data.conversation_id, client_key=who.key(settings),
        max_open_per_client=settings.knowledge_gaps_open_per_client,
        embedder=gaps.embedder_of(request.app.state),
        similarity=settings.knowledge_review_similarity, closest_slug=data.closest_slug,
    )  # fmt: skip
    session.commit()
    return SignalAccepted(id=record.id)
