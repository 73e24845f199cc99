"""The Start now button's tasks: each is an intent the bot has, each reads in English
and Welsh, and every ``start:`` tag in the demo content names one of them."""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.frontmatter import parse
from knowledge.site_tasks import FALLBACK, TASKS, start_button

ROOT = Path(__file__).resolve().parents[3]


def test_every_task_starts_an_intent_the_bot_has_in_plain_words_in_both_languages() -> None:
    intents = set(yaml.safe_load((ROOT / "bot" / "domain.yml").read_text())["intents"])
    for task in TASKS.values():
        assert task.payload.startswith("/") and task.payload[1:] in intents, task.key
        assert set(task.echo) == {"en", "cy"} and all(task.echo.values())
        assert "/" not in task.echo["en"] + task.echo["cy"]  # never the payload


def test_the_tag_chooses_the_task_and_an_unknown_task_shows_no_button() -> None:
    english = start_button(["bins", "top-task", "start:missed-bin"], "en")
    assert english is not None
    assert (english.payload, english.echo) == ("/report_missed_bin", "Report a missed bin")
    assert english.fallback == FALLBACK["en"] == "/articles/contact-us"
    welsh = start_button(["start:bin-day"], "cy")
    assert welsh is not None and welsh.echo == "Dod o hyd i fy niwrnod casglu biniau"
    assert welsh.fallback == "/articles/cysylltu-a-ni"
    assert start_button(["start:make-tea", "bins"], "en") is None
    assert start_button(["top-task"], "en") is None


def test_the_demo_contents_start_tags_name_known_tasks_and_fallbacks_exist() -> None:
    content = ROOT / "knowledge" / "content"
    slugs, started = set(), {}
    for path in content.rglob("*.md"):
        if path.name == "README.md":
            continue
        meta = parse(path.read_text(encoding="utf-8")).metadata
        slugs.add(meta["slug"])
        for tag in meta["tags"]:
            if tag.startswith("start:"):
                assert tag.removeprefix("start:") in TASKS, (path, tag)
                started[meta["slug"]] = tag
    expected = {"bin-collection-day", "missed-bin", "bulky-waste-collection", "pay-council-tax",
                "diwrnod-casglu-biniau", "rhoi-gwybod-am-fin-heb-ei-gasglu"}  # fmt: skip
    assert expected <= set(started)
    assert set(FALLBACK.values()) <= {f"/articles/{slug}" for slug in slugs}
