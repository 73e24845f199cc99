from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from knowledge.editor_forms import parse, to_local_input, values_from_article
from knowledge.schemas import ArticleCreate, ArticleMetadata, ContentGapCreate, FeedbackCreate

FORM = {
    "title": " Report a missed bin ",
    "slug": "missed-bin",
    "language": "en",
    "summary": "What to do.",
    "service_area": "waste",
    "tags": "bins, missed-collection,",
    "alternative_questions": "my bin wasn't emptied\r\n\r\nthey missed my bin\r\n",
    "owner_team": "Waste Services",
    "review_by": "2027-03-31",
    "translation_of": "",
    "related": "bin-collection-day",
    "links": "Find your bin day | /articles/bin-collection-day\nGOV.UK | https://www.gov.uk",
    "body": "Line one\r\n\r\n## Heading\r\n",
    "publish_at": "2027-07-01T09:30",
    "unpublish_at": "",
}


def test_form_becomes_article_create_with_uk_time_and_lists():
    result = parse(FORM, creating=True)
    assert result.errors == {}
    data = result.data
    assert data.title == "Report a missed bin"
    assert data.tags == ["bins", "missed-collection"]
    assert data.alternative_questions == ["my bin wasn't emptied", "they missed my bin"]
    assert [link.url for link in data.links] == [
        "/articles/bin-collection-day",
        "https://www.gov.uk",
    ]
    assert (
        data.body == "Line one\n\n## Heading\n"
    )  # CRLF from browsers normalised, nothing stripped
    assert data.publish_at == datetime(2027, 7, 1, 8, 30, tzinfo=UTC)  # BST is UTC+1
    assert to_local_input(data.publish_at) == "2027-07-01T09:30"


def test_form_errors_are_keyed_by_field():
    result = parse(
        FORM
        | {
            "slug": "Not A Slug",
            "service_area": "bins",
            "links": "x | javascript:alert(1)",
            "publish_at": "tomorrow",
        },
        creating=True,
    )
    assert result.data is None
    assert set(result.errors) >= {"slug", "service_area", "links", "publish_at"}
    assert result.errors["links"].text() == (
        "The address of link 1 must start with /, https://, http://, mailto: or tel:"
    )


def test_update_form_needs_the_base_revision():
    result = parse(FORM | {"base_version": "3", "note": "typo"}, creating=False)
    assert result.data.base_version == 3 and result.data.note == "typo"
    assert parse(FORM, creating=False).errors["form"].key == "base_version.invalid"


def test_values_round_trip_through_the_form():
    view = {
        "title": "T",
        "slug": "t",
        "language": "en",
        "summary": "S",
        "service_area": "waste",
        "tags": ["a", "b"],
        "alternative_questions": ["q1", "q2"],
        "owner_team": "Waste Services",
        "review_by": date(2027, 1, 1),
        "translation_of": None,
        "related": ["x"],
        "links": [{"title": "L", "url": "/l"}],
        "body": "B\n",
        "publish_at": None,
        "unpublish_at": None,
        "version": 4,
    }
    values = values_from_article(view)
    assert values["links"] == "L | /l" and values["base_version"] == "4"
    again = parse(values, creating=False).data
    assert again.tags == ["a", "b"] and again.links[0].title == "L"


def test_metadata_rules():
    base = dict(
        title="T",
        slug="t",
        summary="S",
        service_area="waste",
        owner_team="W",
        review_by="2027-01-01",
    )
    with pytest.raises(ValidationError, match="translation_of is only for Welsh"):
        ArticleMetadata(**base, translation_of="x")
    assert ArticleMetadata(**base, language="cy", translation_of="x").translation_of == "x"
    with pytest.raises(ValidationError, match="Extra inputs"):
        ArticleMetadata(**base, colour="red")
    with pytest.raises(ValidationError):
        ArticleCreate(**base, body="")


def test_feedback_and_gap_inputs():
    assert FeedbackCreate(slug="missed-bin", helpful=True).language == "en"
    with pytest.raises(ValidationError):
        ContentGapCreate(question="", source="bot")
    with pytest.raises(ValidationError):
        ContentGapCreate(question="x", source="phone")
