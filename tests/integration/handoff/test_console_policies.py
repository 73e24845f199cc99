"""The console's Content-Security-Policy and the co-browse mirror page's.

The console allows no inline script or style and loads nothing from the
council's sites; the mirror page (framed by the console, where the replayer
rebuilds the resident's page) allows inline styles and the sites' stylesheets,
fonts and images, but no script other than the console's own files, connects
nowhere, and only the console may frame it."""

from __future__ import annotations


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def signed_in_get(world, path):
    sam = world.advisor("sam")
    return world.client.get(path, headers={"cookie": f"fd_session={sam.cookie}"})


def test_the_console_keeps_a_strict_policy(world):
    page = signed_in_get(world, "/console/")
    assert page.status_code == 200
    policy = directives(page.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert "style-src-attr" not in policy and "'unsafe-inline'" not in str(policy)
    assert policy["frame-ancestors"] == ["'none'"]
    site = "http://localhost:8000"  # the council site of the test settings
    assert site not in page.headers["content-security-policy"]


def test_the_mirror_page_allows_the_sites_styling_and_no_script(world):
    page = signed_in_get(world, "/console/mirror")
    assert page.status_code == 200
    assert '<script type="module" src="/static/console/mirror.js">' in page.text
    policy = directives(page.headers["content-security-policy"])
    site = "http://localhost:8000"
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no site script
    assert policy["style-src"][:2] == ["'self'", "'unsafe-inline'"] and site in policy["style-src"]
    assert site in policy["font-src"] and site in policy["img-src"]
    assert "connect-src" not in policy  # default-src 'none': it connects nowhere
    assert policy["frame-ancestors"] == ["'self'"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN"


def test_the_mirror_page_is_for_signed_in_advisors(world):
    page = world.client.get("/console/mirror", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/console/login")
