"""The listing commands: ``jobs``, ``service-jobs``, ``describe``, ``s3-jobs``, ``queues``,
``demo``."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import click
from rich.text import Text

from batchkit._cli.base import Settings, run
from batchkit._cli.output import (
    DETAIL_COLUMNS,
    FULL_DETAIL_COLUMNS,
    JOB_COLUMNS,
    QUEUE_COLUMNS,
    S3_COLUMNS,
    SERVICE_JOB_COLUMNS,
    emit,
    enum_value,
)
from batchkit._cli.params import (
    JOB_STATUSES,
    S3_JOB_STATUSES,
    SERVICE_JOB_STATUSES,
    StatusList,
    TimeParam,
    format_option,
    limit_option,
    make_filter,
)
from batchkit._core.errors import JobNotFoundError
from batchkit._core.filters import JobFilter


@click.command()
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
        job_filter = make_filter(name, definition, since, until, share)
        batch = settings.batch()
        names = list(queues)
        if all_queues:
            # Service-job queues (SageMaker) are listed by `batchkit service-jobs`.
            names = [
                q.job_queue_name
                for q in batch.job_queues()
                if enum_value(q.job_queue_type) != "SAGEMAKER_TRAINING"
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

    run(settings, action)


@click.command("service-jobs")
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
        job_filter = make_filter(name, None, since, until, share)
        if quota_share is not None:
            quota = JobFilter.quota_share_name(quota_share)
            job_filter = quota if job_filter is None else job_filter & quota
        pager = settings.batch().list_service_jobs(
            queue, status=status, filter=job_filter, max_items=limit
        )
        emit(settings, pager, SERVICE_JOB_COLUMNS, output, "service jobs")
        _hint_default_status(settings, status, job_filter, output)
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
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True)
@format_option
@click.pass_obj
def describe(settings: Settings, job_ids: tuple[str, ...], workers: int, output: str) -> None:
    """Describe jobs by id (``-`` reads ids from standard input).  Exit 1 if any is unknown."""

    def action() -> int:
        ids = list(read_ids(job_ids))
        if not ids:
            raise click.UsageError("no job ids given")
        details = settings.batch().describe_jobs(ids, max_workers=workers)
        emit(settings, details, DETAIL_COLUMNS, output, "jobs")
        if details.missing_ids:
            raise JobNotFoundError(details.missing_ids)
        return 0

    run(settings, action)


@click.command("s3-jobs")
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
    """List S3 Batch Operations jobs (current, and ended in the last 90 days)."""

    def action() -> int:
        pager = settings.s3(account_id).list_jobs(
            list(statuses) if statuses else None, max_items=limit
        )
        emit(settings, pager, S3_COLUMNS, output, "S3 jobs")
        return 0

    run(settings, action)


@click.command()
@click.option("--jobs", type=click.IntRange(min=1), default=3000, show_default=True)
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

    run(settings, action)
