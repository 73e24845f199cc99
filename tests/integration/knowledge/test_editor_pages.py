"""Editor pages: sign-in, filters, edit conflicts, stale content and content gaps."""

import re

from knowledge import articles, gaps
from tests.integration.knowledge.conftest import (
    EDITOR,
    PASSWORD,
    article_data,
    days_from_today,
    login,
    publish,
)

HTML = {"accept": "text/html"}


def test_pages_need_sign_in_and_bad_passwords_are_refused(client, staff):
    response = client.get("/editor/stale", headers=HTML, follow_redirects=False)
    assert (
        response.status_code == 303
        and response.headers["location"] == "/editor/login?next=/editor/stale"
    )
    wrong = client.post(
        "/editor/login", data={"email": "editor@example.gov.uk", "password": "nope"}
    )
    assert wrong.status_code == 401 and "The email address or password is not right." in wrong.text
    ok = client.post(
        "/editor/login",
        data={
            "email": "editor@example.gov.uk",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/editor"


def test_the_article_list_pages_through_every_match_keeping_its_filters(client, staff, factory):
    """A council has hundreds of articles: the list shows 50 a page and says how many
    match (before, it showed the first 500 and silently left out the rest)."""
    with factory() as session:
        for n in range(53):
            articles.create_article(
                session,
                article_data(slug=f"bulky-item-{n:02d}", title=f"Bulky item {n:02d}"),
                actor=EDITOR,
            )
        articles.create_article(
            session, article_data(slug="parking-permit", title="Parking permit"), actor=EDITOR
        )
        session.commit()
    login(client, "editor@example.gov.uk")
    rows = re.compile(r'<a href="/editor/articles/\d+">')

    first = client.get("/editor").text
    assert len(rows.findall(first)) == 50
    assert "Showing articles 1 to 50 of 54." in first and "Page 1 of 2" in first
    assert 'href="/editor?page=2" rel="next"' in first and 'rel="prev"' not in first

    second = client.get("/editor", params={"page": 2}).text
    assert len(rows.findall(second)) == 4
    assert "Showing articles 51 to 54 of 54." in second
    assert 'href="/editor?page=1" rel="prev"' in second and 'rel="next"' not in second
    # every article is on one page or the other, once
    titles = re.findall(r">((?:Bulky item \d\d)|Parking permit)</a>", first + second)
    assert len(titles) == len(set(titles)) == 54

    filtered = client.get("/editor", params={"q": "bulky", "state": "draft"}).text
    assert "Showing articles 1 to 50 of 53." in filtered
    assert 'href="/editor?q=bulky&amp;state=draft&amp;page=2" rel="next"' in filtered
    past_the_end = client.get("/editor", params={"q": "bulky", "page": 9}).text
    assert "Showing articles 51 to 53 of 53." in past_the_end
    assert client.get("/editor", params={"page": 0}).status_code == 422
    welsh = client.get("/editor", params={"lang": "cy"}).text
    assert "Yn dangos erthyglau 1 i 50 o 54." in welsh and "Tudalen 1 o 2" in welsh


def test_forms_need_the_csrf_token(client, staff, factory):
    login(client, "editor@example.gov.uk")
    refused = client.post("/editor/articles", data={"title": "x"}, follow_redirects=False)
    assert refused.status_code == 403


def test_list_filters(client, staff, factory):
    with factory() as session:
        publish(session)
        publish(
            session,
            slug="old-tax-page",
            title="Old tax page",
            review_by=days_from_today(-400),
            owner_team="Revenues",
            service_area="council_tax",
        )
        session.commit()
    login(client, "editor@example.gov.uk")
    everything = client.get("/editor").text
    assert "Report a missed bin" in everything and "Old tax page" in everything
    stale = client.get("/editor", params={"stale": "true"}).text
    assert "Old tax page" in stale and "Report a missed bin" not in stale
    team = client.get("/editor", params={"owner_team": "Waste Services"}).text
    assert "Old tax page" not in team
    area = client.get("/editor", params={"service_area": "council_tax", "state": "published"}).text
    assert "Old tax page" in area and "Report a missed bin" not in area


def test_conflicting_save_keeps_the_editors_text_and_explains(client, staff, factory):
    with factory() as session:
        article = publish(session)
        session.commit()
    token = login(client, "editor@example.gov.uk")
    page = client.get(f"/editor/articles/{article.id}").text
    form = {
        name: value for name, value in re.findall(r'name="(\w+)" type="text" value="([^"]*)"', page)
    }
    form |= {
        "csrf_token": token,
        "base_version": "1",
        "summary": "s",
        "service_area": "waste",
        "owner_team": "Waste Services",
        "review_by": days_from_today(45).isoformat(),
        "body": "Mine\n",
    }
    assert (
        client.post(f"/editor/articles/{article.id}", data=form, follow_redirects=False).status_code
        == 303
    )
    late = client.post(f"/editor/articles/{article.id}", data=form | {"body": "My other text\n"})
    assert late.status_code == 409
    assert "Your changes were not saved" in late.text and "My other text" in late.text
    assert f"/editor/articles/{article.id}/diff?from=1&amp;to=2" in late.text


def test_invalid_form_shows_errors_beside_fields(client, staff):
    token = login(client, "editor@example.gov.uk")
    response = client.post(
        "/editor/articles",
        data={
            "csrf_token": token,
            "title": "",
            "slug": "Bad Slug",
            "body": "x",
            "review_by": days_from_today(45).isoformat(),
        },
    )
    assert response.status_code == 422
    assert 'id="slug-error"' in response.text and 'aria-invalid="true"' in response.text


def test_stale_view_groups_by_owner_team(client, staff, factory):
    with factory() as session:
        publish(session, slug="a", title="Old waste page", review_by=days_from_today(-700))
        publish(
            session,
            slug="b",
            title="Old revenues page",
            review_by=days_from_today(-300),
            owner_team="Revenues",
        )
        publish(session, slug="c", title="Fresh page", review_by=days_from_today(0))
        session.commit()
    login(client, "editor@example.gov.uk")
    page = client.get("/editor/stale").text
    overdue, _, soon = page.partition("Due for review in the next 14 days")
    assert "Waste Services" in overdue and "Revenues" in overdue
    assert "Old waste page" in overdue and "Fresh page" not in overdue
    assert "Fresh page" in soon and "Old waste page" not in soon


def test_gaps_become_drafts_or_alternative_questions(client, staff, factory):
    with factory() as session:
        target = publish(session)
        ids = [
            gaps.record_gap(session, question=q, source="bot").id
            for q in ("skip permit on the road", "road skip permit", "bins left on pavement")
        ]
        session.commit()
    token = login(client, "editor@example.gov.uk")
    old = client.get("/editor/gaps", follow_redirects=False)
    assert (old.status_code, old.headers["location"]) == (301, "/editor/missed")
    page = client.get("/editor/gaps").text
    assert "asked by 2 people" in page and "skip permit on the road" in page
    drafted = client.post(
        "/editor/missed/draft",
        data={
            "csrf_token": token,
            "gap_ids": f"{ids[0]},{ids[1]}",
            "title": "Skip permits",
            "slug": "skip-permits",
            "service_area": "parking",
            "owner_team": "Parking Services",
        },
        follow_redirects=False,
    )
    assert drafted.status_code == 303
    draft_page = client.get(drafted.headers["location"]).text
    assert "road skip permit" in draft_page
    attached = client.post(
        "/editor/missed/attach",
        data={"csrf_token": token, "gap_ids": str(ids[2]), "article_id": str(target.id)},
        follow_redirects=False,
    )
    assert attached.status_code == 303
    assert attached.headers["location"].startswith("/editor/missed?")
    with factory() as session:
        assert gaps.open_gaps(session) == []
        from knowledge.articles import get_article

        article = get_article(session, target.id)
        assert "bins left on pavement" in article.alternative_questions
        # a new revision sent for review; the live revision stays until a reviewer approves
        assert article.state == "in_review" and article.live_revision_id is not None
    assert "No open missed questions." in client.get("/editor/missed").text


def test_history_and_diff_pages_escape_content(client, staff, factory):
    with factory() as session:
        article = publish(session, body="<script>alert(1)</script>\nHello\n")
        from knowledge.articles import edit_fields
        from tests.integration.knowledge.conftest import EDITOR

        edit_fields(session, article, actor=EDITOR, note="tidy", body="Hello there\n")
        session.commit()
    login(client, "reviewer@example.gov.uk")
    history = client.get(f"/editor/articles/{article.id}/history").text
    assert "tidy" in history and "Restore" in history
    for style in ("html", "unified"):
        diff = client.get(
            f"/editor/articles/{article.id}/diff", params={"from": 1, "to": 2, "style": style}
        ).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in diff and "<script>alert(1)" not in diff


def test_diff_page_gives_each_revision_a_uk_date_in_english_and_welsh(client, staff, factory):
    from knowledge.articles import edit_fields, get_revision
    from knowledge.editor_text import long_moment
    from tests.integration.knowledge.conftest import EDITOR

    with factory() as session:
        article = publish(session)
        edit_fields(session, article, actor=EDITOR, note="tidy", body="Hello there\n")
        session.commit()
        saved = [get_revision(session, article.id, n).created_at for n in (1, 2)]
    login(client, "reviewer@example.gov.uk")
    url = f"/editor/articles/{article.id}/diff"
    english = client.get(url, params={"from": 1, "to": 2}).text
    assert "Revision 1 compared with revision 2" in english
    for moment in saved:
        assert f"saved this on {long_moment(moment, 'en')}" in english
    assert saved[0].strftime("%d %b %Y %H:%M") not in english
    welsh = client.get(url, params={"from": 1, "to": 2, "lang": "cy"}).text
    assert '<html lang="cy">' in welsh and "Adolygiad 1 o&#39;i gymharu ag adolygiad 2" in welsh
    for moment in saved:
        assert f"ar {long_moment(moment, 'cy')}" in welsh


def test_edit_page_shows_what_residents_said(client, staff, factory):
    with factory() as session:
        article = publish(session)
        session.commit()
    for body in (
        {"slug": "missed-bin", "helpful": True},
        {"slug": "missed-bin", "helpful": False, "comment": "No <b>times</b>"},
    ):
        sent = client.post("/api/v1/feedback", json=body)
        assert sent.status_code == 201, sent.text
    login(client, "editor@example.gov.uk")
    page = client.get(f"/editor/articles/{article.id}").text
    assert "Yes: 1, no: 1." in page and "No &lt;b&gt;times&lt;/b&gt;" in page


def test_the_article_list_and_review_queue_in_welsh(client, staff, factory):
    with factory() as session:
        publish(session)
        session.commit()
    login(client, "reviewer@example.gov.uk")
    listed = client.get("/editor", params={"lang": "cy"}).text
    assert '<html lang="cy">' in listed
    for words in ("Teitl neu gyfeiriad gwe", "Unrhyw un", "Cyfieithiad Cymraeg wedi dyddio",
                  ">Hidlo</button>", "Diweddarwyd", "wedi&#39;i gyhoeddi"):  # fmt: skip
        assert words in listed, words
    for english in ("Title or web address", ">Filter</button>", "Updated</th>", ">Any<"):
        assert english not in listed, english
    queue = client.get("/editor/review").text  # the choice is remembered
    assert '<html lang="cy">' in queue and "Ciw adolygu</h1>" in queue
    assert "Review queue</h1>" not in queue
    english = client.get("/editor", params={"lang": "en"}).text
    assert "Title or web address" in english and ">Filter</button>" in english


def test_the_sign_in_page_and_its_refusal_are_in_welsh_when_chosen(client, staff):
    welsh = client.get("/editor/login?lang=cy", headers=HTML)
    assert '<div class="narrow" lang="cy">' in welsh.text and "Cyfrinair" in welsh.text
    assert "Email address" not in welsh.text
    wrong = client.post(
        "/editor/login", data={"email": "editor@example.gov.uk", "password": "nope"}
    )  # the choice is remembered in the editor's language cookie
    assert wrong.status_code == 401
    assert "Nid yw'r cyfeiriad e-bost na'r cyfrinair yn gywir" in wrong.text.replace("&#39;", "'")
    english = client.get("/editor/login?lang=en", headers=HTML)
    assert "Email address" in english.text and "Cyfrinair" not in english.text
