"""Notifications (issue #16): a port for email and text messages, a durable
outbox that makes every send idempotent, and its adapters (the embedded
outbox-only default and GOV.UK Notify)."""
