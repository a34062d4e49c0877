from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pydantic
import pytest

from batchkit.models import (
    AttemptDetail,
    JobDetail,
    JobStatus,
    JobSummary,
    S3BatchJob,
    S3JobStatus,
    S3Operation,
    ServiceJobStatus,
    ServiceJobSummary,
)
from batchkit.testing import load_stubs


def documented_job() -> dict[str, Any]:
    (stub,) = load_stubs("batch_describe_jobs_documented")
    assert stub.service_response is not None
    job: dict[str, Any] = stub.service_response["jobs"][0]
    return job


def utc(ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)


def test_documented_describe_jobs_example_parses_to_expected_values() -> None:
    wire = documented_job()
    job = JobDetail.model_validate(wire)
    assert job.job_id == "24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9"
    assert job.job_name == "example"
    assert job.job_queue == "arn:aws:batch:us-east-1:012345678910:job-queue/HighPriority"
    assert job.status is JobStatus.SUCCEEDED
    assert job.job_definition == "sleep60"
    assert job.created_at == datetime(2016, 11, 29, 23, 6, 22, 10000, tzinfo=timezone.utc)
    assert job.started_at == utc(1480460816500)
    assert job.stopped_at == utc(1480460880699)
    assert job.started_at.tzinfo is timezone.utc
    assert job.duration == timedelta(milliseconds=1480460880699 - 1480460816500)
    assert job.is_terminal
    assert job.container is not None
    assert job.container.image == "busybox"
    assert job.container.command == ("sleep", "60")
    assert job.container.memory == 128
    assert job.container.vcpus == 1
    assert job.container.exit_code == 0
    assert job.exit_code == 0
    assert job.container.volumes == ()
    assert job.parameters == {}
    assert job.depends_on == ()
    assert job.to_boto() == wire


def test_snake_case_attributes_and_wire_names_both_validate() -> None:
    by_wire = JobSummary.model_validate({"jobId": "1", "jobName": "n", "createdAt": 5})
    by_attr = JobSummary(job_id="1", job_name="n", created_at=utc(5))
    assert by_wire == by_attr
    assert by_attr.to_boto() == {"jobId": "1", "jobName": "n", "createdAt": 5}
    summary = JobSummary.model_validate(
        {"jobId": "1", "jobName": "n", "nodeProperties": {"isMainNode": True, "numNodes": 3}}
    )
    assert summary.node_properties is not None
    assert summary.node_properties.is_main_node is True


def test_unknown_enum_value_is_kept_typed_and_round_trips() -> None:
    wire = {"jobId": "1", "jobName": "n", "status": "HIBERNATING"}
    job = JobSummary.model_validate(wire)
    assert isinstance(job.status, JobStatus)
    assert job.status.value == "HIBERNATING"
    assert not job.status.is_known
    assert JobStatus.RUNNING.is_known
    assert job.status is JobStatus("HIBERNATING")
    assert job.status not in list(JobStatus)  # never pollutes the documented members
    assert not job.is_terminal
    assert job.to_boto() == wire
    assert type(job.to_boto()["status"]) is str


@pytest.mark.parametrize(
    ("enum", "value"),
    [(ServiceJobStatus, "PAUSED"), (S3JobStatus, "Hibernating"), (S3Operation, "S3Teleport")],
)
def test_every_enum_is_open(enum: Any, value: str) -> None:
    assert enum(value).value == value
    assert isinstance(enum(value), enum)


def test_unknown_member_is_kept_and_round_trips() -> None:
    wire = documented_job() | {"futureMember": {"nested": [1, 2]}}
    wire["container"] = wire["container"] | {"futureContainerThing": True}
    job = JobDetail.model_validate(wire)
    assert job.model_extra == {"futureMember": {"nested": [1, 2]}}
    assert job.to_boto() == wire
    assert "futureMember" in repr(job)


def test_models_are_frozen_and_hashable() -> None:
    job = JobDetail.model_validate(documented_job())
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        job.job_name = "other"  # type: ignore[misc]
    assert isinstance(job.container and job.container.command, tuple)
    again = JobDetail.model_validate(documented_job())
    assert job == again
    assert hash(job) == hash(again)
    assert len({job, again}) == 1
    other = JobDetail.model_validate(documented_job() | {"jobName": "other"})
    assert job != other


def test_repr_omits_unset_members() -> None:
    job = JobSummary.model_validate({"jobId": "1", "jobName": "n", "status": "FAILED"})
    assert repr(job) == "JobSummary(job_id='1', job_name='n', status=JobStatus.FAILED)"


def test_required_members_are_required() -> None:
    with pytest.raises(pydantic.ValidationError, match="jobName"):
        JobSummary.model_validate({"jobId": "1"})


def test_a_job_that_has_not_started_validates() -> None:
    wire = {
        "jobName": "n",
        "jobId": "1",
        "jobQueue": "q",
        "status": "RUNNABLE",
        "jobDefinition": "d",
    }
    job = JobDetail.model_validate(wire)
    assert job.started_at is None
    assert job.duration is None
    assert job.latest_attempt is None
    assert job.exit_code is None
    assert job.log_stream_name is None


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError, match="naive datetime"):
        JobSummary(job_id="1", job_name="n", created_at=datetime(2024, 1, 1))


def test_bool_is_not_a_timestamp() -> None:
    with pytest.raises(pydantic.ValidationError, match="bool"):
        JobSummary.model_validate({"jobId": "1", "jobName": "n", "createdAt": True})


def test_latest_attempt_exit_code_and_log_stream() -> None:
    wire = {
        "jobName": "n",
        "jobId": "1",
        "jobQueue": "q",
        "status": "FAILED",
        "jobDefinition": "d",
        "attempts": [
            {
                "container": {"exitCode": 1, "logStreamName": "first"},
                "startedAt": 0,
                "stoppedAt": 1,
            },
            {
                "container": {"exitCode": 137, "logStreamName": "last"},
                "startedAt": 5,
                "stoppedAt": 65,
            },
        ],
    }
    job = JobDetail.model_validate(wire)
    assert isinstance(job.latest_attempt, AttemptDetail)
    assert job.latest_attempt.duration == timedelta(milliseconds=60)
    assert job.exit_code == 137
    assert job.log_stream_name == "last"
    assert job.is_terminal


def test_service_job_summary() -> None:
    wire = {
        "jobId": "s1",
        "jobName": "train",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "SCHEDULED",
        "quotaShareName": "qs",
        "latestAttempt": {"serviceResourceId": {"name": "TrainingJobArn", "value": "arn:t"}},
        "capacityUsage": [{"capacityUnit": "NUM_INSTANCES", "quantity": 2.0}],
    }
    job = ServiceJobSummary.model_validate(wire)
    assert job.status is ServiceJobStatus.SCHEDULED
    assert job.latest_attempt is not None
    assert job.latest_attempt.service_resource_id is not None
    assert job.latest_attempt.service_resource_id.value == "arn:t"
    assert job.to_boto() == wire


def test_s3_batch_job_keeps_aware_datetimes_and_progress() -> None:
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    wire = {
        "JobId": "j1",
        "Operation": "S3PutObjectCopy",
        "Status": "Complete",
        "CreationTime": created,
        "ProgressSummary": {
            "TotalNumberOfTasks": 10,
            "NumberOfTasksSucceeded": 7,
            "NumberOfTasksFailed": 1,
            "Timers": {"ElapsedTimeInActiveSeconds": 42},
        },
    }
    job = S3BatchJob.model_validate(wire)
    assert job.creation_time == created
    assert job.creation_time is not None
    assert job.creation_time.tzinfo is not None
    assert job.operation is S3Operation.S3_PUT_OBJECT_COPY
    assert job.progress == pytest.approx(0.8)
    assert job.is_terminal
    assert job.status is not None
    assert job.status.is_terminal
    assert job.to_boto() == wire
    with pytest.raises(pydantic.ValidationError, match="timezone"):
        S3BatchJob.model_validate({"CreationTime": datetime(2026, 1, 1)})
