"""The retention schedule, one period per data class, as typed settings.

Defaults are what a council's data protection officer would accept and what
the privacy article promises (it is generated from these: see
``privacy.paperwork``). Each is ``FRONTDOOR_RETENTION_<CLASS>_DAYS`` (hours for
verification attempts).
"""

from __future__ import annotations

from pydantic import Field

from frontdoor.settings import CommonSettings


class PrivacySettings(CommonSettings):
    retention_conversations_days: int = Field(
        default=365, ge=1, description="Conversations and transcripts, counted from closing."
    )
    retention_content_gaps_days: int = Field(
        default=183, ge=1, description="Content gaps (unanswered questions) and search records."
    )
    retention_feedback_days: int = Field(
        default=365, ge=1, description="Answers to 'was this page helpful?' and chat ratings."
    )
    retention_verification_hours: int = Field(
        default=24, ge=1, description="Verification attempts (who tried which account)."
    )
    retention_notifications_days: int = Field(
        default=90,
        ge=1,
        description="Emails and text messages in notify's outbox (recipient and what it said), "
        "counted from sending or from the last attempt of one that failed for good; a message "
        "still queued, being sent or awaiting a retry is never purged.",
    )
    retention_report_photos_days: int = Field(
        default=183,
        ge=1,
        description="Photos residents send with a problem report (cleaned of their metadata), "
        "counted from when they were sent.",
    )
    retention_subscriptions_days: int = Field(
        default=30,
        ge=1,
        description="Residents' subscriptions to reminders and updates (their email address or "
        "mobile number, address and what they asked for), counted from unsubscribing, or from "
        "the end of the 7 days to confirm a request never confirmed; a subscription in use is "
        "never purged.",
    )
    retention_payments_days: int = Field(
        default=2192,
        ge=365,
        description="Card payments (what was paid for, the amount, and for a fee the payer's "
        "name, email and their note), counted from when the payment settled; six years, as "
        "financial records are kept; a payment still in progress is never purged.",
    )
    retention_audit_days: int = Field(
        default=2192, ge=365, description="The audit log of staff access (six years)."
    )
    purge_batch_size: int = Field(
        default=5000, ge=1, le=100_000, description="Most rows the purge deletes per transaction."
    )
    purge_batch_seconds: float = Field(
        default=0.1,
        gt=0,
        le=10,
        description="How long one purge transaction may take: the batch size adapts to it.",
    )
    purge_rest_ratio: float = Field(
        default=0.5,
        ge=0,
        le=100,
        description="After each batch the purge rests this many times the batch's own time "
        "(0.5: the purge works two thirds of the time at most); longer when batches run "
        "slow, which means live traffic is busy.",
    )
    purge_interval_minutes: int = Field(
        default=60, ge=1, description="How often the stack's scheduled purge runs."
    )
