"""Resume tokens are exact: stop anywhere, resume, and get precisely the rest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from batchkit import BatchClient, JobFilter
from batchkit.testing import serve
from tests.conftest import raw_client, summary
from tests.fuzz import examples


@contextmanager
def queue_of(n: int, *, fetch_ahead: bool = True) -> Iterator[tuple[BatchClient, list[int]]]:
    """A Batch client whose ListJobs pages through ``n`` jobs (newest first) by offset."""
    items = [summary(i) for i in range(n)]
    calls: list[int] = []

    def responder(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        assert operation == "ListJobs"
        start = int(params.get("nextToken", "0"))
        size = params.get("maxResults", 100)
        calls.append(start)
        response: dict[str, Any] = {"jobSummaryList": items[start : start + size]}
        if start + size < n:
            response["nextToken"] = str(start + size)
        return response

    raw = raw_client("batch")
    stop = serve(raw, responder)
    try:
        yield BatchClient(raw, fetch_ahead=fetch_ahead), calls
    finally:
        stop()


@settings(max_examples=examples(60), deadline=None)
@given(
    n=st.integers(0, 40),
    page_size=st.integers(1, 7),
    stops=st.lists(st.integers(0, 15), max_size=4),
    failed_only=st.booleans(),
)
def test_resuming_anywhere_yields_exactly_the_rest(
    n: int, page_size: int, stops: list[int], failed_only: bool
) -> None:
    kwargs: dict[str, Any] = {"page_size": page_size}
    if failed_only:  # a client-side condition: resume positions must count skipped items too
        kwargs["filter"] = JobFilter.job_name("train-*")
        kwargs["status"] = "FAILED"
    with queue_of(n) as (batch, _calls):
        full = [j.job_id for j in batch.list_jobs("q", **kwargs)]
        seen: list[str] = []
        token = None
        for take in stops:
            pager = batch.list_jobs("q", starting_token=token, **kwargs)
            seen += [j.job_id for j in pager.take(take)]
            token = pager.resume_token
            if token is None and pager.done:
                break
        else:
            seen += [j.job_id for j in batch.list_jobs("q", starting_token=token, **kwargs)]
    assert seen == full
    assert len(set(seen)) == len(seen)


def test_tokens_are_interchangeable_with_boto3_paginators() -> None:
    with queue_of(10) as (batch, _calls):
        pager = batch.list_jobs("q", status="FAILED", page_size=4)
        head = pager.take(6)  # stops inside the second page
        token = pager.resume_token
        assert token is not None
        assert [j.job_id for j in head] == [f"job-{i:05d}" for i in range(6)]
        raw_pages = batch.client.get_paginator("list_jobs").paginate(
            jobQueue="q",
            jobStatus="FAILED",
            PaginationConfig={"PageSize": 4, "StartingToken": token},
        )
        rest = [j["jobId"] for p in raw_pages for j in p["jobSummaryList"]]
        assert rest == [f"job-{i:05d}" for i in range(6, 10)]
        # ...and a boto3 paginator's resume token starts a batchkit pager.
        boto_pages = batch.client.get_paginator("list_jobs").paginate(
            jobQueue="q", jobStatus="FAILED", PaginationConfig={"PageSize": 4, "MaxItems": 3}
        )
        assert len([j for p in boto_pages for j in p["jobSummaryList"]]) == 3
        resumed = batch.list_jobs(
            "q", status="FAILED", page_size=4, starting_token=cast(str, boto_pages.resume_token)
        )
        assert [j.job_id for j in resumed] == [f"job-{i:05d}" for i in range(3, 10)]


def test_memory_holds_one_page_and_requests_are_lazy() -> None:
    with queue_of(250) as (batch, calls):
        pager = batch.list_jobs("q", status="FAILED")
        assert calls == []
        assert next(pager, None) is not None  # iteration: the default page size
        assert pager._page is not None
        assert len(pager._page.items) == 100
        # at most one page ahead: while page 1 is read, page 2 is being fetched
        assert pager._pending is not None
        assert calls in ([0], [0, 100])
        assert sum(1 for _ in pager) == 249
        assert calls == [0, 100, 200]


def test_without_fetching_ahead_a_listing_asks_one_page_at_a_time() -> None:
    with queue_of(250, fetch_ahead=False) as (batch, calls):
        pager = batch.list_jobs("q", status="FAILED")
        assert next(pager, None) is not None
        assert calls == [0]
        assert pager._pending is None
        assert sum(1 for _ in pager) == 249
        assert calls == [0, 100, 200]


def test_first_and_small_takes_fetch_nothing_ahead() -> None:
    with queue_of(250) as (batch, calls):
        assert batch.list_jobs("q", status="FAILED").first() is not None
        pager = batch.list_jobs("q", status="FAILED")
        assert len(pager.take(5)) == 5
        assert pager._pending is None
        assert len(calls) == 2  # one small page each: nothing fetched ahead


@settings(max_examples=examples(40), deadline=None)
@given(
    n=st.integers(0, 25), page_size=st.integers(1, 6), peeks=st.lists(st.integers(0, 9), max_size=4)
)
def test_peeking_consumes_nothing(n: int, page_size: int, peeks: list[int]) -> None:
    with queue_of(n) as (batch, _calls):
        full = [j.job_id for j in batch.list_jobs("q", status="FAILED", page_size=page_size)]
        pager = batch.list_jobs("q", status="FAILED", page_size=page_size)
        seen: list[str] = []
        for k in peeks:
            peeked = [j.job_id for j in pager.peek(k)]
            assert peeked == full[len(seen) : len(seen) + k]
            token = pager.resume_token
            if pager.done:  # None then means "nothing left", not "from the start"
                assert full[len(seen) :] == []
                continue
            rest = [
                j.job_id
                for j in batch.list_jobs(
                    "q", status="FAILED", page_size=page_size, starting_token=token
                )
            ]
            assert rest == full[len(seen) :]  # the token still points before the peeked items
            seen += [j.job_id for j in pager.take(1)]
        seen += [j.job_id for p in pager.pages() for j in p.items]
        assert seen == full
