"""BatchClient.list_jobs / list_service_jobs: exact requests, typed results, filter planning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from batchkit import BatchClient, JobFilter
from batchkit.models import JobStatus, JobSummary, ServiceJobStatus, ServiceJobSummary
from batchkit.testing import WireStubber
from tests.conftest import DEFINITION_ARN, T0_MS, created, is_pager, summary

Stub = tuple[BatchClient, WireStubber]


def page(items: list[dict[str, Any]], token: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"jobSummaryList": items}
    if token is not None:
        response["nextToken"] = token
    return response


def test_list_jobs_is_lazy_typed_and_follows_pages(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    pager = batch.list_jobs("q", status=JobStatus.FAILED)
    assert is_pager(pager)
    assert pager.requests_made == 0  # nothing sent yet: the stub queue is empty
    expected = {"jobQueue": "q", "jobStatus": "FAILED"}
    stub.add_response("list_jobs", page([summary(1), summary(3)], "t1"), expected)
    stub.add_response("list_jobs", page([summary(5)]), expected | {"nextToken": "t1"})
    jobs = list(pager)
    assert [j.job_id for j in jobs] == ["job-00001", "job-00003", "job-00005"]
    assert all(isinstance(j, JobSummary) for j in jobs)
    assert jobs[0].created_at == created(1)
    assert jobs[0].status is JobStatus.FAILED
    assert pager.requests_made == 2
    assert pager.done
    assert pager.resume_token is None


def test_status_accepts_plain_strings_and_rejects_typos(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response("list_jobs", page([]), {"jobQueue": "q", "jobStatus": "RUNNABLE"})
    assert batch.list_jobs("q", status="RUNNABLE").to_list() == []
    with pytest.raises(
        ValueError,
        match=r"'FAIL' is not a known JobStatus: did you mean 'FAILED'.*FAILED",
    ):
        batch.list_jobs("q", status="FAIL")


def test_a_status_newer_than_batchkit_can_be_sent_explicitly(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response("list_jobs", page([]), {"jobQueue": "q", "jobStatus": "PAUSED"})
    assert batch.list_jobs("q", status=JobStatus.from_wire("PAUSED")).to_list() == []


@pytest.mark.parametrize(
    ("job_filter", "server_filter"),
    [
        (JobFilter.job_name("train-*"), {"name": "JOB_NAME", "values": ["train-*"]}),
        (JobFilter.job_definition("jd1*"), {"name": "JOB_DEFINITION", "values": ["jd1*"]}),
        (
            JobFilter.job_definition(DEFINITION_ARN),
            {"name": "JOB_DEFINITION", "values": [DEFINITION_ARN]},
        ),
        (JobFilter.share_identifier("team-a"), {"name": "SHARE_IDENTIFIER", "values": ["team-a"]}),
        (
            JobFilter.created_after(created(10)),
            {"name": "AFTER_CREATED_AT", "values": [str(T0_MS - 600_000 - 1)]},
        ),
        (
            JobFilter.created_before(created(10)),
            {"name": "BEFORE_CREATED_AT", "values": [str(T0_MS - 600_000)]},
        ),
        (
            JobFilter.created_between(created(10), created(5)),
            {"name": "BEFORE_CREATED_AT", "values": [str(T0_MS - 300_000)]},
        ),
    ],
)
def test_each_filter_is_sent_as_the_one_server_filter(
    batch_stub: Stub, job_filter: JobFilter, server_filter: dict[str, Any]
) -> None:
    batch, stub = batch_stub
    stub.add_response("list_jobs", page([]), {"jobQueue": "q", "filters": [server_filter]})
    assert batch.list_jobs("q", filter=job_filter).to_list() == []


def test_status_with_a_filter_is_applied_client_side(batch_stub: Stub) -> None:
    """AWS ignores jobStatus when a filter is set; batchkit must not silently drop it."""
    batch, stub = batch_stub
    items = [summary(i, jobName="train-x") for i in range(6)]  # alternating statuses
    stub.add_response(
        "list_jobs",
        page(items),
        {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["train-x"]}]},
    )
    jobs = batch.list_jobs("q", status=JobStatus.FAILED, filter=JobFilter.job_name("train-x"))
    assert [j.job_id for j in jobs] == ["job-00001", "job-00003", "job-00005"]


def test_share_identifier_keeps_the_status_on_the_server(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    share = {"name": "SHARE_IDENTIFIER", "values": ["team-a"]}
    items = [summary(1, shareIdentifier="team-a")]
    stub.add_response(
        "list_jobs", page(items), {"jobQueue": "q", "jobStatus": "FAILED", "filters": [share]}
    )
    jobs = batch.list_jobs("q", status="FAILED", filter=JobFilter.share_identifier("team-a"))
    assert [j.job_id for j in jobs] == ["job-00001"]


def test_combined_filters_send_one_and_check_the_rest(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    # AWS gets the definition filter; names are checked here, case-insensitively.
    items = [
        summary(1, jobName="Train-A"),
        summary(2, jobName="eval"),
        summary(3, jobName="TRAIN-b", jobDefinition=DEFINITION_ARN.replace(":3", ":4")),
    ]
    stub.add_response(
        "list_jobs",
        page(items),
        {"jobQueue": "q", "filters": [{"name": "JOB_DEFINITION", "values": ["train"]}]},
    )
    f = JobFilter.job_definition("train") & JobFilter.job_name("train-*")
    assert [j.job_name for j in batch.list_jobs("q", filter=f)] == ["Train-A", "TRAIN-b"]


def test_definition_arn_matches_one_revision_client_side(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    items = [
        summary(1, shareIdentifier="s"),
        summary(2, shareIdentifier="s", jobDefinition=DEFINITION_ARN.replace(":3", ":4")),
        summary(3, shareIdentifier="s", jobDefinition="train:3"),
    ]
    stub.add_response(
        "list_jobs",
        page(items),
        {"jobQueue": "q", "filters": [{"name": "SHARE_IDENTIFIER", "values": ["s"]}]},
    )
    f = JobFilter.share_identifier("s") & JobFilter.job_definition(DEFINITION_ARN)
    assert [j.job_id for j in batch.list_jobs("q", filter=f)] == ["job-00001", "job-00003"]


def test_created_range_stops_paging_once_past_the_range(batch_stub: Stub) -> None:
    """Newest-first results: the page after the range is never requested."""
    batch, stub = batch_stub
    f = JobFilter.created_between(created(250), created(50))  # jobs 50 (excl.) .. 250 (incl.)
    server = {"name": "BEFORE_CREATED_AT", "values": [str(T0_MS - 50 * 60_000)]}
    expected = {"jobQueue": "q", "filters": [server]}
    stub.add_response("list_jobs", page([summary(i) for i in range(51, 151)], "t1"), expected)
    stub.add_response(
        "list_jobs",
        page([summary(i) for i in range(151, 251)], "t2"),
        expected | {"nextToken": "t1"},
    )
    stub.add_response(
        "list_jobs",
        page([summary(i) for i in range(251, 351)], "t3"),
        expected | {"nextToken": "t2"},
    )
    pager = batch.list_jobs("q", filter=f)
    jobs = list(pager)
    assert [j.job_id for j in jobs] == [f"job-{i:05d}" for i in range(51, 251)]
    assert pager.requests_made == 3  # ceil(200 / 100) + 1; the 4th page is never asked for
    assert pager.done
    assert pager.resume_token is None


def test_job_name_grouping_disables_the_early_stop(batch_stub: Stub) -> None:
    """JOB_NAME results are grouped by name, not newest-first: no early stop is safe."""
    batch, stub = batch_stub
    f = JobFilter.job_name("train-*") & JobFilter.created_before(created(5))
    expected = {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["train-*"]}]}
    first = [summary(1, jobName="train-0"), summary(9, jobName="train-0")]
    second = [summary(2, jobName="train-1"), summary(7, jobName="train-1")]
    stub.add_response("list_jobs", page(first, "t1"), expected)
    stub.add_response("list_jobs", page(second), expected | {"nextToken": "t1"})
    assert [j.job_id for j in batch.list_jobs("q", filter=f)] == ["job-00009", "job-00007"]


def test_created_after_as_timedelta_means_that_long_ago(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response("list_jobs", page([]), {"jobQueue": "q", "filters": [stub_any_filter()]})
    assert batch.list_jobs("q", filter=JobFilter.created_after(timedelta(hours=2))).to_list() == []


def stub_any_filter() -> Any:
    from botocore.stub import ANY

    return ANY


def test_array_children_take_no_server_filter(batch_stub: Stub) -> None:
    """Filters do not apply to child jobs on AWS: batchkit applies them itself."""
    batch, stub = batch_stub
    children = [summary(i, jobName="child", arrayProperties={"index": i}) for i in range(3)]
    children[1]["jobName"] = "other"
    stub.add_response(
        "list_jobs", page(children), {"arrayJobId": "parent", "jobStatus": "SUCCEEDED"}
    )
    jobs = batch.list_jobs(
        array_job_id="parent", status="SUCCEEDED", filter=JobFilter.job_name("child")
    ).to_list()
    assert [(j.job_name, j.array_properties and j.array_properties.index) for j in jobs] == [
        ("child", 0),
        ("child", 2),
    ]


def test_multi_node_children(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    nodes = [summary(0, nodeProperties={"isMainNode": True, "numNodes": 2, "nodeIndex": 0})]
    stub.add_response("list_jobs", page(nodes), {"multiNodeJobId": "mnp"})
    (job,) = batch.list_jobs(multi_node_job_id="mnp")
    assert job.node_properties is not None
    assert job.node_properties.is_main_node


def test_page_size_and_max_items(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    expected = {"jobQueue": "q", "jobStatus": "FAILED", "maxResults": 2}
    stub.add_response("list_jobs", page([summary(1), summary(3)], "t1"), expected)
    stub.add_response(
        "list_jobs", page([summary(5), summary(7)], "t2"), expected | {"nextToken": "t1"}
    )
    pager = batch.list_jobs("q", status="FAILED", page_size=2, max_items=3)
    assert [j.job_id for j in pager] == ["job-00001", "job-00003", "job-00005"]
    assert pager.done
    token = pager.resume_token
    assert token is not None  # max_items stops the pager, not the listing
    stub.add_response(
        "list_jobs", page([summary(5), summary(7)], "t2"), expected | {"nextToken": "t1"}
    )
    stub.add_response("list_jobs", page([summary(9)]), expected | {"nextToken": "t2"})
    rest = batch.list_jobs("q", status="FAILED", page_size=2, starting_token=token)
    assert [j.job_id for j in rest] == ["job-00007", "job-00009"]


def test_pages_first_and_take(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    expected = {"jobQueue": "q", "jobStatus": "FAILED"}
    # first() needs one job: the listing's first page is one job (then the default size)
    stub.add_response("list_jobs", page([summary(1)], "t1"), expected | {"maxResults": 1})
    stub.add_response("list_jobs", page([summary(3)], "t2"), expected | {"nextToken": "t1"})
    stub.add_response("list_jobs", page([summary(5)]), expected | {"nextToken": "t2"})
    pager = batch.list_jobs("q", status="FAILED")
    first = pager.first()
    assert first is not None
    assert first.job_id == "job-00001"
    pages = list(pager.pages())
    assert [[j.job_id for j in p.items] for p in pages] == [["job-00003"], ["job-00005"]]
    assert pages[0].next_token is not None
    assert pages[-1].next_token is None
    assert pager.take(5) == []
    assert pager.first() is None


def test_a_call_that_needs_few_items_gets_a_small_first_page(batch_stub: Stub) -> None:
    """ListJobs pages hold up to 1,000 jobs by default (the fewest round trips); take(n),
    first() and max_items=n ask the first page for n (issue 13), iteration never does."""
    batch, stub = batch_stub
    expected = {"jobQueue": "q", "jobStatus": "RUNNING"}
    jobs = [summary(i) for i in range(1, 9)]
    stub.add_response("list_jobs", page(jobs[:3], "t1"), expected | {"maxResults": 3})
    stub.add_response("list_jobs", page(jobs[3:], None), expected | {"nextToken": "t1"})
    pager = batch.list_jobs("q", status="RUNNING")
    assert [j.job_id for j in pager.take(3)] == ["job-00001", "job-00002", "job-00003"]
    assert [j.job_id for j in pager] == [f"job-{i:05d}" for i in range(4, 9)]

    # max_items: the first page asks for what is left to yield
    stub.add_response("list_jobs", page(jobs[:2], "t1"), expected | {"maxResults": 2})
    assert len(batch.list_jobs("q", status="RUNNING", max_items=2).to_list()) == 2

    # a resumed listing asks for the items its token skips as well
    stub.add_response("list_jobs", page(jobs[:2], "t1"), expected | {"maxResults": 1})
    resumed = batch.list_jobs("q", status="RUNNING")
    assert resumed.first() is not None
    token = resumed.resume_token  # past job 1, inside the page that starts the listing
    assert token is not None
    stub.add_response("list_jobs", page(jobs[:3], "t1"), expected | {"maxResults": 2})
    again = batch.list_jobs("q", status="RUNNING", starting_token=token).first()
    assert again is not None
    assert again.job_id == "job-00002"

    # an explicit page_size always wins; a call needing more than 100 gets the default
    stub.add_response("list_jobs", page(jobs, None), expected | {"maxResults": 7})
    assert len(batch.list_jobs("q", status="RUNNING", page_size=7).take(1)) == 1
    stub.add_response("list_jobs", page(jobs, None), expected)
    assert len(batch.list_jobs("q", status="RUNNING").take(500)) == 8
    stub.add_response("list_jobs", page(jobs, None), expected)
    assert len(list(batch.list_jobs("q", status="RUNNING"))) == 8


def test_list_service_jobs_with_share_and_status(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    item = {
        "jobId": "s1",
        "jobName": "train",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "RUNNING",
        "shareIdentifier": "team-a",
        "createdAt": T0_MS,
    }
    stub.add_response(
        "list_service_jobs",
        page([item]),
        {
            "jobQueue": "sq",
            "jobStatus": "RUNNING",
            "filters": [{"name": "SHARE_IDENTIFIER", "values": ["team-a"]}],
        },
    )
    jobs = batch.list_service_jobs(
        "sq", filter=JobFilter.share_identifier("team-a"), status=ServiceJobStatus.RUNNING
    ).to_list()
    assert jobs == [ServiceJobSummary.model_validate(item)]
    assert jobs[0].status is ServiceJobStatus.RUNNING


def test_list_service_jobs_quota_share(batch_stub: Stub) -> None:
    batch, stub = batch_stub
    stub.add_response(
        "list_service_jobs",
        page([]),
        {"jobQueue": "sq", "filters": [{"name": "QUOTA_SHARE_NAME", "values": ["gpu"]}]},
    )
    assert batch.list_service_jobs("sq", filter=JobFilter.quota_share_name("gpu")).to_list() == []


def test_a_job_name_listing_without_started_at_has_no_duration(batch_stub: Stub) -> None:
    """Issue 22 item 24: a JOB_NAME-filtered ListJobs omits ``startedAt`` for SUCCEEDED
    jobs (boto3#3315).  ``duration`` is then None -- never a number made up from another
    time -- in the model and in a DataFrame; describing the job gives it."""
    batch, stub = batch_stub
    quirk = summary(2, status="SUCCEEDED", stoppedAt=T0_MS - 60_000)  # no startedAt
    stub.add_response(
        "list_jobs",
        {"jobSummaryList": [quirk]},
        {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["train-2"]}]},
    )
    [job] = batch.list_jobs("q", filter=JobFilter.job_name("train-2")).to_list()
    assert job.stopped_at is not None
    assert job.started_at is None
    assert job.duration is None
    assert job.to_boto() == quirk
