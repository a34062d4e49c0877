"""The demo account: the seed data of :meth:`FakeAWS.demo` (``batchkit demo``, ``--fake``).

Three Batch queues with a few thousand jobs over four weeks (array and multi-node jobs
included), SageMaker service jobs under fair-share identifiers, and S3 Batch Operations jobs
in several states -- reproducible (a seeded RNG), with times relative to ``now``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from batchkit.testing._fake.capacity import seed_demo_capacity

__all__ = ["PIPELINES", "QUEUES", "REASONS", "SERVICE_QUEUE", "Account", "seed"]

SERVICE_QUEUE = "sagemaker"

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


class Account(Protocol):
    """What the seed adds to (``FakeAWS``'s ``add_*`` methods, the arguments it passes)."""

    def add_queue(self, name: str, *, priority: int = ..., job_queue_type: str = ...) -> str: ...

    def add_job(
        self,
        job_queue: str = ...,
        *,
        job_name: str = ...,
        status: str = ...,
        created_at: datetime | int | None = ...,
        job_definition: str = ...,
        job_id: str | None = ...,
        share_identifier: str | None = ...,
        exit_code: int | None = ...,
        status_reason: str | None = ...,
        array_size: int | None = ...,
        child_statuses: Iterable[str] | None = ...,
        num_nodes: int | None = ...,
    ) -> object: ...

    def add_service_job(
        self,
        job_queue: str = ...,
        *,
        job_name: str = ...,
        status: str = ...,
        created_at: datetime | int | None = ...,
        share_identifier: str | None = ...,
        quota_share_name: str | None = ...,
        job_id: str | None = ...,
    ) -> object: ...

    def add_s3_job(
        self,
        *,
        status: str = ...,
        operation: str = ...,
        created: datetime | None = ...,
        terminated: datetime | None = ...,
        total: int = ...,
        succeeded: int = ...,
        failed: int = ...,
        description: str | None = ...,
        job_id: str | None = ...,
    ) -> object: ...


def seed(fake: Account, now: datetime, jobs: int = 3000, rng_seed: int = 7) -> None:
    """Fill ``fake`` with a realistic, reproducible account (``jobs`` >= 0 queue jobs, plus
    the array, multi-node, service and S3 jobs)."""
    rng = random.Random(rng_seed)
    for priority, queue in enumerate(QUEUES):  # every queue exists, even with few jobs
        fake.add_queue(queue, priority=10 * (len(QUEUES) - priority))
    fake.add_queue(SERVICE_QUEUE, priority=5, job_queue_type="SAGEMAKER_TRAINING")

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
            SERVICE_QUEUE,
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
    seed_demo_capacity(fake, now)  # compute environments, and jobs stuck in each way
    # Ended 100 days ago: outside S3's 90-day window, so never listed.
    fake.add_s3_job(
        job_id=new_id(),
        status="Complete",
        created=now - timedelta(days=101),
        terminated=now - timedelta(days=100),
        description="too-old-to-list",
    )
