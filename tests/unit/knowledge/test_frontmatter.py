import datetime as dt

import pytest

from knowledge import frontmatter
from knowledge.frontmatter import FrontMatterError

SAMPLE = """---
title: Report a missed bin
slug: missed-bin
summary: "What to do: report it"
service_area: waste
tags: [bins, 'yes', missed-collection]
alternative_questions:
  - my bin wasn't emptied
  - 'no'
owner_team: Waste Services
review_by: 2027-03-31
language: en
related: []
links:
  - title: Find your bin day
    url: /articles/bin-collection-day
---
Body line

## Heading
"""


def test_parse_splits_metadata_and_body():
    parsed = frontmatter.parse(SAMPLE)
    assert parsed.metadata["review_by"] == dt.date(2027, 3, 31)
    assert parsed.metadata["tags"] == ["bins", "yes", "missed-collection"]
    assert parsed.body == "Body line\n\n## Heading\n"


def test_house_layout_round_trips_and_quotes_what_yaml_would_misread():
    parsed = frontmatter.parse(SAMPLE)
    written = frontmatter.write(parsed.metadata, parsed.body)
    assert frontmatter.parse(written).metadata == parsed.metadata
    assert "tags: [bins, 'yes', missed-collection]" in written
    assert "  - 'no'" in written
    assert "summary: 'What to do: report it'" in written  # canonical quoting differs...
    # ...but the original text is kept when the metadata did not change
    assert (
        frontmatter.write(parsed.metadata, parsed.body, original_front_matter=parsed.front_matter)
        == SAMPLE
    )


def test_changed_metadata_uses_the_house_layout():
    parsed = frontmatter.parse(SAMPLE)
    changed = {**parsed.metadata, "title": "Missed bins"}
    written = frontmatter.write(changed, parsed.body, original_front_matter=parsed.front_matter)
    assert written.startswith("---\ntitle: Missed bins\nslug: missed-bin\n")


def test_translation_of_is_written_only_when_set():
    parsed = frontmatter.parse(SAMPLE)
    assert "translation_of" not in frontmatter.dump_front_matter(parsed.metadata)
    welsh = {**parsed.metadata, "language": "cy", "translation_of": "missed-bin"}
    assert (
        "language: cy\ntranslation_of: missed-bin\nrelated: []\n"
        in frontmatter.dump_front_matter(welsh)
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("title: x\n", "must start with a '---'"),
        ("---\ntitle: x\n", "not closed"),
        ("---\ntitle: [x\n---\nbody", "not valid YAML"),
        ("---\n- a list\n---\nbody", "key: value"),
        ("\ufeff---\ntitle: x\n---\n", "byte-order mark"),
    ],
)
def test_malformed_files_say_why(text, reason):
    with pytest.raises(FrontMatterError, match=reason):
        frontmatter.parse(text)
