"""The analyses (DataFrames and the SQL views) on known data, on both databases; the plots."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from matplotlib.figure import Figure

from batchkit import InvalidParameterError
from batchkit.archive import Archive, plots
from batchkit.testing import FakeAWS, ManualClock
from tests.archive.helpers import START, rows

H = timedelta(hours=1)


@pytest.fixture
def archive(archive_url: str, fake: FakeAWS, clock: ManualClock) -> Archive:
    day = START - timedelta(days=1)
    gpu: dict[str, Any] = {
        "container": {
            "vcpus": 8,
            "memory": 4096,
            "image": "x",
            "resourceRequirements": [{"type": "GPU", "value": "2"}],
        }
    }
    # gpu queue: waits 10 and 30 minutes, runs 1 and 3 hours
    fake.add_job(
        "gpu",
        job_name="a",
        status="SUCCEEDED",
        created_at=day,
        started_at=day + timedelta(minutes=10),
        stopped_at=day + timedelta(minutes=70),
        job_definition="train:1",
        share_identifier="nlp",
        **gpu,
    )
    fake.add_job(
        "gpu",
        job_name="b",
        status="FAILED",
        created_at=day,
        started_at=day + timedelta(minutes=30),
        stopped_at=day + timedelta(minutes=210),
        job_definition="train:2",
        share_identifier="vision",
        container={**gpu["container"], "exitCode": 137},
    )
    fake.add_job(
        "cpu",
        job_name="c",
        status="RUNNING",
        created_at=START - H,
        started_at=START - timedelta(minutes=20),
        job_definition="etl:1",
    )
    fake.add_job("cpu", job_name="d", status="RUNNABLE", created_at=START - timedelta(minutes=30))
    result = Archive(archive_url, clock=clock)
    result.sync(fake.batch_client())
    return result


def test_wait_and_run_time_distributions(archive: Archive) -> None:
    with archive:
        wait = archive.queue_wait()
        assert list(wait.index) == ["cpu", "gpu"]
        assert wait.loc["gpu", "jobs"] == 2
        assert wait.loc["gpu", "p50"] == 1200.0
        assert wait.loc["gpu", "max"] == 1800.0
        assert wait.loc["cpu", "p95"] == 2400.0
        run = archive.run_time(["queue", "definition"])
        assert run.loc[("gpu", "train"), "mean"] == 7200.0
        assert archive.run_time("share").loc["vision", "p50"] == 3 * 3600.0
        assert archive.queue_wait(since=timedelta(hours=2)).index.tolist() == ["cpu"]
        with pytest.raises(InvalidParameterError, match="by"):
            archive.queue_wait("colour")
        with pytest.raises(InvalidParameterError, match="since"):
            archive.queue_wait(since=START, until=START - H)


def test_failures_kinds_usage_and_depth(archive: Archive) -> None:
    with archive:
        failures = archive.failures()
        assert [key[1] for key in failures.index] == ["gpu"]
        row = failures.iloc[0]
        assert (row["ended"], row["failed"], row["failure_rate"]) == (2, 1, 0.5)
        kinds = archive.failure_kinds()
        assert kinds["OUT_OF_MEMORY"].sum() == 1
        usage = archive.usage()
        assert [key[1] for key in usage.index] == ["gpu"]
        row = usage.iloc[0]
        assert row["vcpu_hours"] == pytest.approx(8 * 4)
        assert row["gpu_hours"] == pytest.approx(8)
        assert row["gib_hours"] == pytest.approx(4 * 4)
        assert row["jobs"] == 2
        depth = archive.queue_depth(freq=timedelta(minutes=10), since=START - H, until=START)
        last = depth[depth["queue"] == "cpu"].iloc[-1]
        assert (last["waiting"], last["running"]) == (1, 1)
        gpu = depth[depth["queue"] == "gpu"]
        assert gpu["running"].max() == 0  # they ran yesterday
        # the same from the plain SQL views
        assert rows(archive, "SELECT SUM(gpu_hours) FROM job_usage") == [(pytest.approx(8.0),)]
        assert rows(archive, "SELECT queue, ended, failed FROM daily_failures") == [("gpu", 2, 1)]
        waits = rows(archive, "SELECT wait_seconds FROM job_times WHERE queue = 'gpu' ORDER BY 1")
        assert waits == [(600.0,), (1800.0,)]


def test_plots(archive: Archive) -> None:
    with archive:
        assert (
            plots.wait_times(archive.queue_wait(), ax=Figure().subplots()).get_xlabel() == "minutes"
        )
        assert plots.failures(archive.failures(), ax=Figure().subplots()).get_ylim() == (0, 1)
        depth = archive.queue_depth(freq=timedelta(minutes=30))
        assert plots.queue_depth(depth, ax=Figure().subplots()).get_ylabel() == "jobs"
        ax = plots.usage(archive.usage(), "gpu_hours", ax=Figure().subplots())
        assert ax.get_ylabel() == "gpu hours"


def test_read_only_sql(archive: Archive) -> None:
    with archive:
        result = archive.sql("SELECT COUNT(*) AS n FROM jobs")
        assert result.columns == ("n",)
        assert list(result) == [(4,)]
        frame = archive.sql("SELECT job_name FROM jobs ORDER BY job_name").to_pandas()
        assert frame["job_name"].tolist() == ["a", "b", "c", "d"]
        for statement in ("DELETE FROM jobs", "DROP TABLE jobs", "UPDATE jobs SET status = 'x'"):
            with pytest.raises(Exception, match="SQL error") as caught:
                list(archive.sql(statement))
            assert "read" in str(caught.value).lower()
        assert archive.count() == 4
        with pytest.raises(InvalidParameterError, match="query"):
            archive.sql("  ")
