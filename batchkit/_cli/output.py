"""How records are printed: columns, tables, JSON, JSONL, CSV, JMESPath queries -- safely.

One documented column set per record type (a job, whether ListJobs' summary or
DescribeJobs' detail; a service job; an S3 Batch Operations job; a job queue), the same in
the table and in CSV: :data:`JOB_COLUMNS`, :data:`SERVICE_JOB_COLUMNS`, :data:`S3_COLUMNS`,
:data:`QUEUE_COLUMNS` (docs/cli.md lists them, generated from these).  A value a record
does not carry (a summary has no log stream) is empty.  JSON is the record's wire shape;
a listing over several queues adds ``jobQueue`` to each job (the queue it came from: ListJobs
summaries do not say).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import IO, Any

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.text import Text

from batchkit._cli.base import MIN_WIDTH, Settings
from batchkit._cli.params import run_query
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
    table shows it (by default the value, ``-`` for none).

    Fitting a table to the terminal (:func:`fit_widths`): a column with ``min_width`` below
    its ``width`` may be narrowed (its text truncated with an ellipsis); when that is not
    enough, columns are left out of the *table* by ``priority`` (lowest first; 0: never).
    An id column (``whole=True``) is never truncated.  CSV always has every column.
    """

    title: str
    width: int
    data: Callable[[Any], Any]
    text: Callable[[Any, datetime], str] | None = None
    status: bool = False
    csv_name: str | None = None
    doc: str = ""
    min_width: int | None = None
    priority: int = 0
    whole: bool = False
    queue: bool = False
    """The queue column: its value comes from the listing (a summary does not say)."""

    @property
    def csv_title(self) -> str:
        return self.csv_name or self.title.lower().replace(" ", "_")

    def table_text(self, item: Any, now: datetime) -> str:
        return self.text(item, now) if self.text is not None else shown(self.data(item))


def time_column(title: str, attribute: str, csv_name: str, doc: str, priority: int) -> Column:
    return Column(
        title,
        10,
        lambda j: getattr(j, attribute, None),
        lambda j, now: relative_time(getattr(j, attribute, None), now),
        csv_name=csv_name,
        doc=doc,
        priority=priority,
    )


def queue_name(job: Any) -> str | None:
    queue = getattr(job, "job_queue", None)
    return None if queue is None else str(queue).rsplit("/", 1)[-1]


def log_stream(job: Any) -> str | None:
    return getattr(job, "log_stream_name", None)


def _duration(job: Any) -> timedelta | None:
    return getattr(job, "duration", None)


NAME_COLUMN = Column(
    "NAME", 28, lambda j: j.job_name, doc="the job's name", min_width=8, priority=0
)
STATUS_COLUMN = Column("STATUS", 10, lambda j: enum_value(j.status), status=True, doc="status")
QUEUE_COLUMN = Column(
    "QUEUE",
    14,
    queue_name,
    csv_name="queue",
    doc="the job queue's name (a listing's queue; DescribeJobs' jobQueue)",
    min_width=8,
    priority=6,
    queue=True,
)
DURATION_COLUMN = Column(
    "DURATION",
    9,
    lambda j: total_seconds(_duration(j)),
    lambda j, now: short_duration(_duration(j)),
    csv_name="duration_seconds",
    doc="stopped_at - started_at, in seconds (empty until both are known)",
    priority=8,
)
EXIT_COLUMN = Column(
    "EXIT",
    4,
    lambda j: getattr(j, "exit_code", None),
    csv_name="exit_code",
    doc="exit code",
    priority=7,
)
REASON_COLUMN = Column(
    "REASON",
    36,
    lambda j: j.status_reason,
    csv_name="status_reason",
    doc="AWS's status reason",
    min_width=12,
    priority=5,
)
JOB_ID_COLUMN = Column("JOB ID", 36, lambda j: j.job_id, doc="the job id", whole=True)

#: A job (``jobs``, ``jobs --describe``, ``describe``): the same columns for ListJobs'
#: summaries and DescribeJobs' details -- enough to build a timeline.
JOB_COLUMNS = (
    NAME_COLUMN,
    QUEUE_COLUMN,
    STATUS_COLUMN,
    time_column("CREATED", "created_at", "created_at", "created (SubmitJob)", 9),
    time_column("STARTED", "started_at", "started_at", "started RUNNING", 3),
    time_column("STOPPED", "stopped_at", "stopped_at", "stopped (ended)", 4),
    DURATION_COLUMN,
    EXIT_COLUMN,
    REASON_COLUMN,
    Column(
        "LOG STREAM",
        30,
        log_stream,
        csv_name="log_stream_name",
        doc="CloudWatch Logs stream (DescribeJobs only: empty for a listing's summaries)",
        min_width=12,
        priority=1,
    ),
    JOB_ID_COLUMN,
)

#: A service job (``service-jobs``).
SERVICE_JOB_COLUMNS = (
    NAME_COLUMN,
    QUEUE_COLUMN,
    STATUS_COLUMN,
    Column(
        "SHARE",
        14,
        lambda j: j.share_identifier,
        csv_name="share_identifier",
        doc="fair-share identifier",
        min_width=8,
        priority=6,
    ),
    Column(
        "QUOTA SHARE",
        12,
        lambda j: j.quota_share_name,
        csv_name="quota_share_name",
        doc="quota share",
        min_width=8,
        priority=2,
    ),
    time_column("CREATED", "created_at", "created_at", "created", 9),
    time_column("STARTED", "started_at", "started_at", "started", 3),
    time_column("STOPPED", "stopped_at", "stopped_at", "stopped", 4),
    DURATION_COLUMN,
    REASON_COLUMN,
    JOB_ID_COLUMN,
)

#: An S3 Batch Operations job (``s3-jobs``).
S3_COLUMNS = (
    Column("JOB ID", 36, lambda j: j.job_id, doc="the job id", whole=True),
    STATUS_COLUMN,
    Column(
        "OPERATION",
        22,
        lambda j: enum_value(j.operation),
        doc="operation",
        min_width=10,
        priority=5,
    ),
    Column(
        "PROGRESS",
        8,
        lambda j: None if j.progress is None else round(j.progress, 6),
        lambda j, now: "-" if j.progress is None else f"{j.progress:.0%}",
        doc="fraction of tasks done, 0..1",
        priority=6,
    ),
    time_column("CREATED", "creation_time", "created_at", "created", 4),
    time_column("ENDED", "termination_date", "ended_at", "ended (terminationDate)", 3),
    Column("DESCRIPTION", 30, lambda j: j.description, doc="description", min_width=10, priority=2),
)

#: A job queue (``queues``).
QUEUE_COLUMNS = (
    Column("NAME", 28, lambda q: q.job_queue_name, csv_name="name", doc="queue name", min_width=10),
    Column(
        "STATE", 9, lambda q: enum_value(q.state), status=True, doc="ENABLED/DISABLED", priority=5
    ),
    Column("STATUS", 9, lambda q: enum_value(q.status), status=True, doc="VALID...", priority=4),
    Column(
        "TYPE",
        18,
        lambda q: enum_value(q.job_queue_type),
        doc="EC2, SAGEMAKER_TRAINING...",
        min_width=6,
        priority=3,
    ),
    Column("PRIORITY", 8, lambda q: q.priority, doc="priority", priority=2),
    Column("ARN", 60, lambda q: q.job_queue_arn, doc="ARN", whole=True, priority=1),
)

#: Every record type's columns, by the name docs/cli.md gives it.
RECORD_TYPES = {
    "job": JOB_COLUMNS,
    "service job": SERVICE_JOB_COLUMNS,
    "S3 job": S3_COLUMNS,
    "job queue": QUEUE_COLUMNS,
}


# ---------------------------------------------------------------------------- CSV

#: A cell a spreadsheet would evaluate: =, +, -, @ first (and tab, CR), unless a plain number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: ... and inside a cell, a formula start after ``;``: the list separator of many locales,
#: which their spreadsheets split on whatever the file's delimiter is, beginning a new cell
#: there.  (``,`` is this file's delimiter: a cell holding one is quoted, and the quote then
#: opens the cell in any locale; tabs and line breaks are escaped.)
_EMBEDDED_FORMULA = re.compile(r"(;\s*)(?=[=+\-@])")

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> str:
    """A CSV cell for people's spreadsheets and for programs: ISO 8601 UTC times, plain
    numbers, empty for none; text with control characters escaped and, where a spreadsheet
    would run it as a formula, a ``'`` in front -- of the cell, and of any part after a
    separator (``nightly copy;=cmd|...`` becomes ``nightly copy;'=cmd|...``: opened in a
    locale that splits on ``;``, that part is a cell of its own, and quoting cannot protect
    it, since the quote is then not at the start of that cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)  # numbers are never text: -1 stays -1
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    text = str(value)
    cell = _EMBEDDED_FORMULA.sub(r"\1'", escape_controls(text))
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        cell = "'" + cell
    return cell


def table_cell(text: str) -> str:
    """A table cell: control characters escaped (rich is never given markup to parse)."""
    return escape_controls(text)


def fit(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` in at most ``width`` terminal cells (a CJK character or an emoji takes two)."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - cell_len(ellipsis), 0)) + ellipsis


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells."""
    return text + " " * max(width - cell_len(text), 0)


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


# ---------------------------------------------------------------------------- widths


def table_width(console: Console) -> int | None:
    """The width a table must fit (rich measures the terminal, or reads ``COLUMNS``); None
    when output goes to a pipe or file without ``COLUMNS``: every column, whole."""
    if console.is_terminal or os.environ.get("COLUMNS", "").strip().isdigit():
        return max(console.width, MIN_WIDTH)
    return None


def fit_widths(columns: tuple[Column, ...], width: int | None) -> list[tuple[Column, int]]:
    """The table's columns and their widths within ``width``: the lowest-priority columns
    left out until the rest fit at their narrowest, then the long text columns narrowed
    (widest first) as little as needed; ids are never cut (a table narrower than its ids
    overflows rather than truncating one)."""
    chosen = list(columns)
    if width is None:
        return [(column, column.width) for column in chosen]

    def total(widths: list[int]) -> int:
        return sum(widths) + 2 * (len(widths) - 1)

    while total([c.min_width or c.width for c in chosen]) > width:
        droppable = [(c.priority, i) for i, c in enumerate(chosen) if c.priority > 0]
        if not droppable:
            break
        del chosen[min(droppable)[1]]
    widths = [c.width for c in chosen]
    # narrowed to their min_width, then -- when the columns that are never left out still do
    # not fit -- below it, to NARROWEST cells (a few characters and an ellipsis)
    for below_min in (False, True):
        while total(widths) > width:
            pairs = enumerate(zip(chosen, widths, strict=True))
            room = [
                (w - (min(NARROWEST, w) if below_min else c.min_width or w), i)
                if c.min_width
                else (0, i)
                for i, (c, w) in pairs
            ]
            most, index = max(room)
            if most <= 0:
                break
            widths[index] -= min(most, total(widths) - width)
    return list(zip(chosen, widths, strict=False))


#: The narrowest a narrowable column gets when nothing else can give way (``abc…``).
NARROWEST = 4


def with_id_width(columns: tuple[Column, ...], width: int) -> tuple[Column, ...]:
    """``columns`` with the id column ``width`` cells wide: an array child's id is the
    parent's and ``:N`` (``N`` < 10,000), a node's ``#N`` -- wider than a UUID."""
    return tuple(replace(c, width=max(c.width, width)) if c.whole else c for c in columns)


# ---------------------------------------------------------------------------- output


class JsonArray:
    """A JSON array written item by item -- and always closed, whatever stops it (an error,
    Ctrl-C, a broken pipe): what was printed stays a well-formed document."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.count = 0

    def add(self, text: str) -> None:
        self._stream.write(("," if self.count else "[") + "\n  " + text)
        self.count += 1
        self._stream.flush()

    def close(self) -> None:
        self._stream.write("\n]\n" if self.count else "[]\n")
        self._stream.flush()


@contextmanager
def json_array(stream: IO[str]) -> Iterator[JsonArray]:
    array = JsonArray(stream)
    try:
        yield array
    finally:
        with contextlib.suppress(OSError, ValueError):  # the reader left (a closed pipe)
            array.close()


def print_query(settings: Settings, query: Any, records: Any, output: str) -> None:
    """``--query``: the JMESPath expression over the records (as ``--format json`` prints
    them), its result as JSON (``jsonl``: a list's items one a line)."""
    result = run_query(query, records)
    stream = settings.out.file
    if output == "jsonl" and isinstance(result, list):
        for value in result:
            stream.write(json.dumps(value, default=_json_default) + "\n")
    else:
        stream.write(json.dumps(result, default=_json_default, indent=2) + "\n")
    stream.flush()


def emit(
    settings: Settings,
    items: Iterable[Any],
    columns: tuple[Column, ...],
    output: str,
    what: str,
    *,
    query: Any = None,
    queue_of: Callable[[Any], str | None] | None = None,
    queue_in_json: bool = False,
    record: Callable[[Any], Any] | None = None,
) -> int:
    """Print ``items`` as they arrive, in ``output`` format; return how many.

    Args:
        settings: the consoles.
        items: the records (a pager: read lazily).
        columns: the record type's columns (table and CSV).
        output: ``table``, ``json``, ``jsonl`` or ``csv``.
        what: what the records are, for messages ("jobs").
        query: a compiled JMESPath expression (``--query``): the records are read to the
            end, the expression applied to their JSON array, the result printed as JSON.
        queue_of: the queue of an item (the queue column), when the item does not say.
        queue_in_json: add ``jobQueue`` (from ``queue_of``) to each JSON record.
        record: an item's JSON record (default ``item.to_boto()``).
    """
    out = settings.out
    now = datetime.now(timezone.utc)
    to_record = record or (lambda item: item.to_boto())

    def queue(item: Any) -> str | None:
        found = queue_of(item) if queue_of is not None else None
        return found if found is not None else queue_name(item)

    def json_record(item: Any) -> Any:
        data = to_record(item)
        if queue_in_json and "jobQueue" not in data:
            data = {**data, "jobQueue": queue(item)}
        return data

    def value(column: Column, item: Any) -> Any:
        return queue(item) if column.queue else column.data(item)

    progress = Progress(settings, what)
    count = 0
    try:
        if query is not None:
            records = []
            for item in items:
                records.append(json_record(item))
                count += 1
                progress.advance(count)
            progress.stop()
            print_query(settings, query, records, output)
            return count
        if output == "json":
            with json_array(out.file) as array:
                for item in items:
                    array.add(wire_json(json_record(item)))
                    count += 1
                    progress.advance(count)
            return count
        if output == "jsonl":
            for item in items:
                out.file.write(wire_json(json_record(item)) + "\n")
                out.file.flush()
                count += 1
                progress.advance(count)
            return count
        if output == "csv":
            writer = csv.writer(out.file, lineterminator="\n")
            # the header even when nothing follows: a reader knows the columns
            writer.writerow([c.csv_title for c in columns])
            for item in items:
                writer.writerow([csv_cell(value(c, item)) for c in columns])
                out.file.flush()
                count += 1
                progress.advance(count)
            return count
        count = _table(settings, items, columns, value, now, progress)
    finally:
        progress.stop()
    if count == 0:
        settings.err.print(Text(f"no {what}"), highlight=False)
    return count


def _table(
    settings: Settings,
    items: Iterable[Any],
    columns: tuple[Column, ...],
    value: Callable[[Column, Any], Any],
    now: datetime,
    progress: Progress,
) -> int:
    out = settings.out
    ellipsis = ellipsis_for(out)
    chosen = fit_widths(columns, table_width(out))
    last = len(chosen) - 1
    count = 0
    for item in items:
        if count == 0:  # only once there is something to show
            titles = [c.title if c.whole else fit(c.title, w, ellipsis) for c, w in chosen]
            header = "  ".join(pad(t, w) for t, (_, w) in zip(titles, chosen, strict=True))
            header = header.rstrip()
            out.print(Text(header, style="bold"), highlight=False, soft_wrap=True)
        line = Text()
        for index, (column, width) in enumerate(chosen):
            raw = shown(value(column, item)) if column.queue else column.table_text(item, now)
            cell = table_cell(raw)
            if not column.whole:
                cell = fit(cell, width, ellipsis)
            padded = cell if index == last else pad(cell, width)
            style = STATUS_STYLE.get(cell, "yellow") if column.status else ""
            line.append(padded, style=style)
            if index < last:
                line.append("  ")
        out.print(line, highlight=False, soft_wrap=True)
        out.file.flush()
        count += 1
        progress.advance(count)
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
            self._status = None
