"""AWS errors surface as typed batchkit errors; listings can resume after them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from batchkit import (
    AccessDeniedError,
    AWSError,
    BatchClient,
    BatchKitError,
    InvalidRequestError,
    NotFoundError,
    ResponseValidationError,
    ServiceError,
    ThrottlingError,
)
from batchkit.testing import WireStubber
from tests.conftest import summary

Stub = tuple[BatchClient, WireStubber]


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ClientException", 400, InvalidRequestError),
        ("TooManyRequestsException", 429, ThrottlingError),
        ("ThrottlingException", 400, ThrottlingError),
        ("AccessDeniedException", 403, AccessDeniedError),
        ("UnrecognizedClientException", 403, AccessDeniedError),
        ("ResourceNotFoundException", 404, NotFoundError),
        ("ServerException", 500, ServiceError),
        ("SomethingNew", 503, ServiceError),
        ("SomethingNew", 400, AWSError),
    ],
)
def test_client_errors_become_typed(
    batch_stub: Stub, code: str, status: int, expected: type[AWSError]
) -> None:
    batch, stub = batch_stub
    stub.add_client_error(
        "describe_jobs", code, "it went wrong", status, response_meta={"RequestId": "req-123"}
    )
    with pytest.raises(expected) as info:
        batch.describe_job("x")
    error = info.value
    assert type(error) is expected
    assert isinstance(error, BatchKitError)
    assert error.code == code
    assert error.message == "it went wrong"
    assert error.request_id == "req-123"
    assert error.operation == "DescribeJobs"
    assert error.http_status == status
    assert isinstance(error.__cause__, ClientError)
    assert "req-123" in str(error)


def test_error_mid_listing_carries_a_resume_token(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    expected = {"jobQueue": "q", "jobStatus": "FAILED"}
    stub.add_response(
        "list_jobs", {"jobSummaryList": [summary(1), summary(3)], "nextToken": "t1"}, expected
    )
    stub.add_client_error("list_jobs", "ServerException", "down", 500)
    pager = batch.list_jobs("q", status="FAILED")
    seen = [next(pager).job_id, next(pager).job_id]
    with pytest.raises(ServiceError) as info:
        next(pager)
    assert info.value.resume_token == pager.resume_token
    assert info.value.resume_token is not None
    # Iterating the same pager again resumes from there...
    stub.add_response("list_jobs", {"jobSummaryList": [summary(5)]}, expected | {"nextToken": "t1"})
    seen += [j.job_id for j in pager]
    assert seen == ["job-00001", "job-00003", "job-00005"]


def test_a_new_pager_resumes_from_the_error_token(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    expected = {"jobQueue": "q", "jobStatus": "FAILED"}
    stub.add_client_error("list_jobs", "TooManyRequestsException", "slow down", 429)
    with pytest.raises(ThrottlingError) as info:
        batch.list_jobs("q", status="FAILED").to_list()
    assert info.value.resume_token is None  # nothing was read: start from the beginning
    stub.add_response("list_jobs", {"jobSummaryList": [summary(1)]}, expected)
    jobs = batch.list_jobs("q", status="FAILED", starting_token=info.value.resume_token)
    assert [j.job_id for j in jobs] == ["job-00001"]


def test_malformed_item_is_a_clear_error(batch_stub: Stub, monkeypatch: pytest.MonkeyPatch) -> None:
    batch, stub = batch_stub
    broken: dict[str, Any] = {"jobId": "x"}  # jobName is required
    # botocore's Stubber refuses invalid responses; queue it past its validation.
    monkeypatch.setattr(stub, "_validate_operation_response", lambda *a: None)
    stub.add_response("list_jobs", {"jobSummaryList": [broken]}, {"jobQueue": "q"})
    with pytest.raises(ResponseValidationError, match=r"ListJobs: .*JobSummary.*jobName"):
        batch.list_jobs("q").to_list()
