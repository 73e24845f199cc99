"""The payment pages on the council's website (the knowledge service's real app),
SQLite and PostgreSQL: the demo page says it is a demo, in English and Welsh;
paying returns to a page that books once however often it is reloaded; a
decline releases the place; bad input is a clear 4xx; anonymous writes are
rate-limited."""

from __future__ import annotations

import html

import pytest

from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.db import make_session_factory
from payments.demo import DemoPay
from payments.journey import Payments
from payments.settings import PaymentsSettings
from tests.contract import backoffice_scenario as s
from tests.integration.knowledge.conftest import client, settings  # noqa: F401
from tests.integration.payments.conftest import ORDER, MovingClock

HTML = {"accept": "text/html"}


@pytest.fixture
def payments(client, database):  # type: ignore[no-untyped-def]  # noqa: F811
    with make_session_factory(database.engine).begin() as session:
        s.load_scenario(SqlLoader(session))
    clock = MovingClock()
    demo = DemoPay(database.engine, page_url="http://testserver/pay/demo", clock=clock)
    service = Payments(
        database.engine,
        demo,
        demo_backoffice(database.engine).bulky,
        clock=clock,
        return_url="http://testserver/pay/return",
    )
    client.app.state.payments = service
    client.app.state.payments_settings = PaymentsSettings.load({})
    return service


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_pay_on_the_demo_page_and_come_back_booked_once(client, payments) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    started = payments.start_bulky(ORDER, idempotency_key="conv-1")
    page = client.get(_path(started.next_url), headers=HTML)
    assert page.status_code == 200
    assert "This is a demo: no money is taken." in page.text
    assert "£28.00" in page.text and "Bulky waste collection (1 item)" in page.text
    back = client.post(_path(started.next_url), data={"choice": "pay"}, follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"] == f"http://testserver/pay/return/{started.reference}"
    done = client.get(f"/pay/return/{started.reference}", headers=HTML)
    assert done.status_code == 200 and "Your collection is booked" in done.text
    booking = done.text.split("Your booking reference is ")[1][:9]
    assert booking.startswith("BW-") and "Wednesday 22 April 2026" in done.text
    for _ in range(2):  # reloading shows the same booking and books nothing more
        again = client.get(f"/pay/return/{started.reference}", headers=HTML)
        assert booking in again.text
    bookings = demo_backoffice(payments._engine).bulky.bookings_for_property(s.HOME)
    assert [b.reference for b in bookings].count(booking) == 1
    # the demo page of a finished payment says so and offers the way back
    finished = client.get(_path(started.next_url), headers=HTML)
    assert "This payment has already finished." in finished.text


def test_welsh_decline_releases_the_place(client, payments) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    order = ORDER.__class__(**{**ORDER.__dict__, "language": "cy"})
    started = payments.start_bulky(order, idempotency_key="conv-cy")
    page = client.get(_path(started.next_url), headers=HTML)
    assert 'lang="cy"' in page.text and "Demo yw hwn: ni chymerir unrhyw arian." in page.text
    client.post(_path(started.next_url), data={"choice": "decline"}, follow_redirects=False)
    done = client.get(f"/pay/return/{started.reference}", headers=HTML)
    text = html.unescape(done.text)
    assert "Ni chymerwyd eich taliad" in text and "Mae'r slot wedi'i ryddhau" in text
    day = s.at(s.EASTER_WEDNESDAY, 10).date().replace(day=22)
    left = demo_backoffice(payments._engine).bulky.available_slots(s.HOME, start=day, end=day)
    assert [slot.booked for slot in left] == [2]  # given back


def test_bad_input_is_a_clear_answer_never_a_500(client, payments) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    started = payments.start_bulky(ORDER, idempotency_key="conv-1")
    path = _path(started.next_url)
    assert client.get("/pay/return/FD000000000000", headers=HTML).status_code == 404
    assert client.get("/pay/return/not-a-ref!", headers=HTML).status_code == 404
    assert client.get("/pay/demo/nosuchpayment", headers=HTML).status_code == 404
    assert client.get("/pay/demo/" + "x" * 40, headers=HTML).status_code == 404
    wrong = client.post(path, data={"choice": "steal"}, follow_redirects=False)
    assert wrong.status_code == 422 and "Choose pay, decline or cancel." in wrong.text
    # the query string is never trusted: "?status=success" books nothing
    fake = client.get(f"/pay/return/{started.reference}?status=success", headers=HTML)
    assert "Your payment is being processed" in fake.text and "BW-" not in fake.text


def test_anonymous_writes_are_rate_limited(client, payments) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client.app.state.payments_settings = PaymentsSettings.load(
        {}, payments_limit_return="3/minute", payments_limit_demo="2/minute"
    )
    started = payments.start_bulky(ORDER, idempotency_key="conv-1")
    codes = [
        client.get(f"/pay/return/{started.reference}", headers=HTML).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    path = _path(started.next_url)
    posts = [
        client.post(path, data={"choice": "x"}, follow_redirects=False).status_code
        for _ in range(3)
    ]
    assert posts == [422, 422, 429]
