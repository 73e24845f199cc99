"""The privacy component's own table: legal holds (prefix ``pv_``)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()

legal_holds = Table(
    "pv_legal_holds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_kind", String(20), nullable=False),  # conversation | resident
    Column("reference", String(120), nullable=False),  # conversation id or account reference
    Column("reason", Text, nullable=False),
    Column("placed_by", String(254), nullable=False),
    Column("placed_at", AwareDateTime(), nullable=False),
    Column("lifted_by", String(254), nullable=True),
    Column("lifted_at", AwareDateTime(), nullable=True),
    Index("ix_pv_legal_holds_reference", "reference", "lifted_at"),
)
