"""batch.job_queues(): DescribeJobQueues as a typed, resumable pager -- against FakeAWS, the
exact requests with WireStubber, and moto (an implementation we did not write)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from batchkit import BatchClient, InvalidParameterError
from batchkit._core.filters import JOB_STATUSES
from batchkit.models import JobQueueDetail, JQState
from batchkit.testing import FakeAWS, WireStubber
from tests.conftest import ACCOUNT, NO_RETRY

Stub = tuple[BatchClient, WireStubber]


def _queue(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "jobQueueName": name,
        "jobQueueArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/{name}",
        "state": "ENABLED",
        "priority": 1,
        "computeEnvironmentOrder": [],
        **extra,
    }


def test_job_queues_pages_with_the_documented_requests(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response(
        "describe_job_queues",
        {"jobQueues": [_queue("a")], "nextToken": "t1"},
        {"maxResults": 1},
    )
    stub.add_response(
        "describe_job_queues",
        {"jobQueues": [_queue("b", state="DRAINING", status="VALID")]},
        {"maxResults": 1, "nextToken": "t1"},
    )
    queues = batch.job_queues(page_size=1).to_list()
    assert [q.job_queue_name for q in queues] == ["a", "b"]
    assert queues[0].state is JQState.ENABLED
    assert not queues[1].state.is_known  # a state newer than this batchkit: kept
    assert all(isinstance(q, JobQueueDetail) for q in queues)


def test_job_queues_by_name(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response(
        "describe_job_queues", {"jobQueues": [_queue("etl")]}, {"jobQueues": ["etl", "gpu"]}
    )
    assert [q.job_queue_name for q in batch.job_queues(["etl", "gpu", "etl"])] == ["etl"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: b.job_queues("etl"), "names: expected an iterable"),
        (lambda b: b.job_queues([]), "names: empty"),
        (lambda b: b.job_queues([""]), "names item: must not be empty"),
        (lambda b: b.job_queues([f"q{i}" for i in range(101)]), "names: at most 100"),
        (lambda b: b.job_queues(page_size=101), "page_size"),
        (lambda b: b.job_queues(starting_token="garbage"), "starting_token"),
    ],
)
def test_bad_job_queue_calls_send_nothing(batch_stub: Stub, call: Any, message: str) -> None:
    batch, _stub = batch_stub
    with pytest.raises(InvalidParameterError, match=message):
        call(batch)


def test_job_queues_on_the_fake_resume_and_feed_a_merged_listing() -> None:
    fake = FakeAWS()
    for index, name in enumerate(["etl", "gpu", "spot"]):
        fake.add_queue(name, priority=index + 1)
        fake.add_job(name, job_id=f"j-{name}", status="FAILED", created_at=1_000 + index)
    fake.add_queue("old", state="DISABLED")
    batch = fake.batch_client(NO_RETRY)
    pager = batch.job_queues(page_size=2)
    first = pager.take(1)
    rest = batch.job_queues(page_size=1, starting_token=pager.resume_token).to_list()
    queues = first + rest
    assert [q.job_queue_name for q in queues] == ["etl", "gpu", "spot", "old"]
    assert [q.priority for q in queues[:3]] == [1, 2, 3]
    assert queues[3].state is JQState.DISABLED
    names = [q.job_queue_name for q in queues]
    failed = batch.list_jobs(names, status="FAILED")
    assert [j.job_id for j in failed] == ["j-spot", "j-gpu", "j-etl"]
    by_arn = batch.job_queues([fake.queue_arn("gpu")]).to_list()
    assert [q.job_queue_name for q in by_arn] == ["gpu"]


@pytest.fixture
def moto_batch(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[BatchClient, Any]]:
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
        for index, name in enumerate(["etl", "gpu", "spot"]):
            raw.create_job_queue(
                jobQueueName=name,
                state="ENABLED",
                priority=index + 1,
                computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env}],
            )
        raw.register_job_definition(
            jobDefinitionName="sleep",
            type="container",
            containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
        )
        yield BatchClient(raw), raw


def test_job_queues_match_moto(moto_batch: tuple[BatchClient, Any]) -> None:
    batch, raw = moto_batch
    expected = raw.describe_job_queues()["jobQueues"]
    typed = batch.job_queues().to_list()
    assert [q.to_boto() for q in typed] == expected
    assert sorted(q.job_queue_name for q in typed) == ["etl", "gpu", "spot"]
    assert {q.priority for q in typed} == {1, 2, 3}


def test_every_status_matches_moto(moto_batch: tuple[BatchClient, Any]) -> None:
    """moto keeps jobs in its own statuses; status="ALL" (one request per status) finds
    each submitted job exactly once, as moto's own per-status listings say."""
    batch, raw = moto_batch
    submitted = [
        raw.submit_job(jobName=f"job-{i}", jobQueue="etl", jobDefinition="sleep")["jobId"]
        for i in range(5)
    ]
    every = [j.job_id for j in batch.list_jobs("etl", status="ALL")]
    assert sorted(every) == sorted(submitted)
    from_moto = {
        job["jobId"]
        for status in JOB_STATUSES
        for job in raw.list_jobs(jobQueue="etl", jobStatus=status)["jobSummaryList"]
    }
    assert set(every) <= from_moto | set(submitted)
