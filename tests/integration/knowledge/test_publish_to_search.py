"""Done when: an editor drafts, a reviewer publishes, and the website and the
search API of the publishing instance show it as soon as the publish answers
(real search engine, real embedding model), and a second instance converges
through the revision counter. How many seconds that takes is measured by
benchmarks/search_freshness.py, not asserted here."""

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


HANG_GUARD_SECONDS = 60.0  # only so a broken sync loop fails instead of hanging


def eventually(check) -> None:  # type: ignore[no-untyped-def]
    """Poll ``check`` until it holds; a deadline only as a hang guard, not a speed target."""
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {HANG_GUARD_SECONDS:.0f} s")
        time.sleep(0.05)


def test_editor_drafts_reviewer_publishes_and_search_shows_it_at_once(
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

        def on_website() -> bool:
            page = site.get("/articles/keeping-chickens")
            return page.status_code == 200 and "Cockerels crowing" in page.text

        def in_search(client) -> bool:  # type: ignore[no-untyped-def]
            hits = client.get("/api/v1/search", params={"q": QUESTION}).json()["results"]
            return bool(hits) and hits[0]["slug"] == "keeping-chickens"

        # the publishing instance synced before it answered: no waiting at all
        assert on_website()
        assert in_search(site)
        eventually(lambda: in_search(other))  # the other instance, via its sync loop
        hit = site.get("/api/v1/search", params={"q": "cockerel crowing nuisance"}).json()[
            "results"
        ][0]
        assert hit["section_anchor"] == "noise-and-smells"
        page = site.get("/articles/keeping-chickens")
        assert re.search(r'<h2 id="noise-and-smells">Noise and smells</h2>', page.text)

        # archiving takes it out of the website and this instance's search at once,
        # and out of the other instance's search once it syncs
        archived = site.post(
            f"/editor/articles/{article_id}/workflow",
            data={"action": "archive", "csrf_token": token},
            follow_redirects=False,
        )
        assert archived.status_code == 303
        assert site.get("/articles/keeping-chickens").status_code == 404
        assert not in_search(site)
        eventually(lambda: not in_search(other))
