"""The shared rate limiters in memory, with a clock the test moves.

Both ``MemoryRateLimiter`` (ours, one process) and ``LimitsRateLimiter`` on
``limits``' memory storage (the same code as on Redis) must count alike.
``limits`` reads ``time.time()`` in its memory storage; the ``clock`` fixture
swaps that module's ``time`` (and ours) for a fake, so windows pass without
sleeping.
"""

from __future__ import annotations

import secrets
import threading
from types import SimpleNamespace

import pytest
from starlette.requests import Request

import frontdoor.ratelimit as ratelimit
from frontdoor.exceptions import ConfigurationError
from frontdoor.ratelimit import (
    Check,
    LimitsRateLimiter,
    MemoryRateLimiter,
    RateLimited,
    RateLimiter,
    client_address,
    client_key,
    limiter_for,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    import limits.storage.memory as memory

    fake = Clock()
    monkeypatch.setattr(memory, "time", SimpleNamespace(time=fake.time))
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=fake.time))
    return fake


@pytest.fixture(params=["in-process", "limits"])
def limiter(request: pytest.FixtureRequest, clock: Clock) -> RateLimiter:
    if request.param == "limits":
        return LimitsRateLimiter(salt="unit-test-salt")
    return MemoryRateLimiter(salt="unit-test-salt")


def _stored_keys(limiter: RateLimiter) -> list[str]:
    if isinstance(limiter, MemoryRateLimiter):
        return [key for _, _, key in limiter.windows]
    return [str(key) for key in limiter.storage.events]  # type: ignore[attr-defined]


def test_the_limit_allows_n_then_refuses_with_the_wait(limiter, clock):
    check = Check("3/minute", "test:writes", "203.0.113.7")
    for _ in range(3):
        limiter.hit(check)
        clock.advance(10)
    with pytest.raises(RateLimited) as refused:
        limiter.hit(check)
    # the first hit leaves the moving window 60 s after it was made: 30 s from now
    assert refused.value.retry_after == 30
    assert refused.value.code == "rate_limited"
    assert "wait 30 seconds" in refused.value.message


def test_the_window_moves_on_with_the_clock(limiter, clock):
    check = Check("2/minute", "test:writes", "203.0.113.7")
    limiter.hit(check)
    clock.advance(30)
    limiter.hit(check)
    assert not limiter.allows(check)
    clock.advance(31)  # the first hit is now more than a minute old
    assert limiter.allows(check)
    assert not limiter.allows(check)


def test_a_refused_write_consumes_nothing(limiter, clock):
    tight = Check("1/minute", "test:a", "client")
    loose = Check("2/minute", "test:b", "client")
    limiter.hit(tight, loose)
    for _ in range(5):
        assert not limiter.allows(tight, loose)
    # the loose count still holds one write: it was not consumed by the refusals
    limiter.hit(loose)
    assert not limiter.allows(loose)


def test_several_limits_in_one_setting_all_apply(limiter, clock):
    check = Check("2/second;3/minute", "test:writes", "client")
    limiter.hit(check)
    limiter.hit(check)
    with pytest.raises(RateLimited) as per_second:
        limiter.hit(check)
    assert per_second.value.retry_after == 1
    clock.advance(2)
    limiter.hit(check)
    with pytest.raises(RateLimited) as per_minute:
        limiter.hit(check)
    assert per_minute.value.retry_after == 58


def test_keys_and_scopes_count_apart(limiter, clock):
    limiter.hit(Check("1/hour", "test:feedback", "198.51.100.1"))
    limiter.hit(Check("1/hour", "test:feedback", "198.51.100.2"))
    limiter.hit(Check("1/hour", "test:gaps", "198.51.100.1"))
    assert not limiter.allows(Check("1/hour", "test:feedback", "198.51.100.1"))


def test_reset_forgets_every_count(limiter, clock):
    check = Check("1/hour", "test:writes", "client")
    limiter.hit(check)
    limiter.reset()
    limiter.hit(check)


def test_stored_keys_never_hold_the_address(limiter, clock):
    limiter.hit(Check("5/minute", "test:writes", "192.0.2.55"))
    stored = " ".join(_stored_keys(limiter))
    assert "test:writes" in stored
    assert "192.0.2.55" not in stored


def test_unreachable_storage_allows_the_write_and_says_so_once(caplog):
    unreachable = LimitsRateLimiter("redis://127.0.0.1:1/0", salt="x")
    for _ in range(3):
        unreachable.hit(Check("1/hour", "test:writes", "client"))
    # once when Redis goes away, not once per write (414 lines in 10 s under load)
    said = [r.getMessage() for r in caplog.records if r.name == "frontdoor.ratelimit"]
    assert len(said) == 1 and said[0].startswith("redis unreachable"), said
    assert not unreachable.outage.up and unreachable.outage.skipped == 3


@pytest.mark.parametrize("bad", ["", "lots", "10 per fortnight", "ten/minute"])
def test_a_malformed_limit_is_a_start_up_error_naming_the_variable(bad):
    from knowledge.settings import KnowledgeSettings

    with pytest.raises(ConfigurationError) as error:
        KnowledgeSettings.load(
            {
                "FRONTDOOR_ENVIRONMENT": "test",
                "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
                "FRONTDOOR_KNOWLEDGE_LIMIT_FEEDBACK": bad,
            }
        )
    assert "FRONTDOOR_KNOWLEDGE_LIMIT_FEEDBACK" in error.value.message


def test_limits_are_settings_of_each_service():
    from handoff.settings import HandoffSettings
    from knowledge.settings import KnowledgeSettings

    secrets_ = {
        name: secrets.token_urlsafe(48)
        for name in (
            "FRONTDOOR_SECRET_KEY",
            "FRONTDOOR_IDENTITY_SIGNING_KEY",
            "FRONTDOOR_BOT_SECRET",
        )
    }
    handoff = HandoffSettings.load(
        {
            "FRONTDOOR_ENVIRONMENT": "test",
            "FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS": "5/minute",
            **secrets_,
        }
    )
    knowledge = KnowledgeSettings.load(
        {
            "FRONTDOOR_ENVIRONMENT": "test",
            "FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_ADDRESS": "7/hour",
            **secrets_,
        }
    )
    assert handoff.handoff_limit_conversations == "5/minute"
    assert knowledge.knowledge_limit_gaps_per_address == "7/hour"


def _request(client: tuple[str, int] | None) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "headers": [], "client": client})


def test_the_client_address_is_the_socket_peer():
    assert client_address(_request(("203.0.113.9", 5123))) == "203.0.113.9"
    assert client_address(_request(None)) == "unknown"


def test_client_keys_are_stable_and_keyed_by_the_secret():
    who = "address:203.0.113.9"
    assert client_key("secret", who) == client_key("secret", who)
    assert client_key("secret", who) != client_key("other", who)
    assert "203.0.113.9" not in client_key("secret", who)


def test_storage_follows_the_redis_setting():
    from limits.storage import MemoryStorage, RedisStorage

    assert isinstance(LimitsRateLimiter(None).storage, MemoryStorage)
    assert isinstance(LimitsRateLimiter("redis://127.0.0.1:1/0").storage, RedisStorage)
    assert isinstance(LimitsRateLimiter("unix:///tmp/no-redis.sock").storage, RedisStorage)


def test_the_in_process_limiter_forgets_idle_keys_on_a_later_hit(clock):
    limiter = MemoryRateLimiter(salt="s")
    limiter.hit(Check("5/minute", "test:writes", "idle"))
    limiter.hit(Check("5/hour", "test:writes", "busy"))
    clock.advance(MemoryRateLimiter.SWEEP_SECONDS + 1)  # past the minute, within the hour
    limiter.hit(Check("5/minute", "test:other", "someone"))
    assert len(limiter.windows) == 2  # the idle key went in the sweep, the hourly one stayed
    assert not any("idle" in key for key in _stored_keys(limiter))
    for _ in range(4):
        limiter.hit(Check("5/hour", "test:writes", "busy"))
    assert not limiter.allows(Check("5/hour", "test:writes", "busy"))


def test_the_in_process_limiter_starts_no_thread_and_never_blocks(clock):
    before = set(threading.enumerate())
    limiter = MemoryRateLimiter(salt="s")
    for n in range(50):
        limiter.allows(Check("10/second", "test:writes", f"client-{n % 7}"))
    assert set(threading.enumerate()) == before  # limits' memory storage starts a timer
    assert limiter.blocking is False
    assert LimitsRateLimiter("redis://127.0.0.1:1/0").blocking is True


def test_the_service_limiter_is_in_process_without_redis():
    settings = SimpleNamespace(redis_url=None, require_secret=lambda name: "secret")
    assert isinstance(limiter_for(settings, namespace="x"), MemoryRateLimiter)
    settings.redis_url = "redis://127.0.0.1:1/0"
    assert isinstance(limiter_for(settings, namespace="x"), LimitsRateLimiter)
