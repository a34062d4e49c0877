"""The archive's database: one class of SQL for both databases, over a thin driver
(:mod:`._sqlite`: stdlib ``sqlite3``; :mod:`._postgres`: psycopg 3).

Every write of a sync goes through :meth:`Store.write`: one transaction holding a batch's
rows, events and the queue's resume point, so a sync killed at any moment leaves the
archive as it was after some whole batch.  A batch with nothing to write opens no
transaction.  Each transaction that writes bumps the archive's revision counter and stamps
the rows it writes with it (the incremental Parquet export reads what changed by it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import astuple, fields
from typing import Any, Protocol

from batchkit._core.archive import (
    ArchiveError,
    Decision,
    Event,
    Identity,
    JobRow,
    Known,
    QueueState,
    S3Row,
    SyncKey,
)
from batchkit.archive._schema import SCHEMA_VERSION, Dialect, statements

__all__ = ["Driver", "Store", "StreamedRows"]

_JOB_COLUMNS = [f.name for f in fields(JobRow)]
_S3_COLUMNS = [f.name for f in fields(S3Row)]


class StreamedRows(Iterator[tuple[Any, ...]]):
    """Rows read from a read-only connection, a batch at a time; the connection is released
    when the rows run out, when reading fails, on :meth:`close` or when the rows are dropped
    unread (a generator's ``finally`` never runs if it never started: this does)."""

    def __init__(self, rows: Iterator[tuple[Any, ...]], release: Callable[[], None]) -> None:
        self._rows = rows
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> StreamedRows:
        return self

    def __next__(self) -> tuple[Any, ...]:
        try:
            return next(self._rows)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._rows = iter(())
        release, self._release = self._release, None
        if release is not None:
            release()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


class Driver(Protocol):
    """What the store needs from a database driver."""

    dialect: Dialect
    where: str
    """The database, for messages (credentials removed)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``?`` placeholders); its rows (none for a write)."""
        ...

    def execute_count(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write; how many rows it changed."""
        ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one write for each parameter row; how many rows changed."""
        ...

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """A write transaction (committed on exit, rolled back on an exception)."""
        ...

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 1000) -> Iterator[Any]:
        """Rows of a query a batch at a time (memory bounded); yields (columns, rows)."""
        ...

    def read_only(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], StreamedRows]:
        """A query on a read-only connection: its column names and rows (streamed)."""
        ...

    def close(self) -> None: ...


class Store:
    """The archive's tables, read and written through one driver."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.dialect = driver.dialect
        self.writes = 0
        """Rows written through this store (inserted, updated), for reports and tests."""
        self._migrate()

    # ------------------------------------------------------------------ schema

    def _migrate(self) -> None:
        d = self.driver
        with d.transaction():
            d.execute(
                "CREATE TABLE IF NOT EXISTS batchkit_schema "
                "(version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"
            )
            if self.dialect.name == "postgresql":
                # one migrating process at a time (a second waits, then finds it done)
                d.execute("LOCK TABLE batchkit_schema IN EXCLUSIVE MODE")
            rows = d.execute("SELECT MAX(version) FROM batchkit_schema")
            current = int(rows[0][0] or 0)
            if current > SCHEMA_VERSION:
                raise ArchiveError(
                    f"the archive at {d.where} has schema version {current}, written by a newer "
                    f"batchkit (this one knows up to {SCHEMA_VERSION}): upgrade batchkit-aws"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in statements(self.dialect, version):
                    d.execute(statement)
                d.execute(
                    "INSERT INTO batchkit_schema (version, applied_at) VALUES (?, ?)",
                    (version, _wall_ms()),
                )

    @property
    def version(self) -> int:
        rows = self.driver.execute("SELECT MAX(version) FROM batchkit_schema")
        return int(rows[0][0] or 0)

    # ------------------------------------------------------------------ reads

    def queue_state(self, key: SyncKey) -> QueueState | None:
        rows = self.driver.execute(
            "SELECT watermark, listing_since, listing_token, listing_high FROM sync_state "
            "WHERE source = ? AND account_id = ? AND region = ? AND queue = ?",
            (key.source, key.identity.account_id, key.identity.region, key.queue),
        )
        if not rows:
            return None
        watermark, since, token, high = rows[0]
        return QueueState(watermark, since, token, high)

    def known(self, identity: Identity, job_ids: Sequence[str]) -> dict[str, Known]:
        if not job_ids:
            return {}
        marks = ", ".join("?" * len(job_ids))
        rows = self.driver.execute(
            "SELECT job_id, job_arn, status, final, gone, detail_hash, first_seen, queue "
            f"FROM jobs WHERE account_id = ? AND region = ? AND job_id IN ({marks})",
            (identity.account_id, identity.region, *job_ids),
        )
        return {
            r[0]: Known(r[1], r[2], bool(r[3]), bool(r[4]), r[5], int(r[6]), r[7]) for r in rows
        }

    def pending(
        self,
        identity: Identity,
        queue: str,
        after: str | None,
        limit: int,
        *,
        undescribed_only: bool = False,
    ) -> list[str]:
        """Ids of the queue's unfinished jobs (not final, not gone) after ``after``, in id
        order: the jobs every sync describes again until they end."""
        extra = " AND detail_hash IS NULL" if undescribed_only else ""
        rows = self.driver.execute(
            "SELECT job_id FROM jobs WHERE account_id = ? AND region = ? AND queue = ? "
            f"AND NOT final AND NOT gone AND job_id > ?{extra} ORDER BY job_id LIMIT ?",
            (identity.account_id, identity.region, queue, after or "", limit),
        )
        return [r[0] for r in rows]

    def known_s3(self, identity: Identity, job_ids: Sequence[str]) -> dict[str, Known]:
        if not job_ids:
            return {}
        marks = ", ".join("?" * len(job_ids))
        rows = self.driver.execute(
            "SELECT job_id, status, final, gone, detail_hash, first_seen FROM s3_jobs "
            f"WHERE account_id = ? AND region = ? AND job_id IN ({marks})",
            (identity.account_id, identity.region, *job_ids),
        )
        return {r[0]: Known(r[0], r[1], bool(r[2]), bool(r[3]), r[4], int(r[5])) for r in rows}

    def unfinished_s3(self, identity: Identity) -> dict[str, Known]:
        rows = self.driver.execute(
            "SELECT job_id, status, final, gone, detail_hash, first_seen FROM s3_jobs "
            "WHERE account_id = ? AND region = ? AND NOT final AND NOT gone",
            (identity.account_id, identity.region),
        )
        return {r[0]: Known(r[0], r[1], bool(r[2]), bool(r[3]), r[4], int(r[5])) for r in rows}

    # ------------------------------------------------------------------ writes

    def write(
        self,
        identity: Identity,
        decision: Decision,
        *,
        now: int,
        state: tuple[SyncKey, QueueState] | None = None,
    ) -> int:
        """Write a batch's rows, events and (``state``) the queue's resume point in one
        transaction; nothing at all when there is nothing to write.  Returns rows written."""
        if decision.empty and state is None:
            return 0
        d = self.driver
        written = 0
        with d.transaction():
            revision = self._next_revision()
            if decision.rows:
                written += self._upsert_jobs(decision, now, revision)
            if decision.children:
                written += self._insert_children(decision.children, now, revision)
            if decision.gone:
                written += d.executemany(
                    f"UPDATE jobs SET gone = {self._true}, last_seen = ?, revision = ? "
                    "WHERE job_arn = ?",
                    [(now, revision, arn) for arn in decision.gone],
                )
            if decision.events:
                written += self._insert_events("job_events", identity, decision.events)
            if state is not None:
                written += self._save_state(*state)
        self.writes += written
        return written

    def write_s3(
        self,
        identity: Identity,
        decision: Decision,
        *,
        now: int,
        state: tuple[SyncKey, QueueState] | None = None,
    ) -> int:
        if decision.empty and state is None:
            return 0
        d = self.driver
        written = 0
        with d.transaction():
            revision = self._next_revision()
            if decision.rows:
                columns = [*_S3_COLUMNS, "first_seen", "last_seen", "gone", "revision"]
                updates = ", ".join(
                    f"{c} = excluded.{c}" for c in columns if c not in ("first_seen",)
                )
                sql = (
                    f"INSERT INTO s3_jobs ({', '.join(columns)}) VALUES "
                    f"({', '.join('?' * len(columns))}) "
                    f"ON CONFLICT (account_id, region, job_id) DO UPDATE SET {updates}"
                )
                rows = [
                    (*astuple(r), decision.first_seen[r.job_id], now, False, revision)
                    for r in decision.rows
                ]
                written += d.executemany(sql, rows)
            if decision.gone:
                written += d.executemany(
                    f"UPDATE s3_jobs SET gone = {self._true}, last_seen = ?, revision = ? "
                    "WHERE account_id = ? AND region = ? AND job_id = ?",
                    [
                        (now, revision, identity.account_id, identity.region, job_id)
                        for job_id in decision.gone
                    ],
                )
            if decision.events:
                written += d.executemany(
                    "INSERT INTO s3_job_events (account_id, region, job_id, status, "
                    "previous_status, observed_at, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            identity.account_id,
                            identity.region,
                            e.job_id,
                            e.status,
                            e.previous_status,
                            e.observed_at,
                            e.source,
                        )
                        for e in decision.events
                    ],
                )
            if state is not None:
                written += self._save_state(*state)
        self.writes += written
        return written

    def save_state(self, key: SyncKey, state: QueueState) -> int:
        with self.driver.transaction():
            written = self._save_state(key, state)
        self.writes += written
        return written

    @property
    def _true(self) -> str:
        return "1" if self.dialect.name == "sqlite" else "true"

    def _next_revision(self) -> int:
        rows = self.driver.execute(
            "UPDATE archive_meta SET value = value + 1 WHERE name = 'revision' RETURNING value"
        )
        return int(rows[0][0])

    def _upsert_jobs(self, decision: Decision, now: int, revision: int) -> int:
        columns = [*_JOB_COLUMNS, "first_seen", "last_seen", "gone", "revision"]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "first_seen")
        sql = (
            f"INSERT INTO jobs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT (job_arn) DO UPDATE SET {updates}"
        )
        rows = [
            (*astuple(r), decision.first_seen[r.job_arn], now, False, revision)
            for r in decision.rows
        ]
        return self.driver.executemany(sql, rows)

    def _insert_children(self, children: Sequence[JobRow], now: int, revision: int) -> int:
        columns = [*_JOB_COLUMNS, "first_seen", "last_seen", "gone", "revision"]
        sql = (
            f"INSERT INTO jobs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            "ON CONFLICT DO NOTHING"
        )
        return self.driver.executemany(
            sql, [(*astuple(r), now, now, False, revision) for r in children]
        )

    def _insert_events(self, table: str, identity: Identity, events: Sequence[Event]) -> int:
        return self.driver.executemany(
            f"INSERT INTO {table} (job_arn, job_id, account_id, region, queue, status, "
            "previous_status, observed_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.job_arn,
                    e.job_id,
                    identity.account_id,
                    identity.region,
                    e.queue,
                    e.status,
                    e.previous_status,
                    e.observed_at,
                    e.source,
                )
                for e in events
            ],
        )

    def _save_state(self, key: SyncKey, state: QueueState) -> int:
        return self.driver.execute_count(
            "INSERT INTO sync_state (source, account_id, region, queue, watermark, "
            "listing_since, listing_token, listing_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (source, account_id, region, queue) DO UPDATE SET "
            "watermark = excluded.watermark, listing_since = excluded.listing_since, "
            "listing_token = excluded.listing_token, listing_high = excluded.listing_high",
            (
                key.source,
                key.identity.account_id,
                key.identity.region,
                key.queue,
                state.watermark,
                state.listing_since,
                state.listing_token,
                state.listing_high,
            ),
        )

    # ------------------------------------------------------------------ exports

    def export_marks(self, target: str) -> tuple[int, int, int] | None:
        rows = self.driver.execute(
            "SELECT jobs_revision, events_id, s3_revision FROM exports WHERE target = ?",
            (target,),
        )
        return None if not rows else (int(rows[0][0]), int(rows[0][1]), int(rows[0][2]))

    def save_export_marks(self, target: str, marks: tuple[int, int, int], now: int) -> None:
        with self.driver.transaction():
            self.driver.execute_count(
                "INSERT INTO exports (target, jobs_revision, events_id, s3_revision, "
                "exported_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (target) DO UPDATE SET "
                "jobs_revision = excluded.jobs_revision, events_id = excluded.events_id, "
                "s3_revision = excluded.s3_revision, exported_at = excluded.exported_at",
                (target, *marks, now),
            )

    def close(self) -> None:
        self.driver.close()


def _wall_ms() -> int:
    import time

    return int(time.time() * 1000)


def table_rows(store: Store, table: str, order: str) -> list[tuple[Any, ...]]:
    """Every row of a table (tests, small archives)."""
    return store.driver.execute(f"SELECT * FROM {table} ORDER BY {order}")


def as_dicts(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[Mapping[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]
