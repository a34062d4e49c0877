"""FakeAWS's capacity side with raw boto3 calls: what the backend does, rule by rule
(batchkit/testing/_fake_capacity.py), under botocore's real serializers and parsers --
EC2's query protocol and S3 Control's REST path included."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batchkit.models import ComputeEnvironmentDetail
from batchkit.testing import AWSErrorResponse, FakeAWS
from tests.conftest import NO_RETRY

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


@pytest.fixture
def fake() -> FakeAWS:
    return FakeAWS(now=lambda: NOW)


def raw(fake: FakeAWS, service: str = "batch") -> Any:
    return fake.boto3_client(service, NO_RETRY)


def error(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as info:
        call()
    body = info.value.response["Error"]
    return str(body["Code"]), str(body["Message"])


def test_compute_environments_page_with_tokens_bound_to_the_query(fake: FakeAWS) -> None:
    for name in ("a", "b", "c"):
        fake.add_compute_environment(name)
    batch = raw(fake)
    first = batch.describe_compute_environments(maxResults=2)
    assert [e["computeEnvironmentName"] for e in first["computeEnvironments"]] == ["default", "a"]
    rest = batch.describe_compute_environments(maxResults=2, nextToken=first["nextToken"])
    assert [e["computeEnvironmentName"] for e in rest["computeEnvironments"]] == ["b", "c"]
    assert "nextToken" not in rest
    code, _ = error(
        lambda: batch.describe_compute_environments(
            computeEnvironments=["a"], nextToken=first["nextToken"]
        )
    )
    assert code == "ClientException"
    arn = fake.environment_arn("b")
    named = batch.describe_compute_environments(computeEnvironments=[arn, "gone"])
    assert [e["computeEnvironmentArn"] for e in named["computeEnvironments"]] == [arn]
    assert (
        error(lambda: batch.describe_compute_environments(maxResults=101))[0] == "ClientException"
    )


def test_fargate_environments_have_no_instance_figures(fake: FakeAWS) -> None:
    detail = fake.add_compute_environment("fg", type="FARGATE", max_vcpus=32)
    assert isinstance(detail, ComputeEnvironmentDetail)
    resources = raw(fake).describe_compute_environments(computeEnvironments=["fg"])[
        "computeEnvironments"
    ][0]["computeResources"]
    assert resources == {"type": "FARGATE", "maxvCpus": 32}


def test_queues_refer_to_their_environments(fake: FakeAWS) -> None:
    fake.add_compute_environment("x")
    fake.configure_queue(
        "q",
        compute_environments=["x", "default"],
        status_reason="fine",
        time_limit_actions=[
            {
                "reason": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
                "state": "RUNNABLE",
                "maxTimeSeconds": 14400,
                "action": "CANCEL",
            }
        ],
    )
    (queue,) = raw(fake).describe_job_queues(jobQueues=["q"])["jobQueues"]
    assert [
        o["computeEnvironment"].rsplit("/", 1)[-1] for o in queue["computeEnvironmentOrder"]
    ] == [
        "x",
        "default",
    ]
    assert queue["statusReason"] == "fine"
    assert queue["jobStateTimeLimitActions"][0]["maxTimeSeconds"] == 14400
    fake.add_queue("sm", job_queue_type="SAGEMAKER_TRAINING")
    (service,) = raw(fake).describe_job_queues(jobQueues=["sm"])["jobQueues"]
    assert service["computeEnvironmentOrder"] == []
    assert service["serviceEnvironmentOrder"][0]["order"] == 1


def test_ec2_instance_types_over_the_query_protocol(fake: FakeAWS) -> None:
    ec2 = raw(fake, "ec2")
    one = ec2.describe_instance_types(InstanceTypes=["m5.large"])["InstanceTypes"]
    assert one[0]["VCpuInfo"]["DefaultVCpus"] == 2
    assert one[0]["MemoryInfo"]["SizeInMiB"] == 8192
    gpus = ec2.describe_instance_types(
        Filters=[{"Name": "instance-type", "Values": ["g4dn.*", "p3.16xlarge"]}]
    )["InstanceTypes"]
    assert {t["InstanceType"] for t in gpus} == {
        "g4dn.xlarge",
        "g4dn.2xlarge",
        "g4dn.12xlarge",
        "p3.16xlarge",
    }
    first = ec2.describe_instance_types(MaxResults=5)
    second = ec2.describe_instance_types(MaxResults=5, NextToken=first["NextToken"])
    assert not {t["InstanceType"] for t in first["InstanceTypes"]} & {
        t["InstanceType"] for t in second["InstanceTypes"]
    }
    assert error(lambda: ec2.describe_instance_types(InstanceTypes=["m5.nope"]))[0] == (
        "InvalidInstanceType"
    )
    # botocore itself refuses MaxResults below 5; the fake does too, for other clients
    with pytest.raises(AWSErrorResponse, match="InvalidParameterValue"):
        fake._describe_instance_types({"MaxResults": 4})


def test_snapshot_follows_the_runnable_jobs(fake: FakeAWS) -> None:
    late = fake.add_job("q", status="RUNNABLE", created_at=NOW - timedelta(minutes=1))
    early = fake.add_job("q", status="RUNNABLE", created_at=NOW - timedelta(minutes=9))
    fake.add_job("q", status="RUNNING")
    array = fake.add_job(
        "q",
        status="PENDING",
        array_size=2,
        child_statuses=["RUNNABLE", "PENDING"],
        created_at=NOW - timedelta(minutes=5),
    )
    front = raw(fake).get_job_queue_snapshot(jobQueue="q")["frontOfQueue"]
    assert [j["jobArn"].rsplit("/", 1)[-1] for j in front["jobs"]] == [
        early.job_id,
        f"{array.job_id}:0",
        late.job_id,
    ]
    assert error(lambda: raw(fake).get_job_queue_snapshot(jobQueue="nope"))[0] == "ClientException"


def test_service_jobs_and_s3_jobs_are_described(fake: FakeAWS) -> None:
    service = fake.add_service_job("sm", status="SUCCEEDED")
    described = raw(fake).describe_service_job(jobId=service.job_id)
    assert described["status"] == "SUCCEEDED"
    assert described["jobQueue"] == fake.queue_arn("sm")
    assert error(lambda: raw(fake).describe_service_job(jobId="nope"))[0] == "ClientException"
    job = fake.add_s3_job(status="Active", operation="LambdaInvoke")
    s3 = raw(fake, "s3control")
    found = s3.describe_job(AccountId=fake.account_id, JobId=job.job_id)["Job"]
    assert found["JobId"] == job.job_id
    assert "FunctionArn" in found["Operation"]["LambdaInvoke"]
    code, _ = error(lambda: s3.describe_job(AccountId=fake.account_id, JobId="nope-nope"))
    assert code == "NotFoundException"


def test_consumable_resources(fake: FakeAWS) -> None:
    fake.add_consumable_resource("Licence-A", total=3, in_use=1)
    fake.add_consumable_resource("other", total=1)
    batch = raw(fake)
    listed = batch.list_consumable_resources(
        filters=[{"name": "CONSUMABLE_RESOURCE_NAME", "values": ["licence*"]}]
    )["consumableResources"]
    assert [r["consumableResourceName"] for r in listed] == ["Licence-A"]
    one = batch.describe_consumable_resource(consumableResource="Licence-A")
    assert (one["availableQuantity"], one["inUseQuantity"]) == (2, 1)
    bad = [{"name": "NOPE", "values": ["x"]}]
    assert error(lambda: batch.list_consumable_resources(filters=bad))[0] == "ClientException"
