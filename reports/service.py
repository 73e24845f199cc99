"""Turning a resident's report into a case, once, with its photo kept apart.

:func:`submit` asks the Cases port (the demo CRM, or the council's Open311
system through :class:`backoffice.open311.Open311Cases`) to open the case with
the report's idempotency key, and only then stores the cleaned photo under
the case's reference in the same key. So:

- a double submit (the button pressed twice, the page reloaded) makes one
  case and one photo: both are keyed;
- when the council's system is down or answers garbage, ``create_case``
  raises ``BackOfficeUnavailable`` before anything is stored: nothing is
  half-created, the resident is told plainly and submits again (the form
  keeps its key, so a retry after a lost answer still makes one case);
- a photo is never stored without its case.

We retry on the resident's word rather than keep the report in a queue: a
queued report has no reference to give, and "where is my request?" could
not find it.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from backoffice.casework import PROBLEM_TYPES
from backoffice.exceptions import InvalidRequest
from backoffice.ports import Case, Cases, CaseType, NewCase
from reports.models import photos
from reports.photos import CleanPhoto

KIND_NAMES = {
    CaseType.FLY_TIPPING: "Fly-tipping",
    CaseType.GRAFFITI: "Graffiti",
    CaseType.DOG_FOULING: "Dog fouling",
    CaseType.ABANDONED_VEHICLE: "Abandoned vehicle",
    CaseType.STREET_LIGHTING: "Street lighting fault",
}
MAX_DESCRIPTION = 2000
MAX_LOCATION = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class ProblemReport:
    kind: CaseType
    description: str
    location: str  # what the resident typed, or the chosen address
    idempotency_key: str  # the form's token, or the conversation's
    uprn: str | None = None
    latitude: float | None = None  # only when the resident shared where they are
    longitude: float | None = None
    photo: CleanPhoto | None = None
    channel: str = "web"


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    photo_id: str
    case_reference: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    created_at: datetime


def new_key() -> str:
    """A fresh idempotency token for one report form."""
    return secrets.token_urlsafe(18)


def submit(engine: Engine | None, cases: Cases, report: ProblemReport, *, now: datetime) -> Case:
    """Open the case (or find the one this key opened) and keep its photo
    (``engine``: where photos are kept; the bot, which takes none, passes None).
    Raises InvalidRequest, NotFound, BackOfficeUnavailable; stores nothing then."""
    if report.photo is not None and engine is None:
        raise ValueError("a photo needs the database to keep it in")
    if report.kind not in PROBLEM_TYPES:
        raise InvalidRequest(f"{report.kind.value} is not a problem residents report")
    location = " ".join(report.location.split())[:MAX_LOCATION]
    latitude, longitude = report.latitude, report.longitude
    if latitude is None and report.photo is not None and report.photo.latitude is not None:
        latitude, longitude = report.photo.latitude, report.photo.longitude
    if not location and latitude is None:
        raise InvalidRequest("a report needs a location")
    where = location or f"{latitude:.5f}, {longitude:.5f}"
    key = f"report:{report.idempotency_key}"[:120]
    receipt = cases.create_case(
        NewCase(
            case_type=report.kind,
            summary=f"{KIND_NAMES[report.kind]} at {where}"[:200],
            description=report.description.strip()[:MAX_DESCRIPTION],
            idempotency_key=key,
            uprn=report.uprn,
            channel=report.channel,
            location=location,
            latitude=latitude,
            longitude=longitude,
        ),
        now=now,
    )
    if report.photo is not None and engine is not None:
        _keep_photo(engine, receipt.case.reference, key, report.photo, now)
    return receipt.case


def _keep_photo(engine: Engine, reference: str, key: str, photo: CleanPhoto, now: datetime) -> None:
    try:
        with engine.begin() as connection:
            connection.execute(
                photos.insert().values(
                    photo_id=secrets.token_hex(16),
                    case_reference=reference,
                    idempotency_key=key,
                    content_type=photo.content_type,
                    width=photo.width,
                    height=photo.height,
                    size_bytes=len(photo.data),
                    data=photo.data,
                    created_at=now,
                )
            )
    except IntegrityError:
        with engine.connect() as connection:
            kept = connection.execute(
                select(photos.c.photo_id).where(photos.c.idempotency_key == key)
            ).first()
        if kept is None:
            raise


def photos_for(engine: Engine, reference: str) -> Sequence[StoredPhoto]:
    """A case's photos (what staff see), without their bytes."""
    columns = [c for c in photos.c if c.name not in ("id", "data", "idempotency_key")]
    with engine.connect() as connection:
        rows = connection.execute(
            select(*columns)
            .where(photos.c.case_reference == reference)
            .order_by(photos.c.created_at, photos.c.photo_id)
        ).all()
    return [StoredPhoto(**row._mapping) for row in rows]


def photo_bytes(engine: Engine, reference: str, photo_id: str) -> tuple[str, bytes] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(photos.c.content_type, photos.c.data).where(
                photos.c.case_reference == reference, photos.c.photo_id == photo_id
            )
        ).first()
    return (row.content_type, bytes(row.data)) if row else None
