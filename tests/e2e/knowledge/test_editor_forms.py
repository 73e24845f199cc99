"""In a real browser: the editor's messages in English and Welsh, with axe, and the
web address following the title as it is typed (by keyboard only)."""

from __future__ import annotations

import pytest

from knowledge.editor_forms import slugify
from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import EDITOR, sign_in

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
