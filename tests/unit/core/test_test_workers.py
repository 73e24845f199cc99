"""``make test`` runs the suite on two pytest-xdist workers: each worker has its own
Redis database, so one worker's rate-limit counters and channels never reach the
other's tests."""

from __future__ import annotations

import pytest

from tests.conftest import worker_redis_url


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/11", "", "redis://127.0.0.1:6379/11"),  # no workers
        ("redis://127.0.0.1:6379/11", "gw0", "redis://127.0.0.1:6379/11"),
        ("redis://127.0.0.1:6379/11", "gw1", "redis://127.0.0.1:6379/12"),
        ("redis://:secret@cache.internal:6380/3", "gw2", "redis://:secret@cache.internal:6380/5"),
        ("rediss://cache.internal/0", "gw1", "rediss://cache.internal/1"),
        ("redis://127.0.0.1:6379/15", "gw1", "redis://127.0.0.1:6379/14"),  # 16 does not exist
        ("", "gw1", ""),  # Redis not configured: its suites skip (and fail in CI)
    ],
)
def test_each_worker_has_its_own_redis_database(url: str, worker: str, expected: str) -> None:
    assert worker_redis_url(url, worker) == expected


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379", "redis://127.0.0.1:6379/"])
def test_a_url_without_a_database_number_cannot_be_shared_out(url: str) -> None:
    with pytest.raises(pytest.UsageError, match="must end in a database number"):
        worker_redis_url(url, "gw1")
