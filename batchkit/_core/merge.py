"""One lazy, resumable listing over several queues: a k-way merge of per-queue pagers.

Why: "what failed in the account today" spans every queue, and AWS lists one queue a call.
:class:`~batchkit.MergedPager` reads each queue's :class:`~batchkit.Pager` lazily (one page of each
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
re-read from the same positions).  :func:`~batchkit._core.tokens.decode_merged_token`
checks a token before any request: one taken for another set of queues is refused.

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

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, Generic, TypeVar, cast

from batchkit._core.errors import BatchKitError
from batchkit._core.pager import Consumed, PagerCore
from batchkit._core.tokens import QueuePosition, encode_merged_token

__all__ = ["ORIGINS_KEPT", "MergeCore"]

T = TypeVar("T")
P = TypeVar("P", bound="PagerCore[Any, Any]")

_OLDEST = datetime.min.replace(tzinfo=timezone.utc)

#: How many jobs' queues a merged listing remembers (:meth:`MergeCore.queue_of`): ~10 MB.
ORIGINS_KEPT = 100_000


def _created(item: Any) -> datetime:
    created = getattr(item, "created_at", None)
    return created if isinstance(created, datetime) else _OLDEST


class MergeCore(Consumed[T], Generic[T, P]):
    """The sans-I/O state of a merged listing: each queue's head, where every queue stands
    (one token), which head comes next, ``max_items``, peeked items.

    Why a class of its own: the sync :class:`~batchkit.MergedPager` and
    :class:`~batchkit.aio.AsyncMergedPager` share every rule and differ only in how a queue's
    head is read (``pager.peek(1)``, awaited or not).  :meth:`_wanted` says which queues need
    their head read, :meth:`_set_head` takes it, :meth:`_best` picks the next job and :meth:`_took`
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
        remember_queues: bool = True,
    ) -> None:
        assert len(pagers) == len(queues)
        self._start(label, max_items)
        self._pagers = list(pagers)
        self._queues = list(queues)
        self._model = model
        self._heads: list[T | None] = [None] * len(pagers)
        # job id -> the queue it was read from (ListJobs summaries do not say), bounded; not
        # kept by a merge of one queue's statuses (its "queues" are statuses, and the merge
        # over queues around it remembers the queue)
        self._origins: dict[str, str] = {}
        self._remember = remember_queues

    @property
    def queues(self) -> tuple[str, ...]:
        """The queues merged (names, duplicates removed), in the order given."""
        return tuple(self._queues)

    def queue_of(self, job: Any) -> str | None:
        """The queue (as named in ``list_jobs``) a job of this listing came from.

        ListJobs' summaries carry no queue, and a merged listing mixes several: this says
        which one, without changing the AWS-shaped model.  It knows the last
        :data:`ORIGINS_KEPT` jobs read (what a loop, ``take`` or ``to_pandas`` -- which adds
        a ``queue`` column -- hold at once); None for any other job.

        >>> from batchkit.testing import FakeAWS
        >>> fake = FakeAWS()
        >>> _ = fake.add_job("etl", job_name="ingest", status="FAILED", created_at=2_000)
        >>> _ = fake.add_job("ml", job_name="train", status="FAILED", created_at=1_000)
        >>> failed = fake.batch_client().list_jobs(["etl", "ml"], status="FAILED")
        >>> for job in failed:
        ...     print(failed.queue_of(job), job.job_name)
        etl ingest
        ml train

        Args:
            job: a job of this listing (anything with a ``job_id``), or its id.

        Returns:
            The queue's name or ARN as given, or None.
        """
        key = job if isinstance(job, str) else getattr(job, "job_id", None)
        return self._origins.get(key) if isinstance(key, str) else None

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
    def skipped(self) -> tuple[Any, ...]:
        """Items skipped as untypable (``on_invalid="skip"``), queue by queue."""
        return tuple(item for pager in self._pagers for item in pager.skipped)

    @property
    def skipped_count(self) -> int:
        """How many items were skipped (``on_invalid="skip"``)."""
        return sum(pager.skipped_count for pager in self._pagers)

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
        return encode_merged_token(self._queues, self._positions())

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
        """A queue's read failed: the error resumes the whole merge -- from the merge's own
        resume point, so jobs read ahead by ``peek()`` (taken from their queues already)
        are not skipped."""
        error.resume_token = self.resume_token

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
        head = self._heads[index]
        job_id = getattr(head, "job_id", None)
        if self._remember and isinstance(job_id, str):
            if len(self._origins) >= ORIGINS_KEPT:
                del self._origins[next(iter(self._origins))]  # the oldest
            self._origins[job_id] = self._queues[index]
        self._heads[index] = None
        self._yielded += 1
