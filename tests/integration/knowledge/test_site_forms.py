"""The website's forms answer in the GOV.UK style, in English and Welsh: an error
summary linking to the field, the same message beside it, "Error:" in the title,
nothing written; and a task page's Start now button (issue #17)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from knowledge.models import Feedback
from tests.integration.knowledge.conftest import publish


@pytest.fixture
def pages(session):  # type: ignore[no-untyped-def]
    publish(session, slug="missed-bin", title="Report a missed bin",
            tags=["top-task", "start:missed-bin"])  # fmt: skip
    publish(session, slug="rhoi-gwybod", title="Rhoi gwybod am fin heb ei gasglu",
            language="cy", translation_of="missed-bin", tags=["start:missed-bin"])  # fmt: skip
    publish(session, slug="air-quality", title="Air quality", tags=["start:no-such-task"],
            service_area="environmental_health")  # fmt: skip
    session.commit()


def _feedback_rows(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Feedback)) or 0)


def _summary_links(html: str) -> list[tuple[str, str]]:
    summary = html.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


@pytest.mark.parametrize(
    ("slug", "title", "choose", "too_long"),
    [
        ("missed-bin", "Error: Report a missed bin", "Select yes if this page was useful",
         "Your comment must be 2,000 characters or fewer"),
        ("rhoi-gwybod", "Gwall: Rhoi gwybod am fin heb ei gasglu",
         "Dewiswch oedd os oedd y dudalen hon yn ddefnyddiol",
         "Rhaid i&#39;ch sylw fod yn 2,000 o nodau neu lai"),
    ],
)  # fmt: skip
def test_feedback_without_an_answer_or_too_long_says_so(
    client, factory, pages, slug, title, choose, too_long
):  # type: ignore[no-untyped-def]
    sent = client.post(f"/articles/{slug}/feedback", data={"comment": "x" * 2001})
    assert sent.status_code == 400
    assert f"<title>{title} - " in sent.text
    assert _summary_links(sent.text) == [("helpful-yes", choose), ("feedback-comment", too_long)]
    assert 'aria-describedby="feedback-hint feedback-comment-error"' in sent.text
    assert 'id="helpful-error"' in sent.text and "x" * 2001 in sent.text  # kept, not lost
    assert "pattern" not in sent.text and "String should" not in sent.text
    assert _feedback_rows(factory) == 0
    ok = client.post(f"/articles/{slug}/feedback", data={"helpful": "no", "comment": "hi"},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and _feedback_rows(factory) == 1


def test_an_empty_search_asks_for_words_and_the_search_page_alone_does_not(client, pages):  # type: ignore[no-untyped-def]
    welsh = "Rhowch yr hyn rydych chi&#39;n chwilio amdano"
    for path, message in (("/search", "Enter what you are looking for"), ("/cy/search", welsh)):
        empty = client.get(path, params={"q": "   "})
        assert empty.status_code == 400
        assert _summary_links(empty.text) == [("search-page-q", message)]
        assert 'aria-describedby="search-page-q-error"' in empty.text
        assert empty.text.count(message) == 2  # the summary and beside the box
        landing = client.get(path)
        assert landing.status_code == 200 and "error-summary" not in landing.text


def test_a_task_page_carries_start_now_and_other_pages_do_not(client, pages):  # type: ignore[no-untyped-def]
    english = client.get("/articles/missed-bin").text
    assert re.search(
        r'<a href="/articles/contact-us" class="button button--start" draggable="false"\s+'
        r'data-frontdoor-start="/report_missed_bin" '
        r'data-frontdoor-start-text="Report a missed bin">Start now<svg',
        english,
    )
    welsh = client.get("/articles/rhoi-gwybod").text
    assert 'data-frontdoor-start-text="Rhoi gwybod am fin heb ei gasglu">Dechrau nawr<svg' in welsh
    assert 'href="/articles/cysylltu-a-ni" class="button button--start"' in welsh
    assert "button--start" not in client.get("/articles/air-quality").text
