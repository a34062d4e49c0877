"""batchkit.aio as a type checker sees it (mypy --strict and pyright strict, in nox).

Nothing here runs as a test: ``async for`` items, awaited results and pages are pinned with
``assert_type``; lines ending in ``# type: ignore[code]`` are misuse that must be rejected.
"""

from __future__ import annotations

from datetime import timedelta

from typing_extensions import assert_type

from batchkit import (
    FailureKind,
    FailureReport,
    FollowPolicy,
    JobFilter,
    LogEvent,
    Page,
    StatusChange,
    WaitReport,
)
from batchkit.aio import (
    AsyncBatchClient,
    AsyncJobDetails,
    AsyncJobPager,
    AsyncMergedPager,
    AsyncS3BatchOperationsClient,
    AsyncSystemClock,
    AsyncWatch,
)
from batchkit.models import (
    JobDetail,
    JobQueueDetail,
    JobStatus,
    JobSummary,
    S3BatchJob,
    ServiceJobSummary,
)
from batchkit.testing import ManualClock


async def pagers(batch: AsyncBatchClient, s3: AsyncS3BatchOperationsClient) -> None:
    jobs = batch.list_jobs("q", status=JobStatus.FAILED, filter=JobFilter.job_name("a*"))
    assert_type(jobs, AsyncJobPager[JobSummary])
    async for job in jobs:
        assert_type(job, JobSummary)
    assert_type(await jobs.__anext__(), JobSummary)
    assert_type(await jobs.first(), JobSummary | None)
    assert_type(await jobs.take(3), list[JobSummary])
    assert_type(await jobs.to_list(), list[JobSummary])
    assert_type(await jobs.peek(2), list[JobSummary])
    assert_type(jobs.resume_token, str | None)
    assert_type(jobs.done, bool)
    async for page in jobs.pages():
        assert_type(page, Page[JobSummary])
        assert_type(page.items, tuple[JobSummary, ...])
    async with batch.list_jobs("q") as pager:
        assert_type(pager, AsyncJobPager[JobSummary])
    await jobs.aclose()
    service = batch.list_service_jobs("q", starting_token="t")
    assert_type(await service.first(), ServiceJobSummary | None)
    assert_type([j async for j in s3.list_jobs(["Active"])], list[S3BatchJob])


async def describe(batch: AsyncBatchClient) -> None:
    details = batch.describe_jobs(["a", "b"], max_concurrency=4)
    assert_type(details, AsyncJobDetails)
    async with details:
        async for job in details:
            assert_type(job, JobDetail)
    assert_type(await details.first(), JobDetail | None)
    assert_type(await details.to_list(), list[JobDetail])
    assert_type(details.missing_ids, tuple[str, ...])
    assert_type(await batch.describe_job("a"), JobDetail)
    # lazy input: an async pager, a sync iterable of summaries
    streamed = batch.describe_jobs(batch.list_jobs("q", status="ALL"), max_concurrency=2)
    assert_type(streamed, AsyncJobDetails)
    summaries: list[JobSummary] = await batch.list_jobs("q").to_list()
    assert_type(batch.describe_jobs(summaries), AsyncJobDetails)


async def views(batch: AsyncBatchClient) -> None:
    several = batch.list_jobs("q", status={JobStatus.FAILED, "SUCCEEDED"})
    assert_type(several, AsyncJobPager[JobSummary])
    assert_type(batch.list_service_jobs("q", status="ALL"), AsyncJobPager[ServiceJobSummary])
    queues = batch.job_queues(["etl"], page_size=10)
    assert_type(queues, AsyncJobPager[JobQueueDetail])
    assert_type(await queues.first(), JobQueueDetail | None)


async def merged(batch: AsyncBatchClient) -> None:
    several = batch.list_jobs(["a", "b"], status="ALL", filter=JobFilter.job_name("x*"))
    assert_type(several, AsyncMergedPager[JobSummary])
    assert_type(batch.list_jobs(("a", "b")), AsyncMergedPager[JobSummary])
    async for job in several:
        assert_type(job, JobSummary)
    assert_type(await several.first(), JobSummary | None)
    assert_type(await several.take(3), list[JobSummary])
    assert_type(await several.to_list(), list[JobSummary])
    assert_type(await several.peek(2), list[JobSummary])
    assert_type(several.resume_token, str | None)
    assert_type(several.queues, tuple[str, ...])
    async with batch.list_jobs(["a"], starting_token="t") as pager:
        assert_type(pager, AsyncMergedPager[JobSummary])
    await several.aclose()


async def watching(batch: AsyncBatchClient, ids: list[str]) -> None:
    watch = batch.watch(ids, until={JobStatus.RUNNING}, timeout=60, poll_interval=(1, 5))
    assert_type(watch, AsyncWatch)
    async with watch:
        async for change in watch:
            assert_type(change, StatusChange)
    assert_type(watch.jobs, tuple[JobDetail, ...])
    assert_type(await batch.wait(ids, clock=AsyncSystemClock()), list[JobDetail])
    assert_type(await batch.wait(ids, clock=ManualClock()), list[JobDetail])


async def logs_and_reports(batch: AsyncBatchClient, detail: JobDetail) -> None:
    events = batch.logs(detail, attempt=0, since=timedelta(minutes=5), limit=200)
    assert_type(events, AsyncJobPager[LogEvent])
    async for event in batch.logs("job-id", node=2, tail=10, follow=True):
        assert_type(event, LogEvent)
    assert_type(await events.to_list(), list[LogEvent])

    async def sleep(seconds: float) -> None: ...

    policy = FollowPolicy(sleep=sleep, clock=lambda: 0.0)  # an awaited sleep
    assert_type(batch.logs("job-id", follow=policy).resume_token, str | None)
    report = await batch.why(detail, lines=5)
    assert_type(report, FailureReport | WaitReport)
    assert isinstance(report, FailureReport)
    assert_type(report.kind, FailureKind)
    assert_type(report.log_lines, tuple[LogEvent, ...])


async def clients() -> None:
    async with AsyncBatchClient(region_name="eu-west-1") as batch:
        assert_type(batch, AsyncBatchClient)
    async with AsyncS3BatchOperationsClient("123456789012") as s3:
        assert_type(s3, AsyncS3BatchOperationsClient)
        assert_type(s3.account_id, str)


async def rejected(batch: AsyncBatchClient) -> None:
    batch.list_jobs("q", page_size="10")  # type: ignore[call-overload]
    batch.describe_jobs(["a"], max_workers=2)  # type: ignore[call-arg]
    batch.list_jobs(["a", "b"], array_job_id="x")  # type: ignore[call-overload]
    AsyncBatchClient(gc_pause="no")  # type: ignore[arg-type]
    batch.watch(["a"], max_workers=2)  # type: ignore[call-arg]
    for _job in batch.list_jobs("q"):  # type: ignore[attr-defined]
        pass
    job: JobSummary = batch.list_jobs("q").first()  # type: ignore[assignment]
    del job
    batch.logs("a", follow="yes")  # type: ignore[arg-type]
    report: FailureReport = batch.why("a")  # type: ignore[assignment]
    del report
