"""``why()`` for every status, ``why_queue()`` and ``queue_health()``: the reads, around
:mod:`batchkit._core.diagnose`'s sans-I/O rules (generated into ``batchkit._sync.diagnose``).

A job that ended (or runs) gets a :class:`~batchkit.FailureReport` (``batchkit._async.report``);
one that has not started a :class:`~batchkit.WaitReport`, from its dependencies, its queue,
the queue's compute environments, EC2's instance sizes, the queue's snapshot and the
consumable resources it needs -- each read only when the decision still needs it.  A read
that fails (no permission, an endpoint without the operation, throttling) becomes a "check
not made" in the report, never a failure of the report; only the job itself must be read.
An array or multi-node parent's report carries a summary of all its children.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from batchkit._core.checks import check_int, queue_ref
from batchkit._core.diagnose import (
    CheckNotMade,
    QueueEvidence,
    QueueHealth,
    WaitEvidence,
    WaitKind,
    WaitReport,
    arn_region,
    assemble_queue_health,
    assemble_wait_report,
    check_not_made,
    consumable_names,
    decide,
    dependency_ids,
    environment_arns,
    front_ids,
    instance_type_query,
    is_waiting,
    parse_blocked_reason,
    waiting_child_status,
)
from batchkit._core.errors import BatchKitError, NotFoundError
from batchkit._core.report import (
    ChildrenSummary,
    ChildrenTally,
    FailureReport,
    check_report_job,
    children_plan,
)
from batchkit._core.text import escape_controls
from batchkit._spec.operations import (
    DESCRIBE_COMPUTE_ENVIRONMENTS,
    DESCRIBE_CONSUMABLE_RESOURCE,
    DESCRIBE_JOB_QUEUES,
    DESCRIBE_JOBS,
    EC2_DESCRIBE_INSTANCE_TYPES,
    GET_JOB_QUEUE_SNAPSHOT,
    LIST_JOBS,
)

if TYPE_CHECKING:
    from batchkit._async.protocols import AsyncDiagnoseReader
    from batchkit.models import JobDetail, JobQueueDetail

__all__ = ["explain", "queue_health", "wait_report", "why_queue"]

#: At most this many front jobs are described to find a blocked-queue code ahead of a job.
AHEAD = 20


async def explain(
    batch: AsyncDiagnoseReader, job: object, *, lines: int = 20
) -> FailureReport | WaitReport:
    """``why(job)``: a ``WaitReport`` for a job that has not started, else a
    ``FailureReport`` -- with a summary of the children of an array or multi-node parent."""
    from batchkit._async.report import build_report

    given = check_report_job(job, lines)
    detail = await batch.describe_job(given) if isinstance(given, str) else given
    plan = children_plan(detail)
    children = await _children(batch, detail, plan) if plan is not None else None
    if is_waiting(detail):
        target, parent = detail, None
        if plan is not None and plan[0] == "array" and children is not None:
            status = waiting_child_status(children.counts)
            if status is not None:
                child = await batch.list_jobs(array_job_id=detail.job_id, status=status).first()
                if child is not None:
                    target, parent = await batch.describe_job(child.job_id), detail.job_id
        return await wait_report(batch, target, parent=parent, children=children)
    report = await build_report(batch, detail, lines=lines)
    if children is not None:
        report = report.model_copy(update={"children": children})
    return report


async def _children(
    batch: AsyncDiagnoseReader, parent: JobDetail, plan: tuple[str, dict[str, Any], Any]
) -> ChildrenSummary:
    """All the children at a glance: counts per status (an array's own summary, or counted
    from the listing) and the failed ones grouped (bounded: see ``ChildrenTally``)."""
    kind, arguments, counts = plan
    total = 0
    if parent.array_properties is not None:
        total = parent.array_properties.size or 0
    elif parent.node_properties is not None:
        total = parent.node_properties.num_nodes or 0
    error: str | None = None
    try:
        if counts is None:  # a multi-node job: count its nodes
            counts = {}
            async with batch.list_jobs(**arguments, status="ALL") as nodes:
                async for node in nodes:
                    status = node.status.value if node.status is not None else "UNKNOWN"
                    counts[status] = counts.get(status, 0) + 1
            total = total or sum(counts.values())
        tally = ChildrenTally(kind, total, counts)
        if counts.get("FAILED"):
            async with batch.list_jobs(**arguments, status="FAILED") as failed:
                async for child in failed:
                    tally.add(child)
                    if tally.full:
                        break
    except BatchKitError as problem:
        tally = ChildrenTally(kind, total, counts or {})
        error = check_not_made(LIST_JOBS.label, problem).reason
    summary = tally.summary()
    return summary.model_copy(update={"error": error}) if error else summary


async def wait_report(
    batch: AsyncDiagnoseReader,
    job: JobDetail,
    *,
    parent: str | None = None,
    children: ChildrenSummary | None = None,
    context: QueueEvidence | None = None,
    ahead: tuple[JobDetail, ...] | None = None,
) -> WaitReport:
    """The ``WaitReport`` of a job that has not started (``context``: its queue's evidence,
    already read; ``ahead``: the front jobs ahead of it, already described)."""
    evidence = await _gather(batch, job, context, ahead)
    return assemble_wait_report(
        evidence,
        parent=parent,
        children=children,
        default_region=batch.region_name or "",
        now=datetime.now(timezone.utc),
    )


async def _gather(
    batch: AsyncDiagnoseReader,
    job: JobDetail,
    context: QueueEvidence | None,
    ahead: tuple[JobDetail, ...] | None,
) -> WaitEvidence:
    evidence = WaitEvidence(job)
    status = job.status.value if job.status is not None else ""
    if status == "STARTING":
        return evidence
    ids = dependency_ids(job)
    if ids and status in ("SUBMITTED", "PENDING"):
        try:
            async with batch.describe_jobs(ids) as details:
                found = tuple(await details.to_list())
            evidence = replace(evidence, dependencies=found, dependencies_read=True)
        except BatchKitError as error:
            evidence = evidence.missing(f"{DESCRIBE_JOBS.label} (dependencies)", error)
        if decide(evidence).kind == WaitKind.DEPENDENCY:
            return evidence
    if context is None:
        context = await queue_evidence(batch, job.job_queue)
    evidence = context.applied(evidence)
    if context.stops_early():
        return evidence
    if ahead is None and context.snapshot is not None:
        wanted = front_ids(context.snapshot, job, AHEAD)
        if wanted:
            try:
                async with batch.describe_jobs(wanted) as details:
                    ahead = tuple(await details.to_list())
            except BatchKitError as error:
                evidence = evidence.missing(f"{DESCRIBE_JOBS.label} (front of the queue)", error)
    if ahead:
        evidence = replace(evidence, ahead=ahead)
    names = consumable_names(job)
    if names:
        read = []
        for name in names:
            try:
                read.append(await batch.describe_consumable_resource(name))
            except BatchKitError as error:
                evidence = evidence.missing(DESCRIBE_CONSUMABLE_RESOURCE.label, error)
        evidence = replace(evidence, consumables=tuple(read))
    return evidence


async def queue_evidence(
    batch: AsyncDiagnoseReader, queue: str, found: JobQueueDetail | None = None
) -> QueueEvidence:
    """Read a queue (unless ``found``), its compute environments, the instance sizes they
    may launch and its snapshot -- stopping as soon as the queue alone decides (disabled,
    invalid, no usable compute environment)."""
    context = QueueEvidence()
    if found is None:
        try:
            found = await batch.job_queues([queue]).first()
        except BatchKitError as error:
            return context.missing(DESCRIBE_JOB_QUEUES.label, error)
        if found is None:
            note = CheckNotMade(check=DESCRIBE_JOB_QUEUES.label, reason="the queue was not found")
            return replace(context, not_made=(note,))
    context = replace(context, queue=found)
    if context.stops_early():
        return context
    context = await _environments(batch, context, found)
    if context.stops_early():
        return context
    try:
        snapshot = await batch.queue_snapshot(found.job_queue_arn)
        context = replace(context, snapshot=snapshot)
    except BatchKitError as error:
        context = context.missing(GET_JOB_QUEUE_SNAPSHOT.label, error)
    return context


async def _environments(
    batch: AsyncDiagnoseReader, context: QueueEvidence, queue: JobQueueDetail
) -> QueueEvidence:
    arns = environment_arns(queue)
    environments: list[Any] = []
    try:
        for start in range(0, len(arns), 100):
            chunk = arns[start : start + 100]
            environments += await batch.compute_environments(chunk).to_list()
    except BatchKitError as error:
        return context.missing(DESCRIBE_COMPUTE_ENVIRONMENTS.label, error)
    context = replace(context, environments=tuple(environments))
    if context.stops_early():
        return context
    names, families = instance_type_query(environments)
    if not names and not families:
        return context
    region = arn_region(queue.job_queue_arn) or batch.region_name
    infos: list[Any] = []
    try:  # at most 100 filter values a request
        for start in range(0, len(names), 100):
            exact = batch.instance_types(names[start : start + 100], region=region)
            infos += await exact.to_list()
        for start in range(0, len(families), 100):
            whole = batch.instance_types(families=families[start : start + 100], region=region)
            infos += await whole.to_list()
    except BatchKitError as error:
        return context.missing(EC2_DESCRIBE_INSTANCE_TYPES.label, error)
    return replace(context, instance_types=tuple(infos))


async def why_queue(
    batch: AsyncDiagnoseReader, queue: object, *, stuck: bool = False, limit: int = 10
) -> list[WaitReport]:
    """The ``WaitReport`` s of the jobs at the front of ``queue`` (its snapshot), front
    first; ``stuck=True`` keeps those held by something other than their turn."""
    name = queue_ref(queue)
    check_int("limit", limit, 1, 100)
    found = await batch.job_queues([name]).first()  # the queue asked about: errors are raised
    if found is None:
        raise NotFoundError(
            operation=DESCRIBE_JOB_QUEUES.label,
            code="JobQueueNotFound",
            message=f"no job queue {escape_controls(name)!r} in this account and region",
            request_id=None,
            http_status=None,
        )
    context = await queue_evidence(batch, found.job_queue_arn, found)
    jobs = await _front_jobs(batch, context, name, stuck=stuck, limit=limit)
    reports: list[WaitReport] = []
    for index, job in enumerate(jobs):
        report = await wait_report(batch, job, context=context, ahead=tuple(jobs[:index]))
        if not stuck or (report.blocked and report.kind != WaitKind.BEHIND_BLOCKED_JOB):
            reports.append(report)
            if len(reports) >= limit:
                break
    return reports


async def _front_jobs(
    batch: AsyncDiagnoseReader, context: QueueEvidence, queue: str, *, stuck: bool, limit: int
) -> list[JobDetail]:
    """The jobs at the front of the queue, described, front first: from the snapshot; without
    one, the RUNNABLE jobs a listing finds (those with a blocked-queue code first)."""
    if context.snapshot is not None:
        ids = front_ids(context.snapshot, None, limit if not stuck else 100)
    else:
        ids = []
        async with batch.list_jobs(queue, status="RUNNABLE", max_items=1000) as listing:
            async for summary in listing:
                if parse_blocked_reason(summary.status_reason) is not None or not stuck:
                    ids.append(summary.job_id)
                if len(ids) >= limit:
                    break
    if not ids:
        return []
    async with batch.describe_jobs(ids) as details:
        by_id = {d.job_id: d async for d in details}
    jobs = [by_id[i] for i in ids if i in by_id and is_waiting(by_id[i])]
    return jobs[:limit] if not stuck else jobs


async def queue_health(
    batch: AsyncDiagnoseReader, queues: object = None, *, runnable_limit: int = 1000
) -> list[QueueHealth]:
    """Every queue (or the ones named) at a glance; see ``QueueHealth``."""
    check_int("runnable_limit", runnable_limit, 0, 100_000)
    names = None if queues is None else _queue_names(queues)
    found = await batch.job_queues(names).to_list()
    arns = list(dict.fromkeys(a for q in found for a in environment_arns(q)))
    environments: list[Any] | None = []
    shared: list[Any] = []
    try:
        for start in range(0, len(arns), 100):
            assert environments is not None
            environments += await batch.compute_environments(arns[start : start + 100]).to_list()
    except BatchKitError as error:
        environments = None
        shared.append(check_not_made(DESCRIBE_COMPUTE_ENVIRONMENTS.label, error))
    out = []
    for queue in found:
        not_made = list(shared)
        runnable: int | None = None
        capped = False
        if runnable_limit:
            try:
                runnable = 0
                async with batch.list_jobs(
                    queue.job_queue_arn, status="RUNNABLE", max_items=runnable_limit + 1
                ) as listing:
                    async for _summary in listing:
                        runnable += 1
                capped = runnable > runnable_limit
                runnable = min(runnable, runnable_limit)
            except BatchKitError as error:
                runnable = None
                not_made.append(check_not_made(LIST_JOBS.label, error))
        snapshot = None
        front: list[JobDetail] = []
        try:
            snapshot = await batch.queue_snapshot(queue.job_queue_arn)
        except BatchKitError as error:
            not_made.append(check_not_made(GET_JOB_QUEUE_SNAPSHOT.label, error))
        if snapshot is not None:
            ids = front_ids(snapshot, None, 5)
            if ids:
                try:
                    async with batch.describe_jobs(ids) as details:
                        front = await details.to_list()
                except BatchKitError as error:
                    not_made.append(check_not_made(DESCRIBE_JOBS.label, error))
        mine = None
        if environments is not None:
            wanted = set(environment_arns(queue))
            mine = [e for e in environments if e.compute_environment_arn in wanted]
        out.append(
            assemble_queue_health(
                queue,
                mine,
                runnable=runnable,
                runnable_capped=capped,
                snapshot=snapshot,
                front=front,
                not_made=not_made,
                now=datetime.now(timezone.utc),
            )
        )
    return out


def _queue_names(queues: object) -> list[str]:
    if isinstance(queues, Iterable) and not isinstance(queues, str):
        return list(dict.fromkeys(queue_ref(q, "queues item") for q in queues))
    return [queue_ref(queues, "queues")]
