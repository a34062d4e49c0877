"""The databases: schema versions and migrations, read-only SQL, errors that name the
database (never its password)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from batchkit.archive import SCHEMA_VERSION, TABLES, VIEWS, Archive, ArchiveError
from batchkit.testing import FakeAWS
from tests.archive.helpers import columns


def test_opening_creates_the_schema_once_and_refuses_a_newer_one(archive_url: str) -> None:
    with Archive(archive_url) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        for table in TABLES + VIEWS:
            assert archive.count(table) == 0
        assert "detail" in columns(archive, "jobs")
    with Archive(archive_url) as again:  # opening again migrates nothing
        assert list(again.sql("SELECT version FROM batchkit_schema")) == [(1,)]
        again._store.driver.execute(  # what a newer batchkit would leave
            "INSERT INTO batchkit_schema (version, applied_at) VALUES (99, 0)"
        )
    with pytest.raises(ArchiveError, match="newer batchkit"):
        Archive(archive_url)


def test_in_memory_archives_and_sql_errors(fake: FakeAWS) -> None:
    fake.add_job("etl", status="SUCCEEDED")
    with Archive("sqlite://") as archive:
        archive.sync(fake.batch_client())
        assert list(archive.sql("SELECT COUNT(*) FROM jobs WHERE queue = ?", ("etl",))) == [(1,)]
        with pytest.raises(ArchiveError, match="SQL error"):
            archive.sql("SELECT * FROM no_such_table")
        with pytest.raises(ArchiveError, match="SQL error"):
            list(archive.sql("INSERT INTO archive_meta VALUES ('x', 1)"))
        assert archive.count() == 1  # still writable by syncs
        archive.sync(fake.batch_client())
        with pytest.raises(Exception, match="table"):
            archive.count("sqlite_master")


def test_a_locked_database_is_an_archive_error(tmp_path: Path, fake: FakeAWS) -> None:
    path = tmp_path / "locked.sqlite"
    fake.add_job("etl", status="RUNNING")
    with Archive(f"sqlite:///{path}") as archive:
        archive._store.driver._db.execute("PRAGMA busy_timeout = 10")  # type: ignore[attr-defined]
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
            with pytest.raises(ArchiveError, match=r"database error in sqlite:///.*locked"):
                archive.sync(fake.batch_client())
            other.execute("ROLLBACK")
        assert archive.sync(fake.batch_client()).new == 1


def test_postgres_errors_hide_the_password() -> None:
    with pytest.raises(ArchiveError) as caught:
        Archive("postgresql://user:s3cret@127.0.0.1:1/db?connect_timeout=1")
    assert "s3cret" not in str(caught.value)
    assert "user:***@127.0.0.1:1" in str(caught.value)


def test_postgres_read_only_sql(postgres_url: str, fake: FakeAWS) -> None:
    fake.add_job("etl", status="SUCCEEDED")
    with Archive(postgres_url) as archive:
        archive.sync(fake.batch_client())
        assert archive.dialect == "postgresql"
        assert list(archive.sql("SELECT COUNT(*) FROM jobs WHERE queue = %s", ("etl",))) == [(1,)]
        assert list(archive.sql("SELECT detail->>'status' FROM jobs")) == [("SUCCEEDED",)]
        with pytest.raises(ArchiveError, match="read-only"):
            list(archive.sql("DELETE FROM jobs"))
        with pytest.raises(ArchiveError, match="SQL error"):
            archive.sql("SELECT * FROM no_such_table")
        assert archive.count() == 1


def test_streamed_rows_release_their_connection_however_they_end() -> None:
    """A read-only query's connection is released when its rows run out, fail, are closed,
    or are dropped unread (a generator's ``finally`` would not run in the last case)."""
    import gc

    from batchkit.archive._store import StreamedRows

    released: list[str] = []

    def rows(fail: bool = False) -> Iterator[tuple[int]]:
        yield (1,)
        if fail:
            raise ValueError("broken")

    exhausted = StreamedRows(rows(), lambda: released.append("exhausted"))
    assert list(exhausted) == [(1,)]
    failing = StreamedRows(rows(fail=True), lambda: released.append("failed"))
    with pytest.raises(ValueError, match="broken"):
        list(failing)
    closed = StreamedRows(rows(), lambda: released.append("closed"))
    closed.close()
    closed.close()  # idempotent
    dropped = StreamedRows(rows(), lambda: released.append("dropped"))
    del dropped
    gc.collect()
    assert released == ["exhausted", "failed", "closed", "dropped"]


def test_an_unread_sql_result_leaves_no_connection_open(tmp_path: Path) -> None:
    with Archive(f"sqlite:///{tmp_path}/a.sqlite") as archive:
        with archive.sql("SELECT 1") as result:
            assert result.columns == ("1",)
        assert list(result) == []  # closed: nothing more is read
        unread = archive.sql("SELECT 2")
        unread.close()
