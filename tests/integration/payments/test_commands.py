"""`frontdoor payments sweep` and `list` on a real database, by the system clock
the commands read: a payment started long ago (the scenario's April) is overdue."""

from __future__ import annotations

from datetime import timedelta

from typer.testing import CliRunner

from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.db import make_session_factory
from payments.cli import app
from payments.demo import DemoPay
from payments.journey import Payments
from tests.contract import backoffice_scenario as s
from tests.integration.payments.conftest import ORDER, MovingClock


def test_the_commands(sqlite_database, monkeypatch):  # type: ignore[no-untyped-def]
    engine = sqlite_database.engine
    _clock, bulky, started = _one_payment_started(engine, "conv-1")
    monkeypatch.setenv("FRONTDOOR_DATABASE_URL", sqlite_database.url)
    monkeypatch.delenv("FRONTDOOR_PAYMENTS_PROVIDER", raising=False)
    runner = CliRunner()
    listed = runner.invoke(app, ["list"])
    assert listed.exit_code == 0 and f"{started.reference}\tpending\tdemo\t2800p" in listed.output
    swept = runner.invoke(app, ["sweep"])
    assert swept.exit_code == 0 and "settled 1 payment(s)" in swept.output
    assert f"{started.reference}\texpired" in runner.invoke(app, ["list"]).output
    assert bulky.get_hold(_hold_of(engine, started.reference)).status == "released"
    assert "settled 0" in runner.invoke(app, ["sweep"]).output  # nothing twice
    monkeypatch.setenv("FRONTDOOR_PAYMENTS_PROVIDER", "govuk-pay")
    monkeypatch.delenv("FRONTDOOR_GOVUK_PAY_API_KEY", raising=False)
    refused = runner.invoke(app, ["sweep"])
    assert refused.exit_code != 0 and "FRONTDOOR_GOVUK_PAY_API_KEY" in refused.output


def _hold_of(engine, reference: str) -> str:  # type: ignore[no-untyped-def]
    from payments import store

    found = store.get(engine, reference)
    assert found is not None and found.hold_id
    return found.hold_id


def test_the_scheduler_sweeps_overdue_holds_without_a_command(sqlite_database, monkeypatch):  # type: ignore[no-untyped-def]
    """The stack's scheduler runs the same sweep (``payments.jobs``) by the clock it is given."""
    from payments.jobs import sweep_job

    engine = sqlite_database.engine
    clock, bulky, started = _one_payment_started(engine, "conv-2")
    monkeypatch.delenv("FRONTDOOR_PAYMENTS_PROVIDER", raising=False)
    job = sweep_job(every=timedelta(minutes=5))
    assert job.run(engine, clock) == "settled 0 payment(s) whose hold had expired"  # still held
    clock.advance(hours=2)
    assert job.run(engine, clock) == "settled 1 payment(s) whose hold had expired"
    assert bulky.get_hold(_hold_of(engine, started.reference)).status == "released"
    assert job.run(engine, clock) == "settled 0 payment(s) whose hold had expired"  # nothing twice


def _one_payment_started(engine, key: str):  # type: ignore[no-untyped-def]
    """The scenario's world, a clock the test moves, and one bulky payment under way."""
    with make_session_factory(engine).begin() as session:
        s.load_scenario(SqlLoader(session))
    clock = MovingClock()
    bulky = demo_backoffice(engine).bulky
    demo = DemoPay(engine, page_url="https://c.test/pay/demo", clock=clock)
    service = Payments(engine, demo, bulky, clock=clock, return_url="https://c.test/pay/return")
    return clock, bulky, service.start_bulky(ORDER, idempotency_key=key)
