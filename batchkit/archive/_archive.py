"""``Archive``: job history that outlives AWS, in SQLite or PostgreSQL."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batchkit import InvalidParameterError, SystemClock
from batchkit._core.archive import ArchiveError, FeedOptions, SyncReport
from batchkit.archive._store import Driver, Store, StreamedRows

if TYPE_CHECKING:
    import pandas as pd

    from batchkit import BatchClient, Clock, S3BatchOperationsClient
    from batchkit.aio import AsyncBatchClient, AsyncS3BatchOperationsClient
    from batchkit.archive._export import ExportReport

__all__ = ["DEFAULT_PATH", "Archive", "SqlResult", "default_url"]

#: Where ``batchkit archive`` keeps its archive unless told otherwise (``--db``, or the
#: ``BATCHKIT_ARCHIVE`` environment variable): ``$XDG_DATA_HOME/batchkit/archive.sqlite``,
#: by default ``~/.local/share/batchkit/archive.sqlite``.
DEFAULT_PATH = "$XDG_DATA_HOME/batchkit/archive.sqlite"


def default_url() -> str:
    """The archive the CLI uses without ``--db``: ``$BATCHKIT_ARCHIVE``, else a SQLite file
    under ``$XDG_DATA_HOME`` (``~/.local/share``) ``/batchkit/archive.sqlite``."""
    given = os.environ.get("BATCHKIT_ARCHIVE")
    if given:
        return given
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return "sqlite:///" + str(Path(base) / "batchkit" / "archive.sqlite")


def _driver(url: object) -> Driver:
    if isinstance(url, os.PathLike):
        url = os.fspath(url)
    if not isinstance(url, str):
        raise InvalidParameterError(
            f"url: expected 'sqlite:///PATH', 'postgresql://...' or a path, "
            f"got {type(url).__name__}"
        )
    text = url.strip()
    if not text:
        raise InvalidParameterError("url: empty; give 'sqlite:///PATH' or 'postgresql://...'")
    scheme, sep, rest = text.partition("://")
    if not sep:
        from batchkit.archive._sqlite import SqliteDriver

        return SqliteDriver(str(Path(text).expanduser()))
    scheme = scheme.lower()
    if scheme == "sqlite":
        from batchkit.archive._sqlite import SqliteDriver

        path = rest[1:] if rest.startswith("/") else rest  # sqlite:///rel, sqlite:////abs
        if path in ("", ":memory:"):
            return SqliteDriver(":memory:")
        return SqliteDriver(str(Path(path).expanduser()))
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        from batchkit.archive._postgres import PostgresDriver

        return PostgresDriver(text)
    shown = scheme.encode("ascii", "backslashreplace").decode()
    raise InvalidParameterError(
        f"url: unsupported database {shown!r}: give 'sqlite:///PATH' (SQLite) or "
        "'postgresql://USER@HOST/DB' (PostgreSQL, pip install 'batchkit-aws[postgres]')"
    )


def _duration(name: str, value: object, *, allow_zero: bool = True) -> timedelta:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = timedelta(seconds=value)
    if not isinstance(value, timedelta):
        raise InvalidParameterError(
            f"{name}: expected a timedelta or seconds, got {type(value).__name__}"
        )
    if value < timedelta(0) or (not allow_zero and value == timedelta(0)):
        raise InvalidParameterError(f"{name}: must be positive, got {value}")
    return value


def _queues(queues: object) -> list[str] | None:
    if queues is None:
        return None
    if isinstance(queues, str):
        queues = [queues]
    if not isinstance(queues, Iterable):
        raise InvalidParameterError(
            f"queues: expected queue names (a list), got {type(queues).__name__}"
        )
    names = list(queues)
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise InvalidParameterError(f"queues: expected non-empty queue names, got {name!r}")
    if not names:
        raise InvalidParameterError("queues: empty; give queue names, or None for every queue")
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class SqlResult:
    """The answer of :meth:`Archive.sql`: column names and the rows, streamed (read them
    once; ``list(result)``), or ``to_pandas()``."""

    columns: tuple[str, ...]
    _rows: StreamedRows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self._rows

    def close(self) -> None:
        """Stop reading: the read-only connection is released (also when the rows run out)."""
        self._rows.close()

    def __enter__(self) -> SqlResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def to_pandas(self) -> pd.DataFrame:
        import pandas as pd

        frame: pd.DataFrame = pd.DataFrame(list(self._rows), columns=list(self.columns))
        return frame


class Archive:
    """An archive of AWS Batch (and S3 Batch Operations) jobs in a database.

    ``Archive("sqlite:///jobs.sqlite")`` (a file, created on first use; a plain path works
    too) or ``Archive("postgresql://user@host/db")`` (``pip install
    'batchkit-aws[postgres]'``).  Opening creates or upgrades the schema (versioned:
    ``schema_version``).  :meth:`sync` reads what is new from AWS; the analyses
    (:meth:`queue_wait`, :meth:`run_time`, :meth:`failures`, :meth:`failure_kinds`,
    :meth:`queue_depth`, :meth:`usage`) return pandas DataFrames; :meth:`sql` runs your own
    read-only SQL; :meth:`export_parquet` writes Hive-partitioned Parquet.

    Args:
        url: ``sqlite:///PATH`` (``sqlite:////abs/path``, ``sqlite://`` in memory), a path,
            or ``postgresql://...``.
        clock: where ``now`` comes from (``first_seen``, events): anything with ``now()``
            (a ``batchkit.Clock``, a test's ``ManualClock``, a ``FakeAWS``).
        overlap: how far before its watermark a queue's listing starts again (jobs AWS
            shows late); 5 minutes by default.
        gone_after: a job DescribeJobs no longer returns is marked gone once the archive
            first saw it at least this long ago (5 minutes, as batchiepatchie).

    One ``Archive`` is for one thread at a time; use it as a context manager or ``close()``.
    """

    def __init__(
        self,
        url: str | os.PathLike[str],
        *,
        clock: Clock | None = None,
        overlap: timedelta = timedelta(minutes=5),
        gone_after: timedelta = timedelta(minutes=5),
    ) -> None:
        self._overlap = _duration("overlap", overlap)
        self._gone_after = _duration("gone_after", gone_after)
        if clock is not None and not callable(getattr(clock, "now", None)):
            raise InvalidParameterError(
                f"clock: expected an object with now() and monotonic(), got {type(clock).__name__}"
            )
        if clock is not None and not callable(getattr(clock, "monotonic", None)):
            clock = _WallOnly(clock)
        self._clock: Any = clock or SystemClock()
        driver = _driver(url)
        try:
            self._store = Store(driver)
        except BaseException:
            driver.close()
            raise
        self._closed = False

    # ------------------------------------------------------------------ basics

    @property
    def url(self) -> str:
        """The database (without a password)."""
        return self._store.driver.where

    @property
    def clock(self) -> Clock:
        """The archive's clock (``now()``, ``monotonic()``, ``sleep()``)."""
        clock: Clock = self._clock
        return clock

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._store.dialect.name

    @property
    def schema_version(self) -> int:
        """The schema version of the database (this batchkit writes up to
        :data:`batchkit.archive.SCHEMA_VERSION`)."""
        return self._store.version

    def __repr__(self) -> str:
        return f"Archive({self.url!r})"

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection (idempotent)."""
        if not self._closed:
            self._closed = True
            self._store.close()

    def _open_store(self) -> Store:
        if self._closed:
            raise ArchiveError(f"the archive {self.url} is closed")
        return self._store

    # ------------------------------------------------------------------ sync

    def _options(self, progress: object) -> tuple[FeedOptions, Any]:
        from batchkit.archive._progress import progress_line

        if progress is not None and not isinstance(progress, bool) and not callable(progress):
            raise InvalidParameterError(
                f"progress: expected True, False, None or a function, got {type(progress).__name__}"
            )
        tell: Callable[[str, SyncReport], None] | None = None
        display = None
        if callable(progress):
            tell = progress
        elif progress or (progress is None and sys.stderr.isatty()):
            display = progress_line()
            tell = display.update
        options = FeedOptions(
            clock=self._clock, overlap=self._overlap, gone_after=self._gone_after, progress=tell
        )
        return options, display

    def sync(
        self,
        client: BatchClient | S3BatchOperationsClient,
        queues: Iterable[str] | str | None = None,
        *,
        progress: bool | Callable[[str, SyncReport], None] | None = None,
    ) -> SyncReport:
        """Read what is new from AWS into the archive: incremental, idempotent, crash-safe.

        For a :class:`batchkit.BatchClient`, per queue (every queue of the account and
        region by default): the jobs the archive holds unfinished are described again
        (100 a request) until they end -- once more when they end, so attempts, exit
        codes and resources are kept; jobs DescribeJobs no longer knows before they ended
        are marked ``gone``; then the queue is listed newest-first from its watermark
        (minus ``overlap``), every status, and the new jobs are described and stored --
        with their array children and multi-node nodes.  Each page is written in one
        transaction with the queue's resume point: a sync stopped at any moment (an
        error, Ctrl-C, a killed process) and run again loses and duplicates nothing.
        Throttling is absorbed by the client's retry mode (batchkit's default: adaptive).

        For an :class:`batchkit.S3BatchOperationsClient`: the account's S3 Batch
        Operations jobs (every job S3 lists), into ``s3_jobs``.

        Several clients (accounts, regions) may feed one archive: rows carry
        ``account_id`` and ``region``.

        Args:
            client: a ``BatchClient`` or an ``S3BatchOperationsClient``.
            queues: queue names or ARNs (None: every queue); not for S3.
            progress: show progress on stderr (None: when stderr is a terminal), or a
                function called with the queue and the report so far.

        Returns:
            A :class:`SyncReport`.

        Raises:
            InvalidParameterError: bad arguments (before any request).
            ArchiveError: AWS or the database failed; ``error.report`` says what was done.
        """
        from batchkit._sync.archive import Feed

        store = self._open_store()
        kind = _client_kind(client)
        names = _queues(queues)
        if kind == "s3" and names is not None:
            raise InvalidParameterError("queues: S3 Batch Operations jobs have no queues")
        options, display = self._options(progress)
        feed = Feed(store, options)
        try:
            if kind == "s3":
                return feed.run_s3(client)  # type: ignore[arg-type]
            return feed.run(client, names)  # type: ignore[arg-type]
        finally:
            if display is not None:
                display.close()

    async def sync_async(
        self,
        client: AsyncBatchClient | AsyncS3BatchOperationsClient,
        queues: Iterable[str] | str | None = None,
        *,
        progress: bool | Callable[[str, SyncReport], None] | None = None,
    ) -> SyncReport:
        """:meth:`sync` for the asyncio clients (``batchkit.aio``), opened: the same rules
        and the same result.  The database calls are synchronous (short transactions)."""
        from batchkit._async.archive import AsyncFeed

        store = self._open_store()
        kind = _client_kind(client)
        names = _queues(queues)
        if kind == "s3" and names is not None:
            raise InvalidParameterError("queues: S3 Batch Operations jobs have no queues")
        options, display = self._options(progress)
        feed = AsyncFeed(store, options)
        try:
            if kind == "s3":
                return await feed.run_s3(client)  # type: ignore[arg-type]
            return await feed.run(client, names)  # type: ignore[arg-type]
        finally:
            if display is not None:
                display.close()

    def sync_every(
        self,
        client: BatchClient | S3BatchOperationsClient,
        every: timedelta,
        queues: Iterable[str] | str | None = None,
        *,
        runs: int | None = None,
        progress: bool | Callable[[str, SyncReport], None] | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
        on_error: Callable[[ArchiveError], None] | None = None,
    ) -> None:
        """:meth:`sync` every ``every`` (from the start of one sync to the next; a sync
        that takes longer is followed at once), ``runs`` times (None: until interrupted).

        A failed sync is given to ``on_error`` and the loop goes on (without
        ``on_error`` the error is raised): the next sync resumes where it stopped.
        Ctrl-C (``KeyboardInterrupt``) ends the loop; what was synced is kept.  The waits
        are the archive's clock's ``sleep()``.
        """
        interval = _duration("every", every, allow_zero=False)
        if runs is not None and (isinstance(runs, bool) or not isinstance(runs, int) or runs < 1):
            raise InvalidParameterError(f"runs: expected a positive number or None, got {runs!r}")
        done = 0
        while True:
            started = self._clock.monotonic()
            try:
                report = self.sync(client, queues, progress=progress)
            except ArchiveError as error:
                if on_error is None:
                    raise
                on_error(error)
            else:
                if on_report is not None:
                    on_report(report)
            done += 1
            if runs is not None and done >= runs:
                return
            elapsed = self._clock.monotonic() - started
            self._clock.sleep(max(interval.total_seconds() - elapsed, 0.0))

    # ------------------------------------------------------------------ reading

    def sql(self, query: str, params: Sequence[Any] = ()) -> SqlResult:
        """Run a read-only SQL query (on a read-only connection: a write is an error).

        ``params`` fill the driver's placeholders (``?`` for SQLite, ``%s`` for PostgreSQL).
        The tables and views are documented in docs/archive.md.
        """
        if not isinstance(query, str) or not query.strip():
            raise InvalidParameterError("query: expected SQL text")
        columns, rows = self._open_store().driver.read_only(query, params)
        return SqlResult(tuple(columns), rows)

    def count(self, table: str = "jobs") -> int:
        """How many rows a table (or view) holds."""
        from batchkit.archive._schema import TABLES, VIEWS

        if table not in TABLES + VIEWS:
            raise InvalidParameterError(
                f"table: expected one of {', '.join(TABLES + VIEWS)}, got {table!r}"
            )
        rows = self._open_store().driver.execute(f"SELECT COUNT(*) FROM {table}")
        return int(rows[0][0])

    # ------------------------------------------------------------------ analysis

    def queue_wait(
        self,
        by: str | Sequence[str] = "queue",
        *,
        since: datetime | timedelta | None = None,
        until: datetime | timedelta | None = None,
    ) -> pd.DataFrame:
        """How long jobs waited in their queue (``started_at - created_at``), in seconds:
        ``jobs``, ``mean``, ``p50``, ``p95``, ``max`` per group.  ``by``: ``queue``,
        ``definition``, ``share`` (or several); jobs created in [since, until)."""
        from batchkit.archive._analysis import distribution

        return distribution(self._open_store(), "wait_seconds", by, since, until, self._clock)

    def run_time(
        self,
        by: str | Sequence[str] = "queue",
        *,
        since: datetime | timedelta | None = None,
        until: datetime | timedelta | None = None,
    ) -> pd.DataFrame:
        """How long jobs ran (``stopped_at - started_at``), in seconds, per group (as
        :meth:`queue_wait`)."""
        from batchkit.archive._analysis import distribution

        return distribution(self._open_store(), "run_seconds", by, since, until, self._clock)

    def failures(
        self,
        by: str | Sequence[str] = "queue",
        *,
        freq: str = "day",
        since: datetime | timedelta | None = None,
        until: datetime | timedelta | None = None,
    ) -> pd.DataFrame:
        """Jobs that ended per ``freq`` (``day`` or ``hour``, by stop time) and group:
        ``ended``, ``failed``, ``failure_rate``.  Top-level jobs (an array job counts
        once)."""
        from batchkit.archive._analysis import failures

        return failures(self._open_store(), by, freq, since, until, self._clock)

    def failure_kinds(
        self,
        *,
        freq: str = "day",
        since: datetime | timedelta | None = None,
        until: datetime | timedelta | None = None,
    ) -> pd.DataFrame:
        """Failed jobs per ``freq`` and :class:`batchkit.FailureKind` (one column each)."""
        from batchkit.archive._analysis import failure_kinds

        return failure_kinds(self._open_store(), freq, since, until, self._clock)

    def queue_depth(
        self,
        *,
        freq: timedelta = timedelta(hours=1),
        queues: Iterable[str] | str | None = None,
        since: datetime | timedelta | None = None,
        until: datetime | timedelta | None = None,
    ) -> pd.DataFrame:
        """Jobs waiting (created, not started) and running (started, not stopped) over
        time, per queue: sampled every ``freq`` (the state at each instant)."""
        from batchkit.archive._analysis import queue_depth

        return queue_depth(self._open_store(), freq, _queues(queues), since, until, self._clock)

    def usage(
        self,
        by: str | Sequence[str] = "queue",
        *,
        freq: str = "day",
        since: datetime | timedelta | None = None,
        until: datetime | timedelta | None = None,
    ) -> pd.DataFrame:
        """Resources used per ``freq`` (by start time) and group: ``jobs``, ``hours``,
        ``vcpu_hours``, ``gpu_hours``, ``gib_hours`` (memory).  The jobs that run: plain
        jobs, array children, multi-node nodes (not their parents)."""
        from batchkit.archive._analysis import usage

        return usage(self._open_store(), by, freq, since, until, self._clock)

    # ------------------------------------------------------------------ export

    def export_parquet(
        self, directory: str | os.PathLike[str], *, full: bool = False
    ) -> ExportReport:
        """Write the archive as Hive-partitioned Parquet under ``directory``
        (``jobs/region=R/queue=Q/created_date=D/``, ``job_events/...``, ``s3_jobs/...``),
        which DuckDB, Athena and Spark read as they are (``pip install
        'batchkit-aws[parquet]'``).  Incremental: only the partitions holding rows changed
        since the last export to the same directory are written again (``full=True``:
        every partition)."""
        from batchkit.archive._export import export_parquet

        return export_parquet(self._open_store(), directory, full=full, clock=self._clock)


class _WallOnly:
    """A clock that only tells the time (``now()``, e.g. a FakeAWS): durations are measured
    on the process's monotonic clock."""

    def __init__(self, clock: Any) -> None:
        self.now = clock.now

    def monotonic(self) -> float:
        import time

        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        import time

        time.sleep(seconds)


def _client_kind(client: object) -> str:
    if callable(getattr(client, "describe_jobs", None)) and callable(
        getattr(client, "job_queues", None)
    ):
        return "batch"
    if isinstance(getattr(client, "account_id", None), str) and callable(
        getattr(client, "list_jobs", None)
    ):
        return "s3"
    raise InvalidParameterError(
        "client: expected a batchkit BatchClient or S3BatchOperationsClient (or their "
        f"batchkit.aio twins), got {type(client).__name__}"
    )
