"""The demo account: the seed data of :meth:`FakeAWS.demo` -- ``batchkit demo`` and every
``batchkit --fake`` command use this one account, so what the README shows holds in either.

Three Batch queues with a few thousand jobs over four weeks, SageMaker service jobs under
fair-share identifiers, S3 Batch Operations jobs in several states -- reproducible (a
seeded RNG), with times relative to ``now``, and shaped like a real account so that there is
something to analyse:

* **times with spread**: each queue has its own wait before a job starts (log-normal: most
  start within minutes, a few wait hours -- the GPU queue waits longest), each pipeline its
  own run time (log-normal around a median: seconds-to-minutes for ETL, hours for training);
  the nightly pipelines are submitted around 02:00 UTC, the rest through the day.
* **statuses from the clock**: a job whose wait has not passed is RUNNABLE (SUBMITTED or
  PENDING for the first seconds), one whose run has not ended RUNNING, the others ended.
* **failures of several kinds, in the shapes AWS gives them** (what ``why()`` classifies):
  a program error (``Essential container in task exited``, exit 1 or 2), out of memory
  (exit 137, container reason ``OutOfMemoryError: Container killed due to memory usage``),
  a reclaimed Spot instance (``Host EC2 (instance i-...) terminated.``, no exit code), an
  image that cannot be pulled (``Task failed to start``, container reason
  ``CannotPullContainerError: ...``, no start time, no exit code, no log stream), an
  attempt timeout (``Job attempt duration exceeded timeout``), a failed dependency
  (``Dependent Job failed``, never started) and a user's cancel.
* **retries**: the Spot queue's jobs have three attempts (``retryStrategy``); a reclaimed
  instance is retried, so some jobs succeed on their second or third attempt, every
  attempt recorded in ``attempts`` with its own instance, times and log stream.
* **array and multi-node jobs**: array parents stay PENDING while their children run (as
  AWS keeps them), and end SUCCEEDED or FAILED with their children.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from batchkit.testing._fake.capacity import seed_demo_capacity

__all__ = [
    "FAILURES",
    "PIPELINES",
    "QUEUES",
    "QUEUE_WAITS",
    "SERVICE_QUEUE",
    "Account",
    "seed",
]

SERVICE_QUEUE = "sagemaker"

QUEUES = ("cpu-spot", "gpu-ondemand", "etl")

#: Each queue's pipelines: (median run time in seconds, spread sigma of the log-normal).
PIPELINES: dict[str, dict[str, tuple[float, float]]] = {
    "cpu-spot": {
        "train-resnet": (2.5 * 3600, 0.45),
        "train-bert": (4 * 3600, 0.55),
        "featurize": (18 * 60, 0.7),
        "eval-nightly": (11 * 60, 0.35),
    },
    "gpu-ondemand": {
        "train-llm": (9 * 3600, 0.5),
        "finetune-vit": (3 * 3600, 0.45),
        "eval-llm": (40 * 60, 0.4),
    },
    "etl": {
        "ingest-orders": (6 * 60, 0.5),
        "ingest-clicks": (9 * 60, 0.6),
        "compact-parquet": (25 * 60, 0.45),
    },
}

#: Each queue's wait from submission to start: (median seconds, sigma).
QUEUE_WAITS: dict[str, tuple[float, float]] = {
    "cpu-spot": (4 * 60, 1.1),
    "gpu-ondemand": (25 * 60, 1.2),
    "etl": (45, 0.8),
}

#: Pipelines submitted at night (around 02:00 UTC); the others any time of day.
NIGHTLY = {"eval-nightly", "ingest-orders", "ingest-clicks", "compact-parquet"}

#: How often a job of each queue fails, and how its failures are spread over the kinds
#: (Spot reclaims only on the Spot queue; its retries absorb most of them).
FAILURE_RATE = {"cpu-spot": 0.09, "gpu-ondemand": 0.12, "etl": 0.06}
FAILURES: dict[str, dict[str, float]] = {
    "cpu-spot": {
        "exit": 0.35,
        "oom": 0.2,
        "spot": 0.2,
        "pull": 0.1,
        "timeout": 0.05,
        "cancelled": 0.1,
    },
    "gpu-ondemand": {"exit": 0.3, "oom": 0.4, "pull": 0.1, "timeout": 0.15, "cancelled": 0.05},
    "etl": {"exit": 0.45, "oom": 0.1, "pull": 0.1, "dependency": 0.25, "cancelled": 0.1},
}
#: The Spot queue's chance that one attempt's instance is reclaimed (retried up to 3 times).
SPOT_RECLAIM = 0.12

_ACCOUNT = "123456789012"
_REGISTRY = f"{_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"


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
        started_at: datetime | int | None = ...,
        stopped_at: datetime | int | None = ...,
        job_definition: str = ...,
        job_id: str | None = ...,
        share_identifier: str | None = ...,
        exit_code: int | None = ...,
        status_reason: str | None = ...,
        array_size: int | None = ...,
        child_statuses: Iterable[str] | None = ...,
        num_nodes: int | None = ...,
        **members: Any,
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
        **members: Any,
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


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def stream_name(name: str, job_id: str, started: datetime) -> str:
    """An attempt's CloudWatch Logs stream (``definition/default/task id``, as AWS names it)."""
    return f"{name}/default/{uuid.uuid5(uuid.NAMESPACE_URL, f'{job_id}/{started}').hex}"


class _Seeder:
    """One reproducible account: the RNG and ``now`` every job is drawn from."""

    def __init__(self, fake: Account, now: datetime, rng_seed: int) -> None:
        self.fake = fake
        self.now = now
        self.rng = random.Random(rng_seed)

    def new_id(self) -> str:  # reproducible ids: `batchkit --fake` runs agree with each other
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def lognormal(self, median: float, sigma: float) -> timedelta:
        return timedelta(seconds=median * math.exp(self.rng.gauss(0.0, sigma)))

    def created(self, name: str) -> datetime:
        """A submission time in the last 28 days (nightly pipelines around 02:00 UTC; the
        others through the day, busier in the last hours: work in flight)."""
        if name not in NIGHTLY and self.rng.random() < 0.06:
            return self.now - timedelta(minutes=self.rng.uniform(0, 12 * 60))
        day = self.rng.randint(0, 27)
        if name in NIGHTLY:
            start = (self.now - timedelta(days=day)).replace(hour=2, minute=0, second=0)
            moment = start + timedelta(minutes=self.rng.gauss(0, 20))
            if moment > self.now:
                moment -= timedelta(days=1)
            return moment
        return self.now - timedelta(minutes=self.rng.uniform(0, 28 * 24 * 60))

    def instance(self) -> str:
        return "i-0" + "".join(self.rng.choice("0123456789abcdef") for _ in range(16))

    def task_arn(self) -> str:
        return f"arn:aws:ecs:us-east-1:{_ACCOUNT}:task/batch-{self.rng.getrandbits(64):016x}"

    def attempt(
        self,
        name: str,
        job_id: str,
        started: datetime,
        stopped: datetime,
        *,
        exit_code: int | None,
        reason: str | None,
        status_reason: str,
    ) -> dict[str, Any]:
        """One ``attempts`` entry as AWS gives it: where it ran, how it ended, its stream."""
        instance = self.instance()
        container: dict[str, Any] = {
            "containerInstanceArn": f"arn:aws:ecs:us-east-1:{_ACCOUNT}:container-instance/"
            f"{instance}",
            "taskArn": self.task_arn(),
            "logStreamName": stream_name(name, job_id, started),
        }
        if exit_code is not None:
            container["exitCode"] = exit_code
        if reason is not None:
            container["reason"] = reason
        return {
            "container": container,
            "startedAt": _ms(started),
            "stoppedAt": _ms(stopped),
            "statusReason": status_reason,
        }

    # ------------------------------------------------------------------ queue jobs

    def queue_job(self) -> None:
        rng = self.rng
        queue = rng.choice(QUEUES)
        name = rng.choice(list(PIPELINES[queue]))
        created = self.created(name)
        job_id = self.new_id()
        image = f"{_REGISTRY}/{name}:v{rng.randint(1, 4)}.{rng.randint(0, 9)}"
        spec: dict[str, Any] = {
            "job_id": job_id,
            "job_name": name,
            "created_at": created,
            "job_definition": f"{name}:{rng.randint(1, 3)}",
            "share_identifier": rng.choice(("team-vision", "team-nlp", "team-data")),
        }
        container: dict[str, Any] = {
            "image": image,
            "vcpus": 4,
            "memory": 8192,
            "command": ["python", "-m", name.replace("-", "_")],
        }
        attempts_allowed = 3 if queue == "cpu-spot" else 1
        members: dict[str, Any] = {"retryStrategy": {"attempts": attempts_allowed}}
        waited = self.lognormal(*QUEUE_WAITS[queue])
        started = created + waited
        if started > self.now:  # still waiting
            age = self.now - created
            spec["status"] = (
                "SUBMITTED"
                if age < timedelta(seconds=20)
                else "PENDING"
                if age < timedelta(seconds=40)
                else "RUNNABLE"
            )
            self.fake.add_job(queue, **spec, **members)
            return
        kind = self.failure_kind(queue)
        if kind in ("pull", "dependency"):
            self.never_started(queue, spec, members, container, kind, started)
            return
        attempts: list[dict[str, Any]] = []
        run = self.lognormal(*PIPELINES[queue][name])
        while True:
            stopped = started + run
            if stopped > self.now:  # this attempt is running now
                spec |= {"status": "RUNNING", "started_at": started}
                container["logStreamName"] = stream_name(name, job_id, started)
                self.fake.add_job(
                    queue, **spec, container=container, attempts=attempts or None, **members
                )
                return
            # a Spot failure: every attempt's instance reclaimed, the retries used up
            reclaimed = queue == "cpu-spot" and (kind == "spot" or rng.random() < SPOT_RECLAIM)
            if reclaimed:
                cut = started + run * rng.uniform(0.1, 0.9)
                reason = f"Host EC2 (instance {self.instance()}) terminated."
                attempts.append(
                    self.attempt(
                        name,
                        job_id,
                        started,
                        cut,
                        exit_code=None,
                        reason=None,
                        status_reason=reason,
                    )
                )
                if len(attempts) < attempts_allowed:  # retried: queued again, runs again
                    started = cut + self.lognormal(*QUEUE_WAITS[queue])
                    run = self.lognormal(*PIPELINES[queue][name])
                    if started > self.now:
                        spec["status"] = "RUNNABLE"
                        self.fake.add_job(queue, **spec, attempts=attempts, **members)
                        return
                    continue
                self.ended(queue, spec, members, container, attempts, "FAILED", reason, None)
                return
            if kind is None:
                attempts.append(
                    self.attempt(
                        name,
                        job_id,
                        started,
                        stopped,
                        exit_code=0,
                        reason=None,
                        status_reason="Essential container in task exited",
                    )
                )
                self.ended(queue, spec, members, container, attempts, "SUCCEEDED", None, None)
                return
            self.failed_run(queue, spec, members, container, attempts, kind, started, run)
            return

    def failure_kind(self, queue: str) -> str | None:
        if self.rng.random() >= FAILURE_RATE[queue]:
            return None
        kinds = FAILURES[queue]
        return self.rng.choices(list(kinds), weights=list(kinds.values()))[0]

    def failed_run(
        self,
        queue: str,
        spec: dict[str, Any],
        members: dict[str, Any],
        container: dict[str, Any],
        attempts: list[dict[str, Any]],
        kind: str,
        started: datetime,
        run: timedelta,
    ) -> None:
        rng = self.rng
        name, job_id = spec["job_name"], spec["job_id"]
        exited = "Essential container in task exited"
        if kind == "exit":
            exit_code, reason, status_reason = rng.choice((1, 1, 1, 2)), None, exited
            stopped = started + run * rng.uniform(0.05, 0.8)
        elif kind == "oom":
            exit_code, status_reason = 137, exited
            reason = "OutOfMemoryError: Container killed due to memory usage"
            stopped = started + run * rng.uniform(0.2, 0.95)
        elif kind == "timeout":
            limit = timedelta(seconds=PIPELINES[queue][name][0] * 1.5)
            members["timeout"] = {"attemptDurationSeconds": int(limit.total_seconds())}
            exit_code, reason, status_reason = 137, None, "Job attempt duration exceeded timeout"
            stopped = started + limit
        else:  # cancelled by a user while it ran
            exit_code, reason = 143, None
            status_reason = rng.choice(
                (
                    "Cancelled by user: superseded by a newer run",
                    "Terminated by user: wrong input parameters",
                )
            )
            stopped = started + run * rng.uniform(0.05, 0.5)
            members["isTerminated"] = True
        if stopped > self.now:
            spec |= {"status": "RUNNING", "started_at": started}
            self.fake.add_job(
                queue, **spec, container=container, attempts=attempts or None, **members
            )
            return
        attempts.append(
            self.attempt(
                name,
                job_id,
                started,
                stopped,
                exit_code=exit_code,
                reason=reason,
                status_reason=status_reason,
            )
        )
        self.ended(queue, spec, members, container, attempts, "FAILED", status_reason, reason)

    def ended(
        self,
        queue: str,
        spec: dict[str, Any],
        members: dict[str, Any],
        container: dict[str, Any],
        attempts: list[dict[str, Any]],
        status: str,
        status_reason: str | None,
        reason: str | None,
    ) -> None:
        """A job that ended: its container is its last attempt's, its times that attempt's."""
        last = attempts[-1]
        container = container | {
            k: v for k, v in last["container"].items() if k != "containerInstanceArn"
        }
        container["containerInstanceArn"] = last["container"]["containerInstanceArn"]
        if reason is not None:
            container["reason"] = reason
        self.fake.add_job(
            queue,
            **spec,
            status=status,
            started_at=last["startedAt"],
            stopped_at=last["stoppedAt"],
            status_reason=status_reason or last["statusReason"],
            exit_code=container.get("exitCode"),
            container=container,
            attempts=attempts,
            **members,
        )

    def never_started(
        self,
        queue: str,
        spec: dict[str, Any],
        members: dict[str, Any],
        container: dict[str, Any],
        kind: str,
        scheduled: datetime,
    ) -> None:
        """A job that failed before it ran: no start, no exit code, no log stream."""
        if kind == "pull":
            # the image pull fails in STARTING, minutes after the job was placed
            stopped = scheduled + timedelta(seconds=self.rng.uniform(20, 180))
            missing = f"{container['image']}"
            reason = (
                f"CannotPullContainerError: Error response from daemon: manifest for {missing} "
                "not found: manifest unknown: Requested image not found"
            )
            status_reason = "Task failed to start"
            failed = container | {"reason": reason}
            attempt = {
                "container": {"reason": reason, "taskArn": self.task_arn()},
                "stoppedAt": _ms(stopped),
                "statusReason": status_reason,
            }
            extra: dict[str, Any] = {"container": failed, "attempts": [attempt]}
        else:
            stopped = spec["created_at"] + timedelta(seconds=self.rng.uniform(60, 3600))
            status_reason = "Dependent Job failed"
            extra = {
                "container": container,
                "dependsOn": [{"jobId": self.new_id(), "type": "SEQUENTIAL"}],
            }
        if stopped > self.now:
            spec["status"] = "STARTING" if kind == "pull" else "PENDING"
            self.fake.add_job(queue, **spec, **members)
            return
        self.fake.add_job(
            queue,
            **spec,
            status="FAILED",
            status_reason=status_reason,
            stopped_at=stopped,
            startedAt=None,  # never started: AWS leaves it out
            **extra,
            **members,
        )

    # ------------------------------------------------------------------ the rest

    def arrays_and_nodes(self) -> None:
        """Hyper-parameter sweeps (array jobs: the parent PENDING while children run) and a
        multi-node pre-training job."""
        sweeps = [
            (
                "hyperparam-sweep-0",
                timedelta(hours=2),
                ["SUCCEEDED"] * 12 + ["FAILED"] * 2 + ["RUNNING"] * 4 + ["RUNNABLE"] * 2,
            ),
            (
                "hyperparam-sweep-1",
                timedelta(hours=3),
                ["SUCCEEDED"] * 9 + ["RUNNING"] * 6 + ["RUNNABLE"] * 5,
            ),
            ("hyperparam-sweep-2", timedelta(days=2), ["SUCCEEDED"] * 18 + ["FAILED"] * 2),
        ]
        for name, age, children in sweeps:
            done = all(s in ("SUCCEEDED", "FAILED") for s in children)
            status = ("FAILED" if "FAILED" in children else "SUCCEEDED") if done else "PENDING"
            created = self.now - age
            times: dict[str, Any] = {}
            if done:
                times = {
                    "started_at": created + timedelta(minutes=3),
                    "stopped_at": created + timedelta(hours=4, minutes=self.rng.randint(0, 50)),
                }
            self.fake.add_job(
                "cpu-spot",
                job_id=self.new_id(),
                job_name=name,
                status=status,
                created_at=created,
                job_definition="sweep:4",
                array_size=len(children),
                child_statuses=children,
                status_reason="Array Child Job failed" if status == "FAILED" else None,
                **times,
            )
        self.fake.add_job(
            "gpu-ondemand",
            job_id=self.new_id(),
            job_name="distributed-pretrain",
            status="RUNNING",
            created_at=self.now - timedelta(hours=5),
            started_at=self.now - timedelta(hours=4, minutes=12),
            job_definition="mnp-pretrain:2",
            num_nodes=4,
        )

    def service_jobs(self) -> None:
        for index in range(60):
            hours = self.rng.uniform(0, 1.5) if index % 6 == 0 else self.rng.uniform(0, 200)
            created = self.now - timedelta(hours=hours)
            started = created + self.lognormal(20 * 60, 1.0)
            run = self.lognormal(3 * 3600, 0.6)
            if started > self.now:
                status = self.rng.choice(("RUNNABLE", "SCHEDULED"))
                times: dict[str, Any] = {}
            elif started + run > self.now:
                status, times = "RUNNING", {"startedAt": _ms(started)}
            else:
                status = "FAILED" if self.rng.random() < 0.15 else "SUCCEEDED"
                times = {"startedAt": _ms(started), "stoppedAt": _ms(started + run)}
            self.fake.add_service_job(
                SERVICE_QUEUE,
                job_id=self.new_id(),
                job_name=f"sm-train-{index:03d}",
                status=status,
                created_at=created,
                share_identifier=self.rng.choice(("team-vision", "team-nlp")),
                quota_share_name=self.rng.choice(("gpu-large", "gpu-small")),
                **times,
            )

    def s3_jobs(self) -> None:
        now, rng = self.now, self.rng
        s3_states = [("Active", 0.4), ("Complete", 1.0), ("Failed", 0.3), ("Suspended", 0.0)]
        s3_states += [("Preparing", 0.0), ("Complete", 1.0)]
        for index, (status, done) in enumerate(s3_states):
            total = rng.randint(10, 2_000) * 1_000  # round: progress is exactly 40 %
            failed = int(total * done * 0.01) if status != "Complete" else 0
            self.fake.add_s3_job(
                job_id=self.new_id(),
                status=status,
                operation=rng.choice(("S3PutObjectCopy", "S3PutObjectTagging", "LambdaInvoke")),
                created=now - timedelta(days=index * 3, hours=1),
                total=total,
                succeeded=int(total * done) - failed,
                failed=failed,
                description=f"nightly-{status.lower()}-{index}",
            )
        # Ended 100 days ago: outside S3's 90-day window, so never listed.
        self.fake.add_s3_job(
            job_id=self.new_id(),
            status="Complete",
            created=now - timedelta(days=101),
            terminated=now - timedelta(days=100),
            description="too-old-to-list",
        )


def seed(fake: Account, now: datetime, jobs: int = 3000, rng_seed: int = 7) -> None:
    """Fill ``fake`` with the demo account: ``jobs`` >= 0 queue jobs, plus the array,
    multi-node, service and S3 jobs (module docstring)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    for priority, queue in enumerate(QUEUES):  # every queue exists, even with few jobs
        fake.add_queue(queue, priority=10 * (len(QUEUES) - priority))
    fake.add_queue(SERVICE_QUEUE, priority=5, job_queue_type="SAGEMAKER_TRAINING")
    seeder = _Seeder(fake, now, rng_seed)
    for _ in range(jobs):
        seeder.queue_job()
    seeder.arrays_and_nodes()
    seeder.service_jobs()
    seeder.s3_jobs()
    seed_demo_capacity(fake, now)  # compute environments, and jobs stuck in each way
