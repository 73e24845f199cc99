"""What residents tell us: page feedback and unanswered questions (content gaps).

Both are anonymous writes, so both are limited (knowledge/throttle.py): 429
with ``Retry-After`` beyond the limit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, status

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
    )  # fmt: skip
    session.commit()
    return Accepted(id=record.id)
