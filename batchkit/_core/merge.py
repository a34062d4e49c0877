"""One lazy, resumable listing over several queues: a k-way merge of per-queue pagers.

Why: "what failed in the account today" spans every queue, and AWS lists one queue a call.
:class:`MergedPager` reads each queue's :class:`~batchkit.JobPager` lazily (one page of each
in memory), yields the newest job among the queues' next ones, and can say at any point --
after any job, or after an error -- where *every* queue stands, in one token.

Order: when each queue's listing is newest-first (a created-at or other server-side
filter, or several statuses: ``BatchClient.list_jobs`` then plans newest-first listings),
the merge is newest-first across the queues; ties go to the queue given first.  Otherwise
every job is still yielded exactly once, queue listings interleaved by creation time as
far as their own order allows.

Token: botocore's ``TokenEncoder`` format holding, per queue (by name, in the order given),
that queue's own resume token, or that it has not started, or that it has ended.  Resuming
with it yields exactly the jobs not yielded yet, in the same order (the heads are
re-read from the same positions).  :func:`decode_merged_token` checks a token before any
request: one taken for another set of queues is refused.

>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> for i, queue in enumerate(["a", "b", "a", "b"]):
...     _ = fake.add_job(queue, job_name=f"j{i}", status="FAILED", created_at=1_000 + i)
>>> batch = fake.batch_client()
>>> pager = batch.list_jobs(["a", "b"], status="FAILED")
>>> [j.job_name for j in pager.take(2)]
['j3', 'j2']
>>> [j.job_name for j in batch.list_jobs(["a", "b"], status="FAILED",
...                                      starting_token=pager.resume_token)]
['j1', 'j0']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from botocore.paginate import TokenDecoder, TokenEncoder

from batchkit._core.errors import BatchKitError, InvalidParameterError
from batchkit._core.pager import (
    Consumed,
    JobPager,
    Listing,
    PagerCore,
)

if TYPE_CHECKING:
    pass

__all__ = ["MergeCore", "MergedPager", "QueuePosition", "decode_merged_token", "queue_key"]

T = TypeVar("T")
P = TypeVar("P", bound="PagerCore[Any, Any]")

_KEY = "batchkit_queues"
_QUEUE_ARN = re.compile(r"arn:[a-z0-9-]+:batch:[a-z0-9-]+:[0-9]{12}:job-queue/(?P<name>.+)")
_OLDEST = datetime.min.replace(tzinfo=timezone.utc)


def queue_key(queue: str) -> str:
    """The queue name behind a name or a queue ARN (so both name the same queue once)."""
    match = _QUEUE_ARN.fullmatch(queue)
    return match["name"] if match else queue


@dataclass(frozen=True)
class QueuePosition:
    """Where one queue of a merged listing stands."""

    token: str | None = None
    """That queue's own resume token (None: from its start)."""
    ended: bool = False
    """Nothing of that queue is left."""


def decode_merged_token(value: object, queues: Sequence[str]) -> list[QueuePosition]:
    """The position of each queue (``queues``: their names, in order) in ``value``, a
    merged listing's resume token; InvalidParameterError (before any request) if it is not
    one, or belongs to other queues."""
    if value is None:
        return [QueuePosition() for _ in queues]
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(
            "starting_token: expected a token string (a merged listing's resume_token)"
        )
    try:
        decoded = TokenDecoder().decode(value)
    except Exception as error:
        raise InvalidParameterError(
            "starting_token: not a token of a listing over several queues (use the "
            "resume_token of list_jobs([...]))"
        ) from error
    entries = decoded.get(_KEY) if isinstance(decoded, dict) else None
    if not isinstance(entries, list) or set(decoded) != {_KEY}:
        raise InvalidParameterError(
            "starting_token: not a token of a listing over several queues (a single queue's "
            "token resumes list_jobs(QUEUE), not list_jobs([...]))"
        )
    names = [e.get("queue") if isinstance(e, dict) else None for e in entries]
    if names != list(queues):
        raise InvalidParameterError(
            f"starting_token: a token for the queues {names!r}, not {list(queues)!r} (resume "
            "with the same queues, in the same order)"
        )
    positions = []
    for entry in entries:
        token, ended = entry.get("token"), entry.get("ended", False)
        if (
            not set(entry) <= {"queue", "token", "ended"}
            or not isinstance(ended, bool)
            or (token is not None and (not isinstance(token, str) or not token or ended))
        ):
            raise InvalidParameterError(
                "starting_token: a damaged or forged token (a queue's position is invalid)"
            )
        positions.append(QueuePosition(token, ended))
    return positions


def _encode(queues: Sequence[str], positions: Sequence[QueuePosition]) -> str | None:
    if all(p == QueuePosition() for p in positions):
        return None
    if all(p.ended for p in positions):
        return None
    entries: list[dict[str, Any]] = []
    for queue, position in zip(queues, positions, strict=True):
        entry: dict[str, Any] = {"queue": queue}
        if position.ended:
            entry["ended"] = True
        elif position.token is not None:
            entry["token"] = position.token
        entries.append(entry)
    return TokenEncoder().encode({_KEY: entries})


def _created(item: Any) -> datetime:
    created = getattr(item, "created_at", None)
    return created if isinstance(created, datetime) else _OLDEST


class MergeCore(Consumed[T], Generic[T, P]):
    """The sans-I/O state of a merged listing: each queue's head, where every queue stands
    (one token), which head comes next, ``max_items``, peeked items.

    Why a class of its own: the sync :class:`MergedPager` and ``batchkit.aio``'s
    ``AsyncMergedPager`` share every rule and differ only in how a queue's head is read
    (``pager.peek(1)``, awaited or not).  :meth:`_wanted` says which queues need their head
    read, :meth:`_set_head` takes it, :meth:`_best` picks the next job and :meth:`_took`
    records it; a subclass does the I/O in between.
    """

    def __init__(
        self,
        pagers: Sequence[P],
        queues: Sequence[str],
        *,
        label: str,
        max_items: int | None = None,
        model: type[Any] | None = None,
    ) -> None:
        assert len(pagers) == len(queues)
        self._start(label, max_items)
        self._pagers = list(pagers)
        self._queues = list(queues)
        self._model = model
        self._heads: list[T | None] = [None] * len(pagers)

    @property
    def queues(self) -> tuple[str, ...]:
        """The queues merged (names, duplicates removed), in the order given."""
        return tuple(self._queues)

    @property
    def done(self) -> bool:
        """True when nothing is left: every queue ended, closed, or ``max_items`` yielded."""
        if self._ahead:
            return False
        return self._closed or self._at_max() or all(p.done for p in self._pagers)

    @property
    def requests_made(self) -> int:
        """Pages received so far, over all queues."""
        return sum(p.requests_made for p in self._pagers)

    @property
    def resume_token(self) -> str | None:
        """Where the remaining jobs start (one token for every queue); None when the
        listing is exhausted, or when nothing was read yet and it started at the beginning."""
        if self._ahead:
            return self._ahead[0][0]
        return self._frontier_token()

    def __repr__(self) -> str:
        state = "done" if self.done else f"{self._yielded} yielded"
        return (
            f"<{type(self).__name__} {self._label} over {len(self._queues)} queues: {state}, "
            f"{self.requests_made} request(s)>"
        )

    # ------------------------------------------------------------------ internals

    def _positions(self) -> list[QueuePosition]:
        # A queue's own resume token points before its head (peeked, not consumed).
        return [
            QueuePosition(ended=True) if pager.done else QueuePosition(pager.resume_token)
            for pager in self._pagers
        ]

    def _frontier_token(self) -> str | None:
        return _encode(self._queues, self._positions())

    def _ended(self) -> bool:
        """Nothing more may be read (closed, or ``max_items`` yielded)."""
        return self._closed or self._at_max()

    def _wanted(self) -> list[int]:
        """The queues whose head must be read (peeked) before the next job is known."""
        return [
            index
            for index, pager in enumerate(self._pagers)
            if self._heads[index] is None and not pager.done
        ]

    def _set_head(self, index: int, peeked: Sequence[T]) -> None:
        self._heads[index] = peeked[0] if peeked else None

    def _failed(self, error: BatchKitError) -> None:
        """A queue's read failed: the error resumes the whole merge."""
        error.resume_token = self._frontier_token()

    def _best(self) -> int | None:
        """The queue whose head comes next (newest; ties to the queue given first)."""
        best: int | None = None
        for index, candidate in enumerate(self._heads):
            if candidate is None:
                continue
            if best is None or _created(candidate) > _created(cast(Any, self._heads[best])):
                best = index
        return best

    def _took(self, index: int) -> None:
        """The head of queue ``index`` was yielded (read from its pager: no request)."""
        self._heads[index] = None
        self._yielded += 1


class MergedPager(MergeCore[T, JobPager[T]], Listing[T]):
    """A lazy ``Iterator[T]`` over several queues' listings, newest first across them.

    Made by ``BatchClient.list_jobs([queue, ...])``.  The interface is :class:`JobPager`'s
    where it makes sense for a stream without pages: ``first``, ``take``, ``to_list``,
    ``to_pandas``, ``peek``, ``resume_token`` (valid after every job and after every error),
    ``done``, ``requests_made``, ``close`` and the context manager.  One consumer at a
    time.
    """

    def _title(self) -> str:
        return f"{self._label} over {len(self._queues)} queues"

    def _read(self) -> T:
        """The next job of the merge (StopIteration at the end)."""
        if self._ended():
            raise StopIteration
        for index in self._wanted():
            pager = self._pagers[index]
            try:
                with pager._wanting(self._needed()):  # a queue's first page: what the call needs
                    self._set_head(index, pager.peek(1))
            except BatchKitError as error:
                self._failed(error)
                raise
        best = self._best()
        if best is None:
            raise StopIteration
        item = next(self._pagers[best])  # the peeked head: no request
        self._took(best)
        return item
