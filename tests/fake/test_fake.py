"""batchkit.testing.FakeAWS follows the documented AWS behaviour, rule by rule.

Most checks talk to the fake with *raw* boto3 calls, so they test the backend itself
(what AWS does), not what batchkit's client happens to send.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from batchkit import BatchClient, InvalidRequestError, JobFilter, ServiceError
from batchkit.models import JobStatus
from batchkit.testing import FakeAWS
from tests.conftest import NO_RETRY

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
NOW_MS = int(NOW.timestamp() * 1000)


@pytest.fixture
def fake() -> FakeAWS:
    return FakeAWS(now=lambda: NOW)


def minutes_ago(n: int) -> datetime:
    return NOW - timedelta(minutes=n)


def raw(fake: FakeAWS, service: str = "batch") -> Any:
    return fake.boto3_client(service, NO_RETRY)


def ids(response: dict[str, Any]) -> list[str]:
    return [j["jobId"] for j in response["jobSummaryList"]]


def error_code(call: Any) -> str:
    with pytest.raises(ClientError) as info:
        call()
    return str(info.value.response["Error"]["Code"])


def test_default_is_running_only_newest_first(fake: FakeAWS) -> None:
    for i, status in enumerate(["RUNNING", "FAILED", "RUNNING", "SUCCEEDED"]):
        fake.add_job("q", job_id=f"j{i}", status=status, created_at=minutes_ago(10 - i))
    client = raw(fake)
    assert ids(client.list_jobs(jobQueue="q")) == ["j2", "j0"]
    assert ids(client.list_jobs(jobQueue="q", jobStatus="FAILED")) == ["j1"]


def test_pagination_with_opaque_tokens(fake: FakeAWS) -> None:
    for i in range(7):
        fake.add_job("q", job_id=f"j{i}", status="RUNNING", created_at=minutes_ago(i))
    client = raw(fake)
    first = client.list_jobs(jobQueue="q", maxResults=3)
    assert ids(first) == ["j0", "j1", "j2"]
    token = first["nextToken"]
    assert "j3" not in token
    second = client.list_jobs(jobQueue="q", maxResults=3, nextToken=token)
    assert ids(second) == ["j3", "j4", "j5"]
    last = client.list_jobs(jobQueue="q", maxResults=3, nextToken=second["nextToken"])
    assert ids(last) == ["j6"]
    assert "nextToken" not in last
    # A token belongs to its query.
    assert (
        error_code(lambda: client.list_jobs(jobQueue="q", jobStatus="FAILED", nextToken=token))
        == "ClientException"
    )
    assert (
        error_code(lambda: client.list_jobs(jobQueue="q", nextToken="bm9wZQ=="))
        == "ClientException"
    )


@pytest.mark.parametrize("max_results", [0, 1001])
def test_bad_max_results_is_rejected(fake: FakeAWS, max_results: int) -> None:
    fake.add_job("q")
    assert (
        error_code(lambda: raw(fake).list_jobs(jobQueue="q", maxResults=max_results))
        == "ClientException"
    )


def test_filtered_pages_hold_at_most_100(fake: FakeAWS) -> None:
    for i in range(150):
        fake.add_job("q", job_name="x", created_at=minutes_ago(i))
    page = raw(fake).list_jobs(
        jobQueue="q", maxResults=1000, filters=[{"name": "JOB_NAME", "values": ["x"]}]
    )
    assert len(page["jobSummaryList"]) == 100
    assert "nextToken" in page


def test_list_service_jobs_max_results_is_1_to_100(fake: FakeAWS) -> None:
    fake.add_service_job("sq")
    client = raw(fake)
    assert (
        error_code(lambda: client.list_service_jobs(jobQueue="sq", maxResults=101))
        == "ClientException"
    )
    assert len(client.list_service_jobs(jobQueue="sq", maxResults=100)["jobSummaryList"]) == 1


def test_a_filter_makes_aws_ignore_job_status(fake: FakeAWS) -> None:
    fake.add_job("q", job_id="a", job_name="etl", status="FAILED", created_at=minutes_ago(1))
    fake.add_job("q", job_id="b", job_name="etl", status="SUCCEEDED", created_at=minutes_ago(2))
    response = raw(fake).list_jobs(
        jobQueue="q", jobStatus="RUNNING", filters=[{"name": "JOB_NAME", "values": ["etl"]}]
    )
    assert ids(response) == ["a", "b"]


def test_share_identifier_works_together_with_job_status(fake: FakeAWS) -> None:
    fake.add_job("q", job_id="a", status="FAILED", share_identifier="s1")
    fake.add_job("q", job_id="b", status="RUNNING", share_identifier="s1")
    fake.add_job("q", job_id="c", status="FAILED", share_identifier="s2")
    client = raw(fake)
    share = [{"name": "SHARE_IDENTIFIER", "values": ["s1"]}]
    assert ids(client.list_jobs(jobQueue="q", jobStatus="FAILED", filters=share)) == ["a"]
    assert sorted(ids(client.list_jobs(jobQueue="q", filters=share))) == ["a", "b"]


def test_job_name_is_case_insensitive_with_prefix_and_grouped_by_name(fake: FakeAWS) -> None:
    fake.add_job("q", job_id="t1", job_name="Test1", created_at=minutes_ago(1))
    fake.add_job("q", job_id="t10", job_name="test10", created_at=minutes_ago(3))
    fake.add_job("q", job_id="t1b", job_name="test1", created_at=minutes_ago(5))
    fake.add_job("q", job_id="x", job_name="other", created_at=minutes_ago(0))
    client = raw(fake)
    exact = client.list_jobs(jobQueue="q", filters=[{"name": "JOB_NAME", "values": ["test1"]}])
    assert ids(exact) == ["t1", "t1b"]
    prefix = client.list_jobs(jobQueue="q", filters=[{"name": "JOB_NAME", "values": ["test1*"]}])
    assert ids(prefix) == ["t1", "t1b", "t10"]  # grouped by name: test1 before test10


def test_job_definition_by_name_prefix_and_arn(fake: FakeAWS) -> None:
    fake.add_job("q", job_id="a", job_definition="jd1:1", created_at=minutes_ago(1))
    fake.add_job("q", job_id="b", job_definition="jd1:2", created_at=minutes_ago(2))
    fake.add_job("q", job_id="c", job_definition="jd1A:1", created_at=minutes_ago(3))
    fake.add_job("q", job_id="d", job_definition="JD1:1", created_at=minutes_ago(4))
    client = raw(fake)

    def by(value: str) -> list[str]:
        return ids(
            client.list_jobs(jobQueue="q", filters=[{"name": "JOB_DEFINITION", "values": [value]}])
        )

    assert by("jd1") == ["a", "b"]  # every revision, case-sensitive
    assert by("jd1*") == ["a", "b", "c"]
    assert by(fake.definition_arn("jd1:2")) == ["b"]
    assert error_code(lambda: by(fake.definition_arn("jd1:2") + "*")) == "ClientException"


def test_created_at_filters_are_strict(fake: FakeAWS) -> None:
    for i in range(5):
        fake.add_job("q", job_id=f"j{i}", created_at=NOW_MS - i * 1000)
    client = raw(fake)

    def by(name: str, value: int) -> list[str]:
        return ids(client.list_jobs(jobQueue="q", filters=[{"name": name, "values": [str(value)]}]))

    assert by("BEFORE_CREATED_AT", NOW_MS - 2000) == ["j3", "j4"]
    assert by("AFTER_CREATED_AT", NOW_MS - 2000) == ["j0", "j1"]
    assert error_code(lambda: by("AFTER_CREATED_AT", -5)) == "ClientException"


@pytest.mark.parametrize(
    "filters",
    [
        [{"name": "JOB_NAME", "values": ["a"]}, {"name": "AFTER_CREATED_AT", "values": ["1"]}],
        [{"name": "JOB_NAME", "values": ["a", "b"]}],
        [{"name": "NOT_A_FILTER", "values": ["a"]}],
        [{"name": "JOB_NAME", "values": ["a*b"]}],
        [{"name": "AFTER_CREATED_AT", "values": ["yesterday"]}],
    ],
)
def test_malformed_filters_are_rejected(fake: FakeAWS, filters: list[dict[str, Any]]) -> None:
    fake.add_job("q")
    assert (
        error_code(lambda: raw(fake).list_jobs(jobQueue="q", filters=filters)) == "ClientException"
    )


def test_list_jobs_needs_exactly_one_source_and_a_known_queue(fake: FakeAWS) -> None:
    fake.add_job("q")
    client = raw(fake)
    assert error_code(lambda: client.list_jobs()) == "ClientException"
    assert error_code(lambda: client.list_jobs(jobQueue="q", arrayJobId="x")) == "ClientException"
    assert error_code(lambda: client.list_jobs(jobQueue="nope")) == "ClientException"
    assert client.list_jobs(jobQueue=fake.queue_arn("q"), jobStatus="SUCCEEDED")["jobSummaryList"]


def test_array_and_multi_node_children(fake: FakeAWS) -> None:
    parent = fake.add_job(
        "q",
        job_name="sweep",
        status="RUNNING",
        array_size=3,
        child_statuses=["SUCCEEDED", "FAILED", "SUCCEEDED"],
    )
    mnp = fake.add_job("q", job_name="mpi", status="RUNNING", num_nodes=2)
    client = raw(fake)
    # Children are not listed with the queue...
    assert sorted(ids(client.list_jobs(jobQueue="q"))) == sorted([parent.job_id, mnp.job_id])
    # ...but by their parent, where a filter does not apply.
    children = client.list_jobs(
        arrayJobId=parent.job_id,
        jobStatus="SUCCEEDED",
        filters=[{"name": "JOB_NAME", "values": ["zzz"]}],
    )
    assert ids(children) == [f"{parent.job_id}:0", f"{parent.job_id}:2"]
    assert [c["arrayProperties"]["index"] for c in children["jobSummaryList"]] == [0, 2]
    nodes = client.list_jobs(multiNodeJobId=mnp.job_id)["jobSummaryList"]
    assert [
        (n["nodeProperties"]["nodeIndex"], n["nodeProperties"]["isMainNode"]) for n in nodes
    ] == [
        (0, True),
        (1, False),
    ]
    parent_summary = client.list_jobs(
        jobQueue="q", filters=[{"name": "JOB_NAME", "values": ["sweep"]}]
    )
    assert parent_summary["jobSummaryList"][0]["arrayProperties"] == {"size": 3}


def test_summary_and_detail_agree(fake: FakeAWS) -> None:
    detail = fake.add_job("q", job_name="n", status="FAILED", exit_code=137, status_reason="OOM")
    batch = fake.batch_client(NO_RETRY)
    (summary,) = batch.list_jobs("q", status="FAILED")
    described = batch.describe_job(detail.job_id)
    assert described == detail
    for name in (
        "job_id",
        "job_arn",
        "job_name",
        "status",
        "created_at",
        "started_at",
        "stopped_at",
        "status_reason",
    ):
        assert getattr(summary, name) == getattr(described, name), name
    assert summary.exit_code == described.exit_code == 137


def test_describe_limits_unknown_ids_and_arns(fake: FakeAWS) -> None:
    job = fake.add_job("q", job_id="known")
    client = raw(fake)
    assert (
        error_code(lambda: client.describe_jobs(jobs=[f"id{i}" for i in range(101)]))
        == "ClientException"
    )
    response = client.describe_jobs(jobs=["unknown", "known", job.job_arn or ""])
    assert [j["jobId"] for j in response["jobs"]] == ["known"]


def test_service_jobs(fake: FakeAWS) -> None:
    fake.add_service_job(
        "sq", job_id="a", status="RUNNING", share_identifier="s", quota_share_name="gpu"
    )
    fake.add_service_job(
        "sq", job_id="b", status="FAILED", share_identifier="s", quota_share_name="cpu"
    )
    client = raw(fake)
    assert ids(client.list_service_jobs(jobQueue="sq")) == ["a"]
    quota = [{"name": "QUOTA_SHARE_NAME", "values": ["cpu"]}]
    assert ids(client.list_service_jobs(jobQueue="sq", filters=quota)) == ["b"]
    assert ids(client.list_service_jobs(jobQueue="sq", jobStatus="RUNNING", filters=quota)) == []
    definition = [{"name": "JOB_DEFINITION", "values": ["x"]}]
    assert (
        error_code(lambda: client.list_service_jobs(jobQueue="sq", filters=definition))
        == "ClientException"
    )


def test_s3_statuses_window_and_pagination(fake: FakeAWS) -> None:
    for i in range(5):
        fake.add_s3_job(job_id=f"s3-job-{i}", status="Active", created=NOW - timedelta(hours=i))
    fake.add_s3_job(job_id="s3-done", status="Complete", created=NOW - timedelta(days=10))
    fake.add_s3_job(
        job_id="s3-old",
        status="Complete",
        created=NOW - timedelta(days=100),
        terminated=NOW - timedelta(days=91),
    )
    # ended 89 days ago: still listed (90 days, as botocore's model says; was 30)
    fake.add_s3_job(
        job_id="s3-89",
        status="Complete",
        created=NOW - timedelta(days=89, hours=1),
        terminated=NOW - timedelta(days=89),
    )
    fake.add_s3_job(job_id="s3-other", account_id="210987654321")
    client = raw(fake, "s3control")
    first = client.list_jobs(AccountId=fake.account_id, MaxResults=4)
    assert [j["JobId"] for j in first["Jobs"]] == [f"s3-job-{i}" for i in range(4)]
    rest = client.list_jobs(AccountId=fake.account_id, MaxResults=4, NextToken=first["NextToken"])
    assert [j["JobId"] for j in rest["Jobs"]] == ["s3-job-4", "s3-done", "s3-89"]  # not s3-old
    done = client.list_jobs(AccountId=fake.account_id, JobStatuses=["Complete"])
    assert [j["JobId"] for j in done["Jobs"]] == ["s3-done", "s3-89"]
    bad = lambda: client.list_jobs(AccountId=fake.account_id, NextToken="bogus")  # noqa: E731
    assert error_code(bad) == "InvalidNextTokenException"
    assert (
        error_code(lambda: client.list_jobs(AccountId=fake.account_id, MaxResults=1001))
        == "InvalidRequestException"
    )


def test_injected_fault_on_the_nth_call_then_resume(fake: FakeAWS) -> None:
    for i in range(5):
        fake.add_job("q", job_id=f"j{i}", status="RUNNING", created_at=minutes_ago(i))
    fake.inject(code="ServerException", status=500, operation="ListJobs", on_call=2)
    batch = fake.batch_client(NO_RETRY)
    pager = batch.list_jobs("q", page_size=2)
    seen = [next(pager).job_id, next(pager).job_id]
    with pytest.raises(ServiceError) as info:
        next(pager)
    assert info.value.resume_token is not None
    seen += [
        j.job_id for j in batch.list_jobs("q", page_size=2, starting_token=info.value.resume_token)
    ]
    assert seen == [f"j{i}" for i in range(5)]
    assert fake.calls("ListJobs") == 4


def test_botocore_retries_5xx_from_the_fake(fake: FakeAWS) -> None:
    fake.add_job("q", job_id="j", status="RUNNING")
    fake.inject(code="ServerException", status=500, times=2)
    batch = fake.batch_client()  # batchkit's default: botocore standard retries
    assert [j.job_id for j in batch.list_jobs("q")] == ["j"]
    assert fake.calls("ListJobs") == 3


def test_rejections_surface_as_typed_errors(fake: FakeAWS) -> None:
    batch = fake.batch_client(NO_RETRY)
    with pytest.raises(InvalidRequestError, match="does not exist"):
        batch.list_jobs("missing-queue").to_list()


def test_latency_is_injected(fake: FakeAWS) -> None:
    import time

    fake.add_job("q", status="RUNNING")
    fake.set_latency(0.05, "ListJobs")
    start = time.perf_counter()
    fake.batch_client().list_jobs("q").to_list()
    assert time.perf_counter() - start >= 0.05


def test_unimplemented_operations_never_reach_the_network(fake: FakeAWS) -> None:
    assert error_code(lambda: raw(fake).list_scheduling_policies()) == "ClientException"


def test_seeding_rejects_invalid_jobs(fake: FakeAWS) -> None:
    with pytest.raises(ValueError, match="naive"):
        fake.add_job("q", created_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="child_statuses"):
        fake.add_job("q", array_size=2, child_statuses=["FAILED"])


def test_the_pytest_fixture_answers_default_clients(batchkit_fake: FakeAWS) -> None:
    batchkit_fake.add_job("q", job_name="etl", status="FAILED", exit_code=2)
    batch = BatchClient()  # boto3's default session: wired by the fixture
    (job,) = batch.list_jobs("q", status=JobStatus.FAILED)
    assert job.job_name == "etl"
    assert boto3.client("batch").list_jobs(jobQueue="q", jobStatus="FAILED")["jobSummaryList"]


def test_client_plans_against_the_fake_end_to_end(fake: FakeAWS) -> None:
    for i in range(300):
        fake.add_job("q", job_id=f"j{i:03d}", job_name=f"train-{i % 2}", created_at=minutes_ago(i))
    batch = fake.batch_client(NO_RETRY)
    f = JobFilter.created_between(minutes_ago(200), minutes_ago(50)) & JobFilter.job_name("TRAIN-1")
    pager = batch.list_jobs("q", filter=f)
    got = [j.job_id for j in pager]
    assert got == [f"j{i:03d}" for i in range(51, 201) if i % 2 == 1]
    assert pager.requests_made == 2  # 150 in range: 2 pages of 100, then past the range


def test_throttling_is_retried_by_botocore_and_nothing_is_lost(
    fake: FakeAWS, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.retries.standard

    # botocore backs off up to a second on throttling; this test is about counts, not waiting.
    monkeypatch.setattr(
        botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0
    )
    for i in range(6):
        fake.add_job("q", job_id=f"j{i}", status="RUNNING", created_at=minutes_ago(i))
    fake.inject(code="TooManyRequestsException", status=429, operation="ListJobs", on_call=2)
    fake.inject(code="TooManyRequestsException", status=429, operation="ListJobs", on_call=4)
    jobs = [j.job_id for j in fake.batch_client().list_jobs("q", page_size=2)]
    assert jobs == [f"j{i}" for i in range(6)]
    assert fake.calls("ListJobs") == 5  # 3 pages + 2 retried throttles
