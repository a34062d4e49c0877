"""``why(job)``: why a job failed, in one object you can print, show or branch on (the
sans-I/O part: the loop that describes the job and reads its last log lines is
``batchkit._async.report``, generated into ``batchkit._sync.report``).

Why: after "what failed" people always ask "why", and the answer is spread over the job's
status reason, each attempt's container reason and exit code, and the last lines of a log
stream whose name hides per attempt and node.  A :class:`FailureReport` gathers them, adds
console links, and classifies the failure (:class:`FailureKind`, an open enum: code can
branch on it and a kind added later never breaks it).

>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> job = fake.add_job("q", job_name="train", status="FAILED", exit_code=1,
...                    status_reason="Essential container in task exited")
>>> report = fake.batch_client().why(job.job_id, lines=3)
>>> report.kind, report.exit_code, len(report.log_lines)
(FailureKind.NON_ZERO_EXIT, 1, 3)
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from batchkit._core.errors import BatchKitError, InvalidParameterError, LogsUnavailableError
from batchkit._core.locations import LogLocation, job_console_url, job_region, partition_of
from batchkit._core.logs import LogEvent
from batchkit._core.text import escape_controls
from batchkit._spec.base import InterruptSafeDumps, OpenEnum
from batchkit._spec.models.list_jobs import JobStatus

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from batchkit.models import AttemptDetail, JobDetail, JobSummary

__all__ = [
    "MAX_FAILED_READ",
    "AttemptReport",
    "ChildrenSummary",
    "ChildrenTally",
    "FailureGroup",
    "FailureKind",
    "FailureReport",
    "JobReport",
    "assemble_report",
    "check_report_job",
    "children_plan",
    "classify",
    "classify_summary",
    "failed_children",
    "logs_error_text",
    "main_node",
]


class FailureKind(OpenEnum):
    """What kind of failure a job had (an open enum: compare with ``==``, unknown kinds
    from a newer batchkit are kept)."""

    OUT_OF_MEMORY = "OUT_OF_MEMORY"
    """The container was killed for using more memory than it had (exit 137, OOM reasons)."""
    IMAGE_PULL = "IMAGE_PULL"
    """The container image could not be pulled: the container never started."""
    HOST_TERMINATED = "HOST_TERMINATED"
    """The instance (often a reclaimed Spot instance) or task stopped under the job."""
    TIMEOUT = "TIMEOUT"
    """An attempt ran longer than the job's timeout."""
    DEPENDENCY_FAILED = "DEPENDENCY_FAILED"
    """A job it depends on failed, so it never ran."""
    CANCELLED = "CANCELLED"
    """Cancelled or terminated by a user (CancelJob / TerminateJob)."""
    NON_ZERO_EXIT = "NON_ZERO_EXIT"
    """The program exited with a non-zero code: its log says why."""
    UNKNOWN = "UNKNOWN"
    """Failed, but nothing AWS reported matches a known kind."""
    NOT_FAILED = "NOT_FAILED"
    """The job has not failed (it succeeded, or has not ended)."""


#: What to do about each kind, for people reading a report.
ADVICE = {
    FailureKind.OUT_OF_MEMORY: "the container ran out of memory: raise the job's memory "
    "(resourceRequirements MEMORY) or use less",
    FailureKind.IMAGE_PULL: "the image could not be pulled: check the image name and tag, "
    "the registry's permissions (execution role) and the network path to the registry",
    FailureKind.HOST_TERMINATED: "the host went away under the job (Spot reclaim or "
    "instance termination): retry it (a retryStrategy with evaluateOnExit for "
    "'Host EC2*' does this automatically)",
    FailureKind.TIMEOUT: "an attempt exceeded the job's timeout (attemptDurationSeconds): "
    "raise it or make the job faster",
    FailureKind.DEPENDENCY_FAILED: "a job it depends on failed: look at that job first",
    FailureKind.CANCELLED: "a user cancelled or terminated it",
    FailureKind.NON_ZERO_EXIT: "the program exited with an error: the log lines say why",
    FailureKind.UNKNOWN: "no known cause: read the status reason and the log",
    FailureKind.NOT_FAILED: "the job has not failed",
}

_OOM = ("outofmemory", "out of memory", "oomkilled", "memory usage", "oom-kill", "oom kill")
_PULL = (
    "cannotpullcontainer",
    "pull image",
    "pulling image",
    "errimagepull",
    "imagepullbackoff",
    "image pull",
    "unable to pull",
    "manifest unknown",
)
_HOST = (
    "host ec2",
    "spot",
    "instance terminated",
    "host terminated",
    "task stopped by",
    "capacity was reclaimed",
    "ec2 instance",
)
_TIMEOUT = ("timeout", "timed out", "attempt duration exceeded", "duration exceeded")
_DEPENDENCY = ("dependent job failed", "dependency", "depends on")
_CANCELLED = (
    "cancelled by user",
    "canceled by user",
    "terminated by user",
    "cancelled by",
    "canceled by",  # AWS's spelling: "Canceled by JobStateTimeLimit action due to reason: ..."
)


def _reasons(job: JobDetail) -> str:
    """Every reason AWS gave for the job and its latest attempt, lower-cased, one text."""
    parts: list[str | None] = [job.status_reason]
    if job.container is not None:
        parts.append(job.container.reason)
    attempt = job.latest_attempt
    if attempt is not None:
        parts.append(attempt.status_reason)
        if attempt.container is not None:
            parts.append(attempt.container.reason)
        for attempt_task in attempt.task_properties or ():
            parts += [c.reason for c in attempt_task.containers or ()]
    if job.ecs_properties is not None:
        for task in job.ecs_properties.task_properties or ():
            parts += [c.reason for c in task.containers or ()]
    for eks in job.eks_attempts or ():
        parts.append(eks.status_reason)
        parts += [c.reason for c in eks.containers or ()]
    return " | ".join(p for p in parts if p).lower()


def _exit_codes(job: JobDetail) -> list[int]:
    codes: list[int | None] = [job.exit_code]
    if job.ecs_properties is not None:
        for task in job.ecs_properties.task_properties or ():
            codes += [c.exit_code for c in task.containers or ()]
    attempt = job.latest_attempt
    if attempt is not None:
        for attempt_task in attempt.task_properties or ():
            codes += [c.exit_code for c in attempt_task.containers or ()]
    for eks in (job.eks_attempts or ())[-1:]:
        codes += [c.exit_code for c in eks.containers or ()]
    return [c for c in codes if c is not None]


def classify(job: JobDetail) -> FailureKind:
    """The kind of failure of ``job`` (:attr:`FailureKind.NOT_FAILED` unless it FAILED).

    The order decides when several signs are present: a failed dependency, then a user's
    cancel/terminate, a timeout, an image pull failure, a lost host, out of memory (exit
    137 or an OOM reason), any other non-zero exit, else unknown.

    >>> from batchkit.models import JobDetail
    >>> job = JobDetail.model_validate({"jobName": "a", "jobId": "1", "jobQueue": "q",
    ...     "status": "FAILED", "jobDefinition": "d", "container": {"exitCode": 137}})
    >>> classify(job)
    FailureKind.OUT_OF_MEMORY
    """
    status = job.status.value if job.status is not None else None
    if status != "FAILED":
        return FailureKind.NOT_FAILED
    cancelled = bool(job.is_cancelled or job.is_terminated)
    return _classify(_reasons(job), _exit_codes(job), cancelled)


def classify_summary(job: JobSummary) -> FailureKind:
    """:func:`classify` from what a ListJobs summary carries (status reason, the container's
    reason and exit code): how a parent's failed children are grouped without describing
    each one."""
    status = job.status.value if job.status is not None else None
    if status != "FAILED":
        return FailureKind.NOT_FAILED
    parts = [job.status_reason]
    codes: list[int] = []
    if job.container is not None:
        parts.append(job.container.reason)
        if job.container.exit_code is not None:
            codes.append(job.container.exit_code)
    text = " | ".join(p for p in parts if p).lower()
    return _classify(text, codes, cancelled=False)


def _classify(text: str, codes: list[int], cancelled: bool) -> FailureKind:
    if any(word in text for word in _DEPENDENCY):
        return FailureKind.DEPENDENCY_FAILED
    if cancelled or any(word in text for word in _CANCELLED):
        return FailureKind.CANCELLED
    if any(word in text for word in _TIMEOUT):
        return FailureKind.TIMEOUT
    if any(word in text for word in _PULL):
        return FailureKind.IMAGE_PULL
    if any(word in text for word in _HOST):
        return FailureKind.HOST_TERMINATED
    if 137 in codes or any(word in text for word in _OOM):
        return FailureKind.OUT_OF_MEMORY
    if any(code != 0 for code in codes):
        return FailureKind.NON_ZERO_EXIT
    return FailureKind.UNKNOWN


class _Report(InterruptSafeDumps, BaseModel, frozen=True):
    """Reports are plain frozen models: JSON by ``model_dump(mode="json")`` (Ctrl-C during a
    dump stays Ctrl-C)."""


class FailureGroup(_Report, frozen=True):
    """Children of a parent that failed alike: the same kind, exit code and reason."""

    kind: FailureKind
    exit_code: int | None = None
    reason: str | None = None
    """The status reason (or the container's reason) they share."""
    count: int
    job_ids: tuple[str, ...] = ()
    """A few of them (at most :data:`SAMPLE_IDS`), to look at."""


#: How many child ids a :class:`FailureGroup` keeps, and how many groups a summary keeps
#: (the rest are counted in ``ChildrenSummary.other_failures``): bounded on any array size.
SAMPLE_IDS = 3
MAX_GROUPS = 20
#: How many failed children ``why()`` reads (ListJobs summaries, 1,000 a request) to group.
MAX_FAILED_READ = 10_000


class ChildrenSummary(_Report, frozen=True):
    """All the children of an array job (or the nodes of a multi-node job) at a glance:
    how many in each status, and the failures grouped by kind, exit code and reason."""

    kind: str
    """``array`` or ``multi-node``."""
    total: int
    counts: dict[str, int] = {}
    """Children per status (``{"SUCCEEDED": 12, "FAILED": 2, ...}``)."""
    failures: tuple[FailureGroup, ...] = ()
    """The failed children grouped, largest group first."""
    other_failures: int = 0
    """Failed children in groups beyond the first :data:`MAX_GROUPS`."""
    failures_read: int = 0
    """How many failed children were read to make the groups (at most
    :data:`MAX_FAILED_READ`)."""
    error: str | None = None
    """Why the children could not all be read (the counts and groups are then partial)."""

    def lines(self) -> Iterator[str]:
        """The summary as text lines (every AWS text escaped)."""
        shown = ", ".join(f"{_safe(k)} {v}" for k, v in self.counts.items() if v)
        yield f"{self.kind} children ({self.total}): {shown or '-'}"
        for group in self.failures:
            code = f"exit {group.exit_code}" if group.exit_code is not None else "no exit code"
            ids = ", ".join(_safe(i) for i in group.job_ids)
            more = ", ..." if group.count > len(group.job_ids) else ""
            yield (
                f"  {group.count} x {group.kind.value}, {code}: {_safe(group.reason)}"
                f"  ({ids}{more})"
            )
        if self.other_failures:
            yield f"  {self.other_failures} more failed in other groups"
        failed = self.counts.get("FAILED", 0)
        if self.failures_read and failed > self.failures_read:
            yield f"  (grouped the first {self.failures_read} of {failed} failed children)"
        if self.error:
            yield f"  (children not all read: {_safe(self.error)})"


class ChildrenTally:
    """Builds a :class:`ChildrenSummary` from failed children's summaries, one at a time
    (bounded memory: at most :data:`MAX_GROUPS` groups of :data:`SAMPLE_IDS` ids)."""

    def __init__(self, kind: str, total: int, counts: dict[str, int]) -> None:
        self._kind, self._total, self._counts = kind, total, counts
        self._groups: dict[tuple[str, int | None, str | None], list[Any]] = {}
        self._other = 0
        self._read = 0

    @property
    def full(self) -> bool:
        """True once :data:`MAX_FAILED_READ` failed children were read."""
        return self._read >= MAX_FAILED_READ

    def add(self, child: JobSummary) -> None:
        """Count one failed child."""
        self._read += 1
        container = child.container
        exit_code = container.exit_code if container is not None else None
        reason = child.status_reason or (container.reason if container is not None else None)
        key = (classify_summary(child).value, exit_code, reason)
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) >= MAX_GROUPS:
                self._other += 1
                return
            group = self._groups[key] = [0, []]
        group[0] += 1
        if len(group[1]) < SAMPLE_IDS:
            group[1].append(child.job_id)

    def summary(self) -> ChildrenSummary:
        groups = sorted(self._groups.items(), key=lambda item: -item[1][0])
        return ChildrenSummary(
            kind=self._kind,
            total=self._total,
            counts=self._counts,
            failures=tuple(
                FailureGroup(
                    kind=FailureKind(kind),
                    exit_code=exit_code,
                    reason=reason,
                    count=count,
                    job_ids=tuple(ids),
                )
                for (kind, exit_code, reason), (count, ids) in groups
            ),
            other_failures=self._other,
            failures_read=self._read,
        )


def children_plan(job: JobDetail) -> tuple[str, dict[str, Any], dict[str, int] | None] | None:
    """How to summarise a parent's children: (kind, the ``list_jobs`` arguments of its
    children, the counts per status AWS already gives -- an array's ``statusSummary`` -- or
    None to count them from the listing); None for a job that is no parent."""
    if job.array_properties is not None and job.array_properties.index is None:
        counts = {k: v for k, v in (job.array_properties.status_summary or {}).items() if v}
        return "array", {"array_job_id": job.job_id}, counts or None
    if job.node_properties is not None and job.node_details is None:
        return "multi-node", {"multi_node_job_id": job.job_id}, None
    return None


class JobReport(_Report, frozen=True):
    """What ``why()`` returns: a :class:`FailureReport` (the job ended, or runs) or a
    :class:`~batchkit.WaitReport` (it has not started).  Narrow with ``isinstance``; both
    have ``job_id``, ``job_name``, ``status``, ``kind``, ``advice``, ``job_url``,
    ``children`` and :meth:`to_json_dict`, print in a terminal and show in a notebook."""

    @property
    def waiting(self) -> bool:
        """True for a job that has not started yet (a ``WaitReport``)."""
        return False

    def to_json_dict(self) -> dict[str, Any]:  # pragma: no cover - each report defines it
        raise NotImplementedError


class AttemptReport(_Report, frozen=True):
    """One attempt of a job: how it ended, where it ran, when, and its log stream."""

    index: int
    exit_code: int | None = None
    reason: str | None = None
    """The container's reason (``OutOfMemoryError: ...``, ``CannotPullContainerError...``)."""
    status_reason: str | None = None
    """The attempt's status reason (``Essential container in task exited``...)."""
    instance: str | None = None
    """The container instance ARN (EC2), when there was one."""
    task: str | None = None
    """The ECS task ARN."""
    log_stream: str | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None

    @property
    def duration(self) -> timedelta | None:
        """``stopped_at - started_at``, when both are known."""
        if self.started_at is None or self.stopped_at is None:
            return None
        return self.stopped_at - self.started_at


def _attempt_report(index: int, attempt: AttemptDetail) -> AttemptReport:
    exit_code = reason = instance = task = stream = None
    if attempt.container is not None:
        c = attempt.container
        exit_code, reason, stream = c.exit_code, c.reason, c.log_stream_name
        instance, task = c.container_instance_arn, c.task_arn
    for ecs in attempt.task_properties or ():
        instance = instance or ecs.container_instance_arn
        task = task or ecs.task_arn
        for container in ecs.containers or ():
            if exit_code is None or (container.exit_code not in (None, 0) and not exit_code):
                exit_code = container.exit_code
            reason = reason or container.reason
            stream = stream or container.log_stream_name
    return AttemptReport(
        index=index,
        exit_code=exit_code,
        reason=reason,
        status_reason=attempt.status_reason,
        instance=instance,
        task=task,
        log_stream=stream,
        started_at=attempt.started_at,
        stopped_at=attempt.stopped_at,
    )


def _fmt_time(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _fmt_duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def _safe(value: object) -> str:
    return "-" if value is None else escape_controls(str(value))


class FailureReport(JobReport, frozen=True):
    """Why a job failed: status, every attempt, the failing attempt's last log lines, console
    links and a :class:`FailureKind` to branch on.

    ``str(report)`` is a readable block for a terminal (every AWS-controlled text escaped),
    rich renders it in colour, a notebook shows it as HTML; :meth:`to_json_dict` is for
    machines.
    """

    job_id: str
    job_name: str
    job_arn: str | None = None
    status: JobStatus
    """The job's status, a :class:`~batchkit.models.JobStatus` (``report.status ==
    JobStatus.FAILED``; JSON: its value)."""
    status_reason: str | None = None
    kind: FailureKind
    advice: str
    exit_code: int | None = None
    attempts: tuple[AttemptReport, ...] = ()
    created_at: datetime | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    parent_job_id: str | None = None
    """When the report is about a failed child of an array or multi-node job: the parent."""
    log_group: str | None = None
    log_stream: str | None = None
    log_region: str | None = None
    log_lines: tuple[LogEvent, ...] = ()
    """The last lines of the failing attempt's log, oldest first."""
    logs_error: str | None = None
    """Why there are no log lines, when they could not be read."""
    job_url: str
    """The job's page in the AWS Batch console."""
    log_url: str | None = None
    """The log stream's page in the CloudWatch console."""
    children: ChildrenSummary | None = None
    """For an array or multi-node parent: all its children at a glance."""
    report_type: str = "failure"
    """``failure`` (a ``WaitReport``'s is ``wait``): which report a JSON document is."""

    @property
    def failed(self) -> bool:
        """True when the job failed (any kind but ``NOT_FAILED``)."""
        return self.kind != FailureKind.NOT_FAILED

    @property
    def duration(self) -> timedelta | None:
        if self.started_at is None or self.stopped_at is None:
            return None
        return self.stopped_at - self.started_at

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO 8601 UTC times, the kind as its string)."""
        data: dict[str, Any] = self.model_dump(mode="json", exclude={"log_lines"})
        data["log_lines"] = [line.to_json_dict() for line in self.log_lines]
        data["attempts"] = [
            {**a.model_dump(mode="json"), "duration_seconds": _total_seconds(a.duration)}
            for a in self.attempts
        ]
        data["duration_seconds"] = _total_seconds(self.duration)
        return data

    # ------------------------------------------------------------------ display

    def _rows(self) -> Iterator[tuple[str, str]]:
        yield (
            "status",
            f"{_safe(self.status)}"
            + (f": {_safe(self.status_reason)}" if self.status_reason else ""),
        )
        yield "kind", f"{self.kind.value} -- {self.advice}"
        if self.exit_code is not None:
            yield "exit code", str(self.exit_code)
        if self.parent_job_id:
            yield "parent", _safe(self.parent_job_id)
        yield (
            "ran",
            (
                f"{_fmt_time(self.started_at)} -> {_fmt_time(self.stopped_at)} "
                f"({_fmt_duration(self.duration)})"
            ),
        )
        yield "job", self.job_url
        if self.log_url:
            yield "log", self.log_url

    def _attempt_lines(self) -> Iterator[str]:
        for a in self.attempts:
            where = a.instance or a.task
            yield (
                f"  #{a.index}  exit {_safe(a.exit_code)}  {_fmt_duration(a.duration)}  "
                f"{_fmt_time(a.started_at)}  {_safe(a.reason or a.status_reason)}"
                + (f"  on {_safe(where)}" if where else "")
            )

    def _log_text(self) -> Iterator[str]:
        for line in self.log_lines:
            stamp = line.timestamp.astimezone(timezone.utc).strftime("%H:%M:%S")
            yield f"  {stamp}  {escape_controls(line.message.rstrip(chr(10)).expandtabs(4))}"

    def __str__(self) -> str:
        out = [f"{_safe(self.job_name)} ({_safe(self.job_id)})"]
        out += [f"  {name:<10} {value}" for name, value in self._rows()]
        if self.attempts:
            out.append(f"attempts ({len(self.attempts)}):")
            out += list(self._attempt_lines())
        if self.log_lines:
            where = f"{_safe(self.log_group)} {_safe(self.log_stream)}"
            out.append(f"last {len(self.log_lines)} log line(s) of {where}:")
            out += list(self._log_text())
        elif self.logs_error:
            out.append(f"logs: {_safe(self.logs_error)}")
        if self.children is not None:
            out += list(self.children.lines())
        return "\n".join(out)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        style = "green" if not self.failed else "bold red"
        yield Text(f"{_safe(self.job_name)} ({_safe(self.job_id)})", style="bold")
        for name, value in self._rows():
            line = Text(f"  {name:<10} ", style="dim")
            line.append(value, style=style if name in ("status", "kind") else "")
            yield line
        if self.attempts:
            yield Text(f"attempts ({len(self.attempts)}):", style="bold")
            for text in self._attempt_lines():
                yield Text(text)
        if self.log_lines:
            where = f"{_safe(self.log_group)} {_safe(self.log_stream)}"
            yield Text(f"last {len(self.log_lines)} log line(s) of {where}:", style="bold")
            for text in self._log_text():
                yield Text(text)
        elif self.logs_error:
            yield Text(f"logs: {_safe(self.logs_error)}", style="yellow")
        if self.children is not None:
            for number, text in enumerate(self.children.lines()):
                yield Text(text, style="bold" if number == 0 else "")

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            f"<tr><th style='text-align:left'>{e(name)}</th><td>{_html_value(value)}</td></tr>"
            for name, value in self._rows()
        )
        attempts = "".join(
            "<tr>"
            + "".join(
                f"<td>{e(_safe(v))}</td>"
                for v in (
                    a.index,
                    a.exit_code,
                    _fmt_duration(a.duration),
                    _fmt_time(a.started_at),
                    a.reason or a.status_reason,
                    a.instance or a.task,
                )
            )
            + "</tr>"
            for a in self.attempts
        )
        out = [
            f"<div><b>{e(_safe(self.job_name))}</b> ({e(_safe(self.job_id))})",
            f"<table>{rows}</table>",
        ]
        if attempts:
            head = "".join(
                f"<th>{h}</th>" for h in ("#", "exit", "duration", "started", "reason", "where")
            )
            out.append(f"<table><tr>{head}</tr>{attempts}</table>")
        if self.log_lines:
            text = "\n".join(line.strip() for line in self._log_text())
            out.append(f"<pre>{e(text)}</pre>")
        elif self.logs_error:
            out.append(f"<p>logs: {e(_safe(self.logs_error))}</p>")
        if self.children is not None:
            out.append(f"<pre>{e(chr(10).join(self.children.lines()))}</pre>")
        out.append("</div>")
        return "\n".join(out)


def _html_value(value: str) -> str:
    if value.startswith("https://"):
        return f"<a href='{html.escape(value, quote=True)}'>{html.escape(value)}</a>"
    return html.escape(value)


def _total_seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


# The steps of a report around the I/O, shared by BatchClient.why and batchkit.aio's twin.


def check_report_job(job: object, lines: object) -> JobDetail | str:
    """Check ``why()``' arguments (before any request): the job (a ``JobDetail``), or the id
    to describe (of an id, an ARN, a ``JobSummary``...)."""
    from batchkit._core.checks import job_argument

    if isinstance(lines, bool) or not isinstance(lines, int) or not 0 <= lines <= 10_000:
        raise InvalidParameterError(f"lines: expected an int between 0 and 10000, got {lines!r}")
    given: JobDetail | str = job_argument(job)
    return given


def failed_children(job: JobDetail) -> dict[str, Any] | None:
    """The ``list_jobs`` arguments listing a failed parent's failed children (an array
    job's) or nodes (a multi-node job's); None for any other job."""
    if job.status is None or job.status.value != "FAILED":
        return None
    if job.array_properties is not None and job.array_properties.index is None:
        return {"array_job_id": job.job_id, "status": "FAILED"}
    if job.node_properties is not None and job.node_details is None:
        return {"multi_node_job_id": job.job_id, "status": "FAILED"}
    return None


def main_node(job: JobDetail) -> str | None:
    """The main node's id of a multi-node parent (whose logs are the report's); else None."""
    if job.node_properties is not None and job.node_details is None:
        return f"{job.job_id}#{job.node_properties.main_node or 0}"
    return None


def logs_error_text(error: BatchKitError) -> str:
    """Why the report has no log lines, from the error reading them."""
    if isinstance(error, (LogsUnavailableError, InvalidParameterError)):
        return str(error)
    return f"{type(error).__name__}: {error}"  # throttled, no permission...


def assemble_report(
    job: JobDetail,
    *,
    parent: str | None,
    default_region: str,
    location: LogLocation | None,
    log_lines: tuple[LogEvent, ...],
    logs_error: str | None,
) -> FailureReport:
    """The :class:`FailureReport` of ``job`` from what was read (no I/O)."""
    if logs_error is None and location is not None and location.stream is None:
        logs_error = "the job has no log stream (its container never started)"
    region = job_region(job, default_region)
    kind = classify(job)
    return FailureReport(
        job_id=job.job_id,
        job_name=job.job_name,
        job_arn=job.job_arn,
        status=job.status,
        status_reason=job.status_reason,
        kind=kind,
        advice=ADVICE.get(kind, ""),
        exit_code=job.exit_code,
        attempts=tuple(_attempt_report(i, a) for i, a in enumerate(job.attempts or ())),
        created_at=job.created_at,
        started_at=job.started_at,
        stopped_at=job.stopped_at,
        parent_job_id=parent,
        log_group=location.group if location is not None else None,
        log_stream=location.stream if location is not None else None,
        log_region=location.region if location is not None else None,
        log_lines=log_lines,
        logs_error=logs_error,
        job_url=job_console_url(job.job_id, region, partition_of(job.job_arn)),
        log_url=location.console_url if location is not None else None,
    )
