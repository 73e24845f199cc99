"""Settings of the report-a-problem pages (``FRONTDOOR_*``), on top of which
system takes the reports (:class:`backoffice.settings.CasesSettings`):

- ``FRONTDOOR_REPORTS_LIMIT_SUBMIT``: reports one client address may send;
- ``FRONTDOOR_REPORTS_LIMIT_LOOKUP``: address searches and tracking look-ups
  (a reference is guessable, so tracking is limited like a write).
"""

from __future__ import annotations

from backoffice.settings import CasesSettings
from frontdoor.ratelimit import RateLimit


class ReportsSettings(CasesSettings):
    reports_limit_submit: RateLimit = "5/minute;30/hour"
    reports_limit_lookup: RateLimit = "30/minute;300/hour"

    @property
    def site_url(self) -> str:
        """The public website, where the report form is (the bot links to it)."""
        return (self.public_url or self.url(self.knowledge_port)).rstrip("/")
