"""The notifier adapters: the embedded outbox-only default and GOV.UK Notify."""

from __future__ import annotations

import threading
from typing import Any

from notifications_python_client.errors import APIError, HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from notify.ports import Message, PermanentFailure, TemporaryFailure

PERMANENT_STATUSES = frozenset({400, 403})


class OutboxOnly:
    """Sends nothing out: a message is "sent" into the outbox, where staff read
    it in the admin pages. The embedded default (no provider configured)."""

    name = "outbox"

    def send(self, message: Message) -> str:
        return f"outbox:{message.reference}"

    def find(self, reference: str) -> str | None:
        return None  # sending is recording: resending cannot duplicate anything


class GovukNotify:
    """GOV.UK Notify through its official client (``notifications-python-client``),
    one client per thread, so a sender may send a batch from several threads.

    400 and 403 are permanent (a bad request or a bad key); 429, 5xx, timeouts,
    refused connections and answers that are not JSON are retried.
    """

    name = "govuk-notify"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = "https://api.notifications.service.gov.uk",
        timeout: float = 10,
    ) -> None:
        if len(api_key) < 74:
            raise ValueError("a GOV.UK Notify API key is name-serviceid-secret (74+ characters)")
        self._settings = (api_key, base_url, timeout)
        self._local = threading.local()

    @property
    def client(self) -> NotificationsAPIClient:
        """This thread's client (the official client is not thread-safe)."""
        client = getattr(self._local, "client", None)
        if client is None:
            api_key, base_url, timeout = self._settings
            client = self._local.client = NotificationsAPIClient(
                api_key, base_url=base_url, timeout=timeout
            )
        return client

    def send(self, message: Message) -> str:
        personalisation = dict(message.personalisation) or None
        if message.channel == "sms":
            call = lambda: self.client.send_sms_notification(  # noqa: E731
                message.recipient, message.template_id, personalisation, message.reference
            )
        else:
            call = lambda: self.client.send_email_notification(  # noqa: E731
                message.recipient, message.template_id, personalisation, message.reference
            )
        answer = self._call(call)
        if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
            raise TemporaryFailure("GOV.UK Notify answered without a notification id")
        return answer["id"]

    def find(self, reference: str) -> str | None:
        answer = self._call(lambda: self.client.get_all_notifications(reference=reference))
        found = answer.get("notifications") if isinstance(answer, dict) else None
        if not isinstance(found, list):
            raise TemporaryFailure("GOV.UK Notify answered garbage to a search by reference")
        for notification in found:
            if isinstance(notification, dict) and notification.get("reference") == reference:
                return str(notification["id"])
        return None

    @staticmethod
    def _call(call: Any) -> Any:
        try:
            return call()
        except HTTPError as exc:
            text = f"GOV.UK Notify {exc.status_code}: {exc.message}"
            if exc.status_code in PERMANENT_STATUSES:
                raise PermanentFailure(text) from exc
            raise TemporaryFailure(text) from exc
        except APIError as exc:  # InvalidResponse: not JSON
            raise TemporaryFailure(f"GOV.UK Notify answered garbage: {exc.message}") from exc
