"""The rules of watch and wait: follow any number of Batch jobs with one ``DescribeJobs`` per
100 jobs (the sans-I/O part; the loop is ``batchkit._async.watch``, generated into
``batchkit._sync.watch``).

Why: tools that poll ``DescribeJobs`` once per job, each with its own backoff, get throttled
with a few hundred jobs (and botocore ships no Batch waiters).  A :class:`Watch` describes
the jobs it still follows in chunks of 100 (the API's limit, through
:meth:`~batchkit.BatchClient.describe_jobs`), at most once per interval; the interval starts short,
grows while nothing changes, is jittered, and widens when AWS keeps throttling after
botocore's own retries.  Jobs that are done stop costing requests.

Each status change is reported once, in order, as it was *observed*: a job seen RUNNABLE
and then SUCCEEDED is one change RUNNABLE -> SUCCEEDED (batchkit never invents the
STARTING and RUNNING it did not see).  Array parents, which AWS keeps PENDING while their
children run, also report child progress (``arrayProperties.statusSummary``).

Time comes from a :class:`Clock` (``now``, ``monotonic``, ``sleep``), so tests drive a
watch without sleeping (:class:`batchkit.testing.ManualClock`).

>>> from batchkit.testing import FakeAWS, ManualClock
>>> clock = ManualClock()
>>> fake = FakeAWS(now=clock.now)
>>> job = fake.add_job("q", job_name="etl", status="SUBMITTED")
>>> fake.lifecycle.schedule(job.job_id, [("RUNNABLE", 5), ("RUNNING", 20), ("SUCCEEDED", 90)])
>>> batch = fake.batch_client()
>>> for change in batch.watch([job.job_id], clock=clock):
...     print(change.old, "->", change.new)
None -> SUBMITTED
SUBMITTED -> RUNNABLE
RUNNABLE -> RUNNING
RUNNING -> SUCCEEDED
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Awaitable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from batchkit._core.checks import MIN_POLL_SECONDS, seconds
from batchkit._core.errors import (
    BatchKitError,
    InvalidParameterError,
    JobGoneError,
    JobNotFoundError,
    ServiceError,
    ThrottlingError,
    TransportError,
    WaitTimeoutError,
)
from batchkit._spec.models.mixins import TERMINAL_BATCH_VALUES

if TYPE_CHECKING:
    from batchkit.models import JobDetail, JobStatus

__all__ = [
    "DEFAULT_INTERVAL",
    "DEFAULT_VISIBILITY_GRACE",
    "MAX_FAILED_POLLS",
    "ArrayProgress",
    "AsyncClock",
    "Clock",
    "Interval",
    "PollSchedule",
    "StatusChange",
    "WatchCore",
    "check_grace",
    "check_interval",
    "check_timeout",
]

log = logging.getLogger("batchkit")

Seconds = float | timedelta
#: ``poll_interval=``: one fixed interval, or ``(shortest, longest)``.
Interval = float | timedelta | tuple[float | timedelta, float | timedelta]

#: The default ``poll_interval``: 2 s at first, up to 60 s while nothing changes.
DEFAULT_INTERVAL = (2.0, 60.0)
_GROWTH = 1.5  # the interval grows by this factor per poll without a change
_JITTER = 0.2  # +-20 %, then clamped to the bounds
#: The default ``visibility_grace=``: how long a job DescribeJobs has not returned since
#: the watch began counts as "not visible yet" (DescribeJobs is eventually consistent
#: right after SubmitJob) before it is a :class:`~batchkit.JobNotFoundError`.
DEFAULT_VISIBILITY_GRACE = 30.0
#: Polls in a row that may fail (after botocore's retries) with throttling, a 5xx or a
#: transport error before the watch gives up and raises the error.
MAX_FAILED_POLLS = 5
_TRANSIENT = (ThrottlingError, ServiceError, TransportError)

# Lifecycle order, for "reached or passed" (SUCCEEDED and FAILED both end a job).
_RANK = {
    "SUBMITTED": 0,
    "PENDING": 1,
    "RUNNABLE": 2,
    "STARTING": 3,
    "RUNNING": 4,
    "SUCCEEDED": 5,
    "FAILED": 5,
}


class Clock(Protocol):
    """Where a watch gets its time: wall time for events, a monotonic clock for intervals
    and deadlines, and a way to wait."""

    def now(self) -> datetime:
        """The current time, timezone-aware (stamps :attr:`StatusChange.at`)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (intervals and timeouts)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class AsyncClock(Protocol):
    """A :class:`Clock` whose ``sleep`` is awaited (``batchkit.aio``)."""

    def now(self) -> datetime:
        """The current time, timezone-aware (stamps :attr:`StatusChange.at`)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (intervals and timeouts)."""
        ...

    def sleep(self, seconds: float) -> Awaitable[None]:
        """Wait ``seconds`` without blocking the event loop."""
        ...


@dataclass(frozen=True)
class ArrayProgress:
    """How far the children of an array job are, from the parent's
    ``arrayProperties.statusSummary`` (which AWS refreshes periodically, not per change).

    ``counts`` is the summary as AWS sent it (statuses newer than batchkit are kept).

    >>> p = ArrayProgress(size=10, counts={"SUCCEEDED": 6, "FAILED": 1, "RUNNING": 3})
    >>> p.done, p.succeeded, p.failed, p.running, f"{p.fraction:.0%}"
    (7, 6, 1, 3, '70%')
    """

    size: int
    counts: Mapping[str, int] = field(hash=False)

    @classmethod
    def of(cls, job: JobDetail | None) -> ArrayProgress | None:
        """The progress of an array parent; None for any other job (or no summary yet)."""
        array = None if job is None else job.array_properties
        if array is None or array.status_summary is None:
            return None
        counts = dict(array.status_summary)
        size = array.size if array.size is not None else sum(counts.values())
        return cls(size=size, counts=counts)

    def _count(self, *statuses: str) -> int:
        return sum(self.counts.get(s, 0) for s in statuses)

    @property
    def succeeded(self) -> int:
        """Children that SUCCEEDED."""
        return self._count("SUCCEEDED")

    @property
    def failed(self) -> int:
        """Children that FAILED."""
        return self._count("FAILED")

    @property
    def running(self) -> int:
        """Children STARTING or RUNNING."""
        return self._count("STARTING", "RUNNING")

    @property
    def done(self) -> int:
        """Children in a terminal status."""
        return self._count(*TERMINAL_BATCH_VALUES)

    @property
    def fraction(self) -> float:
        """``done / size`` in [0, 1] (0 for an empty array)."""
        return min(self.done / self.size, 1.0) if self.size > 0 else 0.0


@dataclass(frozen=True)
class StatusChange:
    """One observed change of one job.

    ``old`` is None the first time a job is seen.  For an array parent whose children moved
    while its own status stayed (AWS keeps it PENDING), ``old == new`` and
    :attr:`status_changed` is False: only :attr:`progress` changed.  ``at`` is when batchkit
    observed the change (the job's own ``started_at``/``stopped_at`` say when AWS made it).
    """

    job_id: str
    old: JobStatus | None
    new: JobStatus
    at: datetime
    detail: JobDetail = field(hash=False, compare=False)

    @property
    def job_name(self) -> str:
        return self.detail.job_name

    @property
    def status_changed(self) -> bool:
        """False for an array parent's progress report (same status, other child counts)."""
        return self.old != self.new

    @property
    def progress(self) -> ArrayProgress | None:
        """Child progress of an array parent (None for other jobs)."""
        return ArrayProgress.of(self.detail)


def check_timeout(timeout: object) -> float | None:
    """``timeout=`` in seconds (None: no limit), or InvalidParameterError."""
    return None if timeout is None else seconds("timeout", timeout)


def check_grace(grace: object) -> float:
    """``visibility_grace=`` in seconds (0: none), or InvalidParameterError."""
    if grace is None:
        return DEFAULT_VISIBILITY_GRACE
    if isinstance(grace, (int, float)) and not isinstance(grace, bool) and grace == 0:
        return 0.0
    if isinstance(grace, timedelta) and grace == timedelta(0):
        return 0.0
    return seconds("visibility_grace", grace)


def check_interval(interval: object) -> tuple[float, float]:
    """``poll_interval=`` as ``(shortest, longest)`` seconds, or InvalidParameterError."""
    if interval is None:
        return DEFAULT_INTERVAL
    if isinstance(interval, tuple):
        if len(interval) != 2:  # pyright: ignore[reportUnknownArgumentType]
            raise InvalidParameterError(
                "poll_interval: give one interval or a (shortest, longest) pair"
            )
        low = seconds("poll_interval", interval[0], low=MIN_POLL_SECONDS)
        high = seconds("poll_interval", interval[1], low=MIN_POLL_SECONDS)
        if low > high:
            raise InvalidParameterError(
                f"poll_interval: the shortest interval ({low:g} s) is longer than the longest "
                f"({high:g} s)"
            )
        return low, high
    fixed = seconds("poll_interval", interval, low=MIN_POLL_SECONDS)
    return fixed, fixed


class PollSchedule:
    """The adaptive interval: ``low`` at first and after a change, times 1.5 per quiet poll,
    doubled after a failed poll, never beyond ``high``; each delay jittered by +-20 % and
    clamped to ``[low, high]`` (so never more often than ``low``).

    >>> schedule = PollSchedule(2, 60, rng=random.Random(7))
    >>> [round(schedule.next(changed=False, failed=False), 2) for _ in range(4)]
    [2.79, 3.87, 7.16, 8.39]
    >>> 2 <= schedule.next(changed=True, failed=False) <= 2.4  # back to the shortest
    True
    """

    def __init__(self, low: float, high: float, rng: random.Random | None = None) -> None:
        self.low, self.high = low, high
        self.base = low
        self._rng = rng or random.Random()

    def next(self, *, changed: bool, failed: bool) -> float:
        if failed:
            self.base = min(max(self.base, self.low) * 2, self.high)
        elif changed:
            self.base = self.low
        else:
            self.base = min(self.base * _GROWTH, self.high)
        jittered = self.base * self._rng.uniform(1 - _JITTER, 1 + _JITTER)
        return min(max(jittered, self.low), self.high)


def _reached(job: JobDetail, until: Collection[JobStatus]) -> bool:
    """Is ``job`` done: in ``until``, terminal (it will never change again), or past the
    earliest wanted status (a job seen SUCCEEDED has been RUNNING)?  An array parent has
    passed a status once any child has (AWS never shows a parent RUNNING)."""
    status = job.status
    if status in until or status.value in TERMINAL_BATCH_VALUES:
        return True
    wanted = [_RANK[s.value] for s in until if s.value in _RANK]
    if not wanted:
        return False
    target = min(wanted)
    if _RANK.get(status.value, -1) >= target:
        return True
    if target >= _RANK["SUCCEEDED"]:  # an array parent ends only when AWS says so
        return False
    progress = ArrayProgress.of(job)
    return progress is not None and any(
        count > 0 and _RANK.get(s, -1) >= target for s, count in progress.counts.items()
    )


class WatchCore:
    """The sans-I/O state of a watch: which jobs are pending, what was last seen, the events
    of a poll, the interval, failures and the deadline.

    Why a class of its own: :class:`Watch` and ``batchkit.aio``'s ``AsyncWatch`` share
    every rule and differ only in how a poll is made and how they wait.  A loop asks
    :meth:`_begin_poll` for the ids to describe, gives what came back to :meth:`_end_poll`
    (JobNotFoundError for unknown ids), yields :meth:`_changes`, then asks
    :meth:`_next_delay` how long to wait (it raises the timeout and fatal errors).
    """

    def __init__(
        self,
        ids: list[tuple[str, str]],
        *,
        until: frozenset[JobStatus],
        timeout: float | None,
        interval: tuple[float, float],
        progress: bool,
        visibility_grace: float = DEFAULT_VISIBILITY_GRACE,
    ) -> None:
        self._ids = dict(ids)  # job id -> the id or ARN to send
        self._order = [key for key, _ in ids]
        self._until = until
        self._timeout = timeout
        self._schedule = PollSchedule(*interval)
        self._progress = progress
        self._latest: dict[str, JobDetail] = {}
        self._done: set[str] = set()
        self._polls = 0
        self._requests = 0
        self._failures = 0
        self._deadline: float | None = None
        self._grace = visibility_grace
        self._began: float | None = None

    # ---------------------------------------------------------------- public state

    @property
    def jobs(self) -> tuple[JobDetail, ...]:
        """The last description of every job seen so far, in input order."""
        return tuple(self._latest[k] for k in self._order if k in self._latest)

    @property
    def pending_ids(self) -> tuple[str, ...]:
        """Jobs not done yet (not in ``until`` and not terminal)."""
        return tuple(k for k in self._order if k not in self._done)

    @property
    def done(self) -> bool:
        """Every job is done."""
        return not self.pending_ids

    @property
    def polls(self) -> int:
        """Polls made (each is ``ceil(pending / 100)`` DescribeJobs requests)."""
        return self._polls

    @property
    def requests_made(self) -> int:
        """DescribeJobs requests made (not counting botocore's retries)."""
        return self._requests

    # ---------------------------------------------------------------- the rules

    def _start(self, monotonic: float) -> None:
        self._began = monotonic
        self._deadline = None if self._timeout is None else monotonic + self._timeout

    def _begin_poll(self) -> list[str]:
        """The ids (or ARNs, as given) to describe in this poll: every pending job."""
        pending = self.pending_ids
        self._polls += 1
        self._requests += math.ceil(len(pending) / 100)
        return [self._ids[k] for k in pending]

    def _end_poll(
        self, seen: Mapping[str, JobDetail], missing_ids: Collection[str], now: float
    ) -> None:
        """Check the pending jobs AWS did not return (``now``: the monotonic time).

        A job seen by an earlier poll and now left out is gone (:class:`JobGoneError`: aged
        out or removed).  A job never seen is "not visible yet" until the visibility grace
        has passed since the watch began (DescribeJobs is eventually consistent right after
        SubmitJob), then :class:`JobNotFoundError`.  Ids are reported as given."""
        unknown = set(missing_ids)
        absent = [k for k in self.pending_ids if k not in seen and self._ids[k] in unknown]
        gone = [self._ids[k] for k in absent if k in self._latest]
        if gone:
            raise JobGoneError(gone)
        unseen = [self._ids[k] for k in absent]
        if not unseen:
            return
        began = now if self._began is None else self._began
        if now - began < self._grace:
            log.debug("watch: %d job(s) not visible yet", len(unseen))
            return
        raise JobNotFoundError(unseen)

    def _next_delay(
        self, error: BatchKitError | None, changed: bool, started: float, now: float
    ) -> float:
        """How long to wait before the next poll (the poll's own duration subtracted);
        raises a fatal (or too often repeated) poll error, or the timeout."""
        if error is not None:
            self._failures += 1
            transient = isinstance(error, _TRANSIENT) and not getattr(error, "refused", False)
            if not transient or self._failures >= MAX_FAILED_POLLS:
                raise error  # a refused connection at once: nothing listens, waiting won't help
            log.debug("watch: poll failed (%s), backing off", type(error).__name__)
        else:
            self._failures = 0
        # a first poll counts as a change: the interval starts at the shortest
        first = self._polls == 1
        delay = self._schedule.next(changed=changed or first, failed=error is not None)
        if self._deadline is not None:
            if now >= self._deadline:
                self._timed_out()
            delay = min(delay, self._deadline - started)  # the last poll is at the deadline
        return max(delay - (now - started), 0.0)

    def _timed_out(self) -> None:
        assert self._timeout is not None
        raise WaitTimeoutError(self.jobs, self.pending_ids, timedelta(seconds=self._timeout))

    def _changes(
        self, seen: Mapping[str, JobDetail], at: datetime
    ) -> tuple[list[StatusChange], bool]:
        """The events of the last poll, in input order; and whether anything changed
        (a first sighting is not a change, for the interval)."""
        changes: list[StatusChange] = []
        changed = False
        for key in self.pending_ids:
            job = seen.get(key)
            if job is None:
                continue
            before = self._latest.get(key)
            self._latest[key] = job
            old = None if before is None else before.status
            if old is None or old != job.status:
                changes.append(StatusChange(key, old, job.status, at, job))
                changed = changed or before is not None
            elif ArrayProgress.of(before) != ArrayProgress.of(job):
                changed = True
                if self._progress:
                    changes.append(StatusChange(key, old, job.status, at, job))
            if _reached(job, self._until):
                self._done.add(key)
        return changes, changed
