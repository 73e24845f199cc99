"""Privacy: retention schedules and the purge that keeps them, legal holds.

A component of its own because it reaches across every service's tables
(handoff's conversations, knowledge's gaps and feedback, the bot's
verification attempts, the audit log): its SQL lives in ``privacy.store`` and
nowhere else, as ARCHITECTURE.md asks of each service's Store.
"""
