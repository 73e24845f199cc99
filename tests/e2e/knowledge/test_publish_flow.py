"""In a real browser: an editor drafts, a reviewer publishes, residents see it at once."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.knowledge.conftest import EDITOR, REVIEWER, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_draft_review_publish_and_see_it_on_the_website(site, browser):
    editor = new_page(browser)
    reviewer = new_page(browser)
    resident = new_page(browser)
    try:
        resident.goto(site.url + "/")
        assert resident.get_by_role("heading", name="Bramblefield District Council").is_visible()
        resident.get_by_label("Search this website").fill("when is my bin day")
        resident.get_by_role("button", name="Search").first.click()
        assert resident.locator(".search-results li").count() > 0
        resident.locator(".search-results a").first.click()
        assert "Last reviewed" in resident.locator(".meta").inner_text()

        sign_in(editor, site, EDITOR)
        editor.get_by_role("link", name="New article").click()
        editor.get_by_label("Title").fill("Report a dead animal on the road")
        editor.get_by_label("Web address").fill("dead-animal-on-the-road")
        editor.get_by_label("Summary").fill("We remove dead animals from roads and pavements.")
        editor.get_by_label("Service area").select_option("environmental_health")
        editor.get_by_label("Owner team").select_option("Environmental Health")
        editor.locator("#review_by").fill("31")
        editor.locator("#review_by-month").fill("10")
        editor.locator("#review_by-year").fill("2027")
        editor.get_by_label("Body (Markdown)").fill(
            "Tell us where the animal is and we will remove it within 24 hours.\n\n"
            "## Foxes and badgers\n\nWe remove foxes, badgers and deer from any public road.\n"
        )
        editor.wait_for_selector("#preview h2#foxes-and-badgers")  # live preview, same renderer
        editor.get_by_label("Alternative questions").fill("dead fox on the road who removes it")
        editor.get_by_role("button", name="Create draft").click()
        editor.wait_for_selector("text=The draft was created.")
        editor.get_by_role("button", name="Send for review").click()
        editor.wait_for_selector("text=The article was sent for review.")
        assert httpx.get(site.url + "/articles/dead-animal-on-the-road").status_code == 404

        sign_in(reviewer, site, REVIEWER)
        reviewer.get_by_role("link", name="Review queue").click()
        reviewer.get_by_role("link", name="Report a dead animal on the road").click()
        reviewer.get_by_role("button", name="Approve and publish").click()
        reviewer.wait_for_selector("text=The article is published.")

        resident.goto(site.url + "/articles/dead-animal-on-the-road")
        assert resident.locator("h1").inner_text() == "Report a dead animal on the road"
        assert resident.locator("#foxes-and-badgers").is_visible()
        # the instance that published synced its search before it answered: no waiting
        # (how long publishing takes is measured by benchmarks/search_freshness.py)
        hits = httpx.get(
            site.url + "/api/v1/search", params={"q": "dead fox on the road who removes it"}
        ).json()["results"]
        assert hits and hits[0]["slug"] == "dead-animal-on-the-road", hits[:3]

        resident.get_by_label("Yes").check()
        resident.get_by_role("button", name="Send feedback").click()
        assert resident.get_by_text("Thank you for your feedback.").is_visible()
    finally:
        for page in (editor, reviewer, resident):
            page.context.close()
