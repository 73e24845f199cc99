"""Finding 6 (issue #10): sign-in throttling that cannot be turned against staff.

Throttling counts failures per (account, client), per client, and per account;
the per-account limit only delays (never more than ACCOUNT_MAX_DELAY), and a
client that signed in to the account from the same address lately skips it.
Times come from the ``now`` the test passes: no sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontdoor.accounts import service
from frontdoor.accounts.exceptions import InvalidCredentials, LoginThrottled
from frontdoor.accounts.roles import Role
from frontdoor.db import make_session_factory

PASSWORD = "correct horse battery"
EMAIL = "ed@example.org"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def factory(database):
    factory = make_session_factory(database.engine)
    with factory() as db:
        service.create_user(
            db, email=EMAIL, display_name="Ed Itor", password=PASSWORD, roles=(Role.EDITOR,)
        )
        db.commit()
    return factory


def fail(db, *, client_ip: str, now: datetime, email: str = EMAIL) -> None:
    with pytest.raises(InvalidCredentials):
        service.authenticate(db, email=email, password="wrong", client_ip=client_ip, now=now)


def guess_from_many_addresses(db, count: int, *, start: datetime, already: int = 0) -> datetime:
    """``count`` wrong guesses, each from a new address, about as fast as the account allows."""
    now = start
    for n in range(count):
        now += service.account_delay(already + n)
        fail(db, client_ip=f"198.51.{n // 250}.{n % 250}", now=now)
    return now


def test_five_anonymous_guesses_do_not_lock_the_owner_out_of_their_own_client(factory):
    with factory() as db:
        for _ in range(service.MAX_FAILURES_PER_CLIENT_ACCOUNT):
            fail(db, client_ip="198.51.100.66", now=T0)
        with pytest.raises(LoginThrottled):
            service.authenticate(
                db, email=EMAIL, password=PASSWORD, client_ip="198.51.100.66", now=T0
            )
        assert service.authenticate(
            db, email=EMAIL, password=PASSWORD, client_ip="203.0.113.10", now=T0
        )


def test_the_pair_limit_says_when_to_come_back(factory):
    with factory() as db:
        for minute in range(service.MAX_FAILURES_PER_CLIENT_ACCOUNT):
            fail(db, client_ip="198.51.100.66", now=T0 + timedelta(minutes=minute))
        now = T0 + timedelta(minutes=5)
        with pytest.raises(LoginThrottled) as throttled:
            service.authenticate(
                db, email=EMAIL, password=PASSWORD, client_ip="198.51.100.66", now=now
            )
        # the oldest failure leaves the 15-minute window 10 minutes from now
        assert throttled.value.retry_after == 10 * 60
        assert "10 minutes" in throttled.value.message
        back = now + timedelta(seconds=throttled.value.retry_after)
        assert service.authenticate(
            db, email=EMAIL, password=PASSWORD, client_ip="198.51.100.66", now=back
        )


def test_guessing_from_many_addresses_is_slowed_not_locked(factory):
    with factory() as db:
        now = guess_from_many_addresses(db, service.ACCOUNT_FREE_FAILURES, start=T0)
        # every further attempt for the account waits, whichever address it comes from
        with pytest.raises(LoginThrottled) as throttled:
            service.authenticate(
                db, email=EMAIL, password=PASSWORD, client_ip="203.0.113.10", now=now
            )
        assert throttled.value.retry_after == 1
        now = guess_from_many_addresses(db, 8, start=now, already=service.ACCOUNT_FREE_FAILURES)
        with pytest.raises(LoginThrottled) as slowed:
            service.authenticate(
                db, email=EMAIL, password=PASSWORD, client_ip="203.0.113.10", now=now
            )
        assert 1 < slowed.value.retry_after <= service.ACCOUNT_MAX_DELAY.total_seconds()
        assert service.account_delay(10_000) == service.ACCOUNT_MAX_DELAY
        # a delay, not a lock: after it the owner signs in
        later = now + timedelta(seconds=slowed.value.retry_after)
        assert service.authenticate(
            db, email=EMAIL, password=PASSWORD, client_ip="203.0.113.10", now=later
        )


def test_a_client_that_signed_in_lately_skips_the_account_delay(factory):
    with factory() as db:
        service.authenticate(
            db, email=EMAIL, password=PASSWORD, client_ip="203.0.113.10", now=T0 - timedelta(days=1)
        )
        now = guess_from_many_addresses(db, service.ACCOUNT_FREE_FAILURES + 3, start=T0)
        with pytest.raises(LoginThrottled):
            service.authenticate(
                db, email=EMAIL, password=PASSWORD, client_ip="203.0.113.11", now=now
            )
        assert service.authenticate(
            db, email=EMAIL, password=PASSWORD, client_ip="203.0.113.10", now=now
        )


def test_one_client_guessing_across_accounts_is_stopped(factory):
    with factory() as db:
        for n in range(service.MAX_FAILURES_PER_CLIENT):
            fail(db, client_ip="198.51.100.66", now=T0, email=f"user{n}@example.org")
        with pytest.raises(LoginThrottled):
            service.authenticate(
                db, email=EMAIL, password=PASSWORD, client_ip="198.51.100.66", now=T0
            )
        assert service.authenticate(
            db, email=EMAIL, password=PASSWORD, client_ip="203.0.113.10", now=T0
        )
