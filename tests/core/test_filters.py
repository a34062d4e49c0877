"""The planner's edge cases: the status with a share, the constructor, pre-1970 bounds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from batchkit import BatchClient, InvalidFilterError, JobFilter
from batchkit._core.filters import plan_listing
from batchkit.models import JobSummary
from batchkit.testing import WireStubber
from tests.conftest import summary

Stub = tuple[BatchClient, WireStubber]
NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def job(status: str, share: str = "team-a", created: int = 1_790_000_000_000) -> JobSummary:
    return JobSummary.model_validate(
        {
            "jobId": "1",
            "jobName": "n",
            "status": status,
            "shareIdentifier": share,
            "createdAt": created,
        }
    )


def test_the_status_sent_with_a_share_is_checked_again_client_side() -> None:
    plan = plan_listing(
        JobFilter.share_identifier("team-a"), "ListJobs", status="FAILED", children=False
    )
    assert plan.server_filter == {"name": "SHARE_IDENTIFIER", "values": ["team-a"]}
    assert plan.send_status
    assert plan.keep is not None
    assert plan.keep(job("FAILED"))
    assert not plan.keep(job("RUNNING"))
    quota = plan_listing(
        JobFilter.quota_share_name("gpu"), "ListServiceJobs", status="RUNNING", children=False
    )
    assert quota.send_status
    assert quota.keep is not None


def test_a_share_listing_drops_jobs_of_another_status(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    share = {"name": "SHARE_IDENTIFIER", "values": ["team-a"]}
    items = [
        summary(1, shareIdentifier="team-a"),  # FAILED
        summary(2, shareIdentifier="team-a"),  # SUCCEEDED: AWS should not send it; if it does...
    ]
    stub.add_response(
        "list_jobs",
        {"jobSummaryList": items},
        {"jobQueue": "q", "jobStatus": "FAILED", "filters": [share]},
    )
    jobs = batch.list_jobs("q", status="FAILED", filter=JobFilter.share_identifier("team-a"))
    assert [j.job_id for j in jobs] == ["job-00001"]


def test_without_a_status_a_share_listing_keeps_every_status() -> None:
    plan = plan_listing(
        JobFilter.share_identifier("team-a"), "ListJobs", status=None, children=False
    )
    assert plan.keep is None  # nothing to re-check: AWS returns every status of the share
    assert plan.server_filter == {"name": "SHARE_IDENTIFIER", "values": ["team-a"]}


@pytest.mark.parametrize(
    "make",
    [
        lambda: JobFilter(),
        lambda: JobFilter(names=("a*b",)),
        lambda: JobFilter(after=(datetime(2026, 1, 1),)),  # naive: would slip through
        lambda: JobFilter(("x",)),
    ],
)
def test_the_constructor_points_at_the_builders(make: Any) -> None:
    with pytest.raises(InvalidFilterError, match=r"JobFilter\.job_name\(\)") as info:
        make()
    assert isinstance(info.value, TypeError)


def test_built_filters_still_compare_hash_and_combine() -> None:
    a = JobFilter.job_name("train-*") & JobFilter.share_identifier("team-a")
    b = JobFilter.job_name("train-*") & JobFilter.share_identifier("team-a")
    assert a == b
    assert hash(a) == hash(b)
    assert a.names == ("train-*",)
    assert a.shares == ("team-a",)
    assert repr(a) == "JobFilter.job_name('train-*') & JobFilter.share_identifier('team-a')"
    assert a != JobFilter.job_name("train-*")


def created_value(job_filter: JobFilter) -> tuple[str, int]:
    plan = plan_listing(job_filter, "ListJobs", status=None, children=False, now=NOW)
    assert plan.server_filter is not None
    return plan.server_filter["name"], int(plan.server_filter["values"][0])


def test_a_lower_bound_before_1970_is_sent_as_the_epoch_and_keeps_every_job() -> None:
    old = datetime(1969, 7, 20, 20, 17, tzinfo=timezone.utc)
    assert created_value(JobFilter.created_after(old)) == ("AFTER_CREATED_AT", 0)
    plan = plan_listing(JobFilter.created_after(old), "ListJobs", status=None, children=False)
    assert plan.keep is not None
    assert plan.keep(job("RUNNING", created=0))
    assert plan.keep(job("RUNNING"))
    assert plan.stop is not None
    assert not plan.stop().after_page([job("RUNNING", created=0)] * 3)  # never "past it"


def test_an_upper_bound_before_1970_matches_nothing() -> None:
    old = datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    assert created_value(JobFilter.created_before(old)) == ("BEFORE_CREATED_AT", 0)
    assert (
        created_value(JobFilter.created_between(datetime(1960, 1, 1, tzinfo=timezone.utc), old))[1]
        == 0
    )
    plan = plan_listing(JobFilter.created_before(old), "ListJobs", status=None, children=False)
    assert plan.keep is not None
    assert not plan.keep(job("RUNNING", created=0))
    assert not plan.keep(job("RUNNING"))


def test_no_negative_milliseconds_are_ever_sent(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    before = {"name": "BEFORE_CREATED_AT", "values": ["0"]}
    stub.add_response("list_jobs", {"jobSummaryList": []}, {"jobQueue": "q", "filters": [before]})
    old = datetime(1900, 1, 1, tzinfo=timezone.utc)
    assert batch.list_jobs("q", filter=JobFilter.created_before(old)).to_list() == []


def test_bounds_far_in_the_past_do_not_overflow() -> None:
    ages = timedelta(days=1_000_000)  # before year 1: "since forever" / "before anything"
    assert created_value(JobFilter.created_after(ages)) == ("AFTER_CREATED_AT", 0)
    assert created_value(JobFilter.created_before(ages)) == ("BEFORE_CREATED_AT", 0)
    plan = plan_listing(JobFilter.created_after(ages), "ListJobs", status=None, children=False)
    assert plan.keep is not None
    assert plan.keep(job("RUNNING", created=0))


def test_millisecond_rounding_is_exact_far_from_the_epoch() -> None:
    moment = datetime(9999, 12, 31, 23, 59, 59, 999001, tzinfo=timezone.utc)
    name, value = created_value(JobFilter.created_before(moment))
    assert name == "BEFORE_CREATED_AT"
    assert value == 253402300800000  # ceil: created_at < moment <=> ms < this
    name, value = created_value(JobFilter.created_after(moment))
    assert (name, value) == ("AFTER_CREATED_AT", 253402300799999)
