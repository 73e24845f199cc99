"""The report-a-problem component's table (prefix ``rp_``).

``rp_photos``: the photos residents attach to a problem report, cleaned
(:mod:`reports.photos`: re-encoded, no metadata) and kept in the database so
every instance of the website sees them and the retention purge deletes them
in one statement. They are personal data (a photo may show people, number
plates, a home): only staff see them, on the case's staff page, never the
public. One report's photo per case at most; ``idempotency_key`` is the
report's, so submitting the form twice stores one photo.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, LargeBinary, String, Table, UniqueConstraint

from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()

photos = Table(
    "rp_photos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the purge pages by it
    Column("photo_id", String(32), nullable=False),  # unguessable, in the staff page's URL
    Column("case_reference", String(12), nullable=False, index=True),
    Column("idempotency_key", String(120), nullable=False),
    Column("content_type", String(20), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", AwareDateTime(), nullable=False, index=True),
    UniqueConstraint("idempotency_key", name="uq_rp_photos_idempotency_key"),
    UniqueConstraint("photo_id", name="uq_rp_photos_photo_id"),
)
