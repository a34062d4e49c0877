"""The library of canned AWS responses (batchkit/testing/stubs/): well-formed, valid for
botocore and for the models, and each case replays through batchkit's clients."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from botocore.config import Config
from botocore.stub import Stubber

from batchkit import AccessDeniedError, BatchClient, JobNotFoundError, S3BatchOperationsClient
from batchkit.models import BatchKitModel, JobDetail, JobSummary, S3BatchJob, ServiceJobSummary
from batchkit.testing import Stub, StubError, WireStubber, load_stubs, queue_stubs, stub_names
from tests.conftest import raw_client

NAME = re.compile(r"(batch|s3control)_(list_jobs|list_service_jobs|describe_jobs)_[a-z0-9_]+")
OPERATIONS: dict[tuple[str, str], tuple[str, type[BatchKitModel]]] = {
    ("batch", "list_jobs"): ("jobSummaryList", JobSummary),
    ("batch", "list_service_jobs"): ("jobSummaryList", ServiceJobSummary),
    ("batch", "describe_jobs"): ("jobs", JobDetail),
    ("s3control", "list_jobs"): ("Jobs", S3BatchJob),
}
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
ALL = stub_names()


def items(stub: Stub) -> list[Mapping[str, Any]]:
    assert stub.service_response is not None
    member, _model = OPERATIONS[stub.service, stub.operation]
    found: list[Mapping[str, Any]] = stub.service_response[member]
    return found


def walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)
    else:
        yield key, value


def test_the_library_covers_every_operation() -> None:
    assert len(ALL) >= 9
    for service, operation in OPERATIONS:
        cases = stub_names(f"{service}_{operation}_")
        several = [n for n in cases if len(load_stubs(n)) >= 2]
        assert several, f"no multi-request case for {service} {operation}"
    assert "batch_list_jobs_documented" in ALL
    assert "batch_describe_jobs_documented" in ALL
    assert stub_names("s3control_") == [n for n in ALL if n.startswith("s3control_")]


@pytest.mark.parametrize("name", ALL)
def test_stub_file_is_well_formed(name: str) -> None:
    match = NAME.fullmatch(name)
    assert match, f"{name}: not <service>_<operation>_<case>"
    stubs = load_stubs(name)
    assert stubs
    for stub in stubs:
        assert (stub.service, stub.operation) == match.groups()
        assert (stub.service_response is None) != (stub.error is None)
        assert stub.comment, "say where the case comes from"
        if stub.service_response is None:
            continue
        for key, value in walk(stub.service_response):
            if stub.service == "batch" and key.endswith("At"):
                assert isinstance(value, int), f"{key}: Batch sends epoch milliseconds"
            if stub.service == "s3control" and key in ("CreationTime", "TerminationDate"):
                assert isinstance(value, str), key
                assert ISO_UTC.fullmatch(value), key


@pytest.mark.parametrize("name", ALL)
def test_every_item_validates_into_its_model(name: str) -> None:
    for stub in load_stubs(name):
        if stub.service_response is None:
            continue
        _member, model = OPERATIONS[stub.service, stub.operation]
        for item in items(stub):
            parsed: BatchKitModel = model.model_validate(item)
            if stub.service == "batch":
                assert parsed.to_boto() == item


@pytest.mark.parametrize("name", ALL)
def test_botocore_accepts_every_stub(name: str) -> None:
    stubs = load_stubs(name)
    client = raw_client(stubs[0].service)
    stubber = Stubber(client)  # validates each response against the service's output shape
    assert queue_stubs(stubber, stubs) == len(stubs)


# -------------------------------------------------------------------- replays


def batch(name: str, retries: int = 1) -> tuple[BatchClient, WireStubber]:
    config = Config(retries={"mode": "standard", "total_max_attempts": retries})
    raw = raw_client("batch", config)
    stubber = WireStubber(raw)
    queue_stubs(stubber, name)
    return BatchClient(raw), stubber


def s3(name: str) -> tuple[S3BatchOperationsClient, WireStubber]:
    raw = raw_client("s3control")
    stubber = WireStubber(raw)
    queue_stubs(stubber, name)
    return S3BatchOperationsClient("123456789012", raw), stubber


def replay_list_jobs_documented() -> WireStubber:
    client, stubber = batch("batch_list_jobs_documented")
    with stubber:
        assert [j.job_id for j in client.list_jobs("HighPriority")] == [
            "e66ff5fd-a1ff-4640-b1a2-0b0a142f49bb"
        ]
        # iterated, not first(): first() asks for a one-job first page (maxResults=1)
        assert next(iter(client.list_jobs("HighPriority", status="SUBMITTED")), None)
    return stubber


def replay_list_jobs_multi_page() -> WireStubber:
    client, stubber = batch("batch_list_jobs_multi_page")
    with stubber:
        pages = list(client.list_jobs("etl", status="FAILED", page_size=6).pages())
    assert [len(page.items) for page in pages] == [6, 6, 4]
    assert all(job.status == "FAILED" for page in pages for job in page.items)
    return stubber


def replay_list_jobs_throttled() -> WireStubber:
    client, stubber = batch("batch_list_jobs_throttled", retries=2)
    with stubber:
        assert len(client.list_jobs("etl", status="FAILED").to_list()) == 4
    return stubber


def replay_list_service_jobs_multi_page() -> WireStubber:
    client, stubber = batch("batch_list_service_jobs_multi_page")
    with stubber:
        jobs = client.list_service_jobs("sagemaker", status="SUCCEEDED", page_size=6).to_list()
    assert len(jobs) == 16
    return stubber


def replay_describe_jobs_documented() -> WireStubber:
    client, stubber = batch("batch_describe_jobs_documented")
    with stubber:
        job = client.describe_job("24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9")
    assert (job.job_name, job.exit_code) == ("example", 0)
    return stubber


def replay_describe_jobs_chunked() -> WireStubber:
    client, stubber = batch("batch_describe_jobs_chunked")
    first, second = load_stubs("batch_describe_jobs_chunked")
    assert first.expected_params is not None
    assert second.expected_params is not None
    ids = [*first.expected_params["jobs"], *second.expected_params["jobs"]]
    with stubber:
        result = client.describe_jobs(ids)
        jobs = list(result)
    assert len(ids) == 105
    assert [job.job_id for job in jobs] == ids[:-1]
    assert result.missing_ids == (ids[-1],)
    return stubber


def replay_describe_jobs_not_found() -> WireStubber:
    client, stubber = batch("batch_describe_jobs_not_found")
    with stubber, pytest.raises(JobNotFoundError):
        client.describe_job("00000000-0000-0000-0000-000000000000")
    return stubber


def replay_s3_list_jobs_multi_page() -> WireStubber:
    client, stubber = s3("s3control_list_jobs_multi_page")
    with stubber:
        jobs = client.list_jobs(page_size=2).to_list()
    assert len(jobs) == 6
    assert all(job.creation_time is not None for job in jobs)
    assert all(job.creation_time.tzinfo is not None for job in jobs if job.creation_time)
    return stubber


def replay_s3_list_jobs_access_denied() -> WireStubber:
    client, stubber = s3("s3control_list_jobs_access_denied")
    with stubber, pytest.raises(AccessDeniedError) as raised:
        client.list_jobs().to_list()
    assert raised.value.code == "AccessDenied"
    return stubber


REPLAYS: dict[str, Callable[[], WireStubber]] = {
    "batch_describe_jobs_chunked": replay_describe_jobs_chunked,
    "batch_describe_jobs_documented": replay_describe_jobs_documented,
    "batch_describe_jobs_not_found": replay_describe_jobs_not_found,
    "batch_list_jobs_documented": replay_list_jobs_documented,
    "batch_list_jobs_multi_page": replay_list_jobs_multi_page,
    "batch_list_jobs_throttled": replay_list_jobs_throttled,
    "batch_list_service_jobs_multi_page": replay_list_service_jobs_multi_page,
    "s3control_list_jobs_access_denied": replay_s3_list_jobs_access_denied,
    "s3control_list_jobs_multi_page": replay_s3_list_jobs_multi_page,
}


def test_every_case_has_a_replay() -> None:
    assert sorted(REPLAYS) == ALL


@pytest.mark.parametrize("name", ALL)
def test_case_replays_through_batchkit_with_the_exact_requests(name: str) -> None:
    stubber = REPLAYS[name]()
    stubber.assert_no_pending_responses()  # every request was made, with its expected params


def test_unknown_name() -> None:
    with pytest.raises(KeyError, match="stub_names"):
        load_stubs("batch_list_jobs_nope")


def test_stubs_can_be_made_and_queued() -> None:
    made = [
        Stub("batch", "list_jobs", {"jobQueue": "q"}, error=StubError("ServerException", "x", 500))
    ]
    raw = raw_client("batch")
    with WireStubber(raw) as stubber:
        assert queue_stubs(stubber, made) == 1
        with pytest.raises(Exception, match="ServerException"):
            BatchClient(raw).list_jobs("q").to_list()
