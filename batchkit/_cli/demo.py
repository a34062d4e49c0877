"""``batchkit demo``: the SDK at work on an embedded AWS backend, no account needed.

It seeds a :class:`batchkit.testing.FakeAWS` with a realistic account -- three queues,
a few thousand jobs over four weeks, array and multi-node jobs, SageMaker service jobs
under fair-share identifiers, S3 Batch Operations jobs in several states -- and then uses
only the public API, as your code would, against real boto3 clients.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from batchkit import ALL_STATUSES, BatchClient, FailureReport, JobFilter, S3BatchOperationsClient
from batchkit._spec.display import relative_time
from batchkit.models import JobDetail, JobStatus, S3JobStatus, ServiceJobStatus
from batchkit.testing import FakeAWS, ManualClock
from batchkit.testing._fake.demo_account import QUEUES, SERVICE_QUEUE


def _created(job: JobDetail) -> datetime:
    return job.created_at or datetime.min.replace(tzinfo=timezone.utc)


def _stopped(job: JobDetail) -> datetime:
    return job.stopped_at or _created(job)


def short(value: timedelta | None) -> str:
    """``42s``, ``7m05s``, ``3h12m``."""
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}m{secs:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def _spread(values: list[timedelta]) -> str:
    """``p50 / p90 / max`` of durations (``-`` for none)."""
    if not values:
        return "-"
    ordered = sorted(values)
    p50 = ordered[len(ordered) // 2]
    p90 = ordered[min(len(ordered) - 1, (len(ordered) * 9) // 10)]
    return f"{short(p50)} / {short(p90)} / {short(ordered[-1])}"


def run(out: Callable[[str], None] = print, jobs: int = 3000, console: Any = None) -> None:
    """Seed the embedded backend and show what the SDK does with it.

    ``console``: a rich console; on a terminal the watch at the end is a live table that
    plays a few simulated minutes in a few seconds (else: one line per change, at
    once)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    fake = FakeAWS.demo(jobs=jobs, now=now)
    batch: BatchClient = fake.batch_client()
    s3: S3BatchOperationsClient = fake.s3_client()

    out("batchkit demo: an embedded AWS backend (no account, no network), real boto3 clients\n")

    out("== Jobs per queue and status (ListJobs, status=ALL: one listing per queue) ==")
    statuses = list(JobStatus)
    out(f"{'queue':<14}" + "".join(f"{s.value:>11}" for s in statuses))
    for queue in QUEUES:
        tally = Counter(j.status for j in batch.list_jobs(queue, status=ALL_STATUSES))
        out(f"{queue:<14}" + "".join(f"{tally[s]:>11}" for s in statuses))

    queues = [
        q.job_queue_name for q in batch.job_queues() if q.job_queue_type != "SAGEMAKER_TRAINING"
    ]
    out("\n== Queue waits and run times over the last 7 days (DescribeJobs: p50 / p90 / max) ==")
    week = batch.describe_jobs(
        batch.list_jobs(queues, status="ALL", filter=JobFilter.created_after(timedelta(days=7))),
        max_workers=4,
    ).to_list()
    out(f"  {'queue':<14}{'waited':>22}{'ran':>26}{'attempts>1':>12}")
    for queue in QUEUES:
        mine = [job for job in week if job.job_queue.rsplit("/", 1)[-1] == queue]
        waits = [j.started_at - j.created_at for j in mine if j.started_at and j.created_at]
        runs = [j.duration for j in mine if j.duration is not None]
        several = sum(1 for j in mine if len(j.attempts) > 1)
        out(f"  {queue:<14}{_spread(waits):>22}{_spread(runs):>26}{several:>12}")

    out(
        "\n== Failed in the last 24 hours in the account, by kind (stopped_after; why() on each) =="
    )
    details = batch.describe_jobs(
        batch.list_jobs(
            queues, status="FAILED", filter=JobFilter.stopped_after(timedelta(hours=24))
        ),
        max_workers=4,
    ).to_list()  # DescribeJobs streams from the merged listing, 100 ids a request
    if not details:
        out("  none")
    kinds = {job.job_id: batch.why(job, lines=0).kind.value for job in details}
    for job in sorted(details, key=_stopped, reverse=True)[:8]:
        when = relative_time(job.stopped_at, now)
        queue = job.job_queue.rsplit("/", 1)[-1]
        reason = (job.container.reason if job.container else None) or job.status_reason or ""
        out(
            f"  {queue:<13} {job.job_name:<15} {when:>8}  {kinds[job.job_id]:<17} "
            f"exit={job.exit_code!s:<4} {reason[:44]}"
        )
    if len(details) > 8:
        out(f"  ... and {len(details) - 8} more")
    out(
        "  kinds: " + ", ".join(f"{kind} x{n}" for kind, n in Counter(kinds.values()).most_common())
    )

    out("\n== Why did the newest one fail? (BatchClient.why: attempts, log tail, kind) ==")
    newest = max(details, key=_stopped, default=None)
    if newest is None:
        out("  no failed job")
    else:
        report = batch.why(newest, lines=6)
        assert isinstance(report, FailureReport)  # a failed job's report (WaitReport: waiting)
        out(f"  {newest.job_name} ({newest.job_id}): {report.kind.value}")
        out(f"  {report.advice}")
        if report.logs_error:
            out(f"  logs: {report.logs_error}")
        for line in report.log_lines:
            out(f"    {line.timestamp:%H:%M:%S}  {line.message}")
        with_logs = [job for job in details if job.log_stream_name is not None]
        if with_logs:
            job = max(with_logs, key=_stopped)
            out(f"\n== Newest failed job with logs, last 3 lines (logs tail=3): {job.job_name} ==")
            for event in batch.logs(job, tail=3):
                out(f"    {event.timestamp:%H:%M:%S}  {event.message}")

    out("\n== Retries: Spot reclaims retried (retryStrategy attempts=3), the last 7 days ==")
    retried = [job for job in week if len(job.attempts) > 1]
    outcome = Counter((len(job.attempts), job.status.value) for job in retried)
    for (attempts, status), count in sorted(outcome.items()):
        out(f"  {count:>4} x {status} after {attempts} attempts")
    if retried:
        job = max(retried, key=_created)
        out(f"  {job.job_name} ({job.job_id}), {job.status.value}:")
        for index, attempt in enumerate(job.attempts):
            ran = short(attempt.duration)
            out(f"    #{index}  ran {ran:>7}  {attempt.status_reason or ''}")

    out("\n== The merged listing as a DataFrame (to_pandas), finished jobs of the last 3 days ==")
    try:
        frame = batch.list_jobs(
            queues,
            status={JobStatus.SUCCEEDED, JobStatus.FAILED},
            filter=JobFilter.created_after(timedelta(days=3)),
        ).to_pandas()
    except ImportError:
        out("  (pip install 'batchkit-aws[pandas]')")
    else:
        table = frame.groupby("status").size().to_dict()
        out(f"  {len(frame)} jobs, newest first: {table}")

    out("\n== A created-at range: jobs created 7 to 6 days ago on etl ==")
    window = JobFilter.created_between(timedelta(days=7), timedelta(days=6))
    pager = batch.list_jobs("etl", filter=window)
    in_range = pager.to_list()
    everything = batch.list_jobs("etl", filter=JobFilter.created_before(now + timedelta(1)))
    total = sum(1 for _ in everything)
    out(
        f"  {len(in_range)} jobs in range with {pager.requests_made} request(s); "
        f"listing all {total} jobs takes {everything.requests_made}: paging stops past the range"
    )

    out("\n== Name prefix, case-insensitive (JOB_NAME 'TRAIN-*'), newest 5 on gpu-ondemand ==")
    for summary in batch.list_jobs("gpu-ondemand", filter=JobFilter.job_name("TRAIN-*")).take(5):
        status = summary.status.value if summary.status else "-"
        out(f"  {summary.job_name:<14} {status:<10} {relative_time(summary.created_at, now)}")

    out("\n== Array job children (ListJobs arrayJobId) ==")
    sweep = batch.list_jobs("cpu-spot", filter=JobFilter.job_name("hyperparam-sweep-0")).first()
    if sweep is not None:
        children = Counter(
            j.status.value if j.status else "?"
            for s in JobStatus
            for j in batch.list_jobs(array_job_id=sweep.job_id, status=s)
        )
        out(f"  {sweep.job_name}: {dict(sorted(children.items()))}")

    out("\n== Service jobs of team-nlp that are RUNNING (SHARE_IDENTIFIER + jobStatus) ==")
    running = batch.list_service_jobs(
        SERVICE_QUEUE,
        filter=JobFilter.share_identifier("team-nlp"),
        status=ServiceJobStatus.RUNNING,
    ).to_list()
    out(f"  {len(running)} running: " + ", ".join(j.job_name for j in running[:6]))

    out("\n== S3 Batch Operations jobs (S3 Control ListJobs; ended > 90 days ago not listed) ==")
    for s3_job in s3.list_jobs():
        progress = s3_job.progress or 0.0
        bar = "#" * int(progress * 20)
        state = s3_job.status.value if s3_job.status else "-"
        out(f"  {s3_job.description or s3_job.job_id:<22} {state:<10} [{bar:<20}] {progress:6.1%}")
    active = s3.list_jobs(statuses=[S3JobStatus.ACTIVE]).to_list()
    out(f"  active only: {[j.description for j in active]}")

    watch_section(out, now, console)


def watch_section(out: Callable[[str], None], now: datetime, console: Any = None) -> None:
    """A short watch: jobs and an array job moving on a simulated clock (random, seeded)."""
    from batchkit._cli.output import table_width
    from batchkit._cli.watch_view import change_line, summary_line, watch_table

    live = console is not None and console.is_terminal
    # Simulated time: on a terminal each simulated second is 1/80 s (for the eye); piped, none.
    clock = ManualClock(now, on_sleep=(lambda s: time.sleep(min(s / 80, 0.15))) if live else None)
    fake = FakeAWS(now=clock.now)
    ids = [
        fake.add_job("etl", job_name=f"nightly-{i}", job_id=f"watch-{i}", status="SUBMITTED").job_id
        for i in range(4)
    ]
    sweep = fake.add_job(
        "etl", job_name="sweep", job_id="watch-sweep", status="SUBMITTED", array_size=24
    )
    ids.append(sweep.job_id)
    fake.lifecycle.randomize(ids, seed=11, failure_rate=0.1, time_scale=0.5)
    batch = fake.batch_client()

    out("\n== Watching 5 jobs (one a 24-child array) to the end: one DescribeJobs per poll ==")
    follow = batch.watch(ids, clock=clock)
    with follow:
        if live:
            from rich.live import Live

            class _View:
                def __rich__(self) -> Any:
                    return watch_table(follow, clock.now(), width=table_width(console))

            with Live(_View(), console=console, refresh_per_second=12):
                for _change in follow:
                    pass
        else:
            for change in follow:
                out("  " + change_line(change))
    took = clock.now() - now
    out(
        f"  {summary_line(follow.jobs)} after {int(took.total_seconds())} simulated seconds; "
        f"{follow.polls} polls, {follow.requests_made} DescribeJobs requests"
    )
