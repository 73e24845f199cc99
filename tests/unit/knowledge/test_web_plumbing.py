"""The ASGI middlewares and the search runtime, without a server or a database."""

import asyncio
from types import SimpleNamespace

from knowledge.search_runtime import SearchRuntime
from knowledge.web import content_security_policy, origin_of, site_headers


def run(app, *, body=b"", headers=()):
    sent = []
    chunks = [body[i : i + 10] for i in range(0, len(body), 10)] or [b""]

    async def receive():
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/editor/x", "headers": list(headers), "method": "POST"}
    asyncio.run(app(scope, receive, send))
    return sent


async def echo(scope, receive, send):
    while True:
        message = await receive()
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def test_csp_allows_the_widget_but_no_inline_scripts():
    csp = content_security_policy("http://127.0.0.1:8001")
    assert "script-src 'self' http://127.0.0.1:8001;" in csp
    assert "connect-src 'self' http://127.0.0.1:8001 ws://127.0.0.1:8001" in csp
    assert "frame-ancestors 'self' http://127.0.0.1:8001" in csp
    assert origin_of("http://127.0.0.1:8001/widget/x.js") == "http://127.0.0.1:8001"


def test_security_headers_are_added():
    sent = run(site_headers(echo, widget_origin="", hsts=True))
    headers = dict((k.decode(), v.decode()) for k, v in sent[0]["headers"])
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"  # editor pages are never cached
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["strict-transport-security"].startswith("max-age=")


class FakeEngine:
    revision = 0
    load_status = "loaded"

    def __init__(self, fail=False):
        self.fail = fail
        self.synced = 0

    def __len__(self):
        return 3

    def sync(self, source):
        if self.fail:
            raise OSError("disk full")
        self.synced += 1


class FakeFactory:
    def __call__(self):
        return self

    def __enter__(self):
        return SimpleNamespace(execute=None)

    def __exit__(self, *exc):
        return False


def test_runtime_reports_starting_ok_and_errors(monkeypatch):
    monkeypatch.setattr("knowledge.search_runtime.apply_schedule", lambda session: [])
    clock = [100.0]
    runtime = SearchRuntime(FakeEngine(), FakeFactory(), interval=1.0, clock=lambda: clock[0])
    assert runtime.status()["status"] == "starting"
    runtime.sync_now()
    assert runtime.status()["status"] == "ok" and runtime.engine.synced == 1
    clock[0] += 60
    assert runtime.status()["status"] == "stale"
    broken = SearchRuntime(FakeEngine(fail=True), FakeFactory(), interval=1.0)
    broken.sync_now()  # never raises: the loop must survive
    assert broken.status() == {
        "status": "error",
        "detail": "OSError: disk full",
        "articles": 3,
        "revision": 0,
        "index": "loaded",
    }
