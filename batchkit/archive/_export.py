"""Parquet export: the archive as Hive-partitioned Parquet that DuckDB, Athena and Spark
read as they are (pyarrow, ``batchkit-aws[parquet]``).

Layout under the target directory (partition columns live in the path, not in the files)::

    jobs/region=us-east-1/queue=etl/created_date=2026-11-01/part-0.parquet
    job_events/region=us-east-1/queue=etl/observed_date=2026-11-01/part-0.parquet
    s3_jobs/region=us-east-1/created_date=2026-11-01/part-0.parquet

Incremental: every row written to the archive carries the revision of its transaction
(events their id); the ``exports`` table remembers, per target directory, the revision and
event id the last export reached.  An export rewrites only the partitions holding a row
past those marks -- each partition whole (its file is replaced atomically: written beside,
then renamed), so a killed export leaves every file whole and the next export redoes what
it had not recorded.  Rows are read a partition at a time (memory bounded by the largest
partition: one queue's jobs of one day).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from batchkit import InvalidParameterError
from batchkit._core.archive import ArchiveError
from batchkit.archive._store import Store

__all__ = ["ExportReport", "export_parquet"]

_DAY_MS = 86_400_000
#: Columns the files hold (the partition columns are in the path).
JOB_COLUMNS = (
    "job_arn",
    "job_id",
    "account_id",
    "job_name",
    "job_definition",
    "definition_name",
    "kind",
    "status",
    "status_reason",
    "failure_kind",
    "created_at",
    "started_at",
    "stopped_at",
    "exit_code",
    "attempts",
    "array_size",
    "array_index",
    "parent_job_id",
    "share_identifier",
    "vcpus",
    "memory_mib",
    "gpus",
    "first_seen",
    "last_seen",
    "gone",
    "detail",
)
EVENT_COLUMNS = (
    "event_id",
    "job_arn",
    "job_id",
    "account_id",
    "status",
    "previous_status",
    "observed_at",
    "source",
)
S3_COLUMNS = (
    "account_id",
    "job_id",
    "description",
    "operation",
    "priority",
    "status",
    "created_at",
    "terminated_at",
    "total_tasks",
    "succeeded_tasks",
    "failed_tasks",
    "active_seconds",
    "first_seen",
    "last_seen",
    "gone",
    "detail",
)
_TIMES = {"created_at", "started_at", "stopped_at", "first_seen", "last_seen", "observed_at"}
_TIMES_S3 = {"created_at", "terminated_at", "first_seen", "last_seen"}


@dataclass(frozen=True)
class ExportReport:
    """What :meth:`Archive.export_parquet` wrote."""

    directory: str
    partitions: int
    """Partition files written (rewritten) by this export."""
    rows: int
    """Rows in the files written."""
    full: bool
    """True when every partition was written (the first export, or ``full=True``)."""


def _day(ms: int | None) -> str:
    if ms is None:
        return "__HIVE_DEFAULT_PARTITION__"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")


def _day_range(day: str) -> tuple[int, int] | None:
    if day == "__HIVE_DEFAULT_PARTITION__":
        return None
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    ms = round(start.timestamp() * 1000)
    return ms, ms + _DAY_MS


def _segment(name: str, value: str) -> str:
    return f"{name}={quote(value, safe='-_.')}"


def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    ts = pa.timestamp("ms", tz="UTC")
    string, i64, f64, boolean = pa.string(), pa.int64(), pa.float64(), pa.bool_()
    job = dict.fromkeys(JOB_COLUMNS, string)
    job |= dict.fromkeys(_TIMES & set(JOB_COLUMNS), ts)
    job |= dict.fromkeys(("exit_code", "attempts", "array_size", "array_index"), i64)
    job |= dict.fromkeys(("vcpus", "memory_mib", "gpus"), f64) | {"gone": boolean}
    event = dict.fromkeys(EVENT_COLUMNS, string) | {"event_id": i64, "observed_at": ts}
    s3 = dict.fromkeys(S3_COLUMNS, string) | dict.fromkeys(_TIMES_S3, ts)
    s3 |= dict.fromkeys(
        ("priority", "total_tasks", "succeeded_tasks", "failed_tasks", "active_seconds"), i64
    )
    s3 |= {"gone": boolean}
    return {
        "jobs": pa.schema([(c, job[c]) for c in JOB_COLUMNS]),
        "job_events": pa.schema([(c, event[c]) for c in EVENT_COLUMNS]),
        "s3_jobs": pa.schema([(c, s3[c]) for c in S3_COLUMNS]),
    }


def _cell(column: str, value: Any) -> Any:
    if column in ("gone",) and value is not None:
        return bool(value)
    if column == "detail" and value is not None and not isinstance(value, str):
        import json

        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return value


def _write(directory: Path, schema: Any, columns: Sequence[str], rows: list[Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {c: [_cell(c, row[i]) for row in rows] for i, c in enumerate(columns)}
    table = pa.table(data, schema=schema) if rows else schema.empty_table()
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / "part-0.parquet"
    temporary = directory / f".part-0.{uuid.uuid4().hex}.tmp"
    pq.write_table(table, temporary, compression="zstd")
    os.replace(temporary, final)


def export_parquet(
    store: Store, directory: str | os.PathLike[str], *, full: bool, clock: Any
) -> ExportReport:
    if not isinstance(directory, (str, os.PathLike)) or not os.fspath(directory):
        raise InvalidParameterError(f"directory: expected a path, got {directory!r}")
    try:
        import pyarrow  # noqa: F401
    except ImportError as error:
        raise ArchiveError(
            "the Parquet export needs pyarrow: pip install 'batchkit-aws[parquet]'"
        ) from error
    root = Path(directory).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise InvalidParameterError(f"directory: {root} exists and is not a directory")
    target = str(root)
    schemas = _schemas()
    marks = None if full else store.export_marks(target)
    full = marks is None
    jobs_mark, events_mark, s3_mark = marks or (-1, -1, -1)
    d = store.driver
    # The marks this export reaches: read first, so rows written meanwhile are exported by
    # the next export (their revision is past these).
    top = d.execute(
        "SELECT (SELECT value FROM archive_meta WHERE name = 'revision'), "
        "(SELECT COALESCE(MAX(event_id), 0) FROM job_events)"
    )[0]
    revision, last_event = int(top[0]), int(top[1])
    partitions = rows_written = 0
    try:
        # jobs: partitions holding a row changed since the last export
        changed: dict[tuple[str, str, str], None] = {}
        for _, batch in d.stream(
            "SELECT region, queue, created_at FROM jobs WHERE revision > ? AND revision <= ?",
            (jobs_mark, revision),
        ):
            for region, queue, created in batch:
                changed[(region, queue, _day(created))] = None
        for region, queue, day in sorted(changed):
            where = "region = ? AND queue = ?"
            params: list[Any] = [region, queue]
            bounds = _day_range(day)
            if bounds is None:
                where += " AND created_at IS NULL"
            else:
                where += " AND created_at >= ? AND created_at < ?"
                params += list(bounds)
            detail = "detail" if store.dialect.name == "sqlite" else "detail::text"
            select = ", ".join(detail if c == "detail" else c for c in JOB_COLUMNS)
            rows = d.execute(f"SELECT {select} FROM jobs WHERE {where} ORDER BY job_arn", params)
            folder = (
                root
                / "jobs"
                / _segment("region", region)
                / _segment("queue", queue)
                / _segment("created_date", day)
            )
            _write(folder, schemas["jobs"], JOB_COLUMNS, rows)
            partitions += 1
            rows_written += len(rows)
        # events: append-only; partitions holding an event past the last export's
        days: dict[tuple[str, str, str], None] = {}
        for _, batch in d.stream(
            "SELECT region, queue, observed_at FROM job_events WHERE event_id > ? "
            "AND event_id <= ?",
            (events_mark, last_event),
        ):
            for region, queue, observed in batch:
                days[(region, queue, _day(observed))] = None
        for region, queue, day in sorted(days):
            start, end = _day_range(day) or (0, 0)
            select = ", ".join(EVENT_COLUMNS)
            rows = d.execute(
                f"SELECT {select} FROM job_events WHERE region = ? AND queue = ? "
                "AND observed_at >= ? AND observed_at < ? AND event_id <= ? ORDER BY event_id",
                (region, queue, start, end, last_event),
            )
            folder = (
                root
                / "job_events"
                / _segment("region", region)
                / _segment("queue", queue)
                / _segment("observed_date", day)
            )
            _write(folder, schemas["job_events"], EVENT_COLUMNS, rows)
            partitions += 1
            rows_written += len(rows)
        # S3 Batch Operations jobs
        s3_days: dict[tuple[str, str], None] = {}
        for _, batch in d.stream(
            "SELECT region, created_at FROM s3_jobs WHERE revision > ? AND revision <= ?",
            (s3_mark, revision),
        ):
            for region, created in batch:
                s3_days[(region, _day(created))] = None
        for region, day in sorted(s3_days):
            params = [region]
            bounds = _day_range(day)
            where = "region = ?"
            if bounds is None:
                where += " AND created_at IS NULL"
            else:
                where += " AND created_at >= ? AND created_at < ?"
                params += list(bounds)
            detail = "detail" if store.dialect.name == "sqlite" else "detail::text"
            select = ", ".join(detail if c == "detail" else c for c in S3_COLUMNS)
            rows = d.execute(
                f"SELECT {select} FROM s3_jobs WHERE {where} ORDER BY account_id, job_id", params
            )
            folder = root / "s3_jobs" / _segment("region", region) / _segment("created_date", day)
            _write(folder, schemas["s3_jobs"], S3_COLUMNS, rows)
            partitions += 1
            rows_written += len(rows)
    except OSError as error:
        raise ArchiveError(f"export to {root} failed: {error}") from error
    now = round(clock.now().timestamp() * 1000)
    store.save_export_marks(target, (revision, last_event, revision), now)
    return ExportReport(directory=target, partitions=partitions, rows=rows_written, full=full)
