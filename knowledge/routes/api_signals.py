"""What residents tell us: page feedback and unanswered questions (content gaps)."""

from __future__ import annotations

from fastapi import APIRouter, status

from knowledge import feedback, gaps
from knowledge.deps import SessionDep
from knowledge.schemas import Accepted, ContentGapCreate, FeedbackCreate

router = APIRouter(prefix="/api/v1", tags=["feedback"])


@router.post("/feedback", response_model=Accepted, status_code=status.HTTP_201_CREATED)
def post_feedback(data: FeedbackCreate, session: SessionDep) -> Accepted:
    record = feedback.record_feedback(
        session, slug=data.slug, language=data.language.value, helpful=data.helpful,
        comment=data.comment,
    )  # fmt: skip
    session.commit()
    return Accepted(id=record.id)


@router.post("/content-gaps", response_model=Accepted, status_code=status.HTTP_201_CREATED)
def post_content_gap(data: ContentGapCreate, session: SessionDep) -> Accepted:
    record = gaps.record_gap(
        session, question=data.question, source=data.source, language=data.language.value,
        conversation_id=data.conversation_id,
    )  # fmt: skip
    session.commit()
    return Accepted(id=record.id)
