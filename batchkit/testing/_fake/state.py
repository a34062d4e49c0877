"""The fake's store: queues, jobs (with their array and node children), service jobs and S3
jobs, behind one lock -- and the one API every other part of the fake reads and changes it by.

The store also holds what its records are made relative to: the region, the account and the
clock (``now``).  Every change bumps a version that invalidates the cached query results
(:meth:`State.cached`).  A stored dict is never changed in place -- a change replaces it (copy
on write) -- so reads hand out the stored dicts and a response being serialised in another
thread never sees half a change; only :meth:`State.edit_jobs` hands out the stored records
themselves, under the lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

__all__ = ["Job", "Queue", "State", "definition_name", "summary_of"]


@dataclass(frozen=True)
class Queue:
    """A job queue, as :meth:`State.set_queue` left it."""

    name: str
    arn: str
    state: str = "ENABLED"
    status: str = "VALID"
    priority: int = 1
    scheduling_policy_arn: str | None = None
    job_queue_type: str = "ECS"

    def detail(self, account_arn: str) -> dict[str, Any]:
        """The queue as DescribeJobQueues returns it."""
        queue: dict[str, Any] = {
            "jobQueueName": self.name,
            "jobQueueArn": self.arn,
            "state": self.state,
            "status": self.status,
            "statusReason": "JobQueue Healthy",
            "priority": self.priority,
            "computeEnvironmentOrder": [
                {"order": 1, "computeEnvironment": f"{account_arn}:compute-environment/default"}
            ],
            "jobQueueType": self.job_queue_type,
        }
        if self.scheduling_policy_arn is not None:
            queue["schedulingPolicyArn"] = self.scheduling_policy_arn
        return queue


@dataclass
class Job:
    """A stored job: its DescribeJobs detail and the ListJobs summary derived from it."""

    detail: dict[str, Any]
    summary: dict[str, Any]
    queue: str | None  # None for array / multi-node children
    array_parent: str | None = None
    node_parent: str | None = None


class State:
    """The store.  Thread-safe: requests arrive on several threads at once."""

    def __init__(
        self, *, region: str, account_id: str, now: Callable[[], datetime] | None = None
    ) -> None:
        self.region = region
        self.account_id = account_id
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._queues: dict[str, Queue] = {}
        self._jobs: dict[str, Job] = {}
        self._service_jobs: dict[str, tuple[str, dict[str, Any]]] = {}  # id -> (queue, summary)
        self._s3_jobs: dict[str, list[dict[str, Any]]] = {}  # account -> jobs
        self._hidden: dict[str, datetime | None] = {}  # job id -> hidden until (None: for good)
        self._version = 0  # bumped on every change: invalidates cached query results
        self._results: dict[str, tuple[int, list[dict[str, Any]]]] = {}

    def now(self) -> datetime:
        """The backend's clock."""
        return self._now()

    # ------------------------------------------------------------------ names

    def batch_arn(self, resource: str) -> str:
        """``job/ID``, ``job-queue/NAME``... -> the ARN in this region and account."""
        return f"arn:aws:batch:{self.region}:{self.account_id}:{resource}"

    def definition_arn(self, definition: str) -> str:
        """``name`` or ``name:revision`` -> the job definition ARN (revision 1 by default)."""
        if definition.startswith("arn:"):
            return definition
        name, _, revision = definition.partition(":")
        return self.batch_arn(f"job-definition/{name}:{revision or 1}")

    # ------------------------------------------------------------------ queues

    def queue(self, name_or_arn: str) -> Queue:
        """The queue of that name or ARN, created (with the defaults) on first use."""
        name = _queue_name(name_or_arn)
        with self._lock:
            queue = self._queues.get(name)
            if queue is None:
                queue = self._queues[name] = Queue(name, self.batch_arn(f"job-queue/{name}"))
                self._version += 1
            return queue

    def set_queue(
        self,
        name: str,
        *,
        state: str,
        status: str,
        priority: int,
        scheduling_policy_arn: str | None,
        job_queue_type: str,
    ) -> Queue:
        """Create or change a queue."""
        queue = self.queue(name)
        with self._lock:
            queue = self._queues[queue.name] = replace(
                queue,
                state=state,
                status=status,
                priority=priority,
                scheduling_policy_arn=scheduling_policy_arn,
                job_queue_type=job_queue_type,
            )
            self._version += 1
        return queue

    def find_queue(self, name_or_arn: str) -> str | None:
        """The name of an existing queue (by name or ARN), else None."""
        name = _queue_name(name_or_arn)
        with self._lock:
            return name if name in self._queues else None

    def queues(self) -> list[Queue]:
        """Every queue, in the order they were created."""
        with self._lock:
            return list(self._queues.values())

    # ------------------------------------------------------------------ jobs

    def add_job(
        self,
        detail: dict[str, Any],
        queue: str | None,
        *,
        array_parent: str | None = None,
        node_parent: str | None = None,
    ) -> None:
        """Store a job (``queue`` None for a child), replacing one with its id."""
        queue_name = None if queue is None else self.queue(queue).name
        job = Job(detail, summary_of(detail), queue_name, array_parent, node_parent)
        with self._lock:
            self._jobs[detail["jobId"]] = job
            self._version += 1

    def job_detail(self, job_id: str) -> dict[str, Any]:
        """A copy of a job's detail (KeyError if there is no such job)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise KeyError(f"no job {job_id!r} in this FakeAWS")
            return dict(job.detail)

    def replace_job_detail(self, job_id: str, detail: dict[str, Any]) -> None:
        """Give a stored job a new detail (its summary follows)."""
        with self._lock:
            job = self._jobs[job_id]
            job.detail, job.summary = detail, summary_of(detail)
            self._version += 1

    def edit_jobs(self, edit: Callable[[Mapping[str, Job]], Iterable[str]]) -> None:
        """Change job details atomically: ``edit`` runs under the lock on the stored jobs,
        replaces the details it changes (copy on write: a response being serialised in
        another thread holds the old dict) and returns their ids, whose ListJobs summaries
        are then derived again."""
        with self._lock:
            for job_id in list(edit(self._jobs)):
                job = self._jobs[job_id]
                job.summary = summary_of(job.detail)
            self._version += 1

    def job_statuses(self) -> dict[str, str]:
        """Every job's status, by id."""
        with self._lock:
            return {job_id: job.detail["status"] for job_id, job in self._jobs.items()}

    def children(self, job_id: str) -> dict[str, list[str]]:
        """The ids of a job's ``array`` children and its ``nodes``."""
        with self._lock:
            jobs = list(self._jobs.items())
        return {
            "array": [i for i, j in jobs if j.array_parent == job_id],
            "nodes": [i for i, j in jobs if j.node_parent == job_id],
        }

    def queue_summaries(self, queue: str) -> list[dict[str, Any]]:
        """The ListJobs summaries of a queue's jobs (children excluded)."""
        with self._lock:
            return [j.summary for j in self._jobs.values() if j.queue == queue]

    def child_summaries(self, parent_id: str, *, nodes: bool = False) -> list[dict[str, Any]]:
        """The ListJobs summaries of an array job's children (of a multi-node job's nodes)."""
        with self._lock:
            jobs = list(self._jobs.values())
        if nodes:
            return [j.summary for j in jobs if j.node_parent == parent_id]
        return [j.summary for j in jobs if j.array_parent == parent_id]

    def job_details(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The details of the jobs among ``ids`` (job ids or ARNs) that DescribeJobs shows
        now (see :meth:`hide_job`), by job id."""
        now = self.now()
        with self._lock:
            by_arn = {j.detail["jobArn"]: j for j in self._jobs.values()}
            return {
                j.detail["jobId"]: j.detail
                for i in ids
                if (j := self._jobs.get(i) or by_arn.get(i)) is not None
                and self._visible(j.detail["jobId"], now)
            }

    def hide_job(self, job_id: str, until: datetime | None) -> None:
        """Leave a job out of DescribeJobs until ``until`` on the backend's clock (None: for
        good); ``KeyError`` for an unknown job."""
        with self._lock:
            if job_id not in self._jobs:
                raise KeyError(f"hide_job: no job {job_id!r}")
            self._hidden[job_id] = until

    def _visible(self, job_id: str, now: datetime) -> bool:
        if job_id not in self._hidden:
            return True
        until = self._hidden[job_id]
        return until is not None and now >= until

    # ------------------------------------------------------------------ service and S3 jobs

    def add_service_job(self, queue: str, summary: dict[str, Any]) -> None:
        """Store a service job (its ListServiceJobs summary) in a queue."""
        name = self.queue(queue).name
        with self._lock:
            self._service_jobs[summary["jobId"]] = (name, summary)
            self._version += 1

    def service_job_summaries(self, queue: str) -> list[dict[str, Any]]:
        """The ListServiceJobs summaries of a queue's service jobs."""
        with self._lock:
            return [s for q, s in self._service_jobs.values() if q == queue]

    def add_s3_job(self, account_id: str, job: dict[str, Any]) -> None:
        """Store an S3 Batch Operations job (as S3 Control ListJobs returns it)."""
        with self._lock:
            self._s3_jobs.setdefault(account_id, []).append(job)

    def s3_jobs(self, account_id: str) -> list[dict[str, Any]]:
        """An account's S3 Batch Operations jobs, in the order they were added."""
        with self._lock:
            return list(self._s3_jobs.get(account_id, []))

    # ------------------------------------------------------------------ queries

    def cached(self, key: str, compute: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """A query's full, ordered result, recomputed only after the data changed: paging
        through a 100,000-job queue must not filter and sort it again for every page."""
        with self._lock:
            version = self._version
            hit = self._results.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        items = compute()
        with self._lock:
            self._results[key] = (version, items)
        return items


def definition_name(arn_or_name: str) -> tuple[str, str]:
    """A job definition's name and revision, from its ARN or ``name:revision``."""
    tail = arn_or_name.rsplit("/", 1)[-1]
    name, _, revision = tail.partition(":")
    return name, revision


def _queue_name(name_or_arn: str) -> str:
    return name_or_arn.rsplit("/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn


def summary_of(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The ListJobs summary AWS derives from a job's detail."""
    keys = (
        "jobArn",
        "jobId",
        "jobName",
        "createdAt",
        "scheduledAt",
        "shareIdentifier",
        "status",
        "statusReason",
        "startedAt",
        "stoppedAt",
        "jobDefinition",
        "capacityUsage",
    )
    summary = {k: detail[k] for k in keys if k in detail}
    container = detail.get("container") or {}
    if "exitCode" in container or "reason" in container:
        summary["container"] = {k: container[k] for k in ("exitCode", "reason") if k in container}
    array = detail.get("arrayProperties") or {}
    if "size" in array or "index" in array:
        summary["arrayProperties"] = {k: array[k] for k in ("size", "index") if k in array}
    nodes = detail.get("nodeProperties")
    node = detail.get("nodeDetails")
    if nodes:
        summary["nodeProperties"] = {"isMainNode": True, "numNodes": nodes["numNodes"]}
    elif node:
        summary["nodeProperties"] = {
            "isMainNode": node.get("isMainNode", False),
            "nodeIndex": node.get("nodeIndex", 0),
        }
    return summary
