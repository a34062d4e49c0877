"""The new read operations as client methods: compute_environments, job_definitions,
consumable_resources, describe_consumable_resource, queue_snapshot, describe_service_job,
instance_types (EC2) and S3 describe_job/why -- the exact requests (WireStubber), the
semantics (FakeAWS, both faces), early typed errors, and moto where moto has them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from moto import mock_aws

from batchkit import (
    BatchClient,
    InvalidParameterError,
    InvalidRequestError,
    NotFoundError,
    S3BatchOperationsClient,
    S3StatusReport,
    WaitKind,
    WaitReport,
)
from batchkit.models import (
    ComputeEnvironmentDetail,
    EC2InstanceTypeInfo,
    JobDefinition,
    JobQueueSnapshot,
    JobStatus,
    S3BatchJobDetail,
)
from batchkit.testing import FakeAWS, WireStubber
from tests.conftest import ACCOUNT, NO_RETRY, T0, T0_MS

Stub = tuple[BatchClient, WireStubber]


def ce(name: str, **resources: Any) -> dict[str, Any]:
    return {
        "computeEnvironmentName": name,
        "computeEnvironmentArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:compute-environment/{name}",
        "state": "ENABLED",
        "status": "VALID",
        "computeResources": {"type": "EC2", "maxvCpus": 256, "subnets": [], **resources},
    }


def test_compute_environments_exact_requests(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response(
        "describe_compute_environments",
        {"computeEnvironments": [ce("a")], "nextToken": "t1"},
        {"computeEnvironments": ["a", "b"], "maxResults": 1},
    )
    stub.add_response(
        "describe_compute_environments",
        {"computeEnvironments": [ce("b", desiredvCpus=8)]},
        {"computeEnvironments": ["a", "b"], "maxResults": 1, "nextToken": "t1"},
    )
    found = batch.compute_environments(["a", "b", "a"], page_size=1).to_list()
    assert [c.compute_environment_name for c in found] == ["a", "b"]
    assert all(isinstance(c, ComputeEnvironmentDetail) for c in found)
    assert found[1].compute_resources is not None
    assert found[1].compute_resources.desiredv_cpus == 8


def test_queue_snapshot_and_service_job_exact_requests(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    arn = f"arn:aws:batch:us-east-1:{ACCOUNT}:job/j1"
    stub.add_response(
        "get_job_queue_snapshot",
        {
            "frontOfQueue": {
                "jobs": [{"jobArn": arn, "earliestTimeAtPosition": T0_MS}],
                "lastUpdatedAt": T0_MS,
            },
            "frontOfQuotaShares": {"quotaShares": {"gpu": [{"jobArn": arn}]}},
        },
        {"jobQueue": "etl"},
    )
    snapshot = batch.queue_snapshot("etl")
    assert isinstance(snapshot, JobQueueSnapshot)
    assert snapshot.front_of_queue is not None
    assert snapshot.front_of_queue.jobs is not None
    assert snapshot.front_of_queue.jobs[0].earliest_time_at_position == T0
    assert snapshot.front_of_quota_shares is not None
    assert snapshot.front_of_quota_shares.quota_shares is not None
    assert list(snapshot.front_of_quota_shares.quota_shares) == ["gpu"]
    stub.add_response(
        "describe_service_job",
        {
            "jobId": "s1",
            "jobName": "train",
            "jobQueue": "sm",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": "RUNNING",
            "startedAt": T0_MS,  # Stubber insists on it (the fake test shows AWS omits it)
        },
        {"jobId": "s1"},
    )
    job = batch.describe_service_job("s1")
    assert job.started_at == T0
    assert job.status is not None
    assert job.status.value == "RUNNING"


def test_instance_types_go_to_ec2_with_the_smallest_page_ec2_accepts(face: Any) -> None:
    fake = FakeAWS(now=lambda: T0)
    batch = fake.batch_client(NO_RETRY)
    first = batch.instance_types(families=["m5"]).first()
    assert isinstance(first, EC2InstanceTypeInfo)
    assert fake.requests[-1] == (
        "EC2.DescribeInstanceTypes",
        {"Filters": [{"Name": "instance-type", "Values": ["m5.*"]}], "MaxResults": 5},
    )
    names = [
        i.instance_type.value
        for i in batch.instance_types(["c5.xlarge", "m5.large"])
        if i.instance_type
    ]
    assert names == ["c5.xlarge", "m5.large"]
    sized = batch.instance_types(families=["p3"]).to_list()
    assert {
        (i.instance_type.value, i.gpu_info.gpus[0].count)
        for i in sized
        if i.instance_type and i.gpu_info and i.gpu_info.gpus
    } == {
        ("p3.2xlarge", 1),
        ("p3.8xlarge", 4),
        ("p3.16xlarge", 8),
    }
    pages = batch.instance_types(families=["m5", "c5"], page_size=5)
    assert len(pages.to_list()) == 12
    assert pages.requests_made == 3
    fake.add_instance_type("x9.huge", vcpus=448, memory_mib=12 * 2**20)
    assert batch.instance_types(["x9.huge"], region="eu-west-1").first() is not None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: b.instance_types("m5.large"), "names: expected an iterable"),
        (lambda b: b.instance_types(["m5 large"]), "names item: expected an instance type"),
        (lambda b: b.instance_types(families=["m5.*"]), "families item"),
        (lambda b: b.instance_types(page_size=4), "page_size: must be between 5 and 100"),
        (lambda b: b.instance_types(region=""), "region"),
        (lambda b: b.compute_environments([""]), "names item"),
        (lambda b: b.job_definitions(["a:1"], name="a"), "give one of them"),
        (lambda b: b.job_definitions(status="GONE"), "status: unknown value"),
        (lambda b: b.consumable_resources(name="a*b"), "only allowed at the end"),
        (lambda b: b.queue_snapshot(7), "queue: expected a job queue name"),
        (lambda b: b.describe_consumable_resource(None), "resource: expected"),
        (lambda b: b.describe_service_job(" "), "job: must not be empty"),
        (lambda b: b.why_queue("q", limit=101), "limit"),
    ],
)
def test_bad_arguments_send_nothing(face: Any, call: Any, message: str) -> None:
    fake = FakeAWS()
    batch = fake.batch_client(NO_RETRY)
    with pytest.raises(InvalidParameterError, match=message):
        call(batch)
    assert fake.requests == []


def test_definitions_resources_snapshot_and_service_jobs_on_the_fake(face: Any) -> None:
    fake = FakeAWS(now=lambda: T0)
    batch = fake.batch_client(NO_RETRY)
    fake.add_job_definition("train", vcpus=4, memory_mib=16384, gpus=1)
    fake.add_job_definition("train", vcpus=8, status="INACTIVE")
    fake.add_job_definition("etl")
    every = batch.job_definitions().to_list()
    assert [(d.job_definition_name, d.revision) for d in every] == [
        ("train", 1),
        ("train", 2),
        ("etl", 1),
    ]
    assert all(isinstance(d, JobDefinition) for d in every)
    assert [d.revision for d in batch.job_definitions(name="train", status="active")] == [1]
    assert [d.revision for d in batch.job_definitions(["train:2", "etl"])] == [2, 1]
    fake.add_consumable_resource("matlab", total=4, in_use=1)
    fake.add_consumable_resource("gurobi", total=2)
    assert [r.consumable_resource_name for r in batch.consumable_resources(name="MAT*")] == [
        "matlab"
    ]
    summary = batch.consumable_resources(page_size=1).first()
    assert summary is not None
    detail = batch.describe_consumable_resource(summary)
    assert (detail.consumable_resource_name, detail.available_quantity) == ("matlab", 3)
    with pytest.raises(InvalidRequestError, match="does not exist"):
        batch.describe_consumable_resource("nope")
    job = fake.add_job("etl", status="RUNNABLE")
    etl = batch.job_queues(["etl"]).first()
    assert etl is not None
    snapshot = batch.queue_snapshot(etl)
    assert snapshot.front_of_queue is not None
    assert [j.job_arn for j in snapshot.front_of_queue.jobs or ()] == [job.job_arn]
    with pytest.raises(InvalidRequestError, match="does not exist"):
        batch.queue_snapshot("nope")
    service = fake.add_service_job("sm", status="RUNNABLE", statusReason="x")
    assert batch.describe_service_job(service.job_arn or "").job_id == service.job_id
    assert fake.requests[-1] == ("DescribeServiceJob", {"jobId": service.job_id})  # not the ARN
    described = batch.describe_service_job(service)
    assert described.job_name == service.job_name
    assert described.started_at is None  # not started: AWS omits the "required" member


def test_fake_snapshot_can_be_set(face: Any) -> None:
    fake = FakeAWS(now=lambda: T0)
    fake.add_queue("fair")
    fake.set_queue_snapshot(
        "fair",
        [("j2", T0 - timedelta(hours=1)), ("j1", T0)],
        quota_shares={"team-a": [("j1", T0)]},
        utilization={"totalCapacityUsage": [{"capacityUnit": "VCPU", "quantity": 12.0}]},
    )
    snapshot = fake.batch_client(NO_RETRY).queue_snapshot("fair")
    assert snapshot.front_of_queue is not None
    assert [
        j.job_arn.rsplit("/", 1)[-1] for j in snapshot.front_of_queue.jobs or () if j.job_arn
    ] == ["j2", "j1"]
    assert snapshot.queue_utilization is not None


# ---------------------------------------------------------------------------- S3


def test_s3_describe_job_and_why(face: Any) -> None:
    fake = FakeAWS(now=lambda: T0)
    s3 = fake.s3_client()
    failed = fake.add_s3_job(status="Failed", description="copy", total=10, succeeded=0, failed=0)
    fake.set_s3_job_details(
        failed,
        failure_reasons=[("ManifestNotFound", "the manifest <b>object</b> does not exist")],
        status_update_reason="Job failed",
        report={
            "Bucket": "arn:aws:s3:::reports",
            "Prefix": "batch/",
            "Enabled": True,
            "Format": "Report_CSV_20180820",
            "ReportScope": "FailedTasksOnly",
        },
    )
    detail = s3.describe_job(failed)
    assert isinstance(detail, S3BatchJobDetail)
    assert detail.failure_reasons is not None
    assert detail.failure_reasons[0].failure_code == "ManifestNotFound"
    assert detail.operation is not None
    assert detail.operation.s3_put_object_copy is not None
    report = s3.why(failed)
    assert isinstance(report, S3StatusReport)
    assert report.failed
    assert report.summary.startswith("failed: ManifestNotFound")
    assert report.operation == "S3PutObjectCopy"
    assert report.report_location == f"s3://reports/batch/job-{failed.job_id}/"
    assert "&lt;b&gt;object&lt;/b&gt;" in report._repr_html_()
    assert report.job_url is not None
    assert report.job_url.endswith("region=us-east-1")
    suspended = fake.add_s3_job(status="Suspended")
    fake.set_s3_job_details(suspended, suspended_cause="AwaitingConfirmation")
    waiting = s3.why(suspended)
    assert waiting.summary == "suspended: AwaitingConfirmation"
    assert "confirm it" in waiting.advice
    partial = fake.add_s3_job(status="Complete", total=100, succeeded=97, failed=3)
    done = s3.why(partial)
    assert done.failed
    assert done.progress == 1.0
    assert "3 task(s) failed" in done.advice
    assert json.loads(json.dumps(done.to_json_dict()))["progress"] == 1.0
    with pytest.raises(NotFoundError):
        s3.describe_job("no-such-job")
    with pytest.raises(InvalidParameterError, match="5 to 36"):
        s3.why("x")


def test_s3_describe_job_exact_request(
    s3_stub: tuple[S3BatchOperationsClient, WireStubber],
) -> None:
    s3, stub = s3_stub
    stub.add_response(
        "describe_job",
        {
            "Job": {
                "JobId": "abcde-1",
                "Status": "Active",
                "Priority": 3,
                "CreationTime": datetime(2026, 11, 1, tzinfo=timezone.utc),
                "ProgressSummary": {"TotalNumberOfTasks": 4, "NumberOfTasksSucceeded": 1},
            }
        },
        {"AccountId": ACCOUNT, "JobId": "abcde-1"},
    )
    job = s3.describe_job("abcde-1")
    assert job.priority == 3
    assert job.creation_time == datetime(2026, 11, 1, tzinfo=timezone.utc)


# ---------------------------------------------------------------------------- moto


@pytest.fixture
def moto_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[BatchClient, Any, str]]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws(config={"batch": {"use_docker": False}}):
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(
            RoleName="batch",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        raw: Any = boto3.client("batch", region_name="us-east-1")
        env = raw.create_compute_environment(
            computeEnvironmentName="env", type="UNMANAGED", state="ENABLED", serviceRole=role
        )["computeEnvironmentArn"]
        raw.create_job_queue(
            jobQueueName="queue",
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env}],
        )
        for memory in (128, 256):
            raw.register_job_definition(
                jobDefinitionName="sleep",
                type="container",
                containerProperties={"image": "busybox", "vcpus": 1, "memory": memory},
            )
        job_id = raw.submit_job(jobName="j", jobQueue="queue", jobDefinition="sleep")["jobId"]
        yield BatchClient(raw), raw, job_id


def test_compute_environments_and_definitions_match_moto(
    moto_account: tuple[BatchClient, Any, str],
) -> None:
    batch, raw, _job = moto_account
    assert [
        c.to_boto() for c in batch.compute_environments()
    ] == raw.describe_compute_environments()["computeEnvironments"]
    assert [c.compute_environment_name for c in batch.compute_environments(["env", "gone"])] == [
        "env"
    ]
    typed = batch.job_definitions(name="sleep").to_list()
    assert [d.to_boto() for d in typed] == raw.describe_job_definitions(jobDefinitionName="sleep")[
        "jobDefinitions"
    ]
    assert sorted(d.revision for d in typed) == [1, 2]


def test_instance_types_match_moto(moto_account: tuple[BatchClient, Any, str]) -> None:
    batch, _raw, _job = moto_account
    ec2: Any = boto3.client("ec2", region_name="us-east-1")
    expected = ec2.describe_instance_types(InstanceTypes=["m5.large", "c5.xlarge"])["InstanceTypes"]
    typed = batch.instance_types(["m5.large", "c5.xlarge"]).to_list()
    assert sorted((t.to_boto() for t in typed), key=lambda i: i["InstanceType"]) == sorted(
        expected, key=lambda i: i["InstanceType"]
    )
    m5 = batch.instance_types(families=["m5"]).to_list()
    assert all(t.instance_type is not None and t.instance_type.value.startswith("m5.") for t in m5)
    assert len(m5) == len(
        ec2.describe_instance_types(Filters=[{"Name": "instance-type", "Values": ["m5.*"]}])[
            "InstanceTypes"
        ]
    )


def test_why_against_moto_makes_what_checks_moto_allows(
    moto_account: tuple[BatchClient, Any, str],
) -> None:
    """moto has no GetJobQueueSnapshot: the report says so and is made anyway."""
    batch, _raw, job_id = moto_account
    # moto runs its jobs at once: ask about the job as it was while it waited
    waiting = batch.describe_job(job_id).model_copy(update={"status": JobStatus.RUNNABLE})
    report = batch.why(waiting)
    assert isinstance(report, WaitReport)
    assert report.queue is not None
    assert report.queue.name == "queue"
    assert [e.name for e in report.compute_environments] == ["env"]
    notes = {n.check: n.reason for n in report.checks_not_made}
    assert notes == {"GetJobQueueSnapshot": "the endpoint does not implement it"}
    assert report.kind == WaitKind.QUEUED  # an UNMANAGED environment: nothing to check
