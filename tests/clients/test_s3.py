"""S3BatchOperationsClient.list_jobs over rest-xml, with the NextToken loop botocore lacks."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from batchkit import S3BatchOperationsClient
from batchkit.models import S3BatchJob, S3JobStatus, S3Operation
from batchkit.testing import WireStubber
from tests.conftest import ACCOUNT

Stub = tuple[S3BatchOperationsClient, WireStubber]


def s3_job(i: int, status: str = "Active") -> dict[str, Any]:
    return {
        "JobId": f"s3job-{i:04d}",
        "Description": f"copy batch {i}",
        "Operation": "S3PutObjectCopy",
        "Priority": 10,
        "Status": status,
        "CreationTime": datetime(2026, 11, 1, i % 24, tzinfo=timezone.utc),
        "ProgressSummary": {
            "TotalNumberOfTasks": 100,
            "NumberOfTasksSucceeded": i,
            "NumberOfTasksFailed": 1,
            "Timers": {"ElapsedTimeInActiveSeconds": 60 * i},
        },
    }


def test_pages_statuses_and_typed_results(s3_stub: Stub) -> None:
    s3, stub = s3_stub
    expected = {"AccountId": ACCOUNT, "JobStatuses": ["Active", "Failed"], "MaxResults": 2}
    stub.add_response("list_jobs", {"Jobs": [s3_job(1), s3_job(2)], "NextToken": "n1"}, expected)
    stub.add_response("list_jobs", {"Jobs": [s3_job(3, "Failed")]}, expected | {"NextToken": "n1"})
    pager = s3.list_jobs([S3JobStatus.ACTIVE, "Failed", "Active"], page_size=2)
    jobs = list(pager)
    assert [j.job_id for j in jobs] == ["s3job-0001", "s3job-0002", "s3job-0003"]
    assert all(isinstance(j, S3BatchJob) for j in jobs)
    assert jobs[2].status is S3JobStatus.FAILED
    assert jobs[0].operation is S3Operation.S3_PUT_OBJECT_COPY
    assert jobs[0].creation_time == datetime(2026, 11, 1, 1, tzinfo=timezone.utc)
    assert jobs[0].creation_time is not None
    assert jobs[0].creation_time.tzinfo is timezone.utc
    assert jobs[1].progress == 0.03
    assert pager.requests_made == 2


def test_resume_inside_a_page(s3_stub: Stub) -> None:
    s3, stub = s3_stub
    expected = {"AccountId": ACCOUNT}
    stub.add_response("list_jobs", {"Jobs": [s3_job(1), s3_job(2)], "NextToken": "n1"}, expected)
    pager = s3.list_jobs()
    assert next(pager).job_id == "s3job-0001"
    token = pager.resume_token
    stub.add_response("list_jobs", {"Jobs": [s3_job(1), s3_job(2)], "NextToken": "n1"}, expected)
    stub.add_response("list_jobs", {"Jobs": [s3_job(3)]}, expected | {"NextToken": "n1"})
    rest = s3.list_jobs(starting_token=token)
    assert [j.job_id for j in rest] == ["s3job-0002", "s3job-0003"]


def test_unknown_status_and_operation_from_a_newer_api(s3_stub: Stub) -> None:
    s3, stub = s3_stub
    job = s3_job(1, status="Hibernating") | {"Operation": "S3Teleport"}
    stub.add_response("list_jobs", {"Jobs": [job]}, {"AccountId": ACCOUNT})
    (parsed,) = s3.list_jobs()
    assert parsed.status is not None
    assert parsed.status.value == "Hibernating"
    assert not parsed.status.is_known
    assert not parsed.is_terminal
    assert parsed.operation is not None
    assert parsed.operation.value == "S3Teleport"
