"""list_jobs over several queues: one stream, each job once, newest first, one resume token.

Each test runs on BatchClient's MergedPager and (with aiobotocore) AsyncBatchClient's
AsyncMergedPager (tests/conftest.py's face fixture; both are batchkit._core.merge.MergeCore)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchkit import BatchKitError, InvalidParameterError, JobFilter, MergedPager
from batchkit.aio import AsyncMergedPager
from batchkit.testing import FakeAWS, Fault
from tests.conftest import NO_RETRY, T0, Face
from tests.fuzz import examples

pytestmark = pytest.mark.usefixtures("face")

QUEUES = ("alpha", "beta", "gamma", "delta")


def _seed(jobs: list[tuple[int, int, str]]) -> tuple[FakeAWS, list[str]]:
    """jobs: (queue index, minutes before T0, status); returns the fake and the expected
    order of every job: newest first, ties to the queue given first, then the queue's own
    order (job id)."""
    fake = FakeAWS()
    for name in QUEUES:
        fake.add_queue(name)
    keyed = []
    for n, (queue, age, status) in enumerate(jobs):
        job_id = f"j{n:03d}"
        fake.add_job(
            QUEUES[queue], job_id=job_id, status=status, created_at=T0 - timedelta(minutes=age)
        )
        keyed.append(((age, queue, job_id), job_id))
    return fake, [job_id for _, job_id in sorted(keyed)]


job_lists = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(0, 20),  # few distinct ages: ties across queues happen
        st.sampled_from(["SUCCEEDED", "FAILED", "RUNNING", "RUNNABLE"]),
    ),
    max_size=40,
)


# The two property tests run on the sync face only (CI time): the rules they explore are
# MergeCore's, shared by both faces; the async face runs the example-based twin below.
@pytest.mark.sync_only
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    jobs=job_lists,
    page_size=st.integers(1, 8),
    stops=st.lists(st.integers(0, 12), max_size=6),
    sizes=st.lists(st.integers(1, 8), max_size=6),
)
def test_merge_is_newest_first_and_resumes_exactly(
    jobs: list[tuple[int, int, str]], page_size: int, stops: list[int], sizes: list[int]
) -> None:
    fake, everything = _seed(jobs)
    batch = fake.batch_client(NO_RETRY)
    queues = list(QUEUES)
    full = batch.list_jobs(queues, status="ALL", page_size=page_size)
    assert [j.job_id for j in full] == everything

    seen: list[str] = []
    token: str | None = None
    page_sizes = iter(sizes)
    for take in [*stops, None]:
        pager = batch.list_jobs(
            queues, status="ALL", page_size=next(page_sizes, page_size), starting_token=token
        )
        got = pager.to_list() if take is None else pager.take(take)
        seen += [j.job_id for j in got]
        token = pager.resume_token
        if token is None and pager.done:
            break
    assert seen == everything


@pytest.mark.sync_only
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs=job_lists, page_size=st.integers(1, 5), failing=st.sets(st.integers(1, 25)))
def test_a_failure_in_any_queue_loses_and_repeats_nothing(
    jobs: list[tuple[int, int, str]], page_size: int, failing: set[int]
) -> None:
    fake, everything = _seed(jobs)
    wanted = [
        job_id
        for job_id, (_, _, status) in zip(sorted(everything), jobs, strict=True)
        if status == "FAILED"
    ]
    batch = fake.batch_client(NO_RETRY)
    for call in failing:
        fake.inject(Fault(code="ServerException", status=500, operation="ListJobs", on_call=call))
    seen: list[str] = []
    token: str | None = None
    pager = batch.list_jobs(list(QUEUES), status="FAILED", page_size=page_size)
    for _attempt in range(60):
        try:
            for job in pager:
                seen.append(job.job_id)
            break
        except BatchKitError as error:
            token = error.resume_token
            if len(seen) % 2:  # resume with a new pager, or iterate the same one again
                pager = batch.list_jobs(
                    list(QUEUES), status="FAILED", page_size=page_size, starting_token=token
                )
    assert sorted(seen) == sorted(wanted)
    assert len(seen) == len(set(seen))


def test_resumes_exactly_across_pagers_and_failures() -> None:
    """The property tests' cases, fixed: takes that stop inside pages, resumed by new
    pagers with other page sizes, and failures resumed by the same pager or a new one."""
    jobs = [(n % 4, (n * 7) % 11, "FAILED" if n % 3 else "SUCCEEDED") for n in range(23)]
    fake, everything = _seed(jobs)
    batch = fake.batch_client(NO_RETRY)
    seen: list[str] = []
    token: str | None = None
    for take, size in [(3, 2), (0, 3), (5, 1), (1, 4), (None, 2)]:
        pager = batch.list_jobs(list(QUEUES), status="ALL", page_size=size, starting_token=token)
        got = pager.to_list() if take is None else pager.take(take)
        seen += [j.job_id for j in got]
        token = pager.resume_token
    assert seen == everything
    assert token is None

    status_of = {f"j{n:03d}": status for n, (_, _, status) in enumerate(jobs)}
    base = fake.calls("ListJobs")
    for call in (2, 5, 6, 11):
        fault = Fault(code="ServerException", status=500, operation="ListJobs", on_call=base + call)
        fake.inject(fault)
    pager = batch.list_jobs(list(QUEUES), status="FAILED", page_size=2)
    read: list[str] = []
    errors = 0
    while not pager.done:
        try:
            if errors % 2:  # take: lossless, the error resumes where the call started
                read += [j.job_id for j in pager.take(4)]
            else:
                for job in pager:
                    read.append(job.job_id)
        except BatchKitError as error:
            errors += 1
            if errors % 2:  # resume with a new pager, or iterate the same one again
                pager = batch.list_jobs(
                    list(QUEUES), status="FAILED", page_size=3, starting_token=error.resume_token
                )
    # Four calls fail; a failed call fetched *ahead* for a pager the loop then replaced is
    # never read, so 1 to 4 errors reach the consumer -- and the listing is exact either way.
    assert 1 <= errors <= 4
    assert read == [j for j in everything if status_of[j] == "FAILED"]


def test_created_at_filter_merges_newest_first_with_early_stop() -> None:
    fake, _ = _seed([(q % 4, minutes, "SUCCEEDED") for q, minutes in enumerate(range(0, 300, 3))])
    batch = fake.batch_client(NO_RETRY)
    recent = JobFilter.created_after(T0 - timedelta(minutes=60))
    pager = batch.list_jobs(list(QUEUES), filter=recent)
    jobs = pager.to_list()
    assert len(jobs) == 21  # 0, 3, ..., 60 minutes ago
    created = [j.created_at for j in jobs]
    assert created == sorted(created, reverse=True)  # type: ignore[type-var]
    assert pager.requests_made == 4  # one page per queue: each stops past the bound


def test_names_and_arns_name_a_queue_once_and_max_items_resumes() -> None:
    fake, everything = _seed([(0, 1, "FAILED"), (1, 2, "FAILED"), (0, 3, "FAILED")])
    batch = fake.batch_client(NO_RETRY)
    pager = batch.list_jobs(
        ["alpha", fake.queue_arn("alpha"), "beta"], status="FAILED", max_items=2
    )
    assert isinstance(getattr(pager, "target", pager), (MergedPager, AsyncMergedPager))
    assert pager.queues == ("alpha", "beta")
    assert [j.job_id for j in pager] == everything[:2]
    assert pager.done
    rest = batch.list_jobs(["alpha", "beta"], status="FAILED", starting_token=pager.resume_token)
    assert [j.job_id for j in rest] == everything[2:]
    assert rest.resume_token is None


def test_peek_and_html_do_not_consume(face: Face) -> None:
    fake, everything = _seed([(i % 3, i, "RUNNING") for i in range(12)])
    pager = fake.batch_client(NO_RETRY).list_jobs(["alpha", "beta", "gamma"], page_size=2)
    assert [j.job_id for j in pager.peek(3)] == everything[:3]
    if face.name == "sync":  # a notebook's display: the sync pagers have one
        assert "ListJobs over 3 queues: first 10 rows" in pager._repr_html_()
    assert [j.job_id for j in pager] == everything
    assert "done" in repr(pager)


def test_to_pandas_on_the_merged_listing() -> None:
    fake = FakeAWS.demo(jobs=300)
    batch = fake.batch_client()
    frame = batch.list_jobs(
        ["cpu-spot", "gpu-ondemand", "etl"],
        status={"FAILED", "SUCCEEDED"},
        filter=JobFilter.created_after(timedelta(days=3)),
    ).to_pandas()
    assert len(frame) > 0
    assert set(frame["status"]) <= {"FAILED", "SUCCEEDED"}
    assert isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype)
    assert frame["created_at"].is_monotonic_decreasing
    assert frame["job_id"].is_unique


@pytest.mark.parametrize(
    ("queues", "token", "message"),
    [
        ([], None, "job_queue: an empty list"),
        (["a", ""], None, "job_queue item: must not be empty"),
        (["a", "b"], "garbage!", "starting_token: not a token of a listing over several"),
        (["a", "b"], "eyJuZXh0VG9rZW4iOiAieCJ9", "a single queue's token"),
    ],
)
def test_bad_merged_calls_fail_before_any_request(
    queues: list[str], token: str | None, message: str
) -> None:
    fake = FakeAWS()
    with pytest.raises(InvalidParameterError, match=message):
        fake.batch_client().list_jobs(queues, starting_token=token)
    assert fake.calls("ListJobs") == 0


def test_a_token_for_other_queues_is_refused_early() -> None:
    fake, _ = _seed([(0, 1, "FAILED"), (1, 2, "FAILED")])
    batch = fake.batch_client(NO_RETRY)
    pager = batch.list_jobs(["alpha", "beta"], status="FAILED")
    pager.take(1)
    token = pager.resume_token
    calls = fake.calls("ListJobs")
    with pytest.raises(InvalidParameterError, match="a token for the queues"):
        batch.list_jobs(["beta", "alpha"], status="FAILED", starting_token=token)
    assert fake.calls("ListJobs") == calls


def test_multi_queue_takes_no_array_or_node_job() -> None:
    with pytest.raises(InvalidParameterError, match="exactly one"):
        FakeAWS().batch_client().list_jobs(["a"], array_job_id="x")  # type: ignore[call-overload]


@pytest.mark.usefixtures("face")
def test_a_call_that_needs_few_jobs_asks_each_queue_for_a_small_first_page() -> None:
    fake, expected = _seed([(q % 4, minutes, "SUCCEEDED") for q, minutes in enumerate(range(40))])
    batch = fake.batch_client(NO_RETRY)

    def sizes(call: Callable[[], object]) -> list[object]:
        """The maxResults of each request ``call()`` sends (None: the default size)."""
        before = len(fake.requests)
        call()
        return [params.get("maxResults") for _, params in fake.requests[before:]]

    assert sizes(lambda: batch.list_jobs(list(QUEUES), status="SUCCEEDED").first()) == [1] * 4
    pager = batch.list_jobs(list(QUEUES), status="SUCCEEDED")
    assert sizes(lambda: pager.take(3)) == [3] * 4
    assert sizes(lambda: pager.to_list()) == [None] * 4  # then default-sized pages
    capped = batch.list_jobs(list(QUEUES), status="SUCCEEDED", max_items=2)
    assert sizes(lambda: capped.to_list()) == [2] * 4
    everything = batch.list_jobs(list(QUEUES), status="SUCCEEDED")
    head = [j.job_id for j in everything.take(3)]
    assert head + [j.job_id for j in everything] == expected


def test_a_failed_peek_keeps_the_peeked_jobs_in_the_error_token() -> None:
    """Issue 22 item 3: yield a1, peek(3) fails reading queue beta; resuming from the
    error's token must still yield every job not yielded (b1 was lost: the token was taken
    past the peeked items)."""
    fake = FakeAWS()
    for name in ("alpha", "beta"):
        fake.add_queue(name)
    for job_id, queue, age in [("a1", "alpha", 1), ("b1", "beta", 2), ("a2", "alpha", 3)]:
        fake.add_job(queue, job_id=job_id, status="FAILED", created_at=T0 - timedelta(minutes=age))
    fake.add_job("beta", job_id="b2", status="FAILED", created_at=T0 - timedelta(minutes=4))
    # one request after another, so that the fault lands on the request this test means (the
    # merged fuzz covers fetching ahead)
    batch = fake.batch_client(NO_RETRY, fetch_ahead=False)
    pager = batch.list_jobs(["alpha", "beta"], status="FAILED", page_size=1)
    assert next(pager).job_id == "a1"
    # requests: alpha p1, beta p1, then peek: alpha p2 (a2), b1 peeked, beta p2 fails
    fake.inject(Fault(code="ServerException", status=500, operation="ListJobs", on_call=4))
    seen = ["a1"]
    try:
        pager.peek(3)
    except BatchKitError as error:
        token = error.resume_token
    else:  # pragma: no cover - the fault is on the next request
        raise AssertionError("peek did not fail")
    rest = batch.list_jobs(["alpha", "beta"], status="FAILED", starting_token=token)
    seen += [j.job_id for j in rest]
    assert seen == ["a1", "b1", "a2", "b2"]
    # and the same pager, iterated again, loses nothing either
    assert [j.job_id for j in pager] == ["b1", "a2", "b2"]


def test_several_statuses_of_one_queue_read_like_one_listing() -> None:
    """Issue 22 item 9: ``take(4)`` of FAILED,SUCCEEDED is the 4 newest across both (a FAILED
    job of an hour ago is not hidden behind old SUCCEEDED ones); one token resumes exactly;
    a first() asks each status for one job."""
    fake = FakeAWS()
    for i in range(10):
        created = T0 - timedelta(hours=2, minutes=i)
        fake.add_job("q", job_id=f"s{i}", status="SUCCEEDED", created_at=created)
    fake.add_job("q", job_id="f-new", status="FAILED", created_at=T0 - timedelta(hours=1))
    fake.add_job("q", job_id="f-old", status="FAILED", created_at=T0 - timedelta(hours=5))
    batch = fake.batch_client(NO_RETRY)
    pager = batch.list_jobs("q", status=["FAILED", "SUCCEEDED"], page_size=3)
    assert [j.job_id for j in pager.take(4)] == ["f-new", "s0", "s1", "s2"]
    rest = batch.list_jobs("q", status=["FAILED", "SUCCEEDED"], starting_token=pager.resume_token)
    assert [j.job_id for j in rest] == [f"s{i}" for i in range(3, 10)] + ["f-old"]
    assert rest.resume_token is None
    before = fake.calls("ListJobs")
    newest = batch.list_jobs("q", status={"FAILED", "SUCCEEDED"}).first()
    assert newest is not None
    assert newest.job_id == "f-new"
    asked = [params for _op, params in fake.requests[before:]]
    assert sorted(p["jobStatus"] for p in asked) == ["FAILED", "SUCCEEDED"]
    assert {p.get("maxResults") for p in asked} == {1}
    single = batch.list_jobs("q", status="FAILED", page_size=1)
    single.first()
    before = fake.calls("ListJobs")
    with pytest.raises(InvalidParameterError, match="not a token of this listing"):
        batch.list_jobs("q", status=["FAILED", "SUCCEEDED"], starting_token=single.resume_token)
    assert fake.calls("ListJobs") == before  # refused before any request
    every = batch.list_jobs("q", status="ALL").to_list()
    times = [j.created_at for j in every]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]
