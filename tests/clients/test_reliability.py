"""Faults, throttling, resumable iteration, malformed responses, threads, secrets."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import botocore.retries.standard
import pytest
from botocore.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchkit import (
    AWSError,
    BatchClient,
    BatchKitError,
    InvalidParameterError,
    JobFilter,
    ResponseValidationError,
)
from batchkit.testing import FakeAWS, Fault
from tests.conftest import NO_RETRY
from tests.fuzz import examples

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)

# Each test runs on the sync client and (with aiobotocore) the async one: tests/conftest.py.
pytestmark = pytest.mark.usefixtures("face")
FAULTS = [("TooManyRequestsException", 429), ("ServerException", 500), ("ServerException", 503)]


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore's backoff sleeps up to a second per throttle: these tests count, not wait.
    monkeypatch.setattr(
        botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0
    )


def seeded(n: int, seed_names: bool = True) -> FakeAWS:
    fake = FakeAWS(now=lambda: NOW)
    for i in range(n):
        fake.add_job(
            "q",
            job_id=f"j{i:03d}",
            job_name=f"train-{i % 3}" if seed_names else "x",
            status="RUNNING" if i % 4 else "FAILED",
            created_at=NOW - timedelta(minutes=i),
        )
    fake.add_job("q", job_id="anchor", status="SUCCEEDED", created_at=NOW - timedelta(days=9))
    return fake


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    n=st.integers(0, 45),
    page_size=st.integers(1, 9),
    fault_calls=st.sets(st.integers(1, 14), max_size=5),
    fault=st.sampled_from(FAULTS),
    stops=st.lists(st.integers(1, 12), max_size=6),
    filtered=st.booleans(),
)
def test_resuming_across_exhausted_retries_loses_and_repeats_nothing(
    n: int,
    page_size: int,
    fault_calls: set[int],
    fault: tuple[str, int],
    stops: list[int],
    filtered: bool,
) -> None:
    fake = seeded(n)
    batch = fake.batch_client(NO_RETRY)  # every fault exhausts the (single) attempt
    kwargs: dict[str, Any] = {"page_size": page_size}
    if filtered:
        kwargs["filter"] = JobFilter.created_after(NOW - timedelta(days=1))
        kwargs["status"] = "RUNNING"
    clean = [j.job_id for j in batch.list_jobs("q", **kwargs)]
    base = fake.calls("ListJobs")
    for call in fault_calls:
        fake.inject(code=fault[0], status=fault[1], operation="ListJobs", on_call=base + call)
    seen: list[str] = []
    token: str | None = None
    stop_points = iter(stops)
    for _attempt in range(200):
        pager = batch.list_jobs("q", starting_token=token, **kwargs)
        try:
            take = next(stop_points, None)
            got = pager.take(take) if take is not None else pager.to_list()
            seen += [j.job_id for j in got]
            token = pager.resume_token
            if take is None or pager.done:
                break
        except AWSError as error:
            token = error.resume_token
    assert seen == clean
    assert len(set(seen)) == len(seen)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    n=st.integers(1, 40),
    page_size=st.integers(1, 7),
    fault_calls=st.sets(st.integers(1, 12), max_size=6),
    fault=st.sampled_from(FAULTS),
)
def test_botocore_retries_make_faults_invisible(
    n: int, page_size: int, fault_calls: set[int], fault: tuple[str, int]
) -> None:
    fake = seeded(n)
    # Standard mode retries twice: never put three faults in a row.
    calls = sorted(c for c in fault_calls if not {c - 1, c - 2} <= fault_calls)
    for call in calls:
        fake.inject(code=fault[0], status=fault[1], operation="ListJobs", on_call=call)
    # botocore's standard mode (adaptive, batchkit's default, would also wait in real time)
    batch = fake.batch_client(Config(retries={"mode": "standard", "total_max_attempts": 3}))
    jobs = [j.job_id for j in batch.list_jobs("q", status="RUNNING", page_size=page_size)]
    expected = [f"j{i:03d}" for i in range(n) if i % 4]
    assert jobs == expected


def test_exhausted_retries_raise_typed_with_resume_token() -> None:
    fake = seeded(10)
    for call in (2, 3, 4):  # the first retry sequence of page 2 never succeeds
        fake.inject(code="TooManyRequestsException", status=429, on_call=call)
    batch = fake.batch_client(Config(retries={"mode": "standard", "total_max_attempts": 3}))
    pager = batch.list_jobs("q", status="RUNNING", page_size=3)
    first = [next(pager).job_id for _ in range(3)]
    with pytest.raises(AWSError) as info:
        next(pager)
    assert info.value.code == "TooManyRequestsException"
    assert fake.calls("ListJobs") == 4  # 1 + 3 attempts
    rest = batch.list_jobs(
        "q", status="RUNNING", page_size=3, starting_token=info.value.resume_token
    )
    assert first + [j.job_id for j in rest] == [f"j{i:03d}" for i in range(10) if i % 4]


def test_truncated_json_from_a_proxy_is_an_error_not_an_empty_page() -> None:
    fake = seeded(5)
    fake.inject(Fault(status=200, body=b'{"jobSummaryList": [{"jobId": "j00', operation="ListJobs"))
    with pytest.raises(
        ResponseValidationError, match="ListJobs: the response body is not valid JSON"
    ) as info:
        fake.batch_client(NO_RETRY).list_jobs("q", status="RUNNING").to_list()
    assert info.value.resume_token is None  # nothing read yet: start again from the top


def test_truncated_xml_is_an_error_naming_the_operation() -> None:
    fake = FakeAWS()
    fake.add_s3_job()
    fake.inject(
        Fault(
            status=200,
            body=b"<ListJobsResult><Jobs><member><JobId>ab",
            operation="S3Control.ListJobs",
        )
    )
    with pytest.raises(ResponseValidationError, match=r"S3Control\.ListJobs: unreadable response"):
        fake.s3_client(config=NO_RETRY).list_jobs().to_list()


@pytest.mark.parametrize(
    ("item", "member"),
    [
        ({"jobId": "x", "jobName": "n", "createdAt": "yesterday"}, "createdAt"),
        ({"jobId": "x"}, "jobName"),
        ({"jobId": "x", "jobName": "n", "container": {"exitCode": "boom"}}, "container.exitCode"),
    ],
)
def test_wrong_members_name_the_member(item: dict[str, Any], member: str) -> None:
    fake = seeded(0)
    body = json.dumps({"jobSummaryList": [item]}).encode()
    fake.inject(Fault(status=200, body=body, operation="ListJobs"))
    with pytest.raises(ResponseValidationError, match=rf"ListJobs: .*JobSummary.*{member}"):
        fake.batch_client(NO_RETRY).list_jobs("q").to_list()


def test_describe_with_a_malformed_chunk_names_the_ids() -> None:
    fake = seeded(3)
    fake.inject(Fault(status=200, body=b"{not json", operation="DescribeJobs"))
    result = fake.batch_client(NO_RETRY).describe_jobs(["j000", "j001"])
    with pytest.raises(ResponseValidationError) as info:
        list(result)
    assert info.value.undescribed_ids == ("j000", "j001")


@pytest.mark.sync_only  # threads; the async twin (many tasks) is in tests/aio/test_aio.py
def test_one_client_shared_by_many_threads() -> None:
    fake = seeded(120)
    batch = fake.batch_client()
    filters = [
        JobFilter.job_name("train-1"),
        JobFilter.created_after(NOW - timedelta(hours=1)),
        JobFilter.created_between(NOW - timedelta(minutes=90), NOW - timedelta(minutes=30)),
        JobFilter.job_definition("default"),
    ]
    expected = {
        i: [j.job_id for j in batch.list_jobs("q", filter=f)] for i, f in enumerate(filters)
    }
    all_ids = [f"j{i:03d}" for i in range(120)]
    results: dict[tuple[int, int], list[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8, timeout=30)

    def work(thread: int) -> None:
        try:
            start.wait()
            for round_ in range(3):
                index = (thread + round_) % len(filters)
                got = [j.job_id for j in batch.list_jobs("q", filter=filters[index], page_size=7)]
                results[thread, round_] = got
                described = [j.job_id for j in batch.describe_jobs(all_ids, max_workers=2)]
                assert described == all_ids
        except BaseException as error:  # collected and re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for (thread, round_), got in results.items():
        assert got == expected[(thread + round_) % len(filters)]


def test_no_secrets_in_reprs_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    secrets = ("AKIAFAKESECRETID0001", "fake/secret+access+key", "FAKE-SESSION-TOKEN-xyz")
    session = boto3.Session(
        aws_access_key_id=secrets[0],
        aws_secret_access_key=secrets[1],
        aws_session_token=secrets[2],
        region_name="us-east-1",
    )
    fake = seeded(5)
    raw = session.client("batch", config=NO_RETRY)
    fake.attach(raw)
    batch = BatchClient(raw)
    fake.inject(code="AccessDeniedException", status=403, operation="DescribeJobs")
    texts = [repr(batch), str(batch.list_jobs("q"))]
    with caplog.at_level(logging.DEBUG, logger="batchkit"):
        pager = batch.list_jobs("q", status="RUNNING", page_size=2)
        texts.append(repr(pager))
        texts += [repr(j) for j in pager]
        with pytest.raises(BatchKitError) as info:
            batch.describe_job("j001")
        texts += [str(info.value), repr(info.value)]
    records = [r for r in caplog.records if r.name.startswith("batchkit")]
    assert any("page 1" in r.getMessage() for r in records)  # requests and pages are logged
    texts += [r.getMessage() for r in records]
    for text in texts:
        for secret in secrets:
            assert secret not in text


@settings(max_examples=examples(200), deadline=None)
@given(st.one_of(st.text(max_size=20), st.integers(), st.none(), st.binary(max_size=5)))
def test_hostile_patterns_build_a_filter_or_raise_a_clear_error(value: Any) -> None:
    for build in (JobFilter.job_name, JobFilter.job_definition, JobFilter.share_identifier):
        outcome: JobFilter | InvalidParameterError
        try:
            outcome = build(value)
        except InvalidParameterError as error:
            outcome = error
        if isinstance(outcome, InvalidParameterError):
            assert str(outcome).split(":")[0] in ("job_name", "job_definition", "share_identifier")
        else:
            assert isinstance(outcome, JobFilter)
            assert isinstance(value, str)


@settings(max_examples=examples(100), deadline=None)
@given(
    queue=st.one_of(st.text(max_size=5), st.integers(), st.none()),
    page_size=st.one_of(st.integers(-5, 2000), st.text(max_size=3), st.none(), st.floats()),
    status=st.one_of(st.text(max_size=8), st.none(), st.integers()),
)
def test_hostile_arguments_fail_before_any_request(queue: Any, page_size: Any, status: Any) -> None:
    fake = seeded(0)
    batch = fake.batch_client(NO_RETRY)
    try:
        pager = batch.list_jobs(queue, page_size=page_size, status=status)
    except InvalidParameterError:
        assert fake.calls("ListJobs") == 0
    else:
        assert isinstance(queue, str)
        assert queue.strip()
        assert pager.requests_made == 0
