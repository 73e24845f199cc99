"""Every table the dashboard shows, built once: the page renders them, the CSV
export writes them, and each chart points at one of them as its accessible twin."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from insight.outcomes import OUTCOMES, REASONS

LABELS = {
    "contained": "Contained by the bot",
    "handed_over": "Handed to a person",
    "abandoned_in_queue": "Abandoned in the queue",
    "left_message": "Left a message",
    "unresolved": "Unresolved",
    "asked": "Resident asked",
    "failed_twice": "Bot failed twice",
    "at_risk": "Resident at risk",
    "out_of_scope": "Out of the bot's scope",
    "en": "English",
    "cy": "Welsh (Cymraeg)",
    "request": "Request",
    "conversation": "Reply or small talk",
    "not_understood": "Not understood",
}
# intents whose names do not read as words
INTENT_LABELS = {
    "nlu_fallback": "Not understood (below the bot's threshold)",
    "ask_question": "A question for the help pages",
    "human": "Asked for a person",
    "at_risk": "Resident at risk",
    "out_of_scope": "Out of the bot's scope",
    "bot_challenge": "Asked if it is a bot",
}


def intent_label(intent: str) -> str:
    """An NLU intent's name as words ("ask_bin_day" → "Ask bin day")."""
    if intent in INTENT_LABELS:
        return INTENT_LABELS[intent]
    words = intent.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else intent


@dataclass(frozen=True)
class Table:
    name: str  # also the CSV file name
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    numeric_from: int = 1  # columns from here on are right-aligned numbers
    links: Sequence[str | None] = ()  # per row: a link for the first cell

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.headers)
        for row in self.rows:
            writer.writerow([_csv_cell(v) for v in row])
        return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula in a spreadsheet
    return value


def pct(value: float | None) -> str:
    return "no data" if value is None else f"{value:.1%}"


def num(value: float | None, suffix: str = "") -> str:
    return "no data" if value is None else f"{value:g}{suffix}"


def label(key: str | None) -> str:
    return LABELS.get(key or "", key or "none")


def build(summary: dict[str, Any], extra: dict[str, Any]) -> dict[str, Table]:
    s = summary
    tables = [
        Table(
            "outcomes",
            "Outcomes",
            ("Outcome", "Conversations", "Share"),
            [(label(k), s[k], pct(_share(s[k], s["conversations"]))) for k in OUTCOMES],
        ),
        Table(
            "handover-reasons",
            "Why conversations went to a person",
            ("Reason", "Conversations", "Share of handovers"),
            [
                (
                    label(k),
                    s["handover_reasons"][k],
                    pct(_share(s["handover_reasons"][k], s["handed_over"])),
                )
                for k in REASONS
            ],
        ),
        Table(
            "series",
            f"Conversations by {s['granularity']}",
            ("Period", "Conversations", *[label(k) for k in OUTCOMES], "Containment"),
            [
                (
                    p["period"],
                    p["conversations"],
                    *[p[k] for k in OUTCOMES],
                    pct(p["containment_rate"]),
                )
                for p in s["series"]
            ],
        ),
        Table(
            "languages",
            "Welsh beside English",
            (
                "Language",
                "Conversations",
                "Contained",
                "Containment",
                "Handed over",
                "Wait p50 (s)",
                "Wait p90 (s)",
                "Bot answers helpful",
                "Advisor CSAT",
            ),
            [
                (
                    label(lang),
                    v["conversations"],
                    v["contained"],
                    pct(v["containment_rate"]),
                    v["handed_over"],
                    num(v["wait_p50_s"]),
                    num(v["wait_p90_s"]),
                    pct(v["bot_answer_helpful_rate"]),
                    num(v["csat_advisor_mean"]),
                )
                for lang, v in s["by_language"].items()
            ],
        ),
        Table(
            "teams",
            "By team",
            (
                "Team",
                "Conversations",
                "Contained",
                "Handed over",
                "Abandoned",
                "Left a message",
                "Advisor CSAT",
            ),
            [
                (
                    team,
                    v["conversations"],
                    v["contained"],
                    v["handed_over"],
                    v["abandoned_in_queue"],
                    v["left_message"],
                    num(v["csat_advisor_mean"]),
                )
                for team, v in s["by_team"].items()
            ],
        ),
        Table(
            "topics",
            "Top topics (service areas)",
            ("Topic", "Conversations", "Contained", "Handed over", "Containment"),
            [
                (
                    t["topic"],
                    t["conversations"],
                    t["contained"],
                    t["handed_over"],
                    pct(t["containment_rate"]),
                )
                for t in s["top_topics"]
            ],
        ),
        Table(
            "intents",
            "Top intents (what the bot understood)",
            (
                "Intent",
                "Name in the bot",
                "Kind",
                "Messages",
                "Conversations",
                "Share of messages",
                "Mean confidence",
            ),
            [
                (
                    intent_label(i["intent"]),
                    i["intent"],
                    label(i["kind"]),
                    i["messages"],
                    i["conversations"],
                    pct(_share(i["messages"], s["intent_messages"])),
                    pct(i["mean_confidence"]),
                )
                for i in s["top_intents"]
            ],
            numeric_from=3,
        ),
        Table(
            "unanswered",
            "Top unanswered questions",
            ("Question (grouped)", "Language", "Times asked"),
            [
                (g["topic"], label(g["language"]), g["asked"])
                for g in extra["knowledge"]["unanswered"]
            ],
            numeric_from=2,
        ),
        Table(
            "least-helpful",
            "Least helpful articles",
            ("Article", "Language", "Votes", "Not helpful", "Helpful rate"),
            [
                (
                    a["title"],
                    label(a["language"]),
                    a["votes"],
                    a["unhelpful"],
                    pct(a["helpful_rate"]),
                )
                for a in extra["knowledge"]["least_helpful"]
            ],
            numeric_from=2,
            links=[
                f"{extra['editor_url']}/editor/articles/{a['article_id']}"
                for a in extra["knowledge"]["least_helpful"]
            ],
        ),
    ]
    return {t.name: t for t in tables}


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None
