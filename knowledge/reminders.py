"""Review reminders: owner teams are told before their articles go stale.

The council's own complaint is that teams ignore yearly review reminders and
the stale list only helps teams that look at it. So, for every article not
archived:

- ``due``: N days (``knowledge_review_reminder_days``, default 14) before its
  review-by date, one reminder;
- ``overdue-W``: on and after the review-by date, one reminder per week
  overdue (week 0 on the day itself), so at most weekly however often this runs.

Each reminder goes to the owner team's addresses (``knowledge_team_addresses``,
else the team's editors, reviewers and admins) as a message through core's
notifications port (``frontdoor.notifications``; ``notify`` implements it, the
registry provides it): knowledge never imports notify. Its link opens "Still
correct" (``/editor/articles/<id>/still-correct``), which after sign-in records
the review with one click (:func:`still_correct`).

Idempotent: a reminder is keyed by article, review-by date and kind. The key is
unique in ``kb_review_reminders`` and is the outbox's idempotency key (one per
recipient). The outbox is written first and the record second, so a re-run, two
schedulers or a crash between the two writes never sends a reminder twice: the
outbox answers a second enqueue of a key with the row it already has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from frontdoor.accounts.models import Team, User
from frontdoor.accounts.roles import parse_roles
from frontdoor.notifications import Notification, Notifications
from knowledge import content_revision
from knowledge.actors import Actor
from knowledge.articles import get_article, record_event
from knowledge.editor_text import LANGUAGES, long_date, text
from knowledge.exceptions import KnowledgeError
from knowledge.models import Article, ReviewReminder
from knowledge.workflow import ArticleState

REVIEWED = "review"  # the workflow event a "still correct" records
EDITORIAL = frozenset({"editor", "reviewer", "admin"})


@dataclass(frozen=True)
class Policy:
    days_before: int = 14
    period_months: int = 12
    template: str = "knowledge-review-reminder"
    team_addresses: Mapping[str, str] = field(default_factory=dict)
    base_url: str = "http://127.0.0.1:8000"


@dataclass
class Outcome:
    queued: int = 0  # reminders queued now
    already: int = 0  # due, but queued by an earlier run
    no_address: list[str] = field(default_factory=list)  # teams nobody can be reminded at

    def line(self) -> str:
        unreachable = f"; no address for {', '.join(sorted(set(self.no_address)))}"
        """What a run did, for the scheduler's log (after the job's name) and the CLI."""
        return f"queued {self.queued}, already queued {self.already}" + (
            unreachable if self.no_address else ""
        )


def kind_on(review_by: date, today: date, days_before: int) -> str | None:
    """Which reminder an article needs today: ``due``, ``overdue-W`` or none yet."""
    if today < review_by - timedelta(days=days_before):
        return None
    if today < review_by:
        return "due"
    return f"overdue-{(today - review_by).days // 7}"


def reminder_key(article_id: int, review_by: date, kind: str) -> str:
    return f"kb-review:{article_id}:{review_by.isoformat()}:{kind}"


def team_addresses(session: Session, team: str, configured: Mapping[str, str]) -> list[str]:
    """The team's own address when configured, else its active editorial members'."""
    if team in configured:
        return [configured[team]]
    members = session.scalars(
        select(User).join(User.teams).where(Team.name == team, User.is_active.is_(True))
    ).all()
    return sorted(u.email for u in members if {r.value for r in parse_roles(u.roles)} & EDITORIAL)


def _message(
    article: tuple[int, str, str, date], kind: str, policy: Policy, recipient: str, key: str
) -> Notification:
    """The reminder for (article id, title, owner team, review-by date), in English
    then Welsh in one message (as Welsh councils write to staff who may read either)."""
    article_id, title, team, review_by = article
    overdue = kind != "due"
    base = policy.base_url.rstrip("/")
    urls = {
        "still_correct_url": f"{base}/editor/articles/{article_id}/still-correct",
        "edit_url": f"{base}/editor/articles/{article_id}",
    }
    subject = "reminder.email_subject_overdue" if overdue else "reminder.email_subject_due"
    return Notification(
        channel="email",
        template=policy.template,
        recipient=recipient,
        key=f"{key}:{recipient}"[:200],
        personalisation={
            "team": team,
            "title": title,
            "review_by": long_date(review_by, "en"),
            "review_by_cy": long_date(review_by, "cy"),
            "status": "is overdue for review" if overdue else "is due for review",
            "subject": " / ".join(text(subject, lang) for lang in LANGUAGES) + f": {title}",
            "body": reminder_body(
                title=title, team=team, review_by=review_by, overdue=overdue, **urls
            ),
            **urls,
        },
    )


def reminder_body(
    *, title: str, team: str, review_by: date, overdue: bool, still_correct_url: str, edit_url: str
) -> str:
    """The email's text: English first, a rule, then the same in Welsh."""

    def part(lang: str) -> str:
        values = {"title": title, "team": team, "date": long_date(review_by, lang)}
        state = "reminder.email_overdue" if overdue else "reminder.email_due"
        return "\n\n".join((
            text("reminder.email_greeting", lang, **values),
            text(state, lang, **values),
            text("reminder.email_still_correct", lang, url=still_correct_url),
            text("reminder.email_edit", lang, url=edit_url),
            text("reminder.email_why", lang, **values),
        ))  # fmt: skip

    below = " / ".join(text("reminder.email_welsh_below", lang) for lang in LANGUAGES)
    return f"{below}\n\n{part('en')}\n\n---\n\n{part('cy')}"


def _long_date(value: date) -> str:
    return long_date(value)


def candidates(session: Session, *, today: date, days_before: int) -> Sequence[Article]:
    horizon = today + timedelta(days=days_before)
    return (
        session.scalars(
            select(Article)
            .where(Article.state != ArticleState.ARCHIVED.value, Article.review_by <= horizon)
            .order_by(Article.review_by, Article.id)
        )
        .unique()
        .all()
    )


def run(
    factory: sessionmaker[Session],
    notifications: Notifications,
    policy: Policy,
    *,
    now: datetime,
    today: date,
) -> Outcome:
    """Queue every reminder due today that no earlier run queued (safe to run any time)."""
    outcome = Outcome()
    with factory() as session:
        due = [
            (article.id, kind)
            for article in candidates(session, today=today, days_before=policy.days_before)
            if (kind := kind_on(article.review_by, today, policy.days_before))
        ]
    for article_id, kind in due:
        with factory() as session:
            _remind_one(session, notifications, policy, article_id, kind, now, outcome)
    return outcome


def _remind_one(
    session: Session,
    notifications: Notifications,
    policy: Policy,
    article_id: int,
    kind: str,
    now: datetime,
    outcome: Outcome,
) -> None:
    article = session.get(Article, article_id)
    if article is None:
        return
    key = reminder_key(article.id, article.review_by, kind)
    if session.scalar(select(ReviewReminder.id).where(ReviewReminder.key == key)) is not None:
        outcome.already += 1
        return
    recipients = team_addresses(session, article.owner_team, policy.team_addresses)
    if not recipients:
        outcome.no_address.append(article.owner_team)
        return
    message_article = (article.id, article.title, article.owner_team, article.review_by)
    session.rollback()  # end the read: on SQLite the outbox's write must not wait on it
    # the outbox first: a crash before the record below re-queues with the same
    # keys, which the outbox answers with the rows it already has
    for recipient in recipients:
        notifications.enqueue(_message(message_article, kind, policy, recipient, key), now=now)
    session.add(
        ReviewReminder(
            article_id=article_id, key=key, review_by=message_article[3], kind=kind,
            team=message_article[2], recipients=recipients, sent_at=now,
        )
    )  # fmt: skip
    try:
        session.commit()
    except IntegrityError:  # another scheduler recorded it first (its messages are the same)
        session.rollback()
        outcome.already += 1
        return
    outcome.queued += 1


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; 29 February and the 31st fall back to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


class ArchivedNeedsNoReview(KnowledgeError):
    code = "archived"
    status_code = 409

    def __init__(self) -> None:
        super().__init__("An archived article needs no review.")


def still_correct(
    session: Session, article_id: int, *, actor: Actor, today: date, now: datetime, months: int
) -> Article:
    """The owner checked the article and it needs no change: record the review.

    The next review-by date is ``months`` from today (the date the stale list
    and the reminders read); the activity log and the website's "last reviewed"
    say who and when. No new revision: nothing in the article changed.
    """
    if not actor.can_write:
        from knowledge.exceptions import NotAllowed

        raise NotAllowed("Only editors can record a review.")
    article = get_article(session, article_id, for_update=True)
    if article.state == ArticleState.ARCHIVED.value:
        raise ArchivedNeedsNoReview()
    next_review = add_months(today, months)
    article.review_by = next_review
    article.last_reviewed_at = now
    record_event(
        session, article, action=REVIEWED, from_state=article.state, actor=actor,
        comment=f"Next review by {_long_date(next_review)}", now=now,
    )  # fmt: skip
    content_revision.touch(session, article)
    session.flush()
    return article


@dataclass(frozen=True)
class Reminded:
    team: str
    recipients: tuple[str, ...]
    sent_at: datetime
    kind: str


def last_reminders(session: Session, article_ids: Iterable[int]) -> dict[int, Reminded]:
    """Each article's newest reminder for its current review-by date (for the stale list)."""
    ids = list(article_ids)
    if not ids:
        return {}
    newest = (
        select(ReviewReminder.article_id, func.max(ReviewReminder.id).label("id"))
        .join(Article, Article.id == ReviewReminder.article_id)
        .where(ReviewReminder.article_id.in_(ids), ReviewReminder.review_by == Article.review_by)
        .group_by(ReviewReminder.article_id)
        .subquery()
    )
    rows = session.scalars(select(ReviewReminder).join(newest, newest.c.id == ReviewReminder.id))
    return {
        row.article_id: Reminded(row.team, tuple(row.recipients), row.sent_at, row.kind)
        for row in rows
    }
