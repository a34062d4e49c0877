"""Job filters, and the planner that turns them into one AWS request plus client-side checks.

Why a planner: ``ListJobs`` and ``ListServiceJobs`` accept **one** filter per call, and
ignore ``jobStatus`` whenever a filter is set (except ``SHARE_IDENTIFIER`` /
``QUOTA_SHARE_NAME``).  A user who asks for "failed jobs named train-* created in the last
day" should get exactly that, cheaply.  :func:`plan_listing` sends the most selective
condition to AWS and checks the rest (and the status) on each item; when the results are
newest-first and a created-at lower bound exists, it stops paging once past it.

>>> from datetime import datetime, timezone
>>> f = JobFilter.job_name("train-*") & JobFilter.created_after(
...     datetime(2026, 11, 1, tzinfo=timezone.utc))
>>> plan = plan_listing(f, "ListJobs", status=None, children=False)
>>> plan.server_filter
{'name': 'AFTER_CREATED_AT', 'values': ['1793491199999']}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any, Literal

from batchkit._core.checks import ALL_STATUSES, require_text
from batchkit._core.errors import InvalidFilterError
from batchkit._spec.operations import OPERATIONS
from batchkit._spec.time import to_epoch_millis

__all__ = ["ALL_STATUSES", "JobFilter", "ListingPlan", "plan_listing"]

Operation = Literal["ListJobs", "ListServiceJobs"]
TimeSpec = datetime | timedelta

_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_ARN = re.compile(
    r"arn:(?P<partition>[a-z0-9-]+):batch:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):"
    r"job-definition/(?P<name>[A-Za-z0-9_-]{1,128}):(?P<revision>[0-9]+)"
)
_MAX_VALUE = 1024


def _text(kind: str, value: object) -> str:
    value = require_text(kind, value, InvalidFilterError)
    if value != value.strip():
        raise InvalidFilterError(f"{kind}: leading or trailing whitespace in {value!r}")
    if len(value) > _MAX_VALUE:
        raise InvalidFilterError(f"{kind}: longer than {_MAX_VALUE} characters")
    return value


def _pattern(kind: str, value: object) -> str:
    text = _text(kind, value)
    if "*" in text[:-1]:
        raise InvalidFilterError(
            f"{kind}: '*' is only allowed at the end of the pattern (prefix match), got {text!r}"
        )
    if text == "*":
        raise InvalidFilterError(f"{kind}: '*' alone matches everything; omit the filter instead")
    return text


def _time(kind: str, value: object) -> TimeSpec:
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise InvalidFilterError(f"{kind}: a timedelta means 'that long ago'; got {value}")
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidFilterError(
                f"{kind}: naive datetime {value.isoformat()}; give a timezone-aware datetime "
                "(e.g. datetime(..., tzinfo=timezone.utc)) or a timedelta meaning 'that long ago'"
            )
        return value
    raise InvalidFilterError(
        f"{kind}: expected an aware datetime or a timedelta, got {type(value).__name__}"
    )


def _resolve(spec: TimeSpec, now: datetime) -> datetime:
    if not isinstance(spec, timedelta):
        return spec
    try:
        return now - spec
    except OverflowError:  # "that long ago" is before year 1: no time is earlier
        return _EARLIEST


@dataclass(frozen=True, init=False)
class JobFilter:
    """Conditions on listed jobs; combine them with ``&`` (all must hold).

    Build one with the class methods, never the constructor:

    >>> from datetime import timedelta
    >>> recent_training = JobFilter.job_name("train-*") & JobFilter.created_after(
    ...     timedelta(days=1))

    * ``job_name(pattern)``: case-insensitive; a trailing ``*`` makes it a prefix match.
    * ``job_definition(name_or_arn)``: case-sensitive; a name matches every revision, a
      trailing ``*`` a name prefix, an ARN exactly one revision (``*`` not allowed).
    * ``created_after(t)`` (``created_at >= t``), ``created_before(t)`` (``created_at < t``),
      ``created_between(start, end)``: ``t`` is an aware ``datetime`` or a ``timedelta``
      meaning "that long before the call".
    * ``stopped_after(t)``, ``stopped_before(t)``, ``stopped_between(start, end)``: when the
      job ended (``stopped_at``); only SUCCEEDED and FAILED jobs have stopped.
    * ``started_after(t)``, ``started_before(t)``, ``started_between(start, end)``: when the
      job started RUNNING (``started_at``); only RUNNING and ended jobs have started.
    * ``share_identifier(share)``: the fair-share identifier.
    * ``quota_share_name(name)``: the quota share (``ListServiceJobs`` only).

    AWS filters on none of the stopped/started times: they are checked on each job, and
    they narrow the statuses listed (``stopped_*``: SUCCEEDED and FAILED; ``started_*``:
    RUNNING too), which is the cheapest bound AWS offers -- "failed in the last 6 hours" is
    ``status="FAILED", filter=JobFilter.stopped_after(timedelta(hours=6))``: one
    ``jobStatus=FAILED`` listing, each job's ``stopped_at`` checked, so a job created a day
    ago that failed an hour ago is found.  (A created-at condition as well bounds the pages
    read: jobs are created before they stop.)

    ``JobFilter(...)`` itself raises :class:`~batchkit.InvalidFilterError` (a ``TypeError``):
    the builders validate every value, the constructor could not.
    """

    names: tuple[str, ...] = ()
    definitions: tuple[str, ...] = ()
    after: tuple[TimeSpec, ...] = ()
    before: tuple[TimeSpec, ...] = ()
    shares: tuple[str, ...] = ()
    quota_shares: tuple[str, ...] = ()
    stop_after: tuple[TimeSpec, ...] = ()
    stop_before: tuple[TimeSpec, ...] = ()
    start_after: tuple[TimeSpec, ...] = ()
    start_before: tuple[TimeSpec, ...] = ()

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise InvalidFilterError(
            "JobFilter(...) is not a constructor: build filters with JobFilter.job_name(), "
            ".job_definition(), .created_after(), .created_before(), .created_between(), "
            ".stopped_after(), .stopped_before(), .started_after(), .started_before(), "
            ".share_identifier() or .quota_share_name(), and combine them with &"
        )

    @classmethod
    def _make(cls, **values: tuple[Any, ...]) -> JobFilter:
        """A filter of already validated conditions (the builders' only way in)."""
        made = object.__new__(cls)
        for spec in fields(cls):
            object.__setattr__(made, spec.name, values.pop(spec.name, ()))
        assert not values, values
        return made

    @classmethod
    def job_name(cls, pattern: str) -> JobFilter:
        """Jobs whose name equals ``pattern`` (case-insensitive), or starts with it.

        Args:
            pattern: a job name, or a prefix ending in ``*`` (``"train-*"``); ``*`` elsewhere
                is not supported by AWS.

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: empty, padded, longer than 1024 characters, ``*`` in the
                middle, or ``*`` alone.
        """
        return cls._make(names=(_pattern("job_name", pattern),))

    @classmethod
    def job_definition(cls, name_or_arn: str) -> JobFilter:
        """Jobs of a job definition.

        Args:
            name_or_arn: a name (every revision), a name prefix ending in ``*``, or a
                revision's ARN (that revision only; no ``*``).  Case-sensitive.

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: a malformed name or ARN, or ``*`` with an ARN.
        """
        text = _pattern("job_definition", name_or_arn)
        if text.startswith("arn:"):
            if text.endswith("*"):
                raise InvalidFilterError(
                    f"job_definition: '*' is not supported with an ARN, got {text!r}"
                )
            if not _ARN.fullmatch(text):
                raise InvalidFilterError(
                    "job_definition: an ARN must look like arn:PARTITION:batch:REGION:ACCOUNT:"
                    f"job-definition/NAME:REVISION, got {text!r}"
                )
        elif not re.fullmatch(r"[A-Za-z0-9_-]+\*?", text):
            raise InvalidFilterError(
                "job_definition: a name has only letters, digits, '-' and '_' "
                f"(optionally ending in '*'), got {text!r}"
            )
        return cls._make(definitions=(text,))

    @classmethod
    def created_after(cls, t: datetime | timedelta) -> JobFilter:
        """Jobs created at or after ``t``.

        Args:
            t: an aware ``datetime``, or a ``timedelta`` meaning "that long before the call".

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: a naive datetime, a negative timedelta, or another type.
        """
        return cls._make(after=(_time("created_after", t),))

    @classmethod
    def created_before(cls, t: datetime | timedelta) -> JobFilter:
        """Jobs created strictly before ``t``.

        Args:
            t: an aware ``datetime``, or a ``timedelta`` meaning "that long before the call".

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: a naive datetime, a negative timedelta, or another type.
        """
        return cls._make(before=(_time("created_before", t),))

    @classmethod
    def created_between(cls, start: datetime | timedelta, end: datetime | timedelta) -> JobFilter:
        """Jobs created in ``[start, end)``.

        Args:
            start: an aware ``datetime`` or a ``timedelta`` ago (inclusive).
            end: an aware ``datetime`` or a ``timedelta`` ago (exclusive).

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: a bound is invalid, or ``start`` is not before ``end``.
        """
        combined = cls._make(
            after=(_time("created_between start", start),),
            before=(_time("created_between end", end),),
        )
        combined.bounds(datetime.now(timezone.utc))  # start > end is an error now, not later
        return combined

    @classmethod
    def stopped_after(cls, t: datetime | timedelta) -> JobFilter:
        """Jobs that stopped (ended: SUCCEEDED or FAILED) at or after ``t``.

        Args:
            t: an aware ``datetime``, or a ``timedelta`` meaning "that long before the call".

        Returns:
            The filter (combine with ``&``); it limits the listing to ended jobs.

        Raises:
            InvalidFilterError: a naive datetime, a negative timedelta, or another type.

        >>> from datetime import timedelta
        >>> recent_failures = JobFilter.stopped_after(timedelta(hours=6))
        """
        return cls._make(stop_after=(_time("stopped_after", t),))

    @classmethod
    def stopped_before(cls, t: datetime | timedelta) -> JobFilter:
        """Jobs that stopped (SUCCEEDED or FAILED) strictly before ``t``.

        Args:
            t: an aware ``datetime``, or a ``timedelta`` meaning "that long before the call".

        Returns:
            The filter (combine with ``&``); it limits the listing to ended jobs.

        Raises:
            InvalidFilterError: a naive datetime, a negative timedelta, or another type.
        """
        return cls._make(stop_before=(_time("stopped_before", t),))

    @classmethod
    def stopped_between(cls, start: datetime | timedelta, end: datetime | timedelta) -> JobFilter:
        """Jobs that stopped (SUCCEEDED or FAILED) in ``[start, end)``.

        Args:
            start: an aware ``datetime`` or a ``timedelta`` ago (inclusive).
            end: an aware ``datetime`` or a ``timedelta`` ago (exclusive).

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: a bound is invalid, or ``start`` is not before ``end``.
        """
        combined = cls._make(
            stop_after=(_time("stopped_between start", start),),
            stop_before=(_time("stopped_between end", end),),
        )
        combined.time_bounds("stopped", datetime.now(timezone.utc))
        return combined

    @classmethod
    def started_after(cls, t: datetime | timedelta) -> JobFilter:
        """Jobs that started RUNNING at or after ``t`` (RUNNING, SUCCEEDED or FAILED jobs).

        Args:
            t: an aware ``datetime``, or a ``timedelta`` meaning "that long before the call".

        Returns:
            The filter (combine with ``&``); it limits the listing to started jobs.

        Raises:
            InvalidFilterError: a naive datetime, a negative timedelta, or another type.
        """
        return cls._make(start_after=(_time("started_after", t),))

    @classmethod
    def started_before(cls, t: datetime | timedelta) -> JobFilter:
        """Jobs that started RUNNING strictly before ``t``.

        Args:
            t: an aware ``datetime``, or a ``timedelta`` meaning "that long before the call".

        Returns:
            The filter (combine with ``&``); it limits the listing to started jobs.

        Raises:
            InvalidFilterError: a naive datetime, a negative timedelta, or another type.
        """
        return cls._make(start_before=(_time("started_before", t),))

    @classmethod
    def started_between(cls, start: datetime | timedelta, end: datetime | timedelta) -> JobFilter:
        """Jobs that started RUNNING in ``[start, end)``.

        Args:
            start: an aware ``datetime`` or a ``timedelta`` ago (inclusive).
            end: an aware ``datetime`` or a ``timedelta`` ago (exclusive).

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: a bound is invalid, or ``start`` is not before ``end``.
        """
        combined = cls._make(
            start_after=(_time("started_between start", start),),
            start_before=(_time("started_between end", end),),
        )
        combined.time_bounds("started", datetime.now(timezone.utc))
        return combined

    @classmethod
    def share_identifier(cls, share: str) -> JobFilter:
        """Jobs of a fair-share identifier.

        AWS applies ``status`` together with ``SHARE_IDENTIFIER`` (batchkit checks it again on
        each job); **without a status** it returns the share's jobs of *every* status (a filter
        replaces the RUNNING-only default), newest first.

        Args:
            share: the fair-share identifier.

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: empty, padded or longer than 1024 characters.
        """
        return cls._make(shares=(_text("share_identifier", share),))

    @classmethod
    def quota_share_name(cls, name: str) -> JobFilter:
        """Service jobs of a quota share (``ListServiceJobs`` only).

        Args:
            name: the quota share's name.

        Returns:
            The filter (combine with ``&``).

        Raises:
            InvalidFilterError: empty, padded or longer than 1024 characters.
        """
        return cls._make(quota_shares=(_text("quota_share_name", name),))

    def __and__(self, other: JobFilter) -> JobFilter:
        if not isinstance(other, JobFilter):
            return NotImplemented
        return JobFilter._make(
            names=self.names + other.names,
            definitions=self.definitions + other.definitions,
            after=self.after + other.after,
            before=self.before + other.before,
            shares=self.shares + other.shares,
            quota_shares=self.quota_shares + other.quota_shares,
            stop_after=self.stop_after + other.stop_after,
            stop_before=self.stop_before + other.stop_before,
            start_after=self.start_after + other.start_after,
            start_before=self.start_before + other.start_before,
        )

    def bounds(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """The created-at range ``[lower, upper)`` at time ``now``; raises if it is empty."""
        return self.time_bounds("created", now)

    def time_bounds(
        self, kind: Literal["created", "started", "stopped"], now: datetime
    ) -> tuple[datetime | None, datetime | None]:
        """The ``kind``-at range ``[lower, upper)`` at time ``now``; raises if it is empty."""
        after, before = {
            "created": (self.after, self.before),
            "started": (self.start_after, self.start_before),
            "stopped": (self.stop_after, self.stop_before),
        }[kind]
        lower = max((_resolve(t, now) for t in after), default=None)
        upper = min((_resolve(t, now) for t in before), default=None)
        if lower is not None and upper is not None and lower >= upper:
            raise InvalidFilterError(
                f"{kind}-at range is empty: start {lower.isoformat()} is not before "
                f"end {upper.isoformat()}"
            )
        return lower, upper

    def statuses_needed(self) -> tuple[str, ...] | None:
        """The only statuses the stopped/started conditions can match (None: any): ended
        jobs for ``stopped_*``, started ones for ``started_*``."""
        if self.stop_after or self.stop_before:
            return TERMINAL_STATUSES
        if self.start_after or self.start_before:
            return STARTED_STATUSES
        return None

    def __repr__(self) -> str:
        parts = [f"job_name({n!r})" for n in self.names]
        parts += [f"job_definition({d!r})" for d in self.definitions]
        parts += [f"created_after({t!r})" for t in self.after]
        parts += [f"created_before({t!r})" for t in self.before]
        parts += [f"stopped_after({t!r})" for t in self.stop_after]
        parts += [f"stopped_before({t!r})" for t in self.stop_before]
        parts += [f"started_after({t!r})" for t in self.start_after]
        parts += [f"started_before({t!r})" for t in self.start_before]
        parts += [f"share_identifier({s!r})" for s in self.shares]
        parts += [f"quota_share_name({s!r})" for s in self.quota_shares]
        return "JobFilter." + " & JobFilter.".join(parts) if parts else "JobFilter()"


# ---------------------------------------------------------------------------- matching


def _name_matches(pattern: str, name: str | None) -> bool:
    if name is None:
        return False
    if pattern.endswith("*"):
        return name.lower().startswith(pattern[:-1].lower())
    return name.lower() == pattern.lower()


def _definition_parts(value: str) -> tuple[str, str | None]:
    """(name, revision) of a job definition given as an ARN, ``name:revision`` or name."""
    match = _ARN.fullmatch(value)
    if match:
        return match["name"], match["revision"]
    name, _, revision = value.partition(":")
    return name, revision or None


def _definition_matches(wanted: str, actual: str | None) -> bool:
    if actual is None:
        return False
    if wanted.startswith("arn:"):
        if actual.startswith("arn:"):
            return actual == wanted
        return _definition_parts(actual) == _definition_parts(wanted)
    name, _revision = _definition_parts(actual)
    if wanted.endswith("*"):
        return name.startswith(wanted[:-1])
    return name == wanted


class NewestFirstStop:
    """Stop paging once the results, *verified* newest-first, are past a lower bound.

    AWS returns filtered listings newest-first, so once an item is older than the
    created-at lower bound no later page can match.  A backend that answers in another
    order (moto does) must not lose results: the order is checked on every item seen, and
    the listing stops early only while it has held over at least two items; otherwise the
    bound is checked client-side to the end.
    """

    def __init__(self, lower: datetime) -> None:
        self.lower = lower
        self.previous: datetime | None = None
        self.seen = 0
        self.ordered = True

    def after_page(self, items: Sequence[Any]) -> bool:
        for item in items:
            created = item.created_at
            if created is None:
                continue
            if self.previous is not None and created > self.previous:
                self.ordered = False
            self.previous = created
            self.seen += 1
        return (
            self.ordered
            and self.seen >= 2
            and self.previous is not None
            and self.previous < self.lower
        )


#: The statuses a job goes through, in order: a fan-out lists them in this order, so that a
#: job moving on between two sub-listings is seen again (and deduplicated), never missed.
JOB_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
#: The same for service jobs (``SCHEDULED`` comes between RUNNABLE and STARTING).
SERVICE_JOB_STATUSES = (*JOB_STATUSES[:3], "SCHEDULED", *JOB_STATUSES[3:])
#: The statuses of jobs that have stopped (``stopped_at``) / started (``started_at``).
TERMINAL_STATUSES = ("SUCCEEDED", "FAILED")
STARTED_STATUSES = ("RUNNING", "SUCCEEDED", "FAILED")

_STATUSES: dict[str, tuple[str, ...]] = {
    "ListJobs": JOB_STATUSES,
    "ListServiceJobs": SERVICE_JOB_STATUSES,
}
#: (largest page without a server filter, with one): what a request costs.

Strategy = Literal["default", "status", "filter", "created-at", "fan-out"]


@dataclass(frozen=True)
class ListingPlan:
    """What to send to AWS, and what to check on each returned item."""

    server_filter: dict[str, Any] | None
    send_status: bool
    keep: Callable[[Any], bool] | None = None
    stop: Callable[[], NewestFirstStop] | None = None
    """Makes the early-stop rule of one (sub-)listing."""
    fan_out: tuple[str, ...] = ()
    """One sub-listing per status (``jobStatus``), when AWS would otherwise list only
    RUNNING jobs although the filter asks for every status."""
    strategy: Strategy = "default"
    """How the statuses are obtained: ``default`` (AWS's: RUNNING, or every status with a
    filter), ``status`` (one ``jobStatus``), ``filter`` (a server-side filter returns every
    status; the wanted ones are checked here), ``created-at`` (a created-at filter from the
    epoch, added only to get every status in one newest-first listing), ``fan-out`` (one
    sub-listing per status, deduplicated by job id)."""
    newest_first: bool = False
    """The listing comes newest-first (a server-side filter other than ``JOB_NAME``)."""
    statuses: tuple[str, ...] | None = None
    """The statuses listed (None: AWS's default) -- the ones asked for, narrowed by
    stopped/started conditions to those that can match."""


def status_set(status: str | Sequence[str] | None, operation: Operation) -> tuple[str, ...] | None:
    """The wanted statuses in lifecycle order (unknown values last), or None for AWS's
    default.  ``"ALL"`` (any case) means every status; so does naming all of them."""
    if status is None:
        return None
    known = _STATUSES[operation]
    if isinstance(status, str):
        values: Sequence[str] = known if status.upper() == ALL_STATUSES else (status,)
    else:
        values = status
    unique = set(values)
    return tuple(s for s in known if s in unique) + tuple(
        sorted(s for s in unique if s not in known)
    )


def plan_listing(
    job_filter: JobFilter | None,
    operation: Operation,
    *,
    status: str | Sequence[str] | None,
    children: bool,
    now: datetime | None = None,
    newest_first: bool = False,
) -> ListingPlan:
    """Choose the one condition AWS evaluates; everything else is checked client-side.

    Priority (most selective and cheapest first): share identifier / quota share (AWS then
    also honours the status), a created-at range with a lower bound (``BEFORE_CREATED_AT``
    when there is an upper bound too, stopping once past the lower bound, else
    ``AFTER_CREATED_AT``), job definition, job name, a created-at upper bound alone.
    Child listings (array / multi-node) take no filter server-side at all.

    ``status`` may name several statuses (or ``"ALL"``): see :func:`plan_statuses` for how
    they are listed.  ``newest_first`` asks for a newest-first listing when there is a
    choice (a merge across queues needs one).
    """
    wanted = _narrowed(status_set(status, operation), job_filter, operation)
    if wanted is not None and len(wanted) > 1:
        plan = plan_statuses(
            job_filter, operation, wanted, children=children, now=now, newest_first=newest_first
        )
        return _with(plan, statuses=wanted)
    single = None if wanted is None else wanted[0]
    plan = _plan_one(job_filter, operation, status=single, children=children, now=now)
    strategy: Strategy = "default" if single is None else "status"
    if plan.server_filter is not None and not plan.send_status:
        strategy = "filter"
    if plan.fan_out:
        strategy = "fan-out"
    return _with(plan, strategy=strategy, statuses=wanted)


def _narrowed(
    wanted: tuple[str, ...] | None, job_filter: JobFilter | None, operation: Operation
) -> tuple[str, ...] | None:
    """``wanted`` narrowed to the statuses a stopped/started condition can match."""
    needed = job_filter.statuses_needed() if job_filter is not None else None
    if needed is None:
        return wanted
    if wanted is None:
        return needed
    kept = tuple(s for s in wanted if s in needed)
    if not kept:
        kind = "stopped" if needed == TERMINAL_STATUSES else "started"
        raise InvalidFilterError(
            f"{kind}_after/{kind}_before: only {', '.join(needed)} jobs have {kind}; "
            f"status {', '.join(wanted)} matches none"
        )
    return kept


def plan_statuses(
    job_filter: JobFilter | None,
    operation: Operation,
    statuses: tuple[str, ...],
    *,
    children: bool,
    now: datetime | None = None,
    newest_first: bool = False,
) -> ListingPlan:
    """Plan a listing of jobs in any of several ``statuses`` (AWS's ``jobStatus`` takes one).

    * A server-side filter from ``job_filter`` already returns every status: one listing,
      the statuses checked on each job (``filter``).
    * Array / multi-node children take no filter: one sub-listing per status (``fan-out``).
    * **Every status** (``"ALL"``) of a queue: a **created-at filter from the epoch**
      (``created-at``), one listing newest-first that returns every status, at most 100 a
      page.  It is the only plan that cannot miss a job changing status mid-listing (its
      order does not depend on status, so a job present from start to end is on exactly
      one page); it costs ``ceil(all jobs / 100)`` requests where a fan-out at 1000 a page
      could cost up to ten times fewer -- a listing that may silently miss jobs is not worth
      the saving (docs/decisions.md).  The same plan serves a newest-first listing (a merge
      across queues).
    * **Some statuses** of a queue: a **fan-out**, one sub-listing per wanted status, 1000 a
      page (ListJobs): ``sum(max(1, ceil(jobs in s / 1000)))`` requests, where a created-at
      listing would read every finished job of the queue to find a few running ones.

    Either way each job is yielded once (a fan-out deduplicates by job id) and is checked
    against the wanted statuses as it was on the page it came from.  A fan-out's
    sub-listings (in lifecycle order, SUBMITTED ... FAILED) are merged newest first (the
    client reads them side by side: several statuses read like one listing); a job moving
    between two wanted statuses during the listing is seen in its old status, its new one,
    or both (then once, as first seen) -- or in neither, when its new status's sub-listing
    had already read past it (docs/views.md: ``status="ALL"`` or a created-at filter avoids
    that).
    """
    every = set(statuses) >= set(_STATUSES[operation])
    plan = _plan_one(job_filter, operation, status=None, children=children, now=now)
    status_check = None if every else partial(_status_in, frozenset(statuses))
    if plan.server_filter is not None:
        keep = _and(plan.keep, status_check)
        return _with(plan, send_status=False, keep=keep, strategy="filter")
    base = _with(plan, send_status=False, keep=_and(plan.keep, status_check))
    if not children and (newest_first or every):
        created = _created_filter("AFTER_CREATED_AT", datetime(1970, 1, 1, tzinfo=timezone.utc))
        return _with(base, server_filter=created, strategy="created-at", newest_first=True)
    known = tuple(s for s in statuses if s in _STATUSES[operation])
    return _with(base, fan_out=known or statuses, strategy="fan-out", stop=None)


def _with(plan: ListingPlan, **changes: Any) -> ListingPlan:
    return replace(plan, **changes)


def _and(
    first: Callable[[Any], bool] | None, second: Callable[[Any], bool] | None
) -> Callable[[Any], bool] | None:
    if first is None or second is None:
        return first or second
    return partial(_all_hold, (first, second))


def _plan_one(
    job_filter: JobFilter | None,
    operation: Operation,
    *,
    status: str | None,
    children: bool,
    now: datetime | None = None,
) -> ListingPlan:
    f = job_filter or JobFilter._make()
    row = OPERATIONS[f"batch.{operation}"]
    if f.definitions and "JOB_DEFINITION" not in row.filters:
        raise InvalidFilterError(
            f"job_definition: {operation} has no JOB_DEFINITION filter (service jobs have "
            "no job definition)"
        )
    if f.quota_shares and "QUOTA_SHARE_NAME" not in row.filters:
        raise InvalidFilterError("quota_share_name: only ListServiceJobs supports QUOTA_SHARE_NAME")
    moment = now or datetime.now(timezone.utc)
    lower, upper = f.bounds(moment)
    stopped = f.time_bounds("stopped", moment)
    started = f.time_bounds("started", moment)

    checks: list[tuple[str, Callable[[Any], bool]]] = []
    checks += [("JOB_NAME", partial(_job_name_is, p)) for p in f.names]
    checks += [("JOB_DEFINITION", partial(_job_definition_is, d)) for d in f.definitions]
    checks += [("SHARE_IDENTIFIER", partial(_share_is, s)) for s in f.shares]
    checks += [("QUOTA_SHARE_NAME", partial(_quota_share_is, q)) for q in f.quota_shares]

    server: dict[str, Any] | None = None
    served: str | None = None
    if not children:
        if f.shares:
            server, served = (
                {"name": "SHARE_IDENTIFIER", "values": [f.shares[0]]},
                "SHARE_IDENTIFIER",
            )
        elif f.quota_shares:
            server = {"name": "QUOTA_SHARE_NAME", "values": [f.quota_shares[0]]}
            served = "QUOTA_SHARE_NAME"
        elif lower is not None and upper is not None:
            server, served = _created_filter("BEFORE_CREATED_AT", upper), "CREATED"
        elif lower is not None:
            server, served = _created_filter("AFTER_CREATED_AT", lower), "CREATED"
        elif f.definitions:
            server = {"name": "JOB_DEFINITION", "values": [f.definitions[0]]}
            served = "JOB_DEFINITION"
        elif f.names:
            server, served = {"name": "JOB_NAME", "values": [f.names[0]]}, "JOB_NAME"
        elif upper is not None:
            server, served = _created_filter("BEFORE_CREATED_AT", upper), "CREATED"

    # The condition AWS evaluated need not be checked again -- except created-at bounds,
    # whose inclusivity AWS does not document: they are sent one millisecond wide and
    # checked exactly here.
    if served is not None and served != "CREATED":
        first = next(i for i, (kind, _) in enumerate(checks) if kind == served)
        del checks[first]
    if lower is not None:
        checks.append(("CREATED", partial(_created_at_or_after, lower)))
    if upper is not None:
        checks.append(("CREATED", partial(_created_before, upper)))
    for attribute, (after, before) in (("stopped_at", stopped), ("started_at", started)):
        if after is not None:
            checks.append(("TIME", partial(_time_at_or_after, attribute, after)))
        if before is not None:
            checks.append(("TIME", partial(_time_before, attribute, before)))

    status_on_server = server is None or served in row.status_filters
    if status is not None and server is not None:
        # Checked here even when AWS applies it together with SHARE_IDENTIFIER /
        # QUOTA_SHARE_NAME: it is free, and AWS documents that a filter normally makes it
        # ignore jobStatus -- a job of another status never leaks through.  (Without a filter,
        # jobStatus is ListJobs' own selection and is left to AWS.)
        checks.append(("STATUS", partial(_status_is, status)))

    predicates = tuple(check for _, check in checks)
    keep = partial(_all_hold, predicates) if predicates else None

    # Results are newest-first when a filter is set, except JOB_NAME (grouped by name).
    stop = None
    if lower is not None and server is not None and served != "JOB_NAME":
        stop = partial(NewestFirstStop, lower)

    # A filter means "every status".  Child listings take no filter server-side, so AWS
    # would apply its RUNNING-only default: list each status instead.
    fan_out: tuple[str, ...] = ()
    if children and status is None and job_filter is not None and checks:
        fan_out = JOB_STATUSES

    newest = server is not None and served != "JOB_NAME"
    return ListingPlan(server, status_on_server, keep, stop, fan_out, newest_first=newest)


def _job_name_is(pattern: str, job: Any) -> bool:
    return _name_matches(pattern, job.job_name)


def _job_definition_is(wanted: str, job: Any) -> bool:
    return _definition_matches(wanted, job.job_definition)


def _share_is(share: str, job: Any) -> bool:
    return bool(job.share_identifier == share)


def _quota_share_is(name: str, job: Any) -> bool:
    return bool(job.quota_share_name == name)


def _created_at_or_after(moment: datetime, job: Any) -> bool:
    return job.created_at is not None and bool(job.created_at >= moment)


def _created_before(moment: datetime, job: Any) -> bool:
    return job.created_at is not None and bool(job.created_at < moment)


def _time_at_or_after(attribute: str, moment: datetime, job: Any) -> bool:
    value = getattr(job, attribute, None)
    return value is not None and bool(value >= moment)


def _time_before(attribute: str, moment: datetime, job: Any) -> bool:
    value = getattr(job, attribute, None)
    return value is not None and bool(value < moment)


def _status_is(status: str, job: Any) -> bool:
    return job.status is not None and bool(job.status.value == status)


def _status_in(statuses: frozenset[str], job: Any) -> bool:
    return job.status is not None and job.status.value in statuses


def _all_hold(predicates: tuple[Callable[[Any], bool], ...], job: Any) -> bool:
    return all(p(job) for p in predicates)


def _created_filter(name: str, moment: datetime) -> dict[str, Any]:
    # BEFORE: created_at < moment  <=> ms < ceil(moment).
    # AFTER:  created_at >= moment <=> ms > ceil(moment) - 1.
    ms = to_epoch_millis(moment, ceil=True)
    if name == "AFTER_CREATED_AT":
        ms -= 1
    # Never a negative value (AWS documents epoch milliseconds; no job predates 1970): a
    # lower bound before 1970 is sent as the epoch, which every job is after; an upper bound
    # before 1970 as the epoch, which no job is before -- one request returns nothing.  The
    # exact bounds are checked client-side either way.
    return {"name": name, "values": [str(max(ms, 0))]}
