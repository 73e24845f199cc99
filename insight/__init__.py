"""Insight: what Frontdoor saves the council and where it falls short (issue #15).

Every conversation gets one outcome, derived from its stored events
(:mod:`insight.outcomes`, pure) and recorded when it closes
(:mod:`insight.store`, ``conversation_outcomes``: no personal data, so it
survives the retention purge) and counted into a daily rollup in the same
transaction, so a year's summary reads days, not a million rows. The
dashboard, the summary API, the supervisor history and the printable monthly
report (:mod:`insight.web`) read those records; :mod:`insight.report` turns
them into rates, costs and percentiles.
"""
