"""A local Open311 GeoReport v2 server, for tests and for trying the adapter by hand.

It implements what :mod:`backoffice.open311` uses, in JSON, as the
specification describes: ``GET services.json`` (the service list),
``POST requests.json`` (form-encoded; ``api_key`` checked, 403 otherwise;
``service_code`` must be in the list and a location given, 400 otherwise;
answers ``[{"service_request_id", "service_notice", "account_id"}]``),
``GET requests/{id}.json`` (``[{..., "status": "open"|"closed", ...}]``, 404
for an unknown id). ``jurisdiction_id`` is checked when the server has one
(404 otherwise). Errors are ``[{"code": <http status>, "description": ...}]``.

:meth:`LocalOpen311.close_request` is the council closing a request with
notes. Faults can be scripted (``fail_next``, ``garble_next``) to see how the
adapter copes; ``posted`` counts requests filed (a retried POST shows there).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from frontdoor.localserver import ThreadedServer

SERVICES = (
    ("FLY", "Fly-tipping", "Rubbish dumped on public land"),
    ("GRAF", "Graffiti", "Graffiti on walls, signs and street furniture"),
    ("DOG", "Dog fouling", "Dog mess on pavements and in parks"),
    ("ABV", "Abandoned vehicle", "A vehicle left on the road or council land"),
    ("LIGHT", "Street lighting", "A street light out, on in the day, or damaged"),
)


def _errors(status: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status_code=status)


@dataclass
class LocalOpen311:
    api_key: str = field(default_factory=lambda: "o311_" + secrets.token_hex(12))
    jurisdiction_id: str = ""
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[str | int] = field(default_factory=list)
    posted: int = 0
    next_id: int = 638_000
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- scripting -----------------------------------------------------------------

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        self.faults.extend([status] * times)

    def garble_next(self, times: int = 1) -> None:
        """The next call is answered 200 with an HTML page, not JSON."""
        self.faults.extend(["garbage"] * times)

    def close_request(self, request_id: str, notes: str, *, at: datetime | None = None) -> None:
        with self.lock:
            found = self.requests[request_id]
            found["status"] = "closed"
            found["status_notes"] = notes
            found["updated_datetime"] = (at or datetime.now(UTC)).isoformat()

    # --- the API -------------------------------------------------------------------

    def _fault(self) -> Response | None:
        with self.lock:
            fault = self.faults.pop(0) if self.faults else None
        if fault is None:
            return None
        if fault == "garbage":
            return PlainTextResponse("<html>Service unavailable</html>", status_code=200)
        return _errors(int(fault), "Service temporarily unavailable")

    def _jurisdiction(self, values: Any) -> Response | None:
        if self.jurisdiction_id and values.get("jurisdiction_id") != self.jurisdiction_id:
            return _errors(404, "jurisdiction_id not found")
        return None

    async def _services(self, request: Request) -> Response:
        refused = self._fault() or self._jurisdiction(request.query_params)
        if refused is not None:
            return refused
        return JSONResponse(
            [
                {
                    "service_code": code,
                    "service_name": name,
                    "description": description,
                    "metadata": False,
                    "type": "realtime",
                    "keywords": "",
                    "group": "street",
                }
                for code, name, description in SERVICES
            ]
        )

    async def _post(self, request: Request) -> Response:
        faulty = self._fault()
        if faulty is not None:
            return faulty
        form = await request.form()
        if not secrets.compare_digest(str(form.get("api_key", "")), self.api_key):
            return _errors(403, "Invalid api_key")
        refused = self._jurisdiction(form)
        if refused is not None:
            return refused
        code = str(form.get("service_code", ""))
        if code not in {c for c, _, _ in SERVICES}:
            return _errors(400, f"Invalid service_code: {code!r}")
        lat, long = form.get("lat"), form.get("long")
        if not ((lat and long) or form.get("address_string") or form.get("address_id")):
            return _errors(400, "A location is required: lat/long, address_string or address_id")
        if lat and long:
            try:
                float(str(lat)), float(str(long))
            except ValueError:
                return _errors(400, "lat and long must be numbers")
        now = datetime.now(UTC).isoformat()
        with self.lock:
            self.next_id += 1
            request_id = str(self.next_id)
            self.requests[request_id] = {
                "service_request_id": request_id,
                "status": "open",
                "status_notes": "",
                "service_code": code,
                "service_name": dict((c, n) for c, n, _ in SERVICES)[code],
                "description": str(form.get("description", "")),
                "agency_responsible": "",
                "service_notice": "",
                "requested_datetime": now,
                "updated_datetime": now,
                "expected_datetime": None,
                "address": str(form.get("address_string", "")),
                "address_id": str(form.get("address_id", "")),
                "zipcode": "",
                "lat": float(str(lat)) if lat else None,
                "long": float(str(long)) if long else None,
                "media_url": "",
            }
            self.posted += 1
        return JSONResponse(
            [{"service_request_id": request_id, "service_notice": "", "account_id": None}],
            status_code=201,
        )

    async def _get(self, request: Request) -> Response:
        refused = self._fault() or self._jurisdiction(request.query_params)
        if refused is not None:
            return refused
        found = self.requests.get(request.path_params["id"])
        if found is None:
            return _errors(404, "Service request not found")
        return JSONResponse([found])

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/services.json", self._services, methods=["GET"]),
                Route("/requests.json", self._post, methods=["POST"]),
                Route("/requests/{id:str}.json", self._get, methods=["GET"]),
            ]
        )


class RunningServer(ThreadedServer):
    """The server on 127.0.0.1 and a free port, in a thread (a context manager)."""

    def __init__(self, open311: LocalOpen311) -> None:
        self.open311 = open311
        super().__init__(open311.app(), name="the local Open311 server")
