"""``batchkit archive``: keep a job archive (``batchkit.archive``) from the command line.

``sync`` (once, or ``--every 5m`` as a service), ``stats`` (the analyses as tables),
``export --parquet DIR`` and ``sql "SELECT ..."`` (read-only).  ``--db`` defaults to
``$BATCHKIT_ARCHIVE``, else ``~/.local/share/batchkit/archive.sqlite`` (under
``$XDG_DATA_HOME`` when set).

The CLI's conventions are the other commands': expected errors are one line naming the
option, exit 1 (AWS, the database) or 2 (usage); Ctrl-C exits 130; AWS's and the database's
text is shown with control characters escaped.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

import click
from rich.cells import cell_len
from rich.text import Text

from batchkit._cli.base import EXIT_INTERRUPTED, interrupted
from batchkit._cli.output import Column, csv_cell, emit, fit_widths, print_query, table_width
from batchkit._cli.params import DurationParam, QueryParam, check_query_format, query_option
from batchkit._core.text import escape_controls

#: ``archive stats --query``'s example: over the JSON object --format json prints.
STATS_QUERY = "queue_wait[?p95 > `600`].queue"

__all__ = ["EXIT_INTERRUPTED", "archive_commands"]

#: Python parameter names in messages -> what the shell user typed.
_OPTIONS = {"url": "--db", "queues": "QUEUE", "directory": "--parquet", "query": "SQL"}


def _shell(message: str) -> str:
    name, colon, rest = message.partition(": ")
    return f"{_OPTIONS[name]}: {rest}" if colon and name in _OPTIONS else message


def archive_commands(
    run: Callable[[Any, Callable[[], int]], None],
    escape: Callable[[str], str],
    csv_cell: Callable[[Any], str],
    group_class: type[click.Group] = click.Group,
) -> click.Group:
    """The ``archive`` group, with the CLI's ``run`` (errors -> one line and an exit code),
    ``escape`` (text from AWS or the database -> safe for a terminal), ``csv_cell`` and
    group class (batchkit's habits: global options, repeats, error style)."""

    def open_archive(db: str | None) -> Any:
        from batchkit import InvalidParameterError
        from batchkit.archive import Archive, default_url

        url = db if db is not None else default_url()
        if db is None and url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        try:
            return Archive(url)
        except InvalidParameterError as error:
            raise InvalidParameterError(_shell(str(error))) from error

    def guarded(settings: Any, action: Callable[[], int]) -> None:
        from batchkit import InvalidParameterError
        from batchkit.archive import ArchiveError

        def shell_action() -> int:
            try:
                return action()
            except KeyboardInterrupt:
                interrupted(settings.err, "what was synced is kept; the next sync resumes")
            except InvalidParameterError as error:
                raise InvalidParameterError(_shell(str(error))) from error
            except ArchiveError as error:
                shown = _shell(str(error))
                if shown == str(error):
                    raise
                raise ArchiveError(shown) from error

        run(settings, shell_action)

    db_option = click.option(
        "--db",
        metavar="URL",
        help="sqlite:///PATH, a path, or postgresql://... "
        "(default: $BATCHKIT_ARCHIVE, else ~/.local/share/batchkit/archive.sqlite).",
    )

    @click.group("archive", cls=group_class)
    def archive() -> None:
        """Keep AWS Batch job history in a database (SQLite or PostgreSQL) beyond AWS's week."""

    @archive.command()
    @click.argument("queues", nargs=-1, metavar="[QUEUE]...")
    @click.option("--all-queues", is_flag=True, help="Every job queue (the default).")
    @click.option(
        "--every", type=DurationParam(), help="Sync again every DURATION (5m) until Ctrl-C."
    )
    @click.option("--s3-account", metavar="ACCOUNT_ID", help="Also S3 Batch Operations jobs.")
    @db_option
    @click.pass_obj
    def sync(
        settings: Any,
        queues: tuple[str, ...],
        all_queues: bool,
        every: timedelta | None,
        s3_account: str | None,
        db: str | None,
    ) -> None:
        """Read new and changed jobs into the archive: incremental, safe to stop at any
        moment and to run from cron (or as a service with --every)."""
        if all_queues and queues:
            raise click.UsageError("give QUEUE names or --all-queues, not both")

        def report(result: Any) -> None:
            settings.out.print(Text(escape(str(result))), highlight=False, soft_wrap=True)

        def failed(error: Exception) -> None:
            line = f"sync failed (retried at the next run): {escape(str(error))}"
            settings.err.print(Text(line, style="bold red"), highlight=False, soft_wrap=True)

        from batchkit.archive import ArchiveError

        def action() -> int:
            with open_archive(db) as store:
                batch = settings.batch()
                clients: list[tuple[Any, Any]] = [(batch, list(queues) or None)]
                if s3_account is not None:
                    clients.append((settings.s3(s3_account), None))

                if every is None:
                    for client, names in clients:
                        report(store.sync(client, names))
                    return 0
                clock = store.clock
                while True:  # a service: a failed sync is reported, the next one resumes
                    started = clock.monotonic()
                    for client, names in clients:
                        try:
                            report(store.sync(client, names))
                        except ArchiveError as error:
                            failed(error)
                    elapsed = clock.monotonic() - started
                    clock.sleep(max(every.total_seconds() - elapsed, 0.0))

        guarded(settings, action)

    @archive.command()
    @click.option(
        "--since",
        type=DurationParam(),
        default="7d",
        show_default=True,
        help="Jobs of the last DURATION.",
    )
    @click.option(
        "--by",
        type=click.Choice(["queue", "definition", "share"]),
        default="queue",
        show_default=True,
    )
    @click.option(
        "--format",
        "--output",
        "output",
        type=click.Choice(["table", "json"], case_sensitive=False),
        default="table",
        show_default=True,
        help="table for people; json: an object of four arrays of records (for jq).",
    )
    @query_option(STATS_QUERY)
    @db_option
    @click.pass_obj
    def stats(
        settings: Any, since: timedelta, by: str, output: str, query: Any, db: str | None
    ) -> None:
        """Queue wait and run time (p50/p95), failures and usage, as tables."""

        def action() -> int:
            check_query_format(query, output)
            with open_archive(db) as store:
                try:
                    wait = store.queue_wait(by, since=since)
                except ImportError:  # pragma: no cover - pandas is a dependency of dev
                    raise click.UsageError(
                        "stats needs pandas: pip install 'batchkit-aws[pandas]'"
                    ) from None
                tables = [
                    ("queue wait (seconds)", wait),
                    ("run time (seconds)", store.run_time(by, since=since)),
                    ("failures per day", store.failures(by, since=since)),
                    ("usage per day", store.usage(by, since=since)),
                ]
                if output == "json" or query is not None:
                    report = {_key(title): _records(frame) for title, frame in tables}
                    if query is not None:
                        print_query(settings, query, report, "json")
                    else:
                        settings.out.file.write(json.dumps(report, default=str) + "\n")
                    return 0
                for title, frame in tables:
                    settings.out.print(Text(escape(title), style="bold"), highlight=False)
                    names, rows = _frame_rows(frame)
                    _print_rows(settings, names, iter(rows), "table", None)
                return 0

        guarded(settings, action)

    @archive.command()
    @click.option(
        "--parquet",
        "directory",
        required=True,
        metavar="DIR",
        help="Write Hive-partitioned Parquet here (DuckDB, Athena, Spark read it).",
    )
    @click.option("--full", is_flag=True, help="Write every partition, not only changed ones.")
    @db_option
    @click.pass_obj
    def export(settings: Any, directory: str, full: bool, db: str | None) -> None:
        """Export the archive as Parquet (incremental: only what changed since the last
        export to DIR)."""

        def action() -> int:
            from batchkit.archive import ArchiveError

            with open_archive(db) as store:
                try:
                    result = store.export_parquet(directory, full=full)
                except OSError as error:  # a name too long, no permission: one line
                    reason = error.strerror or str(error)
                    raise ArchiveError(f"--parquet: cannot write {directory}: {reason}") from None
                settings.out.print(
                    Text(
                        f"{result.partitions} partition(s), {result.rows} row(s) written to "
                        f"{escape(result.directory)}"
                    )
                )
                return 0

        guarded(settings, action)

    @archive.command()
    @click.argument("query", metavar="SQL")
    @click.option(
        "--format",
        "--output",
        "output",
        type=click.Choice(["table", "csv", "json", "jsonl"], case_sensitive=False),
        default="table",
        show_default=True,
        help="table for people; csv; json: an array of objects; jsonl: one object a line.",
    )
    @click.option(
        "--query",
        "jmespath",
        type=QueryParam(),
        help="A JMESPath expression over the rows --format json prints (e.g. "
        '"[].queue"); prints its result as JSON.',
    )
    @db_option
    @click.pass_obj
    def sql(settings: Any, query: str, output: str, jmespath: Any, db: str | None) -> None:
        """Run a read-only SQL query on the archive (tables and views: docs/archive.md)."""

        def action() -> int:
            check_query_format(jmespath, output, "jmespath")
            with open_archive(db) as store:
                result = store.sql(query)
                _print_rows(settings, result.columns, result, output, jmespath)
                return 0

        guarded(settings, action)

    return archive


def _key(title: str) -> str:
    """``queue wait (seconds)`` -> ``queue_wait``: a JSON key of ``stats``."""
    return "_".join(title.split(" (")[0].split())


def _frame_rows(frame: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    frame = frame.reset_index()
    return [str(c) for c in frame.columns], list(frame.itertuples(index=False, name=None))


def _plain(value: Any) -> Any:
    """A JSON value: None for NaN/NaT, ISO text for times, numbers as numbers."""
    if value is None or value != value:  # None, NaN, NaT
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _records(frame: Any) -> list[dict[str, Any]]:
    names, rows = _frame_rows(frame)
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in rows]


def _cell(value: Any) -> str:
    if value is None or value != value:  # None, NaN, NaT
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d %H:%M"))
    return str(value)


def _cell_text(index: int) -> Callable[[tuple[Any, ...], Any], str]:
    """How the table shows column ``index`` of a row."""
    return lambda row, now: _cell(row[index])


#: How many rows a SQL result's table is measured on before it starts printing.
MEASURED_ROWS = 200


def _is_id(name: str) -> bool:
    folded = name.casefold()
    return folded in ("id", "arn") or folded.endswith(("_id", "_arn", "jobid", "arn"))


def _is_arn(name: str) -> bool:
    return name.casefold().endswith("arn")


def _sql_columns(names: list[str], sample: list[tuple[Any, ...]]) -> tuple[Column, ...]:
    """Columns for rows nobody declared: each as wide as its widest cell among the first
    rows (at most 40 cells; an id column -- ``*_id``, ``*_arn`` -- whole), the leftmost
    kept longest when the terminal is narrow (fit_widths drops from the right; ARNs
    first)."""
    columns = []
    for index, name in enumerate(names):
        texts = [escape_controls(_cell(row[index])) for row in sample]
        widest = max([cell_len(escape_controls(name)), *map(cell_len, texts)])
        whole = _is_id(name)
        width = widest if whole else min(widest, 40)
        columns.append(
            Column(
                escape_controls(name),
                width,
                itemgetter(index),
                _cell_text(index),
                csv_name=csv_cell(name),
                min_width=None if whole else min(width, 8),
                # an ARN (long, and its id is usually a column too) leaves first
                priority=1 if _is_arn(name) else 0 if index == 0 else len(names) - index + 1,
                whole=whole,
            )
        )
    return tuple(columns)


def _print_rows(
    settings: Any,
    columns: Iterable[str],
    rows: Iterator[tuple[Any, ...]] | Iterable[tuple[Any, ...]],
    output: str,
    query: Any,
) -> None:
    """SQL rows in the CLI's formats, through the one output path (``emit``): a table
    fitted to the terminal like every other, CSV, JSON (an array), JSONL, ``--query``."""
    names = list(columns)
    rows = iter(rows)
    sample = list(itertools.islice(rows, MEASURED_ROWS))
    table = _sql_columns(names, sample)

    def record(row: tuple[Any, ...]) -> dict[str, Any]:
        return {n: _plain(v) for n, v in zip(names, row, strict=True)}

    shown = fit_widths(table, table_width(settings.out)) if output == "table" else []
    left_out = [c.title for c in table if c not in {c for c, _ in shown}] if shown else []
    emit(settings, itertools.chain(sample, rows), table, output, "rows", query=query,
         record=record)  # fmt: skip
    if left_out:
        note = f"({len(left_out)} column(s) left out to fit the terminal: {', '.join(left_out)}; "
        note += "--format csv has every column)"
        settings.err.print(Text(note), highlight=False, soft_wrap=True)
