"""Archive.sync against FakeAWS (real boto3 clients under it), on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import math
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from botocore.config import Config

from batchkit import BatchKitError, InvalidParameterError
from batchkit.archive import Archive, ArchiveError, SyncReport
from batchkit.testing import FakeAWS, ManualClock, SimulatedClock
from tests.archive.helpers import make_fake, move_on, rows, seed, snapshot

NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


def test_a_sync_stores_every_job_with_its_detail_children_and_events(
    archive_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    failed = fake.add_job(
        "etl",
        job_name="ingest",
        status="FAILED",
        exit_code=137,
        status_reason="OutOfMemoryError: Container killed due to memory usage",
        share_identifier="team-a",
        container={
            "exitCode": 137,
            "vcpus": 4,
            "memory": 8192,
            "image": "x",
            "resourceRequirements": [{"type": "GPU", "value": "2"}],
        },
    )
    sweep = fake.add_job("etl", job_name="sweep", status="RUNNING", array_size=3)
    mnp = fake.add_job("gpu", job_name="mpi", status="RUNNING", num_nodes=2)
    with Archive(archive_url, clock=clock) as archive:
        report = archive.sync(fake.batch_client())
        assert isinstance(report, SyncReport)
        assert report.new == 8  # 3 jobs, 3 array children, 2 nodes
        assert report.queues == ("123456789012/us-east-1/etl", "123456789012/us-east-1/gpu")
        assert report.list_requests == 2
        assert report.queue_requests == 1
        kinds = dict(rows(archive, "SELECT job_id, kind FROM jobs"))
        assert kinds[failed.job_id] == "job"
        assert kinds[sweep.job_id] == "array"
        assert kinds[f"{sweep.job_id}:2"] == "array-child"
        assert kinds[f"{mnp.job_id}#1"] == "node"
        (row,) = rows(
            archive,
            "SELECT status, exit_code, failure_kind, vcpus, memory_mib, gpus, share_identifier, "
            "final, gone, account_id, region, queue, definition_name, attempts "
            f"FROM jobs WHERE job_id = '{failed.job_id}'",
        )
        assert row == (
            "FAILED",
            137,
            "OUT_OF_MEMORY",
            4.0,
            8192.0,
            2.0,
            "team-a",
            1,
            0,
            "123456789012",
            "us-east-1",
            "etl",
            "default",
            0,
        )
        (child,) = rows(
            archive,
            f"SELECT parent_job_id, array_index, queue FROM jobs WHERE job_id = '{sweep.job_id}:1'",
        )
        assert child == (sweep.job_id, 1, "etl")
        events = rows(archive, "SELECT job_id, status, previous_status FROM job_events")
        assert len(events) == 8
        assert all(previous is None for _, _, previous in events)
        detail = rows(archive, f"SELECT detail FROM jobs WHERE job_id = '{failed.job_id}'")[0][0]
        assert '"statusReason":"OutOfMemoryError' in detail.replace(" ", "")


def test_a_second_sync_with_nothing_new_writes_nothing(
    archive_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    seed(fake, 300)
    with Archive(archive_url, clock=clock) as archive:
        first = archive.sync(fake.batch_client())
        before = snapshot(archive)
        clock.advance(60)
        again = archive.sync(fake.batch_client())
        assert first.writes > 0
        assert again.writes == 0
        assert again.new == again.changed == again.ended == again.gone == 0
        assert snapshot(archive) == before


def test_jobs_are_described_until_they_end_and_once_when_they_end(
    archive_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    job = fake.add_job("etl", job_name="train", status="RUNNABLE")
    with Archive(archive_url, clock=clock) as archive:
        archive.sync(fake.batch_client())
        clock.advance(60)
        fake.update_job(job.job_id, status="RUNNING", startedAt=clock.now())
        report = archive.sync(fake.batch_client())
        assert (report.changed, report.ended) == (1, 0)
        clock.advance(60)
        fake.update_job(
            job.job_id,
            status="FAILED",
            statusReason="Essential container in task exited",
            attempts=[{"container": {"exitCode": 3}, "statusReason": "x"}],
        )
        report = archive.sync(fake.batch_client())
        assert (report.changed, report.ended) == (1, 1)
        (row,) = rows(archive, "SELECT status, exit_code, attempts, final, failure_kind FROM jobs")
        assert row == ("FAILED", 1, 1, 1, "NON_ZERO_EXIT")
        events = rows(archive, "SELECT previous_status, status FROM job_events ORDER BY event_id")
        assert events == [(None, "RUNNABLE"), ("RUNNABLE", "RUNNING"), ("RUNNING", "FAILED")]
        # final: never described again
        calls = fake.calls("DescribeJobs")
        archive.sync(fake.batch_client())
        assert fake.calls("DescribeJobs") == calls


class Forgetful:
    """A BatchClient whose DescribeJobs no longer knows some jobs (AWS keeps finished jobs
    for about a week; an unfinished job can vanish too)."""

    def __init__(self, fake: FakeAWS, forgotten: set[str]) -> None:
        self._client = fake.batch_client()
        self._forgotten = forgotten

    def job_queues(self, names: object = None) -> object:
        return self._client.job_queues(names)  # type: ignore[arg-type]

    def list_jobs(self, job_queue: str, **options: Any) -> object:
        return self._client.list_jobs(job_queue, **options)

    def describe_jobs(self, job_ids: list[str]) -> Forgotten:
        return Forgotten(
            list(self._client.describe_jobs([i for i in job_ids if i not in self._forgotten])),
            tuple(i for i in job_ids if i in self._forgotten),
        )


class Forgotten:
    def __init__(self, details: list[object], missing: tuple[str, ...]) -> None:
        self._details = iter(details)
        self.missing_ids = missing

    def __iter__(self) -> Iterator[object]:
        return self._details


def test_an_unfinished_job_aws_forgot_is_gone_after_the_grace_and_can_come_back(
    archive_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    running = fake.add_job("etl", job_name="lost", status="RUNNING")
    done = fake.add_job("etl", job_name="done", status="SUCCEEDED")
    with Archive(archive_url, clock=clock, gone_after=timedelta(minutes=5)) as archive:
        archive.sync(fake.batch_client())
        forgetful = Forgetful(fake, {running.job_id, done.job_id})
        clock.advance(60)  # within the grace: not gone yet, nothing written
        assert archive.sync(forgetful).writes == 0  # type: ignore[arg-type]
        clock.advance(600)
        report = archive.sync(forgetful)  # type: ignore[arg-type]
        assert report.gone == 1  # the finished job is not gone: the archive has all of it
        assert rows(archive, "SELECT job_id, gone, status FROM jobs ORDER BY job_name") == [
            (done.job_id, 0, "SUCCEEDED"),
            (running.job_id, 1, "RUNNING"),
        ]
        assert archive.sync(forgetful).writes == 0  # type: ignore[arg-type]
        # seen again (listed within the overlap, described): back, with an event
        fake.update_job(running.job_id, status="SUCCEEDED")
        report = archive.sync(fake.batch_client())
        assert report.changed == 1
        assert rows(archive, f"SELECT gone FROM jobs WHERE job_id = '{running.job_id}'") == [(0,)]
        events = rows(archive, "SELECT previous_status, status FROM job_events ORDER BY event_id")
        assert events[-2:] == [("RUNNING", "GONE"), ("GONE", "SUCCEEDED")]


def test_new_jobs_are_found_from_the_watermark(
    archive_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    seed(fake, 250, spacing=600, arrays=False)  # one job per 10 minutes
    with Archive(archive_url, clock=clock, overlap=timedelta(minutes=5)) as archive:
        archive.sync(fake.batch_client(), ["cpu"])
        clock.advance(3600)
        for i in range(30):
            fake.add_job(
                "cpu",
                job_id=f"new{i:03d}",
                status="SUCCEEDED",
                created_at=clock.now() - timedelta(seconds=i),
            )
        calls = fake.calls("ListJobs")
        report = archive.sync(fake.batch_client(), ["cpu"])
        assert report.new == 30
        assert fake.calls("ListJobs") - calls == 1  # the 30 new + the overlap: one page
        (watermark,) = rows(archive, "SELECT watermark FROM sync_state WHERE queue = 'cpu'")[0]
        assert watermark == round(clock.now().timestamp() * 1000)


def test_incremental_sync_request_bound(sqlite_url: str, fake: FakeAWS, clock: ManualClock) -> None:
    """A queue of thousands of jobs with 1,000 new ones: at most ceil(1000/100) + 1
    ListJobs requests, and the DescribeJobs the new and unfinished jobs need."""
    seed(fake, 5000, queues=("big",), spacing=120, arrays=False)
    with Archive(sqlite_url, clock=clock) as archive:
        archive.sync(fake.batch_client(), ["big"])
        pending = rows(archive, "SELECT COUNT(*) FROM jobs WHERE NOT final AND NOT gone")[0][0]
        clock.advance(1200)
        for i in range(1000):
            fake.add_job(
                "big",
                job_id=f"n{i:05d}",
                status="SUCCEEDED",
                created_at=clock.now() - timedelta(seconds=i),
            )
        lists, describes = fake.calls("ListJobs"), fake.calls("DescribeJobs")
        report = archive.sync(fake.batch_client(), ["big"])
        assert report.new == 1000
        assert fake.calls("ListJobs") - lists <= math.ceil(1000 / 100) + 1
        assert report.list_requests == fake.calls("ListJobs") - lists
        needed = math.ceil(pending / 100) + math.ceil(1000 / 100)
        assert fake.calls("DescribeJobs") - describes <= needed + 1


def test_several_accounts_and_regions_feed_one_archive(
    archive_url: str, clock: ManualClock
) -> None:
    east = make_fake(clock)
    west = make_fake(clock, region="eu-west-1", account="210987654321")
    east.add_job("etl", job_id="same-id", status="SUCCEEDED")
    west.add_job("etl", job_id="same-id", status="FAILED")
    with Archive(archive_url, clock=clock) as archive:
        total = archive.sync(east.batch_client()) + archive.sync(west.batch_client())
        assert total.new == 2
        assert rows(archive, "SELECT account_id, region, status FROM jobs ORDER BY region") == [
            ("210987654321", "eu-west-1", "FAILED"),
            ("123456789012", "us-east-1", "SUCCEEDED"),
        ]


def test_s3_batch_operations_jobs(archive_url: str, fake: FakeAWS, clock: ManualClock) -> None:
    active = fake.add_s3_job(status="Active", total=10, succeeded=2, job_id="s3-a")
    fake.add_s3_job(status="Complete", total=5, succeeded=5, job_id="s3-b")
    with Archive(archive_url, clock=clock) as archive:
        report = archive.sync(fake.s3_client())
        assert report.new == 2
        assert report.queues == ("123456789012/us-east-1/s3",)
        assert archive.sync(fake.s3_client()).writes == 0
        assert rows(
            archive, "SELECT job_id, status, total_tasks, final FROM s3_jobs ORDER BY job_id"
        ) == [
            ("s3-a", "Active", 10, 0),
            ("s3-b", "Complete", 5, 1),
        ]
        assert active.job_id == "s3-a"
        with pytest.raises(InvalidParameterError, match="queues"):
            archive.sync(fake.s3_client(), ["etl"])


def test_s3_jobs_no_longer_listed_before_they_ended_are_gone(
    archive_url: str, clock: ManualClock
) -> None:
    fake = make_fake(clock)
    fake.add_s3_job(status="Active", job_id="s3-a")
    with Archive(archive_url, clock=clock) as archive:
        archive.sync(fake.s3_client())
        report = archive.sync(make_fake(clock).s3_client())  # the same account, job gone
        assert report.gone == 1
        assert rows(archive, "SELECT gone FROM s3_jobs") == [(1,)]


def test_bad_input_is_refused_before_any_request(sqlite_url: str, fake: FakeAWS) -> None:
    with Archive(sqlite_url) as archive:
        for bad, match in (
            (42, "client"),
            ("etl", "client"),
        ):
            with pytest.raises(InvalidParameterError, match=match):
                archive.sync(bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError, match="queues"):
            archive.sync(fake.batch_client(), [])
        with pytest.raises(InvalidParameterError, match="queues"):
            archive.sync(fake.batch_client(), [""])
        with pytest.raises(InvalidParameterError, match="progress"):
            archive.sync(fake.batch_client(), progress="yes")  # type: ignore[arg-type]
        assert fake.requests == []
        with pytest.raises(ArchiveError, match="queues: no job queue 'nope'"):
            archive.sync(fake.batch_client(), ["nope"])
    for url, match in ((3, "url"), ("", "url"), ("mysql://x/y", "unsupported database")):
        with pytest.raises(InvalidParameterError, match=match):
            Archive(url)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="overlap"):
        Archive(sqlite_url, overlap=timedelta(seconds=-1))
    with pytest.raises(ArchiveError, match="folder"):
        Archive("sqlite:////no/such/folder/archive.sqlite")


def test_an_aws_failure_is_an_archive_error_saying_where_to_resume(
    sqlite_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    seed(fake, 400, queues=("etl",), arrays=False)
    fake.inject(code="ServerException", status=500, operation="ListJobs", on_call=3)
    with Archive(sqlite_url, clock=clock) as archive:
        with pytest.raises(ArchiveError) as caught:
            archive.sync(fake.batch_client(NO_RETRY))
        error = caught.value
        assert isinstance(error, BatchKitError)
        assert isinstance(error.__cause__, BatchKitError)
        assert "123456789012/us-east-1/etl" in str(error)
        assert "run sync again" in str(error)
        assert error.report is not None
        assert error.report.new == 200
        assert not error.report.complete
        assert error.resume_token is not None
        stored = rows(archive, "SELECT listing_token FROM sync_state")[0][0]
        assert stored == error.resume_token
        report = archive.sync(fake.batch_client(NO_RETRY))
        assert report.new == 200
        assert archive.count() == 400


def test_a_stale_stored_token_starts_the_listing_again(
    sqlite_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    seed(fake, 250, queues=("etl",), arrays=False)
    with Archive(sqlite_url, clock=clock) as archive:
        archive.sync(fake.batch_client())
        path = sqlite_url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            # what a listing interrupted long ago (an expired token) looks like
            db.execute("UPDATE sync_state SET listing_since = 0, listing_token = 'not-a-token'")
        report = archive.sync(fake.batch_client())
        assert report.new == 0
        assert report.complete
        assert rows(archive, "SELECT listing_token FROM sync_state") == [(None,)]


def test_throttling_is_absorbed_by_the_clients_retry_mode(
    sqlite_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    """AWS answers 429 beyond 3 requests a second (of each operation); botocore's adaptive
    retry mode (batchkit's default) slows down and retries -- on simulated time."""
    seed(fake, 1000, queues=("etl",), arrays=False)
    simulated = SimulatedClock()
    limit = fake.set_rate_limit(3, clock=simulated)
    assert limit is not None
    with Archive(sqlite_url, clock=clock) as archive, simulated.patch_botocore():
        report = archive.sync(fake.batch_client())
    assert report.new == 1000
    assert limit.throttled > 0
    assert report.requests < fake.calls("ListJobs") + fake.calls("DescribeJobs") + 1


def test_statuses_changing_between_syncs_match_one_fresh_sync(
    archive_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    ids = seed(fake, 400)
    with Archive(archive_url, clock=clock) as archive:
        for round_ in range(3):
            archive.sync(fake.batch_client())
            move_on(fake, ids, seed=round_)
            clock.advance(120)
        archive.sync(fake.batch_client())
        mine = rows(archive, "SELECT job_id, status, detail_hash FROM jobs ORDER BY job_id")
    with Archive("sqlite://", clock=clock) as fresh:
        fresh.sync(fake.batch_client())
        assert rows(fresh, "SELECT job_id, status, detail_hash FROM jobs ORDER BY job_id") == mine


def test_progress_callback_and_closed_archive(sqlite_url: str, fake: FakeAWS) -> None:
    fake.add_job("etl", status="RUNNING")
    seen: list[str] = []
    archive = Archive(sqlite_url)
    archive.sync(fake.batch_client(), progress=lambda queue, report: seen.append(queue))
    assert seen
    assert set(seen) == {"123456789012/us-east-1/etl"}
    assert archive.schema_version == 1
    assert archive.dialect == "sqlite"
    assert repr(archive) == f"Archive({sqlite_url!r})"
    archive.close()
    archive.close()
    with pytest.raises(ArchiveError, match="closed"):
        archive.sync(fake.batch_client())


def test_sync_every_waits_on_the_archives_clock_and_survives_failures(
    sqlite_url: str, fake: FakeAWS, clock: ManualClock
) -> None:
    fake.add_job("etl", status="RUNNING")
    reports: list[SyncReport] = []
    errors: list[ArchiveError] = []
    fake.inject(code="ServerException", status=500, operation="ListJobs", on_call=2)
    with Archive(sqlite_url, clock=clock) as archive:
        archive.sync_every(
            fake.batch_client(NO_RETRY),
            timedelta(minutes=5),
            runs=3,
            on_report=reports.append,
            on_error=errors.append,
        )
        assert len(reports) == 2
        assert len(errors) == 1
        assert clock.sleeps == [300.0, 300.0]
        assert archive.clock is clock
        with pytest.raises(InvalidParameterError, match="every"):
            archive.sync_every(fake.batch_client(), timedelta(0))
        with pytest.raises(InvalidParameterError, match="runs"):
            archive.sync_every(fake.batch_client(), timedelta(minutes=1), runs=0)
        fake.inject(code="ServerException", status=500, operation="ListJobs", times=1)
        with pytest.raises(ArchiveError):  # without on_error, the error ends the loop
            archive.sync_every(fake.batch_client(NO_RETRY), timedelta(minutes=1), runs=2)


def test_importing_the_archive_is_cheap() -> None:
    code = "import sys, batchkit.archive; print(' '.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    heavy = {"pandas", "pyarrow", "psycopg", "duckdb", "matplotlib", "boto3", "pydantic"}
    assert heavy & set(result.stdout.split()) == set()


def test_progress_on_stderr(
    sqlite_url: str, fake: FakeAWS, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.add_job("etl", status="RUNNING")
    with Archive(sqlite_url) as archive:
        assert archive.sync(fake.batch_client(), progress=True).new == 1
        assert archive.sync(fake.batch_client(), progress=False).new == 0
    assert capsys.readouterr().out == ""  # progress never goes to stdout
