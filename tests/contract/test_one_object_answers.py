"""The operations table's rows for one-object answers (a snapshot, a description) and EC2's
query protocol: the rows come from botocore, and a 2xx body that is no result -- an error
document, a proxy's page, a result without its member -- is a typed error, never an empty
answer."""

from __future__ import annotations

import pytest

from batchkit import BatchClient, ResponseValidationError, S3BatchOperationsClient
from batchkit._spec import codegen
from batchkit._spec.operations import (
    DESCRIBE_SERVICE_JOB,
    EC2_DESCRIBE_INSTANCE_TYPES,
    GET_JOB_QUEUE_SNAPSHOT,
    OPERATIONS,
    S3_DESCRIBE_JOB,
)
from batchkit.testing import FakeAWS
from tests.conftest import NO_RETRY


def test_rows_of_the_new_operations() -> None:
    assert (GET_JOB_QUEUE_SNAPSHOT.result_kind, GET_JOB_QUEUE_SNAPSHOT.result_key) == (
        "output",
        None,
    )
    assert GET_JOB_QUEUE_SNAPSHOT.item_model == "JobQueueSnapshot"
    assert DESCRIBE_SERVICE_JOB.item_model == "ServiceJobDetail"
    assert (S3_DESCRIBE_JOB.result_kind, S3_DESCRIBE_JOB.result_key) == ("item", "Job")
    assert S3_DESCRIBE_JOB.item_model == "S3BatchJobDetail"
    ec2 = EC2_DESCRIBE_INSTANCE_TYPES
    assert (ec2.protocol, ec2.page_size_min, ec2.page_size_max) == ("ec2", 5, 100)
    assert (ec2.input_token, ec2.output_token, ec2.limit_key) == (
        "NextToken",
        "NextToken",
        "MaxResults",
    )
    assert ec2.has_paginator  # botocore's paginator, not stated by hand
    assert {row.result_kind for row in OPERATIONS.values()} == {"items", "item", "output"}
    assert len(OPERATIONS) == len(codegen.SPECS) == 14


def batch(fake: FakeAWS) -> BatchClient:
    return fake.batch_client(NO_RETRY)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"<Response><Errors><Error><Code>Boom</Code></Error></Errors></Response>",
            "an error document",
        ),
        (b"<html><body>502 Bad Gateway</body></html>", "a <html> document"),
        (b"not xml at all", "not XML"),
        (b"", "empty body"),
    ],
)
def test_ec2_bodies_that_are_no_result(body: bytes, message: str) -> None:
    fake = FakeAWS()
    fake.inject(operation="EC2.DescribeInstanceTypes", body=body, status=200)
    with pytest.raises(ResponseValidationError, match=message):
        batch(fake).instance_types(["m5.large"]).to_list()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"__type": "ServerException", "message": "x"}', "error document"),
        (b"<html>proxy</html>", "not valid JSON"),
        (b"[]", "not a JSON object"),
    ],
)
def test_snapshot_bodies_that_are_no_result(body: bytes, message: str) -> None:
    fake = FakeAWS()
    fake.add_queue("q")
    fake.inject(operation="GetJobQueueSnapshot", body=body, status=200)
    with pytest.raises(ResponseValidationError, match=message):
        batch(fake).queue_snapshot("q")


def test_an_empty_snapshot_is_a_snapshot() -> None:
    fake = FakeAWS()
    fake.add_queue("q")
    fake.inject(operation="GetJobQueueSnapshot", body=b"{}", status=200)
    snapshot = batch(fake).queue_snapshot("q")
    assert snapshot.front_of_queue is None


def test_an_s3_description_without_its_job_is_an_error() -> None:
    fake = FakeAWS()
    job = fake.add_s3_job()
    fake.inject(
        operation="S3Control.DescribeJob",
        body=b'<?xml version="1.0"?><DescribeJobResult></DescribeJobResult>',
        status=200,
    )
    s3: S3BatchOperationsClient = fake.s3_client(config=NO_RETRY)
    with pytest.raises(ResponseValidationError, match="lacks the required member Job"):
        s3.describe_job(job)
