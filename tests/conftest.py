from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config

from batchkit import BatchClient, S3BatchOperationsClient
from batchkit.testing import WireStubber

# batchkit.plot in tests (and the docs' examples): draw off-screen, never open a window.
os.environ.setdefault("MPLBACKEND", "Agg")

ACCOUNT = "123456789012"
T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
T0_MS = int(T0.timestamp() * 1000)
DEFINITION_ARN = f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/train:3"

# No retries in unit tests unless a test asks for them: an error is one response.
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


def raw_client(service: str, config: Config = NO_RETRY) -> Any:
    factory: Any = boto3.client  # the service name is a variable here: skip the overloads
    return factory(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


def summary(i: int, **overrides: Any) -> dict[str, Any]:
    """A realistic ListJobs item; job i was created i minutes before T0."""
    job: dict[str, Any] = {
        "jobArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:job/job-{i:05d}",
        "jobId": f"job-{i:05d}",
        "jobName": f"train-{i % 3}",
        "createdAt": T0_MS - i * 60_000,
        "status": "FAILED" if i % 2 else "SUCCEEDED",
        "jobDefinition": DEFINITION_ARN,
    }
    job.update(overrides)
    return job


def created(i: int) -> datetime:
    return T0 - timedelta(minutes=i)


@pytest.fixture
def batch_stub() -> Iterator[tuple[BatchClient, WireStubber]]:
    raw = raw_client("batch")
    with WireStubber(raw) as stub:
        yield BatchClient(raw), stub
        stub.assert_no_pending_responses()


@pytest.fixture
def s3_stub() -> Iterator[tuple[S3BatchOperationsClient, WireStubber]]:
    raw = raw_client("s3control")
    with WireStubber(raw) as stub:
        yield S3BatchOperationsClient(ACCOUNT, raw), stub
        stub.assert_no_pending_responses()
