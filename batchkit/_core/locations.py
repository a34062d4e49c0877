"""Where a job's output is: its CloudWatch Logs group, stream and region, or why it has none.

Why this is more than a stream name: the stream hides per attempt, per node and per ECS
container; the log group, region and stream prefix come from the job's
``logConfiguration``; array parents, EKS jobs and other log drivers have no stream at all.
:func:`locate` turns a ``JobDetail`` into a :class:`LogLocation`, or a typed error that says
where the logs are instead.  No I/O: the readers (``logs()``, ``why()``) describe the job.

>>> from batchkit.models import JobDetail
>>> job = JobDetail.model_validate({"jobId": "j1", "jobName": "etl", "jobQueue": "q",
...     "status": "SUCCEEDED", "jobDefinition": "etl:1", "startedAt": 0,
...     "container": {"logStreamName": "etl/default/abc"}})
>>> locate(job, default_region="us-east-1").stream
'etl/default/abc'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.exceptions import InvalidRegionError
from botocore.utils import validate_region_name

from batchkit._core.errors import (
    EksJobLogsError,
    InvalidParameterError,
    LogDriverError,
    LogStreamNotFoundError,
    LogsUnavailableError,
)

if TYPE_CHECKING:
    from batchkit.models import JobDetail

__all__ = [
    "DEFAULT_LOG_GROUP",
    "LogLocation",
    "console_domain",
    "job_console_url",
    "job_region",
    "locate",
    "log_console_url",
    "no_stream",
    "partition_of",
]

#: Where AWS Batch sends a job's output when its ``logConfiguration`` names no group.
DEFAULT_LOG_GROUP = "/aws/batch/job"

_JOB_ARN = re.compile(r"arn:(?P<partition>[a-z0-9-]+):batch:(?P<region>[a-z0-9-]+):")
_CONSOLE = {"aws": "console.aws.amazon.com", "aws-cn": "console.amazonaws.cn"}
_CONSOLE_GOV = "console.amazonaws-us-gov.com"


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


def no_stream(job: JobDetail, location: LogLocation) -> LogStreamNotFoundError:
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
