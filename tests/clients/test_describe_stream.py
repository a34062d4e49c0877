"""describe_jobs takes ids, ARNs or summaries -- a pager included -- and reads them lazily."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

import pytest

from batchkit import BatchKitError, HasJobId, InvalidParameterError
from batchkit.testing import FakeAWS, Fault
from tests.conftest import NO_RETRY, T0


def seeded(n: int, status: str = "FAILED") -> FakeAWS:
    fake = FakeAWS()
    for i in range(n):
        fake.add_job(
            "q",
            job_id=f"j{i:04d}",
            status=status,
            created_at=T0 - timedelta(minutes=i),
            status_reason="Essential container in task exited",
        )
    return fake


@pytest.mark.parametrize(("workers", "pages_ahead"), [(1, 1), (4, 8)])
def test_describing_a_listing_streams_without_reading_it_all(
    workers: int, pages_ahead: int
) -> None:
    fake = seeded(3000)
    batch = fake.batch_client(NO_RETRY)
    listing = batch.list_jobs("q", status="FAILED", page_size=100)
    with batch.describe_jobs(listing, max_workers=workers) as details:
        first = next(details)
        assert first.job_id == "j0000"
        assert first.status_reason == "Essential container in task exited"  # full details
        # The first detail needed one chunk of 100 ids; with workers the window reads
        # 2 * workers chunks ahead -- never the 30 pages of the whole listing.
        assert fake.calls("ListJobs") <= pages_ahead + 1
        assert fake.calls("DescribeJobs") <= 2 * workers
        rest = [job.job_id for job in details]
    assert [first.job_id, *rest] == [f"j{i:04d}" for i in range(3000)]  # listing order
    assert fake.calls("ListJobs") == 30
    assert fake.calls("DescribeJobs") == 30


def test_summaries_ids_and_arns_mixed_each_job_once() -> None:
    fake = seeded(5)
    batch = fake.batch_client(NO_RETRY)
    summaries = batch.list_jobs("q", status="FAILED").to_list()
    arn = summaries[1].job_arn
    assert arn is not None
    given: list[str | HasJobId] = [summaries[0], arn, "j0001", "missing", *summaries]
    details = batch.describe_jobs(iter(given))
    assert [job.job_id for job in details] == [f"j{i:04d}" for i in range(5)]
    assert details.missing_ids == ("missing",)


def test_an_invalid_item_is_reported_when_reached_after_the_details_before_it() -> None:
    fake = seeded(150)
    batch = fake.batch_client(NO_RETRY)

    def ids() -> Iterator[object]:
        yield from (f"j{i:04d}" for i in range(150))
        yield 42

    details = batch.describe_jobs(cast(Any, ids()))  # an untyped caller
    assert fake.calls("DescribeJobs") == 0  # nothing read yet
    got: list[str] = []
    with pytest.raises(InvalidParameterError, match="job_ids item: expected a job id"):
        got.extend(job.job_id for job in details)
    # every id read before the bad item is described (issue 22 item 1), then its error
    assert got == [f"j{i:04d}" for i in range(150)]
    assert fake.calls("DescribeJobs") == 2


def test_a_list_is_still_checked_before_any_request() -> None:
    fake = seeded(1)
    with pytest.raises(InvalidParameterError, match="job_ids item: must not be empty"):
        fake.batch_client().describe_jobs(["j0000", ""])
    assert fake.calls("DescribeJobs") == 0


@pytest.mark.parametrize("workers", [1, 3])
def test_a_failing_listing_yields_every_detail_before_it_then_its_error(workers: int) -> None:
    fake = seeded(500)
    batch = fake.batch_client(NO_RETRY)
    fake.inject(Fault(code="ServerException", status=500, operation="ListJobs", on_call=4))
    listing = batch.list_jobs("q", status="FAILED", page_size=100)
    before = threading.active_count()
    got: list[str] = []
    with pytest.raises(BatchKitError) as info:
        got.extend(job.job_id for job in batch.describe_jobs(listing, max_workers=workers))
    assert got == [f"j{i:04d}" for i in range(300)]
    assert threading.active_count() == before
    resumed = batch.list_jobs(
        "q", status="FAILED", page_size=100, starting_token=info.value.resume_token
    )
    rest = [job.job_id for job in batch.describe_jobs(resumed, max_workers=workers)]
    assert got + rest == [f"j{i:04d}" for i in range(500)]


def test_closing_early_leaves_no_threads_and_the_listing_unread() -> None:
    fake = seeded(2000)
    batch = fake.batch_client(NO_RETRY)
    before = threading.active_count()
    listing = batch.list_jobs("q", status="FAILED", page_size=100)
    with batch.describe_jobs(listing, max_workers=2) as details:
        assert details.first() is not None
    # no describe worker is left; the listing (the caller's: it can go on) may still be
    # fetching its one page ahead, on a thread that ends with that request
    describing = [t for t in threading.enumerate() if t.name.startswith("batchkit_")]
    assert describing == []
    ahead = [t for t in threading.enumerate() if t.name == "batchkit-ahead"]
    assert threading.active_count() - len(ahead) == before
    assert len(ahead) <= 1
    assert fake.calls("ListJobs") <= 6  # 2 * 2 chunks ahead, of 20 pages, and one page ahead
    assert listing.resume_token is not None  # the rest can still be listed


def test_a_merged_listing_can_be_described() -> None:
    fake = FakeAWS()
    for i, queue in enumerate(["a", "b"] * 3):
        fake.add_job(queue, job_id=f"j{i}", status="FAILED", created_at=T0 - timedelta(hours=i))
    batch = fake.batch_client(NO_RETRY)
    details = batch.describe_jobs(batch.list_jobs(["a", "b"], status="ALL"), max_workers=2)
    assert [job.job_id for job in details] == [f"j{i}" for i in range(6)]
