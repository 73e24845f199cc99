"""The handoff relay shows Rasa the bot secret with every resident message."""

from __future__ import annotations

import secrets

import httpx

from frontdoor.secrets import BOT_SECRET_HEADER
from handoff.bot import BotMetadata, RasaRestBot


async def test_the_relay_sends_the_bot_secret_to_the_webhook_only() -> None:
    secret = secrets.token_urlsafe(48)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    bot = RasaRestBot(
        "http://rasa.test",
        api_token="api-token",
        bot_secret=secret,
        transport=httpx.MockTransport(handler),
    )
    await bot.send("c1", "hello", BotMetadata())
    await bot.pause("c1")
    await bot.aclose()
    webhook, pause = seen
    assert webhook.url.path == "/webhooks/rest/webhook"
    assert webhook.headers[BOT_SECRET_HEADER] == secret
    assert secret not in str(webhook.url)  # a header, never in a URL that logs keep
    assert BOT_SECRET_HEADER not in pause.headers  # Rasa's API has its own token
