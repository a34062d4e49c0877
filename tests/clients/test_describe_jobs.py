"""BatchClient.describe_jobs / describe_job."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from batchkit import BatchClient, JobNotFoundError
from batchkit.models import JobDetail, JobStatus
from batchkit.testing import AWSErrorResponse, WireStubber, queue_stubs, serve
from tests.conftest import raw_client

Stub = tuple[BatchClient, WireStubber]


def detail(job_id: str, **overrides: Any) -> dict[str, Any]:
    job: dict[str, Any] = {
        "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/{job_id}",
        "jobName": f"name-{job_id}",
        "jobId": job_id,
        "jobQueue": "q",
        "status": "FAILED",
        "jobDefinition": "def:1",
        "startedAt": 1_000,
        "stoppedAt": 61_000,
        "container": {"exitCode": 2, "reason": "boom", "logStreamName": f"log/{job_id}"},
    }
    job.update(overrides)
    return job


def test_documented_example_through_the_real_parser(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    assert queue_stubs(stub, "batch_describe_jobs_documented") == 1
    job = batch.describe_job("24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9")
    assert isinstance(job, JobDetail)
    assert job.job_name == "example"
    assert job.status is JobStatus.SUCCEEDED
    assert job.exit_code == 0


def test_empty_input_makes_no_request(batch_stub: Stub) -> None:
    batch, _stub = batch_stub
    result = batch.describe_jobs([])
    assert list(result) == []
    assert result.missing_ids == ()


def test_chunks_of_100_deduplicated_in_input_order(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    ids = [f"j{i:03d}" for i in range(250)]
    requested = ids + ids[:10]  # duplicates are dropped
    for chunk in (ids[:100], ids[100:200], ids[200:]):
        # AWS answers in its own order; leave one id out of the last chunk.
        answer = [detail(i) for i in reversed(chunk) if i != "j249"]
        stub.add_response("describe_jobs", {"jobs": answer}, {"jobs": chunk})
    result = batch.describe_jobs(requested)
    jobs = list(result)
    assert [j.job_id for j in jobs] == ids[:249]
    assert result.missing_ids == ("j249",)


def test_describe_job_not_found(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response("describe_jobs", {"jobs": []}, {"jobs": ["nope"]})
    with pytest.raises(JobNotFoundError, match="nope") as info:
        batch.describe_job("nope")
    assert info.value.job_ids == ("nope",)
    assert isinstance(info.value, LookupError)


def test_ids_given_as_arns_are_matched(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    arn = "arn:aws:batch:us-east-1:123456789012:job/a1"
    stub.add_response("describe_jobs", {"jobs": [detail("a1")]}, {"jobs": [arn]})
    result = batch.describe_jobs([arn])
    assert [j.job_id for j in result] == ["a1"]
    assert result.missing_ids == ()


def test_is_lazy(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    result = batch.describe_jobs(["a", "b"])  # nothing queued: a request would fail
    stub.add_response("describe_jobs", {"jobs": [detail("a"), detail("b")]}, {"jobs": ["a", "b"]})
    assert next(result).job_id == "a"


def test_concurrent_chunks_keep_the_order_and_run_at_once() -> None:
    # (tests/conftest.py counts every request as having waited: the chunks after the first,
    # which runs alone, run side by side)
    raw = raw_client("batch")
    ids = [f"j{i:04d}" for i in range(1000)]
    in_flight = 0
    peak = 0
    lock = threading.Lock()
    both_running = threading.Barrier(2, timeout=10)

    def responder(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        nonlocal in_flight, peak
        assert operation == "DescribeJobs"
        assert len(params["jobs"]) <= 100
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        if params["jobs"][0] in ("j0100", "j0200"):
            both_running.wait()  # proves two requests are in flight together
        with lock:
            in_flight -= 1
        return {"jobs": [detail(i) for i in params["jobs"] if i != "j0500"]}

    stop = serve(raw, responder)
    try:
        result = BatchClient(raw).describe_jobs(ids, max_workers=4)
        jobs = list(result)
    finally:
        stop()
    assert [j.job_id for j in jobs] == [i for i in ids if i != "j0500"]
    assert result.missing_ids == ("j0500",)
    assert peak >= 2


@pytest.mark.parametrize("max_workers", [1, 3])
def test_a_failing_chunk_loses_nothing_silently(max_workers: int) -> None:
    """Every other chunk is yielded; then the typed error names the ids not described."""
    raw = raw_client("batch")

    def responder(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if params["jobs"][0] == "j0100":
            raise AWSErrorResponse("ClientException", "bad id")
        return {"jobs": [detail(i) for i in params["jobs"]]}

    stop = serve(raw, responder)
    try:
        from batchkit import InvalidRequestError

        ids = [f"j{i:04d}" for i in range(300)]
        result = BatchClient(raw).describe_jobs(ids, max_workers=max_workers)
        seen: list[str] = []
        with pytest.raises(InvalidRequestError, match=r"bad id .*; 100 job id\(s\) not described"):
            seen.extend(job.job_id for job in result)
    finally:
        stop()
    assert seen == ids[:100] + ids[200:]
    assert result.undescribed_ids == tuple(ids[100:200])
    assert result.missing_ids == ()


def test_error_carries_the_undescribed_ids(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_client_error("describe_jobs", "ServerException", "down", 500)
    from batchkit import ServiceError

    with pytest.raises(ServiceError) as info:
        list(batch.describe_jobs(["a", "b"]))
    assert info.value.undescribed_ids == ("a", "b")


def test_derived_properties_of_a_failed_job(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response("describe_jobs", {"jobs": [detail("x")]}, {"jobs": ["x"]})
    job = batch.describe_job("x")
    assert job.exit_code == 2
    assert job.log_stream_name == "log/x"
    assert job.duration is not None
    assert job.duration.total_seconds() == 60


@pytest.mark.usefixtures("face")
@pytest.mark.parametrize("max_workers", [1, 3])
def test_a_listing_failing_inside_a_chunk_loses_no_id(max_workers: int) -> None:
    """Issue 22 item 1: 150 jobs, 30 a page, page 3 answers 500.  Every id read from the
    listing is described, missing or undescribed; resuming from the error's token and
    describing what is undescribed loses nothing."""
    from batchkit import BatchKitError
    from batchkit.testing import FakeAWS, Fault
    from tests.conftest import NO_RETRY

    fake = FakeAWS()
    everyone = {fake.add_job("q", job_name=f"j{i}", status="FAILED").job_id for i in range(150)}
    batch = fake.batch_client(NO_RETRY)
    fake.inject(Fault(code="ServerException", status=500, operation="ListJobs", on_call=3))
    listing = batch.list_jobs("q", status="FAILED", page_size=30)
    # the listing itself (the async one under the async face) is the input
    result = batch.describe_jobs(getattr(listing, "target", listing), max_workers=max_workers)
    described: list[str] = []
    with pytest.raises(BatchKitError) as info:
        described.extend(job.job_id for job in result)
    error = info.value
    assert error.resume_token is not None
    assert set(error.undescribed_ids) == set(result.undescribed_ids)
    accounted = set(described) | set(result.missing_ids) | set(result.undescribed_ids)
    assert len(accounted) == 60  # the two pages read before the failure
    resumed = batch.list_jobs("q", status="FAILED", starting_token=error.resume_token)
    rest = batch.describe_jobs([*result.undescribed_ids, *resumed])
    described += [job.job_id for job in rest]
    assert set(described) == everyone
    assert len(described) == len(everyone)


@pytest.mark.usefixtures("face")
@pytest.mark.parametrize("max_workers", [1, 3])
def test_a_take_across_a_failing_listing_loses_nothing(max_workers: int) -> None:
    """A ``take()`` that reads jobs and then meets the listing's failure puts them back in
    front (iterating again yields them) and names them first in ``undescribed_ids``
    (resuming from the error describes them again): either way, every job exactly once.
    The async cancellation fuzz lost a job here (round 3): the error's resume point was
    past jobs the failed ``take()`` had read but not returned."""
    from batchkit import BatchKitError
    from batchkit.testing import FakeAWS, Fault
    from tests.conftest import NO_RETRY

    fake = FakeAWS()
    for i in range(150):
        fake.add_job("q", job_id=f"j{i:03d}", job_name=f"j{i}", status="FAILED")
    batch = fake.batch_client(NO_RETRY)
    fake.inject(Fault(code="ServerException", status=500, operation="ListJobs", on_call=3))
    listing = batch.list_jobs("q", status="FAILED", page_size=30)
    result = batch.describe_jobs(getattr(listing, "target", listing), max_workers=max_workers)
    with pytest.raises(BatchKitError, match=r"60 job id\(s\) not described") as info:
        result.take(200)
    error = info.value
    everyone = [job.job_id for job in batch.list_jobs("q", status="FAILED")]
    assert list(error.undescribed_ids) == everyone[:60]  # read by the take, in order
    assert [job.job_id for job in result] == everyone[:60]  # and put back in front
    resumed = batch.list_jobs("q", status="FAILED", starting_token=error.resume_token)
    rest = batch.describe_jobs([*error.undescribed_ids, *resumed])
    assert [job.job_id for job in rest] == everyone


def test_only_the_ids_asked_for_in_input_order_each_from_its_own_reply(batch_stub: Stub) -> None:
    """Issue 22 item 6: an extra job in a reply is not yielded; a job answered early in
    another chunk's reply (with a stale status) is yielded from its own chunk's reply."""
    batch, stub = batch_stub
    ids = [f"j{i:03d}" for i in range(150)]
    first_reply = [detail(i) for i in ids[:100]]
    first_reply += [detail("stranger"), detail("j120", status="RUNNING")]
    stub.add_response("describe_jobs", {"jobs": first_reply}, {"jobs": ids[:100]})
    second_reply = [detail(i, status="SUCCEEDED") for i in reversed(ids[100:])]
    stub.add_response("describe_jobs", {"jobs": second_reply}, {"jobs": ids[100:]})
    result = batch.describe_jobs(ids)
    jobs = list(result)
    assert [j.job_id for j in jobs] == ids
    assert {j.status for j in jobs[100:]} == {JobStatus.SUCCEEDED}
    assert result.missing_ids == ()


# ---------------------------------------------------------------- one consumer (issue 22, 15)


def _served_client() -> BatchClient:
    """A client whose DescribeJobs answers every id (at botocore's before-send)."""
    raw = raw_client("batch")
    serve(raw, lambda _op, params: {"jobs": [detail(i) for i in params["jobs"]]})
    return BatchClient(raw)


_BEFORE: set[threading.Thread] = set()


@pytest.fixture
def threads_before() -> None:
    _BEFORE.clear()
    _BEFORE.update(threading.enumerate())


def _pool_threads() -> list[threading.Thread]:
    """The pool threads started by this test still running."""
    return [t for t in threading.enumerate() if t.name.startswith("batchkit") and t not in _BEFORE]


@pytest.mark.usefixtures("threads_before")
def test_a_second_thread_iterating_meanwhile_is_refused_clearly() -> None:
    from batchkit import BatchKitError

    gate, inside = threading.Event(), threading.Event()

    def ids() -> Any:
        yield from (f"a{i:03d}" for i in range(100))
        inside.set()
        gate.wait(10)  # the first consumer is inside next(), reading the input
        yield from (f"b{i:03d}" for i in range(100))

    details = _served_client().describe_jobs(ids(), max_workers=4)
    got: list[str] = []
    first = threading.Thread(target=lambda: got.extend(j.job_id for j in details))
    first.start()
    assert inside.wait(10)
    with pytest.raises(BatchKitError, match=r"being iterated elsewhere \(another thread\)"):
        next(details)
    gate.set()
    first.join(10)
    assert len(got) == 200
    assert _pool_threads() == []


def test_a_reentrant_call_from_the_input_is_refused_clearly() -> None:
    from batchkit import BatchKitError

    details: Any = None

    def ids() -> Any:
        yield "a1"
        next(details)  # the input reads the result it feeds: re-entrant

    details = _served_client().describe_jobs(ids())
    with pytest.raises(BatchKitError, match="being iterated elsewhere"):
        list(details)


@pytest.mark.usefixtures("threads_before")
@pytest.mark.parametrize("workers", [1, 4])
def test_close_from_another_thread_while_iterating_leaves_no_pool(workers: int) -> None:
    gate, inside = threading.Event(), threading.Event()

    def ids() -> Any:
        yield from (f"a{i:03d}" for i in range(100))
        inside.set()
        gate.wait(10)
        yield from (f"b{i:03d}" for i in range(300))

    details = _served_client().describe_jobs(ids(), max_workers=workers)
    got: list[str] = []
    errors: list[BaseException] = []

    def consume() -> None:
        try:
            got.extend(j.job_id for j in details)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    consumer = threading.Thread(target=consume)
    consumer.start()
    assert inside.wait(10)
    details.close()  # another thread: was "ValueError: generator already executing"
    assert _pool_threads() == []  # the pool is gone before close() returns
    gate.set()
    consumer.join(10)
    assert not consumer.is_alive()
    assert errors == []
    assert _pool_threads() == []
    assert len(got) <= 101  # the 100 before, at most the one under way; then the end
    assert list(details) == []  # closed: nothing more


@pytest.mark.usefixtures("face")
def test_take_zero_takes_nothing() -> None:
    """``take(0)`` is ``[]``, as a pager's (the sync one returned a job)."""
    from batchkit.testing import FakeAWS

    fake = FakeAWS()
    ids = [fake.add_job("q", job_id=f"j{i}", status="FAILED").job_id for i in range(3)]
    batch = fake.batch_client()
    details = batch.describe_jobs(ids)
    assert details.take(0) == []
    assert [job.job_id for job in details.take(5)] == ids
