"""The knowledge service's app and staff accounts, for the outbox's staff page."""

from tests.integration.knowledge.conftest import client, factory, settings, staff  # noqa: F401
