"""XSS payloads published through the workflow never execute, anywhere they show.

Each payload tries to set ``window.__xss`` or open a dialog. The page records
every dialog; after loading (and giving onerror/onload handlers a moment) we
check both, on the website, in search results, in the editor, its live
preview and its diff view.
"""

from __future__ import annotations

import pytest

from tests.e2e.knowledge.conftest import EDITOR, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<script>alert('xss')</script>",
    '<img src=x onerror="window.__xss=1">',
    "<img src=x onerror=alert(1)>",
    '<svg onload="window.__xss=1"></svg>',
    "<svg><script>window.__xss=1</script></svg>",
    '<body onload="window.__xss=1">',
    '<iframe src="javascript:parent.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<a href="javascript:window.__xss=1" id="click-me">click me</a>',
    "[markdown link](javascript:window.__xss=1)",
    "[encoded](javascript&#58;window.__xss=1)",
    "[tabbed](java\tscript:window.__xss=1)",
    "![image](javascript:window.__xss=1)",
    '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
    '<details open ontoggle="window.__xss=1"><summary>x</summary></details>',
    '<input autofocus onfocus="window.__xss=1">',
    '<video><source onerror="window.__xss=1"></video>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    '<object data="javascript:window.__xss=1"></object>',
    '<embed src="javascript:window.__xss=1">',
    '<form action="javascript:window.__xss=1"><button id="submit-me">go</button></form>',
    '<div style="background:url(javascript:window.__xss=1)">styled</div>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<base href="javascript:window.__xss=1//">',
    '<h2 id="__xss">clobbering heading</h2>',
    '<a id="__xss" name="__xss">clobber</a>',
    "`<script>window.__xss=1</script>` in code",
    "```\n<script>window.__xss=1</script>\n```",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<<script>script>window.__xss=1<</script>/script>",
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=window.__xss=1>",
    "<!--<img src=x onerror=window.__xss=1>-->",
]

CHECK = "() => ({xss: typeof window.__xss, blocked: window.__dialogs || 0})"


def publish_payloads(site) -> list[str]:
    from datetime import date

    from knowledge import articles, publishing
    from knowledge.actors import Actor
    from knowledge.schemas import ArticleCreate

    editor = Actor(id=9001, name="<b>Evil</b> editor", roles=frozenset({"editor"}))
    reviewer = Actor(id=9002, name="Reviewer", roles=frozenset({"reviewer"}))
    slugs = []
    with site.factory() as session:
        for number, payload in enumerate(PAYLOADS):
            slug = f"xss-payload-{number}"
            data = ArticleCreate(
                title=f"Payload {number} {payload[:150]}",
                slug=slug,
                summary=f"Summary {payload}",
                service_area="general",
                tags=["xss", payload[:50]],
                alternative_questions=[f"question {payload[:250]}"],
                owner_team=f"Team {payload[:80]}",
                review_by=date(2027, 1, 1),
                links=[{"title": f"link {payload[:150]}", "url": "/articles/missed-bin"}],
                body=f"Intro {payload}\n\n## Section {payload[:80]}\n\n{payload}\n\nEnd.\n",
            )
            article = articles.create_article(session, data, actor=editor)
            publishing.submit(session, article.id, actor=editor)
            publishing.approve(session, article.id, actor=reviewer)
            slugs.append(slug)
        session.commit()
    site.app.state.search.sync_now()
    return slugs


def _published(site) -> bool:
    from knowledge.articles import find_article

    with site.factory() as session:
        return find_article(session, "xss-payload-0") is not None


def watch(page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def assert_clean(page, dialogs: list[str], where: str) -> None:
    page.wait_for_timeout(150)  # let onerror/onload/ontoggle handlers fire if they could
    for selector in ("#click-me", "#submit-me"):
        for element in page.locator(selector).all():
            element.click(timeout=1000, no_wait_after=True)
    page.wait_for_timeout(50)
    state = page.evaluate(CHECK)
    assert state["xss"] == "undefined", f"window.__xss was set on {where}"
    assert dialogs == [], f"a dialog opened on {where}: {dialogs}"


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "sanitiser-alone"])
def test_published_payloads_never_execute(site, browser, bypass_csp):
    """Twice: as served (CSP on), and with the CSP ignored, so the sanitiser alone is tested."""
    slugs = [f"xss-payload-{n}" for n in range(len(PAYLOADS))]
    if not _published(site):
        slugs = publish_payloads(site)
    page = new_page(browser, bypass_csp=bypass_csp)
    dialogs = watch(page)
    try:
        for slug in slugs:
            page.goto(f"{site.url}/articles/{slug}")
            assert page.locator("h1").inner_text().startswith("Payload")
            assert_clean(page, dialogs, f"/articles/{slug}")
        page.goto(f"{site.url}/services/general")
        assert_clean(page, dialogs, "the service area page")
        page.goto(f"{site.url}/search?q=payload+section+xss")
        assert page.locator(".search-results li").count() > 0
        assert_clean(page, dialogs, "search results")
        for payload in PAYLOADS[:6]:
            page.goto(f"{site.url}/search?q={payload}")
            assert_clean(page, dialogs, f"a search for {payload!r}")
        page.goto(f"{site.url}/articles/{PAYLOADS[0]}")
        assert_clean(page, dialogs, "the 404 page")
    finally:
        page.context.close()


def test_payloads_stay_inert_in_the_editor_preview_and_diff(site, browser):
    from knowledge.articles import find_article

    if not _published(site):
        publish_payloads(site)
    with site.factory() as session:
        article_id = find_article(session, "xss-payload-2").id
    page = new_page(browser, bypass_csp=True)
    dialogs = watch(page)
    try:
        sign_in(page, site, EDITOR)
        page.goto(f"{site.url}/editor/articles/{article_id}")
        page.wait_for_selector("#preview p")
        assert_clean(page, dialogs, "the editor")
        body = page.get_by_label("Body (Markdown)")
        for payload in PAYLOADS:
            body.fill(f"Typed {payload}\n\n## Heading\n")
            page.wait_for_function(
                "() => document.querySelector('#preview h2') && "
                "document.getElementById('preview-status').textContent === 'Preview up to date'"
            )
            assert_clean(page, dialogs, f"the live preview of {payload!r}")
        page.goto(f"{site.url}/editor")
        assert_clean(page, dialogs, "the article list")
        body_text = "Clean body\n"
        with site.factory() as session:
            from knowledge.actors import Actor
            from knowledge.articles import edit_fields, get_article

            record = get_article(session, article_id)
            editor = Actor(1, "x", frozenset({"editor"}))
            note = "<script>window.__xss=1</script>"
            edit_fields(session, record, actor=editor, note=note, body=body_text)
            session.commit()
        for style in ("html", "unified"):
            page.goto(f"{site.url}/editor/articles/{article_id}/diff?from=1&to=2&style={style}")
            assert "onerror" in page.locator("main").inner_text()  # shown as text
            assert_clean(page, dialogs, f"the {style} diff")
        page.goto(f"{site.url}/editor/articles/{article_id}/history")
        assert_clean(page, dialogs, "the history page")
    finally:
        page.context.close()
