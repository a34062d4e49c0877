"""The async client against moto in server mode: an independent backend over real HTTP
(aiohttp on loopback), for what moto implements -- submitting jobs, listing them (with the
JOB_NAME filter), describing them."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

pytest.importorskip("aiobotocore")
pytest.importorskip("flask")  # moto[server]

from moto.server import ThreadedMotoServer

from batchkit import JobFilter, JobNotFoundError
from batchkit.aio import AsyncBatchClient
from batchkit.models import JobDetail, JobSummary

pytestmark = pytest.mark.anyio

REGION = "us-east-1"


@pytest.fixture(scope="module")
def moto_server() -> Iterator[tuple[str, dict[str, str]]]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        # moto's Batch would run each job in docker: configure the server not to
        request = urllib.request.Request(
            f"{endpoint}/moto-api/config",
            data=json.dumps({"batch": {"use_docker": False}}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status in (200, 201)
        kwargs: Any = {
            "region_name": REGION,
            "endpoint_url": endpoint,
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
        }
        iam = boto3.client("iam", **kwargs)
        role = iam.create_role(
            RoleName="batch",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        raw: Any = boto3.client("batch", **kwargs)
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
        ids = {
            name: raw.submit_job(jobName=name, jobQueue="queue", jobDefinition="sleep")["jobId"]
            for name in ("train-a", "train-b", "Train-c", "eval-a")
        }
        yield endpoint, ids
    finally:
        server.stop()


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(key, raising=False)


@pytest.mark.usefixtures("credentials")
async def test_listing_and_describing_against_moto_over_http(
    moto_server: tuple[str, dict[str, str]],
) -> None:
    from aiobotocore.session import AioSession

    endpoint, ids = moto_server
    async with AsyncBatchClient(
        session=AioSession(), region_name=REGION, endpoint_url=endpoint
    ) as batch:
        raw = (
            await batch.client.list_jobs(
                jobQueue="queue", filters=[{"name": "JOB_NAME", "values": ["train-a"]}]
            )
        )["jobSummaryList"]
        typed = await batch.list_jobs("queue", filter=JobFilter.job_name("train-a")).to_list()
        assert all(isinstance(j, JobSummary) for j in typed)
        assert [j.to_boto() for j in typed] == raw
        assert [j.job_id for j in typed] == [ids["train-a"]]

        prefix = {
            j.job_id async for j in batch.list_jobs("queue", filter=JobFilter.job_name("train*"))
        }
        assert {ids["train-a"], ids["train-b"]} <= prefix
        assert ids["eval-a"] not in prefix

        wanted = [*ids.values(), "no-such-job"]
        details = batch.describe_jobs(wanted, max_concurrency=2)
        got = [job async for job in details]
        assert all(isinstance(j, JobDetail) for j in got)
        assert [j.job_id for j in got] == list(ids.values())
        assert details.missing_ids == ("no-such-job",)
        job = await batch.describe_job(ids["eval-a"])
        assert job.job_name == "eval-a"
        with pytest.raises(JobNotFoundError):
            await batch.describe_job("no-such-job")
