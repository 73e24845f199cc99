"""The missed-questions queue in a real browser, by keyboard, with axe-core.

An editor finds an article for a group of missed questions by search and adds
the residents' wordings as alternative questions, using only the keyboard; the
page (with its search results) has no serious or critical axe violations, and
the outcome is announced in a status message.
"""

import pytest

from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import EDITOR, sign_in

pytestmark = pytest.mark.browser


def test_an_editor_turns_a_group_into_alternative_questions_by_keyboard(site, page):
    sign_in(page, site, EDITOR)
    page.goto(site.url + "/editor/missed")
    first = page.locator("section.gap").first
    asked = first.locator("h2 q").inner_text()
    search = first.get_by_label("Search for an article")
    search.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("skip permit road")
    page.keyboard.press("Enter")
    page.wait_for_url("**/editor/missed?**#group-1")
    choice = page.locator("#group-1 input[name=article_id]:checked")
    assert choice.count() == 1
    assert axe_violations(page, best_practice=True) == []
    # from the search box, Tab reaches the Search button, the chosen article, then "Add"
    page.locator("#group-1").get_by_label("Search for an article").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "article_id"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Add as alternative questions"
    page.keyboard.press("Enter")
    page.wait_for_url("**done=alternatives_added**")
    status = page.get_by_role("status").first
    assert "added to the article as alternative questions" in status.inner_text()
    assert asked not in [q.inner_text() for q in page.locator("section.gap h2 q").all()]
    assert axe_violations(page, best_practice=True) == []
