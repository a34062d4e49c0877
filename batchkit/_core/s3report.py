"""``S3BatchOperationsClient.why(job)``: where an S3 Batch Operations job stands and why, in
one object (sans-I/O: the client describes the job, S3 Control ``DescribeJob``).

Why: ``ListJobs`` says only a status and task counts; what people want next is *why* it
failed (``FailureReasons``), why it is suspended (``SuspendedCause``: often a job created
with confirmation required, waiting for someone to confirm it), how far it is (tasks, time
active) and where the completion report is.

>>> from batchkit.models import S3BatchJobDetail
>>> job = S3BatchJobDetail.model_validate({"JobId": "abcde-1", "Status": "Suspended",
...     "SuspendedCause": "AwaitingConfirmation", "ConfirmationRequired": True})
>>> assemble_s3_report(job, region="us-east-1").summary
'suspended: AwaitingConfirmation'
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from batchkit._core.report import _fmt_duration, _fmt_time, _Report, _safe

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from batchkit.models import S3BatchJobDetail

__all__ = ["S3Failure", "S3StatusReport", "assemble_s3_report"]


class S3Failure(_Report, frozen=True):
    """One of the job's ``FailureReasons``."""

    code: str | None = None
    reason: str | None = None


class S3StatusReport(_Report, frozen=True):
    """Why an S3 Batch Operations job is where it is: status, failure reasons, suspended
    cause, progress (tasks, time active) and where its completion report goes, with advice.

    Prints in a terminal (AWS texts escaped), renders with rich, shows as HTML in a notebook;
    :meth:`to_json_dict` for machines."""

    job_id: str
    job_arn: str | None = None
    description: str | None = None
    status: str
    operation: str | None = None
    """The operation it runs (``S3PutObjectCopy``, ``LambdaInvoke``...)."""
    priority: int | None = None
    summary: str
    advice: str
    status_update_reason: str | None = None
    failure_reasons: tuple[S3Failure, ...] = ()
    suspended_cause: str | None = None
    suspended_at: datetime | None = None
    confirmation_required: bool | None = None
    created_at: datetime | None = None
    terminated_at: datetime | None = None
    total_tasks: int | None = None
    succeeded_tasks: int | None = None
    failed_tasks: int | None = None
    active_seconds: int | None = None
    report_location: str | None = None
    """``s3://bucket/prefix/job-<id>/``: where the completion report is written (None: no
    report requested)."""
    report_scope: str | None = None
    job_url: str | None = None

    @property
    def progress(self) -> float | None:
        """The fraction of tasks done (succeeded or failed), when known."""
        if not self.total_tasks:
            return None
        done = (self.succeeded_tasks or 0) + (self.failed_tasks or 0)
        return min(done / self.total_tasks, 1.0)

    @property
    def failed(self) -> bool:
        """True when the job failed, or some of its tasks did."""
        return self.status in ("Failed", "Failing") or bool(self.failed_tasks)

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO 8601 UTC times)."""
        data: dict[str, Any] = self.model_dump(mode="json")
        data["progress"] = self.progress
        return data

    def _rows(self) -> Iterator[tuple[str, str]]:
        yield "status", _safe(self.status)
        yield "summary", _safe(self.summary)
        yield "advice", self.advice
        if self.operation:
            yield "operation", _safe(self.operation)
        if self.total_tasks is not None:
            share = f" ({self.progress:.0%})" if self.progress is not None else ""
            yield (
                "tasks",
                f"{_safe(self.succeeded_tasks)} succeeded, {_safe(self.failed_tasks)} failed "
                f"of {self.total_tasks}{share}",
            )
        if self.active_seconds is not None:
            yield "active", _fmt_duration(timedelta(seconds=self.active_seconds))
        yield "created", _fmt_time(self.created_at)
        if self.terminated_at is not None:
            yield "ended", _fmt_time(self.terminated_at)
        if self.status_update_reason:
            yield "update", _safe(self.status_update_reason)
        for failure in self.failure_reasons:
            yield "failure", f"{_safe(failure.code)}: {_safe(failure.reason)}"
        if self.report_location:
            yield "report", _safe(self.report_location)
        if self.job_url:
            yield "job", self.job_url

    def __str__(self) -> str:
        title = f"{_safe(self.description)} ({_safe(self.job_id)})"
        return "\n".join([title, *(f"  {n:<10} {v}" for n, v in self._rows())])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        style = "bold red" if self.failed else "green"
        yield Text(f"{_safe(self.description)} ({_safe(self.job_id)})", style="bold")
        for name, value in self._rows():
            line = Text(f"  {name:<10} ", style="dim")
            line.append(value, style=style if name in ("status", "summary") else "")
            yield line

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            f"<tr><th style='text-align:left'>{e(n)}</th><td>{e(v)}</td></tr>"
            for n, v in self._rows()
        )
        title = f"<b>{e(_safe(self.description))}</b> ({e(_safe(self.job_id))})"
        return f"<div>{title}<table>{rows}</table></div>"


_ADVICE = {
    "Failed": "read the failure reasons; a manifest or permission problem fails the whole "
    "job before its tasks run (check the job's IAM role and the manifest)",
    "Suspended": "a suspended job waits for you: confirm it (UpdateJobStatus "
    "RequestedJobStatus=Ready) or cancel it",
    "Cancelled": "it was cancelled (see the status update reason)",
    "Complete": "it ran every task",
}


def _operation_name(job: S3BatchJobDetail) -> str | None:
    operation = job.operation
    if operation is None:
        return None
    for field, info in type(operation).model_fields.items():
        if getattr(operation, field) is not None:
            return info.alias or field
    return None


def assemble_s3_report(job: S3BatchJobDetail, *, region: str = "") -> S3StatusReport:
    """The :class:`S3StatusReport` of a described job (no I/O)."""
    status = job.status.value if job.status is not None else "Unknown"
    progress = job.progress_summary
    total = progress.total_number_of_tasks if progress is not None else None
    succeeded = progress.number_of_tasks_succeeded if progress is not None else None
    failed = progress.number_of_tasks_failed if progress is not None else None
    active = None
    if progress is not None and progress.timers is not None:
        active = progress.timers.elapsed_time_in_active_seconds
    failures = tuple(
        S3Failure(code=f.failure_code, reason=f.failure_reason) for f in job.failure_reasons or ()
    )
    if status == "Suspended":
        summary = f"suspended: {job.suspended_cause or 'no cause given'}"
    elif failures:
        summary = f"{status.lower()}: " + "; ".join(
            f"{f.code or '-'}: {f.reason or '-'}" for f in failures[:3]
        )
    elif failed:
        summary = f"{status.lower()}: {failed} of {total} task(s) failed"
    elif total:
        summary = f"{status.lower()}: {(succeeded or 0)} of {total} task(s) succeeded"
    else:
        summary = status.lower()
    advice = _ADVICE.get(status, "it is running or about to: its progress says how far")
    if failed and status != "Failed":
        advice = f"{failed} task(s) failed: the completion report lists each with its error"
    location = None
    report = job.report
    if report is not None and report.enabled and report.bucket:
        bucket = report.bucket.rsplit(":", 1)[-1]
        prefix = (report.prefix or "").strip("/")
        location = f"s3://{bucket}/{prefix + '/' if prefix else ''}job-{job.job_id}/"
    url = None
    if region:
        url = (
            f"https://{region}.console.aws.amazon.com/s3/jobs/{quote(job.job_id or '', safe='')}"
            f"?region={region}"
        )
    return S3StatusReport(
        job_id=job.job_id or "",
        job_arn=job.job_arn,
        description=job.description,
        status=status,
        operation=_operation_name(job),
        priority=job.priority,
        summary=summary,
        advice=advice,
        status_update_reason=job.status_update_reason,
        failure_reasons=failures,
        suspended_cause=job.suspended_cause,
        suspended_at=_utc(job.suspended_date),
        confirmation_required=job.confirmation_required,
        created_at=_utc(job.creation_time),
        terminated_at=_utc(job.termination_date),
        total_tasks=total,
        succeeded_tasks=succeeded,
        failed_tasks=failed,
        active_seconds=active,
        report_location=location,
        report_scope=report.report_scope.value if report and report.report_scope else None,
        job_url=url,
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment
