"""The ``batchkit`` command line (click + rich).

Listings stream: the first rows print as soon as the first page arrives, whatever the
format.  ``--format json`` / ``jsonl`` print the exact wire shape (pipe it into ``jq``);
``table`` is for people (aligned, coloured status, relative times); ``csv`` has flat
columns.  Expected errors print one line and exit 1 (AWS) or 2 (usage), no traceback.
``--fake`` runs any command on the embedded backend seeded with the demo account.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.text import Text

from batchkit import __version__
from batchkit._client import BatchClient, S3BatchOperationsClient
from batchkit._display import relative_time
from batchkit._errors import BatchKitError, InvalidParameterError, JobNotFoundError
from batchkit._filters import JobFilter

__all__ = ["cli", "main"]

FORMATS = ("table", "json", "jsonl", "csv")
# The documented values (kept here so `batchkit --help` does not import the models).
JOB_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
SERVICE_JOB_STATUSES = (*JOB_STATUSES[:3], "SCHEDULED", *JOB_STATUSES[3:])
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


class TimeParam(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """``2h``, ``30m``, ``7d``, ``1w`` (that long ago) or an ISO 8601 time with a zone."""

    name = "TIME"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime | timedelta:
        if isinstance(value, (datetime, timedelta)):
            return value
        text = str(value).strip()
        match = _DURATION.fullmatch(text)
        if match:
            return timedelta(**{_UNITS[match[2]]: int(match[1])})
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{text!r}: give a duration (30m, 2h, 7d) or an ISO time", param, ctx)
        if moment.tzinfo is None:
            self.fail(f"{text!r} has no time zone: add Z or an offset (+02:00)", param, ctx)
        return moment


@dataclass
class Settings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    fake: bool = False
    out: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))
    _fake_backend: Any = None

    def backend(self) -> Any:
        if self._fake_backend is None:
            from batchkit.testing import FakeAWS

            self._fake_backend = FakeAWS.demo(jobs=1500)
        return self._fake_backend

    def batch(self) -> BatchClient:
        if self.fake:
            client: BatchClient = self.backend().batch_client()
            return client
        return BatchClient(session=self._session(), endpoint_url=self.endpoint_url)

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


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    value: Callable[[Any, datetime], str]
    status: bool = False


JOB_COLUMNS = (
    Column("NAME", 28, lambda j, now: j.job_name),
    Column("STATUS", 10, lambda j, now: j.status.value if j.status else "-", status=True),
    Column("CREATED", 10, lambda j, now: relative_time(j.created_at, now)),
    Column("DURATION", 9, lambda j, now: _duration(j.duration)),
    Column("EXIT", 4, lambda j, now: "-" if j.exit_code is None else str(j.exit_code)),
    Column("JOB ID", 40, lambda j, now: j.job_id),
)
SERVICE_JOB_COLUMNS = (
    Column("NAME", 28, lambda j, now: j.job_name),
    Column("STATUS", 10, lambda j, now: j.status.value if j.status else "-", status=True),
    Column("SHARE", 14, lambda j, now: j.share_identifier or "-"),
    Column("CREATED", 10, lambda j, now: relative_time(j.created_at, now)),
    Column("JOB ID", 40, lambda j, now: j.job_id),
)
DETAIL_COLUMNS = (
    Column("NAME", 24, lambda j, now: j.job_name),
    Column("STATUS", 10, lambda j, now: j.status.value, status=True),
    Column("EXIT", 4, lambda j, now: "-" if j.exit_code is None else str(j.exit_code)),
    Column("DURATION", 9, lambda j, now: _duration(j.duration)),
    Column("REASON", 44, lambda j, now: j.status_reason or "-"),
    Column("JOB ID", 40, lambda j, now: j.job_id),
)
S3_COLUMNS = (
    Column("JOB ID", 36, lambda j, now: j.job_id or "-"),
    Column("STATUS", 10, lambda j, now: j.status.value if j.status else "-", status=True),
    Column("OPERATION", 22, lambda j, now: j.operation.value if j.operation else "-"),
    Column("PROGRESS", 8, lambda j, now: "-" if j.progress is None else f"{j.progress:.0%}"),
    Column("CREATED", 10, lambda j, now: relative_time(j.creation_time, now)),
    Column("DESCRIPTION", 30, lambda j, now: j.description or "-"),
)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wire_json(value: Any) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


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
    writer = csv.writer(sys.stdout, lineterminator="\n") if output == "csv" else None
    try:
        for item in items:
            if count == 0 and output == "table":  # only once there is something to show
                header = "  ".join(c.title.ljust(c.width) for c in columns).rstrip()
                out.print(Text(header, style="bold"), highlight=False, soft_wrap=True)
            if output == "table":
                line = Text()
                for index, column in enumerate(columns):
                    cell = _fit(column.value(item, now), column.width)
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
                if count == 0:
                    writer.writerow([c.title.lower().replace(" ", "_") for c in columns])
                writer.writerow([c.value(item, now) for c in columns])
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
        settings.err.print(f"no {what}", highlight=False)
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


def _fail(settings: Settings, message: str, code: int) -> NoReturn:
    settings.err.print(Text(f"error: {message}", style="bold red"), highlight=False, soft_wrap=True)
    raise SystemExit(code)


def _run(settings: Settings, action: Callable[[], int]) -> None:
    """Run a command; expected failures become one line on stderr and an exit code."""
    from botocore.exceptions import (
        BotoCoreError,
        NoCredentialsError,
        NoRegionError,
        ProfileNotFound,
    )

    try:
        code = action()
    except InvalidParameterError as error:
        _fail(settings, str(error), 2)
    except JobNotFoundError as error:
        _fail(settings, str(error), 1)
    except BatchKitError as error:
        _fail(settings, str(error), 1)
    except ProfileNotFound as error:
        _fail(settings, f"{error} (see --profile)", 2)
    except NoRegionError:
        _fail(settings, "no AWS region configured: pass --region or set AWS_REGION", 2)
    except NoCredentialsError:
        _fail(settings, "no AWS credentials found (configure them, or try --fake)", 1)
    except BotoCoreError as error:
        _fail(settings, str(error), 1)
    except BrokenPipeError:
        # `batchkit jobs q | head`: the reader left; point stdout at devnull for the exit.
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
        # `batchkit jobs q | head`: the reader left, which is not an error (rich exits 1).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0)


def _console(color: bool, stderr: bool) -> Console:
    if color:
        return _Console(stderr=stderr, highlight=False, soft_wrap=True)
    return _Console(stderr=stderr, highlight=False, soft_wrap=True, color_system=None)


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
    color = not no_color and "NO_COLOR" not in os.environ
    ctx.obj = Settings(
        profile=profile,
        region=region,
        endpoint_url=endpoint_url,
        fake=fake,
        out=_console(color, stderr=False),
        err=_console(color, stderr=True),
    )


@cli.command()
@click.argument("queue", required=False)
@click.option(
    "--status",
    type=click.Choice(JOB_STATUSES, case_sensitive=False),
    help="Only this status (without a filter AWS lists RUNNING).",
)
@click.option("--name", help="Job name; a trailing * matches a prefix (case-insensitive).")
@click.option("--definition", help="Job definition name, name*, or revision ARN.")
@click.option("--since", type=TimeParam(), help="Created at or after: 2h, 7d or ISO time.")
@click.option("--until", type=TimeParam(), help="Created before: 30m, 1d or ISO time.")
@click.option("--share", help="Fair-share identifier.")
@click.option("--array-job", help="List the children of this array job.")
@click.option("--multi-node-job", help="List the nodes of this multi-node job.")
@limit_option
@format_option
@click.pass_obj
def jobs(
    settings: Settings,
    queue: str | None,
    status: str | None,
    name: str | None,
    definition: str | None,
    since: datetime | timedelta | None,
    until: datetime | timedelta | None,
    share: str | None,
    array_job: str | None,
    multi_node_job: str | None,
    limit: int | None,
    output: str,
) -> None:
    """List the jobs of QUEUE (or of --array-job / --multi-node-job)."""

    def action() -> int:
        if sum(x is not None for x in (queue, array_job, multi_node_job)) != 1:
            raise click.UsageError("give exactly one of QUEUE, --array-job, --multi-node-job")
        job_filter = _job_filter(name, definition, since, until, share)
        pager = settings.batch().list_jobs(
            queue,
            array_job_id=array_job,
            multi_node_job_id=multi_node_job,
            status=status.upper() if status else None,
            filter=job_filter,
            max_items=limit,
        )
        emit(settings, pager, JOB_COLUMNS, output, "jobs")
        _hint_default_status(settings, status, job_filter, output)
        return 0

    _run(settings, action)


@cli.command("service-jobs")
@click.argument("queue")
@click.option(
    "--status",
    type=click.Choice(SERVICE_JOB_STATUSES, case_sensitive=False),
    help="Only this status (sent to AWS together with --share).",
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
    status: str | None,
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
            queue, status=status.upper() if status else None, filter=job_filter, max_items=limit
        )
        emit(settings, pager, SERVICE_JOB_COLUMNS, output, "service jobs")
        _hint_default_status(settings, status, job_filter, output)
        return 0

    _run(settings, action)


def _hint_default_status(
    settings: Settings, status: str | None, job_filter: JobFilter | None, output: str
) -> None:
    """Say so when AWS's default applies: people expect "all jobs", AWS lists RUNNING ones."""
    if status is None and job_filter is None and output == "table":
        settings.err.print(
            "(RUNNING jobs only: AWS's default without --status or a filter)", highlight=False
        )


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
@click.option("--status", "statuses", multiple=True, help="Only these statuses (repeatable).")
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
        run(out=lambda line: settings.out.print(line, highlight=False, markup=False), jobs=jobs)
        return 0

    _run(settings, action)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``batchkit`` console script and ``python -m batchkit``."""
    try:
        cli.main(args=argv, prog_name="batchkit", standalone_mode=True)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return 0
