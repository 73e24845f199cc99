"""Tables of the demo back office (prefix ``bo_``), on the component's own metadata.

This is a stand-in for a council's line-of-business systems, shaped like them:
a gazetteer, a waste system, a CRM, revenues, housing rents, a planning
register and a bulky-waste booking system, all in one schema for the demo.
Only ``backoffice.sql`` reads these classes; ports return value types.

Enumerations are stored as short strings (not database enums) so a value can be
added without a migration per backend. Moments are stored in UTC
(core's ``AwareDateTime``) and come back as Europe/London.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from backoffice.values import LONDON
from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()


class Base(DeclarativeBase):
    metadata = metadata


class PropertyRow(Base):
    __tablename__ = "bo_properties"
    uprn: Mapped[str] = mapped_column(String(12), primary_key=True)
    address_line_1: Mapped[str] = mapped_column(String(120))
    address_line_2: Mapped[str | None] = mapped_column(String(120))
    address_line_3: Mapped[str | None] = mapped_column(String(120))
    town: Mapped[str] = mapped_column(String(60))
    postcode: Mapped[str] = mapped_column(String(8), index=True)
    ward: Mapped[str] = mapped_column(String(60))
    sort_key: Mapped[str] = mapped_column(String(255))


class ResidentRow(Base):
    __tablename__ = "bo_residents"
    resident_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    uprn: Mapped[str] = mapped_column(ForeignKey("bo_properties.uprn"), index=True)
    forename: Mapped[str] = mapped_column(String(60))
    surname: Mapped[str] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))


class RoundRow(Base):
    __tablename__ = "bo_rounds"
    round_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    weekday: Mapped[int] = mapped_column(Integer)
    bin_types: Mapped[str] = mapped_column(String(60))  # comma-separated BinType values


class BinServiceRow(Base):
    __tablename__ = "bo_bin_services"
    __table_args__ = (UniqueConstraint("uprn", "bin_type"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uprn: Mapped[str] = mapped_column(ForeignKey("bo_properties.uprn"))
    bin_type: Mapped[str] = mapped_column(String(16))
    round_id: Mapped[str] = mapped_column(ForeignKey("bo_rounds.round_id"))
    weekday: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(16))
    week_parity: Mapped[int] = mapped_column(Integer, default=0)


class BankHolidayRow(Base):
    __tablename__ = "bo_bank_holidays"
    day: Mapped[date] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))


class DisruptionRow(Base):
    __tablename__ = "bo_disruptions"
    disruption_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    areas: Mapped[str] = mapped_column(String(255))  # comma-separated districts / sectors
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date]
    bin_types: Mapped[str] = mapped_column(String(60), default="")  # empty: every bin
    catch_up_day: Mapped[date | None]


class RoundRunRow(Base):
    __tablename__ = "bo_round_runs"
    round_id: Mapped[str] = mapped_column(ForeignKey("bo_rounds.round_id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime(zone=LONDON))
    completed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(zone=LONDON))


class CrewLogRow(Base):
    __tablename__ = "bo_crew_logs"
    __table_args__ = (Index("ix_bo_crew_logs_uprn_day", "uprn", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uprn: Mapped[str] = mapped_column(ForeignKey("bo_properties.uprn"))
    day: Mapped[date]
    bin_type: Mapped[str] = mapped_column(String(16))
    round_id: Mapped[str] = mapped_column(ForeignKey("bo_rounds.round_id"))
    outcome: Mapped[str] = mapped_column(String(20))
    logged_at: Mapped[datetime] = mapped_column(AwareDateTime(zone=LONDON))
    note: Mapped[str] = mapped_column(String(255), default="")


class SequenceRow(Base):
    """Counters behind references (BDC-, BW-): bumped with UPDATE ... RETURNING,
    which serialises concurrent writers on both backends."""

    __tablename__ = "bo_sequences"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class CaseRow(Base):
    __tablename__ = "bo_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    case_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owning_team: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(zone=LONDON))
    target_date: Mapped[date]
    uprn: Mapped[str | None] = mapped_column(ForeignKey("bo_properties.uprn"), index=True)
    resident_id: Mapped[str | None] = mapped_column(
        ForeignKey("bo_residents.resident_id"), index=True
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    bin_type: Mapped[str | None] = mapped_column(String(16))
    service_date: Mapped[date | None]
    channel: Mapped[str] = mapped_column(String(20), default="bot")
    location: Mapped[str] = mapped_column(String(200), default="", server_default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    external_reference: Mapped[str | None] = mapped_column(String(64))


class CaseEventRow(Base):
    __tablename__ = "bo_case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("bo_cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(AwareDateTime(zone=LONDON))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(60), default="system")


class CouncilTaxAccountRow(Base):
    __tablename__ = "bo_council_tax_accounts"
    reference: Mapped[str] = mapped_column(String(10), primary_key=True)
    uprn: Mapped[str] = mapped_column(ForeignKey("bo_properties.uprn"), index=True)
    band: Mapped[str] = mapped_column(String(1))
    financial_year: Mapped[str] = mapped_column(String(7))
    annual_charge_pence: Mapped[int] = mapped_column(Integer)
    balance_pence: Mapped[int] = mapped_column(Integer)
    payment_method: Mapped[str] = mapped_column(String(20))
    recovery_stage: Mapped[str] = mapped_column(String(20))
    next_instalment_on: Mapped[date | None]
    next_instalment_pence: Mapped[int | None] = mapped_column(Integer)
    instalments_remaining: Mapped[int] = mapped_column(Integer)
    receives_support: Mapped[bool]
    discounts: Mapped[str] = mapped_column(String(255), default="")  # "; "-separated


class CouncilTaxHolderRow(Base):
    __tablename__ = "bo_council_tax_holders"
    reference: Mapped[str] = mapped_column(
        ForeignKey("bo_council_tax_accounts.reference"), primary_key=True
    )
    resident_id: Mapped[str] = mapped_column(
        ForeignKey("bo_residents.resident_id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class CouncilTaxPaymentRow(Base):
    __tablename__ = "bo_council_tax_payments"
    __table_args__ = (Index("ix_bo_council_tax_payments_ref_day", "reference", "paid_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(ForeignKey("bo_council_tax_accounts.reference"))
    paid_on: Mapped[date]
    amount_pence: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))


class RentAccountRow(Base):
    __tablename__ = "bo_rent_accounts"
    tenancy_reference: Mapped[str] = mapped_column(String(10), primary_key=True)
    uprn: Mapped[str] = mapped_column(ForeignKey("bo_properties.uprn"), index=True)
    tenancy_start: Mapped[date]
    weekly_rent_pence: Mapped[int] = mapped_column(Integer)
    balance_pence: Mapped[int] = mapped_column(Integer)
    payment_method: Mapped[str] = mapped_column(String(20))


class TenantRow(Base):
    __tablename__ = "bo_tenants"
    tenancy_reference: Mapped[str] = mapped_column(
        ForeignKey("bo_rent_accounts.tenancy_reference"), primary_key=True
    )
    resident_id: Mapped[str] = mapped_column(
        ForeignKey("bo_residents.resident_id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class RentTransactionRow(Base):
    __tablename__ = "bo_rent_transactions"
    __table_args__ = (Index("ix_bo_rent_transactions_ref_day", "tenancy_reference", "posted_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenancy_reference: Mapped[str] = mapped_column(ForeignKey("bo_rent_accounts.tenancy_reference"))
    posted_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    amount_pence: Mapped[int] = mapped_column(Integer)
    balance_after_pence: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(120))


class PlanningApplicationRow(Base):
    __tablename__ = "bo_planning_applications"
    reference: Mapped[str] = mapped_column(String(14), primary_key=True)
    application_type: Mapped[str] = mapped_column(String(3))
    site_address: Mapped[str] = mapped_column(String(255))
    postcode: Mapped[str] = mapped_column(String(8), index=True)
    uprn: Mapped[str | None] = mapped_column(ForeignKey("bo_properties.uprn"))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24))
    received_on: Mapped[date] = mapped_column(index=True)
    validated_on: Mapped[date | None]
    target_decision_on: Mapped[date | None]
    decision: Mapped[str | None] = mapped_column(String(24))
    decided_on: Mapped[date | None]
    case_officer: Mapped[str] = mapped_column(String(60))
    ward: Mapped[str] = mapped_column(String(60))


class BulkyItemTypeRow(Base):
    __tablename__ = "bo_bulky_item_types"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    counts_as: Mapped[int] = mapped_column(Integer, default=1)


class BulkyPriceListRow(Base):
    """One row (id 1): the current tariff."""

    __tablename__ = "bo_bulky_price_list"
    id: Mapped[int] = mapped_column(primary_key=True)
    base_pence: Mapped[int] = mapped_column(Integer)
    base_items: Mapped[int] = mapped_column(Integer)
    extra_item_pence: Mapped[int] = mapped_column(Integer)
    max_items: Mapped[int] = mapped_column(Integer)
    concession_percent: Mapped[int] = mapped_column(Integer)


class BulkySlotRow(Base):
    __tablename__ = "bo_bulky_slots"
    __table_args__ = (
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        Index("ix_bo_bulky_slots_area_day", "area", "day"),
    )
    slot_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date]
    area: Mapped[str] = mapped_column(String(5))
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class BulkyBookingRow(Base):
    __tablename__ = "bo_bulky_bookings"
    reference: Mapped[str] = mapped_column(String(10), primary_key=True)
    uprn: Mapped[str] = mapped_column(ForeignKey("bo_properties.uprn"), index=True)
    resident_id: Mapped[str | None] = mapped_column(ForeignKey("bo_residents.resident_id"))
    slot_id: Mapped[str] = mapped_column(ForeignKey("bo_bulky_slots.slot_id"), index=True)
    collection_day: Mapped[date]
    price_pence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    booked_at: Mapped[datetime] = mapped_column(AwareDateTime(zone=LONDON))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    concession_reason: Mapped[str | None] = mapped_column(String(60))
    concession_percent: Mapped[int | None] = mapped_column(Integer)
    payment_reference: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str] = mapped_column(Text, default="")  # newline-separated


class BulkyBookingLineRow(Base):
    __tablename__ = "bo_bulky_booking_lines"
    reference: Mapped[str] = mapped_column(
        ForeignKey("bo_bulky_bookings.reference"), primary_key=True
    )
    code: Mapped[str] = mapped_column(ForeignKey("bo_bulky_item_types.code"), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))  # as priced at booking time
    quantity: Mapped[int] = mapped_column(Integer)


class BulkyHoldRow(Base):
    """A place held while the resident pays (issue #16): it already counts in
    ``bo_bulky_slots.booked``; booking it takes no second place, releasing it
    gives the place back."""

    __tablename__ = "bo_bulky_holds"
    __table_args__ = (Index("ix_bo_bulky_holds_status_expires_at", "status", "expires_at"),)
    hold_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    uprn: Mapped[str] = mapped_column(ForeignKey("bo_properties.uprn"))
    resident_id: Mapped[str | None] = mapped_column(ForeignKey("bo_residents.resident_id"))
    slot_id: Mapped[str] = mapped_column(ForeignKey("bo_bulky_slots.slot_id"), index=True)
    collection_day: Mapped[date]
    lines: Mapped[str] = mapped_column(Text)  # JSON: [{code, name, quantity}]
    price_pence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    held_at: Mapped[datetime] = mapped_column(AwareDateTime(zone=LONDON))
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime(zone=LONDON))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    concession_reason: Mapped[str | None] = mapped_column(String(60))
    concession_percent: Mapped[int | None] = mapped_column(Integer)
    booking_reference: Mapped[str | None] = mapped_column(String(10))
