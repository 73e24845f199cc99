"""In a real browser: the editor's messages in English and Welsh, with axe, the
web address following the title as it is typed (by keyboard only), the diff
page's UK dates and the notifications outbox fitting a desktop and a phone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from frontdoor.clock import london_now
from knowledge import articles, reminders
from knowledge.editor_forms import slugify
from knowledge.editor_text import long_moment
from knowledge.models import Article
from notify.outbox import OutboxNotifications
from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import ADMIN, EDITOR, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = "Cŵn a baw cŵn: report dog fouling"


def _submit_with_mistakes(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.locator("#slug").fill("Bad Slug")
    page.locator("#review_by").fill("31")
    page.locator("#review_by-month").fill("2")
    page.locator("#review_by-year").fill("2027")
    page.locator("#save-button").click()
    page.wait_for_selector("#error-summary")


def test_errors_in_english_and_welsh_and_the_web_address_from_the_title(site, page):
    sign_in(page, site, EDITOR)
    page.goto(f"{site.url}/editor/articles/new?lang=en")
    # keyboard only: type the title, the address follows; edit the address, it stops
    page.locator("#title").focus()
    page.keyboard.type(TITLE)
    assert (
        page.locator("#slug").input_value() == slugify(TITLE) == "cwn-a-baw-cwn-report-dog-fouling"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "slug"
    page.keyboard.press("End")
    page.keyboard.type("-now")
    page.locator("#title").focus()
    page.keyboard.type(" today")
    assert page.locator("#slug").input_value() == "cwn-a-baw-cwn-report-dog-fouling-now"

    _submit_with_mistakes(page, f"{site.url}/editor/articles/new")
    summary = page.locator("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    english = summary.inner_text()
    assert "There is a problem" in english
    for message in (
        "Enter a title",
        "The web address can only contain lower-case letters, numbers and hyphens",
        "Enter a summary",
        "The review date must be a real date",
        "Enter the text of the article",
    ):
        assert message in english
        assert page.locator(".error-message", has_text=message).count() == 1  # beside its field
    assert "should" not in english and "pattern" not in english
    summary.get_by_role("link", name="The review date must be a real date").click()
    assert page.evaluate("document.activeElement.id") == "review_by"
    assert axe_violations(page, best_practice=True) == []

    _submit_with_mistakes(page, f"{site.url}/editor/articles/new?lang=cy")
    welsh = page.locator("#error-summary").inner_text()
    assert "Mae problem wedi codi" in welsh and "Rhowch deitl" in welsh
    assert "Rhaid i'r dyddiad adolygu fod yn ddyddiad go iawn" in welsh
    assert "Enter a title" not in welsh
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("button", name="Creu drafft").is_visible()
    assert (
        page.get_by_label("Teitl").is_visible() and page.get_by_label("Diwrnod").first.is_visible()
    )
    assert axe_violations(page, best_practice=True) == []
    # the choice is remembered until it is changed
    page.goto(f"{site.url}/editor/stale")
    assert page.get_by_role("link", name="Cynnwys sydd wedi dyddio").is_visible()
    assert axe_violations(page, best_practice=True) == []
    page.get_by_role("link", name="Yn dal yn gywir").first.click()
    assert page.get_by_role("heading", name="Ydy'r erthygl hon yn dal yn gywir?").is_visible()
    assert axe_violations(page, best_practice=True) == []
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("link", name="Stale content").is_visible()


def _no_sideways_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def test_diff_dates_and_the_outbox_fit_the_window(site, page):
    engine = site.app.state.engine
    now = london_now()
    with site.factory() as session:
        # the demo's article in review has a second revision
        edited = session.scalars(select(Article.id).where(Article.version >= 2).limit(1)).one()
        saved = [articles.get_revision(session, edited, n).created_at for n in (1, 2)]
        overdue = session.scalar(
            select(func.count(Article.id)).where(Article.review_by < now.date())
        )
    moments = {lang: [long_moment(moment, lang) for moment in saved] for lang in ("en", "cy")}
    assert overdue, "the demo content has overdue articles to remind about"
    # the owner teams' reminders in the outbox, as the stack's scheduler would queue them today
    queued = reminders.run(
        site.factory, OutboxNotifications(engine), reminders.Policy(),
        now=now, today=now.date(),
    ).queued  # fmt: skip
    assert queued >= 1

    sign_in(page, site, ADMIN)
    for lang in ("en", "cy"):
        page.goto(f"{site.url}/editor/articles/{edited}/diff?from=1&to=2&lang={lang}")
        shown = page.locator(".diff-revisions").inner_text()
        assert all(moment in shown for moment in moments[lang]), (shown, moments[lang])
        assert axe_violations(page, best_practice=True) == []
    page.goto(f"{site.url}/editor/notifications?lang=en")
    assert page.locator(".table-scroll tbody tr").count() >= 1
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert _no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")
        region = page.get_by_role("region", name="Messages")
        box = region.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert axe_violations(page, best_practice=True) == []
