"""Parquet export: DuckDB reads it as it is, its counts equal the archive's; incremental
exports rewrite only the partitions that changed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from batchkit import InvalidParameterError
from batchkit.archive import Archive, ExportReport
from batchkit.testing import FakeAWS, ManualClock
from tests.archive.helpers import move_on, seed


def parts(root: Path) -> dict[str, float]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*.parquet")}


def query(sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect() as db:
        return [tuple(row) for row in db.execute(sql).fetchall()]


def count(sql: str) -> int:
    ((value,),) = query(sql)
    assert isinstance(value, int)
    return value


def test_duckdb_reads_the_export_and_counts_match(
    archive_url: str, fake: FakeAWS, clock: ManualClock, tmp_path: Path
) -> None:
    ids = seed(fake, 600, spacing=600)  # about four days, so several date partitions
    fake.add_s3_job(status="Complete", job_id="s3-1")
    out = tmp_path / "export"
    with Archive(archive_url, clock=clock) as archive:
        archive.sync(fake.batch_client())
        archive.sync(fake.s3_client())
        report = archive.export_parquet(out)
        assert isinstance(report, ExportReport)
        assert report.full
        assert report.partitions > 8
        jobs = f"read_parquet('{out}/jobs/**/*.parquet', hive_partitioning = true)"
        assert count(f"SELECT COUNT(*) FROM {jobs}") == archive.count("jobs")
        events = f"read_parquet('{out}/job_events/**/*.parquet', hive_partitioning = true)"
        assert count(f"SELECT COUNT(*) FROM {events}") == archive.count("job_events")
        s3 = f"read_parquet('{out}/s3_jobs/**/*.parquet', hive_partitioning = true)"
        assert count(f"SELECT COUNT(*) FROM {s3}") == 1
        by_queue = query(
            f"SELECT queue, COUNT(*) FROM {jobs} WHERE status = 'FAILED' GROUP BY 1 ORDER BY 1"
        )
        expected = list(
            archive.sql(
                "SELECT queue, COUNT(*) FROM jobs WHERE status = 'FAILED' GROUP BY 1 ORDER BY 1"
            )
        )
        assert [tuple(r) for r in by_queue] == [tuple(r) for r in expected]
        assert count(f"SELECT COUNT(DISTINCT created_date) FROM {jobs}") >= 4

        # nothing changed: nothing written
        before = parts(out)
        again = archive.export_parquet(out)
        assert (again.partitions, again.full) == (0, False)
        assert parts(out) == before
        # a few jobs move on today: only today's partitions (and events) are written again
        clock.advance(60)
        move_on(fake, ids[-50:], seed=3, fraction=1.0)
        archive.sync(fake.batch_client())
        changed = archive.export_parquet(out)
        after = parts(out)
        rewritten = {p for p in after if after[p] != before.get(p)}
        assert 0 < changed.partitions == len(rewritten) < len(before)
        assert count(f"SELECT COUNT(*) FROM {jobs}") == archive.count("jobs")
        assert count(f"SELECT COUNT(*) FROM {events}") == archive.count("job_events")
        assert archive.export_parquet(out, full=True).partitions == len(after)


def test_export_refuses_a_file_as_directory(sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with Archive(sqlite_url) as archive, pytest.raises(InvalidParameterError, match="directory"):
        archive.export_parquet(tmp_path / "file")
