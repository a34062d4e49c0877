"""Bad input fails early, with the parameter named, before any request is sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

from batchkit import (
    BatchClient,
    InvalidFilterError,
    InvalidParameterError,
    JobFilter,
    S3BatchOperationsClient,
)
from batchkit.testing import WireStubber
from tests.conftest import ACCOUNT, raw_client

Stub = tuple[BatchClient, WireStubber]
NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: JobFilter.job_name(""), "job_name: must not be empty"),
        (lambda: JobFilter.job_name("   "), "job_name: must not be empty"),
        (lambda: JobFilter.job_name(" x"), "job_name: leading or trailing whitespace"),
        (lambda: JobFilter.job_name("a*b"), r"job_name: '\*' is only allowed at the end"),
        (lambda: JobFilter.job_name("*"), "matches everything"),
        (lambda: JobFilter.job_name(3), "job_name: expected a str, got int"),  # type: ignore[arg-type]
        (
            lambda: JobFilter.job_definition(
                "arn:aws:batch:us-east-1:123456789012:job-definition/x:1*"
            ),
            "not supported with an ARN",
        ),
        (
            lambda: JobFilter.job_definition("arn:aws:batch:us-east-1:1:job-definition/x"),
            "an ARN must look like",
        ),
        (lambda: JobFilter.job_definition("has space"), "a name has only"),
        (lambda: JobFilter.created_after(datetime(2026, 1, 1)), "created_after: naive datetime"),
        (lambda: JobFilter.created_before("yesterday"), "created_before: expected an aware"),  # type: ignore[arg-type]
        (lambda: JobFilter.created_after(timedelta(hours=-1)), "that long ago"),
        (lambda: JobFilter.created_between(NOW, NOW - timedelta(days=1)), "range is empty"),
        (
            lambda: JobFilter.created_between(timedelta(hours=1), timedelta(hours=2)),
            "range is empty",
        ),
        (lambda: JobFilter.share_identifier(""), "share_identifier: must not be empty"),
        (lambda: JobFilter.job_name("x" * 2000), "longer than"),
    ],
)
def test_invalid_filters(build: Callable[[], Any], message: str) -> None:
    with pytest.raises(InvalidFilterError, match=message) as info:
        build()
    assert isinstance(info.value, ValueError)


def test_combined_range_that_is_empty_fails_at_the_call(batch_stub: Stub) -> None:
    batch, _ = batch_stub
    f = JobFilter.created_after(NOW) & JobFilter.created_before(NOW - timedelta(days=1))
    with pytest.raises(InvalidFilterError, match="range is empty"):
        batch.list_jobs("q", filter=f)


def test_job_definition_is_not_a_service_job_filter(batch_stub: Stub) -> None:
    batch, _ = batch_stub
    with pytest.raises(InvalidFilterError, match="ListServiceJobs has no JOB_DEFINITION"):
        batch.list_service_jobs("q", filter=JobFilter.job_definition("jd"))
    with pytest.raises(InvalidFilterError, match="only ListServiceJobs"):
        batch.list_jobs("q", filter=JobFilter.quota_share_name("gpu"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: b.list_jobs(), "exactly one of job_queue"),
        (lambda b: b.list_jobs("q", array_job_id="a"), "exactly one of job_queue"),
        (lambda b: b.list_jobs(""), "job_queue: must not be empty"),
        (lambda b: b.list_jobs(7), "job_queue: expected a str"),
        (lambda b: b.list_jobs("q", page_size=0), "page_size: must be between 1 and 1000"),
        (lambda b: b.list_jobs("q", page_size=1001), "page_size: must be between 1 and 1000"),
        (
            lambda b: b.list_jobs("q", page_size=101, filter=JobFilter.job_name("a")),
            "between 1 and 100,",
        ),
        (lambda b: b.list_jobs("q", page_size=True), "page_size: expected an int"),
        (lambda b: b.list_service_jobs("q", page_size=101), "between 1 and 100,"),
        (lambda b: b.list_jobs("q", max_items=0), "max_items"),
        (lambda b: b.list_jobs("q", filter="JOB_NAME=x"), "filter: expected a JobFilter"),
        (lambda b: b.list_jobs("q", status=3), "status: expected a JobStatus or its value"),
        (lambda b: b.list_service_jobs("q", status="HIBERNATE"), "is not a known ServiceJobSt"),
        (lambda b: b.list_jobs("q", status="FAILD"), "did you mean 'FAILED'"),
        (lambda b: b.list_jobs("q", starting_token="garbage"), "starting_token: not a token"),
        (
            lambda b: b.list_jobs("q", starting_token="eyJOZXh0VG9rZW4iOiAieCJ9"),
            "different operation",
        ),
        (lambda b: b.describe_jobs("job-1"), "job_ids: expected an iterable"),
        (lambda b: b.describe_jobs(["ok", ""]), "job_ids item: must not be empty"),
        (lambda b: b.describe_jobs([None]), "job_ids item: expected a str"),
        (lambda b: b.describe_jobs(["a"], max_workers=0), "max_workers|max_concurrency"),
        (lambda b: b.describe_job(""), "job_id: must not be empty"),
        (lambda b: b.list_jobs("q").take(-1), "take: n must be"),
    ],
)
def test_invalid_calls_send_nothing(
    batch_stub: Stub, call: Callable[[Any], Any], message: str
) -> None:
    batch, _stub = batch_stub  # no responses queued: any request would fail differently
    with pytest.raises(InvalidParameterError, match=message):
        call(batch)


@pytest.mark.parametrize(
    "account_id",
    [
        "",
        "12345678901",
        "1234567890123",
        "12345678901a",
        "123456789012.evil.example",
        "\uff11" * 12,
        123456789012,
        None,
    ],
)
def test_s3_account_id_must_be_twelve_ascii_digits(account_id: Any) -> None:
    with pytest.raises(InvalidParameterError, match="account_id: expected 12 ASCII digits"):
        S3BatchOperationsClient(account_id, raw_client("s3control"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.list_jobs(statuses=["Actve"]), "statuses: 'Actve' is not a known S3JobS"),
        (lambda s: s.list_jobs(status="actve"), "status: .* did you mean 'Active'"),
        (lambda s: s.list_jobs(statuses=[]), "statuses: an empty collection"),
        (lambda s: s.list_jobs("Active", statuses=["Active"]), "give one of them, not both"),
        (lambda s: s.list_jobs(page_size=1001), "page_size"),
        (lambda s: s.list_jobs(starting_token="eyJuZXh0VG9rZW4iOiAieCJ9"), "different operation"),
    ],
)
def test_invalid_s3_calls(call: Callable[[Any], Any], message: str) -> None:
    s3 = S3BatchOperationsClient(ACCOUNT, raw_client("s3control"))
    with pytest.raises(InvalidParameterError, match=message):
        call(s3)


def test_client_arguments() -> None:
    raw = raw_client("batch")
    with pytest.raises(InvalidParameterError, match="either a boto3 client or"):
        BatchClient(raw, region_name="eu-west-1")
    with pytest.raises(InvalidParameterError, match="expected a boto3 batch client, got 's3"):
        BatchClient(raw_client("s3control"))
    with pytest.raises(InvalidParameterError, match="expected a boto3 batch client"):
        BatchClient(42)  # type: ignore[arg-type]  # an untyped caller
    with pytest.raises(InvalidParameterError, match=r"session: expected a boto3\.Session"):
        BatchClient(session="default")  # type: ignore[arg-type]


def test_client_defaults_to_adaptive_retries_and_merges_config() -> None:
    from botocore.config import Config

    session = boto3.Session(
        aws_access_key_id="k", aws_secret_access_key="s", region_name="eu-west-1"
    )
    batch = BatchClient(session=session, config=Config(retries={"max_attempts": 7}))
    config: Any = batch.client.meta.config
    assert batch.client.meta.region_name == "eu-west-1"
    assert config.retries is not None
    assert config.retries["mode"] == "adaptive"  # botocore's client-side rate limiter
    assert config.retries["total_max_attempts"] == 8  # botocore: 7 retries + 1 attempt
    standard = BatchClient(session=session, config=Config(retries={"mode": "standard"}))
    standard_config: Any = standard.client.meta.config
    assert standard_config.retries == {"mode": "standard"}  # the knob to turn it off
    assert "batchkit/" in (config.user_agent_extra or "")
    s3 = S3BatchOperationsClient(ACCOUNT, session=session, endpoint_url="http://127.0.0.1:9")
    assert s3.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert ACCOUNT in repr(s3)
    assert "eu-west-1" in repr(batch)
