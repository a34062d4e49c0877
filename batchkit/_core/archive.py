"""The archive of job history: its sans-I/O rules (what to list, what changed, what
is gone), what a sync reports, its error, and what its loop needs of a database.

The archive's rules, sans I/O: no database, no network, no clock (``now`` is an argument).

What a sync does with what it sees is decided here, and tested here
(``tests/archive/test_decisions.py``); the feeding loops (``_feed_async.py`` and its twin
``_feed.py``) only move data between a client, these functions and the store.

* **What to list per queue** (:func:`start_listing`): every status, newest first, created at
  or after ``watermark - overlap``; or the listing a crash interrupted, from its stored token
  with its stored lower bound (a token is bound to its query).
* **Where a listing stands after a page** (:func:`after_page`): the page's token and the
  newest creation time seen, written with the page; at the last page the new watermark.
* **Which listed jobs to describe** (:func:`to_describe`): the ones the archive does not
  have, has as gone, or holds in another, unfinished status.
* **What a description means** (:func:`decide`): a new job, a change (status or any other
  member), a job that ended, one AWS no longer knows before it ended (gone, once it was
  first seen ``gone_after`` ago), one back from gone; the rows and events to write.  A job
  is *final* once described in a terminal status: never described again.
* **Rows**: the columns of ``jobs`` / ``s3_jobs`` from AWS's wire shape (:func:`job_row`,
  :func:`s3_row`), resources (vCPUs, MiB, GPUs) and a failure kind included.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from batchkit._core.errors import BatchKitError

__all__ = [
    "TERMINAL",
    "TERMINAL_S3",
    "ArchiveError",
    "ArchiveStore",
    "Decision",
    "Event",
    "FeedOptions",
    "Identity",
    "JobRow",
    "Known",
    "Listing",
    "QueueState",
    "S3Row",
    "SyncKey",
    "SyncReport",
    "after_page",
    "canonical_json",
    "child_rows",
    "decide",
    "decide_s3",
    "failure_kind",
    "job_row",
    "resources",
    "s3_row",
    "start_listing",
    "summary_row",
    "to_describe",
]

TERMINAL = frozenset({"SUCCEEDED", "FAILED"})
TERMINAL_S3 = frozenset({"Complete", "Failed", "Cancelled"})
#: The status a job's events record when AWS no longer knows it (``jobs.status`` keeps the
#: last status seen; ``jobs.gone`` is set).
GONE = "GONE"
#: The status of a child (array child, node) the archive knows of from its parent and has
#: not described yet.
UNSEEN = ""


@dataclass(frozen=True)
class Identity:
    """Where jobs come from: one account in one region."""

    account_id: str
    region: str


# ---------------------------------------------------------------------------- listing


@dataclass(frozen=True)
class QueueState:
    """A row of ``sync_state``: what the archive has listed of one queue."""

    watermark: int | None = None
    """Newest ``created_at`` (epoch ms) of the last complete listing; None: never listed."""
    listing_since: int | None = None
    """The lower bound of a listing in progress (None: no listing in progress)."""
    listing_token: str | None = None
    """Where that listing stands (None: at its start)."""
    listing_high: int | None = None
    """The newest ``created_at`` that listing has seen so far."""


@dataclass(frozen=True)
class Listing:
    """One queue's listing in this sync: created at or after ``since`` (epoch ms)."""

    since: int
    token: str | None
    high: int | None
    watermark: int | None
    resumed: bool


def start_listing(state: QueueState | None, overlap_ms: int) -> Listing:
    """The listing to run for a queue: the interrupted one, or a new one from the watermark
    minus ``overlap_ms`` (from the epoch for a queue never listed)."""
    if overlap_ms < 0:
        raise ValueError(f"overlap: must be >= 0, got {overlap_ms} ms")
    state = state or QueueState()
    if state.listing_since is not None:
        return Listing(
            since=state.listing_since,
            token=state.listing_token,
            high=state.listing_high,
            watermark=state.watermark,
            resumed=True,
        )
    since = 0 if state.watermark is None else max(0, state.watermark - overlap_ms)
    return Listing(since=since, token=None, high=None, watermark=state.watermark, resumed=False)


def after_page(listing: Listing, created: Iterable[int | None], next_token: str | None) -> Listing:
    """The listing after one more page (``created``: its jobs' creation times)."""
    high = listing.high
    for value in created:
        if value is not None and (high is None or value > high):
            high = value
    return replace(listing, token=next_token, high=high)


def listing_state(listing: Listing, done: bool) -> QueueState:
    """What to store for the queue with a page: where to resume, or (``done``) the watermark."""
    if done:
        marks = [m for m in (listing.watermark, listing.high) if m is not None]
        return QueueState(watermark=max(marks) if marks else None)
    return QueueState(
        watermark=listing.watermark,
        listing_since=listing.since,
        listing_token=listing.token,
        listing_high=listing.high,
    )


# ---------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class JobRow:
    """The columns of one ``jobs`` row (``first_seen``/``last_seen``/``revision`` aside)."""

    job_arn: str
    job_id: str
    account_id: str
    region: str
    queue: str
    job_name: str
    job_definition: str | None
    definition_name: str | None
    kind: str
    status: str
    status_reason: str | None
    failure_kind: str | None
    created_at: int | None
    started_at: int | None
    stopped_at: int | None
    exit_code: int | None
    attempts: int | None
    array_size: int | None
    array_index: int | None
    parent_job_id: str | None
    share_identifier: str | None
    vcpus: float | None
    memory_mib: float | None
    gpus: float | None
    final: bool
    detail: str | None
    detail_hash: str | None


@dataclass(frozen=True)
class Known:
    """What the archive holds about a job, as far as the rules need it."""

    job_arn: str
    status: str
    final: bool
    gone: bool
    detail_hash: str | None
    first_seen: int
    queue: str = ""


@dataclass(frozen=True)
class Event:
    """A row of ``job_events`` / ``s3_job_events``: a status observed to change."""

    job_arn: str  # the S3 job id for S3 jobs
    job_id: str
    queue: str
    status: str
    previous_status: str | None
    observed_at: int
    source: str  # "list" | "describe" | "gone"


@dataclass
class Decision:
    """What to write for a batch of observations, and what it amounts to."""

    rows: list[Any] = field(default_factory=list)  # JobRow | S3Row, with first_seen
    first_seen: dict[str, int] = field(default_factory=dict)  # key -> first_seen to keep
    gone: list[str] = field(default_factory=list)  # keys to mark gone
    events: list[Event] = field(default_factory=list)
    children: list[JobRow] = field(default_factory=list)  # inserted unless present
    new: int = 0
    changed: int = 0
    ended: int = 0
    gone_count: int = 0

    @property
    def empty(self) -> bool:
        return not (self.rows or self.gone or self.events or self.children)


def canonical_json(wire: Mapping[str, Any]) -> tuple[str, str]:
    """The stored JSON of a wire dict (keys sorted, compact) and its hash."""
    text = json.dumps(wire, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _name(arn_or_name: str | None) -> str | None:
    if arn_or_name is None:
        return None
    return arn_or_name.rsplit("/", 1)[-1]


def definition_name(definition: str | None) -> str | None:
    """``arn:...:job-definition/train:3`` or ``train:3`` -> ``train``."""
    name = _name(definition)
    return None if name is None else name.split(":", 1)[0]


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def _kubernetes_quantity(text: Any, memory: bool) -> float | None:
    """``"2"``, ``"500m"`` (CPUs) or ``"2Gi"``, ``"512Mi"``, ``"1G"`` (memory, as MiB)."""
    if not isinstance(text, str) or not text:
        return None
    units = {
        "Ki": 1 / 1024,
        "Mi": 1.0,
        "Gi": 1024.0,
        "Ti": 1024.0**2,
        "k": 1000 / 1024**2,
        "M": 1000**2 / 1024**2,
        "G": 1000**3 / 1024**2,
        "T": 1000**4 / 1024**2,
        "m": 0.001,
    }
    for suffix in sorted(units, key=len, reverse=True):
        if text.endswith(suffix):
            value = _number(text[: -len(suffix)])
            if value is None:
                return None
            if suffix == "m":
                return value * 0.001 / (1024**2 if memory else 1)
            return value * units[suffix] if memory else None
    value = _number(text)
    if value is None:
        return None
    return value / 1024**2 if memory else value  # bytes -> MiB; CPUs as they are


def _container_resources(container: Mapping[str, Any]) -> tuple[float, float, float]:
    vcpus = _number(container.get("vcpus")) or 0.0
    memory = _number(container.get("memory")) or 0.0
    gpus = 0.0
    for requirement in container.get("resourceRequirements") or ():
        kind, value = requirement.get("type"), _number(requirement.get("value"))
        if value is None:
            continue
        if kind == "VCPU":
            vcpus = value
        elif kind == "MEMORY":
            memory = value
        elif kind == "GPU":
            gpus = value
    return vcpus, memory, gpus


def resources(wire: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    """A job's vCPUs, memory (MiB) and GPUs from its DescribeJobs detail: the container's
    (``resourceRequirements``, else ``vcpus``/``memory``), the sum over an ECS task's
    containers, or an EKS pod's containers' requests (else limits).  None when the detail
    names none (a multi-node parent: its nodes are the jobs that use resources)."""
    containers: list[Mapping[str, Any]] = []
    if wire.get("container"):
        containers.append(wire["container"])
    for task in (wire.get("ecsProperties") or {}).get("taskProperties") or ():
        containers += task.get("containers") or ()
    total = [0.0, 0.0, 0.0]
    found = False
    for container in containers:
        for i, value in enumerate(_container_resources(container)):
            total[i] += value
        found = True
    pod = (wire.get("eksProperties") or {}).get("podProperties") or {}
    for container in pod.get("containers") or ():
        spec = container.get("resources") or {}
        wanted = {**(spec.get("limits") or {}), **(spec.get("requests") or {})}
        total[0] += _kubernetes_quantity(wanted.get("cpu"), memory=False) or 0.0
        total[1] += _kubernetes_quantity(wanted.get("memory"), memory=True) or 0.0
        total[2] += _number(wanted.get("nvidia.com/gpu")) or 0.0
        found = True
    if not found:
        return None, None, None
    return total[0], total[1], total[2]


# The words batchkit's failure report looks for (batchkit.FailureKind; the same order).
_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("DEPENDENCY_FAILED", ("dependent job failed", "dependency", "depends on")),
    ("CANCELLED", ("cancelled by user", "canceled by user", "terminated by user", "cancelled by")),
    ("TIMEOUT", ("timeout", "timed out", "attempt duration exceeded", "duration exceeded")),
    (
        "IMAGE_PULL",
        (
            "cannotpullcontainer",
            "pull image",
            "pulling image",
            "errimagepull",
            "imagepullbackoff",
            "image pull",
            "unable to pull",
            "manifest unknown",
        ),
    ),
    (
        "HOST_TERMINATED",
        (
            "host ec2",
            "spot",
            "instance terminated",
            "host terminated",
            "task stopped by",
            "capacity was reclaimed",
            "ec2 instance",
        ),
    ),
)
_OOM = ("outofmemory", "out of memory", "oomkilled", "memory usage", "oom-kill", "oom kill")


def failure_kind(wire: Mapping[str, Any]) -> str | None:
    """A FAILED job's :class:`batchkit.FailureKind` value from its detail (None unless
    FAILED), by the rules of ``BatchClient.why``: a failed dependency, a user's cancel, a
    timeout, an image pull, a lost host, out of memory (exit 137), a non-zero exit."""
    if wire.get("status") != "FAILED":
        return None
    texts: list[Any] = [wire.get("statusReason"), (wire.get("container") or {}).get("reason")]
    codes: list[Any] = [(wire.get("container") or {}).get("exitCode")]
    attempts = wire.get("attempts") or ()
    if attempts:
        last = attempts[-1]
        texts += [last.get("statusReason"), (last.get("container") or {}).get("reason")]
        codes.append((last.get("container") or {}).get("exitCode"))
        for task in last.get("taskProperties") or ():
            for container in task.get("containers") or ():
                texts.append(container.get("reason"))
                codes.append(container.get("exitCode"))
    for task in (wire.get("ecsProperties") or {}).get("taskProperties") or ():
        for container in task.get("containers") or ():
            texts.append(container.get("reason"))
            codes.append(container.get("exitCode"))
    for attempt in (wire.get("eksAttempts") or ())[-1:]:
        texts.append(attempt.get("statusReason"))
        for container in attempt.get("containers") or ():
            texts.append(container.get("reason"))
            codes.append(container.get("exitCode"))
    text = " | ".join(t for t in texts if isinstance(t, str)).lower()
    exits = [c for c in codes if isinstance(c, int)]
    for kind, words in _KINDS:
        if kind == "CANCELLED" and (wire.get("isCancelled") or wire.get("isTerminated")):
            return kind
        if any(word in text for word in words):
            return kind
    if 137 in exits or any(word in text for word in _OOM):
        return "OUT_OF_MEMORY"
    if any(code != 0 for code in exits):
        return "NON_ZERO_EXIT"
    return "UNKNOWN"


def _exit_code(wire: Mapping[str, Any]) -> int | None:
    code = (wire.get("container") or {}).get("exitCode")
    if code is None and wire.get("attempts"):
        code = (wire["attempts"][-1].get("container") or {}).get("exitCode")
    return code if isinstance(code, int) else None


def _kind(wire: Mapping[str, Any]) -> tuple[str, str | None]:
    """``job``, ``array`` (a parent), ``array-child``, ``multinode`` (a parent) or ``node``,
    and the parent's id for children."""
    job_id = wire["jobId"]
    array = wire.get("arrayProperties") or {}
    if wire.get("nodeDetails") is not None or ("#" in job_id and wire.get("nodeProperties")):
        return "node", job_id.split("#", 1)[0]
    if array.get("index") is not None:
        return "array-child", job_id.split(":", 1)[0]
    if array.get("size") is not None:
        return "array", None
    if wire.get("nodeProperties") is not None:
        return "multinode", None
    return "job", None


def job_arn(wire: Mapping[str, Any], identity: Identity) -> str:
    arn = wire.get("jobArn")
    if isinstance(arn, str) and arn:
        return arn
    return f"arn:aws:batch:{identity.region}:{identity.account_id}:job/{wire['jobId']}"


def job_row(wire: Mapping[str, Any], identity: Identity, queue: str) -> JobRow:
    """The ``jobs`` row of a DescribeJobs detail (its wire dict)."""
    text, digest = canonical_json(wire)
    kind, parent = _kind(wire)
    array = wire.get("arrayProperties") or {}
    vcpus, memory, gpus = resources(wire)
    status = str(wire["status"])
    definition = wire.get("jobDefinition")
    return JobRow(
        job_arn=job_arn(wire, identity),
        job_id=wire["jobId"],
        account_id=identity.account_id,
        region=identity.region,
        queue=queue,
        job_name=wire["jobName"],
        job_definition=definition,
        definition_name=definition_name(definition),
        kind=kind,
        status=status,
        status_reason=wire.get("statusReason"),
        failure_kind=failure_kind(wire),
        created_at=wire.get("createdAt"),
        started_at=wire.get("startedAt"),
        stopped_at=wire.get("stoppedAt"),
        exit_code=_exit_code(wire),
        attempts=len(wire.get("attempts") or ()),
        array_size=array.get("size"),
        array_index=array.get("index"),
        parent_job_id=parent,
        share_identifier=wire.get("shareIdentifier"),
        vcpus=vcpus,
        memory_mib=memory,
        gpus=gpus,
        final=status in TERMINAL,
        detail=text,
        detail_hash=digest,
    )


def summary_row(wire: Mapping[str, Any], identity: Identity, queue: str) -> JobRow:
    """The ``jobs`` row of a ListJobs summary DescribeJobs did not return (yet): what the
    summary says, no detail; described again by the next sync."""
    array = wire.get("arrayProperties") or {}
    definition = wire.get("jobDefinition")
    kind = "array" if array.get("size") is not None else "job"
    if (wire.get("nodeProperties") or {}).get("numNodes") is not None:
        kind = "multinode"
    return JobRow(
        job_arn=job_arn(wire, identity),
        job_id=wire["jobId"],
        account_id=identity.account_id,
        region=identity.region,
        queue=queue,
        job_name=wire["jobName"],
        job_definition=definition,
        definition_name=definition_name(definition),
        kind=kind,
        status=str(wire.get("status") or "SUBMITTED"),
        status_reason=wire.get("statusReason"),
        failure_kind=None,
        created_at=wire.get("createdAt"),
        started_at=wire.get("startedAt"),
        stopped_at=wire.get("stoppedAt"),
        exit_code=(wire.get("container") or {}).get("exitCode"),
        attempts=None,
        array_size=array.get("size"),
        array_index=None,
        parent_job_id=None,
        share_identifier=wire.get("shareIdentifier"),
        vcpus=None,
        memory_mib=None,
        gpus=None,
        final=False,
        detail=None,
        detail_hash=None,
    )


def child_rows(parent: JobRow) -> list[JobRow]:
    """Rows for the children of a parent the archive has just described: an array's
    (``id:0`` ...) or a multi-node job's nodes (``id#0`` ...) -- AWS names them so, and
    ListJobs on a queue does not list them.  They have status :data:`UNSEEN` and no detail
    until DescribeJobs describes them (in the same sync)."""
    ids: list[tuple[str, str, int | None]]
    if parent.kind == "array" and parent.array_size:
        ids = [(f"{parent.job_id}:{i}", "array-child", i) for i in range(parent.array_size)]
    elif parent.kind == "multinode":
        wire = json.loads(parent.detail or "{}")
        nodes = int((wire.get("nodeProperties") or {}).get("numNodes") or 0)
        ids = [(f"{parent.job_id}#{i}", "node", None) for i in range(nodes)]
    else:
        return []
    prefix = parent.job_arn.rsplit("/", 1)[0]
    return [
        replace(
            parent,
            job_arn=f"{prefix}/{job_id}",
            job_id=job_id,
            kind=kind,
            status=UNSEEN,
            status_reason=None,
            failure_kind=None,
            started_at=None,
            stopped_at=None,
            exit_code=None,
            attempts=None,
            array_size=None,
            array_index=index,
            parent_job_id=parent.job_id,
            vcpus=None,
            memory_mib=None,
            gpus=None,
            final=False,
            detail=None,
            detail_hash=None,
        )
        for job_id, kind, index in ids
    ]


# ---------------------------------------------------------------------------- decisions


def to_describe(known: Mapping[str, Known], summaries: Iterable[Mapping[str, Any]]) -> list[str]:
    """Which listed jobs (wire summaries, by id) need a DescribeJobs: those the archive
    does not have, has as gone, or has unfinished in another status."""
    wanted: list[str] = []
    for summary in summaries:
        job_id = summary["jobId"]
        stored = known.get(job_id)
        if (
            stored is None
            or stored.gone
            or (not stored.final and stored.status != summary.get("status"))
        ):
            wanted.append(job_id)
    return wanted


def _event(row: JobRow, previous: str | None, now: int, source: str) -> Event:
    return Event(row.job_arn, row.job_id, row.queue, row.status, previous, now, source)


def decide(
    known: Mapping[str, Known],
    described: Iterable[JobRow],
    missing: Iterable[str],
    *,
    now: int,
    gone_after: int,
    listed: Iterable[JobRow] = (),
    source: str = "describe",
) -> Decision:
    """What to write for the jobs of one batch.

    Args:
        known: what the archive holds, by job id, for every id of the batch it has.
        described: rows of the jobs DescribeJobs returned.
        missing: ids DescribeJobs did not return.
        now: when this was observed (epoch ms).
        gone_after: a job missing from DescribeJobs is *gone* once it was first seen at least
            this long ago (ms); before that it may just not be visible yet.
        listed: rows from ListJobs summaries of listed jobs DescribeJobs did not return: new
            ones are stored from their summary (and described by the next sync).
        source: what observed the descriptions (for the events).
    """
    decision = Decision()
    for row in described:
        stored = known.get(row.job_id)
        if row.kind in ("array", "multinode") and (stored is None or stored.detail_hash is None):
            decision.children += child_rows(row)
        if stored is None or stored.status == UNSEEN:
            decision.rows.append(row)
            decision.first_seen[row.job_arn] = now if stored is None else stored.first_seen
            decision.events.append(_event(row, None, now, source))
            decision.new += 1
            continue
        if not stored.gone and stored.detail_hash == row.detail_hash:
            continue
        decision.rows.append(row)
        decision.first_seen[row.job_arn] = stored.first_seen
        decision.changed += 1
        previous = GONE if stored.gone else stored.status
        if previous != row.status:
            decision.events.append(_event(row, previous, now, source))
        if row.status in TERMINAL and stored.status not in TERMINAL:
            decision.ended += 1
    listed_rows = {row.job_id: row for row in listed}
    for job_id in missing:
        stored = known.get(job_id)
        if stored is None:
            summary = listed_rows.get(job_id)
            if summary is not None:  # listed, not described yet: keep what the listing said
                decision.rows.append(summary)
                decision.first_seen[summary.job_arn] = now
                decision.events.append(_event(summary, None, now, "list"))
                decision.new += 1
            continue
        if stored.final or stored.gone or now - stored.first_seen < gone_after:
            continue
        decision.gone.append(stored.job_arn)
        decision.events.append(
            Event(stored.job_arn, job_id, stored.queue, GONE, stored.status, now, "gone")
        )
        decision.gone_count += 1
    return decision


# ---------------------------------------------------------------------------- S3


@dataclass(frozen=True)
class S3Row:
    """The columns of one ``s3_jobs`` row (``first_seen``/``last_seen``/``revision`` aside)."""

    account_id: str
    region: str
    job_id: str
    description: str | None
    operation: str | None
    priority: int | None
    status: str
    created_at: int | None
    terminated_at: int | None
    total_tasks: int | None
    succeeded_tasks: int | None
    failed_tasks: int | None
    active_seconds: int | None
    final: bool
    detail: str
    detail_hash: str

    @property
    def job_arn(self) -> str:  # the key the decisions use
        return self.job_id


def _epoch_ms(value: Any) -> int | None:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return round(moment.timestamp() * 1000)
    if isinstance(value, str):
        try:
            return _epoch_ms(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def s3_row(wire: Mapping[str, Any], identity: Identity) -> S3Row:
    """The ``s3_jobs`` row of an S3 Control ListJobs item (its wire dict)."""
    safe = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in wire.items()}
    text, digest = canonical_json(safe)
    progress = wire.get("ProgressSummary") or {}
    status = str(wire.get("Status") or "")
    return S3Row(
        account_id=identity.account_id,
        region=identity.region,
        job_id=str(wire["JobId"]),
        description=wire.get("Description"),
        operation=wire.get("Operation"),
        priority=wire.get("Priority"),
        status=status,
        created_at=_epoch_ms(wire.get("CreationTime")),
        terminated_at=_epoch_ms(wire.get("TerminationDate")),
        total_tasks=progress.get("TotalNumberOfTasks"),
        succeeded_tasks=progress.get("NumberOfTasksSucceeded"),
        failed_tasks=progress.get("NumberOfTasksFailed"),
        active_seconds=(progress.get("Timers") or {}).get("ElapsedTimeInActiveSeconds"),
        final=status in TERMINAL_S3,
        detail=text,
        detail_hash=digest,
    )


def decide_s3(
    known: Mapping[str, Known],
    listed: Iterable[S3Row],
    *,
    now: int,
    unseen: Sequence[str] = (),
) -> Decision:
    """What to write for a page of S3 jobs; ``unseen``: stored unfinished jobs a complete
    listing did not return (gone: S3 lists current jobs and those ended in the last 90
    days, so an unfinished job missing from a whole listing is no longer known)."""
    decision = Decision()
    for row in listed:
        stored = known.get(row.job_id)
        if stored is not None and not stored.gone and stored.detail_hash == row.detail_hash:
            continue
        decision.rows.append(row)
        decision.first_seen[row.job_id] = now if stored is None else stored.first_seen
        previous = None if stored is None else (GONE if stored.gone else stored.status)
        if stored is None:
            decision.new += 1
        else:
            decision.changed += 1
            if row.final and stored.status not in TERMINAL_S3:
                decision.ended += 1
        if previous != row.status:
            decision.events.append(
                Event(row.job_id, row.job_id, "", row.status, previous, now, "list")
            )
    for job_id in unseen:
        stored = known.get(job_id)
        if stored is None or stored.final or stored.gone:
            continue
        decision.gone.append(job_id)
        decision.events.append(Event(job_id, job_id, "", GONE, stored.status, now, "gone"))
        decision.gone_count += 1
    return decision


@dataclass(frozen=True)
class SyncKey:
    source: str  # "batch" | "s3"
    identity: Identity
    queue: str  # "" for S3


@dataclass(frozen=True)
class SyncReport:
    """What one ``Archive.sync`` did (also on :attr:`ArchiveError.report` when it stopped).

    ``new``: jobs stored for the first time; ``changed``: stored jobs whose status or any
    other member changed; ``ended``: of those, jobs that became SUCCEEDED/FAILED (S3:
    Complete/Failed/Cancelled); ``gone``: unfinished jobs AWS no longer knows, marked
    ``gone``.  ``requests`` counts the AWS requests batchkit made (``list_requests``:
    ListJobs and S3 Control ListJobs pages, ``describe_requests``: DescribeJobs,
    ``queue_requests``: DescribeJobQueues); botocore's retries are not counted.
    ``writes``: rows the archive inserted or updated (0 when nothing was new).
    """

    new: int = 0
    changed: int = 0
    ended: int = 0
    gone: int = 0
    list_requests: int = 0
    describe_requests: int = 0
    queue_requests: int = 0
    writes: int = 0
    duration: timedelta = timedelta(0)
    queues: tuple[str, ...] = field(default=())
    """The queues synced, as ``account_id/region/name`` (``account_id/region/s3`` for S3)."""
    complete: bool = True
    """False on the report of an :class:`ArchiveError`: the sync stopped part-way."""

    @property
    def requests(self) -> int:
        """Every AWS request made."""
        return self.list_requests + self.describe_requests + self.queue_requests

    def __add__(self, other: SyncReport) -> SyncReport:
        return SyncReport(
            new=self.new + other.new,
            changed=self.changed + other.changed,
            ended=self.ended + other.ended,
            gone=self.gone + other.gone,
            list_requests=self.list_requests + other.list_requests,
            describe_requests=self.describe_requests + other.describe_requests,
            queue_requests=self.queue_requests + other.queue_requests,
            writes=self.writes + other.writes,
            duration=self.duration + other.duration,
            queues=self.queues + other.queues,
            complete=self.complete and other.complete,
        )

    def __str__(self) -> str:
        seconds = self.duration.total_seconds()
        return (
            f"{self.new} new, {self.changed} changed ({self.ended} ended), {self.gone} gone; "
            f"{self.requests} requests ({self.list_requests} list, {self.describe_requests} "
            f"describe), {self.writes} rows written, {seconds:.1f} s, "
            f"{len(self.queues)} queue(s)" + ("" if self.complete else " -- stopped part-way")
        )


@dataclass(frozen=True)
class FeedOptions:
    clock: Any  # batchkit.Clock: now(), monotonic()
    overlap: timedelta
    gone_after: timedelta
    progress: Callable[[str, SyncReport], None] | None = None


class ArchiveError(BatchKitError):
    """Something went wrong reading AWS into the archive, or in the database.

    The message says what happened and where; ``__cause__`` is the original error (a
    :class:`batchkit.BatchKitError` from the client, a driver's database error).  A sync
    that stops on an error has committed every page before it: ``report`` says what it
    did, and running ``sync`` again resumes (``resume_token`` is the listing position
    stored for the queue it stopped in, kept in the archive's ``sync_state`` table).
    """

    def __init__(
        self,
        message: str,
        *,
        report: SyncReport | None = None,
        resume_token: str | None = None,
        queue: str | None = None,
    ) -> None:
        super().__init__(message)
        self.report = report
        """What the sync had done when it stopped (None outside a sync)."""
        self.resume_token = resume_token
        self.queue = queue
        """The queue (``account/region/name``) the sync stopped in, when it was in one."""


class ArchiveStore(Protocol):
    """What the feeding loop needs of the archive's database (``batchkit.archive``'s
    ``Store`` is one): reads of what is stored, and writes each of one transaction."""

    writes: int
    """Rows written so far (inserted, updated)."""

    def pending(
        self,
        identity: Identity,
        queue: str,
        after: str | None,
        limit: int,
        *,
        undescribed_only: bool = False,
    ) -> list[str]: ...

    def known(self, identity: Identity, job_ids: Sequence[str]) -> dict[str, Known]: ...

    def write(
        self,
        identity: Identity,
        decision: Decision,
        *,
        now: int,
        state: tuple[SyncKey, QueueState] | None = None,
    ) -> int: ...

    def queue_state(self, key: SyncKey) -> QueueState | None: ...

    def save_state(self, key: SyncKey, state: QueueState) -> int: ...

    def unfinished_s3(self, identity: Identity) -> dict[str, Known]: ...

    def known_s3(self, identity: Identity, job_ids: Sequence[str]) -> dict[str, Known]: ...

    def write_s3(
        self,
        identity: Identity,
        decision: Decision,
        *,
        now: int,
        state: tuple[SyncKey, QueueState] | None = None,
    ) -> int: ...
