"""The Cases port over a council system that speaks Open311 GeoReport v2.

Many councils' street-scene and CRM systems (and FixMyStreet) receive problem
reports as Open311 GeoReport v2 service requests. :class:`Open311Client` speaks
the three calls Frontdoor needs, in JSON:

- ``GET services.json``: the service list (``service_code``, ``service_name``);
- ``POST requests.json``: a service request (form-encoded: ``api_key``,
  ``jurisdiction_id``, ``service_code``, ``lat``/``long`` or
  ``address_string``/``address_id``, ``description``); the answer is a list
  with one ``service_request_id``;
- ``GET requests/{id}.json``: its status, ``open`` or ``closed``, with
  ``status_notes`` and ``updated_datetime``.

Errors are a list of ``{"code", "description"}``: 4xx become
``InvalidRequest`` (the report itself is wrong, or the key is), while
timeouts, refused connections, 5xx and answers that are not what the
specification describes become ``BackOfficeUnavailable``. Only reads are
retried; a retried POST could file the problem twice.

:class:`Open311Cases` is the port. Problem reports whose type has a service
code (``service_codes``) are posted to the council's system; everything else,
and the council's own record of each case, stays with ``ledger`` (another
``Cases`` adapter: the demo CRM). So a report keeps a Frontdoor reference
(BDC-nnnnnn) that "where is my request?" knows, carries the Open311 id as its
``external_reference``, and its status is read back from the council's system
(a ``closed`` request becomes ``resolved`` with the council's notes). The
idempotency key is checked in the ledger before posting, so a double submit
posts once; if the POST fails nothing is recorded and the resident is told.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import httpx

from backoffice import calendar
from backoffice.exceptions import BackOfficeUnavailable, IllegalTransition, InvalidRequest
from backoffice.ports import Case, CaseReceipt, Cases, CaseStatus, CaseType, NewCase


@dataclass(frozen=True, slots=True)
class Open311Service:
    service_code: str
    service_name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Open311Request:
    service_request_id: str
    status: str  # "open" | "closed"
    status_notes: str = ""
    updated_at: datetime | None = None


class Open311Client:
    """GeoReport v2 over HTTP (JSON). ``base_url`` is the endpoint's root, where
    ``services.json`` lives."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        jurisdiction_id: str = "",
        timeout: float = 10.0,
        read_attempts: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not api_key.strip():
            raise ValueError("an Open311 API key is required")
        self._api_key = api_key
        self._jurisdiction = jurisdiction_id
        self._read_attempts = max(1, read_attempts)
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout),
            headers={"Accept": "application/json"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def _params(self) -> dict[str, str]:
        return {"jurisdiction_id": self._jurisdiction} if self._jurisdiction else {}

    def services(self) -> list[Open311Service]:
        found = self._read("/services.json")
        try:
            return [
                Open311Service(
                    service_code=_text(item["service_code"]),
                    service_name=_text(item["service_name"]),
                    description=str(item.get("description") or ""),
                )
                for item in found
            ]
        except (KeyError, TypeError, AttributeError) as exc:
            raise _garbage("services.json", exc) from exc

    def post_request(
        self,
        *,
        service_code: str,
        description: str,
        latitude: float | None = None,
        longitude: float | None = None,
        address: str = "",
        address_id: str | None = None,
    ) -> str:
        """File a service request; its ``service_request_id``."""
        form: dict[str, str] = {
            **self._params(),
            "api_key": self._api_key,
            "service_code": service_code,
            "description": description[:4000],
        }
        if latitude is not None and longitude is not None:
            form.update(lat=f"{latitude:.6f}", long=f"{longitude:.6f}")
        if address:
            form["address_string"] = address[:250]
        if address_id:
            form["address_id"] = address_id
        answer = self._call("POST", "/requests.json", data=form, expect=(200, 201))
        try:
            first = answer[0]
            request_id = first.get("service_request_id")
            if request_id is None and first.get("token"):
                raise InvalidRequest(
                    "the council's Open311 system answered with a token, not a request id: "
                    "asynchronous (token) endpoints are not supported"
                )
            return _text(request_id)
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise _garbage("requests.json", exc) from exc

    def get_request(self, service_request_id: str) -> Open311Request:
        if not service_request_id or "/" in service_request_id or len(service_request_id) > 64:
            raise InvalidRequest(f"{service_request_id!r} is not an Open311 request id")
        path = f"/requests/{service_request_id}.json"
        answer = self._read(path)
        try:
            item = answer[0]
            status = _text(item["status"]).lower()
            if status not in ("open", "closed"):
                raise ValueError(f"status {status!r}")
            updated = item.get("updated_datetime")
            return Open311Request(
                service_request_id=_text(item["service_request_id"]),
                status=status,
                status_notes=str(item.get("status_notes") or "")[:500],
                updated_at=datetime.fromisoformat(updated) if updated else None,
            )
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            raise _garbage(path, exc) from exc

    def _read(self, path: str) -> Any:
        last: BackOfficeUnavailable | None = None
        for _ in range(self._read_attempts):
            try:
                return self._call("GET", path, params=self._params())
            except BackOfficeUnavailable as exc:
                last = exc
        assert last is not None
        raise last

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Any:
        try:
            response = self._client.request(method, path, params=params, data=data)
        except httpx.TimeoutException as exc:
            raise BackOfficeUnavailable(
                f"the council's Open311 system did not answer in time ({method} {path})"
            ) from exc
        except httpx.HTTPError as exc:
            raise BackOfficeUnavailable(
                f"the council's Open311 system could not be reached ({exc})"
            ) from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise BackOfficeUnavailable(f"the council's Open311 system answered {status}")
        if 400 <= status < 500:
            raise InvalidRequest(
                f"the council's Open311 system refused {method} {path}: {_error(response)}"
            )
        if status not in expect:
            raise BackOfficeUnavailable(f"the council's Open311 system answered {status}")
        try:
            found = response.json()
        except ValueError as exc:
            raise _garbage(path, exc) from exc
        if not isinstance(found, list):
            raise _garbage(path, TypeError("not a list"))
        return found


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise TypeError(f"{value!r} is not an identifier")
    return str(value)


def _garbage(path: str, exc: Exception) -> BackOfficeUnavailable:
    return BackOfficeUnavailable(f"the council's Open311 system answered garbage to {path} ({exc})")


def _error(response: httpx.Response) -> str:
    try:
        found = response.json()
        first = found[0]
        return f"{first.get('code')} {str(first.get('description') or '')[:200]}"
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return f"{response.status_code}"


class Open311Cases(Cases):
    """Problem reports to the council's Open311 system; the record in ``ledger``."""

    def __init__(
        self, ledger: Cases, client: Open311Client, service_codes: Mapping[CaseType, str]
    ) -> None:
        self.ledger = ledger
        self.client = client
        self.service_codes = dict(service_codes)

    def create_case(self, new: NewCase, *, now: datetime) -> CaseReceipt:
        code = self.service_codes.get(new.case_type)
        if code is None:
            return self.ledger.create_case(new, now=now)
        existing = self.ledger.find_by_idempotency_key(new.idempotency_key)
        if existing is not None:
            return CaseReceipt(case=existing, created=False)
        description = "\n\n".join(p for p in (new.summary, new.description) if p)
        request_id = self.client.post_request(
            service_code=code,
            description=description,
            latitude=new.latitude,
            longitude=new.longitude,
            address=new.location,
            address_id=new.uprn,
        )
        return self.ledger.create_case(replace(new, external_reference=request_id), now=now)

    def get_case(self, reference: str) -> Case:
        return self._synced(self.ledger.get_case(reference))

    def find_by_idempotency_key(self, idempotency_key: str) -> Case | None:
        return self.ledger.find_by_idempotency_key(idempotency_key)

    def list_cases(
        self,
        *,
        uprn: str | None = None,
        resident_id: str | None = None,
        open_only: bool = False,
        limit: int = 50,
    ) -> list[Case]:
        return self.ledger.list_cases(
            uprn=uprn, resident_id=resident_id, open_only=open_only, limit=limit
        )

    def update_status(
        self, reference: str, *, status: CaseStatus, at: datetime, note: str = "", by: str
    ) -> Case:
        return self.ledger.update_status(reference, status=status, at=at, note=note, by=by)

    def _synced(self, case: Case) -> Case:
        """The case with the council system's word on it: a request closed there is
        resolved here, once, with its notes. When the system does not answer,
        the last known status stands (tracking must not fail because of it)."""
        if not case.external_reference or not case.is_open:
            return case
        try:
            remote = self.client.get_request(case.external_reference)
        except (BackOfficeUnavailable, InvalidRequest):
            return case
        if remote.status != "closed":
            return case
        at = calendar.london(remote.updated_at) if remote.updated_at else case.created_at
        at = max(at, case.history[-1].at) if case.history else at
        try:
            return self.ledger.update_status(
                case.reference,
                status=CaseStatus.RESOLVED,
                at=at,
                note=remote.status_notes or "closed in the council's Open311 system",
                by="open311",
            )
        except IllegalTransition:
            return case
