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

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import Field

from batchkit._errors import (
    EksJobLogsError,
    InvalidParameterError,
    LogDriverError,
    LogStreamNotFoundError,
    LogsUnavailableError,
    NotFoundError,
    ResponseValidationError,
)
from batchkit._model_base import BatchKitModel, EpochMillis
from batchkit._operations import GET_LOG_EVENTS
from batchkit._pager import JobPager, decode_token
from batchkit._pages import PageSource, RawPage
from batchkit._time import to_epoch_millis

if TYPE_CHECKING:
    from batchkit._client import BatchClient
    from batchkit.models import JobDetail, LogsOutputLogEvent

__all__ = [
    "DEFAULT_LOG_GROUP",
    "FollowPolicy",
    "LogEvent",
    "LogLocation",
    "console_domain",
    "job_console_url",
    "locate",
    "log_console_url",
    "open_logs",
    "partition_of",
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
    return LogLocation(
        job_id=job.job_id,
        group=options.get("awslogs-group") or DEFAULT_LOG_GROUP,
        stream=stream,
        region=options.get("awslogs-region") or job_region(job, default_region),
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


class _StreamSource(PageSource["LogEvent"]):
    """GetLogEvents pages of one stream, as :class:`LogEvent` s.

    Reads forward (``startFromHead``); with ``tail`` the first page is the last ``tail``
    events instead (one request), and reading goes on forward from there.  A stream that
    does not exist is a :class:`LogStreamNotFoundError` naming where it was looked for.
    """

    def __init__(
        self,
        client: Any,
        location: LogLocation,
        *,
        start_ms: int | None = None,
        tail: int | None = None,
        fast: bool = True,
    ) -> None:
        assert location.stream is not None
        params: dict[str, Any] = {
            "logGroupName": location.group,
            "logStreamName": location.stream,
            "startFromHead": True,
        }
        if start_ms is not None:
            params["startTime"] = start_ms
        super().__init__(client, GET_LOG_EVENTS, params, fast=fast)
        self.location = location
        self.tail = tail

    def fetch(self, token: str | None, page_size: int | None) -> RawPage[LogEvent]:
        request = dict(self.params)
        operation = self.operation
        assert operation.input_token is not None
        assert operation.limit_key is not None
        if token is not None:
            request[operation.input_token] = token
        elif self.tail is not None:
            request["startFromHead"] = False
            page_size = self.tail
        if page_size is not None:
            request[operation.limit_key] = page_size
        try:
            page: RawPage[LogsOutputLogEvent] = self.call(request)  # type: ignore[assignment]
        except NotFoundError as error:
            location = self.location
            raise LogStreamNotFoundError(
                f"{location.describe()} does not exist (not yet: the job has only just "
                "started; or not anymore: the group's retention deleted it) -- "
                f"AWS: {error.message}; console: {location.console_url}",
                job_id=location.job_id,
                group=location.group,
                stream=location.stream,
                region=location.region,
            ) from error
        events = tuple(self._event(raw) for raw in page.items)
        return RawPage(events, page.next_token)

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


@dataclass(frozen=True)
class FollowPolicy:
    """How ``logs(..., follow=...)`` polls a stream that has caught up with the job.

    Each poll that finds nothing new waits ``initial_delay`` seconds, then ``factor`` times
    longer each time up to ``max_delay``; new events reset the wait.  The job is described
    again only when a poll found nothing new, and at most every ``describe_interval``
    seconds; once it is terminal, never again: following ends at the first poll after that
    which finds nothing new.  ``clock`` and ``sleep`` are injectable (tests, event loops).

    >>> from batchkit import FollowPolicy
    >>> FollowPolicy(initial_delay=0.5, max_delay=5.0).max_delay
    5.0
    """

    initial_delay: float = 1.0
    max_delay: float = 10.0
    factor: float = 2.0
    describe_interval: float = 15.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        for name in ("initial_delay", "max_delay", "factor", "describe_interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InvalidParameterError(f"{name}: expected a number >= 0, got {value!r}")
        if self.factor < 1:
            raise InvalidParameterError(f"factor: must be >= 1, got {self.factor!r}")
        if self.max_delay < self.initial_delay:
            raise InvalidParameterError(
                f"max_delay: must be >= initial_delay ({self.initial_delay}), got {self.max_delay}"
            )
        if not callable(self.clock) or not callable(self.sleep):
            raise InvalidParameterError("clock and sleep: expected callables")


class _JobLogs:
    """The page fetcher of ``BatchClient.logs``: finds the stream on the first fetch (lazy),
    then reads it; with a :class:`FollowPolicy`, waits at the end of the stream for more
    until the job is terminal and a poll after that finds nothing new."""

    def __init__(
        self,
        batch: BatchClient,
        job: JobDetail | str,
        *,
        attempt: int | None,
        node: int | None,
        container: str | None,
        start_ms: int | None,
        tail: int | None,
        follow: FollowPolicy | None,
        fast: bool,
    ) -> None:
        self._batch = batch
        self._job = job
        self._attempt = attempt
        self._node = node
        self._container = container
        self._start_ms = start_ms
        self._tail = tail
        self._follow = follow
        self._fast = fast
        self._job_id: str | None = None  # the job (or node) whose stream is read
        self._source: _StreamSource | None = None
        self._terminal = False
        self._described_at = 0.0
        self._delay = follow.initial_delay if follow is not None else 0.0
        self.describes = 0
        """How many DescribeJobs requests this reader made (at most one per poll interval)."""

    @property
    def location(self) -> LogLocation | None:
        """Where the events come from, once known."""
        return None if self._source is None else self._source.location

    def _describe(self, job_id: str) -> JobDetail:
        self.describes += 1
        job = self._batch.describe_job(job_id)
        if self._follow is not None:
            self._described_at = self._follow.clock()
        return job

    def _target(self) -> JobDetail:
        """The job whose stream is read: the job itself, or the chosen node of a
        multi-node job (described)."""
        job = self._job
        if isinstance(job, str):
            job = self._describe(job)
        node = self._node
        properties = job.node_properties
        if properties is not None and job.node_details is None:  # a multi-node parent
            count = properties.num_nodes or 0
            index = node if node is not None else (properties.main_node or 0)
            if not 0 <= index < max(count, 1):
                raise InvalidParameterError(
                    f"node: job {job.job_id} has nodes 0..{count - 1}, got {index}"
                )
            return self._describe(f"{job.job_id}#{index}")
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
        return job

    def _open(self, job: JobDetail) -> _StreamSource | None:
        """The stream's source; None while the job has no stream yet (when following)."""
        region = self._batch.client.meta.region_name
        location = locate(
            job, attempt=self._attempt, container=self._container, default_region=region
        )
        self._terminal = job.is_terminal
        if location.stream is None:
            if self._follow is None or job.is_terminal:
                raise _no_stream(job, location)
            return None
        client = self._batch._logs_client(location.region)
        return _StreamSource(
            client, location, start_ms=self._start_ms, tail=self._tail, fast=self._fast
        )

    def fetch(self, token: str | None, page_size: int | None) -> RawPage[LogEvent]:
        if self._job_id is None:
            job = self._target()
            self._source = self._open(job)
            self._job_id = job.job_id
            if self._follow is not None:
                self._described_at = self._follow.clock()  # what we know of it is this fresh
        if self._follow is None:
            assert self._source is not None
            return self._source.fetch(token, page_size)
        return self._poll(token, page_size)

    def _poll(self, token: str | None, page_size: int | None) -> RawPage[LogEvent]:
        while True:
            terminal_before = self._terminal
            page: RawPage[LogEvent] | None = None
            if self._source is not None:
                try:
                    page = self._source.fetch(token, page_size)
                except LogStreamNotFoundError:
                    if terminal_before:
                        raise
                    log.debug("%s: the stream does not exist yet", GET_LOG_EVENTS.label)
            if page is not None and (page.items or page.next_token != token):
                assert self._follow is not None
                self._delay = self._follow.initial_delay
                return page
            if page is not None and (terminal_before or page.next_token is None):
                return page  # caught up with a job that has ended: the end
            self._wait()

    def _wait(self) -> None:
        policy = self._follow
        assert policy is not None
        assert self._job_id is not None
        policy.sleep(self._delay)
        self._delay = min(self._delay * policy.factor, policy.max_delay) or policy.max_delay
        due = policy.clock() - self._described_at >= policy.describe_interval
        if not self._terminal and due:
            job = self._describe(self._job_id)
            self._terminal = job.is_terminal
            if self._source is None:
                self._source = self._open(job)


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


def open_logs(
    batch: BatchClient,
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
) -> JobPager[LogEvent]:
    """The pager of ``BatchClient.logs`` (arguments checked here, before any request)."""
    from batchkit._errors import require_text
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
    start_ms = start_millis(since)
    assert GET_LOG_EVENTS.input_token is not None
    decode_token(starting_token, GET_LOG_EVENTS.input_token)
    source = _JobLogs(
        batch,
        job,
        attempt=attempt,
        node=node,
        container=container,
        start_ms=start_ms,
        tail=tail,
        follow=policy,
        fast=batch._fast,
    )
    return JobPager(
        [source],
        label=GET_LOG_EVENTS.label,
        token_key=GET_LOG_EVENTS.input_token,
        starting_token=starting_token,
        page_size=page_size,
        max_items=limit,
        model=LogEvent,
        end_on_repeated_token=GET_LOG_EVENTS.token_repeats_at_end,
    )


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
    from batchkit import _fastpath

    _fastpath.install(client)
    assert GET_LOG_EVENTS.input_token is not None
    decode_token(starting_token, GET_LOG_EVENTS.input_token)
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
