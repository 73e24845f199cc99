"""Done when: an editor drafts, a reviewer publishes, and within 2 seconds the
website and the search API show it (real search engine, real embedding model),
and a second instance converges through the revision counter."""

import re
import time

import pytest
from fastapi.testclient import TestClient

from knowledge.app import create_app
from knowledge.search import SearchEngine, SentenceTransformerEmbedder
from tests.integration.knowledge.conftest import login, make_settings

pytestmark = pytest.mark.slow

QUESTION = "can I keep chickens in my back garden"
FORM = {
    "title": "Keeping chickens and other poultry",
    "slug": "keeping-chickens",
    "language": "en",
    "summary": "You can keep a few hens in your garden if they do not cause a nuisance.",
    "service_area": "environmental_health",
    "owner_team": "Environmental Health",
    "review_by": "2027-11-30",
    "tags": "animals, poultry",
    "alternative_questions": "can I keep chickens in my garden\nare hens allowed in back gardens",
    "related": "",
    "links": "",
    "translation_of": "",
    "body": "You can keep hens in your back garden. You do not need permission for a few birds.\n\n"
    "## Noise and smells\n\nCockerels crowing early can be a statutory nuisance.\n",
}


@pytest.fixture(scope="module")
def embedder():
    return SentenceTransformerEmbedder()


def wait_until(check, timeout=2.0):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"not visible within {timeout} seconds")


def test_editor_drafts_reviewer_publishes_and_search_shows_it_within_two_seconds(
    database, tmp_path, staff, embedder
):
    settings = make_settings(
        database,
        tmp_path,
        FRONTDOOR_KNOWLEDGE_BACKGROUND_TASKS="true",
        FRONTDOOR_KNOWLEDGE_SYNC_INTERVAL_SECONDS="1",
    )
    first = create_app(
        settings, search_engine=SearchEngine(tmp_path / "a", embedder, progress=False)
    )
    second = create_app(
        settings, search_engine=SearchEngine(tmp_path / "b", embedder, progress=False)
    )
    with TestClient(first) as site, TestClient(second) as other:
        assert site.get("/articles/keeping-chickens").status_code == 404

        token = login(site, "editor@example.gov.uk")
        created = site.post(
            "/editor/articles", data=FORM | {"csrf_token": token}, follow_redirects=False
        )
        assert created.status_code == 303, created.text
        article_url = created.headers["location"].split("?")[0]
        article_id = int(article_url.rsplit("/", 1)[1])
        edit_page = site.get(article_url)
        assert "Approve and publish" not in edit_page.text  # an editor cannot approve
        submitted = site.post(
            f"{article_url}/workflow",
            data={"action": "submit", "csrf_token": token},
            follow_redirects=False,
        )
        assert submitted.status_code == 303
        assert site.get("/articles/keeping-chickens").status_code == 404  # in review, not public

        token = login(site, "reviewer@example.gov.uk")
        queue = site.get("/editor/review")
        assert "Keeping chickens and other poultry" in queue.text
        approved = site.post(
            f"/editor/articles/{article_id}/workflow",
            data={"action": "approve", "csrf_token": token},
            follow_redirects=False,
        )
        assert approved.status_code == 303
        published_at = time.monotonic()

        def on_website() -> bool:
            page = site.get("/articles/keeping-chickens")
            return page.status_code == 200 and "Cockerels crowing" in page.text

        def in_search(client) -> bool:  # type: ignore[no-untyped-def]
            hits = client.get("/api/v1/search", params={"q": QUESTION}).json()["results"]
            return bool(hits) and hits[0]["slug"] == "keeping-chickens"

        wait_until(on_website)
        wait_until(lambda: in_search(site))
        assert time.monotonic() - published_at < 2.0
        wait_until(lambda: in_search(other))  # the other instance, via its sync loop
        hit = site.get("/api/v1/search", params={"q": "cockerel crowing nuisance"}).json()[
            "results"
        ][0]
        assert hit["section_anchor"] == "noise-and-smells"
        page = site.get("/articles/keeping-chickens")
        assert re.search(r'<h2 id="noise-and-smells">Noise and smells</h2>', page.text)

        # archiving takes it out of both instances' search and the website just as fast
        site.post(
            f"/editor/articles/{article_id}/workflow",
            data={"action": "archive", "csrf_token": token},
            follow_redirects=False,
        )
        assert site.get("/articles/keeping-chickens").status_code == 404
        wait_until(lambda: not in_search(site))
        wait_until(lambda: not in_search(other))
