from __future__ import annotations

import json
import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import pydantic
import pytest

from batchkit.models import (
    AttemptDetail,
    JobDetail,
    JobStatus,
    JobSummary,
    OpenEnum,
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
    assert job.status is JobStatus.from_wire("HIBERNATING")
    assert job.status not in list(JobStatus)  # never pollutes the documented members
    assert not job.is_terminal
    assert job.to_boto() == wire
    assert type(job.to_boto()["status"]) is str


@pytest.mark.parametrize(
    ("enum", "value"),
    [(ServiceJobStatus, "PAUSED"), (S3JobStatus, "Hibernating"), (S3Operation, "S3Teleport")],
)
def test_every_enum_is_open(enum: Any, value: str) -> None:
    assert enum.from_wire(value).value == value
    assert isinstance(enum.from_wire(value), enum)


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
    # botocore reads a timestamp without a zone as a naive datetime: AWS's times are UTC
    naive = S3BatchJob.model_validate({"CreationTime": datetime(2026, 1, 1)})
    assert naive.creation_time == datetime(2026, 1, 1, tzinfo=timezone.utc)


# ------------------------------------------------------------------ open enums


def test_a_member_name_gives_the_member() -> None:
    assert S3JobStatus("ACTIVE") is S3JobStatus.ACTIVE
    assert S3JobStatus("Active") is S3JobStatus.ACTIVE
    assert S3Operation("S3_PUT_OBJECT_COPY") is S3Operation.S3_PUT_OBJECT_COPY
    # from the wire, a value is kept exactly as sent (a member's name is not its value)
    wire = S3BatchJob.model_validate({"Status": "COMPLETE"}).status
    assert wire == "COMPLETE"
    assert wire is not None
    assert not wire.is_known
    assert S3BatchJob.model_validate({"Status": "Complete"}).status is S3JobStatus.COMPLETE
    for enum in (JobStatus, ServiceJobStatus, S3JobStatus, S3Operation):
        for name, member in enum.__members__.items():
            assert enum(name) is member
            assert enum(member.value) is member


def test_is_known_only_for_declared_values() -> None:
    assert S3JobStatus("COMPLETE").is_known  # the member itself, not a look-alike
    assert S3JobStatus("COMPLETE") in list(S3JobStatus)
    unknown = S3JobStatus.from_wire("Complete ")
    assert not unknown.is_known
    assert unknown not in list(S3JobStatus)
    assert repr(unknown) == "S3JobStatus('Complete ')"
    assert repr(S3JobStatus.COMPLETE) == "S3JobStatus.COMPLETE"
    assert all(member.is_known for member in S3JobStatus)


def test_known_looks_up_without_creating_members() -> None:
    assert S3JobStatus.known("ACTIVE") is S3JobStatus.ACTIVE
    assert S3JobStatus.known("Active") is S3JobStatus.ACTIVE
    assert JobStatus.known("NO-SUCH-STATUS-EVER") is None
    assert "NO-SUCH-STATUS-EVER" not in JobStatus._value2member_map_


def test_terminal_statuses_are_defined_once() -> None:
    assert JobStatus.terminal() == {JobStatus.SUCCEEDED, JobStatus.FAILED}
    assert ServiceJobStatus.terminal() == {ServiceJobStatus.SUCCEEDED, ServiceJobStatus.FAILED}
    assert S3JobStatus.terminal() == {
        S3JobStatus.COMPLETE,
        S3JobStatus.FAILED,
        S3JobStatus.CANCELLED,
    }
    for enum in (JobStatus, ServiceJobStatus, S3JobStatus):
        terminal: frozenset[Any] = enum.terminal()
        assert all(isinstance(m, enum) and m.is_known for m in terminal)
        assert {m for m in enum if m.is_terminal} == terminal
        assert not enum.from_wire("FUTURE_STATE").is_terminal
    running = JobSummary.model_validate({"jobId": "1", "jobName": "n", "status": "RUNNING"})
    assert not running.is_terminal
    assert S3BatchJob.model_validate({"Status": "Cancelled"}).is_terminal
    assert not S3BatchJob.model_validate({"Status": "Cancelling"}).is_terminal


class _Colour(OpenEnum):
    RED = "red"


def test_unknown_members_are_cached_up_to_a_bound() -> None:
    import tracemalloc

    from batchkit._spec.base import UNKNOWN_CACHE_SIZE

    declared = len(_Colour.__members__)
    first = _Colour.from_wire("mauve")
    assert first is _Colour.from_wire("mauve")  # cached: identity holds
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for i in range(20_000):
            member = _Colour.from_wire(f"rejected-status-{i}")
            assert member.value == f"rejected-status-{i}"
            assert not member.is_known
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(_Colour._value2member_map_) == declared + UNKNOWN_CACHE_SIZE
    assert after - before < 1_000_000  # the unbounded cache kept ~11 MB for 20k values
    assert _Colour.from_wire("mauve") is first  # still cached
    late = _Colour.from_wire("turquoise")  # past the bound: a fresh member each time, still equal
    assert late == _Colour.from_wire("turquoise") == "turquoise"
    assert late is not _Colour.from_wire("turquoise")
    assert hash(late) == hash("turquoise")
    assert isinstance(late, _Colour)
    assert not late.is_known
    assert _Colour("RED") is _Colour.RED  # names and values are never affected
    assert _Colour("red") is _Colour.RED


def test_unknown_enum_value_round_trips_through_json() -> None:
    wire = {"jobId": "1", "jobName": "n", "status": "HIBERNATING", "createdAt": -5}
    job = JobSummary.model_validate(wire)
    assert JobSummary.model_validate_json(job.model_dump_json()) == job
    assert json.loads(job.model_dump_json(by_alias=True))["status"] == "HIBERNATING"


def test_out_of_range_epoch_millis_is_a_validation_error() -> None:
    with pytest.raises(pydantic.ValidationError, match="out of range"):
        JobSummary.model_validate({"jobId": "1", "jobName": "n", "createdAt": 10**17})


def test_calling_an_enum_is_user_input_with_a_suggestion() -> None:
    """Issue 23.10: ``JobStatus("FAILD")`` is a typo, not a new status."""
    with pytest.raises(ValueError, match=r"did you mean 'FAILED'\?") as caught:
        JobStatus("FAILD")
    assert "JobStatus.from_wire('FAILD')" in str(caught.value)  # the way to a newer value
    assert "FAILD" not in JobStatus._value2member_map_  # nothing was created
    assert JobStatus("failed") is JobStatus.FAILED  # any case, as the CLI and status=
    assert S3JobStatus("active") is S3JobStatus.ACTIVE
    with pytest.raises(ValueError, match="did you mean 'Complete'"):
        S3JobStatus("Complete ")


def test_values_from_aws_stay_open_on_every_path() -> None:
    """An unknown value in a response (python and JSON validation) is kept, and pickles."""
    python = JobSummary.model_validate({"jobId": "1", "jobName": "n", "status": "PAUSED_X"})
    json_ = JobSummary.model_validate_json('{"jobId":"1","jobName":"n","status":"PAUSED_Y"}')
    assert python.status is not None
    assert json_.status is not None
    assert (python.status.value, json_.status.value) == ("PAUSED_X", "PAUSED_Y")
    assert not python.status.is_known
    assert pickle.loads(pickle.dumps(python)) == python
    with pytest.raises(pydantic.ValidationError, match="JobStatus value"):
        JobSummary.model_validate({"jobId": "1", "jobName": "n", "status": 5})


def test_attempts_is_an_empty_tuple_when_aws_leaves_it_out() -> None:
    """Issue 23.11: a job that has not run has no attempts, not None."""
    wire = {
        "jobId": "1",
        "jobName": "n",
        "jobQueue": "q",
        "status": "RUNNABLE",
        "jobDefinition": "d",
    }
    job = JobDetail.model_validate(wire)
    assert job.attempts == ()
    assert job.eks_attempts == ()
    assert job.to_boto() == wire  # still the wire shape: nothing added
    assert JobDetail.model_validate({**wire, "attempts": None}).attempts == ()


def test_ctrl_c_during_a_dump_stays_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22.19: pydantic-core reports an exception raised in a Python serializer (where a
    signal lands) as PydanticSerializationError; a KeyboardInterrupt must stay one."""
    import batchkit._spec.base as base
    from batchkit import FailureReport

    def interrupted(member: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(base, "_enum_value", interrupted)
    for model in (JobSummary, FailureReport):
        model.model_rebuild(force=True)
    try:
        job = JobSummary.model_validate({"jobId": "1", "jobName": "n", "status": "FAILED"})
        for dump in (job.to_boto, job.model_dump_json, lambda: job.model_dump(mode="json")):
            with pytest.raises(KeyboardInterrupt):
                dump()
    finally:
        monkeypatch.undo()
        for model in (JobSummary, FailureReport):
            model.model_rebuild(force=True)
    assert job.to_boto()["status"] == "FAILED"


def test_a_wire_value_spelling_a_member_name_is_kept_exactly() -> None:
    """EC2's usage classes are declared ``spot``/``on-demand`` with member names ``SPOT``...:
    a ``SPOT`` from AWS is a value this batchkit does not know, kept as sent (the round-trip
    fuzzer found it rewritten to ``spot``); your own input may still use any case."""
    from batchkit._spec.models.ec2_describe_instance_types import (
        EC2InstanceTypeInfo,
        EC2UsageClassType,
    )

    sent = EC2UsageClassType.from_wire("SPOT")
    assert sent.value == "SPOT"
    assert not sent.is_known
    assert EC2UsageClassType.from_wire("spot") is EC2UsageClassType.SPOT
    assert EC2UsageClassType("SPOT") is EC2UsageClassType.SPOT  # user input: any case
    item = {"SupportedUsageClasses": ["SPOT", "spot"]}
    assert EC2InstanceTypeInfo.model_validate(item).to_boto() == item
