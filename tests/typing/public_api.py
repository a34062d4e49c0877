"""The public API as a type checker sees it (mypy --strict and pyright strict, in nox).

Nothing here runs as a test: the checkers read it.  ``assert_type`` pins what users get;
lines ending in ``# type: ignore[code]`` are misuse that must be *rejected* -- if one ever
type-checks, mypy (warn_unused_ignores) and pyright (reportUnnecessaryTypeIgnoreComment) fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from typing_extensions import assert_type

from batchkit import (
    ArrayProgress,
    AttemptReport,
    AWSError,
    BatchClient,
    CheckNotMade,
    Clock,
    FailureKind,
    FailureReport,
    FollowPolicy,
    JobDetails,
    JobFilter,
    JobPager,
    LogEvent,
    LogStreamNotFoundError,
    Page,
    QueuePosition,
    S3BatchOperationsClient,
    StatusChange,
    WaitKind,
    WaitReport,
    WaitTimeoutError,
    Watch,
)
from batchkit.models import (
    AttemptDetail,
    ContainerDetail,
    JobDetail,
    JobStatus,
    JobSummary,
    S3BatchJob,
    S3JobStatus,
    S3Operation,
    ServiceJobStatus,
    ServiceJobSummary,
)


def pagers(batch: BatchClient, s3: S3BatchOperationsClient) -> None:
    jobs = batch.list_jobs("q", status=JobStatus.FAILED, filter=JobFilter.job_name("a*"))
    assert_type(jobs, JobPager[JobSummary])
    assert_type(next(jobs), JobSummary)
    assert_type(jobs.first(), JobSummary | None)
    assert_type(jobs.take(3), list[JobSummary])
    assert_type(jobs.to_list(), list[JobSummary])
    assert_type(jobs.resume_token, str | None)
    assert_type(jobs.done, bool)
    for page in jobs.pages():
        assert_type(page, Page[JobSummary])
        assert_type(page.items, tuple[JobSummary, ...])
        assert_type(page.next_token, str | None)
    assert_type(batch.list_service_jobs("q"), JobPager[ServiceJobSummary])
    assert_type(s3.list_jobs(statuses=[S3JobStatus.ACTIVE]), JobPager[S3BatchJob])
    details = batch.describe_jobs(["a"], max_workers=4)
    assert_type(details, JobDetails)
    it: Iterator[JobDetail] = details
    assert_type(details.missing_ids, tuple[str, ...])
    assert_type(batch.describe_job("a"), JobDetail)
    del it


def models(
    summary: JobSummary, detail: JobDetail, service: ServiceJobSummary, s3: S3BatchJob
) -> None:
    assert_type(summary.job_id, str)
    assert_type(summary.job_name, str)
    assert_type(summary.status, JobStatus | None)
    assert_type(summary.created_at, datetime | None)
    assert_type(summary.duration, timedelta | None)
    assert_type(summary.exit_code, int | None)
    assert_type(summary.is_terminal, bool)
    assert_type(detail.status, JobStatus)
    assert_type(detail.job_queue, str)
    assert_type(detail.container, ContainerDetail | None)
    assert_type(detail.attempts, tuple[AttemptDetail, ...])
    assert_type(detail.latest_attempt, AttemptDetail | None)
    assert_type(detail.log_stream_name, str | None)
    assert_type(service.status, ServiceJobStatus | None)
    assert_type(s3.creation_time, datetime | None)
    assert_type(s3.operation, S3Operation | None)
    assert_type(s3.progress, float | None)
    assert_type(JobStatus.FAILED.is_terminal, bool)
    assert_type(JobStatus.from_wire("NEW").is_known, bool)
    assert_type(JobStatus.terminal(), frozenset[JobStatus])
    assert_type(S3JobStatus.terminal(), frozenset[S3JobStatus])
    assert_type(S3JobStatus.known("Active"), S3JobStatus | None)
    assert_type(summary.to_boto(), dict[str, Any])


def watching(batch: BatchClient, summary: JobSummary, detail: JobDetail) -> None:
    from batchkit.testing import FakeAWS, ManualClock

    clock = ManualClock()
    fake = FakeAWS(now=clock.now)
    fake.lifecycle.schedule("a", [("RUNNING", 10), ("SUCCEEDED", 60)])
    any_clock: Clock = clock
    watch = batch.watch(
        ["a", summary, detail],
        until=JobStatus.terminal(),
        timeout=timedelta(hours=2),
        poll_interval=(2, 30),
        max_workers=4,
        clock=any_clock,
    )
    assert_type(watch, Watch)
    with watch as changes:
        for change in changes:
            assert_type(change, StatusChange)
            assert_type(change.job_id, str)
            assert_type(change.old, JobStatus | None)
            assert_type(change.new, JobStatus)
            assert_type(change.at, datetime)
            assert_type(change.detail, JobDetail)
            assert_type(change.status_changed, bool)
            assert_type(change.progress, ArrayProgress | None)
    assert_type(watch.jobs, tuple[JobDetail, ...])
    assert_type(watch.pending_ids, tuple[str, ...])
    assert_type(batch.wait(["a"], until={JobStatus.RUNNING}, timeout=60.0), list[JobDetail])
    assert_type(
        batch.wait(["a"], until={"RUNNING"}, poll_interval=timedelta(seconds=5)), list[JobDetail]
    )
    try:
        batch.wait(["a"])
    except WaitTimeoutError as error:
        assert_type(error.details, tuple[JobDetail, ...])
        assert_type(error.pending_ids, tuple[str, ...])
        assert_type(error.timeout, timedelta)


def logs_and_reports(batch: BatchClient, detail: JobDetail) -> None:
    events = batch.logs(detail, attempt=0, since=timedelta(minutes=5), limit=200)
    assert_type(events, JobPager[LogEvent])
    assert_type(batch.logs("job-id", node=2, tail=10, follow=True), JobPager[LogEvent])
    policy = FollowPolicy(initial_delay=0.5, sleep=lambda seconds: None, clock=lambda: 0.0)
    assert_type(batch.logs("job-id", follow=policy).resume_token, str | None)
    event = next(events)
    assert_type(event.timestamp, datetime)
    assert_type(event.message, str)
    assert_type(event.stream, str)
    assert_type(event.group, str)
    either = batch.why(detail, lines=5)
    assert_type(either, FailureReport | WaitReport)
    assert_type(either.job_id, str)
    assert_type(either.to_json_dict(), dict[str, Any])
    _ = either.log_lines  # type: ignore[union-attr]  # a WaitReport has none: narrow first
    if isinstance(either, WaitReport):
        assert_type(either.kind, WaitKind)
        assert_type(either.checks_not_made, tuple[CheckNotMade, ...])
        assert_type(either.position, QueuePosition | None)
        return
    report = either
    assert_type(report, FailureReport)
    assert_type(report.kind, FailureKind)
    assert_type(report.failed, bool)
    assert_type(report.attempts, tuple[AttemptReport, ...])
    assert_type(report.attempts[0].duration, timedelta | None)
    assert_type(report.log_lines, tuple[LogEvent, ...])
    assert_type(report.log_url, str | None)
    assert_type(report.to_json_dict(), dict[str, Any])
    if report.kind == FailureKind.OUT_OF_MEMORY:
        pass
    assert_type(report.status, JobStatus)


def one_vocabulary(batch: BatchClient, s3: S3BatchOperationsClient, summary: JobSummary) -> None:
    """Issue 23.8-9: every method taking a job takes an id, ARN, summary or detail; one
    ``status=`` rule for both clients."""
    assert_type(batch.why(summary), FailureReport | WaitReport)
    assert_type(batch.logs(summary, tail=3), JobPager[LogEvent])
    assert_type(batch.describe_job(summary), JobDetail)
    assert_type(s3.list_jobs("active"), JobPager[S3BatchJob])
    assert_type(s3.list_jobs(status="ALL"), JobPager[S3BatchJob])
    assert_type(s3.list_jobs(statuses=[S3JobStatus.ACTIVE]), JobPager[S3BatchJob])
    merged = batch.list_jobs(["a", "b"], filter=JobFilter.stopped_after(timedelta(hours=6)))
    assert_type(merged.queue_of(summary), str | None)
    assert_type(JobFilter.started_between(timedelta(days=1), timedelta(hours=1)), JobFilter)


def log_errors(error: LogStreamNotFoundError) -> None:
    assert_type(error.stream, str | None)
    assert_type(error.group, str | None)


def errors(error: AWSError) -> None:
    assert_type(error.code, str)
    assert_type(error.request_id, str | None)
    assert_type(error.resume_token, str | None)


def rejected(
    batch: BatchClient,
    summary: JobSummary,
    detail: JobDetail,
    container: ContainerDetail,
    attempt: AttemptDetail,
    s3: S3BatchJob,
) -> None:
    JobFilter.job_name(3)  # type: ignore[arg-type]
    JobFilter.created_after("yesterday")  # type: ignore[arg-type]
    batch.list_jobs("q", page_size="10")  # type: ignore[call-overload]
    batch.list_jobs("q", filter="JOB_NAME=x")  # type: ignore[call-overload]
    batch.describe_jobs(["a"], workers=2)  # type: ignore[call-arg]
    batch.wait([1, 2])  # type: ignore[list-item]
    batch.wait(["a"], timeout="2h")  # type: ignore[arg-type]
    batch.watch(["a"], poll_interval=(1, 2, 3))  # type: ignore[arg-type]

    batch.logs("a", follow="yes")  # type: ignore[arg-type]
    batch.logs("a", since="5m")  # type: ignore[arg-type]
    batch.why(3)  # type: ignore[arg-type]
    summary.no_such_field  # type: ignore[attr-defined]  # noqa: B018
    _ = JobFilter.job_name("a") & "b"  # type: ignore[operator]
    # The models are frozen, for both checkers too (frozen=True class keyword on every model).
    summary.job_id = "x"  # type: ignore[misc]
    detail.status = JobStatus.FAILED  # type: ignore[misc]
    detail.attempts = ()  # type: ignore[misc]
    container.image = "busybox"  # type: ignore[misc]
    attempt.started_at = None  # type: ignore[misc]
    s3.job_id = "x"  # type: ignore[misc]


def account_views(batch: BatchClient) -> None:
    from batchkit import ALL_STATUSES, MergedPager
    from batchkit.models import JobQueueDetail

    assert_type(batch.list_jobs("q", status=ALL_STATUSES), JobPager[JobSummary])
    assert_type(batch.list_jobs("q", status={JobStatus.FAILED, "SUCCEEDED"}), JobPager[JobSummary])
    merged = batch.list_jobs(["a", "b"], status="FAILED")
    assert_type(merged, MergedPager[JobSummary])
    assert_type(next(merged), JobSummary)
    assert_type(merged.take(2), list[JobSummary])
    assert_type(merged.resume_token, str | None)
    assert_type(batch.list_jobs(("a", "b")), MergedPager[JobSummary])
    assert_type(batch.job_queues(), JobPager[JobQueueDetail])
    assert_type(batch.job_queues(["etl"]).to_list(), list[JobQueueDetail])
    assert_type(batch.describe_jobs(batch.list_jobs("q", status="ALL")), JobDetails)
    assert_type(batch.describe_jobs(merged, max_workers=4), JobDetails)
    assert_type(batch.list_service_jobs("q", status=["RUNNING", ServiceJobStatus.SCHEDULED]),
                JobPager[ServiceJobSummary])  # fmt: skip
    batch.list_jobs(["a"], array_job_id="x")  # type: ignore[call-overload]
    batch.describe_jobs([1, 2])  # type: ignore[list-item]
    batch.job_queues(page_size="1")  # type: ignore[arg-type]


def diagnose(batch: BatchClient, s3: S3BatchOperationsClient) -> None:
    from batchkit import QueueHealth, S3StatusReport
    from batchkit.events import JobQueueBlocked, parse_event
    from batchkit.models import (
        ComputeEnvironmentDetail,
        EC2InstanceTypeInfo,
        JobDefinition,
        JobQueueSnapshot,
        S3BatchJobDetail,
        ServiceJobDetail,
    )

    assert_type(batch.compute_environments(), JobPager[ComputeEnvironmentDetail])
    assert_type(batch.job_definitions(name="train"), JobPager[JobDefinition])
    assert_type(batch.instance_types(families=["m5"]), JobPager[EC2InstanceTypeInfo])
    assert_type(batch.queue_snapshot("q"), JobQueueSnapshot)
    assert_type(batch.describe_service_job("s1"), ServiceJobDetail)
    assert_type(batch.why_queue("q", stuck=True), list[WaitReport])
    assert_type(batch.queue_health(), list[QueueHealth])
    assert_type(s3.describe_job("abcde"), S3BatchJobDetail)
    assert_type(s3.why("abcde"), S3StatusReport)
    event = parse_event({})
    if isinstance(event, JobQueueBlocked):
        assert_type(event.detail, JobDetail)
        assert_type(event.wait_report(), WaitReport)
    batch.why_queue(3)  # type: ignore[arg-type]
