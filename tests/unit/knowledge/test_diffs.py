from datetime import UTC, date, datetime

from knowledge.diffs import compare
from knowledge.models import Revision


def revision(number, body, title="Missed bins"):
    return Revision(
        number=number,
        title=title,
        summary="S",
        service_area="waste",
        owner_team="Waste Services",
        review_by=date(2027, 1, 1),
        body=body,
        author_name="A",
        note="",
        created_at=datetime.now(UTC),
        extra={
            "tags": [],
            "alternative_questions": [],
            "translation_of": None,
            "related": [],
            "links": [],
        },
    )


def test_unified_diff_shows_metadata_and_body_changes():
    text = compare(
        revision(1, "Old line\n"),
        revision(2, "New line\n", title="Missed bin"),
        slug="missed-bin",
        language="en",
        style="unified",
    )
    assert "-title: Missed bins" in text and "+title: Missed bin" in text
    assert "-Old line" in text and "+New line" in text


def test_html_diff_escapes_everything():
    old, new = (
        revision(1, "<script>alert(1)</script>\n"),
        revision(2, "<img src=x onerror=alert(1)>\n"),
    )
    table = compare(old, new, slug="x", language="en")
    assert "<script>" not in table and "<img" not in table
    assert "&lt;script&gt;" in table and "&lt;img" in table
    assert 'aria-label="Changes between revisions"' in table
