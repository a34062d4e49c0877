"""The commands that follow a job: ``watch``, ``logs`` (``why`` is in ``diagnose``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import click
from rich.text import Text

from batchkit._cli.base import EXIT_INTERRUPTED, Settings, fail, interrupted, run
from batchkit._cli.listing import read_ids
from batchkit._cli.output import ellipsis_for, print_query
from batchkit._cli.params import (
    LOG_QUERY,
    Count,
    DurationParam,
    TimeParam,
    format_option,
    query_option,
)
from batchkit._core.text import escape_controls

#: ``batchkit watch`` exit codes (documented in docs/watch.md and the command's help).
EXIT_SUCCEEDED, EXIT_FAILED, EXIT_USAGE, EXIT_TIMEOUT = 0, 1, 2, 3
__all__ = ["EXIT_INTERRUPTED", "logs", "watch"]


def watch_clock() -> Any:
    """The clock ``batchkit watch`` runs on (None: the real one; tests replace this)."""
    return None


@click.command()
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
@click.option(
    "--workers",
    type=Count(1, 10),
    default=4,
    show_default=True,
    help="DescribeJobs requests at once (1..10: the client's connection pool).",
)
@click.pass_obj
def watch(
    settings: Settings,
    job_ids: tuple[str, ...],
    until: str,
    timeout: timedelta | None,
    interval: float,
    workers: int,
) -> None:
    """Follow jobs until they end (- reads ids from standard input).

    One DescribeJobs request per 100 jobs per poll.  A live table on a terminal; one line
    per change when piped.  Exit 0 when every job SUCCEEDED (--until running: reached
    RUNNING or ended, none FAILED), 1 when any FAILED (or an id is unknown, or AWS
    failed), 2 on usage errors, 3 on --timeout, 130 on Ctrl-C.
    """
    from botocore.config import Config

    from batchkit._cli.watch_view import change_line, summary_line
    from batchkit._core.errors import WaitTimeoutError
    from batchkit.models import JobStatus

    def action() -> int:
        ids = list(read_ids(job_ids))
        if not ids:
            raise click.UsageError("no job ids given")
        # adaptive: botocore's client-side rate limiting on top of retries with backoff
        batch = settings.batch(Config(retries={"mode": "adaptive"}))
        wanted = JobStatus.terminal() if until.lower() == "terminal" else {JobStatus.RUNNING}
        clock = watch_clock()
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
            fail(settings, str(error), EXIT_TIMEOUT)
        except KeyboardInterrupt:
            interrupted(settings.err)
        settings.err.print(Text(summary_line(follow.jobs)), highlight=False)
        failed = any(job.status == JobStatus.FAILED for job in follow.jobs)
        return EXIT_FAILED if failed else EXIT_SUCCEEDED

    run(settings, action)


def _watch_live(settings: Settings, follow: Any, clock: Any) -> None:
    from rich.live import Live

    from batchkit._cli.output import table_width
    from batchkit._cli.watch_view import watch_table

    now: Callable[[], datetime] = (
        clock.now if clock is not None else (lambda: datetime.now(timezone.utc))
    )
    ascii_only = ellipsis_for(settings.out) == "..."

    class _View:
        def __rich__(self) -> Any:
            # measured at each refresh: a resized terminal is fitted again
            return watch_table(
                follow, now(), ascii_only=ascii_only, width=table_width(settings.out)
            )

    with Live(_View(), console=settings.out, refresh_per_second=4):
        for _change in follow:
            pass


def _log_line(event: Any, output: str) -> str:
    """One event as a line: ``text`` (ISO time, message with controls escaped) or JSON."""
    if output == "jsonl":
        return json.dumps(event.to_json_dict()) + "\n"
    stamp = event.timestamp.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    message = event.message.rstrip("\r\n").expandtabs(4)
    return f"{stamp.replace('+00:00', 'Z')} {escape_controls(message)}\n"


@click.command()
@click.argument("job_id")
@click.option(
    "--attempt",
    type=Count(-100, 100),
    help="Attempt index (0 = first, -1 = latest; default latest).",
)
@click.option("--node", type=Count(0), help="A multi-node job's node (default main).")
@click.option("--container", help="An ECS-properties job's container name.")
@click.option("--since", type=TimeParam(), help="Only events since: 10m, 2h or an ISO time.")
@click.option("--tail", type=Count(1, 10000), help="Start with the last N events.")
@click.option("--follow", "-f", is_flag=True, help="Wait for new events until the job ends.")
@format_option(extra=("text", "jsonl"), default="text")
@query_option(LOG_QUERY)
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
    query: Any,
) -> None:
    """Print a job's output from CloudWatch Logs (streams as it reads; --follow waits).

    JOB_ID: a job id or ARN; an array child by its own id (parent:3).  jsonl: one event a
    line (timestamp, message, group, stream).
    """

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
        if query is not None:
            if follow:
                raise click.BadParameter(
                    "reads every event first: it cannot --follow",
                    param=next(
                        p for p in click.get_current_context().command.params if p.name == "query"
                    ),
                )
            print_query(settings, query, [event.to_json_dict() for event in pager], output)
            return 0
        for event in pager:
            stream.write(_log_line(event, output))
            stream.flush()
        return 0

    run(settings, action)
