"""The ``batchkit`` command line (click + rich).

Listings stream: the first rows print as soon as the first page arrives, whatever the
format.  ``--format json`` / ``jsonl`` print the exact wire shape (pipe it into ``jq``);
``table`` is for people (aligned, coloured status, relative times); ``csv`` is for machines
(a header row always, ISO 8601 UTC times, plain numbers).  Expected errors print one line and
exit 1 (AWS) or 2 (usage), no traceback.  ``--fake`` runs any command on the embedded backend
seeded with the demo account.

Text from AWS is not trusted: in table and CSV output and in error messages every control
character (C0, C1, DEL), bidi override and line separator is shown escaped (``\x1b``), rich
never interprets markup in it, CSV cells that a spreadsheet would run as a formula get a
leading ``'``, and credentials are redacted from error messages.  JSON is exact (and ASCII:
``json.dumps`` escapes every control and non-ASCII character).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.text import Text

from batchkit import __version__
from batchkit._client import BatchClient, S3BatchOperationsClient
from batchkit._display import relative_time
from batchkit._errors import BatchKitError, InvalidParameterError, JobNotFoundError, redact
from batchkit._filters import JobFilter
from batchkit._text import escape_controls

__all__ = ["cli", "main"]

FORMATS = ("table", "json", "jsonl", "csv")
# The documented values (kept here so `batchkit --help` does not import the models).
JOB_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
SERVICE_JOB_STATUSES = (*JOB_STATUSES[:3], "SCHEDULED", *JOB_STATUSES[3:])
S3_JOB_STATUSES = (
    "Active",
    "Cancelled",
    "Cancelling",
    "Complete",
    "Completing",
    "Failed",
    "Failing",
    "New",
    "Paused",
    "Pausing",
    "Preparing",
    "Ready",
    "Suspended",
)
_DURATION = re.compile(r"(\d+)\s*(s|m|h|d|w)")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_STATUS_STYLE = {
    "SUCCEEDED": "green",
    "Complete": "green",
    "FAILED": "bold red",
    "Failed": "bold red",
    "RUNNING": "cyan",
    "Active": "cyan",
    "STARTING": "blue",
}


#: The ISO 8601 forms ``--since`` / ``--until`` accept, identically on every Python version
#: (``datetime.fromisoformat`` on 3.10 takes neither ``Z`` nor most of these): a date, then
#: optionally ``T`` (or a space) and ``HH:MM[:SS[.fraction]]``, then ``Z`` or ``±HH[:MM]``.
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_iso8601(text: str) -> datetime:
    """``text`` as a datetime (naive when it has no zone); ``ValueError`` if it is not one of
    the forms of :data:`_ISO` or not a real time."""
    match = _ISO.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 time: {text!r}")
    parts = match.groupdict()
    fraction = (parts["fraction"] or "").ljust(6, "0")[:6]
    zone = parts["zone"]
    tz: timezone | None = None
    if zone in ("Z", "z"):
        tz = timezone.utc
    elif zone:
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        if offset >= timedelta(hours=24) or int(digits[2:] or 0) >= 60:
            raise ValueError(f"not a UTC offset: {zone!r}")
        tz = timezone(-offset if zone[0] == "-" else offset)
    return datetime(
        int(parts["year"]),
        int(parts["month"]),
        int(parts["day"]),
        int(parts["hour"] or 0),
        int(parts["minute"] or 0),
        int(parts["second"] or 0),
        int(fraction),
        tzinfo=tz,
    )


class TimeParam(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``2h``, ``30m``, ``7d``, ``1w`` (that long ago) or an ISO 8601 time with a zone."""

    name = "TIME"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime | timedelta:
        if isinstance(value, (datetime, timedelta)):
            return value
        text = str(value).strip()
        shown = escape_controls(text)
        match = _DURATION.fullmatch(text)
        if match:
            try:
                ago = timedelta(**{_UNITS[match[2]]: int(match[1])})
                _ = datetime.now(timezone.utc) - ago  # must be a representable time
            except OverflowError:
                self.fail(f"{shown!r} is too far in the past (before year 1)", param, ctx)
            return ago
        try:
            moment = parse_iso8601(text)
        except (ValueError, OverflowError):
            self.fail(
                f"{shown!r}: give a duration (30m, 2h, 7d, 1w) or an ISO 8601 time with a zone "
                "(2026-11-01T10:00:00Z, 2026-11-01 12:00+02:00)",
                param,
                ctx,
            )
        if moment.tzinfo is None:
            self.fail(f"{shown!r} has no time zone: add Z or an offset (+02:00)", param, ctx)
        return moment


@dataclass
class Settings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    fake: bool = False
    out: Console = field(default_factory=lambda: _console(True, stderr=False))
    err: Console = field(default_factory=lambda: _console(True, stderr=True))
    _fake_backend: Any = None

    def backend(self) -> Any:
        if self._fake_backend is None:
            from batchkit.testing import FakeAWS

            self._fake_backend = FakeAWS.demo(jobs=1500)
        return self._fake_backend

    def batch(self, config: Any = None) -> BatchClient:
        if self.fake:
            client: BatchClient = self.backend().batch_client(config)
            return client
        return BatchClient(session=self._session(), endpoint_url=self.endpoint_url, config=config)

    def s3(self, account_id: str | None) -> S3BatchOperationsClient:
        if self.fake:
            client: S3BatchOperationsClient = self.backend().s3_client(account_id)
            return client
        if account_id is None:
            raise click.UsageError("--account-id is required (the 12-digit AWS account id)")
        return S3BatchOperationsClient(
            account_id, session=self._session(), endpoint_url=self.endpoint_url
        )

    def _session(self) -> Any:
        import boto3

        return boto3.Session(profile_name=self.profile, region_name=self.region)


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def _value(member: Any) -> str | None:
    return None if member is None else str(member.value)


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _shown(value: Any) -> str:
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
        return self.text(item, now) if self.text is not None else _shown(self.data(item))


def _created(attribute: str) -> Column:
    return Column(
        "CREATED",
        10,
        lambda j: getattr(j, attribute),
        lambda j, now: relative_time(getattr(j, attribute), now),
        csv_name="created_at",
    )


_NAME = Column("NAME", 28, lambda j: j.job_name)
_STATUS = Column("STATUS", 10, lambda j: _value(j.status), status=True)
_EXIT = Column("EXIT", 4, lambda j: j.exit_code, csv_name="exit_code")
_DURATION_COLUMN = Column(
    "DURATION",
    9,
    lambda j: _seconds(j.duration),
    lambda j, now: _duration(j.duration),
    csv_name="duration_seconds",
)
_JOB_ID = Column("JOB ID", 40, lambda j: j.job_id)

JOB_COLUMNS = (_NAME, _STATUS, _created("created_at"), _DURATION_COLUMN, _EXIT, _JOB_ID)
SERVICE_JOB_COLUMNS = (
    _NAME,
    _STATUS,
    Column("SHARE", 14, lambda j: j.share_identifier),
    _created("created_at"),
    _JOB_ID,
)
DETAIL_COLUMNS = (
    Column("NAME", 24, lambda j: j.job_name),
    _STATUS,
    _EXIT,
    _DURATION_COLUMN,
    Column("REASON", 44, lambda j: j.status_reason),
    _JOB_ID,
)
S3_COLUMNS = (
    Column("JOB ID", 36, lambda j: j.job_id),
    _STATUS,
    Column("OPERATION", 22, lambda j: _value(j.operation)),
    Column(
        "PROGRESS",
        8,
        lambda j: None if j.progress is None else round(j.progress, 6),
        lambda j, now: "-" if j.progress is None else f"{j.progress:.0%}",
    ),
    _created("creation_time"),
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


def _fit(text: str, width: int, ellipsis: str = "…") -> str:
    return text if len(text) <= width else text[: width - len(ellipsis)] + ellipsis


def _wire_json(value: Any) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _ellipsis(console: Console) -> str:
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
    progress = _Progress(settings, what)
    ellipsis = _ellipsis(out)
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
                    cell = _fit(table_cell(column.table_text(item, now)), column.width, ellipsis)
                    padded = cell if index == len(columns) - 1 else cell.ljust(column.width)
                    style = _STATUS_STYLE.get(cell, "yellow") if column.status else ""
                    line.append(padded, style=style)
                    if index < len(columns) - 1:
                        line.append("  ")
                out.print(line, highlight=False, soft_wrap=True)
            elif output == "json":
                out.file.write(("," if count else "[") + "\n  " + _wire_json(item.to_boto()))
            elif output == "jsonl":
                out.file.write(_wire_json(item.to_boto()) + "\n")
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


class _Progress:
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


#: Python parameter names in batchkit's messages -> the options a shell user typed.
_SHELL_NAMES = {
    "job_name": "--name",
    "job_definition": "--definition",
    "share_identifier": "--share",
    "quota_share_name": "--quota-share",
    "created_after": "--since",
    "created_before": "--until",
    "created_between start": "--since",
    "created_between end": "--until",
    "account_id": "--account-id",
    "statuses": "--status",
    "status": "--status",
    "job_queue": "QUEUE",
    "array_job_id": "--array-job",
    "multi_node_job_id": "--multi-node-job",
    "job_ids item": "JOB_ID",
    "max_items": "--limit",
    "max_workers": "--workers",
    "attempt": "--attempt",
    "node": "--node",
    "container": "--container",
    "since": "--since",
    "tail": "--tail",
    "lines": "--lines",
    "job": "JOB_ID",
}
_PYTHON_HINT = re.compile(r"\s*\((?:for a value newer than this batchkit, )?pass \w+\([^)]*\)\)")


def shell_message(message: str) -> str:
    """A batchkit message as advice for the shell: option names instead of parameter names,
    no Python-only hints (``pass JobStatus('X')``)."""
    name, colon, rest = message.partition(": ")
    if colon and name in _SHELL_NAMES:
        message = f"{_SHELL_NAMES[name]}: {rest}"
    return _PYTHON_HINT.sub("", message)


def one_line(message: str) -> str:
    """What may reach the terminal from a message: no credentials, no control characters
    (newlines included: AWS's multi-line messages become one line)."""
    return escape_controls(redact(message))


def _fail(settings: Settings, message: str, code: int) -> NoReturn:
    text = Text(f"error: {one_line(message)}", style="bold red")
    settings.err.print(text, highlight=False, soft_wrap=True)
    raise SystemExit(code)


def _run(settings: Settings, action: Callable[[], int]) -> None:
    """Run a command; expected failures become one line on stderr and an exit code."""
    from botocore.exceptions import (
        BotoCoreError,
        InvalidRegionError,
        NoCredentialsError,
        NoRegionError,
        ProfileNotFound,
    )

    try:
        code = action()
    except InvalidParameterError as error:
        _fail(settings, shell_message(str(error)), 2)
    except JobNotFoundError as error:
        _fail(settings, str(error), 1)
    except BatchKitError as error:
        _fail(settings, str(error), 1)
    except ProfileNotFound as error:
        _fail(settings, f"{error} (see --profile)", 2)
    except NoRegionError:
        _fail(settings, "no AWS region configured: pass --region or set AWS_REGION", 2)
    except InvalidRegionError as error:
        _fail(settings, f"{error} (see --region)", 2)
    except NoCredentialsError:
        _fail(settings, "no AWS credentials found (configure them, or try --fake)", 1)
    except BotoCoreError as error:
        _fail(settings, str(error), 1)
    except BrokenPipeError:
        # The one broken-pipe handler (rich's own hook re-raises to here): `batchkit jobs q |
        # head` -- the reader left, which is not an error.  Point stdout at devnull so that
        # the interpreter's last flush does not complain, and exit 0.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None
    raise SystemExit(code)


def _job_filter(
    name: str | None,
    definition: str | None,
    since: datetime | timedelta | None,
    until: datetime | timedelta | None,
    share: str | None = None,
) -> JobFilter | None:
    parts: list[JobFilter] = []
    if name is not None:
        parts.append(JobFilter.job_name(name))
    if definition is not None:
        parts.append(JobFilter.job_definition(definition))
    if since is not None and until is not None:
        parts.append(JobFilter.created_between(since, until))
    elif since is not None:
        parts.append(JobFilter.created_after(since))
    elif until is not None:
        parts.append(JobFilter.created_before(until))
    if share is not None:
        parts.append(JobFilter.share_identifier(share))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part
    return combined


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1; hand the broken pipe to the one handler, in _run.
        raise BrokenPipeError


def _console(color: bool, stderr: bool) -> Console:
    # markup=False: text from AWS ("[bold]" in a job name) is printed as it is, never parsed.
    options: dict[str, Any] = {"stderr": stderr, "highlight": False, "soft_wrap": True}
    if not color:
        options["color_system"] = None
    return _Console(markup=False, emoji=False, **options)


def _tolerant_streams() -> None:
    """Characters the terminal's encoding cannot write (``PYTHONIOENCODING=ascii``, a C
    locale) print as ``\\u00e9`` escapes instead of crashing the listing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or odd stream: leave it
                reconfigure(errors="backslashreplace")


def check_endpoint_url(value: str) -> str:
    """``value`` if it is an http(s) URL with a host; else InvalidParameterError."""
    shown = escape_controls(value)
    if UNSAFE_URL.search(value):
        raise InvalidParameterError(f"--endpoint-url: {shown!r} contains spaces or controls")
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidParameterError(
            f"--endpoint-url: {shown!r} is not an http(s) URL (e.g. http://localhost:4566)"
        )
    return value


UNSAFE_URL = re.compile(r"[\s\x00-\x1f\x7f]")


format_option = click.option(
    "--format",
    "output",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people; json/jsonl are the exact wire shape (for jq); csv flat columns.",
)
limit_option = click.option("--limit", type=click.IntRange(min=1), help="At most this many jobs.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--profile", help="AWS profile (default: boto3's usual lookup).")
@click.option("--region", help="AWS region (default: boto3's usual lookup).")
@click.option("--endpoint-url", help="Another endpoint (a proxy, LocalStack...).")
@click.option("--no-color", is_flag=True, help="No colours (also: NO_COLOR set).")
@click.option("--fake", is_flag=True, help="Use the embedded backend with the demo account.")
@click.version_option(__version__, prog_name="batchkit")
@click.pass_context
def cli(
    ctx: click.Context,
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    no_color: bool,
    fake: bool,
) -> None:
    """Typed reads of AWS Batch and S3 Batch Operations jobs."""
    _tolerant_streams()
    color = not no_color and "NO_COLOR" not in os.environ
    settings = Settings(
        profile=profile,
        region=region,
        endpoint_url=endpoint_url,
        fake=fake,
        out=_console(color, stderr=False),
        err=_console(color, stderr=True),
    )
    ctx.obj = settings
    if endpoint_url is not None:
        try:
            check_endpoint_url(endpoint_url)
        except InvalidParameterError as error:
            _fail(settings, str(error), 2)


class StatusList(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``FAILED``, ``FAILED,SUCCEEDED`` (any case) or ``ALL``: one status, several, or every."""

    name = "STATUS[,STATUS...]|ALL"

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def convert(self, value: Any, param: Any, ctx: Any) -> str | tuple[str, ...]:
        if isinstance(value, (str, tuple)) and not isinstance(value, str):
            return value
        parts = [part.strip().upper() for part in str(value).split(",") if part.strip()]
        if parts == ["ALL"]:
            return "ALL"
        unknown = [part for part in parts if part not in self.choices]
        if not parts or unknown:
            shown = escape_controls(", ".join(unknown) or str(value))
            self.fail(
                f"{shown!r}: give one or more of {', '.join(self.choices)} separated by commas, "
                "or ALL",
                param,
                ctx,
            )
        return tuple(dict.fromkeys(parts))


def _log_stream(job: Any) -> str | None:
    return getattr(job, "log_stream_name", None)


def _queue_name(job: Any) -> str | None:
    queue = getattr(job, "job_queue", None)
    return None if queue is None else str(queue).rsplit("/", 1)[-1]


#: ``jobs --describe``: full details, what a failure needs (exit code, reason, log stream).
FULL_DETAIL_COLUMNS = (
    Column("NAME", 24, lambda j: j.job_name),
    Column("QUEUE", 14, _queue_name),
    _STATUS,
    _created("created_at"),
    _EXIT,
    Column("REASON", 40, lambda j: j.status_reason),
    Column("LOG STREAM", 36, _log_stream, csv_name="log_stream_name"),
    _JOB_ID,
)


@cli.command()
@click.argument("queues", nargs=-1, metavar="[QUEUE]...")
@click.option("--all-queues", is_flag=True, help="Every job queue of the account and region.")
@click.option(
    "--status",
    type=StatusList(JOB_STATUSES),
    help="One status, several (FAILED,SUCCEEDED) or ALL (without a filter AWS lists RUNNING).",
)
@click.option("--name", help="Job name; a trailing * matches a prefix (case-insensitive).")
@click.option("--definition", help="Job definition name, name*, or revision ARN.")
@click.option("--since", type=TimeParam(), help="Created at or after: 2h, 7d or ISO time.")
@click.option("--until", type=TimeParam(), help="Created before: 30m, 1d or ISO time.")
@click.option("--share", help="Fair-share identifier (every status unless --status is given).")
@click.option("--array-job", help="List the children of this array job.")
@click.option("--multi-node-job", help="List the nodes of this multi-node job.")
@click.option(
    "--describe",
    is_flag=True,
    help="Full details of each job listed (exit code, reason, log stream): DescribeJobs.",
)
@limit_option
@format_option
@click.pass_obj
def jobs(
    settings: Settings,
    queues: tuple[str, ...],
    all_queues: bool,
    status: str | tuple[str, ...] | None,
    name: str | None,
    definition: str | None,
    since: datetime | timedelta | None,
    until: datetime | timedelta | None,
    share: str | None,
    array_job: str | None,
    multi_node_job: str | None,
    describe: bool,
    limit: int | None,
    output: str,
) -> None:
    """List the jobs of QUEUE (several: newest first across them; or --all-queues), or of
    --array-job / --multi-node-job."""

    def action() -> int:
        given = (bool(queues), all_queues, array_job is not None, multi_node_job is not None)
        if sum(given) != 1:
            raise click.UsageError(
                "give exactly one of QUEUE..., --all-queues, --array-job, --multi-node-job"
            )
        job_filter = _job_filter(name, definition, since, until, share)
        batch = settings.batch()
        names = list(queues)
        if all_queues:
            # Service-job queues (SageMaker) are listed by `batchkit service-jobs`.
            names = [
                q.job_queue_name
                for q in batch.job_queues()
                if _value(q.job_queue_type) != "SAGEMAKER_TRAINING"
            ]
            if not names:
                settings.err.print(Text("no job queues"), highlight=False)
                return 0
        pager: Iterable[Any]
        if len(names) > 1 or all_queues:
            pager = batch.list_jobs(names, status=status, filter=job_filter, max_items=limit)
        else:
            pager = batch.list_jobs(
                names[0] if names else None,
                array_job_id=array_job,
                multi_node_job_id=multi_node_job,
                status=status,
                filter=job_filter,
                max_items=limit,
            )
        if describe:
            with batch.describe_jobs(pager, max_workers=4) as details:
                emit(settings, details, FULL_DETAIL_COLUMNS, output, "jobs")
        else:
            emit(settings, pager, JOB_COLUMNS, output, "jobs")
        _hint_default_status(settings, status, job_filter, output)
        return 0

    _run(settings, action)


@cli.command("service-jobs")
@click.argument("queue")
@click.option(
    "--status",
    type=StatusList(SERVICE_JOB_STATUSES),
    help="One status (sent to AWS together with --share), several (a,b) or ALL.",
)
@click.option("--share", help="Fair-share identifier.")
@click.option("--quota-share", help="Quota share name.")
@click.option("--name", help="Job name; a trailing * matches a prefix.")
@click.option("--since", type=TimeParam(), help="Created at or after: 2h, 7d or ISO time.")
@click.option("--until", type=TimeParam(), help="Created before.")
@limit_option
@format_option
@click.pass_obj
def service_jobs(
    settings: Settings,
    queue: str,
    status: str | tuple[str, ...] | None,
    share: str | None,
    quota_share: str | None,
    name: str | None,
    since: datetime | timedelta | None,
    until: datetime | timedelta | None,
    limit: int | None,
    output: str,
) -> None:
    """List the service jobs (SageMaker training) of QUEUE."""

    def action() -> int:
        job_filter = _job_filter(name, None, since, until, share)
        if quota_share is not None:
            quota = JobFilter.quota_share_name(quota_share)
            job_filter = quota if job_filter is None else job_filter & quota
        pager = settings.batch().list_service_jobs(
            queue, status=status, filter=job_filter, max_items=limit
        )
        emit(settings, pager, SERVICE_JOB_COLUMNS, output, "service jobs")
        _hint_default_status(settings, status, job_filter, output)
        return 0

    _run(settings, action)


def _hint_default_status(
    settings: Settings,
    status: str | tuple[str, ...] | None,
    job_filter: JobFilter | None,
    output: str,
) -> None:
    """Say which statuses AWS returned when it chose them: people expect "all jobs"."""
    if status is not None or output != "table":
        return
    if job_filter is None:
        hint = "(RUNNING jobs only: AWS's default without --status or a filter)"
    elif job_filter.shares or job_filter.quota_shares:
        hint = (
            "(jobs of every status: with --share or --quota-share and no --status AWS applies "
            "no status; add --status to narrow)"
        )
    else:
        return
    settings.err.print(Text(hint), highlight=False)


def _read_ids(job_ids: tuple[str, ...]) -> Iterator[str]:
    for job_id in job_ids:
        if job_id == "-":
            for line in sys.stdin:
                yield from line.split()
        else:
            yield job_id


@cli.command()
@click.argument("job_ids", nargs=-1, required=True, metavar="JOB_ID...")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True)
@format_option
@click.pass_obj
def describe(settings: Settings, job_ids: tuple[str, ...], workers: int, output: str) -> None:
    """Describe jobs by id (``-`` reads ids from standard input).  Exit 1 if any is unknown."""

    def action() -> int:
        ids = list(_read_ids(job_ids))
        if not ids:
            raise click.UsageError("no job ids given")
        details = settings.batch().describe_jobs(ids, max_workers=workers)
        emit(settings, details, DETAIL_COLUMNS, output, "jobs")
        if details.missing_ids:
            raise JobNotFoundError(details.missing_ids)
        return 0

    _run(settings, action)


@cli.command("s3-jobs")
@click.option("--account-id", help="The 12-digit account that owns the jobs.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(S3_JOB_STATUSES, case_sensitive=False),
    help="Only these statuses (repeatable, any case).",
)
@limit_option
@format_option
@click.pass_obj
def s3_jobs(
    settings: Settings,
    account_id: str | None,
    statuses: tuple[str, ...],
    limit: int | None,
    output: str,
) -> None:
    """List S3 Batch Operations jobs (current, and ended in the last 30 days)."""

    def action() -> int:
        pager = settings.s3(account_id).list_jobs(
            list(statuses) if statuses else None, max_items=limit
        )
        emit(settings, pager, S3_COLUMNS, output, "S3 jobs")
        return 0

    _run(settings, action)


@cli.command()
@click.option("--jobs", type=click.IntRange(min=1), default=3000, show_default=True)
@click.pass_obj
def demo(settings: Settings, jobs: int) -> None:
    """Run the SDK on an embedded AWS backend with a realistic account (no AWS needed)."""
    from batchkit._demo import run

    def action() -> int:
        run(
            out=lambda line: settings.out.print(line, highlight=False, markup=False),
            jobs=jobs,
            console=settings.out,
        )
        return 0

    _run(settings, action)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``batchkit`` console script and ``python -m batchkit``."""
    try:
        cli.main(args=argv, prog_name="batchkit", standalone_mode=True)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return 0


# ---------------------------------------------------------------------- batchkit watch

#: ``batchkit watch`` exit codes (documented in docs/watch.md and the command's help).
EXIT_SUCCEEDED, EXIT_FAILED, EXIT_USAGE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class DurationParam(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``90s``, ``30m``, ``2h``, ``1d``, ``1w``: a length of time."""

    name = "DURATION"

    def convert(self, value: Any, param: Any, ctx: Any) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = _DURATION.fullmatch(str(value).strip())
        if match is None or int(match[1]) == 0:
            shown = escape_controls(str(value))
            self.fail(f"{shown!r}: give a positive duration such as 90s, 30m, 2h, 1d", param, ctx)
        try:
            return timedelta(**{_UNITS[match[2]]: int(match[1])})
        except OverflowError:
            self.fail(f"{escape_controls(str(value))!r} is too long", param, ctx)


def _watch_clock() -> Any:
    """The clock ``batchkit watch`` runs on (None: the real one; tests replace this)."""
    return None


@cli.command()
@click.argument("job_ids", nargs=-1, required=True, metavar="JOB_ID...")
@click.option(
    "--until",
    type=click.Choice(("terminal", "running"), case_sensitive=False),
    default="terminal",
    show_default=True,
    help="terminal: until every job ended; running: until every job started (or ended).",
)
@click.option("--timeout", type=DurationParam(), help="Give up after this long (30m, 2h): exit 3.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.5),
    default=2.0,
    show_default=True,
    help="Seconds between polls at first; grows to 60 while nothing changes.",
)
@click.option("--workers", type=click.IntRange(1, 10), default=4, show_default=True)
@click.pass_obj
def watch(
    settings: Settings,
    job_ids: tuple[str, ...],
    until: str,
    timeout: timedelta | None,
    interval: float,
    workers: int,
) -> None:
    """Follow jobs until they end (``-`` reads ids from standard input).

    One DescribeJobs request per 100 jobs per poll.  A live table on a terminal; one line
    per change when piped.  Exit 0 when every job SUCCEEDED (--until running: reached
    RUNNING or ended, none FAILED), 1 when any FAILED (or an id is unknown, or AWS
    failed), 2 on usage errors, 3 on --timeout, 130 on Ctrl-C.
    """
    from botocore.config import Config

    from batchkit._errors import WaitTimeoutError
    from batchkit._watch_view import change_line, summary_line
    from batchkit.models import JobStatus

    def action() -> int:
        ids = list(_read_ids(job_ids))
        if not ids:
            raise click.UsageError("no job ids given")
        # adaptive: botocore's client-side rate limiting on top of retries with backoff
        batch = settings.batch(Config(retries={"mode": "adaptive"}))
        wanted = JobStatus.terminal() if until.lower() == "terminal" else {JobStatus.RUNNING}
        clock = _watch_clock()
        follow = batch.watch(
            ids,
            until=wanted,
            timeout=timeout,
            poll_interval=(interval, max(interval, 60.0)),
            max_workers=workers,
            clock=clock,
        )
        try:
            with follow:
                if settings.out.is_terminal:
                    _watch_live(settings, follow, clock)
                else:
                    for change in follow:
                        settings.out.print(Text(change_line(change)), highlight=False)
                        settings.out.file.flush()
        except WaitTimeoutError as error:
            settings.err.print(Text(summary_line(error.details)), highlight=False)
            _fail(settings, str(error), EXIT_TIMEOUT)
        except KeyboardInterrupt:
            settings.err.print(Text("interrupted"), highlight=False)
            return EXIT_INTERRUPTED
        settings.err.print(Text(summary_line(follow.jobs)), highlight=False)
        failed = any(job.status == JobStatus.FAILED for job in follow.jobs)
        return EXIT_FAILED if failed else EXIT_SUCCEEDED

    _run(settings, action)


def _watch_live(settings: Settings, follow: Any, clock: Any) -> None:
    from rich.live import Live

    from batchkit._watch_view import watch_table

    now: Callable[[], datetime] = (
        clock.now if clock is not None else (lambda: datetime.now(timezone.utc))
    )
    ascii_only = _ellipsis(settings.out) == "..."

    class _View:
        def __rich__(self) -> Any:
            return watch_table(follow, now(), ascii_only=ascii_only)

    with Live(_View(), console=settings.out, refresh_per_second=4):
        for _change in follow:
            pass


# ---------------------------------------------------------------------- logs and why


def _log_line(event: Any, output: str) -> str:
    """One event as a line: ``text`` (ISO time, message with controls escaped) or JSON."""
    if output == "jsonl":
        return json.dumps(event.to_json_dict()) + "\n"
    stamp = event.timestamp.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    message = event.message.rstrip("\r\n").expandtabs(4)
    return f"{stamp.replace('+00:00', 'Z')} {escape_controls(message)}\n"


@cli.command()
@click.argument("job_id")
@click.option("--attempt", type=int, help="Attempt index (0 = first, -1 = latest; default latest).")
@click.option("--node", type=click.IntRange(min=0), help="A multi-node job's node (default main).")
@click.option("--container", help="An ECS-properties job's container name.")
@click.option("--since", type=TimeParam(), help="Only events since: 10m, 2h or an ISO time.")
@click.option("--tail", type=click.IntRange(1, 10000), help="Start with the last N events.")
@click.option("--follow", "-f", is_flag=True, help="Wait for new events until the job ends.")
@click.option(
    "--format",
    "output",
    type=click.Choice(("text", "jsonl")),
    default="text",
    show_default=True,
    help="text: time and message; jsonl: timestamp, message, group, stream.",
)
@click.pass_obj
def logs(
    settings: Settings,
    job_id: str,
    attempt: int | None,
    node: int | None,
    container: str | None,
    since: datetime | timedelta | None,
    tail: int | None,
    follow: bool,
    output: str,
) -> None:
    """Print a job's output from CloudWatch Logs (streams as it reads; --follow waits)."""

    def action() -> int:
        pager = settings.batch().logs(
            job_id,
            attempt=attempt,
            node=node,
            container=container,
            since=since,
            tail=tail,
            follow=follow,
        )
        stream = settings.out.file
        for event in pager:
            stream.write(_log_line(event, output))
            stream.flush()
        return 0

    _run(settings, action)


@cli.command()
@click.argument("job_ids", nargs=-1, required=True, metavar="JOB_ID...")
@click.option(
    "--lines", type=click.IntRange(0, 10000), default=20, show_default=True, help="Log lines."
)
@click.option(
    "--format",
    "output",
    type=click.Choice(("text", "json", "jsonl")),
    default="text",
    show_default=True,
    help="text for people; json (an array) / jsonl (one per line) for programs.",
)
@click.pass_obj
def why(settings: Settings, job_ids: tuple[str, ...], lines: int, output: str) -> None:
    """Why did jobs fail: status, attempts, last log lines, console links, a classification.

    ``-`` reads ids from standard input.  Exit 1 if any job is unknown.
    """

    def action() -> int:
        ids = list(_read_ids(job_ids))
        if not ids:
            raise click.UsageError("no job ids given")
        batch = settings.batch()
        missing: list[str] = []
        written = 0
        for job_id in ids:
            try:
                report = batch.why(job_id, lines=lines)
            except JobNotFoundError:
                missing.append(job_id)
                continue
            if output == "text":
                if written:
                    settings.out.print("")
                settings.out.print(report)
            elif output == "json":
                settings.out.file.write(("," if written else "[") + "\n  ")
                settings.out.file.write(json.dumps(report.to_json_dict()))
            else:
                settings.out.file.write(json.dumps(report.to_json_dict()) + "\n")
            settings.out.file.flush()
            written += 1
        if output == "json":
            settings.out.file.write("\n]\n" if written else "[]\n")
        if missing:
            raise JobNotFoundError(missing)
        return 0

    _run(settings, action)


# ---------------------------------------------------------------------- job queues

QUEUE_COLUMNS = (
    Column("NAME", 28, lambda q: q.job_queue_name),
    Column("STATE", 9, lambda q: _value(q.state), status=True),
    Column("STATUS", 9, lambda q: _value(q.status), status=True),
    Column("TYPE", 18, lambda q: _value(q.job_queue_type)),
    Column("PRIORITY", 8, lambda q: q.priority),
    Column("ARN", 60, lambda q: q.job_queue_arn),
)


@cli.command()
@click.argument("names", nargs=-1, metavar="[QUEUE]...")
@limit_option
@format_option
@click.pass_obj
def queues(settings: Settings, names: tuple[str, ...], limit: int | None, output: str) -> None:
    """List the job queues of the account and region (or the ones named): DescribeJobQueues.

    ``batchkit jobs --all-queues`` lists the jobs of all of them at once.
    """

    def action() -> int:
        pager = settings.batch().job_queues(list(names) or None, max_items=limit)
        emit(settings, pager, QUEUE_COLUMNS, output, "job queues")
        return 0

    _run(settings, action)


# ---------------------------------------------------------------------- batchkit archive
from batchkit._cli_archive import archive_commands  # noqa: E402  (given the helpers above)

cli.add_command(archive_commands(_run, one_line, csv_cell))
