"""The listing commands: ``jobs``, ``service-jobs``, ``describe``, ``s3-jobs``, ``queues``,
``demo``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import click
from rich.text import Text

from batchkit._cli.base import Settings, run
from batchkit._cli.output import (
    JOB_COLUMNS,
    QUEUE_COLUMNS,
    S3_COLUMNS,
    SERVICE_JOB_COLUMNS,
    Column,
    emit,
    enum_value,
    with_id_width,
)
from batchkit._cli.params import (
    HEALTH_QUERY,
    JOB_STATUSES,
    QUEUE_QUERY,
    S3_JOB_STATUSES,
    S3_QUERY,
    SERVICE_JOB_STATUSES,
    Count,
    TimeParam,
    check_query_format,
    format_option,
    limit_option,
    make_filter,
    query_option,
    status_option,
    statuses,
    time_range_options,
)
from batchkit._core.checks import id_key
from batchkit._core.errors import JobNotFoundError
from batchkit._core.filters import JobFilter
from batchkit._core.text import escape_controls

#: The widest id of an array child (a UUID, ``:`` and an index below 10,000) or a node.
CHILD_ID_WIDTH = 41


@click.command()
@click.argument("queues", nargs=-1, metavar="[QUEUE]...")
@click.option("--all-queues", is_flag=True, help="Every job queue of the account and region.")
@status_option(
    JOB_STATUSES,
    "One status, several (FAILED,SUCCEEDED) or ALL (without a filter AWS lists RUNNING).",
)
@click.option("--name", help="Job name; a trailing * matches a prefix (case-insensitive).")
@click.option("--definition", help="Job definition name, name*, or revision ARN.")
@click.option("--since", type=TimeParam(), help="Created at or after: 2h, 7d or ISO time.")
@click.option("--until", type=TimeParam(), help="Created before: 30m, 1d or ISO time.")
@time_range_options
@click.option("--share", help="Fair-share identifier (every status unless --status is given).")
@click.option("--array-job", help="List the children of this array job.")
@click.option("--multi-node-job", help="List the nodes of this multi-node job.")
@click.option(
    "--describe",
    is_flag=True,
    help="Full details of each job listed (exit code, reason, log stream): DescribeJobs.",
)
@limit_option("jobs")
@format_option()
@query_option()
@click.pass_obj
def jobs(
    settings: Settings,
    queues: tuple[str, ...],
    all_queues: bool,
    status: tuple[str | tuple[str, ...], ...],
    name: str | None,
    definition: str | None,
    since: datetime | timedelta | None,
    until: datetime | timedelta | None,
    stopped_since: datetime | timedelta | None,
    stopped_until: datetime | timedelta | None,
    started_since: datetime | timedelta | None,
    started_until: datetime | timedelta | None,
    share: str | None,
    array_job: str | None,
    multi_node_job: str | None,
    describe: bool,
    limit: int | None,
    output: str,
    query: Any,
) -> None:
    """List the jobs of QUEUE (several: newest first across them; or --all-queues), or of
    --array-job / --multi-node-job.

    Columns: the job record's (see docs/cli.md).  --stopped-since 6h finds jobs that ended
    in the last six hours whenever they were created.
    """

    def action() -> int:
        given = (bool(queues), all_queues, array_job is not None, multi_node_job is not None)
        if sum(given) != 1:
            raise click.UsageError(
                "give exactly one of QUEUE..., --all-queues, --array-job, --multi-node-job"
            )
        check_query_format(query, output)
        wanted = statuses(status)
        job_filter = make_filter(
            name,
            definition,
            since,
            until,
            share,
            stopped=(stopped_since, stopped_until),
            started=(started_since, started_until),
        )
        batch = settings.batch()
        names = list(queues)
        if all_queues:
            # Service-job queues (SageMaker) are listed by `batchkit service-jobs`.
            every = list(batch.job_queues())
            names = [
                q.job_queue_name
                for q in every
                if enum_value(q.job_queue_type) != "SAGEMAKER_TRAINING"
            ]
            skipped = [q.job_queue_name for q in every if q.job_queue_name not in names]
            if skipped:
                settings.err.print(
                    Text(
                        f"(skipped {len(skipped)} service-job queue(s): "
                        f"{escape_controls(', '.join(skipped))}; list their jobs with "
                        "batchkit service-jobs QUEUE)"
                    ),
                    highlight=False,
                )
            if not names:
                settings.err.print(Text("no job queues"), highlight=False)
                return 0
        pager: Any
        merged = len(names) > 1 or all_queues
        queue_of: Callable[[Any], str | None] | None = None
        if merged:
            pager = batch.list_jobs(names, status=wanted, filter=job_filter, max_items=limit)
            queue_of = pager.queue_of
        else:
            pager = batch.list_jobs(
                names[0] if names else None,
                array_job_id=array_job,
                multi_node_job_id=multi_node_job,
                status=wanted,
                filter=job_filter,
                max_items=limit,
            )
            if names:
                queue = names[0].rsplit("/", 1)[-1]
                queue_of = lambda _job: queue  # noqa: E731
        columns: tuple[Column, ...] = JOB_COLUMNS
        if array_job is not None or multi_node_job is not None:
            columns = with_id_width(JOB_COLUMNS, CHILD_ID_WIDTH)
        if describe:
            with batch.describe_jobs(pager, max_workers=4) as details:
                emit(settings, details, columns, output, "jobs", query=query)
        else:
            emit(
                settings,
                pager,
                columns,
                output,
                "jobs",
                query=query,
                queue_of=queue_of,
                queue_in_json=merged,
            )
        _hint_default_status(settings, wanted, job_filter, output)
        return 0

    run(settings, action)


@click.command("service-jobs")
@click.argument("queue")
@status_option(
    SERVICE_JOB_STATUSES,
    "One status (sent to AWS together with --share), several (a,b) or ALL.",
    "ServiceJobStatus",
)
@click.option("--share", help="Fair-share identifier.")
@click.option("--quota-share", help="Quota share name.")
@click.option("--name", help="Job name; a trailing * matches a prefix.")
@click.option("--since", type=TimeParam(), help="Created at or after: 2h, 7d or ISO time.")
@click.option("--until", type=TimeParam(), help="Created before.")
@time_range_options
@limit_option("service jobs")
@format_option()
@query_option()
@click.pass_obj
def service_jobs(
    settings: Settings,
    queue: str,
    status: tuple[str | tuple[str, ...], ...],
    share: str | None,
    quota_share: str | None,
    name: str | None,
    since: datetime | timedelta | None,
    until: datetime | timedelta | None,
    stopped_since: datetime | timedelta | None,
    stopped_until: datetime | timedelta | None,
    started_since: datetime | timedelta | None,
    started_until: datetime | timedelta | None,
    limit: int | None,
    output: str,
    query: Any,
) -> None:
    """List the service jobs (SageMaker training) of QUEUE."""

    def action() -> int:
        check_query_format(query, output)
        wanted = statuses(status)
        job_filter = make_filter(
            name,
            None,
            since,
            until,
            share,
            stopped=(stopped_since, stopped_until),
            started=(started_since, started_until),
        )
        if quota_share is not None:
            quota = JobFilter.quota_share_name(quota_share)
            job_filter = quota if job_filter is None else job_filter & quota
        pager = settings.batch().list_service_jobs(
            queue, status=wanted, filter=job_filter, max_items=limit
        )
        shown_queue = queue.rsplit("/", 1)[-1]
        emit(
            settings,
            pager,
            SERVICE_JOB_COLUMNS,
            output,
            "service jobs",
            query=query,
            queue_of=lambda _job: shown_queue,
        )
        _hint_default_status(settings, wanted, job_filter, output)
        return 0

    run(settings, action)


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


def read_ids(job_ids: tuple[str, ...]) -> Iterator[str]:
    for job_id in job_ids:
        if job_id == "-":
            for line in sys.stdin:
                yield from line.split()
        else:
            yield job_id


@click.command()
@click.argument("job_ids", nargs=-1, required=True, metavar="JOB_ID...")
@click.option(
    "--workers",
    type=Count(1, 10),
    default=4,
    show_default=True,
    help="DescribeJobs requests at once (1..10: the client's connection pool).",
)
@format_option()
@query_option()
@click.pass_obj
def describe(
    settings: Settings, job_ids: tuple[str, ...], workers: int, output: str, query: Any
) -> None:
    """Describe jobs by id or ARN (- reads ids from standard input).

    Exit 1 if any is unknown (after printing the others).  Columns: the job record's.
    """

    def action() -> int:
        check_query_format(query, output)
        ids = list(read_ids(job_ids))
        if not ids:
            raise click.UsageError("no job ids given")
        details = settings.batch().describe_jobs(ids, max_workers=workers)
        widest = max((len(id_key(i)) for i in ids if len(id_key(i)) <= CHILD_ID_WIDTH), default=0)
        columns = with_id_width(JOB_COLUMNS, widest)
        emit(settings, details, columns, output, "jobs", query=query)
        if details.missing_ids:
            raise JobNotFoundError(details.missing_ids)
        return 0

    run(settings, action)


@click.command("s3-jobs")
@click.option("--account-id", help="The 12-digit account that owns the jobs.")
@status_option(
    S3_JOB_STATUSES, "One status, several (Active,Complete) or ALL (any case).", "S3JobStatus"
)
@limit_option("S3 jobs")
@format_option()
@query_option(S3_QUERY)
@click.pass_obj
def s3_jobs(
    settings: Settings,
    account_id: str | None,
    status: tuple[str | tuple[str, ...], ...],
    limit: int | None,
    output: str,
    query: Any,
) -> None:
    """List S3 Batch Operations jobs (current, and ended in the last 90 days)."""

    def action() -> int:
        check_query_format(query, output)
        pager = settings.s3(account_id).list_jobs(status=statuses(status), max_items=limit)
        emit(settings, pager, S3_COLUMNS, output, "S3 jobs", query=query)
        return 0

    run(settings, action)


@click.command()
@click.option(
    "--jobs",
    type=Count(1),
    default=3000,
    show_default=True,
    help="Queue jobs in the account (--fake's account has the default).",
)
@click.pass_obj
def demo(settings: Settings, jobs: int) -> None:
    """Run the SDK on an embedded AWS backend with a realistic account (no AWS needed)."""
    from batchkit._cli.demo import run as run_demo

    def action() -> int:
        run_demo(
            out=lambda line: settings.out.print(line, highlight=False, markup=False),
            jobs=jobs,
            console=settings.out,
        )
        return 0

    run(settings, action)


@click.command()
@click.argument("names", nargs=-1, metavar="[QUEUE]...")
@limit_option("queues")
@format_option()
@query_option(QUEUE_QUERY, f'; with --health: "{HEALTH_QUERY}"')
@click.pass_obj
def queues(
    settings: Settings, names: tuple[str, ...], limit: int | None, output: str, query: Any
) -> None:
    """List the job queues of the account and region (or the ones named): DescribeJobQueues.

    Service-job queues (TYPE SAGEMAKER_TRAINING) are listed too: their jobs are listed by
    batchkit service-jobs QUEUE; batchkit jobs --all-queues lists the jobs of all the others.
    """

    def action() -> int:
        check_query_format(query, output)
        pager = settings.batch().job_queues(list(names) or None, max_items=limit)
        emit(settings, pager, QUEUE_COLUMNS, output, "job queues", query=query)
        return 0

    run(settings, action)
