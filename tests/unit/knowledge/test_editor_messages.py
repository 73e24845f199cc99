"""No library text ever reaches an editor page: every validation error the form
models can raise has a catalogue message, in English and Welsh."""

from __future__ import annotations

import itertools

import pytest

from knowledge.editor_forms import Problem, parse, problem_for, slugify
from knowledge.editor_text import LIBRARY_WORDS, MESSAGES, choose_language, event_text, text
from knowledge.exceptions import (
    ArticleTooLarge,
    IllegalTransition,
    InvalidArticle,
    NotAllowed,
    SelfApproval,
    SlugTaken,
)

GOOD = {
    "title": "Report a missed bin", "slug": "missed-bin", "language": "en",
    "summary": "What to do.", "service_area": "waste", "owner_team": "Waste Services",
    "review_by-day": "6", "review_by-month": "12", "review_by-year": "2027",
    "body": "Text", "base_version": "1",
}  # fmt: skip
LONG = "x" * 3000

# every field of the form with values that break each rule the models keep
BAD_VALUES: dict[str, list[str]] = {
    "title": ["", "   ", LONG],
    "slug": ["Bad Slug", "-", "a" * 121, "Ünïcode"],
    "language": ["fr"],
    "summary": ["", LONG],
    "service_area": ["", "bins"],
    "owner_team": ["", LONG],
    "body": [""],
    "tags": [",".join(f"t{i}" for i in range(31)), "x" * 61],
    "alternative_questions": ["\n".join(f"q{i}" for i in range(101)), "q" * 301],
    "related": [",".join(f"r{i}" for i in range(31)), "Not A Slug", "r" * 121],
    "links": ["\n".join(f"L | /l{i}" for i in range(31)), "x | javascript:alert(1)",
              "t" * 201 + " | /ok", "x | /" + "u" * 2001, "only |"],
    "translation_of": ["Not A Slug", "t" * 121, "english-page"],
    "note": [LONG],
    "base_version": ["", "-1", "abc", "9" * 12],
    "review_by-day": ["", "32", "aa"],
    "review_by-month": ["", "13"],
    "review_by-year": ["", "27", "99999"],
    "publish_at-time": ["25:00", "noon", "13pm"],
    "unpublish_at-time": ["9:75"],
}  # fmt: skip
# whole moments that are not real or not complete
BAD_MOMENTS = [
    {"publish_at-day": "31", "publish_at-month": "2", "publish_at-year": "2027"},
    {"publish_at-day": "1", "publish_at-month": "", "publish_at-year": "2027"},
    {"unpublish_at-day": "1", "unpublish_at-month": "1", "unpublish_at-year": "27"},
    {"publish_at": "tomorrow"},
    {"review_by": "31/02/2027", "review_by-day": "", "review_by-month": "", "review_by-year": ""},
]
ONLY_CREATING = {"slug", "language", "translation_of"}
ONLY_SAVING = {"note", "base_version"}
START = {"publish_at-day": "1", "publish_at-month": "1", "publish_at-year": "2027"}
END = {"unpublish_at-day": "2", "unpublish_at-month": "1", "unpublish_at-year": "2027"}


def _cases():
    for name, values in BAD_VALUES.items():
        for value, creating in itertools.product(values, (True, False)):
            if (name in ONLY_CREATING and not creating) or (name in ONLY_SAVING and creating):
                continue
            form = {name: value}
            if name.startswith(("publish_at", "unpublish_at")):
                form = START | END | form
            yield pytest.param(form, creating, id=f"{name}={value[:12]!r}-{creating}")
    for number, form in enumerate(BAD_MOMENTS):
        for creating in (True, False):
            yield pytest.param(form, creating, id=f"moment{number}-{creating}")


@pytest.mark.parametrize(("changes", "creating"), list(_cases()))
def test_every_validation_error_reads_as_a_catalogue_message(changes, creating):
    result = parse(GOOD | changes, creating=creating)
    assert result.errors, f"{changes} was accepted"
    for problem in result.errors.values():
        assert problem.key in MESSAGES
        for language in ("en", "cy"):
            shown = problem.text(language)
            assert shown and not any(word.lower() in shown.lower() for word in LIBRARY_WORDS)


def test_every_pydantic_error_type_has_a_message_for_every_field():
    """Even an error type the models do not raise today maps to a catalogue message."""
    kinds = ["missing", "string_too_short", "string_too_long", "string_pattern_mismatch",
             "string_type", "too_long", "enum", "value_error", "date_parsing", "int_parsing",
             "greater_than_equal", "extra_forbidden", "something_new"]  # fmt: skip
    fields = [("title",), ("slug",), ("summary",), ("service_area",), ("owner_team",),
              ("review_by",), ("language",), ("translation_of",), ("body",), ("note",),
              ("publish_at",), ("unpublish_at",), ("base_version",), ("tags",), ("tags", 0),
              ("alternative_questions", 2), ("related", 1), ("links",), ("links", 0, "url"),
              ("links", 0, "title"), (), ("colour",)]  # fmt: skip
    for loc, kind in itertools.product(fields, kinds):
        _, problem = problem_for({"loc": loc, "type": kind, "msg": "x", "input": ""}, {})  # type: ignore[typeddict-item]
        assert problem.key in MESSAGES, (loc, kind)


@pytest.mark.parametrize(
    "error",
    [
        SlugTaken("a", "en"),
        ArticleTooLarge(1_000_000),
        InvalidArticle("comment", "x"),
        InvalidArticle("unpublish_at", "must be after publish_at"),
        InvalidArticle("publish_at", "this article is already live; x"),
        SelfApproval(),
        NotAllowed("Only reviewers"),
        IllegalTransition("draft", "published"),
    ],
)
def test_service_errors_read_as_catalogue_messages(error):
    from knowledge.editor_forms import problem_from_error

    _, problem = problem_from_error(error)
    for language in ("en", "cy"):
        shown = problem.text(language)
        assert error.message not in shown
        assert not any(word.lower() in shown.lower() for word in LIBRARY_WORDS)


def test_the_gov_uk_messages_the_issue_asks_for():
    form = GOOD | {"title": "", "slug": "Bad Slug", "review_by-day": "", "review_by-month": "",
                   "review_by-year": ""}  # fmt: skip
    errors = parse(form, creating=True).errors
    assert errors["title"].text() == "Enter a title"
    assert errors["slug"].text() == (
        "The web address can only contain lower-case letters, numbers and hyphens"
    )
    assert errors["review_by"].text() == "Enter a review date"
    assert errors["title"].text("cy") == "Rhowch deitl"
    real = parse(GOOD | {"review_by-day": "31", "review_by-month": "2"}, creating=True).errors
    assert real["review_by"] == Problem("review_by.real")
    assert real["review_by"].text() == "The review date must be a real date"
    assert parse(GOOD | {"review_by-month": ""}, creating=True).errors["review_by"].text() == (
        "The review date must include a month"
    )


def test_every_message_has_welsh_and_no_library_words():
    for key, (english, welsh) in MESSAGES.items():
        assert english and welsh, key
        if not key.startswith(("switch.", "date.")):
            assert english != welsh, key
        assert not any(word.lower() in (english + welsh).lower() for word in LIBRARY_WORDS), key


def test_web_address_from_the_title():
    assert slugify("Report a missed bin") == "report-a-missed-bin"
    assert slugify("Cŵn a baw cŵn") == "cwn-a-baw-cwn"
    assert slugify("Council Tax: what's changed in 2027?") == "council-tax-whats-changed-in-2027"
    assert len(slugify("word " * 100)) <= 120
    result = parse(GOOD | {"slug": "", "title": "Bulky waste"}, creating=True)
    assert result.errors == {} and result.data.slug == "bulky-waste"  # type: ignore[union-attr]


def test_dates_in_uk_format_and_uk_time():
    data = parse(
        GOOD | {"publish_at-day": "1", "publish_at-month": "7", "publish_at-year": "2027",
                "publish_at-time": "9:30am"}, creating=True,
    ).data  # fmt: skip
    assert data is not None and data.publish_at is not None
    assert data.publish_at.isoformat() == "2027-07-01T08:30:00+00:00"  # BST
    late = parse(GOOD | {"publish_at-day": "2", "publish_at-month": "7", "publish_at-year": "2027",
                         "unpublish_at-day": "1", "unpublish_at-month": "7",
                         "unpublish_at-year": "2027"}, creating=True)  # fmt: skip
    assert late.errors["unpublish_at"].key == "unpublish_at.after"


def test_language_choice_and_plain_activity():
    assert choose_language("cy", None, "en-GB") == "cy"
    assert choose_language(None, "cy", "en-GB") == "cy"
    assert choose_language(None, None, "cy-GB,en;q=0.8") == "cy"
    assert choose_language(None, None, "en-GB,cy;q=0.5") == "en"
    assert choose_language("xx", None, "") == "en"
    assert event_text("submit", "Dana Reyes") == "Dana Reyes sent this for review"
    assert event_text("approve", "Dana Reyes") == "Dana Reyes published this"
    assert event_text("create", "Dana Reyes") == "Dana Reyes created a draft"
    assert event_text("submit", "Dana Reyes", "cy") == "Anfonodd Dana Reyes hwn i'w adolygu"
    assert event_text("something_new", "Dana") == "Dana changed this"
    assert text("done.submit", "cy").startswith("Anfonwyd")
