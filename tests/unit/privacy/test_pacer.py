"""The purge's pacing: batch size follows the time budget, rests follow batch time."""

from privacy.purge import CONTENDED_REST_SECONDS, MIN_BATCH, Pacer
from privacy.settings import PrivacySettings


def pacer(**overrides) -> tuple[Pacer, list[float]]:
    rests: list[float] = []
    values = {"max_batch": 5000, "batch_seconds": 0.1, "rest_ratio": 1.0, **overrides}
    return Pacer(**values, sleep=rests.append), rests


def test_the_batch_grows_toward_what_fits_the_budget_and_no_further_than_the_cap():
    pace, rests = pacer()
    assert pace.size == 1000
    pace.after(1000, 0.02)  # 50,000 rows/s: 5,000 fit in 0.1 s
    assert pace.size == 3000  # halfway there, not all at once
    pace.after(3000, 0.06)
    assert pace.size == 4000
    for _ in range(10):
        pace.after(pace.size, pace.size / 100_000)  # faster still
    assert pace.size == 5000  # the configured cap
    assert rests[:2] == [0.02, 0.06]  # as long as the batch took (rest ratio 1)


def test_slow_batches_shrink_the_batch_and_lengthen_the_rest():
    pace, rests = pacer()
    pace.after(1000, 0.5)  # 2,000 rows/s: the database is busy; 200 fit the budget
    assert pace.size == 600
    assert rests == [0.5 + 0.5]  # over twice the budget: rest the batch's time again
    for _ in range(10):
        pace.after(pace.size, pace.size / 2000)
    assert pace.size == 200  # settles at what fits


def test_a_batch_that_gave_way_to_a_lock_halves_the_size_and_rests():
    pace, rests = pacer()
    pace.contended()
    assert (pace.size, rests) == (500, [CONTENDED_REST_SECONDS])
    for _ in range(10):
        pace.contended()
    assert pace.size == MIN_BATCH
    assert pace.rested == 11 * CONTENDED_REST_SECONDS


def test_a_small_cap_is_kept_and_no_rest_when_asked_for_none():
    pace, rests = pacer(max_batch=3, rest_ratio=0.0)
    assert pace.size == 3
    pace.after(3, 0.001)
    assert pace.size == 3 and rests == []


def test_settings_give_the_defaults():
    pace = Pacer.from_settings(PrivacySettings.load({}))
    assert (pace.max_batch, pace.batch_seconds, pace.rest_ratio) == (5000, 0.1, 0.5)
    assert Pacer.from_settings(PrivacySettings.load({}), batch=7).max_batch == 7
