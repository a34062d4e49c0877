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
    AWSError,
    BatchClient,
    JobDetails,
    JobFilter,
    JobPager,
    Page,
    S3BatchOperationsClient,
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
    assert_type(detail.attempts, tuple[AttemptDetail, ...] | None)
    assert_type(detail.latest_attempt, AttemptDetail | None)
    assert_type(detail.log_stream_name, str | None)
    assert_type(service.status, ServiceJobStatus | None)
    assert_type(s3.creation_time, datetime | None)
    assert_type(s3.operation, S3Operation | None)
    assert_type(s3.progress, float | None)
    assert_type(JobStatus.FAILED.is_terminal, bool)
    assert_type(JobStatus("NEW").is_known, bool)
    assert_type(JobStatus.terminal(), frozenset[JobStatus])
    assert_type(S3JobStatus.terminal(), frozenset[S3JobStatus])
    assert_type(S3JobStatus.known("Active"), S3JobStatus | None)
    assert_type(summary.to_boto(), dict[str, Any])


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
