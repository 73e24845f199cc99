"""The authenticated article-writing and workflow API."""

from tests.integration.knowledge.conftest import api_article, bearer, days_from_today, login


def create(client, **overrides):
    response = client.post(
        "/api/v1/editorial/articles", json=api_article(**overrides), headers=bearer()
    )
    assert response.status_code == 201, response.text
    return response.json()


def update_payload(article, **changes):
    keep = (
        "title",
        "summary",
        "service_area",
        "tags",
        "alternative_questions",
        "owner_team",
        "review_by",
        "translation_of",
        "related",
        "links",
        "body",
    )
    payload = {name: article[name] for name in keep}
    payload["base_version"] = article["version"]
    payload.update(changes)
    return payload


def test_writing_needs_a_token_or_a_staff_session(client):
    assert client.post("/api/v1/editorial/articles", json=api_article()).status_code == 401
    wrong = {"authorization": "Bearer nope"}
    assert (
        client.post("/api/v1/editorial/articles", json=api_article(), headers=wrong).status_code
        == 401
    )


def test_staff_cookie_needs_the_csrf_header(client, staff):
    token = login(client, "editor@example.gov.uk")
    assert client.post("/api/v1/editorial/articles", json=api_article()).status_code == 403
    made = client.post(
        "/api/v1/editorial/articles", json=api_article(), headers={"x-csrf-token": token}
    )
    assert made.status_code == 201
    assert client.get("/api/v1/editorial/articles").status_code == 200  # reads need no token


def test_invalid_metadata_is_422_naming_the_field(client):
    bad_area = client.post(
        "/api/v1/editorial/articles",
        json=api_article() | {"service_area": "bins"},
        headers=bearer(),
    )
    assert bad_area.status_code == 422 and bad_area.json()["message"].startswith("service_area:")
    extra = client.post(
        "/api/v1/editorial/articles", json=api_article() | {"colour": "red"}, headers=bearer()
    )
    assert extra.status_code == 422 and extra.json()["message"].startswith("colour:")
    bad_link = client.post(
        "/api/v1/editorial/articles",
        json=api_article() | {"links": [{"title": "x", "url": "javascript:alert(1)"}]},
        headers=bearer(),
    )
    assert bad_link.status_code == 422 and "links.0.url" in bad_link.json()["message"]


def test_article_over_one_megabyte_is_413(client):
    big = client.post(
        "/api/v1/editorial/articles", json=api_article(body="a" * 1_000_001), headers=bearer()
    )
    assert big.status_code == 413
    huge = client.post(
        "/api/v1/editorial/articles", json=api_article(body="a" * 3_200_000), headers=bearer()
    )
    assert huge.status_code == 413


def test_stale_save_is_409_with_the_newer_revision(client):
    article = create(client)
    first = client.put(
        f"/api/v1/editorial/articles/{article['id']}",
        json=update_payload(article, title="First"),
        headers=bearer(),
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.put(
        f"/api/v1/editorial/articles/{article['id']}",
        json=update_payload(article, title="Second"),
        headers=bearer(),
    )
    assert second.status_code == 409
    body = second.json()
    assert body["error"] == "edit_conflict" and body["base_version"] == 1
    assert body["current"]["version"] == 2 and body["current"]["title"] == "First"


def test_workflow_over_the_api(client, staff, factory):
    article = create(client)
    url = f"/api/v1/editorial/articles/{article['id']}"
    assert (
        client.post(f"{url}/approve", json={}, headers=bearer()).status_code == 403
    )  # tokens never publish
    assert client.post(f"{url}/send-back", json={}, headers=bearer()).status_code == 403
    assert (
        client.post(f"{url}/submit", json={"comment": "please"}, headers=bearer()).json()["state"]
        == "in_review"
    )
    token = login(client, "reviewer@example.gov.uk")
    approved = client.post(f"{url}/approve", json={}, headers={"x-csrf-token": token})
    assert approved.status_code == 200 and approved.json()["is_live"] is True
    again = client.post(f"{url}/approve", json={}, headers={"x-csrf-token": token})
    assert again.status_code == 409 and again.json()["error"] == "illegal_transition"
    assert client.get("/api/v1/articles/missed-bin").status_code == 200
    from frontdoor import audit

    with factory() as session:  # the signed-in reviewer, by email, in the staff access log
        (entry,) = audit.list_entries(session, action="publish")
    assert (entry.actor, entry.subject) == ("reviewer@example.gov.uk", f"article:{article['id']}")
    assert entry.detail == {"slug": "missed-bin", "language": "en", "version": 1}


def test_reviewer_cannot_approve_own_change(client, staff):
    token = login(client, "admin@example.gov.uk")
    headers = {"x-csrf-token": token}
    article = client.post("/api/v1/editorial/articles", json=api_article(), headers=headers).json()
    url = f"/api/v1/editorial/articles/{article['id']}"
    assert client.post(f"{url}/submit", json={}, headers=headers).status_code == 200
    refused = client.post(f"{url}/approve", json={}, headers=headers)
    assert refused.status_code == 403 and refused.json()["error"] == "self_approval"


def test_history_diff_and_restore(client):
    article = create(client, body="Line one\n<script>bad()</script>\n")
    url = f"/api/v1/editorial/articles/{article['id']}"
    edited = client.put(
        url, json=update_payload(article, body="Line one\nLine two\n"), headers=bearer()
    )
    assert edited.status_code == 200, edited.text
    revisions = client.get(f"{url}/revisions", headers=bearer()).json()
    assert [r["number"] for r in revisions] == [2, 1]
    unified = client.get(f"{url}/diff", params={"from": 1, "to": 2}, headers=bearer()).json()
    assert "-<script>bad()</script>" in unified["diff"] and "+Line two" in unified["diff"]
    table = client.get(
        f"{url}/diff", params={"from": 1, "to": 2, "style": "html"}, headers=bearer()
    ).json()
    assert "&lt;script&gt;" in table["diff"] and "<script>" not in table["diff"]
    restored = client.post(f"{url}/revisions/1/restore", json={"base_version": 2}, headers=bearer())
    assert restored.status_code == 200 and restored.json()["version"] == 3
    assert "<script>bad()</script>" in restored.json()["body"]
    stale = client.post(f"{url}/revisions/1/restore", json={"base_version": 2}, headers=bearer())
    assert stale.status_code == 409


def test_preview_uses_the_website_renderer(client):
    response = client.post(
        "/api/v1/editorial/preview",
        json={"body": "## Fees & charges\n\n<img src=x onerror=alert(1)>[x](javascript:alert(1))"},
        headers=bearer(),
    )
    html = response.json()["html"]
    assert '<h2 id="fees-charges">' in html and "onerror" not in html and "javascript" not in html


def test_editorial_listing_filters(client):
    create(client)
    create(client, slug="old-one", review_by=days_from_today(-1), owner_team="Revenues")
    # due today by the app's pinned clock: not stale yet (the machine's date may differ)
    create(client, slug="due-today", review_by=days_from_today(0), owner_team="Revenues")
    stale = client.get(
        "/api/v1/editorial/articles", params={"stale": True}, headers=bearer()
    ).json()
    assert [a["slug"] for a in stale] == ["old-one"]
    team = client.get(
        "/api/v1/editorial/articles", params={"owner_team": "Waste Services"}, headers=bearer()
    )
    assert [a["slug"] for a in team.json()] == ["missed-bin"]
    # two conversations reported by the bot (a service token) are two askers; the same
    # anonymous client asking again counts once (issue #10)
    for conversation in ("c1", "c2"):
        gap = client.post(
            "/api/v1/content-gaps",
            json={"question": "skip permit", "source": "bot", "conversation_id": conversation},
            headers=bearer(),
        )
        assert gap.status_code == 201, gap.text
    for _ in range(2):
        gap = client.post(
            "/api/v1/content-gaps",
            json={"question": "a skip permit please", "source": "site_search"},
        )
        assert gap.status_code == 201, gap.text
    groups = client.get("/api/v1/editorial/content-gaps", headers=bearer()).json()
    assert groups[0]["count"] == 3
    assert len(groups[0]["gap_ids"]) == 3


def test_the_article_list_pages_with_limit_offset_and_a_total(client):
    for n in range(5):
        create(client, slug=f"page-test-{n}", title=f"Page test {n}")
    first = client.get("/api/v1/editorial/articles", params={"limit": 2}, headers=bearer())
    assert first.status_code == 200 and first.headers["x-total-count"] == "5"
    rest = client.get(
        "/api/v1/editorial/articles", params={"limit": 2, "offset": 2}, headers=bearer()
    )
    last = client.get(
        "/api/v1/editorial/articles", params={"limit": 2, "offset": 4}, headers=bearer()
    )
    slugs = [a["slug"] for page in (first, rest, last) for a in page.json()]
    assert sorted(slugs) == [f"page-test-{n}" for n in range(5)]
    too_many = client.get("/api/v1/editorial/articles", params={"limit": 501}, headers=bearer())
    assert too_many.status_code == 422 and "limit" in too_many.json()["message"]
