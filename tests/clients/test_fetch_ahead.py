"""A listing fetches its next page while the current one is read (issue 24): at most one
page ahead, only when the call will need it, and with resume tokens, errors, ``close()``
and cancellation as without it."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest

from batchkit import BatchClient, BatchKitError
from batchkit.testing import FakeAWS, serve
from tests.conftest import NO_RETRY, Face, raw_client, summary


def seeded(n: int) -> FakeAWS:
    fake = FakeAWS()
    for i in range(n):
        fake.add_job("q", job_id=f"j{i:03d}", status="FAILED", created_at=1_000_000 - i)
    return fake


def ids(jobs: Any) -> list[str]:
    return [job.job_id for job in jobs]


@pytest.mark.sync_only  # threads: the async twin is in tests/aio
def test_the_next_page_is_fetched_while_the_current_one_is_read() -> None:
    items = [summary(i) for i in range(9)]
    requested = {0: threading.Event(), 3: threading.Event(), 6: threading.Event()}

    def responder(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        start = int(params.get("nextToken", "0"))
        requested[start].set()
        response: dict[str, Any] = {"jobSummaryList": items[start : start + 3]}
        if start + 3 < len(items):
            response["nextToken"] = str(start + 3)
        return response

    raw = raw_client("batch")
    stop = serve(raw, responder)
    try:
        pager = BatchClient(raw).list_jobs("q", status="FAILED", page_size=3)
        assert next(pager).job_id == "job-00000"
        # page 2 is asked for while page 1 is in hand (no consumer has reached it)
        assert requested[3].wait(timeout=30)
        assert pager.requests_made == 1
        assert pager.resume_token is not None
        token = pager.resume_token
        assert [
            j.job_id
            for j in BatchClient(raw, fetch_ahead=False).list_jobs(
                "q", status="FAILED", page_size=3, starting_token=token
            )
        ] == [f"job-{i:05d}" for i in range(1, 9)]  # the token is where the consumer is
        assert len(list(pager)) == 8
    finally:
        stop()


def test_a_failure_fetched_ahead_is_raised_at_the_item_it_stops(face: Face) -> None:
    fake = seeded(10)
    batch = fake.batch_client(NO_RETRY)
    fake.inject(code="ServerException", status=500, operation="ListJobs", on_call=2)
    pager = batch.list_jobs("q", status="FAILED", page_size=4)
    read: list[str] = []
    with pytest.raises(BatchKitError) as info:
        read.extend(j.job_id for j in pager)
    assert read == [f"j{i:03d}" for i in range(4)]  # the whole first page, then the error
    resumed = batch.list_jobs("q", status="FAILED", starting_token=info.value.resume_token)
    assert read + ids(resumed) == [f"j{i:03d}" for i in range(10)]
    assert ids(pager) == [f"j{i:03d}" for i in range(4, 10)]  # or the same pager again


def test_what_a_call_does_not_need_is_never_fetched(face: Face) -> None:
    fake = seeded(30)
    batch = fake.batch_client(NO_RETRY)
    assert batch.list_jobs("q", status="FAILED", page_size=5).first() is not None
    assert fake.calls("ListJobs") == 1
    assert len(batch.list_jobs("q", status="FAILED", page_size=5).take(5)) == 5
    assert fake.calls("ListJobs") == 2
    assert len(batch.list_jobs("q", status="FAILED", page_size=5, max_items=10).to_list()) == 10
    assert fake.calls("ListJobs") == 4  # two pages of 5: the third is not needed
    assert len(batch.list_jobs("q", status="FAILED", page_size=5).to_list()) == 30
    assert fake.calls("ListJobs") == 10  # six pages; the last says nothing follows


def test_without_fetching_ahead_a_listing_is_one_request_after_another(face: Face) -> None:
    fake = seeded(12)
    batch = fake.batch_client(NO_RETRY, fetch_ahead=False)
    pager = batch.list_jobs("q", status="FAILED", page_size=4)
    assert next(pager).job_id == "j000"
    assert fake.calls("ListJobs") == 1
    assert len(list(pager)) == 11
    assert fake.calls("ListJobs") == 3


def test_close_drops_the_page_fetched_ahead(face: Face) -> None:
    fake = seeded(12)
    batch = fake.batch_client(NO_RETRY)
    pager = batch.list_jobs("q", status="FAILED", page_size=4)
    assert next(pager).job_id == "j000"
    token = pager.resume_token
    pager.close()
    assert pager.done
    assert list(pager) == []
    assert pager.resume_token == token
    assert ids(batch.list_jobs("q", status="FAILED", starting_token=token)) == [
        f"j{i:03d}" for i in range(1, 12)
    ]


def _describe_in_flight(batch: BatchClient, n: int, **options: Any) -> int:
    """The most DescribeJobs requests in flight at once while ``n`` jobs are described."""
    lock = threading.Lock()
    state = {"now": 0, "most": 0}
    eight = threading.Barrier(8, timeout=10)  # met only when 8 requests wait at once

    def before_send(**_kwargs: Any) -> None:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            state["sent"] = state.get("sent", 0) + 1
            alone = state["sent"] == 1  # the first request runs alone: it measures the wait
        if options.get("expect_overlap") and not alone:
            with contextlib.suppress(threading.BrokenBarrierError):
                eight.wait()
        with lock:
            state["now"] -= 1

    batch.client.meta.events.register_first("before-send.batch.DescribeJobs", before_send)
    ids = [f"j{i:03d}" for i in range(n)]
    with batch.describe_jobs(ids) as details:
        assert [d.job_id for d in details] == ids  # in input order, whatever the overlap
    return state["most"]


@pytest.mark.sync_only  # threads: the async face runs the same defaults on tasks
def test_describe_runs_8_requests_at_once_by_default_and_1_without_fetching_ahead() -> None:
    fake = seeded(1700)  # 17 requests: the first alone, then two rounds of 8
    assert _describe_in_flight(fake.batch_client(NO_RETRY), 1700, expect_overlap=True) == 8
    strict = fake.batch_client(NO_RETRY, fetch_ahead=False)
    assert _describe_in_flight(strict, 1700) == 1


@pytest.mark.sync_only  # threads: the async face overlaps on tasks, which cost little
def test_requests_that_do_not_wait_are_not_overlapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread's start and the GIL's hand-offs cost ~0.5 ms a request: against answers that
    come at once (a local endpoint, replayed bytes) overlapping made ListJobs 0.9x raw boto3
    instead of 1.3x.  The sync face overlaps only after a request that waited."""
    import batchkit._sync.runtime

    monkeypatch.setattr(batchkit._sync.runtime, "OVERLAP_MIN_WAIT", 3600.0)  # none waits this
    fake = seeded(1700)
    batch = fake.batch_client(NO_RETRY)
    assert _describe_in_flight(batch, 1700) == 1
    requests: list[str] = []
    batch.client.meta.events.register(
        "before-send.batch.ListJobs", lambda **_: requests.append("ListJobs")
    )
    pager = batch.list_jobs("q", status="FAILED", page_size=100)
    next(iter(pager))
    assert pager._pending is None  # pyright: ignore[reportPrivateUsage] -- nothing ahead
    assert len(requests) == 1
    assert len(pager.to_list()) == 1699
