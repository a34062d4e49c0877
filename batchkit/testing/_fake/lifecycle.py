"""A job lifecycle for FakeAWS: jobs move SUBMITTED -> ... -> SUCCEEDED/FAILED over time.

Why: code that waits for jobs (``BatchClient.watch``/``wait``, your own loops) needs jobs
that change, on a clock the test controls.  ``fake.lifecycle`` moves jobs along a schedule
you give per job, or one drawn from a seeded random model, on the backend's own clock
(``FakeAWS(now=clock.now)``): due steps are applied when a request arrives, so every
response is consistent with "now".

Details follow what AWS documents: ``startedAt`` when a job turns RUNNING, ``stoppedAt``,
an exit code and an attempt when it ends, an attempt per retry (RUNNING -> RUNNABLE), and
array parents derived from their children: ``arrayProperties.statusSummary`` (every status,
with ``statusSummaryLastUpdatedAt``), PENDING once a child is RUNNABLE or beyond (AWS never
shows a parent RUNNING), SUCCEEDED when every child succeeded, FAILED when every child
ended and one failed.

>>> from batchkit.testing import FakeAWS, ManualClock
>>> clock = ManualClock()
>>> fake = FakeAWS(now=clock.now)
>>> job = fake.add_job("q", status="SUBMITTED")
>>> fake.lifecycle.schedule(job.job_id, [("RUNNABLE", 10), ("RUNNING", 30), ("FAILED", 60)])
>>> clock.advance(45)
>>> fake.batch_client().describe_job(job.job_id).status
JobStatus.RUNNING
>>> clock.advance(15)
>>> fake.batch_client().describe_job(job.job_id).exit_code
1
"""

from __future__ import annotations

import copy
import heapq
import itertools
import math
import random
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from batchkit._spec.models.mixins import TERMINAL_BATCH_VALUES
from batchkit._spec.time import to_epoch_millis
from batchkit.testing._fake.state import Job, State

__all__ = ["Lifecycle", "Step", "status_summary"]

#: Every documented job status, in lifecycle order (statusSummary lists each).
STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
_RANK = {s: i for i, s in enumerate(STATUSES)} | {"FAILED": 5}
_REASON = "Essential container in task exited"

#: The random model's mean seconds in each status before the next (times ``time_scale``).
MEAN_SECONDS = {
    "SUBMITTED": 2.0,
    "PENDING": 3.0,
    "RUNNABLE": 8.0,
    "STARTING": 15.0,
    "RUNNING": 90.0,
}


@dataclass(frozen=True)
class Step:
    """Move a job to ``status`` ``at`` seconds after the schedule starts.

    ``exit_code`` and ``reason`` set the container's exit code and the ``statusReason``
    (defaults for an ending step: 0 / 1 and ``Essential container in task exited``).
    """

    status: str
    at: float
    exit_code: int | None = None
    reason: str | None = None


StepLike = Step | tuple[str, float | timedelta]


def status_summary(statuses: Iterable[str]) -> dict[str, int]:
    """``arrayProperties.statusSummary`` of children in ``statuses``: every documented
    status with its count (zeros included, as AWS sends it), then any other status seen."""
    summary = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        summary[status] = summary.get(status, 0) + 1
    return summary


def _step(item: StepLike) -> Step:
    if isinstance(item, Step):
        step = item
    else:
        status, at = item
        step = Step(status, at.total_seconds() if isinstance(at, timedelta) else float(at))
    if not isinstance(step.status, str) or not step.status:
        raise ValueError(f"steps: a status must be a non-empty string, got {step.status!r}")
    if not math.isfinite(step.at) or step.at < 0:
        raise ValueError(f"steps: times are seconds >= 0 after the start, got {step.at!r}")
    return step


class Lifecycle:
    """Scheduled status changes of a :class:`FakeAWS`'s jobs (``fake.lifecycle``)."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._due: list[tuple[int, int, str, Step]] = []  # (epoch ms, sequence, job id, step)
        self._sequence = 0
        # Requests arrive on several threads at once (describe workers): the heap of due
        # steps is popped under a lock, and the steps are applied in order under it.
        self._lock = threading.RLock()

    def schedule(
        self, job_id: str, steps: Sequence[StepLike], *, start: datetime | None = None
    ) -> None:
        """Move ``job_id`` through ``steps`` (``("RUNNING", 30)`` or :class:`Step`), seconds
        counted from ``start`` (default: the backend's now).

        An array parent's steps apply to each of its children (the parent follows them);
        a multi-node parent's to itself and each node.  Times must not go back.
        """
        parsed = [_step(s) for s in steps]
        if any(b.at < a.at for a, b in itertools.pairwise(parsed)):
            raise ValueError("steps: times must not go back")
        origin = to_epoch_millis(start or self._state.now())
        with self._lock:
            for target in self._targets(job_id):
                for step in parsed:
                    due = origin + round(step.at * 1000)
                    heapq.heappush(self._due, (due, self._sequence, target, step))
                    self._sequence += 1

    def randomize(
        self,
        job_ids: Iterable[str],
        *,
        seed: int = 0,
        failure_rate: float = 0.1,
        time_scale: float = 1.0,
        start: datetime | None = None,
    ) -> None:
        """Schedule each job (each child of an array) from a seeded random model: from its
        current status through every later one to SUCCEEDED, or FAILED with probability
        ``failure_rate``; the time in each status is exponential with the means of
        :data:`MEAN_SECONDS`, times ``time_scale``.  The same seed gives the same run."""
        if not 0 <= failure_rate <= 1:
            raise ValueError(f"failure_rate: between 0 and 1, got {failure_rate}")
        if not time_scale > 0:
            raise ValueError(f"time_scale: must be > 0, got {time_scale}")
        rng = random.Random(seed)
        current = self._state.job_statuses()
        for job_id in job_ids:
            for target in self._targets(job_id, expand_nodes=False):
                rank = _RANK.get(current.get(target, "SUBMITTED"), 0)
                if rank >= 5:
                    continue
                steps: list[StepLike] = []
                at = 0.0
                for status in STATUSES[rank + 1 : 5]:
                    at += rng.expovariate(1 / MEAN_SECONDS[STATUSES[_RANK[status] - 1]])
                    steps.append((status, at * time_scale))
                at += rng.expovariate(1 / MEAN_SECONDS["RUNNING"])
                failed = rng.random() < failure_rate
                steps.append(("FAILED" if failed else "SUCCEEDED", at * time_scale))
                self.schedule(target, steps, start=start)

    def advance(self) -> int:
        """Apply every step due at the backend's now (done before each request is
        answered); returns how many were applied."""
        now_ms = to_epoch_millis(self._state.now())
        with self._lock:
            if not self._due or self._due[0][0] > now_ms:
                return 0
            due: list[tuple[int, str, Step]] = []
            while self._due and self._due[0][0] <= now_ms:
                at, _seq, job_id, step = heapq.heappop(self._due)
                due.append((at, job_id, step))
            self._state.edit_jobs(lambda jobs: _apply_all(jobs, due, now_ms))
            return len(due)

    @property
    def scheduled(self) -> int:
        """Steps not applied yet."""
        with self._lock:
            return len(self._due)

    def _targets(self, job_id: str, *, expand_nodes: bool = True) -> list[str]:
        jobs = self._state.job_statuses()
        if job_id not in jobs:
            raise KeyError(f"no job {job_id!r} in this FakeAWS")
        children = self._state.children(job_id)
        if children["array"]:
            return children["array"]
        return [job_id, *children["nodes"]] if expand_nodes else [job_id]


def _apply_all(jobs: Mapping[str, Job], due: list[tuple[int, str, Step]], now_ms: int) -> list[str]:
    """Apply the due steps in time order; then bring the parents of changed array children
    up to date.  Returns the ids whose details changed."""
    changed: list[str] = []
    parents: dict[str, None] = {}
    for at, job_id, step in due:
        job = jobs.get(job_id)
        if job is None:
            continue
        # Copy on write: a response being serialised in another thread holds the old dict.
        job.detail = copy.deepcopy(job.detail)
        _apply(job.detail, step, at)
        changed.append(job_id)
        if job.array_parent is not None:
            parents[job.array_parent] = None
    for parent_id in parents:
        parent = jobs.get(parent_id)
        if parent is None:
            continue
        children = [j.detail for j in jobs.values() if j.array_parent == parent_id]
        parent.detail = copy.deepcopy(parent.detail)
        update_parent(parent.detail, children, now_ms)
        changed.append(parent_id)
    return changed


def _container(detail: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = detail.setdefault("container", {})
    container.setdefault("logStreamName", f"{detail['jobName']}/default/{detail['jobId']}")
    return container


def _apply(detail: dict[str, Any], step: Step, at: int) -> None:
    """One status change, with the members AWS sets along with it."""
    old, new = detail["status"], step.status
    started = old in ("STARTING", "RUNNING")
    detail["status"] = new
    if new == "RUNNING":
        detail["startedAt"] = at
        _container(detail)
    elif new == "STARTING":
        _container(detail)
    elif started and new not in TERMINAL_BATCH_VALUES:  # a retry: the attempt failed
        attempt = {"container": {"exitCode": 1}, "startedAt": detail.get("startedAt", at)}
        attempt |= {"stoppedAt": at, "statusReason": step.reason or _REASON}
        detail["attempts"] = [*detail.get("attempts", []), attempt]
    if new in TERMINAL_BATCH_VALUES:
        exit_code = step.exit_code if step.exit_code is not None else int(new == "FAILED")
        detail["stoppedAt"] = at
        detail.setdefault("startedAt", at)
        detail["statusReason"] = step.reason or _REASON
        container = _container(detail)
        container["exitCode"] = exit_code
        attempt = {
            "container": {"exitCode": exit_code, "logStreamName": container["logStreamName"]},
            "startedAt": detail["startedAt"],
            "stoppedAt": at,
            "statusReason": detail["statusReason"],
        }
        detail["attempts"] = [*detail.get("attempts", []), attempt]
    elif step.reason is not None:
        detail["statusReason"] = step.reason


def update_parent(parent: dict[str, Any], children: Sequence[Mapping[str, Any]], at: int) -> None:
    """An array parent as AWS shows it, from its children's details."""
    statuses = [child["status"] for child in children]
    array = parent.setdefault("arrayProperties", {})
    array["statusSummary"] = status_summary(statuses)
    array["statusSummaryLastUpdatedAt"] = at
    if statuses and all(s in TERMINAL_BATCH_VALUES for s in statuses):
        status = "FAILED" if "FAILED" in statuses else "SUCCEEDED"
        if parent["status"] != status:
            parent["status"] = status
            parent["stoppedAt"] = max(int(c.get("stoppedAt", at)) for c in children)
            starts = [int(c["startedAt"]) for c in children if "startedAt" in c]
            parent.setdefault("startedAt", min(starts, default=at))
    elif any(_RANK.get(s, 0) >= _RANK["RUNNABLE"] for s in statuses) and (
        _RANK.get(parent["status"], 0) < _RANK["PENDING"]
    ):
        parent["status"] = "PENDING"
