"""How records are printed: columns, tables, JSON, JSONL, CSV -- safely."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from rich.console import Console
from rich.text import Text

from batchkit._cli.base import Settings
from batchkit._core.text import escape_controls
from batchkit._spec.display import relative_time

STATUS_STYLE = {
    "SUCCEEDED": "green",
    "Complete": "green",
    "FAILED": "bold red",
    "Failed": "bold red",
    "RUNNING": "cyan",
    "Active": "cyan",
    "STARTING": "blue",
}


def short_duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def enum_value(member: Any) -> str | None:
    return None if member is None else str(member.value)


def total_seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def shown(value: Any) -> str:
    return "-" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    """One output column: ``data`` is the value (CSV: machine-readable), ``text`` how the
    table shows it (by default the value, ``-`` for none)."""

    title: str
    width: int
    data: Callable[[Any], Any]
    text: Callable[[Any, datetime], str] | None = None
    status: bool = False
    csv_name: str | None = None

    @property
    def csv_title(self) -> str:
        return self.csv_name or self.title.lower().replace(" ", "_")

    def table_text(self, item: Any, now: datetime) -> str:
        return self.text(item, now) if self.text is not None else shown(self.data(item))


def created_column(attribute: str) -> Column:
    return Column(
        "CREATED",
        10,
        lambda j: getattr(j, attribute),
        lambda j, now: relative_time(getattr(j, attribute), now),
        csv_name="created_at",
    )


NAME_COLUMN = Column("NAME", 28, lambda j: j.job_name)


STATUS_COLUMN = Column("STATUS", 10, lambda j: enum_value(j.status), status=True)


EXIT_COLUMN = Column("EXIT", 4, lambda j: j.exit_code, csv_name="exit_code")


DURATION_COLUMN = Column(
    "DURATION",
    9,
    lambda j: total_seconds(j.duration),
    lambda j, now: short_duration(j.duration),
    csv_name="duration_seconds",
)


JOB_ID_COLUMN = Column("JOB ID", 40, lambda j: j.job_id)


JOB_COLUMNS = (
    NAME_COLUMN,
    STATUS_COLUMN,
    created_column("created_at"),
    DURATION_COLUMN,
    EXIT_COLUMN,
    JOB_ID_COLUMN,
)


SERVICE_JOB_COLUMNS = (
    NAME_COLUMN,
    STATUS_COLUMN,
    Column("SHARE", 14, lambda j: j.share_identifier),
    created_column("created_at"),
    JOB_ID_COLUMN,
)


DETAIL_COLUMNS = (
    Column("NAME", 24, lambda j: j.job_name),
    STATUS_COLUMN,
    EXIT_COLUMN,
    DURATION_COLUMN,
    Column("REASON", 44, lambda j: j.status_reason),
    JOB_ID_COLUMN,
)


S3_COLUMNS = (
    Column("JOB ID", 36, lambda j: j.job_id),
    STATUS_COLUMN,
    Column("OPERATION", 22, lambda j: enum_value(j.operation)),
    Column(
        "PROGRESS",
        8,
        lambda j: None if j.progress is None else round(j.progress, 6),
        lambda j, now: "-" if j.progress is None else f"{j.progress:.0%}",
    ),
    created_column("creation_time"),
    Column("DESCRIPTION", 30, lambda j: j.description),
)


#: A cell a spreadsheet would evaluate: =, +, -, @ first (and tab, CR), unless a plain number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> str:
    """A CSV cell for people's spreadsheets and for programs: ISO 8601 UTC times, plain
    numbers, empty for none; text with control characters escaped and, when a spreadsheet
    would run it as a formula, a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)  # numbers are never text: -1 stays -1
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    text = str(value)
    cell = escape_controls(text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        cell = "'" + cell
    return cell


def table_cell(text: str) -> str:
    """A table cell: control characters escaped (rich is never given markup to parse)."""
    return escape_controls(text)


def fit(text: str, width: int, ellipsis: str = "…") -> str:
    return text if len(text) <= width else text[: width - len(ellipsis)] + ellipsis


def wire_json(value: Any) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def ellipsis_for(console: Console) -> str:
    """``…`` unless the output's encoding cannot write it (``PYTHONIOENCODING=ascii``)."""
    try:
        "…".encode(console.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return "..."
    return "…"


def emit(
    settings: Settings,
    items: Iterable[Any],
    columns: tuple[Column, ...],
    output: str,
    what: str,
) -> int:
    """Print ``items`` as they arrive, in ``output`` format; return how many."""
    out = settings.out
    now = datetime.now(timezone.utc)
    count = 0
    progress = Progress(settings, what)
    ellipsis = ellipsis_for(out)
    writer = csv.writer(out.file, lineterminator="\n") if output == "csv" else None
    if writer is not None:  # the header even when nothing follows: a reader knows the columns
        writer.writerow([c.csv_title for c in columns])
    try:
        for item in items:
            if count == 0 and output == "table":  # only once there is something to show
                header = "  ".join(c.title.ljust(c.width) for c in columns).rstrip()
                out.print(Text(header, style="bold"), highlight=False, soft_wrap=True)
            if output == "table":
                line = Text()
                for index, column in enumerate(columns):
                    cell = fit(table_cell(column.table_text(item, now)), column.width, ellipsis)
                    padded = cell if index == len(columns) - 1 else cell.ljust(column.width)
                    style = STATUS_STYLE.get(cell, "yellow") if column.status else ""
                    line.append(padded, style=style)
                    if index < len(columns) - 1:
                        line.append("  ")
                out.print(line, highlight=False, soft_wrap=True)
            elif output == "json":
                out.file.write(("," if count else "[") + "\n  " + wire_json(item.to_boto()))
            elif output == "jsonl":
                out.file.write(wire_json(item.to_boto()) + "\n")
            else:
                assert writer is not None
                writer.writerow([csv_cell(c.data(item)) for c in columns])
            count += 1
            progress.advance(count)
            out.file.flush()
    finally:
        progress.stop()
        if output == "json" and count:
            out.file.write("\n]\n")
            out.file.flush()
    if count == 0 and output == "json":
        out.file.write("[]\n")
    elif count == 0 and output == "table":
        settings.err.print(Text(f"no {what}"), highlight=False)
    out.file.flush()
    return count


class Progress:
    """ "N jobs..." on stderr while a long listing streams -- only when stderr is a terminal."""

    def __init__(self, settings: Settings, what: str) -> None:
        self._status: Any = None
        self._what = what
        if sys.stderr.isatty():
            self._status = settings.err.status(f"reading {what}...", spinner="dots")
            self._status.start()

    def advance(self, count: int) -> None:
        if self._status is not None and count % 100 == 0:
            self._status.update(f"{count} {self._what} so far...")

    def stop(self) -> None:
        if self._status is not None:
            self._status.stop()


def log_stream(job: Any) -> str | None:
    return getattr(job, "log_stream_name", None)


def queue_name(job: Any) -> str | None:
    queue = getattr(job, "job_queue", None)
    return None if queue is None else str(queue).rsplit("/", 1)[-1]


#: ``jobs --describe``: full details, what a failure needs (exit code, reason, log stream).
FULL_DETAIL_COLUMNS = (
    Column("NAME", 24, lambda j: j.job_name),
    Column("QUEUE", 14, queue_name),
    STATUS_COLUMN,
    created_column("created_at"),
    EXIT_COLUMN,
    Column("REASON", 40, lambda j: j.status_reason),
    Column("LOG STREAM", 36, log_stream, csv_name="log_stream_name"),
    JOB_ID_COLUMN,
)


QUEUE_COLUMNS = (
    Column("NAME", 28, lambda q: q.job_queue_name),
    Column("STATE", 9, lambda q: enum_value(q.state), status=True),
    Column("STATUS", 9, lambda q: enum_value(q.status), status=True),
    Column("TYPE", 18, lambda q: enum_value(q.job_queue_type)),
    Column("PRIORITY", 8, lambda q: q.priority),
    Column("ARN", 60, lambda q: q.job_queue_arn),
)
