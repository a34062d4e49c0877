"""Bounded memory for never-ending inputs: a set that remembers only the latest keys.

Why: a listing, a log follower or a watch can run for days; every set it keeps of what it
has seen must have a bound, or a long run (or a hostile endpoint) grows memory without end.
Where an exact answer needs only the recent past -- a token cycle (A -> B -> A) repeats
within a few pages -- a window of the latest keys gives it in fixed memory.

>>> recent = RecentSet(2)
>>> for key in ("a", "b", "c"):
...     recent.add(key)
>>> "a" in recent, "b" in recent, "c" in recent, len(recent)
(False, True, True, 2)
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["RecentSet"]

K = TypeVar("K", bound=Hashable)


class RecentSet(Generic[K]):
    """A set of at most ``size`` keys: adding one more forgets the least recently added
    (adding a key again makes it the most recent)."""

    __slots__ = ("_keys", "_size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size: must be >= 1, got {size}")
        self._size = size
        self._keys: dict[K, None] = {}  # insertion-ordered: the oldest first

    @property
    def size(self) -> int:
        """The most keys kept."""
        return self._size

    def add(self, key: K) -> None:
        keys = self._keys
        if key in keys:
            del keys[key]
        elif len(keys) >= self._size:
            del keys[next(iter(keys))]
        keys[key] = None

    def discard(self, key: K) -> None:
        self._keys.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)
