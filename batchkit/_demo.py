"""``batchkit demo``: the SDK at work on an embedded AWS backend, no account needed.

It seeds a :class:`batchkit.testing.FakeAWS` with a realistic account -- three queues,
a few thousand jobs over four weeks, array and multi-node jobs, SageMaker service jobs
under fair-share identifiers, S3 Batch Operations jobs in several states -- and then uses
only the public API, as your code would, against real boto3 clients.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from batchkit import BatchClient, JobFilter, S3BatchOperationsClient
from batchkit._display import relative_time
from batchkit.models import JobStatus, S3JobStatus, ServiceJobStatus
from batchkit.testing import FakeAWS

QUEUES = ("cpu-spot", "gpu-ondemand", "etl")
PIPELINES = {
    "cpu-spot": ("train-resnet", "train-bert", "featurize", "eval-nightly"),
    "gpu-ondemand": ("train-llm", "finetune-vit", "eval-llm"),
    "etl": ("ingest-orders", "ingest-clicks", "compact-parquet"),
}
REASONS = (
    ("Essential container in task exited", 1),
    ("OutOfMemoryError: Container killed due to memory usage", 137),
    ("Host EC2 (instance i-0abc) terminated.", None),
    ("Task failed to start: CannotPullContainerError", None),
)


def seed(fake: FakeAWS, now: datetime, jobs: int = 3000, rng_seed: int = 7) -> None:
    """Fill ``fake`` with a realistic, reproducible account."""
    rng = random.Random(rng_seed)

    def new_id() -> str:  # reproducible ids: `batchkit --fake` runs agree with each other
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    for _ in range(jobs):
        queue = rng.choice(QUEUES)
        name = rng.choice(PIPELINES[queue])
        age = timedelta(minutes=rng.randint(0, 28 * 24 * 60))
        created = now - age
        if age < timedelta(minutes=10):
            status = rng.choice(("SUBMITTED", "PENDING", "RUNNABLE", "STARTING"))
        elif age < timedelta(hours=3) and rng.random() < 0.5:
            status = "RUNNING"
        else:
            status = "FAILED" if rng.random() < 0.12 else "SUCCEEDED"
        reason, exit_code = (None, None)
        if status == "FAILED":
            reason, exit_code = rng.choice(REASONS)
        revision = rng.randint(1, 3)
        fake.add_job(
            queue,
            job_id=new_id(),
            job_name=name,
            status=status,
            created_at=created,
            job_definition=f"{name}:{revision}",
            status_reason=reason,
            exit_code=exit_code,
            share_identifier=rng.choice(("team-vision", "team-nlp", "team-data")),
        )
    for index in range(3):
        fake.add_job(
            "cpu-spot",
            job_id=new_id(),
            job_name=f"hyperparam-sweep-{index}",
            status="RUNNING",
            created_at=now - timedelta(hours=2 + index),
            job_definition="sweep:4",
            array_size=20,
            child_statuses=["SUCCEEDED"] * 12 + ["FAILED"] * 2 + ["RUNNING"] * 6,
        )
    fake.add_job(
        "gpu-ondemand",
        job_id=new_id(),
        job_name="distributed-pretrain",
        status="RUNNING",
        created_at=now - timedelta(hours=5),
        job_definition="mnp-pretrain:2",
        num_nodes=4,
    )
    for index in range(60):
        status = rng.choice(("RUNNING", "RUNNABLE", "SCHEDULED", "SUCCEEDED", "FAILED"))
        fake.add_service_job(
            "sagemaker",
            job_id=new_id(),
            job_name=f"sm-train-{index:03d}",
            status=status,
            created_at=now - timedelta(hours=rng.randint(0, 200)),
            share_identifier=rng.choice(("team-vision", "team-nlp")),
            quota_share_name=rng.choice(("gpu-large", "gpu-small")),
        )
    s3_states = [("Active", 0.4), ("Complete", 1.0), ("Failed", 0.3), ("Suspended", 0.0)]
    s3_states += [("Preparing", 0.0), ("Complete", 1.0)]
    for index, (status, done) in enumerate(s3_states):
        total = rng.randint(10_000, 2_000_000)
        failed = int(total * done * 0.01) if status != "Complete" else 0
        fake.add_s3_job(
            job_id=new_id(),
            status=status,
            operation=rng.choice(("S3PutObjectCopy", "S3PutObjectTagging", "LambdaInvoke")),
            created=now - timedelta(days=index * 3, hours=1),
            total=total,
            succeeded=int(total * done) - failed,
            failed=failed,
            description=f"nightly-{status.lower()}-{index}",
        )
    # Ended 40 days ago: outside S3's 30-day window, so never listed.
    fake.add_s3_job(
        job_id=new_id(),
        status="Complete",
        created=now - timedelta(days=41),
        terminated=now - timedelta(days=40),
        description="too-old-to-list",
    )


def run(out: Callable[[str], None] = print, jobs: int = 3000) -> None:
    """Seed the embedded backend and show what the SDK does with it."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    fake = FakeAWS(now=lambda: now)
    seed(fake, now, jobs=jobs)
    batch: BatchClient = fake.batch_client()
    s3: S3BatchOperationsClient = fake.s3_client()

    out("batchkit demo: an embedded AWS backend (no account, no network), real boto3 clients\n")

    out("== Jobs per queue and status (ListJobs, one status per call) ==")
    statuses = list(JobStatus)
    out(f"{'queue':<14}" + "".join(f"{s.value:>11}" for s in statuses))
    for queue in QUEUES:
        counts = [sum(1 for _ in batch.list_jobs(queue, status=s)) for s in statuses]
        out(f"{queue:<14}" + "".join(f"{c:>11}" for c in counts))

    out("\n== Failed in the last 24 hours on cpu-spot, described (DescribeJobs, 4 workers) ==")
    failed = batch.list_jobs(
        "cpu-spot", status=JobStatus.FAILED, filter=JobFilter.created_after(timedelta(hours=24))
    ).to_list()
    details = list(batch.describe_jobs([j.job_id for j in failed], max_workers=4))
    for job in details[:8]:
        when = relative_time(job.created_at, now)
        out(f"  {job.job_name:<14} {when:>8}  exit={job.exit_code!s:<4} {job.status_reason or ''}")
    if len(details) > 8:
        out(f"  ... and {len(details) - 8} more")
    tally = Counter(job.status_reason or "unknown" for job in details)
    for reason, count in tally.most_common():
        out(f"  {count:>3} x {reason}")

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
        "sagemaker",
        filter=JobFilter.share_identifier("team-nlp"),
        status=ServiceJobStatus.RUNNING,
    ).to_list()
    out(f"  {len(running)} running: " + ", ".join(j.job_name for j in running[:6]))

    out("\n== S3 Batch Operations jobs (S3 Control ListJobs; ended > 30 days ago not listed) ==")
    for s3_job in s3.list_jobs():
        progress = s3_job.progress or 0.0
        bar = "#" * int(progress * 20)
        state = s3_job.status.value if s3_job.status else "-"
        out(f"  {s3_job.description or s3_job.job_id:<22} {state:<10} [{bar:<20}] {progress:6.1%}")
    active = s3.list_jobs(statuses=[S3JobStatus.ACTIVE]).to_list()
    out(f"  active only: {[j.description for j in active]}")
