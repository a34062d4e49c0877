"""status= takes one status, several, or every status ("ALL"): planned, each job once.

The planner's choice (server filter / created-at from the epoch / fan-out per status) is
unit-tested; the requests are asserted with WireStubber (botocore's Stubber, real parser);
and "every status exactly once" is a property under jobs changing status between pages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from batchkit import ALL_STATUSES, BatchClient, InvalidParameterError, JobFilter
from batchkit._core.filters import JOB_STATUSES, SERVICE_JOB_STATUSES, plan_listing, status_set
from batchkit.models import JobStatus, ServiceJobStatus
from batchkit.testing import FakeAWS, WireStubber
from tests.conftest import NO_RETRY, T0, T0_MS, summary
from tests.fuzz import examples

Stub = tuple[BatchClient, WireStubber]


# ---------------------------------------------------------------------- the planner


def test_status_set_orders_by_lifecycle_and_spells_all() -> None:
    assert status_set("ALL", "ListJobs") == JOB_STATUSES
    assert status_set("all", "ListServiceJobs") == SERVICE_JOB_STATUSES
    assert status_set(["FAILED", "SUBMITTED", "FAILED"], "ListJobs") == ("SUBMITTED", "FAILED")
    assert status_set(["HIBERNATING", "RUNNING"], "ListJobs") == ("RUNNING", "HIBERNATING")
    assert status_set(None, "ListJobs") is None
    assert ALL_STATUSES == "ALL"


def test_every_status_of_a_queue_is_one_created_at_listing_that_misses_no_mover() -> None:
    """A fan-out could miss a job changing status mid-listing; "every job" may not."""
    plan = plan_listing(None, "ListJobs", status="ALL", children=False)
    assert plan.strategy == "created-at"
    assert plan.server_filter == {"name": "AFTER_CREATED_AT", "values": ["0"]}
    assert not plan.fan_out
    assert plan.keep is None  # every status: nothing to check (new statuses are kept too)


def test_some_statuses_of_a_queue_fan_out_and_children_always_do() -> None:
    some = plan_listing(None, "ListJobs", status=["RUNNABLE", "RUNNING"], children=False)
    assert some.strategy == "fan-out"
    assert some.fan_out == ("RUNNABLE", "RUNNING")
    children = plan_listing(None, "ListJobs", status="ALL", children=True)
    assert children.strategy == "fan-out"
    assert children.fan_out == JOB_STATUSES
    assert children.server_filter is None


def test_a_merge_needs_newest_first_so_it_gets_a_created_at_listing() -> None:
    plan = plan_listing(None, "ListJobs", status="ALL", children=False, newest_first=True)
    assert plan.strategy == "created-at"
    assert plan.server_filter == {"name": "AFTER_CREATED_AT", "values": ["0"]}
    assert plan.newest_first
    assert not plan.fan_out


def test_service_jobs_every_status_is_one_created_at_listing() -> None:
    # 100 a page either way: a fan-out can never need fewer requests.
    plan = plan_listing(None, "ListServiceJobs", status="ALL", children=False)
    assert plan.strategy == "created-at"
    some = plan_listing(None, "ListServiceJobs", status=["RUNNING", "RUNNABLE"], children=False)
    assert some.strategy == "fan-out"  # a few active jobs: don't read every finished one
    assert some.fan_out == ("RUNNABLE", "RUNNING")


def test_a_server_filter_already_lists_every_status_checked_client_side() -> None:
    f = JobFilter.job_name("train-*")
    plan = plan_listing(f, "ListJobs", status=["FAILED", "SUCCEEDED"], children=False)
    assert plan.strategy == "filter"
    assert plan.server_filter == {"name": "JOB_NAME", "values": ["train-*"]}
    assert not plan.send_status
    assert plan.keep is not None
    from batchkit.models import JobSummary

    def job(status: str, name: str = "train-1") -> Any:
        return JobSummary.model_validate({"jobId": "1", "jobName": name, "status": status})

    assert plan.keep(job("FAILED"))
    assert not plan.keep(job("RUNNING"))
    assert plan.keep(job("FAILED", name="eval"))  # the name is AWS's to check: not again


def test_share_identifier_with_several_statuses_sends_no_status() -> None:
    plan = plan_listing(
        JobFilter.share_identifier("team"), "ListJobs", status=["FAILED", "RUNNING"], children=False
    )
    assert plan.server_filter == {"name": "SHARE_IDENTIFIER", "values": ["team"]}
    assert not plan.send_status  # one jobStatus cannot say two; checked client-side


def test_children_fan_out_over_the_wanted_statuses() -> None:
    plan = plan_listing(None, "ListJobs", status=["FAILED", "SUCCEEDED"], children=True)
    assert plan.strategy == "fan-out"
    assert plan.fan_out == ("SUCCEEDED", "FAILED")


def test_one_status_is_planned_as_before() -> None:
    plan = plan_listing(None, "ListJobs", status=["FAILED"], children=False)
    assert plan.strategy == "status"
    assert plan.send_status
    assert plan_listing(None, "ListJobs", status=None, children=False).strategy == "default"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ([], "status: an empty collection"),
        (["FAILED", "NOPE"], "status: 'NOPE' is not a known JobStatus"),
        (["FAILED", "SUCEEDED"], "did you mean 'SUCCEEDED'"),
        (3, "status: expected a JobStatus or its value, got int"),
        (b"FAILED", "status: expected a JobStatus or its value, got bytes"),
    ],
)
def test_bad_status_collections_fail_before_any_request(
    batch_stub: Stub, status: Any, message: str
) -> None:
    batch, _stub = batch_stub
    with pytest.raises(InvalidParameterError, match=message):
        batch.list_jobs("q", status=status)


# ---------------------------------------------------------------------- the requests


def test_list_jobs_of_children_sends_one_request_per_status_in_lifecycle_order(
    batch_stub: Stub,
) -> None:
    batch, stub = batch_stub
    for i, status in enumerate(JOB_STATUSES):
        stub.add_response(
            "list_jobs",
            {"jobSummaryList": [summary(i, status=status)]},
            {"arrayJobId": "parent", "jobStatus": status, "maxResults": 1000},
        )
    jobs = batch.list_jobs(array_job_id="parent", status=ALL_STATUSES, page_size=1000).to_list()
    assert [j.status for j in jobs] == [JobStatus(s) for s in JOB_STATUSES]


def test_list_jobs_all_is_one_created_at_listing(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response(
        "list_jobs",
        {"jobSummaryList": [summary(i, status=s) for i, s in enumerate(JOB_STATUSES)]},
        {"jobQueue": "q", "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]},
    )
    jobs = batch.list_jobs("q", status=ALL_STATUSES).to_list()
    assert [j.status for j in jobs] == [JobStatus(s) for s in JOB_STATUSES]


def test_a_job_seen_in_two_statuses_is_yielded_once(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response(
        "list_jobs", {"jobSummaryList": [summary(1, status="RUNNING")]},
        {"jobQueue": "q", "jobStatus": "RUNNING"},
    )  # fmt: skip
    stub.add_response(
        "list_jobs", {"jobSummaryList": [summary(1, status="SUCCEEDED"), summary(2)]},
        {"jobQueue": "q", "jobStatus": "SUCCEEDED"},
    )  # fmt: skip
    jobs = batch.list_jobs("q", status=[JobStatus.SUCCEEDED, "RUNNING"]).to_list()
    assert [(j.job_id, j.status) for j in jobs] == [
        ("job-00001", JobStatus.RUNNING),
        ("job-00002", JobStatus.SUCCEEDED),
    ]


def test_service_jobs_all_is_one_created_at_listing(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    item = {"jobArn": "arn:x", "jobId": "s1", "jobName": "sm", "status": "SCHEDULED",
            "serviceJobType": "SAGEMAKER_TRAINING"}  # fmt: skip
    stub.add_response(
        "list_service_jobs",
        {"jobSummaryList": [item], "nextToken": "t2"},
        {"jobQueue": "q", "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]},
    )
    stub.add_response(
        "list_service_jobs",
        {"jobSummaryList": [dict(item, jobId="s2", status="HIBERNATING")]},
        {
            "jobQueue": "q",
            "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}],
            "nextToken": "t2",
        },
    )
    jobs = batch.list_service_jobs("q", status="ALL").to_list()
    assert [j.status for j in jobs] == [
        ServiceJobStatus.SCHEDULED,
        ServiceJobStatus.from_wire("HIBERNATING"),
    ]


def test_several_statuses_with_a_created_at_filter_is_one_listing(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response(
        "list_jobs",
        {"jobSummaryList": [summary(1), summary(2, status="RUNNING"), summary(3)]},
        {
            "jobQueue": "q",
            "filters": [{"name": "AFTER_CREATED_AT", "values": [str(T0_MS - 3_600_000 - 1)]}],
        },
    )
    recent = JobFilter.created_after(T0 - timedelta(hours=1))
    jobs = batch.list_jobs("q", status={"FAILED", "SUCCEEDED"}, filter=recent).to_list()
    assert [j.job_id for j in jobs] == ["job-00001", "job-00003"]


# ---------------------------------------------------------------------- consistency


def _lifecycle_moves() -> st.SearchStrategy[list[tuple[int, int, int]]]:
    # (after how many yielded jobs, which job, how many statuses forward)
    return st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 39), st.integers(1, 6)), max_size=12
    )


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(statuses=["SUBMITTED", "SUBMITTED"], page_size=1, moves=[(0, 1, 1)], merged=False)
@given(
    statuses=st.lists(st.sampled_from(JOB_STATUSES), min_size=1, max_size=40),
    page_size=st.integers(1, 9),
    moves=_lifecycle_moves(),
    merged=st.booleans(),
)
def test_every_status_exactly_once_while_jobs_change_status(
    statuses: list[str], page_size: int, moves: list[tuple[int, int, int]], merged: bool
) -> None:
    """Jobs move on (SUBMITTED -> ... -> SUCCEEDED/FAILED) between pages; status="ALL" still
    yields every job exactly once -- with the fan-out (one queue) and with the created-at
    listing (a merge over queues asks for newest-first)."""
    fake = FakeAWS()
    for i, status in enumerate(statuses):
        fake.add_job("q", job_id=f"j{i:02d}", status=status, created_at=T0 - timedelta(minutes=i))
    batch = fake.batch_client(NO_RETRY)
    listing: Any = (
        batch.list_jobs(["q"], status="ALL", page_size=page_size)
        if merged
        else batch.list_jobs("q", status="ALL", page_size=page_size)
    )
    current = dict(enumerate(statuses))
    seen: list[str] = []
    for count, job in enumerate(listing):
        seen.append(job.job_id)
        for after, index, steps in moves:
            if after == count and index in current:
                status = current[index]
                if status in ("SUCCEEDED", "FAILED"):
                    continue
                position = JOB_STATUSES.index(status)
                new = JOB_STATUSES[min(position + steps, JOB_STATUSES.index("SUCCEEDED"))]
                if steps == 6:
                    new = "FAILED"
                current[index] = new
                fake.set_job_status(f"j{index:02d}", new)
    assert sorted(seen) == [f"j{i:02d}" for i in range(len(statuses))]  # once each


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    statuses=st.lists(st.sampled_from(JOB_STATUSES), min_size=1, max_size=30),
    wanted=st.sets(st.sampled_from(JOB_STATUSES), min_size=2, max_size=4),
    page_size=st.integers(1, 7),
    moves=_lifecycle_moves(),
)
def test_several_statuses_never_repeat_and_never_miss_a_job_that_stayed_wanted(
    statuses: list[str], wanted: set[str], page_size: int, moves: list[tuple[int, int, int]]
) -> None:
    fake = FakeAWS()
    for i, status in enumerate(statuses):
        fake.add_job("q", job_id=f"j{i:02d}", status=status, created_at=T0 - timedelta(minutes=i))
    batch = fake.batch_client(NO_RETRY)
    current = dict(enumerate(statuses))
    history: dict[int, set[str]] = {i: {s} for i, s in current.items()}
    seen: list[tuple[str, str]] = []
    for count, job in enumerate(batch.list_jobs("q", status=wanted, page_size=page_size)):
        assert job.status is not None
        seen.append((job.job_id, job.status.value))
        for after, index, steps in moves:
            if (
                after == count
                and index in current
                and current[index] not in ("SUCCEEDED", "FAILED")
            ):
                position = JOB_STATUSES.index(current[index])
                new = JOB_STATUSES[min(position + steps, 5)] if steps < 6 else "FAILED"
                current[index] = new
                history[index].add(new)
                fake.set_job_status(f"j{index:02d}", new)
    ids = [job_id for job_id, _ in seen]
    assert len(ids) == len(set(ids))  # never twice
    assert all(status in wanted for _, status in seen)  # only wanted statuses
    for index, status in enumerate(statuses):
        if status in wanted and history[index] == {status}:
            assert f"j{index:02d}" in ids  # wanted and never moved: never missed
    # (a job moving between two wanted statuses mid-listing can be missed: the sub-listing of
    # its new status may have read past it -- docs/views.md, the cost of newest-first)


def test_a_job_moving_on_ahead_of_a_merged_listing_can_be_missed_as_documented() -> None:
    """The documented cost of merging the statuses newest first (issue 22 item 9): r2 moves
    to SUCCEEDED after SUCCEEDED's first page was read past its creation time, and before
    RUNNING's listing reached it: neither sub-listing yields it.  A created-at filter
    (one listing whose order does not depend on status) does."""
    fake = FakeAWS()
    for job_id, status, minutes in [
        ("r0", "RUNNING", 0),
        ("r1", "RUNNING", 1),
        ("s0", "SUCCEEDED", 2),
        ("r2", "RUNNING", 3),
        ("s1", "SUCCEEDED", 4),
    ]:
        fake.add_job("q", job_id=job_id, status=status, created_at=T0 - timedelta(minutes=minutes))
    batch = fake.batch_client(NO_RETRY)

    def listed(**options: Any) -> list[str]:
        seen = []
        fake.set_job_status("r2", "RUNNING")
        for job in batch.list_jobs("q", status=["RUNNING", "SUCCEEDED"], page_size=2, **options):
            seen.append(job.job_id)
            if job.job_id == "r0":
                fake.set_job_status("r2", "SUCCEEDED")
        return seen

    assert listed() == ["r0", "r1", "s0", "s1"]
    every_time = JobFilter.created_after(T0 - timedelta(days=1))
    assert listed(filter=every_time) == ["r0", "r1", "s0", "r2", "s1"]


def test_a_job_moving_on_behind_the_cursor_shifts_nothing_out_of_reach() -> None:
    """r0 finishes after the first page of RUNNING jobs was read: the next page must still
    start at r2 (a token is a position in the listing's order, not an offset), and r0,
    listed again under SUCCEEDED, is yielded once."""
    fake = FakeAWS()
    for i in range(6):
        fake.add_job("q", job_id=f"r{i}", status="RUNNING", created_at=T0 - timedelta(minutes=i))
    batch = fake.batch_client(NO_RETRY)
    seen = []
    for job in batch.list_jobs("q", status=["RUNNING", "SUCCEEDED"], page_size=2):
        seen.append(job.job_id)
        if job.job_id == "r1":
            fake.set_job_status("r0", "SUCCEEDED")
    assert seen == ["r0", "r1", "r2", "r3", "r4", "r5"]
