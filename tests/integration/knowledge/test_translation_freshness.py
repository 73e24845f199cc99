"""A Welsh article is flagged when its English source is published again with a
changed title, summary or body after translation, and marking the translation as
updated clears the flag (issue #18). Changing only the English search aids
(alternative questions, tags) does not flag it: the Welsh article has its own."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge import articles, listing, publishing, transfer, translations
from knowledge.actors import Actor
from knowledge.models import Article, WorkflowEvent
from knowledge.schemas import ArticleUpdate
from tests.integration.knowledge.conftest import EDITOR, REVIEWER, login, publish

WELSH = {
    "slug": "bin-heb-ei-gasglu",
    "language": "cy",
    "translation_of": "missed-bin",
    "title": "Rhoi gwybod am fin heb ei gasglu",
}
CONTENT = Path(__file__).resolve().parents[3] / "knowledge" / "content"
IMPORTER = Actor(id=None, name="Content import", roles=frozenset({"admin"}))


def republish(session, article: Article, body: str | None = None, **changes) -> None:
    values = articles.editorial_view(article)
    fields = set(ArticleUpdate.model_fields) - {"base_version", "note"}
    data = {name: values[name] for name in fields} | changes
    if body is not None:
        data["body"] = body
    articles.save_article(
        session, article.id, ArticleUpdate(**data, base_version=article.version), actor=EDITOR
    )
    publishing.submit(session, article.id, actor=EDITOR)
    publishing.approve(session, article.id, actor=REVIEWER)


def translated_pair(session) -> tuple[Article, Article]:
    english = publish(session)
    welsh = publish(session, **WELSH)
    translations.stamp(session, welsh)
    return english, welsh


def test_publishing_the_english_flags_the_welsh_until_marked(session):
    english, welsh = translated_pair(session)
    assert welsh.source_version == english.live_revision.number == 1
    assert not translations.is_outdated(session, welsh)
    flagged = listing.ArticleFilter(outdated_translation=True)
    assert listing.list_articles(session, flagged) == []

    articles.save_article(  # a draft of the English changes nothing yet
        session,
        english.id,
        ArticleUpdate(
            **{
                name: articles.editorial_view(english)[name]
                for name in set(ArticleUpdate.model_fields) - {"base_version", "note", "body"}
            },
            body="Report it within 2 working days.\n",
            base_version=english.version,
        ),
        actor=EDITOR,
    )
    assert not translations.is_outdated(session, welsh)
    publishing.submit(session, english.id, actor=EDITOR)
    publishing.approve(session, english.id, actor=REVIEWER)
    session.expire_all()
    assert translations.is_outdated(session, welsh)
    assert [a.slug for a in listing.list_articles(session, flagged)] == [WELSH["slug"]]
    assert translations.outdated_ids(session, [english.id, welsh.id]) == {welsh.id}

    translations.mark_updated(session, welsh, actor=EDITOR, now=articles.utcnow())
    assert welsh.source_version == 2
    assert not translations.is_outdated(session, welsh)
    assert listing.list_articles(session, flagged) == []
    actions = session.scalars(
        select(WorkflowEvent.action).where(WorkflowEvent.article_id == welsh.id)
    ).all()
    assert actions[-1] == translations.MARKED


def test_new_alternative_questions_or_tags_leave_the_welsh_up_to_date(session):
    english, welsh = translated_pair(session)
    flagged = listing.ArticleFilter(outdated_translation=True)
    republish(
        session, english,
        alternative_questions=[*english.alternative_questions, "the crew forgot my bin"],
        tags=[*english.tags, "missed"],
    )  # fmt: skip
    session.expire_all()
    assert english.live_revision.number == 2 and welsh.source_version == 1
    assert not translations.is_outdated(session, welsh)
    assert listing.list_articles(session, flagged) == []

    republish(session, english, summary="Report a bin we did not empty within 2 days.")
    session.expire_all()
    assert translations.is_outdated(session, welsh)
    assert translations.outdated_ids(session, [english.id, welsh.id]) == {welsh.id}

    republish(session, english, title="Report a bin that was not emptied")
    session.expire_all()
    assert translations.is_outdated(session, welsh)  # still measured from revision 1
    translations.mark_updated(session, welsh, actor=EDITOR, now=articles.utcnow())
    assert welsh.source_version == 4 and not translations.is_outdated(session, welsh)


def test_only_a_welsh_translation_of_a_live_english_article_can_be_marked(session):
    english = publish(session)
    with pytest.raises(translations.NotATranslation):
        translations.mark_updated(session, english, actor=EDITOR, now=articles.utcnow())
    orphan = publish(session, **(WELSH | {"translation_of": "no-such-article"}))
    translations.stamp(session, orphan)
    assert orphan.source_version is None and not translations.is_outdated(session, orphan)
    with pytest.raises(translations.NotATranslation):
        translations.mark_updated(session, orphan, actor=EDITOR, now=articles.utcnow())
    assert translations.outdated_ids(session, []) == set()


def test_import_records_the_english_revision_and_flags_a_changed_source(session, tmp_path):
    folder = tmp_path / "content"
    for relative in ("en/waste/missed-bin.md", "cy/waste/rhoi-gwybod-am-fin-heb-ei-gasglu.md"):
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CONTENT / relative, folder / relative)
    transfer.import_folder(session, folder, actor=IMPORTER)
    welsh = transfer.find_article(session, "rhoi-gwybod-am-fin-heb-ei-gasglu")
    assert welsh is not None and welsh.source_version == 1
    assert not translations.is_outdated(session, welsh)

    english_file = folder / "en/waste/missed-bin.md"
    asked = "alternative_questions:\n"  # a new one only: the Welsh text is still right
    english_file.write_text(
        english_file.read_text().replace(asked, f"{asked}  - the lorry went past my house\n")
    )
    report = transfer.import_folder(session, folder, actor=IMPORTER)
    session.expire_all()
    assert report.updated == 1
    assert not translations.is_outdated(session, welsh)
    assert translations.outdated_ids(session, [welsh.id]) == set()

    english_file.write_text(english_file.read_text() + "\nCall us if it happens twice.\n")
    transfer.import_folder(session, folder, actor=IMPORTER)
    session.expire_all()
    assert translations.is_outdated(session, welsh)  # only the English file changed
    assert translations.outdated_ids(session, [welsh.id]) == {welsh.id}


def test_editor_shows_the_flag_filters_and_clears_it(client, staff, factory):
    with factory() as session:
        english, welsh = translated_pair(session)
        republish(session, english, "Report it within 2 working days.\n")
        session.commit()
        welsh_id, english_id = welsh.id, english.id
    token = login(client, "editor@example.gov.uk")
    page = client.get(f"/editor/articles/{welsh_id}").text
    assert translations.OUTDATED_MESSAGE in page and "Mark translation as updated" in page
    assert translations.OUTDATED_MESSAGE not in client.get(f"/editor/articles/{english_id}").text
    assert translations.OUTDATED_MESSAGE in client.get("/editor").text
    only = client.get("/editor", params={"outdated_translation": "true"}).text
    assert WELSH["title"] in only and "Report a missed bin" not in only

    refused = client.post(
        f"/editor/articles/{english_id}/translation-updated", data={"csrf_token": token}
    )
    assert refused.status_code == 409 and "Only a Welsh article" in refused.text
    done = client.post(
        f"/editor/articles/{welsh_id}/translation-updated",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert "marked as matching the current English version" in page
    assert translations.OUTDATED_MESSAGE not in page
    assert WELSH["title"] not in client.get("/editor", params={"outdated_translation": "true"}).text
