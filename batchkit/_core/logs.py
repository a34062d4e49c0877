"""A job's output from CloudWatch Logs: where it is, and a lazy, resumable pager over it.

Why this is more than a ``get_log_events`` call: the stream name hides per attempt, per
node and per ECS container; the log group, region and stream prefix come from the job's
``logConfiguration``; array parents, EKS jobs and other log drivers have no stream at all;
and ``GetLogEvents`` never ends a listing by itself -- at the end of a stream it sends back
the token it was given.  Here a job becomes a :class:`LogLocation` (or a typed error that
says where the logs are instead), and a location becomes a :class:`~batchkit.JobPager` of
:class:`LogEvent` on the operations table's ``GET_LOG_EVENTS`` row, ended by the repeated
forward token.  ``follow`` keeps polling (with backoff, on an injectable clock) until the
job is terminal and no more events come.

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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.exceptions import InvalidRegionError
from botocore.utils import validate_region_name
from pydantic import Field

from batchkit._core.errors import (
    EksJobLogsError,
    InvalidParameterError,
    LogDriverError,
    LogStreamNotFoundError,
    LogsUnavailableError,
    NotFoundError,
    ResponseValidationError,
)
from batchkit._core.pager import JobPager, decode_token
from batchkit._spec.base import BatchKitModel, EpochMillis
from batchkit._spec.operations import GET_LOG_EVENTS
from batchkit._spec.time import to_epoch_millis
from batchkit._wire.pages import PageSource, RawPage

if TYPE_CHECKING:
    from batchkit._sync.client import BatchClient
    from batchkit.models import JobDetail, LogsOutputLogEvent

__all__ = [
    "DEFAULT_LOG_GROUP",
    "FollowPolicy",
    "LogEvent",
    "LogLocation",
    "LogsCore",
    "LogsPlan",
    "StreamSteps",
    "console_domain",
    "job_console_url",
    "locate",
    "log_console_url",
    "open_logs",
    "partition_of",
    "plan_logs",
]

log = logging.getLogger("batchkit")

#: Where AWS Batch sends a job's output when its ``logConfiguration`` names no group.
DEFAULT_LOG_GROUP = "/aws/batch/job"

_JOB_ARN = re.compile(r"arn:(?P<partition>[a-z0-9-]+):batch:(?P<region>[a-z0-9-]+):")
_CONSOLE = {"aws": "console.aws.amazon.com", "aws-cn": "console.amazonaws.cn"}
_CONSOLE_GOV = "console.amazonaws-us-gov.com"


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


def console_domain(partition: str) -> str:
    """The AWS console's host name for a partition (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    if partition.startswith("aws-us-gov"):
        return _CONSOLE_GOV
    return _CONSOLE.get(partition, _CONSOLE["aws"])


def partition_of(job_arn: str | None) -> str:
    """The partition of a job ARN (``aws``, ``aws-cn``, ``aws-us-gov``); ``aws`` if unknown."""
    match = _JOB_ARN.match(job_arn or "")
    return match["partition"] if match else "aws"


def job_console_url(job_id: str, region: str, partition: str = "aws") -> str:
    """The AWS Batch console page of a job."""
    return (
        f"https://{region}.{console_domain(partition)}/batch/home?region={region}"
        f"#jobs/detail/{quote(job_id, safe='')}"
    )


def _console_escape(text: str) -> str:
    # The CloudWatch console's fragment escapes a URL-encoded name once more: % -> $25.
    return quote(text, safe="").replace("%", "$25")


def log_console_url(group: str, stream: str | None, region: str, partition: str = "aws") -> str:
    """The CloudWatch console page of a log stream (of the group, without a stream)."""
    url = (
        f"https://{region}.{console_domain(partition)}/cloudwatch/home?region={region}"
        f"#logsV2:log-groups/log-group/{_console_escape(group)}"
    )
    return url if stream is None else f"{url}/log-events/{_console_escape(stream)}"


@dataclass(frozen=True)
class LogLocation:
    """Where one attempt / node / container of a job logs: a CloudWatch Logs stream."""

    job_id: str
    group: str
    stream: str | None
    """None while the job has no stream yet (it has not started)."""
    region: str
    partition: str = "aws"
    attempt: int | None = None
    """The attempt's index in ``JobDetail.attempts`` (None: the current / latest one)."""
    container: str | None = None
    """The ECS task container's name (jobs with ``ecsProperties``)."""
    derived: bool = False
    """The stream name was built from the stream prefix and task id (Batch did not report it)."""

    @property
    def console_url(self) -> str:
        """The CloudWatch console page of the stream (of the group while there is none)."""
        return log_console_url(self.group, self.stream, self.region, self.partition)

    def describe(self) -> str:
        where = f"log group {self.group!r} in {self.region}"
        return f"stream {self.stream!r} of {where}" if self.stream else where


_DRIVER_HOME = {
    "json-file": "on the container instance's disk (docker logs; /var/lib/docker/containers)",
    "journald": "in the container instance's systemd journal (journalctl)",
    "syslog": "in syslog{syslog-address}",
    "gelf": "at the GELF endpoint{gelf-address}",
    "fluentd": "at the Fluentd collector{fluentd-address}",
    "splunk": "in Splunk{splunk-url}",
    "awsfirelens": "wherever the job's FireLens (Fluent Bit / Fluentd) configuration sends it",
}
_ADDRESS_OPTIONS = ("syslog-address", "gelf-address", "fluentd-address", "splunk-url")


def _driver_home(driver: str, options: Mapping[str, str]) -> str:
    template = _DRIVER_HOME.get(driver, "wherever that driver sends it")
    for key in _ADDRESS_OPTIONS:  # addresses only: other options can hold tokens
        value = options.get(key)
        template = template.replace("{" + key + "}", f" ({value})" if value else "")
    return template


def _definition_name(job: JobDetail) -> str:
    return job.job_definition.rsplit("/", 1)[-1].split(":", 1)[0]


def job_region(job: JobDetail, default: str) -> str:
    """The region of a job (from its ARN), else ``default``."""
    match = _JOB_ARN.match(job.job_arn or "")
    return match["region"] if match else default


def _check_eks(job: JobDetail) -> None:
    if job.eks_properties is None and not job.eks_attempts:
        return
    pod = namespace = cluster = None
    if job.eks_attempts:
        last = job.eks_attempts[-1]
        pod, namespace, cluster = last.pod_name, last.pod_namespace, last.eks_cluster_arn
    if pod is None and job.eks_properties is not None and job.eks_properties.pod_properties:
        pod = job.eks_properties.pod_properties.pod_name
    command = f"kubectl logs --namespace {namespace or '<namespace>'} {pod or '<pod>'}"
    on = f" on cluster {cluster}" if cluster else ""
    raise EksJobLogsError(
        f"job {job.job_id} runs on Amazon EKS: Batch records no CloudWatch Logs stream for "
        f"it; its output is the pod's ({command}{on}), or wherever the cluster ships "
        "container logs (CloudWatch Container Insights, Fluent Bit)",
        job_id=job.job_id,
    )


def _check_array_parent(job: JobDetail) -> None:
    array = job.array_properties
    if array is None or array.index is not None or not array.size:
        return
    raise LogsUnavailableError(
        f"job {job.job_id} is an array job: it has no output of its own, each child has "
        f"its own log stream; pass a child's id ({job.job_id}:0 .. {job.job_id}:{array.size - 1})",
        job_id=job.job_id,
    )


def _pick_container(containers: tuple[Any, ...], name: str | None, job_id: str) -> Any:
    if name is not None:
        for candidate in containers:
            if candidate.name == name:
                return candidate
        names = ", ".join(repr(c.name) for c in containers if c.name) or "none"
        raise InvalidParameterError(
            f"container: job {job_id} has no container named {name!r} (it has: {names})"
        )
    for candidate in containers:
        if candidate.essential is not False:
            return candidate
    return containers[0]


def locate(
    job: JobDetail,
    *,
    attempt: int | None = None,
    container: str | None = None,
    default_region: str,
) -> LogLocation:
    """Where ``job`` (a container or ECS job, a node or an array child) logs.

    The group, region and stream prefix come from the job's ``logConfiguration``
    (``awslogs-group``, default ``/aws/batch/job``; ``awslogs-region``, default the job's
    region; ``awslogs-stream-prefix``, used to name the stream of an attempt Batch did not
    report one for).  ``attempt`` indexes ``job.attempts`` (negative from the end; None:
    the current one).

    Raises:
        EksJobLogsError: an EKS job.
        LogsUnavailableError: an array parent (its children have the logs).
        LogDriverError: the job logs with a driver other than ``awslogs``.
        InvalidParameterError: ``attempt`` out of range, or an unknown ``container``.
    """
    _check_eks(job)
    _check_array_parent(job)
    attempts = job.attempts or ()
    chosen = None
    index: int | None = None
    if attempt is not None:
        if not -len(attempts) <= attempt < len(attempts):
            have = f"attempts 0..{len(attempts) - 1}" if attempts else "no attempts yet"
            raise InvalidParameterError(
                f"attempt: job {job.job_id} has {have}, got {attempt} (omit it for the latest)"
            )
        index = attempt % len(attempts)
        chosen = attempts[index]
    stream: str | None
    task_arn: str | None
    container_name: str | None = None
    if job.ecs_properties is not None:
        tasks = job.ecs_properties.task_properties or ()
        containers = tasks[0].containers if tasks and tasks[0].containers else ()
        if not containers:
            raise LogsUnavailableError(
                f"job {job.job_id} has ECS properties but no task containers", job_id=job.job_id
            )
        picked = _pick_container(containers, container, job.job_id)
        container_name = picked.name
        config = picked.log_configuration
        stream, task_arn = picked.log_stream_name, tasks[0].task_arn
        if chosen is not None:
            stream = task_arn = None
            for attempt_task in chosen.task_properties or ():
                task_arn = attempt_task.task_arn
                for attempt_container in attempt_task.containers or ():
                    if attempt_container.name == container_name:
                        stream = attempt_container.log_stream_name
    else:
        if container is not None:
            raise InvalidParameterError(
                f"container: job {job.job_id} is not an ECS-properties job with named "
                "containers (omit container)"
            )
        current = job.container
        config = current.log_configuration if current is not None else None
        if chosen is not None:
            chosen_container = chosen.container
            stream = chosen_container.log_stream_name if chosen_container else None
            task_arn = chosen_container.task_arn if chosen_container else None
        else:
            stream = job.log_stream_name
            task_arn = current.task_arn if current is not None else None
    driver = "awslogs"
    options: Mapping[str, str] = {}
    if config is not None:
        if config.log_driver is not None:
            driver = config.log_driver.value
        options = config.options or {}
    if driver != "awslogs":
        raise LogDriverError(
            f"job {job.job_id} logs with the {driver!r} log driver, not awslogs: its output "
            f"is not in CloudWatch Logs but {_driver_home(driver, options)}",
            job_id=job.job_id,
            driver=driver,
        )
    derived = False
    prefix = options.get("awslogs-stream-prefix")
    if stream is None and task_arn:
        task_id = task_arn.rsplit("/", 1)[-1]
        stream = f"{prefix or _definition_name(job)}/{container_name or 'default'}/{task_id}"
        derived = True
    region = options.get("awslogs-region") or job_region(job, default_region)
    try:  # the job's own configuration (text AWS returns), checked as botocore will check it
        validate_region_name(region)
    except InvalidRegionError:
        raise LogsUnavailableError(
            f"job {job.job_id}: its log configuration names the region {region[:64]!r}, "
            "which is not a region name",
            job_id=job.job_id,
        ) from None
    return LogLocation(
        job_id=job.job_id,
        group=options.get("awslogs-group") or DEFAULT_LOG_GROUP,
        stream=stream,
        region=region,
        partition=partition_of(job.job_arn),
        attempt=index,
        container=container_name,
        derived=derived,
    )


def _no_stream(job: JobDetail, location: LogLocation) -> LogStreamNotFoundError:
    status = job.status.value if job.status is not None else "unknown"
    if job.is_terminal:
        why = (
            f"it ended ({status}) without one: its container never started"
            + (f" ({job.status_reason})" if job.status_reason else "")
            + "; see the job's status reason"
        )
    else:
        why = f"it has not started yet ({status}); follow=True waits for it"
    return LogStreamNotFoundError(
        f"job {job.job_id} has no log stream: {why}",
        job_id=job.job_id,
        group=location.group,
        region=location.region,
    )


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


def _check_anchor(token: str | None) -> None:
    """Refuse a forged time anchor in a starting token before any request."""
    if token is not None and token.startswith(_AT):
        _anchor_millis(token)


def _anchor_millis(token: str) -> int:
    text = token[len(_AT) :]
    if not text.isdigit() or len(text) > 15:
        raise InvalidParameterError(
            f"starting_token: not a token of a log listing (a time anchor {token[:40]!r})"
        )
    return int(text)


class _StreamSource(PageSource["LogEvent"]):
    """GetLogEvents pages of one stream, as :class:`LogEvent` s (:class:`StreamSteps`
    around a blocking call)."""

    def __init__(
        self,
        client: Any,
        location: LogLocation,
        *,
        start_ms: int | None = None,
        tail: int | None = None,
        fast: bool = True,
    ) -> None:
        self.steps = StreamSteps(location, start_ms=start_ms, tail=tail)
        super().__init__(client, GET_LOG_EVENTS, self.steps.params, fast=fast)

    @property
    def location(self) -> LogLocation:
        return self.steps.location

    def fetch(self, token: str | None, page_size: int | None) -> RawPage[LogEvent]:
        request = self.steps.request(token, page_size)
        try:
            page: RawPage[LogsOutputLogEvent] = self.call(request)  # type: ignore[assignment]
        except NotFoundError as error:
            raise self.steps.missing(error) from error
        return self.steps.events(page, token)


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
                raise _no_stream(job, location)
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
        it has something new, or it is the end of a job that has ended.  False: wait."""
        assert self.follow is not None
        if page is not None and (page.items or page.next_token != token):
            self._delay = self.follow.initial_delay
            return True
        return page is not None and (self._terminal or page.next_token is None)

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


class _JobLogs:
    """The page fetcher of ``BatchClient.logs``: :class:`LogsCore`'s rules around blocking
    calls.  Finds the stream on the first fetch (lazy), then reads it; with a
    :class:`FollowPolicy`, waits at the end of the stream for more until the job is
    terminal and a poll after that finds nothing new."""

    def __init__(self, batch: BatchClient, core: LogsCore, *, fast: bool) -> None:
        self._batch = batch
        self._core = core
        self._fast = fast
        self._source: _StreamSource | None = None

    @property
    def location(self) -> LogLocation | None:
        """Where the events come from, once known."""
        return self._core.location

    @property
    def describes(self) -> int:
        """How many DescribeJobs requests this reader made."""
        return self._core.describes

    def _describe(self, job_id: str) -> JobDetail:
        job = self._batch.describe_job(job_id)
        self._core.described(job)
        return job

    def _open(self, job: JobDetail) -> None:
        location = self._core.open(job, self._batch.client.meta.region_name)
        if location is not None:
            client = self._batch._logs_client(location.region)
            self._source = _StreamSource(
                client,
                location,
                start_ms=self._core.start_ms,
                tail=self._core.tail,
                fast=self._fast,
            )

    def fetch(self, token: str | None, page_size: int | None) -> RawPage[LogEvent]:
        core = self._core
        if not core.started:
            job = core.given_job or self._describe(core.given_id)
            node = core.node_id(job)
            if node is not None:
                job = self._describe(node)
            self._open(job)
            core.start(job)
        if core.follow is None:
            assert self._source is not None
            return self._source.fetch(token, page_size)
        return self._poll(core.follow, token, page_size)

    def _poll(
        self, policy: FollowPolicy, token: str | None, page_size: int | None
    ) -> RawPage[LogEvent]:
        core = self._core
        while True:
            page: RawPage[LogEvent] | None = None
            if self._source is not None:
                try:
                    page = self._source.fetch(token, page_size)
                except LogStreamNotFoundError:
                    if not core.may_wait():
                        raise
            if core.settle(token, page):
                assert page is not None
                return page
            outcome = policy.sleep(core.next_delay())
            if outcome is not None:
                _refuse_awaitable(outcome)
            if core.describe_due():
                assert core.job_id is not None
                job = self._describe(core.job_id)
                if core.open_now(job):
                    self._open(job)


_ASYNC_SLEEP = (
    "follow: the FollowPolicy's sleep returned an awaitable; an async sleep is for "
    "batchkit.aio's AsyncBatchClient.logs (the sync client needs a plain function)"
)


def _refuse_awaitable(outcome: object) -> None:
    close = getattr(outcome, "close", None)
    if callable(close):
        close()  # a coroutine never awaited: no "never awaited" warning
    raise InvalidParameterError(_ASYNC_SLEEP)


def _check_optional_int(name: str, value: object, low: int, high: int | None = None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError(f"{name}: expected an int, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise InvalidParameterError(f"{name}: must be {bound}, got {value}")


def start_millis(since: datetime | timedelta | None, now: datetime | None = None) -> int | None:
    """``since`` (an aware time, or how long ago) as epoch milliseconds (None: the start)."""
    if since is None:
        return None
    if isinstance(since, timedelta):
        if since < timedelta(0):
            raise InvalidParameterError(f"since: a duration must not be negative, got {since}")
        moment = (now or datetime.now(timezone.utc)) - since
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
    job: JobDetail | str,
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
    async_sleep: bool = False,
) -> LogsPlan:
    """Check ``logs()``' arguments, before any request (``async_sleep``: the client awaits
    a coroutine ``sleep``; the sync one refuses it)."""
    from batchkit._core.errors import require_text
    from batchkit.models import JobDetail

    if isinstance(job, str):
        require_text("job", job)
    elif not isinstance(job, JobDetail):
        raise InvalidParameterError(
            f"job: expected a JobDetail, a job id or a job ARN, got {type(job).__name__}"
        )
    _check_optional_int("attempt", attempt, -(2**31))
    _check_optional_int("node", node, 0, 10_000)
    if container is not None:
        require_text("container", container)
    _check_optional_int("limit", limit, 1)
    _check_optional_int("tail", tail, 1, GET_LOG_EVENTS.page_size_max)
    _check_optional_int("page_size", page_size, 1, GET_LOG_EVENTS.page_size_max)
    if isinstance(follow, FollowPolicy):
        policy: FollowPolicy | None = follow
    elif isinstance(follow, bool):
        policy = FollowPolicy() if follow else None
    else:
        raise InvalidParameterError(
            f"follow: expected a bool or a FollowPolicy, got {type(follow).__name__}"
        )
    if policy is not None and not async_sleep and inspect.iscoroutinefunction(policy.sleep):
        raise InvalidParameterError(_ASYNC_SLEEP)
    start_ms = start_millis(since)
    assert GET_LOG_EVENTS.input_token is not None
    _check_anchor(decode_token(starting_token, GET_LOG_EVENTS.input_token).token)
    return LogsPlan(
        job, attempt, node, container, start_ms, tail, policy, page_size, limit, starting_token
    )


def open_logs(batch: BatchClient, job: JobDetail | str, **arguments: Any) -> JobPager[LogEvent]:
    """The pager of ``BatchClient.logs`` (arguments checked here, before any request)."""
    plan = plan_logs(job, **arguments)
    source = _JobLogs(batch, plan.core(), fast=batch._fast)
    return JobPager([source], **plan.pager_options())


def stream_pager(
    client: Any,
    location: LogLocation,
    *,
    since: datetime | timedelta | None = None,
    tail: int | None = None,
    page_size: int | None = None,
    starting_token: str | None = None,
    fast: bool = True,
) -> JobPager[LogEvent]:
    """A pager over one known stream with a CloudWatch Logs client (no job involved)."""
    from batchkit._wire import fastpath as _fastpath

    _fastpath.install(client)
    assert GET_LOG_EVENTS.input_token is not None
    _check_anchor(decode_token(starting_token, GET_LOG_EVENTS.input_token).token)
    source = _StreamSource(client, location, start_ms=start_millis(since), tail=tail, fast=fast)
    return JobPager(
        [source],
        label=GET_LOG_EVENTS.label,
        token_key=GET_LOG_EVENTS.input_token,
        starting_token=starting_token,
        page_size=page_size,
        model=LogEvent,
        end_on_repeated_token=GET_LOG_EVENTS.token_repeats_at_end,
    )
