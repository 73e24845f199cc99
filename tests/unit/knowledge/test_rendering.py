import pytest

from knowledge.rendering import plain_text, render, render_html, snippet
from knowledge.search.text import heading_anchor

XSS_PAYLOADS = [
    "<script>window.__xss = true</script>",
    '<img src=x onerror="window.__xss=true">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#09;script:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">x</p>',
    '<object data="x"></object><embed src="x">',
    '<form action="https://evil.example"><input name=q></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<h2 id="__xss" name="__xss">clobber</h2>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "![x](javascript:alert(1))",
    '<a href="vbscript:msgbox(1)">v</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_lose_everything_executable(payload):
    html = render_html(f"Intro\n\n{payload}\n\n## Section\n\nText").lower()
    for forbidden in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "vbscript:",
        "data:",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<style",
        "style=",
        "<base",
        "<meta",
        "__xss",
        "<svg",
        "<math",
    ):
        assert forbidden not in html, (forbidden, html)


def test_headings_get_the_search_engines_anchor_and_repeats_are_numbered():
    html, headings = render(
        "## If your bin is *missed* often\n\nx\n\n## Fees & charges\n\n## Fees & charges\n"
    )
    assert f'<h2 id="{heading_anchor("If your bin is missed often")}">' in html
    assert [h.anchor for h in headings] == [
        "if-your-bin-is-missed-often",
        "fees-charges",
        "fees-charges-2",
    ]
    assert headings[1].text == "Fees & charges"


def test_markdown_features_survive_sanitising():
    html = render_html(
        "A [link](/articles/missed-bin) and [phone](tel:01632960300).\n\n"
        "| Band | Charge |\n|---|---|\n| A | £1,200 |\n\n- one\n- two\n\n**bold** `code`"
    )
    assert '<a href="/articles/missed-bin" rel="noopener noreferrer">link</a>' in html
    assert 'href="tel:01632960300"' in html
    assert "<table>" in html and "<th>Band</th>" in html
    assert (
        "<li>one</li>" in html and "<strong>bold</strong>" in html and "<code>code</code>" in html
    )


def test_plain_text_for_bot_snippets():
    text = plain_text(
        "Intro with a [link](/x) & more.\n\n## Heading\n\n- item *one*\n- item two\n\n"
        "<script>x()</script>"
    )
    assert text == "Intro with a link & more.\n\nHeading\n\nitem one\n\nitem two"


def test_snippet_cuts_at_a_word():
    assert snippet("word " * 200, limit=22) == "word word word word…"
    assert snippet("Short.") == "Short."
