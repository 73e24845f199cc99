from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from knowledge import articles, content_revision, public, publishing
from knowledge.exceptions import (
    ArticleTooLarge,
    EditConflict,
    IllegalTransition,
    InvalidArticle,
    NotAllowed,
    SelfApproval,
    SlugTaken,
)
from knowledge.models import WorkflowEvent
from knowledge.schemas import ArticleUpdate
from tests.integration.knowledge.conftest import (
    ADMIN,
    EDITOR,
    NOW,
    OTHER_EDITOR,
    REVIEWER,
    article_data,
    publish,
)


def update_from(article, **changes):
    values = articles.editorial_view(article)
    fields = set(ArticleUpdate.model_fields) - {"base_version", "note"}
    data = {name: values[name] for name in fields}
    data.update(changes)
    data.setdefault("base_version", article.version)
    return ArticleUpdate(**data)


def test_every_save_is_a_revision_and_drafts_are_not_public(session):
    article = articles.create_article(session, article_data(), actor=EDITOR)
    articles.save_article(
        session, article.id, update_from(article, title="Missed bins"), actor=EDITOR
    )
    assert article.version == 2
    assert [r.number for r in articles.list_revisions(session, article.id)] == [2, 1]
    assert articles.get_revision(session, article.id, 1).title == "Report a missed bin"
    assert public.published(session) == []
    assert content_revision.current(session) == 0


def test_reviewer_publishes_and_the_counter_moves(session):
    article = publish(session)
    assert article.state == "published"
    assert [a.slug for a in public.published(session)] == ["missed-bin"]
    assert article.index_revision == content_revision.current(session) == 1
    events = session.scalars(select(WorkflowEvent.action).order_by(WorkflowEvent.id)).all()
    assert events == ["create", "submit", "approve"]


def test_nobody_approves_their_own_change(session):
    article = articles.create_article(session, article_data(), actor=ADMIN)
    publishing.submit(session, article.id, actor=ADMIN)
    with pytest.raises(SelfApproval):
        publishing.approve(session, article.id, actor=ADMIN)
    # a change by a second author still counts as the first author's change
    article2 = articles.create_article(session, article_data(slug="other"), actor=REVIEWER)
    articles.save_article(session, article2.id, update_from(article2, title="Other"), actor=EDITOR)
    publishing.submit(session, article2.id, actor=EDITOR)
    with pytest.raises(SelfApproval):
        publishing.approve(session, article2.id, actor=REVIEWER)
    publishing.approve(session, article2.id, actor=ADMIN)


def test_roles_are_enforced(session):
    article = articles.create_article(session, article_data(), actor=EDITOR)
    publishing.submit(session, article.id, actor=EDITOR)
    with pytest.raises(NotAllowed):
        publishing.approve(session, article.id, actor=OTHER_EDITOR)
    with pytest.raises(NotAllowed):
        articles.create_article(
            session,
            article_data(slug="x"),
            actor=REVIEWER.__class__(1, "Adv", frozenset({"advisor"})),
        )


def test_illegal_transition_raises(session):
    article = articles.create_article(session, article_data(), actor=EDITOR)
    with pytest.raises(IllegalTransition):
        publishing.approve(session, article.id, actor=REVIEWER)


def test_send_back_needs_a_comment_and_returns_to_draft(session):
    article = articles.create_article(session, article_data(), actor=EDITOR)
    publishing.submit(session, article.id, actor=EDITOR)
    with pytest.raises(InvalidArticle, match="comment"):
        publishing.send_back(session, article.id, actor=REVIEWER, comment=" ")
    publishing.send_back(session, article.id, actor=REVIEWER, comment="Add the phone number")
    assert article.state == "draft"
    assert articles.list_events(session, article.id)[0].comment == "Add the phone number"


def test_stale_save_is_refused_with_the_newer_revision(session):
    article = articles.create_article(session, article_data(), actor=EDITOR)
    first = update_from(article, title="Eddie's title")
    second = update_from(article, title="Esme's title")
    articles.save_article(session, article.id, first, actor=EDITOR)
    with pytest.raises(EditConflict) as caught:
        articles.save_article(session, article.id, second, actor=OTHER_EDITOR)
    assert caught.value.current["number"] == 2
    assert caught.value.current["title"] == "Eddie's title"
    assert article.title == "Eddie's title"


def test_editing_a_published_article_keeps_the_live_revision_online(session):
    article = publish(session)
    articles.save_article(
        session, article.id, update_from(article, title="Work in progress"), actor=EDITOR
    )
    assert article.state == "draft"
    shown = public.published_article(session, "missed-bin")
    assert shown.title == "Report a missed bin" and shown.revision == 1
    publishing.submit(session, article.id, actor=EDITOR)
    publishing.approve(session, article.id, actor=REVIEWER)
    assert public.published_article(session, "missed-bin").title == "Work in progress"


def test_restore_makes_an_old_revision_newest(session):
    article = articles.create_article(session, article_data(), actor=EDITOR)
    articles.save_article(
        session, article.id, update_from(article, body="New body\n"), actor=EDITOR
    )
    articles.restore_revision(session, article.id, 1, base_version=2, actor=EDITOR)
    assert article.version == 3 and article.body == article_data().body
    with pytest.raises(EditConflict):
        articles.restore_revision(session, article.id, 1, base_version=2, actor=EDITOR)


def test_archive_takes_it_offline_and_reopen_brings_back_a_draft(session):
    article = publish(session)
    publishing.archive(session, article.id, actor=REVIEWER, comment="Service ended")
    assert public.published(session) == [] and article.state == "archived"
    assert content_revision.current(session) == 2
    publishing.reopen(session, article.id, actor=EDITOR)
    assert article.state == "draft"


def test_slug_is_unique_across_languages(session):
    articles.create_article(session, article_data(), actor=EDITOR)
    with pytest.raises(SlugTaken):
        articles.create_article(session, article_data(), actor=EDITOR)
    with pytest.raises(SlugTaken):
        articles.create_article(session, article_data(language="cy"), actor=EDITOR)
    articles.create_article(
        session,
        article_data(slug="rhoi-gwybod-am-fin", language="cy", translation_of="missed-bin"),
        actor=EDITOR,
    )


def test_size_limit(session):
    with pytest.raises(ArticleTooLarge):
        articles.create_article(session, article_data(body="x" * 1_000_001), actor=EDITOR)


def test_scheduled_publish_and_unpublish_apply_on_read_and_by_the_task(session):
    now = articles.utcnow()
    article = articles.create_article(
        session,
        article_data(publish_at=now + timedelta(hours=1), unpublish_at=now + timedelta(hours=2)),
        actor=EDITOR,
    )
    publishing.submit(session, article.id, actor=EDITOR)
    publishing.approve(session, article.id, actor=REVIEWER)
    assert public.published(session) == []
    assert [a.slug for a in public.published(session, now=now + timedelta(minutes=61))] == [
        "missed-bin"
    ]
    before = content_revision.current(session)
    assert publishing.apply_schedule(session, now + timedelta(minutes=61)) == [article.id]
    assert content_revision.current(session) == before + 1
    assert publishing.apply_schedule(session, now + timedelta(minutes=62)) == []
    assert publishing.apply_schedule(session, now + timedelta(hours=3)) == [article.id]
    assert article.state == "archived" and article.live_revision_id is None


def test_schedule_must_be_timezone_aware_and_ordered(session):
    now = articles.utcnow()
    with pytest.raises(InvalidArticle, match="unpublish_at"):
        articles.create_article(
            session, article_data(publish_at=now, unpublish_at=now - timedelta(1)), actor=EDITOR
        )
    with pytest.raises(InvalidArticle, match="time zone"):
        articles.create_article(
            session, article_data(publish_at=now.replace(tzinfo=None)), actor=EDITOR
        )


def audit_trail(session):
    from frontdoor import audit

    assert audit.verify(session).ok
    return [
        (e.actor, e.action, e.subject, e.detail)
        for e in reversed(audit.list_entries(session, limit=20))
    ]


def test_publication_withdrawal_and_the_schedule_are_in_the_audit_log(session):
    reviewer = replace(REVIEWER, email="rita@example.gov.uk")
    article = articles.create_article(session, article_data(), actor=EDITOR)
    publishing.submit(session, article.id, actor=EDITOR, now=NOW)
    publishing.approve(session, article.id, actor=reviewer, now=NOW)
    articles.save_article(session, article.id, update_from(article, title="Bins"), actor=EDITOR)
    publishing.archive(session, article.id, actor=reviewer, comment="Service ended", now=NOW)
    later = articles.create_article(
        session,
        article_data(slug="later", publish_at=NOW + timedelta(hours=1),
                     unpublish_at=NOW + timedelta(hours=2)),
        actor=EDITOR,
    )  # fmt: skip
    publishing.submit(session, later.id, actor=EDITOR, now=NOW)
    publishing.approve(session, later.id, actor=ADMIN, now=NOW)  # no email: named by its key
    publishing.apply_schedule(session, NOW + timedelta(minutes=61))
    publishing.apply_schedule(session, NOW + timedelta(minutes=62))  # nothing due: no entry
    publishing.apply_schedule(session, NOW + timedelta(hours=3))
    session.commit()
    first, second = f"article:{article.id}", f"article:{later.id}"
    common = {"language": "en"}
    assert audit_trail(session) == [
        ("rita@example.gov.uk", "publish", first, {**common, "slug": "missed-bin", "version": 1}),
        # the live version was withdrawn, though a newer draft (2) existed
        ("rita@example.gov.uk", "unpublish", first, {**common, "slug": "missed-bin", "version": 1}),
        ("user:301", "publish", second, {**common, "slug": "later", "version": 1,
         "scheduled_for": str(NOW + timedelta(hours=1))}),
        ("system", "scheduled_publish", second, {**common, "slug": "later", "version": 1,
         "publish_at": str(NOW + timedelta(hours=1))}),
        ("system", "scheduled_unpublish", second, {**common, "slug": "later", "version": 1,
         "unpublish_at": str(NOW + timedelta(hours=2))}),
    ]  # fmt: skip


def test_a_rolled_back_publication_leaves_no_audit_entry(session):
    article = articles.create_article(session, article_data(), actor=EDITOR)
    publishing.submit(session, article.id, actor=EDITOR)
    session.commit()
    publishing.approve(session, article.id, actor=REVIEWER)
    session.rollback()
    assert audit_trail(session) == []
