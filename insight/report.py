"""From grouped outcome rows to the figures councils quote (pure: no SQL, no I/O).

Every rate guards its denominator: an empty range gives ``None`` ("no data"),
never a division by zero. Percentiles are nearest-rank over whole seconds, so
the SQL histogram and a list of raw values give the same answer.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from insight.outcomes import OUTCOMES, REASONS

# The sums the daily rollup keeps per group (``insight_daily``), in one order for
# the table, the store's queries and :class:`Totals`.
ROLLUP_SUMS = (
    "conversations",
    "rating_n",
    "rating_sum",
    "helpful_yes",
    "helpful_no",
    "out_of_hours",
    "ooh_left_message",
    "handle_n",
    "handle_sum",
    "demo",
    "advisor_chat_ms",
    "advisor_busy_ms",
)

GRANULARITIES = ("day", "week", "month")

# Intents that steer the conversation rather than say what the resident needs
# ("Yes", "No" to "Did that help?", hello, thanks): listed, never in the top chart.
CONVERSATIONAL_INTENTS = frozenset(
    {"affirm", "deny", "greet", "goodbye", "thank", "stop", "start_over", "bot_challenge",
     "what_can_you_do", "inform"}
)  # fmt: skip
# Rasa's FallbackClassifier: no intent was confident enough
NOT_UNDERSTOOD = frozenset({"nlu_fallback"})
TOP_INTENTS = 25


@dataclass(frozen=True)
class Costs:
    """Cost per contact by channel (SOCITM figures by default) and the assumed channel
    a contained chat replaces: of every contained chat, ``phone_share`` would have
    been a call and ``face_to_face_share`` a visit; the rest were online anyway."""

    face_to_face: float = 8.62
    phone: float = 2.83
    online: float = 0.15
    phone_share: float = 0.8
    face_to_face_share: float = 0.1
    source: str = "SOCITM cost per contact"

    def per_contained(self) -> float:
        return self.phone_share * (self.phone - self.online) + self.face_to_face_share * (
            self.face_to_face - self.online
        )

    def assumption(self) -> str:
        return (
            f"{self.source}: face to face £{self.face_to_face:.2f}, phone £{self.phone:.2f}, "
            f"online £{self.online:.2f}. Each chat the bot contained is assumed to replace "
            f"{self.phone_share:.0%} phone calls and {self.face_to_face_share:.0%} visits "
            f"(the rest would have been online anyway): £{self.per_contained():.2f} each."
        )


def rate(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def mean(total: float, n: float) -> float | None:
    return round(total / n, 2) if n else None


def percentile(hist: Mapping[int, int], p: float) -> int | None:
    """Nearest-rank percentile of a {value: count} histogram."""
    n = sum(hist.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(p * n))
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= rank:
            return value
    return max(hist)  # pragma: no cover - rank <= n always stops above


# Waits in the daily rollup are counted in buckets with fixed edges: whole seconds
# below a minute, then 5 s to 5 min, 15 s to 15 min, 1 min to an hour, 5 min beyond.
# A bucket is named by its lower edge, so a percentile read from the rollup is at most
# the exact one and less than one bucket width (of the exact value) below it.
WAIT_BUCKETS = ((60, 1), (300, 5), (900, 15), (3600, 60))
WAIT_BUCKET_BEYOND = 300


def wait_bucket(seconds: int) -> int:
    """The lower edge of the rollup bucket that holds ``seconds``."""
    return seconds - seconds % wait_bucket_width(seconds) if seconds > 0 else seconds


def wait_bucket_width(seconds: int) -> int:
    for below, width in WAIT_BUCKETS:
        if seconds < below:
            return width
    return WAIT_BUCKET_BEYOND


def period_of(day: str, granularity: str) -> str:
    d = date.fromisoformat(day)
    if granularity == "week":
        return (d - timedelta(days=d.weekday())).isoformat()  # the Monday
    if granularity == "month":
        return d.strftime("%Y-%m")
    return day


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


def pending_as_grouped(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Derived outcome rows (open conversations) in the shape of ``store.grouped``."""
    out = []
    for r in rows:
        ooh = bool(r["out_of_hours"])
        out.append(
            {
                "day": _day(r["started_at"]),
                "language": r["language"],
                "topic": r["topic"],
                "team": r["team"],
                "outcome": r["outcome"],
                "reason": r["reason"],
                "conversations": 1,
                "rating_n": int(r["rating"] is not None),
                "rating_sum": r["rating"] or 0,
                "helpful_yes": r["helpful_yes"],
                "helpful_no": r["helpful_no"],
                "out_of_hours": int(ooh),
                "ooh_left_message": int(ooh and r["outcome"] == "left_message"),
                "handle_n": int(r["handle_seconds"] is not None),
                "handle_sum": r["handle_seconds"] or 0,
                "demo": int(bool(r.get("demo"))),
                "advisor_chat_ms": r.get("advisor_chat_ms") or 0,
                "advisor_busy_ms": r.get("advisor_busy_ms") or 0,
            }
        )
    return out


@dataclass
class Totals:
    conversations: int = 0
    outcomes: Counter[str] | None = None
    reasons: Counter[str] | None = None
    rating_n: int = 0
    rating_sum: int = 0
    helpful_yes: int = 0
    helpful_no: int = 0
    out_of_hours: int = 0
    ooh_left_message: int = 0
    handle_n: int = 0
    handle_sum: int = 0
    demo: int = 0
    advisor_chat_ms: int = 0
    advisor_busy_ms: int = 0

    def add(self, row: Mapping[str, Any]) -> None:
        n = int(row["conversations"])
        self.conversations += n
        self.outcomes = self.outcomes or Counter()
        self.reasons = self.reasons or Counter()
        self.outcomes[row["outcome"]] += n
        if row["outcome"] == "handed_over":
            self.reasons[row.get("reason") or "out_of_scope"] += n
        for key in ROLLUP_SUMS[1:]:  # "conversations" is ``n``
            setattr(self, key, getattr(self, key) + int(row[key] or 0))

    def figures(self) -> dict[str, Any]:
        outcomes = self.outcomes or Counter()
        reasons = self.reasons or Counter()
        total = self.conversations
        queued = outcomes["handed_over"] + outcomes["abandoned_in_queue"]
        votes = self.helpful_yes + self.helpful_no
        return {
            "conversations": total,
            **{name: outcomes[name] for name in OUTCOMES},
            "containment_rate": rate(outcomes["contained"], total),
            "handover_rate": rate(outcomes["handed_over"], total),
            "abandonment_rate": rate(outcomes["abandoned_in_queue"], queued),
            "handover_reasons": {name: reasons[name] for name in REASONS},
            "csat_advisor_mean": mean(self.rating_sum, self.rating_n),
            "csat_advisor_ratings": self.rating_n,
            "bot_answer_helpful_rate": rate(self.helpful_yes, votes),
            "bot_answer_votes": votes,
            "out_of_hours_conversations": self.out_of_hours,
            "out_of_hours_messages": self.ooh_left_message,
            "handle_mean_s": mean(self.handle_sum, self.handle_n),
            # chats an advisor had at once, time-weighted over their busy time (recorded
            # with each outcome, so it survives the purge of the assignments)
            "advisor_concurrency_mean": mean(self.advisor_chat_ms, self.advisor_busy_ms),
            "demo_conversations": self.demo,
        }


def summarise(
    rows: Iterable[Mapping[str, Any]],
    series_rows: Iterable[Mapping[str, Any]],
    waits: Iterable[tuple[str, int, int]],
    *,
    costs: Costs,
    granularity: str = "day",
    topic_rows: Iterable[tuple[str, str, int]] = (),
    intent_rows: Iterable[tuple[str, int, int, int]] = (),
) -> dict[str, Any]:
    """The whole summary: totals, Welsh beside English, a series, topics, intents, cost
    avoided. ``intent_rows`` are (intent, conversations, messages, confidence in
    thousandths summed), as ``store.intents`` gives them.

    ``rows`` are grouped by (language, team, outcome, reason), ``series_rows`` by
    (day, outcome): ``store.grouped`` with ``TOTAL_KEYS`` and ``SERIES_KEYS``."""
    overall = Totals()
    by_lang: dict[str, Totals] = defaultdict(Totals)
    by_period: dict[str, Totals] = defaultdict(Totals)
    by_team: dict[str, Totals] = defaultdict(Totals)
    for row in rows:
        overall.add(row)
        by_lang[row["language"]].add(row)
        by_team[row["team"] or "bot only"].add(row)
    for row in series_rows:
        by_period[period_of(row["day"], granularity)].add(row)
    wait_hist: Counter[int] = Counter()
    wait_by_lang: dict[str, Counter[int]] = defaultdict(Counter)
    for language, seconds, n in waits:
        wait_hist[seconds] += n
        wait_by_lang[language][seconds] += n
    figures = overall.figures()
    contained = figures["contained"]
    moved_phone = round(contained * costs.phone_share, 1)
    moved_counter = round(contained * costs.face_to_face_share, 1)
    languages = {}
    for language in sorted(set(by_lang) | {"en", "cy"}):
        t = by_lang.get(language, Totals()).figures()
        languages[language] = {
            "conversations": t["conversations"],
            "contained": t["contained"],
            "containment_rate": t["containment_rate"],
            "handed_over": t["handed_over"],
            "bot_answer_helpful_rate": t["bot_answer_helpful_rate"],
            "csat_advisor_mean": t["csat_advisor_mean"],
            "wait_p50_s": percentile(wait_by_lang.get(language, {}), 0.5),
            "wait_p90_s": percentile(wait_by_lang.get(language, {}), 0.9),
        }
    topics: dict[str, Counter[str]] = defaultdict(Counter)
    for topic, outcome, n in topic_rows:
        topics[topic][outcome] += n
    top = sorted(topics.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return {
        **figures,
        "wait_p50_s": percentile(wait_hist, 0.5),
        "wait_p90_s": percentile(wait_hist, 0.9),
        "waits_measured": sum(wait_hist.values()),
        "contacts_moved": {"phone": moved_phone, "face_to_face": moved_counter},
        "cost_avoided_gbp": round(contained * costs.per_contained(), 2),
        "cost_assumption": costs.assumption(),
        "costs_gbp": {
            "face_to_face": costs.face_to_face,
            "phone": costs.phone,
            "online": costs.online,
        },
        "by_language": languages,
        "by_team": {
            team: _brief(t.figures()) for team, t in sorted(by_team.items(), key=lambda kv: kv[0])
        },
        "granularity": granularity,
        "series": [
            {"period": period, **_brief(t.figures())} for period, t in sorted(by_period.items())
        ],
        "top_topics": [
            {
                "topic": topic,
                "conversations": sum(counts.values()),
                "contained": counts["contained"],
                "handed_over": counts["handed_over"],
                "containment_rate": rate(counts["contained"], sum(counts.values())),
            }
            for topic, counts in top[:10]
        ],
        **top_intents(intent_rows),
    }


def _intent_kind(intent: str) -> str:
    if intent in CONVERSATIONAL_INTENTS:
        return "conversation"
    return "not_understood" if intent in NOT_UNDERSTOOD else "request"


def top_intents(rows: Iterable[tuple[str, int, int, int]]) -> dict[str, Any]:
    """The intents the bot read, most messages first, each with how many conversations
    had it and the NLU's mean confidence; ``intent_messages`` counts every one."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for intent, conversations, messages, milli in rows:
        total = found[intent]
        total[0] += int(conversations)
        total[1] += int(messages)
        total[2] += int(milli)
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][1], kv[0]))
    return {
        "intent_messages": sum(v[1] for v in found.values()),
        "top_intents": [
            {
                "intent": intent,
                "kind": _intent_kind(intent),
                "conversations": conversations,
                "messages": messages,
                "mean_confidence": round(milli / messages / 1000, 3) if messages else None,
            }
            for intent, (conversations, messages, milli) in ranked[:TOP_INTENTS]
        ],
    }


def _brief(figures: Mapping[str, Any]) -> dict[str, Any]:
    keys = (
        "conversations",
        *OUTCOMES,
        "containment_rate",
        "handover_rate",
        "csat_advisor_mean",
        "bot_answer_helpful_rate",
    )
    return {key: figures[key] for key in keys}


def advisor_load(
    own: Iterable[tuple[int, datetime, datetime]],
    theirs: Iterable[tuple[int, datetime, datetime | None]],
) -> dict[str, int | None]:
    """One conversation's share of its advisors' work, from assignment spans.

    ``own`` are the conversation's finished spans (advisor, start, end); ``theirs``
    every span of those advisors that overlaps them (this conversation's included; an
    unfinished one still runs). Returns the most chats an advisor had at once while
    on this one (``advisor_peak_chats``), the time advisors spent on it
    (``advisor_chat_ms``), and its share of their busy time (``advisor_busy_ms``: each
    moment split evenly among the chats the advisor had then). Summed over many
    conversations, chat time over busy time is the time-weighted mean of chats at
    once that :func:`concurrency` computes from the spans themselves."""
    own = [span for span in own if span[2] > span[1]]
    if not own:
        return {"advisor_peak_chats": None, "advisor_chat_ms": None, "advisor_busy_ms": None}
    theirs = list(theirs)
    peak = 0
    chat_ms = 0
    busy_ms = 0.0
    for user, start, end in own:
        points: list[tuple[datetime, int]] = []
        for other, begin, finish in theirs:
            lo, hi = max(start, begin), min(end, finish or end)
            if other == user and hi > lo:
                points += [(lo, 1), (hi, -1)]
        points.sort(key=lambda p: (p[0], p[1]))
        level = 0
        previous = start
        for moment, step in points:
            if level > 0 and moment > previous:
                busy_ms += (moment - previous).total_seconds() * 1000 / level
            level += step
            peak = max(peak, level)
            previous = moment
        chat_ms += round((end - start).total_seconds() * 1000)
    return {
        "advisor_peak_chats": peak,
        "advisor_chat_ms": chat_ms,
        "advisor_busy_ms": round(busy_ms),
    }


def concurrency(spans: Iterable[tuple[int, datetime, datetime]]) -> dict[str, Any]:
    """Peak and time-weighted mean chats at once per advisor, from assignment spans."""
    per: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for user, start, end in spans:
        if end > start:
            per[user].append((start, 1))
            per[user].append((end, -1))
    peaks = []
    weighted = busy = 0.0
    for points in per.values():
        points.sort(key=lambda p: (p[0], p[1]))
        level = peak = 0
        previous: datetime | None = None
        for moment, step in points:
            if previous is not None and level > 0:
                seconds = (moment - previous).total_seconds()
                weighted += level * seconds
                busy += seconds
            level += step
            peak = max(peak, level)
            previous = moment
        peaks.append(peak)
    return {
        "advisors": len(per),
        "peak_concurrent": max(peaks) if peaks else None,
        "mean_concurrent": round(weighted / busy, 2) if busy else None,
    }
