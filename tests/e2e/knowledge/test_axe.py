"""axe-core on the website and the editor: no serious or critical violations."""

import pytest

from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import EDITOR, sign_in

pytestmark = pytest.mark.browser

SITE_PAGES = [
    "/",
    "/services/waste",
    "/articles/missed-bin",
    "/articles/council-tax-bands",
    "/search?q=when+is+my+bin+day",
    "/search?q=zzzz+qqqq",
    "/search?q=",  # the error summary
    "/cy/services/council_tax",  # top tasks, then the rest
    "/accessibility",
    "/cy/",
    "/no-such-page",
    "/docs",
]


@pytest.mark.parametrize("path", SITE_PAGES)
def test_website_pages(site, page, path):
    page.goto(site.url + path)
    assert axe_violations(page, best_practice=True) == []


def test_website_on_a_phone(site, browser):
    from tests.e2e.knowledge.conftest import new_page

    phone = new_page(browser, is_mobile=True)
    phone.set_viewport_size({"width": 375, "height": 740})
    try:
        phone.goto(site.url + "/articles/missed-bin")
        assert axe_violations(phone, best_practice=True) == []
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375  # no sideways scrolling on a phone
    finally:
        phone.context.close()


def test_feedback_sent_empty_shows_the_error_summary_focused(site, page):
    page.goto(site.url + "/articles/rhoi-gwybod-am-fin-heb-ei-gasglu")
    page.evaluate("document.querySelector('#feedback form').submit()")
    page.wait_for_selector(".error-summary")
    assert page.title().startswith("Gwall: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.locator(".error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "helpful-yes"
    assert axe_violations(page, best_practice=True) == []


def test_welsh_article(site, page):
    page.goto(site.url + "/cy/")
    page.locator("main a[href^='/articles/']").first.click()
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert axe_violations(page, best_practice=True) == []


EDITOR_PAGES = [
    "/editor",
    "/editor/articles/new",
    "/editor/review",
    "/editor/stale",
    "/editor/missed",
]


def test_editor_login_page(site, page):
    page.goto(site.url + "/editor/login")
    assert axe_violations(page, best_practice=True) == []


@pytest.mark.parametrize("path", EDITOR_PAGES)
def test_editor_pages(site, page, path):
    sign_in(page, site, EDITOR)
    page.goto(site.url + path)
    assert axe_violations(page, best_practice=True) == []


def test_editor_edit_history_and_diff(site, page):
    sign_in(page, site, EDITOR)
    page.goto(site.url + "/editor/review")
    page.locator("main table a").first.click()
    page.wait_for_selector("#preview h2")  # the live preview has rendered
    assert axe_violations(page, best_practice=True) == []
    page.get_by_role("link", name="History and compare").click()
    assert axe_violations(page, best_practice=True) == []
    page.get_by_role("button", name="Compare").click()
    assert axe_violations(page, best_practice=True) == []


@pytest.mark.parametrize("path", ["/editor/admin", "/editor/admin/users/1"])
def test_admin_pages(site, page, path):
    from tests.e2e.knowledge.conftest import ADMIN

    sign_in(page, site, ADMIN)
    page.goto(site.url + path)
    assert axe_violations(page, best_practice=True) == []
