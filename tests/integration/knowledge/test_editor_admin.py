"""Admins manage staff and teams from the editor; others cannot."""

from tests.integration.knowledge.conftest import PASSWORD, login


def test_only_admins_see_and_use_the_admin_pages(client, staff):
    login(client, "editor@example.gov.uk")
    assert "Staff and teams" not in client.get("/editor").text
    assert client.get("/editor/admin").status_code == 403
    login(client, "admin@example.gov.uk")
    page = client.get("/editor/admin")
    assert page.status_code == 200 and "Rita Reviewer" in page.text


def test_admin_adds_a_team_and_a_reviewer_then_deactivates_them(client, staff):
    token = login(client, "admin@example.gov.uk")
    assert client.post("/editor/admin/teams", data={"csrf_token": token, "name": "Cemeteries"},
                       follow_redirects=False).status_code == 303  # fmt: skip
    created = client.post("/editor/admin/users", data={
        "csrf_token": token, "display_name": "Nia Jones", "email": "nia@example.gov.uk",
        "password": PASSWORD, "roles": ["reviewer"], "teams": ["Cemeteries"],
    }, follow_redirects=False)  # fmt: skip
    assert created.status_code == 303
    overview = client.get("/editor/admin").text
    assert "Nia Jones" in overview and "Cemeteries" in overview
    weak = client.post(
        "/editor/admin/users",
        data={
            "csrf_token": token,
            "display_name": "X",
            "email": "x@example.gov.uk",
            "password": "short",
        },
    )
    assert weak.status_code == 422 and "12 characters" in weak.text
    user_id = int(overview.split("Nia Jones")[1].split("/editor/admin/users/")[1].split('"')[0])
    login(client, "nia@example.gov.uk")  # she can sign in
    token = login(client, "admin@example.gov.uk")
    changed = client.post(
        f"/editor/admin/users/{user_id}",
        data={"csrf_token": token, "roles": ["editor"], "teams": ["Cemeteries"]},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert "Deactivated" in client.get("/editor/admin").text
    client.cookies.clear()
    refused = client.post(
        "/editor/login", data={"email": "nia@example.gov.uk", "password": PASSWORD}
    )
    assert refused.status_code == 401


def test_admin_cannot_lock_themselves_out(client, staff):
    token = login(client, "admin@example.gov.uk")
    me = staff["admin"].id
    response = client.post(
        f"/editor/admin/users/{me}", data={"csrf_token": token, "roles": ["admin"]}
    )
    assert response.status_code == 422 and "your own account" in response.text


def test_the_admin_pages_in_welsh(client, staff):
    login(client, "admin@example.gov.uk")
    listing = client.get("/editor/admin", params={"lang": "cy"}).text
    assert '<html lang="cy">' in listing
    for words in ("Staff a thimau</h1>", "Ychwanegu aelod o staff", "Enw llawn", "Enw&#39;r tîm"):
        assert words in listing, words
    assert "Full name" not in listing and "Add team" not in listing
    user_link = listing.split('href="/editor/admin/users/')[1].split('"')[0]
    one = client.get(f"/editor/admin/users/{user_link}").text  # remembered
    assert "Yn ôl i staff a thimau" in one and "Cadw newidiadau" in one
    assert "Save changes" not in one
