"""Epoch milliseconds <-> aware UTC ``datetime``: the one converter batchkit uses.

AWS Batch sends and accepts times as epoch milliseconds (``long``).  Both directions use
exact integer arithmetic on ``timedelta`` (never floats: a float loses microseconds past
2**53 and rounds where it should floor).

>>> from datetime import datetime, timezone
>>> to_epoch_millis(datetime(2016, 11, 29, 23, 6, 22, 10000, tzinfo=timezone.utc))
1480460782010
>>> from_epoch_millis(1480460782010)
datetime.datetime(2016, 11, 29, 23, 6, 22, 10000, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["EPOCH", "from_epoch_millis", "to_epoch_millis"]

#: 1970-01-01T00:00:00Z.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MS = timedelta(milliseconds=1)
_MIN_MS = (datetime.min.replace(tzinfo=timezone.utc) - EPOCH) // _ONE_MS
_MAX_MS = (datetime.max.replace(tzinfo=timezone.utc) - EPOCH) // _ONE_MS


def to_epoch_millis(dt: datetime, *, ceil: bool = False) -> int:
    """Whole milliseconds since the epoch; sub-millisecond parts round down (or up with
    ``ceil=True``).  ``dt`` must be timezone-aware (a naive time is ambiguous)."""
    if not isinstance(dt, datetime):
        raise TypeError(f"expected an aware datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(
            f"naive datetime {dt.isoformat()}: give a timezone-aware datetime "
            "(e.g. tzinfo=timezone.utc)"
        )
    delta = dt - EPOCH
    return -(-delta // _ONE_MS) if ceil else delta // _ONE_MS


def from_epoch_millis(ms: int) -> datetime:
    """The aware UTC ``datetime`` of ``ms`` epoch milliseconds.

    Raises ``ValueError`` (not ``OverflowError``) outside years 1..9999, the range of
    ``datetime``.
    """
    if isinstance(ms, bool) or not isinstance(ms, int):
        raise TypeError(f"expected epoch milliseconds (int), got {type(ms).__name__}")
    if not _MIN_MS <= ms <= _MAX_MS:
        raise ValueError(
            f"epoch milliseconds {ms} is out of range: a time must fall in years 1..9999 "
            f"({_MIN_MS}..{_MAX_MS})"
        )
    return EPOCH + ms * _ONE_MS
