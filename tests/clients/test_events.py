"""batchkit.events: AWS Batch's EventBridge events (AWS's documented examples) typed, and the
reports made from them -- what a Lambda handler does."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import batchkit.events
from batchkit import FailureKind, FailureReport, InvalidParameterError, WaitKind, WaitReport
from batchkit.events import (
    BatchEvent,
    JobQueueBlocked,
    JobStateChange,
    ServiceJobQueueBlocked,
    ServiceJobStateChange,
    parse_event,
)
from batchkit.models import JobDetail, JobStatus, ServiceJobDetail
from batchkit.testing import FakeAWS
from tests.conftest import NO_RETRY, T0

JOB = "4c7599ae-0a82-49aa-ba5a-4727fcce14a8"

#: AWS's example "Batch Job State Change" event (docs: "Job state change events").
STATE_CHANGE: dict[str, Any] = {
    "version": "0",
    "id": "c8f9c4b5-76e5-d76a-f980-7011e206042b",
    "detail-type": "Batch Job State Change",
    "source": "aws.batch",
    "account": "123456789012",
    "time": "2022-01-11T23:36:40Z",
    "region": "us-east-1",
    "resources": [f"arn:aws:batch:us-east-1:123456789012:job/{JOB}"],
    "detail": {
        "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/{JOB}",
        "jobName": "event-test",
        "jobId": JOB,
        "jobQueue": "arn:aws:batch:us-east-1:123456789012:job-queue/PexjEHappyPathCanary2JobQueue",
        "status": "RUNNABLE",
        "attempts": [],
        "createdAt": 1641944200058,
        "retryStrategy": {"attempts": 2, "evaluateOnExit": []},
        "dependsOn": [],
        "jobDefinition": (
            "arn:aws:batch:us-east-1:123456789012:job-definition/first-run-job-definition:1"
        ),
        "parameters": {},
        "container": {
            "image": "137112412989.dkr.ecr.us-east-1.amazonaws.com/amazonlinux:latest",
            "command": ["sleep", "600"],
            "volumes": [],
            "environment": [],
            "mountPoints": [],
            "ulimits": [],
            "networkInterfaces": [],
            "resourceRequirements": [
                {"value": "2", "type": "VCPU"},
                {"value": "256", "type": "MEMORY"},
            ],
            "secrets": [],
        },
        "tags": {"resourceArn": f"arn:aws:batch:us-east-1:123456789012:job/{JOB}"},
        "propagateTags": False,
        "platformCapabilities": [],
    },
}


def blocked_event() -> dict[str, Any]:
    event = copy.deepcopy(STATE_CHANGE)
    event["detail-type"] = "Batch Job Queue Blocked"
    event["resources"].append(event["detail"]["jobQueue"])
    event["detail"]["statusReason"] = (
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement "
        "(vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue."
    )
    return event


def test_a_state_change_event_is_typed() -> None:
    event = parse_event(STATE_CHANGE)
    assert isinstance(event, JobStateChange)
    assert isinstance(event.detail, JobDetail)
    assert event.detail.status is JobStatus.RUNNABLE
    assert event.detail.job_id == JOB
    assert event.detail.created_at is not None
    assert event.time is not None
    assert event.time.isoformat() == "2022-01-11T23:36:40+00:00"
    assert event.failure_kind == FailureKind.NOT_FAILED
    assert type(event).__module__ == "batchkit.events"
    assert parse_event(json.dumps(STATE_CHANGE)) == event  # a Lambda's JSON text too


def test_a_failed_job_event_classifies_without_a_request() -> None:
    event = copy.deepcopy(STATE_CHANGE)
    event["detail"] |= {
        "status": "FAILED",
        "statusReason": "OutOfMemoryError: Container killed due to memory usage",
    }
    parsed = parse_event(event)
    assert isinstance(parsed, JobStateChange)
    assert parsed.failure_kind == FailureKind.OUT_OF_MEMORY


def test_a_blocked_queue_event_says_its_kind_without_a_request() -> None:
    event = parse_event(blocked_event())
    assert isinstance(event, JobQueueBlocked)
    reason = event.blocked_reason
    assert reason is not None
    assert reason.code == "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"
    report = event.wait_report()
    assert report.kind == WaitKind.RESOURCE_REQUIREMENT
    assert report.generated_at == event.time
    assert report.queue is None  # nothing was read


@pytest.mark.usefixtures("face")
def test_the_same_reports_work_on_the_event_s_detail() -> None:
    """In a Lambda: why(event.detail) reads the evidence, not the job again."""
    fake = FakeAWS(now=lambda: T0)
    event = parse_event(blocked_event())
    assert isinstance(event, JobQueueBlocked)
    report = fake.batch_client(NO_RETRY).why(event.detail)
    assert isinstance(report, WaitReport)
    assert report.kind == WaitKind.RESOURCE_REQUIREMENT
    assert fake.calls("DescribeJobs") <= 1  # at most the front of the queue, never the job
    failed = fake.add_job("q", status="FAILED", exit_code=2)
    raw = copy.deepcopy(STATE_CHANGE)
    raw["detail"] = failed.to_boto()
    parsed = parse_event(raw)
    assert isinstance(parsed, JobStateChange)
    failure = fake.batch_client(NO_RETRY).why(parsed.detail)
    assert isinstance(failure, FailureReport)
    assert failure.kind == FailureKind.NON_ZERO_EXIT


def test_service_job_events() -> None:
    detail = {
        "attempts": [],
        "createdAt": 1641944200058,
        "jobArn": "arn:aws:batch:us-east-1:123456789012:service-job/4c7599ae",
        "jobId": "6271dfdf-d8a7-41b1-a4d2-55a2224f5375",
        "jobName": "event-test",
        "jobQueue": "arn:aws:batch:us-east-1:123456789012:job-queue/HappyPathJobQueue",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "RUNNABLE",
        "statusReason": "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE - too many",
    }
    envelope = {k: v for k, v in STATE_CHANGE.items() if k != "detail"}
    blocked = parse_event(
        envelope | {"detail-type": "Batch Service Job Queue Blocked", "detail": detail}
    )
    assert isinstance(blocked, ServiceJobQueueBlocked)
    assert isinstance(blocked.detail, ServiceJobDetail)
    assert blocked.blocked_reason is not None
    assert blocked.blocked_reason.kind == WaitKind.MAX_RESOURCE
    changed = parse_event(
        envelope | {"detail-type": "Batch Service Job State Change", "detail": detail}
    )
    assert isinstance(changed, ServiceJobStateChange)


def test_newer_event_types_and_members_are_kept() -> None:
    event = copy.deepcopy(STATE_CHANGE)
    event["detail"]["brandNewMember"] = {"x": 1}
    event["newEnvelopeMember"] = True
    parsed = parse_event(event)
    assert isinstance(parsed, JobStateChange)
    assert parsed.detail.to_boto()["brandNewMember"] == {"x": 1}
    other = parse_event(
        STATE_CHANGE | {"detail-type": "Batch Scheduling Policy Change", "detail": {"a": 1}}
    )
    assert type(other) is BatchEvent
    assert other.detail == {"a": 1}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("{not json", "event: not JSON"),
        ([1, 2], "event: expected an EventBridge event"),
        (STATE_CHANGE | {"source": "aws.ec2"}, "not an AWS Batch event"),
        (
            STATE_CHANGE | {"detail": {"jobId": "x"}},
            r"Batch Job State Change event that does not match.*detail.jobName",
        ),
    ],
)
def test_what_is_not_a_batch_event(event: Any, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        parse_event(event)


def test_the_face_imports_lazily() -> None:
    assert set(batchkit.events.__all__) >= {"parse_event", "JobStateChange", "JobQueueBlocked"}
    assert batchkit.events.DETAIL_TYPES["Batch Job Queue Blocked"] is JobQueueBlocked
