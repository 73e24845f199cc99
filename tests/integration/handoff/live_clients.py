"""Real clients for a real server on loopback: httpx and the ``websockets`` library."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect

from frontdoor.accounts.service import start_session

ORIGIN = "http://localhost:8000"


async def next_frame(ws: ClientConnection, predicate: Any = None, timeout: float = 10.0) -> dict:
    """The next frame (matching ``predicate``), skipping server pings."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "ping":
                continue
            if predicate is None or predicate(frame):
                return frame


@dataclass
class LiveResident:
    base: str
    ws_base: str
    conversation_id: str = ""
    token: str = ""
    cursor: int = 0
    ws: ClientConnection | None = None

    async def start(self) -> LiveResident:
        async with httpx.AsyncClient(base_url=self.base) as client:
            body = (await client.post("/api/v1/conversations", json={"language": "en"})).json()
        self.conversation_id, self.token = body["conversation_id"], body["conversation_token"]
        return self

    async def connect(self) -> dict:
        self.ws = await connect(
            f"{self.ws_base}/ws/resident?conversation_id={self.conversation_id}"
            f"&token={self.token}&cursor={self.cursor}",
            origin=ORIGIN,  # type: ignore[arg-type]
        )
        return await next_frame(self.ws)

    async def send(self, text: str, client_id: str | None = None) -> str:
        client_id = client_id or uuid.uuid4().hex
        assert self.ws is not None
        await self.ws.send(json.dumps({"type": "message", "client_id": client_id, "text": text}))
        return client_id

    async def expect(self, predicate: Any, timeout: float = 10.0) -> dict:
        assert self.ws is not None
        frame = await next_frame(self.ws, predicate, timeout)
        if frame.get("seq"):
            self.cursor = max(self.cursor, frame["seq"])
        return frame


@dataclass
class LiveAdvisor:
    base: str
    ws_base: str
    cookie: str
    csrf: str
    ws: ClientConnection | None = None
    cursors: dict[str, int] = field(default_factory=dict)

    @classmethod
    def signed_in(cls, engine: Any, user_id: int, base: str, ws_base: str) -> LiveAdvisor:
        with Session(engine) as session:
            issued = start_session(session, user_id=user_id)
            session.commit()
        return cls(base, ws_base, issued.token, issued.csrf_token)

    @property
    def headers(self) -> dict[str, str]:
        return {"cookie": f"fd_session={self.cookie}", "x-csrf-token": self.csrf}

    async def call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.base, headers=self.headers) as client:
            return await client.request(method, f"/api/v1/advisor{path}", json=body)

    async def connect(self) -> dict:
        query = ",".join(f"{cid}:{seq}" for cid, seq in self.cursors.items())
        self.ws = await connect(
            f"{self.ws_base}/ws/advisor" + (f"?cursors={query}" if query else ""),
            origin=ORIGIN,  # type: ignore[arg-type]
            additional_headers={"cookie": f"fd_session={self.cookie}"},
        )
        return await next_frame(self.ws)

    async def expect(self, predicate: Any, timeout: float = 10.0) -> dict:
        assert self.ws is not None
        frame = await next_frame(self.ws, predicate, timeout)
        if frame.get("type") == "event":
            cid = frame["conversation_id"]
            self.cursors[cid] = max(self.cursors.get(cid, 0), frame["seq"])
        return frame


def event(kind: str, **data: Any) -> Any:
    return lambda f: (
        f.get("type") == "event"
        and f["kind"] == kind
        and all(f["data"].get(k) == v for k, v in data.items())
    )
