"""The privacy article, record of processing and DPIA are generated from the
retention settings: the files in the tree must be exactly what they generate."""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacy import paperwork
from privacy.settings import PrivacySettings

DEFAULTS = PrivacySettings.load({})


def test_the_files_in_the_tree_match_the_default_schedule() -> None:
    for path, text in paperwork.generated(DEFAULTS).items():
        assert path.read_text() == text, f"{path} is stale: run `frontdoor privacy paperwork`"


def test_the_article_promises_what_the_purge_does() -> None:
    article = paperwork.ARTICLE.read_text()
    assert "Chat conversations" in article and "12 months after the chat ends" in article
    assert "24 hours after the attempt" in article


def test_the_welsh_twin_says_the_same_in_welsh() -> None:
    english = paperwork.ARTICLE.read_text()
    welsh = paperwork.ARTICLE_CY.read_text()
    assert "translation_of: privacy-and-data-protection" in welsh

    def statements(text: str, heading: str) -> list[str]:
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        return [line for line in section.splitlines() if line.startswith("- ")]

    english_ones = statements(english, paperwork.SECTION)
    statements = statements(welsh, paperwork.SECTION_CY)
    assert len(statements) == len(english_ones) == len(paperwork.schedule(DEFAULTS))
    assert statements[0].endswith(": 12 mis ar ôl i'r sgwrs ddod i ben")
    assert statements[3] == "- Ymdrechion i brofi pwy ydych chi yn y sgwrs: 24 awr ar ôl yr ymdrech"
    assert statements[4].endswith(
        ": 3 mis ar ôl iddyn nhw gael eu hanfon, neu i ni roi'r gorau i geisio eu hanfon"
    )
    assert statements[5].endswith(": 6 blynedd ar ôl i'r mynediad gael ei gofnodi")
    # the section sits before "Your rights", as in the English
    assert welsh.index(paperwork.SECTION_CY) < welsh.index("## Eich hawliau")


def test_the_notifications_outbox_has_its_own_line_everywhere() -> None:
    shorter = PrivacySettings.load({}, retention_notifications_days=30)
    docs = paperwork.generated(shorter)
    line = "1 month after they are sent, or we stop trying to send them"
    for path in (paperwork.ARTICLE, paperwork.ROPA, paperwork.DPIA):
        assert line in docs[path], path
    assert "1 mis ar ôl iddyn nhw gael eu hanfon" in docs[paperwork.ARTICLE_CY]


def test_a_changed_schedule_changes_every_document() -> None:
    longer = PrivacySettings.load({}, retention_conversations_days=730)
    docs = paperwork.generated(longer)
    assert "2 years after the chat ends" in docs[paperwork.ARTICLE]
    assert "12 months after the chat ends" not in docs[paperwork.ARTICLE]
    assert "2 years after the chat ends" in docs[paperwork.ROPA]
    assert "2 years after the chat ends" in docs[paperwork.DPIA]
    # the section is replaced in place, never added twice
    assert docs[paperwork.ARTICLE].count(paperwork.SECTION) == 1
    assert "2 flynedd ar ôl i'r sgwrs ddod i ben" in docs[paperwork.ARTICLE_CY]
    assert "12 mis ar ôl i'r sgwrs" not in docs[paperwork.ARTICLE_CY]
    assert docs[paperwork.ARTICLE_CY].count(paperwork.SECTION_CY) == 1


@pytest.mark.parametrize(
    ("period", "words"),
    [
        (timedelta(hours=24), "24 hours"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(days=183), "6 months"),
        (timedelta(days=365), "12 months"),
        (timedelta(days=2192), "6 years"),
        (timedelta(days=45), "45 days"),
        (timedelta(days=30), "1 month"),
    ],
)
def test_periods_read_as_people_say_them(period: timedelta, words: str) -> None:
    assert paperwork.humanise(period) == words


@pytest.mark.parametrize(
    ("period", "words"),
    [
        (timedelta(hours=24), "24 awr"),
        (timedelta(hours=1), "1 awr"),
        (timedelta(days=183), "6 mis"),
        (timedelta(days=61), "2 fis"),
        (timedelta(days=365), "12 mis"),
        (timedelta(days=730), "2 flynedd"),
        (timedelta(days=1825), "5 mlynedd"),
        (timedelta(days=2192), "6 blynedd"),
        (timedelta(days=2), "2 ddiwrnod"),
        (timedelta(days=45), "45 diwrnod"),
    ],
)
def test_periods_read_as_welsh_speakers_say_them(period: timedelta, words: str) -> None:
    assert paperwork.humanise_cy(period) == words


def test_the_record_and_the_dpia_say_what_erasure_does_with_payments() -> None:
    from privacy.subject import PAYMENT_BASIS

    docs = paperwork.generated(PrivacySettings.load({}, retention_payments_days=3650))
    for path in (paperwork.ROPA, paperwork.DPIA):
        text = docs[path]
        assert PAYMENT_BASIS in text, path  # the words the erasure's answer uses
        assert "until the purge deletes it 10 years after it finished" in text, path
        assert "email address is removed" in text and "photos of problems" in text, path


def test_the_record_names_how_long_the_bot_keeps_its_working_copy_of_a_chat():
    import re
    from pathlib import Path

    switch = (Path(__file__).resolve().parents[3] / "bot" / "switch.py").read_text()
    seconds = re.search(r"^FORGET_IDLE_SECONDS = (\d+) \* 3600", switch, re.M)
    assert seconds is not None
    assert int(seconds.group(1)) == paperwork.DIALOGUE_STATE_HOURS
    assert f"deleted {paperwork.DIALOGUE_STATE_HOURS} hours after the chat goes quiet" in (
        paperwork.record_of_processing(PrivacySettings())
    )
