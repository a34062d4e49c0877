"""Issue 23.8-9, 23.11, 23.13, 23.15: one vocabulary on both clients and both faces -- a job
argument is an id, ARN, summary or detail everywhere; one ``status=`` rule (Batch and S3);
which queue a merged job came from; jobs by when they stopped or started."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from batchkit import InvalidFilterError, InvalidParameterError, JobFilter
from batchkit.models import JobStatus, S3JobStatus
from batchkit.testing import FakeAWS
from tests.conftest import Face

NOW = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def fake() -> FakeAWS:
    fake = FakeAWS(now=lambda: NOW)
    fake.add_job("q", job_id="oom", job_name="train", status="FAILED", exit_code=137,
                 status_reason="OutOfMemoryError: Container killed due to memory usage",
                 created_at=NOW - timedelta(hours=8), started_at=NOW - timedelta(hours=2),
                 stopped_at=NOW - timedelta(hours=1))  # fmt: skip
    fake.add_job("q", job_id="early", job_name="etl", status="FAILED", exit_code=1,
                 created_at=NOW - timedelta(hours=3), started_at=NOW - timedelta(hours=3),
                 stopped_at=NOW - timedelta(hours=2, minutes=50))  # fmt: skip
    fake.add_job("q", job_id="ok", job_name="etl", status="SUCCEEDED",
                 created_at=NOW - timedelta(hours=2), started_at=NOW - timedelta(minutes=90),
                 stopped_at=NOW - timedelta(minutes=30))  # fmt: skip
    fake.add_job("q", job_id="live", job_name="etl", status="RUNNING",
                 created_at=NOW - timedelta(hours=1),
                 started_at=NOW - timedelta(minutes=50))  # fmt: skip
    fake.add_job("r", job_id="other", job_name="etl", status="FAILED", exit_code=2,
                 created_at=NOW - timedelta(hours=4), started_at=NOW - timedelta(hours=4),
                 stopped_at=NOW - timedelta(minutes=10))  # fmt: skip
    return fake


def test_every_job_argument_takes_a_summary(face: Face, fake: FakeAWS) -> None:
    """23.8: why() and logs() took a JobDetail or an id, describe_jobs and watch a summary."""
    batch: Any = fake.batch_client()
    summary = batch.list_jobs("q", status="FAILED").first()
    assert summary.job_id == "early"
    report = batch.why(summary, lines=2)
    assert report.job_id == "early"
    assert report.status is JobStatus.FAILED  # 23.11: a JobStatus, not a str
    assert len(batch.logs(summary, tail=2).to_list()) == 2
    assert batch.describe_job(summary).job_id == "early"
    detail = batch.describe_job("oom")
    assert batch.why(detail).kind.value == "OUT_OF_MEMORY"
    sent = len(fake.requests)
    for bad in (42, None, ["oom"]):
        with pytest.raises(InvalidParameterError, match="a job id, a job ARN, a JobSummary"):
            batch.why(bad)
    assert len(fake.requests) == sent  # refused before any request


def test_one_status_rule_for_batch_and_s3(face: Face, fake: FakeAWS) -> None:
    """23.9: any case, one or several or ALL, on both clients; S3's statuses= still works."""
    batch: Any = fake.batch_client()
    assert [j.job_id for j in batch.list_jobs("q", status="failed")] == ["early", "oom"]
    assert {j.job_id for j in batch.list_jobs("q", status=["Failed", "running"])} == {
        "early",
        "oom",
        "live",
    }
    fake.add_s3_job(job_id="s3-active", status="Active", created=NOW)
    fake.add_s3_job(job_id="s3-done", status="Complete", created=NOW)
    s3: Any = fake.s3_client()
    assert [j.job_id for j in s3.list_jobs("active")] == ["s3-active"]  # one string
    assert [j.job_id for j in s3.list_jobs(status=S3JobStatus.COMPLETE)] == ["s3-done"]
    assert len(s3.list_jobs(status="ALL").to_list()) == 2
    assert [j.job_id for j in s3.list_jobs(statuses=["Complete"])] == ["s3-done"]  # old name
    with pytest.raises(InvalidParameterError, match="did you mean 'Active'"):
        s3.list_jobs("actve")
    with pytest.raises(InvalidParameterError, match="did you mean 'FAILED'"):
        batch.list_jobs("q", status="faild")


def test_a_merged_listing_says_which_queue_each_job_came_from(face: Face, fake: FakeAWS) -> None:
    """23.13: ListJobs summaries carry no queue; the merged listing remembers it."""
    batch: Any = fake.batch_client()
    merged = batch.list_jobs(["q", "r"], status="FAILED")
    jobs = merged.to_list()
    assert [(merged.queue_of(job), job.job_id) for job in jobs] == [
        ("q", "early"),
        ("r", "other"),
        ("q", "oom"),
    ]
    assert merged.queue_of("other") == "r"
    assert merged.queue_of("nope") is None
    frame = batch.list_jobs(["q", "r"], status="FAILED").to_pandas()
    assert list(frame["queue"]) == ["q", "r", "q"]
    assert list(frame["job_id"]) == ["early", "other", "oom"]


def test_failed_in_the_last_hours_finds_jobs_created_long_ago(face: Face, fake: FakeAWS) -> None:
    """23.15: "failed in the last 90 minutes" is about when they stopped, not were created:
    the job created 8 h ago that failed 1 h ago is found, with one jobStatus listing."""
    batch: Any = fake.batch_client()
    recent = JobFilter.stopped_after(NOW - timedelta(minutes=90))
    before = len(fake.requests)
    assert [j.job_id for j in batch.list_jobs("q", status="FAILED", filter=recent)] == ["oom"]
    assert fake.requests[before:] == [("ListJobs", {"jobQueue": "q", "jobStatus": "FAILED"})]
    # no status: the ended ones only (SUCCEEDED and FAILED), each checked
    ended = {j.job_id for j in batch.list_jobs("q", filter=recent)}
    assert ended == {"oom", "ok"}
    window = JobFilter.stopped_between(NOW - timedelta(hours=3), NOW - timedelta(minutes=45))
    assert {j.job_id for j in batch.list_jobs("q", filter=window)} == {"early", "oom"}
    started = JobFilter.started_after(NOW - timedelta(minutes=100))
    assert {j.job_id for j in batch.list_jobs("q", filter=started)} == {"ok", "live"}
    assert {j.job_id for j in batch.list_jobs(["q", "r"], filter=recent)} == {"oom", "ok", "other"}
    with pytest.raises(InvalidFilterError, match="only SUCCEEDED, FAILED jobs have stopped"):
        batch.list_jobs("q", status="RUNNING", filter=recent)
    with pytest.raises(InvalidFilterError, match="stopped-at range is empty"):
        JobFilter.stopped_between(timedelta(hours=1), timedelta(hours=2))
