"""backoffice: the demo council back office (bo_* tables) and bank holidays 2026-2027

Revision ID: bo0001
Revises:
Create Date: 2026-01-05

Hand-checked autogenerate output of backoffice.models. Times are
``DateTime(timezone=True)`` (timestamptz on PostgreSQL; UTC text on SQLite,
see models.AwareDateTime). The England and Wales bank holidays are national
reference data the collection calendar depends on, so they ship with the
schema; they are copied here, not imported, so this revision never changes.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "bo0001"
down_revision = None
branch_labels = ("backoffice",)
depends_on = None

BANK_HOLIDAYS = (
    ("2026-01-01", "New Year's Day"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-04", "Early May bank holiday"),
    ("2026-05-25", "Spring bank holiday"),
    ("2026-08-31", "Summer bank holiday"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-28", "Boxing Day (substitute day)"),
    ("2027-01-01", "New Year's Day"),
    ("2027-03-26", "Good Friday"),
    ("2027-03-29", "Easter Monday"),
    ("2027-05-03", "Early May bank holiday"),
    ("2027-05-31", "Spring bank holiday"),
    ("2027-08-30", "Summer bank holiday"),
    ("2027-12-27", "Christmas Day (substitute day)"),
    ("2027-12-28", "Boxing Day (substitute day)"),
)


def upgrade() -> None:
    op.create_table(
        "bo_bank_holidays",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_bo_bank_holidays")),
    )
    op.create_table(
        "bo_bulky_item_types",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("counts_as", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_bo_bulky_item_types")),
    )
    op.create_table(
        "bo_bulky_price_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base_pence", sa.Integer(), nullable=False),
        sa.Column("base_items", sa.Integer(), nullable=False),
        sa.Column("extra_item_pence", sa.Integer(), nullable=False),
        sa.Column("max_items", sa.Integer(), nullable=False),
        sa.Column("concession_percent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bo_bulky_price_list")),
    )
    op.create_table(
        "bo_bulky_slots",
        sa.Column("slot_id", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("area", sa.String(length=5), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "booked >= 0 AND booked <= capacity",
            name=op.f("ck_bo_bulky_slots_booked_within_capacity"),
        ),
        sa.PrimaryKeyConstraint("slot_id", name=op.f("pk_bo_bulky_slots")),
    )
    op.create_index("ix_bo_bulky_slots_area_day", "bo_bulky_slots", ["area", "day"], unique=False)
    op.create_table(
        "bo_disruptions",
        sa.Column("disruption_id", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("areas", sa.String(length=255), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("bin_types", sa.String(length=60), nullable=False),
        sa.Column("catch_up_day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("disruption_id", name=op.f("pk_bo_disruptions")),
    )
    op.create_index(
        op.f("ix_bo_disruptions_starts_on"), "bo_disruptions", ["starts_on"], unique=False
    )
    op.create_table(
        "bo_properties",
        sa.Column("uprn", sa.String(length=12), nullable=False),
        sa.Column("address_line_1", sa.String(length=120), nullable=False),
        sa.Column("address_line_2", sa.String(length=120), nullable=True),
        sa.Column("address_line_3", sa.String(length=120), nullable=True),
        sa.Column("town", sa.String(length=60), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("ward", sa.String(length=60), nullable=False),
        sa.Column("sort_key", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("uprn", name=op.f("pk_bo_properties")),
    )
    op.create_index(op.f("ix_bo_properties_postcode"), "bo_properties", ["postcode"], unique=False)
    op.create_table(
        "bo_rounds",
        sa.Column("round_id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("bin_types", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_bo_rounds")),
    )
    op.create_table(
        "bo_sequences",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_bo_sequences")),
    )
    op.create_table(
        "bo_bin_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=False),
        sa.Column("bin_type", sa.String(length=16), nullable=False),
        sa.Column("round_id", sa.String(length=20), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("week_parity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["bo_rounds.round_id"], name=op.f("fk_bo_bin_services_round_id_bo_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["uprn"], ["bo_properties.uprn"], name=op.f("fk_bo_bin_services_uprn_bo_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bo_bin_services")),
        sa.UniqueConstraint("uprn", "bin_type", name=op.f("uq_bo_bin_services_uprn")),
    )
    op.create_table(
        "bo_council_tax_accounts",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=False),
        sa.Column("band", sa.String(length=1), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("annual_charge_pence", sa.Integer(), nullable=False),
        sa.Column("balance_pence", sa.Integer(), nullable=False),
        sa.Column("payment_method", sa.String(length=20), nullable=False),
        sa.Column("recovery_stage", sa.String(length=20), nullable=False),
        sa.Column("next_instalment_on", sa.Date(), nullable=True),
        sa.Column("next_instalment_pence", sa.Integer(), nullable=True),
        sa.Column("instalments_remaining", sa.Integer(), nullable=False),
        sa.Column("receives_support", sa.Boolean(), nullable=False),
        sa.Column("discounts", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["uprn"],
            ["bo_properties.uprn"],
            name=op.f("fk_bo_council_tax_accounts_uprn_bo_properties"),
        ),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_bo_council_tax_accounts")),
    )
    op.create_index(
        op.f("ix_bo_council_tax_accounts_uprn"), "bo_council_tax_accounts", ["uprn"], unique=False
    )
    op.create_table(
        "bo_crew_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bin_type", sa.String(length=16), nullable=False),
        sa.Column("round_id", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["bo_rounds.round_id"], name=op.f("fk_bo_crew_logs_round_id_bo_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["uprn"], ["bo_properties.uprn"], name=op.f("fk_bo_crew_logs_uprn_bo_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bo_crew_logs")),
    )
    op.create_index("ix_bo_crew_logs_uprn_day", "bo_crew_logs", ["uprn", "day"], unique=False)
    op.create_table(
        "bo_planning_applications",
        sa.Column("reference", sa.String(length=14), nullable=False),
        sa.Column("application_type", sa.String(length=3), nullable=False),
        sa.Column("site_address", sa.String(length=255), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("validated_on", sa.Date(), nullable=True),
        sa.Column("target_decision_on", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=24), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("case_officer", sa.String(length=60), nullable=False),
        sa.Column("ward", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["uprn"],
            ["bo_properties.uprn"],
            name=op.f("fk_bo_planning_applications_uprn_bo_properties"),
        ),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_bo_planning_applications")),
    )
    op.create_index(
        op.f("ix_bo_planning_applications_postcode"),
        "bo_planning_applications",
        ["postcode"],
        unique=False,
    )
    op.create_index(
        op.f("ix_bo_planning_applications_received_on"),
        "bo_planning_applications",
        ["received_on"],
        unique=False,
    )
    op.create_table(
        "bo_rent_accounts",
        sa.Column("tenancy_reference", sa.String(length=10), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=False),
        sa.Column("tenancy_start", sa.Date(), nullable=False),
        sa.Column("weekly_rent_pence", sa.Integer(), nullable=False),
        sa.Column("balance_pence", sa.Integer(), nullable=False),
        sa.Column("payment_method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["uprn"], ["bo_properties.uprn"], name=op.f("fk_bo_rent_accounts_uprn_bo_properties")
        ),
        sa.PrimaryKeyConstraint("tenancy_reference", name=op.f("pk_bo_rent_accounts")),
    )
    op.create_index(op.f("ix_bo_rent_accounts_uprn"), "bo_rent_accounts", ["uprn"], unique=False)
    op.create_table(
        "bo_residents",
        sa.Column("resident_id", sa.String(length=20), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=False),
        sa.Column("forename", sa.String(length=60), nullable=False),
        sa.Column("surname", sa.String(length=60), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["uprn"], ["bo_properties.uprn"], name=op.f("fk_bo_residents_uprn_bo_properties")
        ),
        sa.PrimaryKeyConstraint("resident_id", name=op.f("pk_bo_residents")),
    )
    op.create_index(op.f("ix_bo_residents_uprn"), "bo_residents", ["uprn"], unique=False)
    op.create_table(
        "bo_round_runs",
        sa.Column("round_id", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["bo_rounds.round_id"], name=op.f("fk_bo_round_runs_round_id_bo_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", "day", name=op.f("pk_bo_round_runs")),
    )
    op.create_table(
        "bo_bulky_bookings",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=False),
        sa.Column("resident_id", sa.String(length=20), nullable=True),
        sa.Column("slot_id", sa.String(length=20), nullable=False),
        sa.Column("collection_day", sa.Date(), nullable=False),
        sa.Column("price_pence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("concession_reason", sa.String(length=60), nullable=True),
        sa.Column("concession_percent", sa.Integer(), nullable=True),
        sa.Column("payment_reference", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["bo_residents.resident_id"],
            name=op.f("fk_bo_bulky_bookings_resident_id_bo_residents"),
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["bo_bulky_slots.slot_id"],
            name=op.f("fk_bo_bulky_bookings_slot_id_bo_bulky_slots"),
        ),
        sa.ForeignKeyConstraint(
            ["uprn"], ["bo_properties.uprn"], name=op.f("fk_bo_bulky_bookings_uprn_bo_properties")
        ),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_bo_bulky_bookings")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_bo_bulky_bookings_idempotency_key")),
    )
    op.create_index(
        op.f("ix_bo_bulky_bookings_slot_id"), "bo_bulky_bookings", ["slot_id"], unique=False
    )
    op.create_index(op.f("ix_bo_bulky_bookings_uprn"), "bo_bulky_bookings", ["uprn"], unique=False)
    op.create_table(
        "bo_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("case_type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owning_team", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=True),
        sa.Column("resident_id", sa.String(length=20), nullable=True),
        sa.Column("idempotency_key", sa.String(length=120), nullable=True),
        sa.Column("bin_type", sa.String(length=16), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["bo_residents.resident_id"],
            name=op.f("fk_bo_cases_resident_id_bo_residents"),
        ),
        sa.ForeignKeyConstraint(
            ["uprn"], ["bo_properties.uprn"], name=op.f("fk_bo_cases_uprn_bo_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bo_cases")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_bo_cases_idempotency_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_bo_cases_reference")),
    )
    op.create_index(op.f("ix_bo_cases_resident_id"), "bo_cases", ["resident_id"], unique=False)
    op.create_index(op.f("ix_bo_cases_status"), "bo_cases", ["status"], unique=False)
    op.create_index(op.f("ix_bo_cases_uprn"), "bo_cases", ["uprn"], unique=False)
    op.create_table(
        "bo_council_tax_holders",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("resident_id", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["bo_council_tax_accounts.reference"],
            name=op.f("fk_bo_council_tax_holders_reference_bo_council_tax_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["bo_residents.resident_id"],
            name=op.f("fk_bo_council_tax_holders_resident_id_bo_residents"),
        ),
        sa.PrimaryKeyConstraint("reference", "resident_id", name=op.f("pk_bo_council_tax_holders")),
    )
    op.create_index(
        op.f("ix_bo_council_tax_holders_resident_id"),
        "bo_council_tax_holders",
        ["resident_id"],
        unique=False,
    )
    op.create_table(
        "bo_council_tax_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["bo_council_tax_accounts.reference"],
            name=op.f("fk_bo_council_tax_payments_reference_bo_council_tax_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bo_council_tax_payments")),
    )
    op.create_index(
        "ix_bo_council_tax_payments_ref_day",
        "bo_council_tax_payments",
        ["reference", "paid_on"],
        unique=False,
    )
    op.create_table(
        "bo_rent_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenancy_reference", sa.String(length=10), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("balance_after_pence", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenancy_reference"],
            ["bo_rent_accounts.tenancy_reference"],
            name=op.f("fk_bo_rent_transactions_tenancy_reference_bo_rent_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bo_rent_transactions")),
    )
    op.create_index(
        "ix_bo_rent_transactions_ref_day",
        "bo_rent_transactions",
        ["tenancy_reference", "posted_on"],
        unique=False,
    )
    op.create_table(
        "bo_tenants",
        sa.Column("tenancy_reference", sa.String(length=10), nullable=False),
        sa.Column("resident_id", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["bo_residents.resident_id"],
            name=op.f("fk_bo_tenants_resident_id_bo_residents"),
        ),
        sa.ForeignKeyConstraint(
            ["tenancy_reference"],
            ["bo_rent_accounts.tenancy_reference"],
            name=op.f("fk_bo_tenants_tenancy_reference_bo_rent_accounts"),
        ),
        sa.PrimaryKeyConstraint("tenancy_reference", "resident_id", name=op.f("pk_bo_tenants")),
    )
    op.create_index(op.f("ix_bo_tenants_resident_id"), "bo_tenants", ["resident_id"], unique=False)
    op.create_table(
        "bo_bulky_booking_lines",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["bo_bulky_item_types.code"],
            name=op.f("fk_bo_bulky_booking_lines_code_bo_bulky_item_types"),
        ),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["bo_bulky_bookings.reference"],
            name=op.f("fk_bo_bulky_booking_lines_reference_bo_bulky_bookings"),
        ),
        sa.PrimaryKeyConstraint("reference", "code", name=op.f("pk_bo_bulky_booking_lines")),
    )
    op.create_table(
        "bo_case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["bo_cases.id"], name=op.f("fk_bo_case_events_case_id_bo_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bo_case_events")),
    )
    op.create_index(op.f("ix_bo_case_events_case_id"), "bo_case_events", ["case_id"], unique=False)
    holidays = sa.table("bo_bank_holidays", sa.column("day", sa.Date), sa.column("name", sa.String))
    op.bulk_insert(
        holidays, [{"day": date.fromisoformat(day), "name": name} for day, name in BANK_HOLIDAYS]
    )
    sequences = sa.table(
        "bo_sequences", sa.column("name", sa.String), sa.column("value", sa.Integer)
    )
    op.bulk_insert(
        sequences, [{"name": "case", "value": 100000}, {"name": "bulky", "value": 200000}]
    )


def downgrade() -> None:
    op.drop_table("bo_case_events")
    op.drop_table("bo_bulky_booking_lines")
    op.drop_table("bo_tenants")
    op.drop_table("bo_rent_transactions")
    op.drop_table("bo_council_tax_payments")
    op.drop_table("bo_council_tax_holders")
    op.drop_table("bo_cases")
    op.drop_table("bo_bulky_bookings")
    op.drop_table("bo_round_runs")
    op.drop_table("bo_residents")
    op.drop_table("bo_rent_accounts")
    op.drop_table("bo_planning_applications")
    op.drop_table("bo_crew_logs")
    op.drop_table("bo_council_tax_accounts")
    op.drop_table("bo_bin_services")
    op.drop_table("bo_sequences")
    op.drop_table("bo_rounds")
    op.drop_table("bo_properties")
    op.drop_table("bo_disruptions")
    op.drop_table("bo_bulky_slots")
    op.drop_table("bo_bulky_price_list")
    op.drop_table("bo_bulky_item_types")
    op.drop_table("bo_bank_holidays")
