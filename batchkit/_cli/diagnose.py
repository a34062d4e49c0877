"""The commands that answer "why": ``batchkit why`` (a failed job's report, or why a job has
not started; ``--queue Q [--stuck]`` for the front of a queue) and ``batchkit queues
--health`` (every queue at a glance)."""

from __future__ import annotations

import inspect
import json
from typing import Any

import click
from rich.text import Text

from batchkit._cli.base import Settings, run
from batchkit._cli.listing import queues as _list_queues
from batchkit._cli.listing import read_ids
from batchkit._cli.output import Column, emit, json_array, print_query, short_duration
from batchkit._cli.params import (
    REPORT_QUERY,
    Count,
    check_query_format,
    format_option,
    query_option,
)
from batchkit._core.errors import JobNotFoundError
from batchkit._core.text import escape_controls

__all__ = ["emit_queue_health", "queues", "why"]


def _write_reports(settings: Settings, reports: Any, output: str, query: Any = None) -> int:
    """Print reports as they come (text: one block each; json: an array, closed whatever
    stops it; jsonl: a line each); ``--query``: the JMESPath result over their JSON."""
    if query is not None:
        records = [report.to_json_dict() for report in reports]
        print_query(settings, query, records, output)
        return len(records)
    written = 0
    if output == "json":
        with json_array(settings.out.file) as array:
            for report in reports:
                array.add(json.dumps(report.to_json_dict()))
        return array.count
    for report in reports:
        if output == "text":
            if written:
                settings.out.print("")
            settings.out.print(report)
        else:
            settings.out.file.write(json.dumps(report.to_json_dict()) + "\n")
        settings.out.file.flush()
        written += 1
    return written


@click.command()
@click.argument("job_ids", nargs=-1, metavar="[JOB_ID]...")
@click.option("--queue", help="Report on the jobs at the front of this queue instead.")
@click.option(
    "--stuck",
    is_flag=True,
    help="With --queue: only the jobs that are stuck (blocked), not those waiting their turn.",
)
@click.option(
    "--limit",
    type=Count(1, 100),
    default=10,
    show_default=True,
    help="With --queue: at most this many reports.",
)
@click.option("--lines", type=Count(0, 10000), default=20, show_default=True, help="Log lines.")
@format_option(extra=("text", "json", "jsonl"), default="text")
@query_option(REPORT_QUERY)
@click.pass_obj
def why(
    settings: Settings,
    job_ids: tuple[str, ...],
    queue: str | None,
    stuck: bool,
    limit: int,
    lines: int,
    output: str,
    query: Any,
) -> None:
    """Why did jobs fail -- or why have they not started?

    A job that ended gets its status, attempts, last log lines, console links and a kind
    (OUT_OF_MEMORY...); one that has not started the reason it waits (DEPENDENCY,
    QUEUE_DISABLED, RESOURCE_REQUIREMENT, CAPACITY..., QUEUED when nothing is wrong) with
    the evidence: its queue, compute environments and vCPUs, position, AWS's code.

    --queue Q reports on the jobs at the front of a queue; --stuck keeps the ones that are
    stuck.  - reads ids from standard input.  Exit 1 if any job is unknown (after the others'
    reports: a JSON array is closed whatever happens).
    """

    def action() -> int:
        check_query_format(query, output)
        if queue is not None:
            if job_ids:
                raise click.UsageError("give JOB_ID... or --queue, not both")
            batch = settings.batch()
            front = batch.why_queue(queue, stuck=stuck, limit=limit)
            if not front and output == "text":
                what = "stuck jobs" if stuck else "jobs waiting"
                shown = escape_controls(queue)
                settings.err.print(Text(f"no {what} at the front of {shown}"), highlight=False)
            _write_reports(settings, front, output, query)
            return 0
        if stuck:
            raise click.UsageError("--stuck needs --queue")
        ids = list(read_ids(job_ids))
        if not ids:
            raise click.UsageError("no job ids given (or --queue QUEUE)")
        batch = settings.batch()
        missing: list[str] = []

        def reports() -> Any:
            for job_id in ids:
                try:
                    yield batch.why(job_id, lines=lines)
                except JobNotFoundError:
                    missing.append(job_id)

        _write_reports(settings, reports(), output, query)
        if missing:
            raise JobNotFoundError(missing)
        return 0

    run(settings, action)


class _Health:
    """A ``QueueHealth`` as ``emit`` prints records (``to_boto``: its JSON)."""

    def __init__(self, health: Any) -> None:
        self.health = health

    def to_boto(self) -> dict[str, Any]:
        data: dict[str, Any] = self.health.to_json_dict()
        return data


def _environments(row: _Health) -> str:
    parts = []
    for e in row.health.compute_environments:
        figures = (
            f"{e.desired_vcpus if e.desired_vcpus is not None else '-'}/"
            f"{e.max_vcpus if e.max_vcpus is not None else '-'}"
        )
        flag = "" if e.usable else f" {e.state or '-'}/{e.status or '-'}"
        parts.append(f"{e.name} {figures}{flag}")
    return ", ".join(parts)


def _runnable(row: _Health) -> str:
    count = row.health.runnable
    if count is None:
        return "-"
    return f"{count}+" if row.health.runnable_capped else str(count)


HEALTH_COLUMNS = (
    Column("NAME", 24, lambda r: r.health.queue.name, min_width=10),
    Column("STATE", 9, lambda r: r.health.queue.state, status=True, priority=6),
    Column("STATUS", 8, lambda r: r.health.queue.status, status=True, priority=5),
    Column(
        "COMPUTE (desired/max vCPU)",
        34,
        _environments,
        csv_name="compute_environments",
        min_width=12,
        priority=1,
    ),
    Column("RUNNABLE", 8, lambda r: r.health.runnable, lambda r, now: _runnable(r), priority=4),
    Column(
        "FRONT WAIT",
        10,
        lambda r: None if r.health.front_wait is None else r.health.front_wait.total_seconds(),
        lambda r, now: short_duration(r.health.front_wait),
        csv_name="front_wait_seconds",
        priority=3,
    ),
    Column("PROBLEM", 40, lambda r: r.health.problem() or None, min_width=12),
)


def emit_queue_health(
    settings: Settings, names: tuple[str, ...], output: str, query: Any = None
) -> int:
    """``batchkit queues --health``: one row per queue (``--query``: over their JSON)."""
    healths = settings.batch().queue_health(list(names) or None)
    rows = (_Health(h) for h in healths)
    emit(settings, rows, HEALTH_COLUMNS, output, "job queues", query=query)
    notes = {(n.check, n.reason) for h in healths for n in h.checks_not_made}
    for check, reason in sorted(notes):
        message = f"not checked: {escape_controls(check)}: {escape_controls(reason)}"
        settings.err.print(Text(message, style="yellow"), highlight=False, soft_wrap=True)
    return 0


def _queues(health: bool, **arguments: Any) -> None:
    if not health:
        _list_queues.callback(**arguments)  # type: ignore[misc]  # click's pass_obj wrapper
        return
    settings = click.get_current_context().find_object(Settings)
    assert settings is not None

    def action() -> int:
        if arguments.get("limit") is not None:
            raise click.UsageError("--limit is for the listing, not --health")
        check_query_format(arguments["query"], arguments["output"])
        return emit_queue_health(
            settings, arguments["names"], arguments["output"], arguments["query"]
        )

    run(settings, action)


#: ``batchkit queues``: the listing (batchkit._cli.listing) plus ``--health``.
queues = click.Command(
    name="queues",
    callback=_queues,
    params=[
        *_list_queues.params,
        click.Option(
            ["--health"],
            is_flag=True,
            help="Each queue at a glance: state, compute environments (desired/max vCPUs), "
            "RUNNABLE jobs, the front job's wait, the blocked reason.",
        ),
    ],
    help=inspect.cleandoc(_list_queues.help or "")
    + "\n\n--health: each queue's state, compute environments with desired/max vCPUs, "
    "how many jobs are RUNNABLE, how long the front job has waited, AWS's blocked-queue "
    "code if any.",
)
