"""Tables of the knowledge base (prefix ``kb_``), on their own ``metadata``.

``kb_articles`` holds each article's newest revision (the working copy) and
its workflow state; ``kb_revisions`` one full snapshot per save. The website
and search read the *live* revision (``live_revision_id``), so editing a
published article never takes it offline. ``kb_content_state`` is a single
row with a monotonic counter bumped on every change that search must see;
each article remembers the counter value of its last such change
(``index_revision``), which is what ``changes_since`` reads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()


class Base(DeclarativeBase):
    metadata = metadata


class ContentState(Base):
    """One row (id 1): the global content revision counter."""

    __tablename__ = "kb_content_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)


class Article(Base):
    __tablename__ = "kb_articles"
    __table_args__ = (
        UniqueConstraint("slug", name="uq_kb_articles_slug"),  # unique across languages
        Index("ix_kb_articles_index_revision", "index_revision"),
        Index("ix_kb_articles_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    service_area: Mapped[str] = mapped_column(String(40))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    alternative_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner_team: Mapped[str] = mapped_column(String(120))
    review_by: Mapped[date] = mapped_column(Date)
    translation_of: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # Welsh only: the English article's revision number this was translated from
    source_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    related: Mapped[list[str]] = mapped_column(JSON, default=list)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=0)  # newest revision number
    # No database foreign key: kb_articles and kb_revisions would reference each
    # other, which SQLite cannot add after the fact; the service keeps it right.
    live_revision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    publish_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    unpublish_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    schedule_applied: Mapped[bool] = mapped_column(Boolean, default=True)
    last_reviewed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    index_revision: Mapped[int] = mapped_column(BigInteger, default=0)
    source_front_matter: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    live_revision: Mapped[Revision | None] = relationship(
        primaryjoin="foreign(Article.live_revision_id) == Revision.id",
        viewonly=True,
        lazy="joined",
    )

    __mapper_args__ = {"version_id_col": lock_version}

    def metadata_dict(self) -> dict[str, Any]:
        """The front-matter fields, in front-matter order."""
        return {
            "title": self.title,
            "slug": self.slug,
            "summary": self.summary,
            "service_area": self.service_area,
            "tags": list(self.tags),
            "alternative_questions": list(self.alternative_questions),
            "owner_team": self.owner_team,
            "review_by": self.review_by,
            "language": self.language,
            "translation_of": self.translation_of,
            "related": list(self.related),
            "links": [dict(link) for link in self.links],
        }


class Revision(Base):
    """A full snapshot of an article as saved (never changed afterwards)."""

    __tablename__ = "kb_revisions"
    __table_args__ = (
        UniqueConstraint("article_id", "number", name="uq_kb_revisions_article_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    service_area: Mapped[str] = mapped_column(String(40))
    owner_team: Mapped[str] = mapped_column(String(120))
    review_by: Mapped[date] = mapped_column(Date)
    # tags, alternative_questions, translation_of, related, links
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author_name: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class WorkflowEvent(Base):
    """Who moved an article between states, when, and why (the review trail)."""

    __tablename__ = "kb_workflow_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    revision_number: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class Feedback(Base):
    """An answer to "Was this page helpful?"."""

    __tablename__ = "kb_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="SET NULL"), nullable=True, index=True
    )
    slug: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2))
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class ContentGap(Base):
    """A question a resident asked that nothing answered well."""

    __tablename__ = "kb_content_gaps"
    __table_args__ = (
        Index("ix_kb_content_gaps_status_created", "status", "created_at"),
        Index("ix_kb_content_gaps_group", "status", "group_key", "language", "client_key"),
        Index("ix_kb_content_gaps_client", "client_key", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    conversation_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # the normalised question of the group it joined (knowledge.gaps.group_key)
    group_key: Mapped[str] = mapped_column(String(200), default="")
    # a keyed hash of who asked (never the address itself); NULL: unknown, counts alone
    client_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|resolved|dismissed
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="SET NULL"), nullable=True
    )
    resolution: Mapped[str] = mapped_column(String(20), default="")  # drafted|attached|dismissed
    resolved_by: Mapped[str] = mapped_column(String(120), default="")  # Actor.key
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # the redacted question's unit vector from the search's embedding model (float32
    # bytes): what groups messages by meaning; NULL when no model was loaded
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # the slug of the article the bot's search thought closest, when it said
    # (frontdoor.contracts.review.MissedMessage.closest_slug); NULL: none at hand
    closest_slug: Mapped[str | None] = mapped_column(String(120), nullable=True)


class TrainingExample(Base):
    """A resident's (redacted) wording that an admin taught the bot as an intent's example.

    Exported to the training data file before each retraining
    (``knowledge.retraining.export``); the table is the truth, the file a copy.
    """

    __tablename__ = "kb_training_examples"
    __table_args__ = (UniqueConstraint("intent", "text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intent: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    created_by: Mapped[str] = mapped_column(String(120))  # Actor.key
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class BotTraining(Base):
    """One retraining of the bot: queued, running, then succeeded or failed.

    ``running_slot`` is 1 while running and NULL otherwise; its unique index lets
    one training run at a time across every knowledge instance.
    """

    __tablename__ = "kb_bot_trainings"
    __table_args__ = (Index("ix_kb_bot_trainings_status", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # queued|running|succeeded|failed
    running_slot: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime())
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    examples: Mapped[int] = mapped_column(Integer, default=0)
    model: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")


class ArticleUse(Base):
    """How much residents used an article on one day (London time): anonymous
    website page views and answers the search gave the bot. Counts only, no
    visitor data; written in batches by ``knowledge.usage``."""

    __tablename__ = "kb_article_use"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    page_views: Mapped[int] = mapped_column(Integer, default=0)
    bot_answers: Mapped[int] = mapped_column(Integer, default=0)


class ReviewReminder(Base):
    """A review reminder queued for an article's owner team (``knowledge.reminders``).

    ``key`` (article, review-by date, kind) is unique, so a re-run or a restart
    never queues the same reminder twice; the stale list reads who was reminded.
    """

    __tablename__ = "kb_review_reminders"
    __table_args__ = (
        UniqueConstraint("key", name="uq_kb_review_reminders_key"),
        Index("ix_kb_review_reminders_article", "article_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(160))
    review_by: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # due | overdue-<week>
    team: Mapped[str] = mapped_column(String(120))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime())
