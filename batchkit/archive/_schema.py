"""The archive's schema, versioned from the first release: a list of migrations, each a
list of statements written once for both databases (SQLite and PostgreSQL) with the few
words that differ filled in per dialect.

Times are epoch milliseconds (UTC) in ``BIGINT`` columns, as AWS Batch sends them: exact,
the same in both databases, and plain numbers for any tool.  The views add readable days
and seconds.  ``batchkit_schema`` records every applied version; an archive written by a
newer batchkit is refused rather than misread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "TABLES", "VIEWS", "Dialect", "statements"]


@dataclass(frozen=True)
class Dialect:
    """The words that differ between the two databases."""

    name: str  # "sqlite" | "postgresql"
    bool: str
    json: str
    identity: str  # an auto-numbered BIGINT primary key
    day: Callable[[str], str]  # epoch-ms expression -> 'YYYY-MM-DD' text
    hour: Callable[[str], str]  # epoch-ms expression -> 'YYYY-MM-DD HH:00' text


SQLITE = Dialect(
    name="sqlite",
    bool="INTEGER",
    json="TEXT",
    identity="INTEGER PRIMARY KEY AUTOINCREMENT",
    day=lambda ms: f"strftime('%Y-%m-%d', ({ms}) / 1000, 'unixepoch')",
    hour=lambda ms: f"strftime('%Y-%m-%d %H:00', ({ms}) / 1000, 'unixepoch')",
)
POSTGRESQL = Dialect(
    name="postgresql",
    bool="BOOLEAN",
    json="JSONB",
    identity="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    day=lambda ms: f"to_char(to_timestamp(({ms}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    hour=lambda ms: (
        f"to_char(to_timestamp(({ms}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00')"
    ),
)

#: The tables, as users meet them (docs/archive.md documents each column).
TABLES = ("jobs", "job_events", "sync_state", "s3_jobs", "s3_job_events", "exports")
#: The views for analysis (plain SQL; docs/archive.md).
VIEWS = ("job_times", "job_usage", "daily_failures", "queue_transitions")


def _v1(d: Dialect) -> list[str]:
    false = "0" if d.name == "sqlite" else "false"
    leaf = "kind IN ('job', 'array-child', 'node')"
    top = "kind IN ('job', 'array', 'multinode')"
    return [
        f"""CREATE TABLE jobs (
            job_arn TEXT PRIMARY KEY,
            job_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            queue TEXT NOT NULL,
            job_name TEXT NOT NULL,
            job_definition TEXT,
            definition_name TEXT,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT,
            failure_kind TEXT,
            created_at BIGINT,
            started_at BIGINT,
            stopped_at BIGINT,
            exit_code INTEGER,
            attempts INTEGER,
            array_size INTEGER,
            array_index INTEGER,
            parent_job_id TEXT,
            share_identifier TEXT,
            vcpus DOUBLE PRECISION,
            memory_mib DOUBLE PRECISION,
            gpus DOUBLE PRECISION,
            first_seen BIGINT NOT NULL,
            last_seen BIGINT NOT NULL,
            gone {d.bool} NOT NULL DEFAULT {false},
            final {d.bool} NOT NULL DEFAULT {false},
            detail {d.json},
            detail_hash TEXT,
            revision BIGINT NOT NULL
        )""",
        "CREATE UNIQUE INDEX jobs_by_id ON jobs (account_id, region, job_id)",
        "CREATE INDEX jobs_pending ON jobs (account_id, region, queue, job_id) "
        "WHERE NOT final AND NOT gone",
        "CREATE INDEX jobs_by_queue_created ON jobs (region, queue, created_at)",
        "CREATE INDEX jobs_by_revision ON jobs (revision)",
        f"""CREATE TABLE job_events (
            event_id {d.identity},
            job_arn TEXT NOT NULL,
            job_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            queue TEXT NOT NULL,
            status TEXT NOT NULL,
            previous_status TEXT,
            observed_at BIGINT NOT NULL,
            source TEXT NOT NULL
        )""",
        "CREATE INDEX job_events_by_job ON job_events (job_arn, event_id)",
        "CREATE INDEX job_events_by_observed ON job_events (region, queue, observed_at)",
        """CREATE TABLE sync_state (
            source TEXT NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            queue TEXT NOT NULL,
            watermark BIGINT,
            listing_since BIGINT,
            listing_token TEXT,
            listing_high BIGINT,
            PRIMARY KEY (source, account_id, region, queue)
        )""",
        f"""CREATE TABLE s3_jobs (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            job_id TEXT NOT NULL,
            description TEXT,
            operation TEXT,
            priority INTEGER,
            status TEXT NOT NULL,
            created_at BIGINT,
            terminated_at BIGINT,
            total_tasks BIGINT,
            succeeded_tasks BIGINT,
            failed_tasks BIGINT,
            active_seconds BIGINT,
            first_seen BIGINT NOT NULL,
            last_seen BIGINT NOT NULL,
            gone {d.bool} NOT NULL DEFAULT {false},
            final {d.bool} NOT NULL DEFAULT {false},
            detail {d.json},
            detail_hash TEXT,
            revision BIGINT NOT NULL,
            PRIMARY KEY (account_id, region, job_id)
        )""",
        "CREATE INDEX s3_jobs_by_revision ON s3_jobs (revision)",
        f"""CREATE TABLE s3_job_events (
            event_id {d.identity},
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            job_id TEXT NOT NULL,
            status TEXT NOT NULL,
            previous_status TEXT,
            observed_at BIGINT NOT NULL,
            source TEXT NOT NULL
        )""",
        """CREATE TABLE exports (
            target TEXT PRIMARY KEY,
            jobs_revision BIGINT NOT NULL,
            events_id BIGINT NOT NULL,
            s3_revision BIGINT NOT NULL,
            exported_at BIGINT NOT NULL
        )""",
        "CREATE TABLE archive_meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        "INSERT INTO archive_meta (name, value) VALUES ('revision', 0)",
        # --- views: plain SQL for analysis (docs/archive.md) --------------------------
        f"""CREATE VIEW job_times AS
            SELECT job_arn, job_id, account_id, region, queue, job_name, job_definition,
                   definition_name, share_identifier, kind, status, failure_kind, exit_code,
                   attempts, created_at, started_at, stopped_at,
                   {d.day("created_at")} AS created_day,
                   (started_at - created_at) / 1000.0 AS wait_seconds,
                   (stopped_at - started_at) / 1000.0 AS run_seconds,
                   gone
            FROM jobs""",
        f"""CREATE VIEW job_usage AS
            SELECT job_arn, account_id, region, queue, definition_name, share_identifier,
                   status, started_at, stopped_at, {d.day("started_at")} AS day,
                   (stopped_at - started_at) / 3600000.0 AS hours,
                   COALESCE(vcpus, 0) * (stopped_at - started_at) / 3600000.0 AS vcpu_hours,
                   COALESCE(gpus, 0) * (stopped_at - started_at) / 3600000.0 AS gpu_hours,
                   COALESCE(memory_mib, 0) / 1024.0 * (stopped_at - started_at) / 3600000.0
                       AS gib_hours
            FROM jobs
            WHERE {leaf} AND started_at IS NOT NULL AND stopped_at IS NOT NULL
                  AND stopped_at >= started_at""",
        f"""CREATE VIEW daily_failures AS
            SELECT {d.day("stopped_at")} AS day, account_id, region, queue,
                   COUNT(*) AS ended,
                   SUM(CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END) AS failed,
                   SUM(CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END) * 1.0 / COUNT(*)
                       AS failure_rate
            FROM jobs
            WHERE {top} AND status IN ('SUCCEEDED', 'FAILED') AND stopped_at IS NOT NULL
            GROUP BY 1, account_id, region, queue""",
        f"""CREATE VIEW queue_transitions AS
            SELECT account_id, region, queue, created_at AS at, 1 AS waiting, 0 AS running
                FROM jobs WHERE {leaf} AND created_at IS NOT NULL
            UNION ALL
            SELECT account_id, region, queue, started_at, -1, 1
                FROM jobs WHERE {leaf} AND started_at IS NOT NULL AND created_at IS NOT NULL
            UNION ALL
            SELECT account_id, region, queue, stopped_at,
                   CASE WHEN started_at IS NULL THEN -1 ELSE 0 END,
                   CASE WHEN started_at IS NULL THEN 0 ELSE -1 END
                FROM jobs WHERE {leaf} AND stopped_at IS NOT NULL AND created_at IS NOT NULL""",
    ]


#: Migration ``n`` brings an archive from version ``n - 1`` to ``n``.
MIGRATIONS: Sequence[Callable[[Dialect], list[str]]] = (_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


def statements(dialect: Dialect, version: int) -> list[str]:
    """The statements of migration ``version`` (1-based) for ``dialect``."""
    return MIGRATIONS[version - 1](dialect)
