"""A job's output from CloudWatch Logs: the sans-I/O rules of reading it.

``GetLogEvents`` never ends a listing by itself -- at the end of a stream it sends back the
token it was given -- so a stream is read on the operations table's ``GET_LOG_EVENTS`` row by
a pager that ends on the repeated forward token.  :class:`StreamSteps` turns requests and
pages into :class:`LogEvent` s, :class:`LogsCore` decides which job (or node) is read,
where, and -- with a :class:`FollowPolicy` -- when to poll, back off, describe the job
again and stop; :func:`plan_logs` checks ``logs()``' arguments.  The I/O loop is
``batchkit._async.logs`` (generated into ``batchkit._sync.logs``).

>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> job = fake.add_job("q", job_name="etl", status="SUCCEEDED")
>>> _ = fake.logs.append(job.job_id, "hello", "world")
>>> [event.message for event in fake.batch_client().logs(job)][-2:]
['hello', 'world']
"""

from __future__ import annotations

import inspect
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from pydantic import Field

from batchkit._core.checks import (
    ASYNC_SLEEP,
    MIN_POLL_SECONDS,
    HasJobId,
    check_optional_int,
    job_argument,
    require_text,
    seconds,
)
from batchkit._core.errors import (
    InvalidParameterError,
    LogStreamNotFoundError,
    NotFoundError,
    ResponseValidationError,
)
from batchkit._core.locations import LogLocation, locate, no_stream
from batchkit._core.pager import RawPage
from batchkit._core.tokens import decode_token
from batchkit._spec.base import BatchKitModel, EpochMillis
from batchkit._spec.operations import GET_LOG_EVENTS
from batchkit._spec.time import to_epoch_millis

if TYPE_CHECKING:
    from batchkit.models import JobDetail, LogsOutputLogEvent

__all__ = [
    "FollowPolicy",
    "LogEvent",
    "LogsCore",
    "LogsPlan",
    "StreamSteps",
    "check_anchor",
    "plan_logs",
    "start_millis",
]

log = logging.getLogger("batchkit")


class LogEvent(BatchKitModel, frozen=True):
    """One line of a job's output: when, what, and which log group and stream it is in.

    ``timestamp`` is when the container wrote it (aware UTC); ``ingestion_time`` when
    CloudWatch Logs received it.
    """

    timestamp: EpochMillis = Field(description="When the event occurred (aware UTC).")
    """When the event occurred (aware UTC)."""
    message: str = Field(description="The line, as the container wrote it.")
    """The line, as the container wrote it."""
    group: str = Field(description="The CloudWatch Logs log group.")
    """The CloudWatch Logs log group."""
    stream: str = Field(description="The log stream (one per attempt, node and container).")
    """The log stream (one per attempt, node and container)."""
    ingestion_time: EpochMillis | None = Field(
        default=None, alias="ingestionTime", description="When CloudWatch Logs received it."
    )
    """When CloudWatch Logs received it."""

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ISO 8601 UTC times (milliseconds), message, group, stream."""
        return {
            "timestamp": _iso(self.timestamp),
            "message": self.message,
            "group": self.group,
            "stream": self.stream,
        }


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StreamSteps:
    """The sans-I/O steps of reading one stream with ``GetLogEvents`` (the operations
    table's ``GET_LOG_EVENTS`` row): the request for a page, a page as :class:`LogEvent` s,
    a missing stream as a :class:`LogStreamNotFoundError` naming where it was looked for.

    Shared by the sync stream source below and ``batchkit.aio``'s: only the call differs.
    Reads forward (``startFromHead``); with ``tail`` the first page is the last ``tail``
    events instead (one request), and reading goes on forward from there.
    """

    def __init__(
        self, location: LogLocation, *, start_ms: int | None = None, tail: int | None = None
    ) -> None:
        assert location.stream is not None
        self.location = location
        self.tail = tail
        self.params: dict[str, Any] = {
            "logGroupName": location.group,
            "logStreamName": location.stream,
            "startFromHead": True,
        }
        if start_ms is not None:
            self.params["startTime"] = start_ms

    def request(self, token: str | None, page_size: int | None) -> dict[str, Any]:
        """The parameters of the request for the page that starts at ``token``."""
        request = dict(self.params)
        operation = GET_LOG_EVENTS
        assert operation.input_token is not None
        assert operation.limit_key is not None
        if token is not None and token.startswith(_AT):
            request["startTime"] = _anchor_millis(token)  # a place inside a tail window
        elif token is not None:
            request[operation.input_token] = token
        elif self.tail is not None:
            request["startFromHead"] = False
            page_size = self.tail
        if page_size is not None:
            request[operation.limit_key] = page_size
        return request

    def missing(self, error: NotFoundError) -> LogStreamNotFoundError:
        """The typed error for a stream the service does not know."""
        location = self.location
        return LogStreamNotFoundError(
            f"{location.describe()} does not exist (not yet: the job has only just "
            "started; or not anymore: the group's retention deleted it) -- "
            f"AWS: {error.message}; console: {location.console_url}",
            job_id=location.job_id,
            group=location.group,
            stream=location.stream,
            region=location.region,
        )

    def events(
        self, page: RawPage[LogsOutputLogEvent], token: str | None = None
    ) -> RawPage[LogEvent]:
        """A page of the operation's items as :class:`LogEvent` s (same next token), the
        page fetched for ``token``.

        The ``tail`` window (no token) cannot be asked for again -- it moves as lines
        arrive -- so its items are anchored by time: item ``i`` is "the events from its
        millisecond on (``startTime``), past the ones of that millisecond before it".
        """
        events = tuple(self._event(raw) for raw in page.items)
        if token is not None or self.tail is None:
            return RawPage(events, page.next_token)
        millis = [to_epoch_millis(event.timestamp) for event in events]

        def anchor(index: int) -> tuple[str, int]:
            # Exact unless the window begins inside a millisecond with earlier events
            # outside it: those would then be read again (repeated, never lost).
            at = millis[index]
            return _AT + str(at), millis[:index].count(at)

        return RawPage(events, page.next_token, anchor)

    def _event(self, raw: LogsOutputLogEvent) -> LogEvent:
        if raw.timestamp is None:
            raise ResponseValidationError(
                f"{GET_LOG_EVENTS.label}: an event without a timestamp in {self.location.stream}"
            )
        stream = self.location.stream
        assert stream is not None
        fields = {"timestamp", "message", "group", "stream"}
        if raw.ingestion_time is not None:
            fields.add("ingestion_time")
        # Already validated (the page's model): construct without validating again.
        return LogEvent.model_construct(
            fields,
            timestamp=raw.timestamp,
            message=raw.message or "",
            group=self.location.group,
            stream=stream,
            ingestion_time=raw.ingestion_time,
        )


#: A stream position batchkit makes itself (``@`` and epoch milliseconds: "the events from
#: then on"), where the service gives no token: inside a ``tail`` window.
_AT = "@"


def check_anchor(token: str | None) -> None:
    """Refuse a forged time anchor in a starting token before any request."""
    if token is not None and token.startswith(_AT):
        _anchor_millis(token)


#: An anchor's milliseconds: ASCII digits only (``str.isdigit`` also takes ``²`` and ``٣``).
_MILLIS = re.compile(r"[0-9]{1,15}")


def _anchor_millis(token: str) -> int:
    text = token[len(_AT) :]
    if not _MILLIS.fullmatch(text):
        raise InvalidParameterError(
            f"starting_token: not a token of a log listing (a time anchor {token[:40]!r})"
        )
    return int(text)


#: Pages in a row with no events but a new forward token that a follower reads at once
#: (CloudWatch Logs sends a few while it moves through a stretch of time without events);
#: past them each such page waits the follow policy's backoff, as an empty poll does.
FREE_EMPTY_PAGES = 4

#: What a :class:`FollowPolicy`'s ``sleep`` may be: a plain function, or (for
#: ``batchkit.aio``'s client only) one returning an awaitable.
Sleep = Callable[[float], Awaitable[None] | None]


@dataclass(frozen=True)
class FollowPolicy:
    """How ``logs(..., follow=...)`` polls a stream that has caught up with the job.

    Each poll that finds nothing new waits ``initial_delay`` seconds, then ``factor`` times
    longer each time up to ``max_delay``; new events reset the wait.  The job is described
    again only when a poll found nothing new, and at most every ``describe_interval``
    seconds; once it is terminal, never again: following ends at the first poll after that
    which finds nothing new.  ``clock`` and ``sleep`` are injectable (tests, event loops).

    ``initial_delay`` and ``max_delay`` are 0.1 s to 366 days (``initial_delay`` may be 0:
    the first poll after the end is at once), ``describe_interval`` 0 to 366 days: shorter
    waits are a busy loop against AWS, longer ones overflow the clocks.

    With ``batchkit.aio``'s client the default sleep is ``asyncio.sleep``, and ``sleep``
    may be a coroutine function (awaited) or a plain function such as a test clock's
    (called: it must not block).  The sync client refuses a coroutine function.

    >>> from batchkit import FollowPolicy
    >>> FollowPolicy(initial_delay=0.5, max_delay=5.0).max_delay
    5.0
    """

    initial_delay: float = 1.0
    max_delay: float = 10.0
    factor: float = 2.0
    describe_interval: float = 15.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    sleep: Sleep = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        for name in ("initial_delay", "max_delay", "factor", "describe_interval"):
            value = getattr(self, name)
            number = not isinstance(value, bool) and isinstance(value, (int, float))
            if not number or not math.isfinite(value) or value < 0:
                raise InvalidParameterError(f"{name}: expected a finite number >= 0, got {value!r}")
        if self.max_delay <= 0:  # else a follow would poll in a loop without ever waiting
            raise InvalidParameterError(f"max_delay: must be > 0 seconds, got {self.max_delay!r}")
        # the waits between polls: 0 (initial_delay: poll again at once, once) or a sane
        # interval, and never so long that the clocks overflow (batchkit._core.checks)
        seconds("initial_delay", self.initial_delay, low=MIN_POLL_SECONDS, zero=True)
        seconds("max_delay", self.max_delay, low=MIN_POLL_SECONDS)
        seconds("describe_interval", self.describe_interval, zero=True)
        if self.factor < 1:
            raise InvalidParameterError(f"factor: must be >= 1, got {self.factor!r}")
        if self.max_delay < self.initial_delay:
            raise InvalidParameterError(
                f"max_delay: must be >= initial_delay ({self.initial_delay}), got {self.max_delay}"
            )
        if not callable(self.clock) or not callable(self.sleep):
            raise InvalidParameterError("clock and sleep: expected callables")

    @property
    def default_sleep(self) -> bool:
        """True when ``sleep`` is the default (``time.sleep``; ``asyncio.sleep`` for async)."""
        return self.sleep is time.sleep


class LogsCore:
    """The sans-I/O rules of ``logs()``: which job (or node) is read, where it logs, and
    -- with a :class:`FollowPolicy` -- when to poll, back off, describe the job again, and
    stop.

    Why a class of its own: ``BatchClient.logs`` and ``batchkit.aio``'s ``logs`` share
    every rule and differ only in how they describe a job, open a Logs client and fetch a
    page (as :class:`~batchkit._core.pager.PagerCore` and :class:`~batchkit._core.watch.WatchCore`).
    The I/O loop, on either face::

        if not core.started:
            job = core.given_job or describe(core.given_id); core.described(job)
            node = core.node_id(job)
            if node: job = describe(node); core.described(job)
            location = core.open(job, default_region)  # open a source when not None
            core.start(job)
        while following:
            if core.pause_due(): sleep(core.next_delay())  # only empty pages with new tokens
            page = fetch() unless no source yet (LogStreamNotFoundError: core.may_wait())
            if core.settle(token, page): return page
            sleep(core.next_delay())
            if core.describe_due(): job = describe(core.job_id); core.described(job)
                                    and if core.open_now(job): open a source
    """

    def __init__(
        self,
        job: JobDetail | str,
        *,
        attempt: int | None,
        node: int | None,
        container: str | None,
        start_ms: int | None,
        tail: int | None,
        follow: FollowPolicy | None,
    ) -> None:
        self.job = job
        self.attempt = attempt
        self.node = node
        self.container = container
        self.start_ms = start_ms
        self.tail = tail
        self.follow = follow
        self.job_id: str | None = None  # the job (or node) whose stream is read
        self.location: LogLocation | None = None
        self._terminal = False
        self._described_at = 0.0
        self._delay = follow.initial_delay if follow is not None else 0.0
        self._empty_moves = 0  # pages in a row with no events but a new token
        self.describes = 0
        """How many DescribeJobs requests the reader made (at most one per poll interval)."""

    @property
    def started(self) -> bool:
        """True once the stream to read is known (or, when following, awaited)."""
        return self.job_id is not None

    @property
    def given_id(self) -> str:
        """The job id or ARN given (when no ``JobDetail`` was)."""
        assert isinstance(self.job, str)
        return self.job

    @property
    def given_job(self) -> JobDetail | None:
        """The ``JobDetail`` given, if one was (no describe needed)."""
        return None if isinstance(self.job, str) else self.job

    def described(self, job: JobDetail) -> None:
        """Count a DescribeJobs the reader made; what we know of the job is this fresh."""
        self.describes += 1
        self._terminal = job.is_terminal
        if self.follow is not None:
            self._described_at = self.follow.clock()

    def node_id(self, job: JobDetail) -> str | None:
        """The node to describe and read instead of ``job`` (a multi-node parent: the node
        asked for, default the main one); None to read ``job`` itself."""
        node = self.node
        properties = job.node_properties
        if properties is not None and job.node_details is None:  # a multi-node parent
            count = properties.num_nodes or 0
            index = node if node is not None else (properties.main_node or 0)
            if not 0 <= index < max(count, 1):
                raise InvalidParameterError(
                    f"node: job {job.job_id} has nodes 0..{count - 1}, got {index}"
                )
            return f"{job.job_id}#{index}"
        if node is not None:
            details = job.node_details
            if details is None:
                raise InvalidParameterError(
                    f"node: job {job.job_id} is not a multi-node parallel job (omit node)"
                )
            if details.node_index != node:
                raise InvalidParameterError(
                    f"node: job {job.job_id} is node {details.node_index}; pass its parent's "
                    f"id to choose node {node}"
                )
        return None

    def open(self, job: JobDetail, default_region: str) -> LogLocation | None:
        """Where ``job`` logs; None while it has no stream yet (only when following: then
        the reader waits for one).  The reader opens a stream source for a location."""
        location = locate(
            job, attempt=self.attempt, container=self.container, default_region=default_region
        )
        self._terminal = job.is_terminal
        if location.stream is None:
            if self.follow is None or job.is_terminal:
                raise no_stream(job, location)
            return None
        self.location = location
        return location

    def start(self, job: JobDetail) -> None:
        """The job (or node) whose stream is read is known: reading starts."""
        self.job_id = job.job_id
        if self.follow is not None:
            self._described_at = self.follow.clock()  # what we know of it is this fresh

    def may_wait(self) -> bool:
        """After a :class:`LogStreamNotFoundError` while following: True to wait for the
        stream (the job may not have created it yet), False to raise it (the job ended)."""
        if self._terminal:
            return False
        log.debug("%s: the stream does not exist yet", GET_LOG_EVENTS.label)
        return True

    def settle(self, token: str | None, page: RawPage[LogEvent] | None) -> bool:
        """True when ``page`` (fetched for ``token``; None: no stream yet) is the answer:
        it has something new (events, or a new token to follow), or it is the end of a job
        that has ended.  False: wait."""
        assert self.follow is not None
        if page is not None and page.items:
            self._delay = self.follow.initial_delay
            self._empty_moves = 0
            return True
        if page is not None and page.next_token != token:
            # No events, a new token: follow it -- but it is no news, so the backoff goes on
            # (see pause_due): an endpoint that answers only this would be polled in a loop.
            self._empty_moves += 1
            return True
        return page is not None and (self._terminal or page.next_token is None)

    def pause_due(self) -> bool:
        """Before a poll: True when the reader must wait first (:meth:`next_delay`): more
        than :data:`FREE_EMPTY_PAGES` pages in a row had no events, only a new token."""
        return self._empty_moves > FREE_EMPTY_PAGES

    def next_delay(self) -> float:
        """How long to wait before the next poll (and back off for the one after)."""
        policy = self.follow
        assert policy is not None
        delay = self._delay
        self._delay = min(delay * policy.factor, policy.max_delay) or policy.max_delay
        return delay

    def describe_due(self) -> bool:
        """After a wait: True when the job should be described again (it has not ended,
        and ``describe_interval`` has passed since it was last described)."""
        policy = self.follow
        assert policy is not None
        assert self.job_id is not None
        due = policy.clock() - self._described_at >= policy.describe_interval
        return not self._terminal and due

    def open_now(self, job: JobDetail) -> bool:
        """After describing ``job`` again: True when its stream should be opened now (none
        was open yet)."""
        self._terminal = job.is_terminal
        return self.location is None


def start_millis(since: datetime | timedelta | None, now: datetime | None = None) -> int | None:
    """``since`` (an aware time, or how long ago) as epoch milliseconds (None: the start)."""
    if since is None:
        return None
    if isinstance(since, timedelta):
        if since < timedelta(0):
            raise InvalidParameterError(f"since: a duration must not be negative, got {since}")
        try:
            moment = (now or datetime.now(timezone.utc)) - since
        except OverflowError:  # "that long ago" is before year 1: from the stream's start
            return 0
    elif isinstance(since, datetime):
        if since.tzinfo is None or since.utcoffset() is None:
            raise InvalidParameterError(
                "since: naive datetime; give a timezone-aware one (e.g. tzinfo=timezone.utc)"
            )
        moment = since
    else:
        raise InvalidParameterError(
            f"since: expected a datetime or timedelta, got {type(since).__name__}"
        )
    return max(to_epoch_millis(moment), 0)  # GetLogEvents' startTime is >= 0


@dataclass(frozen=True)
class LogsPlan:
    """``logs()``' checked arguments: the reader's rules (a fresh :class:`LogsCore` each
    time) and the pager's options.  Shared by the sync and the async client."""

    job: JobDetail | str
    attempt: int | None
    node: int | None
    container: str | None
    start_ms: int | None
    tail: int | None
    follow: FollowPolicy | None
    page_size: int | None
    limit: int | None
    starting_token: str | None

    def core(self) -> LogsCore:
        return LogsCore(
            self.job,
            attempt=self.attempt,
            node=self.node,
            container=self.container,
            start_ms=self.start_ms,
            tail=self.tail,
            follow=self.follow,
        )

    def pager_options(self) -> dict[str, Any]:
        """The keyword arguments of a pager (JobPager, AsyncJobPager) over the events."""
        assert GET_LOG_EVENTS.input_token is not None
        return {
            "label": GET_LOG_EVENTS.label,
            "token_key": GET_LOG_EVENTS.input_token,
            "starting_token": self.starting_token,
            "page_size": self.page_size,
            "max_items": self.limit,
            "model": LogEvent,
            "end_on_repeated_token": GET_LOG_EVENTS.token_repeats_at_end,
        }


def plan_logs(
    job: JobDetail | HasJobId | str,
    *,
    attempt: int | None = None,
    node: int | None = None,
    container: str | None = None,
    since: datetime | timedelta | None = None,
    limit: int | None = None,
    tail: int | None = None,
    follow: bool | FollowPolicy = False,
    page_size: int | None = None,
    starting_token: str | None = None,
    awaits_sleep: bool = False,
) -> LogsPlan:
    """Check ``logs()``' arguments, before any request (``awaits_sleep``: the client awaits
    a coroutine ``sleep``; the sync one refuses it)."""
    given: JobDetail | str = job_argument(job)
    check_optional_int("attempt", attempt, -(2**31))
    check_optional_int("node", node, 0, 10_000)
    if container is not None:
        require_text("container", container)
    check_optional_int("limit", limit, 1)
    check_optional_int("tail", tail, 1, GET_LOG_EVENTS.page_size_max)
    check_optional_int("page_size", page_size, 1, GET_LOG_EVENTS.page_size_max)
    if isinstance(follow, FollowPolicy):
        policy: FollowPolicy | None = follow
    elif isinstance(follow, bool):
        policy = FollowPolicy() if follow else None
    else:
        raise InvalidParameterError(
            f"follow: expected a bool or a FollowPolicy, got {type(follow).__name__}"
        )
    if policy is not None and not awaits_sleep and inspect.iscoroutinefunction(policy.sleep):
        raise InvalidParameterError(ASYNC_SLEEP)
    start_ms = start_millis(since)
    assert GET_LOG_EVENTS.input_token is not None
    check_anchor(decode_token(starting_token, GET_LOG_EVENTS.input_token).token)
    return LogsPlan(
        given, attempt, node, container, start_ms, tail, policy, page_size, limit, starting_token
    )
