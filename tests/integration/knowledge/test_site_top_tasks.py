"""The home page leads with the top tasks editors tagged ``top-task``, in English and Welsh."""

from __future__ import annotations

import re

from tests.integration.knowledge.conftest import publish

WASTE = [
    ("assisted-bin-collection", "Assisted bin collection", []),
    ("bad-weather-bin-disruption", "Bad weather bin disruption", []),
    ("bulky-waste-collection", "Book a bulky waste collection", []),
    ("christmas-bin-collections", "Christmas bin collections", []),
    ("food-waste-caddy", "Food waste caddy", []),
    ("missed-bin", "Report a missed bin", ["bins", "top-task"]),
    ("bin-collection-day", "Find your bin collection day", ["bins", "top-task"]),
]


def _publish_waste(session) -> None:  # type: ignore[no-untyped-def]
    for slug, title, tags in WASTE:
        publish(session, slug=slug, title=title, tags=tags or ["bins"])
    publish(session, slug="talu-treth", title="Talu eich treth gyngor", language="cy",
            service_area="council_tax", tags=["top-task"])  # fmt: skip
    publish(session, slug="bandiau", title="Bandiau treth gyngor", language="cy",
            service_area="council_tax")  # fmt: skip
    session.commit()


def _top_tasks(html: str) -> list[str]:
    section = html.split('class="top-tasks"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="top-tasks__link">([^<]+)<', section)


def test_english_home_leads_with_top_tasks_even_when_alphabetically_late(client, session):
    _publish_waste(session)
    page = client.get("/").text
    assert "Popular tasks" in page
    assert _top_tasks(page) == ["Find your bin collection day", "Report a missed bin"]
    # the top tasks come before the rest in the service area's card, within its first four
    card = page.split('href="/services/waste"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', card)
    assert links == [
        "Find your bin collection day",
        "Report a missed bin",
        "Assisted bin collection",
        "Bad weather bin disruption",
    ]


def test_welsh_home_leads_with_its_own_top_tasks(client, session):
    _publish_waste(session)
    page = client.get("/cy/").text
    assert "Tasgau poblogaidd" in page
    assert _top_tasks(page) == ["Talu eich treth gyngor"]


def test_home_without_top_tasks_has_no_empty_section(client, session):
    publish(session, slug="air-quality", title="Air quality", service_area="environmental_health")
    session.commit()
    page = client.get("/").text
    assert 'class="top-tasks"' not in page and "Air quality" in page


def test_search_page_suggests_a_spelling_from_the_articles(client, session):
    _publish_waste(session)
    page = client.get("/search", params={"q": "missed bin colection"}).text
    assert "Did you mean" in page and "/search?q=missed%20bin%20collection" in page


def test_welsh_search_page_says_did_you_mean_in_welsh(client, session):
    _publish_waste(session)
    page = client.get("/cy/search", params={"q": "talu treth gyngorr"}).text
    assert "Oeddech chi&#39;n golygu" in page and "/cy/search?q=talu%20treth%20gyngor" in page


def test_favicon_manifest_and_skip_link_to_the_chat(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"
    assert client.get("/static/favicon.svg").text.startswith("<svg")
    manifest = client.get("/site.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert manifest.json()["start_url"] == "/" and manifest.json()["icons"]
    for path, skip in (
        ("/", "Skip to the online assistant"),
        ("/cy/", "Neidio i&#39;r cynorthwyydd"),
    ):
        page = client.get(path).text
        assert f'<a href="#chat" class="skip-link">{skip}' in page
        assert 'id="chat"' in page and 'rel="manifest"' in page and "/favicon.ico" in page
