"""What the insight pages and API ask for, each answered in one read transaction.

Plain functions over an engine (no HTTP): the routes in :mod:`insight.web`
parse and check input, call these, and render. Knowledge figures (unanswered
topics, least helpful articles) read the knowledge base's own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, case, func, select

from insight import report, store
from insight.report import Costs
from insight.store import Filters


@dataclass
class Insight:
    engine: Engine
    costs: Costs

    def summary(
        self, filters: Filters, granularity: str = "day", *, source: str = "rollup"
    ) -> dict[str, Any]:
        """The summary of ``filters``. ``source="rollup"`` reads whole UTC days from the
        daily rollup and only the partial days at the edges from the outcome rows;
        ``"raw"`` reads every outcome row (the reference the tests hold it to)."""
        with self.engine.connect() as conn:
            filters = store.with_area(conn, filters)
            if source == "raw":
                p = store.Plan(False, None, None, (filters,))
            else:
                p = store.plan(filters)
            rows, series, topic_rows = store.rollup_breakdowns(conn, p, filters)
            waits = store.rollup_waits(conn, p, filters)
            intent_rows = store.rollup_intents(conn, p, filters)
            for edge in p.raw:
                rows += store.grouped(conn, edge, store.TOTAL_KEYS)
                series += store.grouped(conn, edge, store.SERIES_KEYS)
                waits += store.histogram(conn, edge, "wait_seconds")
                topic_rows += store.topics(conn, edge)
                intent_rows += store.intents(conn, edge)
            live = store.pending(conn, filters)
        rows += report.pending_as_grouped(live)
        series += report.pending_as_grouped(live)
        waits += [
            (r["language"], r["wait_seconds"], 1) for r in live if r["wait_seconds"] is not None
        ]
        topic_rows += [(r["topic"], r["outcome"], 1) for r in live]
        intent_rows += [(name, 1, n, milli) for r in live for name, n, milli in r["intents"]]
        return report.summarise(
            rows,
            series,
            waits,
            costs=self.costs,
            granularity=granularity,
            topic_rows=topic_rows,
            intent_rows=intent_rows,
        )

    def teams(self) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            return store.teams(conn)

    def topics(self) -> list[str]:
        with self.engine.connect() as conn:
            return store.known_topics(conn)

    def advisors(self) -> list[tuple[int, str]]:
        with self.engine.connect() as conn:
            return store.advisors(conn)

    def concurrency(
        self, filters: Filters, summary: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Chats an advisor had at once: the peak and the time-weighted mean, both from
        the outcomes of closed conversations (so years of figures survive the purge of
        assignments; the mean is the summary's ``advisor_concurrency_mean`` when
        given), and how many advisors the stored assignments name."""
        with self.engine.connect() as conn:
            filters = store.with_area(conn, filters)
            p = store.plan(filters)
            peaks = [store.rollup_peak_chats(conn, p, filters)]
            peaks += [store.peak_chats(conn, edge) for edge in p.raw]
            found = [v for v in peaks if v is not None]
            peak = max(found) if found else None
            advisors = store.advisors_assigned(conn, filters)
            if summary is None:
                summary = self.summary(filters)
        return {
            "advisors": advisors,
            "peak_concurrent": peak,
            "mean_concurrent": summary["advisor_concurrency_mean"],
        }

    def out_of_hours_pickup(self, filters: Filters) -> dict[str, Any]:
        """Cases left out of hours in range: how many, and how soon someone moved them on."""
        with self.engine.connect() as conn:
            left = store.left_message_pickups(conn, filters)
        counts = {h: n for h, n in left if h is not None}
        return {
            "left_messages": sum(n for _, n in left),
            "picked_up": sum(counts.values()),
            "pickup_p50_h": report.percentile(counts, 0.5),
            "pickup_p90_h": report.percentile(counts, 0.9),
        }

    def knowledge(self, filters: Filters, limit: int = 10) -> dict[str, Any]:
        """Top unanswered topics (content gaps) and least helpful articles in range."""
        from knowledge.models import Article, ContentGap, Feedback

        def within(column: Any) -> list[Any]:
            clauses = []
            if filters.start is not None:
                clauses.append(column >= filters.start)
            if filters.end is not None:
                clauses.append(column < filters.end)
            return clauses

        key = func.coalesce(func.nullif(ContentGap.group_key, ""), ContentGap.question)
        with self.engine.connect() as conn:
            gaps = conn.execute(
                select(key.label("topic"), ContentGap.language, func.count().label("asked"))
                .where(ContentGap.status == "open", *within(ContentGap.created_at))
                .group_by(key, ContentGap.language)
                .order_by(func.count().desc(), key)
                .limit(limit)
            ).all()
            no = func.sum(case((Feedback.helpful.is_(False), 1), else_=0))
            total = func.count()
            articles = conn.execute(
                select(
                    Feedback.article_id,
                    Article.title,
                    Article.language,
                    total.label("votes"),
                    no.label("unhelpful"),
                )
                .join(Article, Article.id == Feedback.article_id)
                .where(*within(Feedback.created_at))
                .group_by(Feedback.article_id, Article.title, Article.language)
                .having(no > 0)
                .order_by((no * 1.0 / total).desc(), total.desc(), Article.title)
                .limit(limit)
            ).all()
        return {
            "unanswered": [
                {"topic": g.topic, "language": g.language, "asked": g.asked} for g in gaps
            ],
            "least_helpful": [
                {
                    "article_id": a.article_id,
                    "title": a.title,
                    "language": a.language,
                    "votes": a.votes,
                    "unhelpful": a.unhelpful,
                    "helpful_rate": report.rate(a.votes - a.unhelpful, a.votes),
                }
                for a in articles
            ],
        }


def filters_for(
    start: datetime | None,
    end: datetime | None,
    team: str | None,
    topic: str | None,
    area: str | None = None,
) -> Filters:
    return Filters(start=start, end=end, team=team or None, topic=topic or None, area=area or None)
