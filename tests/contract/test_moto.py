"""Against moto's Batch (an implementation we did not write), for what moto implements:
submitting jobs, listing them with the JOB_NAME filter, describing them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from batchkit import BatchClient, JobFilter, JobNotFoundError
from batchkit.models import JobDetail, JobSummary

REGION = "us-east-1"


@pytest.fixture
def moto_batch(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[BatchClient, dict[str, str]]]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws(config={"batch": {"use_docker": False}}):
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(
            RoleName="batch",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        raw: Any = boto3.client("batch", region_name=REGION)
        env = raw.create_compute_environment(
            computeEnvironmentName="env", type="UNMANAGED", state="ENABLED", serviceRole=role
        )["computeEnvironmentArn"]
        raw.create_job_queue(
            jobQueueName="queue",
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env}],
        )
        raw.register_job_definition(
            jobDefinitionName="sleep",
            type="container",
            containerProperties={
                "image": "busybox",
                "vcpus": 1,
                "memory": 128,
                "command": ["true"],
            },
        )
        ids = {}
        for name in ("train-a", "train-b", "Train-c", "eval-a"):
            ids[name] = raw.submit_job(jobName=name, jobQueue="queue", jobDefinition="sleep")[
                "jobId"
            ]
        yield BatchClient(raw), ids


def test_job_name_listing_matches_moto(moto_batch: tuple[BatchClient, dict[str, str]]) -> None:
    batch, ids = moto_batch
    raw = batch.client.list_jobs(
        jobQueue="queue", filters=[{"name": "JOB_NAME", "values": ["train-a"]}]
    )["jobSummaryList"]
    typed = batch.list_jobs("queue", filter=JobFilter.job_name("train-a")).to_list()
    assert [j.to_boto() for j in typed] == raw
    assert [j.job_id for j in typed] == [ids["train-a"]]
    assert all(isinstance(j, JobSummary) for j in typed)


def test_prefix_listing(moto_batch: tuple[BatchClient, dict[str, str]]) -> None:
    batch, ids = moto_batch
    typed = batch.list_jobs("queue", filter=JobFilter.job_name("train*")).to_list()
    raw = batch.client.list_jobs(
        jobQueue="queue", filters=[{"name": "JOB_NAME", "values": ["train*"]}]
    )["jobSummaryList"]
    # Case-insensitive prefix per the AWS docs; both must agree on what moto returned.
    assert sorted(j.job_id for j in typed) == sorted(j["jobId"] for j in raw)
    assert {ids["train-a"], ids["train-b"]} <= {j.job_id for j in typed}
    assert ids["eval-a"] not in {j.job_id for j in typed}


def test_describe_matches_moto(moto_batch: tuple[BatchClient, dict[str, str]]) -> None:
    batch, ids = moto_batch
    wanted = [ids["eval-a"], ids["train-a"], "does-not-exist"]
    raw = batch.client.describe_jobs(jobs=wanted)["jobs"]
    result = batch.describe_jobs(wanted)
    typed = list(result)
    assert all(isinstance(j, JobDetail) for j in typed)
    assert [j.job_id for j in typed] == [ids["eval-a"], ids["train-a"]]
    assert {j.job_id: j.to_boto() for j in typed} == {j["jobId"]: j for j in raw}
    assert result.missing_ids == ("does-not-exist",)
    assert typed[0].job_name == "eval-a"
    with pytest.raises(JobNotFoundError):
        batch.describe_job("does-not-exist")


@pytest.mark.parametrize("pattern", ["train-a", "train*", "TRAIN-A", "eval*", "nothing"])
def test_fake_and_moto_agree_on_job_name_listing(
    moto_batch: tuple[BatchClient, dict[str, str]], pattern: str
) -> None:
    """The same jobs in batchkit's FakeAWS and in moto: the same JOB_NAME answers."""
    from batchkit.testing import FakeAWS

    batch, ids = moto_batch
    fake = FakeAWS()
    for name in ids:  # the names moto_batch submitted, in the same order
        fake.add_job("queue", job_name=name, job_definition="sleep:1", status="SUBMITTED")
    f = JobFilter.job_name(pattern)
    from_moto = sorted(j.job_name for j in batch.list_jobs("queue", filter=f))
    from_fake = sorted(j.job_name for j in fake.batch_client().list_jobs("queue", filter=f))
    assert from_fake == from_moto


def test_fake_and_moto_agree_on_describe(moto_batch: tuple[BatchClient, dict[str, str]]) -> None:
    from batchkit.testing import FakeAWS

    batch, ids = moto_batch
    fake = FakeAWS()
    fake_ids = {
        name: fake.add_job("queue", job_name=name, job_definition="sleep:1").job_id for name in ids
    }
    wanted = ["eval-a", "train-b"]
    from_moto = list(batch.describe_jobs([ids[n] for n in wanted] + ["missing"]))
    fake_result = fake.batch_client().describe_jobs([fake_ids[n] for n in wanted] + ["missing"])
    from_fake = list(fake_result)

    def essentials(job: JobDetail) -> tuple[str, str, str]:
        queue = job.job_queue.rsplit("/", 1)[-1]
        definition = job.job_definition.rsplit("/", 1)[-1].split(":")[0]
        return job.job_name, queue, definition

    assert [essentials(j) for j in from_fake] == [essentials(j) for j in from_moto]
    assert fake_result.missing_ids == ("missing",)
