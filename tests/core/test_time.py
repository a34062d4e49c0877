"""The one epoch-millisecond converter (batchkit/_spec/time.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batchkit._spec.time import EPOCH, from_epoch_millis, to_epoch_millis

PARIS_SUMMER = timezone(timedelta(hours=2))


def test_known_values() -> None:
    moment = datetime(2016, 11, 29, 23, 6, 22, 10000, tzinfo=timezone.utc)
    assert to_epoch_millis(moment) == 1480460782010
    assert from_epoch_millis(1480460782010) == moment
    assert from_epoch_millis(0) == EPOCH
    assert from_epoch_millis(0).tzinfo is timezone.utc
    assert to_epoch_millis(moment.astimezone(PARIS_SUMMER)) == 1480460782010
    assert from_epoch_millis(-1) == EPOCH - timedelta(milliseconds=1)


def test_sub_millisecond_rounding_is_exact() -> None:
    moment = datetime(2026, 11, 1, 0, 0, 0, 1, tzinfo=timezone.utc)  # 1 microsecond past
    whole = to_epoch_millis(moment.replace(microsecond=0))
    assert to_epoch_millis(moment) == whole
    assert to_epoch_millis(moment, ceil=True) == whole + 1
    assert to_epoch_millis(moment.replace(microsecond=0), ceil=True) == whole
    before = EPOCH - timedelta(microseconds=1)
    assert to_epoch_millis(before) == -1
    assert to_epoch_millis(before, ceil=True) == 0
    # Far from the epoch a float loses microseconds; integer arithmetic does not.
    far = datetime(9999, 12, 31, 23, 59, 59, 999001, tzinfo=timezone.utc)
    assert to_epoch_millis(far, ceil=True) == to_epoch_millis(far) + 1


@given(st.integers(min_value=-62135596800000, max_value=253402300799999))
def test_round_trip(ms: int) -> None:
    moment = from_epoch_millis(ms)
    assert moment.tzinfo is timezone.utc
    assert to_epoch_millis(moment) == ms


def test_naive_and_wrong_types_are_rejected() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        to_epoch_millis(datetime(2026, 1, 1))
    with pytest.raises(TypeError):
        to_epoch_millis(0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_epoch_millis(True)
    with pytest.raises(TypeError):
        from_epoch_millis(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("ms", [10**17, -(10**17), 253402300800000, -62135596800001, 2**63])
def test_out_of_range_is_a_value_error_not_an_overflow(ms: int) -> None:
    with pytest.raises(ValueError, match="out of range") as info:
        from_epoch_millis(ms)
    assert not isinstance(info.value, OverflowError)
    assert str(ms) in str(info.value)
