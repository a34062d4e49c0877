"""Why a job has not started: the rules of a :class:`WaitReport` (sans-I/O).

Why: "my job is stuck in RUNNABLE: why?" is the question AWS Batch users ask most, and the
answer is spread over the job (its dependencies, what it asks for, AWS's blocked-queue code in
``statusReason``), its queue (state, status, compute environment order), the compute
environments (state, status, vCPU figures, instance types), EC2's instance sizes, the queue's
snapshot (who is at the front, since when) and consumable resources.  The loop that reads
them is ``batchkit._async.diagnose`` (generated into ``batchkit._sync.diagnose``); here are
the rules that decide the :class:`WaitKind` from what was read, and the report itself.

The decision, in order (the first that applies wins):

1. the status decides what can apply: ``STARTING`` -> :attr:`WaitKind.STARTING`;
2. AWS's own blocked-queue code in ``statusReason`` (``CAPACITY:...``,
   ``MISCONFIGURATION:...``, ``ACTION_REQUIRED``) -- AWS knows best (``UNDETERMINED`` is AWS
   saying it does not know: batchkit's checks go on);
3. batchkit's checks, where AWS is silent: ``DEPENDENCY``, ``QUEUE_DISABLED``,
   ``QUEUE_INVALID``, ``NO_VALID_COMPUTE``, ``RESOURCE_REQUIREMENT``, ``MAX_RESOURCE``,
   ``CONSUMABLE_RESOURCE``, ``BEHIND_BLOCKED_JOB``, then ``QUEUED`` (nothing wrong) -- or
   ``UNDETERMINED`` when a check that matters could not be made.

>>> from batchkit.models import JobDetail
>>> job = JobDetail.model_validate({"jobId": "j1", "jobName": "etl", "jobQueue": "q",
...     "status": "RUNNABLE", "jobDefinition": "etl:1", "statusReason":
...     "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity"})
>>> decide(WaitEvidence(job)).kind
WaitKind.CAPACITY
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from batchkit._core.locations import job_console_url, job_region, partition_of
from batchkit._core.report import (
    ChildrenSummary,
    JobReport,
    _fmt_duration,
    _fmt_time,
    _Report,
    _safe,
)
from batchkit._core.text import escape_controls
from batchkit._spec.base import OpenEnum
from batchkit._spec.operations import DESCRIBE_COMPUTE_ENVIRONMENTS

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from batchkit.models import (
        ComputeEnvironmentDetail,
        ConsumableResourceDetail,
        EC2InstanceTypeInfo,
        JobDetail,
        JobQueueDetail,
        JobQueueSnapshot,
    )

__all__ = [
    "AWS_CODES",
    "FARGATE_LIMITS",
    "WAITING_STATUSES",
    "BlockedReason",
    "CheckNotMade",
    "ComputeEnvironmentState",
    "ConsumableShortfall",
    "Decision",
    "Dependency",
    "InstanceFit",
    "QueueEvidence",
    "QueueHealth",
    "QueuePosition",
    "QueueState",
    "Requirement",
    "Shortfall",
    "WaitEvidence",
    "WaitKind",
    "WaitReport",
    "arn_region",
    "assemble_queue_health",
    "assemble_wait_report",
    "check_not_made",
    "consumable_names",
    "decide",
    "dependency_ids",
    "environment_arns",
    "front_ids",
    "instance_type_query",
    "is_waiting",
    "parse_blocked_reason",
    "position_of",
    "requirement",
    "usable_memory_mib",
    "waiting_child_status",
]


class WaitKind(OpenEnum):
    """Why a job has not started (an open enum: compare with ``==``; kinds a newer batchkit
    adds are kept)."""

    DEPENDENCY = "DEPENDENCY"
    """PENDING on jobs it depends on that have not ended."""
    QUEUE_DISABLED = "QUEUE_DISABLED"
    """Its job queue is DISABLED: no new job is scheduled from it."""
    QUEUE_INVALID = "QUEUE_INVALID"
    """Its job queue is INVALID (see the queue's statusReason)."""
    NO_VALID_COMPUTE = "NO_VALID_COMPUTE"
    """Every compute environment of its queue is DISABLED or INVALID."""
    RESOURCE_REQUIREMENT = "RESOURCE_REQUIREMENT"
    """It asks for more vCPUs, memory or GPUs than any instance its compute environments may
    launch gives, or more vCPUs than their ``maxvCpus``."""
    MAX_RESOURCE = "MAX_RESOURCE"
    """Its compute environments are at their ``maxvCpus`` (or AWS says they cannot meet the
    job's vCPUs)."""
    CAPACITY = "CAPACITY"
    """AWS cannot get the instances (insufficient EC2 capacity)."""
    SERVICE_ROLE = "SERVICE_ROLE"
    """AWS Batch's service role lacks permissions."""
    INSTANCE_CONFIGURATION = "INSTANCE_CONFIGURATION"
    """The EC2 configuration (AMI, architecture, launch template) is not supported."""
    ACTION_REQUIRED = "ACTION_REQUIRED"
    """AWS asks for an action (typically: its compute environments are INVALID)."""
    CONSUMABLE_RESOURCE = "CONSUMABLE_RESOURCE"
    """Not enough of a consumable resource it needs is available."""
    BEHIND_BLOCKED_JOB = "BEHIND_BLOCKED_JOB"
    """It waits behind a job blocked at the front of its queue (named, with AWS's code)."""
    QUEUED = "QUEUED"
    """Nothing wrong found: it waits for its turn (its position and the front's wait say how
    long)."""
    STARTING = "STARTING"
    """Placed on a host: the image is being pulled and the container started."""
    UNDETERMINED = "UNDETERMINED"
    """No cause could be determined (AWS's own ``UNDETERMINED``, or a check that matters could
    not be made)."""


#: AWS's blocked-queue codes (``statusReason`` of the RUNNABLE job at the head of a blocked
#: queue, followed by `` - `` and a message) and the kind each means.
AWS_CODES: dict[str, WaitKind] = {
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY": WaitKind.CAPACITY,
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE": WaitKind.MAX_RESOURCE,
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT": WaitKind.RESOURCE_REQUIREMENT,
    "MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED": WaitKind.INSTANCE_CONFIGURATION,
    "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS": WaitKind.SERVICE_ROLE,
    "ACTION_REQUIRED": WaitKind.ACTION_REQUIRED,
    "UNDETERMINED": WaitKind.UNDETERMINED,
    # service jobs (SageMaker training queues)
    "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE": WaitKind.MAX_RESOURCE,
    "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED": WaitKind.MAX_RESOURCE,
}

#: What to do about each kind.
ADVICE: dict[WaitKind, str] = {
    WaitKind.DEPENDENCY: "it starts when the jobs it depends on end: look at them (a failed "
    "dependency fails this job too)",
    WaitKind.QUEUE_DISABLED: "enable the job queue (UpdateJobQueue state=ENABLED), or submit "
    "to another queue",
    WaitKind.QUEUE_INVALID: "fix the job queue (its statusReason says what is wrong); jobs "
    "wait until it is VALID",
    WaitKind.NO_VALID_COMPUTE: "enable or repair a compute environment of the queue (an "
    "INVALID one's statusReason says why: often its service role, subnets or launch "
    "template), or attach another one",
    WaitKind.RESOURCE_REQUIREMENT: "ask for less (vCPUs, memory -- leave room for what the "
    "container agent keeps -- or GPUs), or allow bigger instance types / a higher maxvCpus "
    "in a compute environment of the queue; a jobStateTimeLimitAction can cancel such jobs "
    "so that they do not block the queue",
    WaitKind.MAX_RESOURCE: "the compute environments are at their maxvCpus: raise maxvCpus, "
    "attach another compute environment, or wait for running jobs to end",
    WaitKind.CAPACITY: "EC2 has no capacity for the instance types allowed right now: allow "
    "more instance types or Availability Zones (subnets), use On-Demand instead of Spot, or "
    "wait; a jobStateTimeLimitAction can cancel the job after a while",
    WaitKind.SERVICE_ROLE: "give the AWS Batch service role the permissions it lacks (or use "
    "the service-linked role)",
    WaitKind.INSTANCE_CONFIGURATION: "the AMI, architecture or launch template does not "
    "suit the instance types allowed: fix the compute environment's EC2 configuration",
    WaitKind.ACTION_REQUIRED: "a compute environment of the queue needs attention (INVALID): "
    "its statusReason says what to fix",
    WaitKind.CONSUMABLE_RESOURCE: "wait for running jobs to release the consumable resource, "
    "or raise its totalQuantity (UpdateConsumableResource)",
    WaitKind.BEHIND_BLOCKED_JOB: "the job at the front of the queue is stuck: fix or cancel "
    "it and the queue moves on",
    WaitKind.QUEUED: "nothing is wrong: it waits for its turn and for capacity",
    WaitKind.STARTING: "the container is starting: a long STARTING is usually a slow image "
    "pull (a large image, registry throttling, no route to the registry)",
    WaitKind.UNDETERMINED: "no cause found: look at the queue's compute environments and "
    "their Auto Scaling activity in the console",
}

#: The statuses of a job that has not started.
WAITING_STATUSES = frozenset({"SUBMITTED", "PENDING", "RUNNABLE", "STARTING"})

#: What a Fargate task may ask for at most: 16 vCPUs, 120 GiB, no GPU.
FARGATE_LIMITS = (16.0, 120 * 1024, 0)

#: ``instanceTypes`` values that name families chosen by AWS Batch.  ``optimal`` moves to the
#: ``default_x86_64`` families from November 2025: both sets count (what AWS may launch).
_INSTANCE_BUNDLES: dict[str, tuple[str, ...]] = {
    "optimal": ("c4", "m4", "r4", "c5", "m5", "r5", "m6i", "c6i", "r6i", "c7i"),
    "default_x86_64": ("m6i", "c6i", "r6i", "c7i"),
    "default_arm64": ("m6g", "c6g", "r6g", "c7g"),
}

#: AWS's example of memory a host keeps (docs, "Compute resource memory management"): an
#: m4.large (8,192 MiB installed) registers 7,985 MiB, of which the ECS agent and system
#: processes keep 32 MiB.  batchkit estimates what any instance leaves for jobs from it.
_REGISTERED_RATIO = 7985 / 8192
_RESERVED_MIB = 32


def usable_memory_mib(installed_mib: int) -> int:
    """About how much of an EC2 instance's memory jobs can ask for (AWS's m4.large example:
    8,192 MiB installed, about 7,953 for jobs)."""
    return max(int(installed_mib * _REGISTERED_RATIO) - _RESERVED_MIB, 0)


def is_waiting(job: JobDetail) -> bool:
    """True for a job that has not started (SUBMITTED, PENDING, RUNNABLE, STARTING) -- or is
    in a status newer than this batchkit that is neither RUNNING nor terminal."""
    status = job.status
    if status is None:
        return False
    if status.is_known:
        return status.value in WAITING_STATUSES
    return not status.is_terminal


def waiting_child_status(counts: Mapping[str, int]) -> str | None:
    """The status of the child a waiting parent's report is about: the furthest along of
    RUNNABLE, STARTING, PENDING, SUBMITTED that has children (None: none waits)."""
    for status in ("RUNNABLE", "STARTING", "PENDING", "SUBMITTED"):
        if counts.get(status):
            return status
    return None


# ----------------------------------------------------------------------------- evidence


class _Part(_Report, frozen=True):
    """The report's parts are frozen models too (JSON by ``model_dump(mode="json")``)."""


class BlockedReason(_Part, frozen=True):
    """AWS's blocked-queue code of a RUNNABLE job (``statusReason`` = ``CODE - message``)."""

    code: str
    message: str | None = None
    kind: WaitKind
    job_id: str | None = None
    """The job carrying it (in a report about another job: the one blocking the queue)."""


_CODE = re.compile(
    r"\s*(?P<code>(?:CAPACITY|MISCONFIGURATION):[A-Z0-9_]+|ACTION_REQUIRED|UNDETERMINED)"
    r"(?:\s*-\s*(?P<message>.*))?\Z",
    re.DOTALL,
)


def parse_blocked_reason(
    status_reason: str | None, job_id: str | None = None
) -> BlockedReason | None:
    """AWS's blocked-queue code in a ``statusReason``, or None.

    >>> parse_blocked_reason("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource "
    ...                      "requirement (vCPU/memory/GPU) is higher than that can be met").kind
    WaitKind.RESOURCE_REQUIREMENT
    >>> parse_blocked_reason("Essential container in task exited") is None
    True
    """
    match = _CODE.match(status_reason or "")
    if match is None:
        return None
    code = match["code"]
    kind = AWS_CODES.get(code)
    if kind is None:  # a code newer than this batchkit: its family says what it is about
        kind = WaitKind.CAPACITY if code.startswith("CAPACITY:") else WaitKind.UNDETERMINED
    message = (match["message"] or "").strip() or None
    return BlockedReason(code=code, message=message, kind=kind, job_id=job_id)


class CheckNotMade(_Part, frozen=True):
    """A check ``why()`` could not make (no permission, an endpoint without the operation, a
    failed request): the report is made without it."""

    check: str
    """What was not checked (the operation: ``EC2.DescribeInstanceTypes``...)."""
    reason: str


_NOT_IMPLEMENTED = re.compile(
    r"not (?:yet )?implemented|notimplemented|unknownoperation|invalidaction|unsupportedoperation"
)


def check_not_made(check: str, error: BaseException) -> CheckNotMade:
    """The note for a check whose request failed with ``error`` (a ``BatchKitError``)."""
    code = str(getattr(error, "code", "") or "")
    status = getattr(error, "http_status", None)
    lowered = f"{code} {error}".lower()
    if "accessdenied" in lowered or "unauthorized" in lowered or "not authorized" in lowered:
        reason = f"no permission ({code or type(error).__name__})"
    elif status == 501 or _NOT_IMPLEMENTED.search(lowered):
        reason = "the endpoint does not implement it"
    else:
        reason = f"{type(error).__name__}: {escape_controls(str(error))}"
    return CheckNotMade(check=check, reason=reason)


class Dependency(_Part, frozen=True):
    """A job this one depends on."""

    job_id: str
    job_name: str | None = None
    status: str | None = None
    """None when AWS did not return the job."""
    type: str | None = None
    """``N_TO_N`` or ``SEQUENTIAL`` (array jobs), else None."""

    @property
    def ended(self) -> bool:
        return self.status in ("SUCCEEDED", "FAILED")


class QueueState(_Part, frozen=True):
    """The job's queue, as DescribeJobQueues says."""

    name: str
    arn: str | None = None
    state: str | None = None
    status: str | None = None
    status_reason: str | None = None
    priority: int | None = None
    scheduling_policy_arn: str | None = None
    """Set for a fair-share queue."""
    job_queue_type: str | None = None
    """``ECS``, ``FARGATE``, ``EKS`` or ``SAGEMAKER_TRAINING`` (service jobs: no compute
    environments)."""
    time_limit_actions: tuple[str, ...] = ()
    """Its ``jobStateTimeLimitActions`` (``CAPACITY:... after 14400 s: CANCEL``)."""


class ComputeEnvironmentState(_Part, frozen=True):
    """A compute environment of the queue, with its vCPU figures."""

    name: str
    arn: str | None = None
    order: int | None = None
    type: str | None = None
    """``EC2``, ``SPOT``, ``FARGATE``, ``FARGATE_SPOT``... (None: unmanaged)."""
    state: str | None = None
    status: str | None = None
    status_reason: str | None = None
    min_vcpus: int | None = None
    desired_vcpus: int | None = None
    max_vcpus: int | None = None
    instance_types: tuple[str, ...] = ()
    allocation_strategy: str | None = None
    found: bool = True
    """False when DescribeComputeEnvironments did not return it (deleted?)."""

    @property
    def usable(self) -> bool:
        """ENABLED and not INVALID (or being deleted): the scheduler may place jobs on it."""
        return (
            self.found
            and self.state == "ENABLED"
            and self.status not in ("INVALID", "DELETING", "DELETED")
        )

    @property
    def at_max(self) -> bool:
        """Its desired vCPUs reached its maxvCpus (EC2/SPOT; Fargate reports none)."""
        return (
            self.max_vcpus is not None
            and self.desired_vcpus is not None
            and self.desired_vcpus >= self.max_vcpus
        )

    @property
    def fargate(self) -> bool:
        return bool(self.type and self.type.startswith("FARGATE"))

    def vcpu_text(self) -> str:
        if self.fargate:
            return f"max {_num(self.max_vcpus)} vCPU"
        return (
            f"min {_num(self.min_vcpus)} / desired {_num(self.desired_vcpus)} / max "
            f"{_num(self.max_vcpus)} vCPU"
        )


class Requirement(_Part, frozen=True):
    """What the job asks for, per node (a multi-node job: ``nodes`` of them)."""

    vcpus: float | None = None
    memory_mib: int | None = None
    gpus: int | None = None
    nodes: int = 1

    @property
    def total_vcpus(self) -> float | None:
        return None if self.vcpus is None else self.vcpus * self.nodes

    def text(self) -> str:
        parts = []
        if self.vcpus is not None:
            parts.append(f"{_num(self.vcpus)} vCPU")
        if self.memory_mib is not None:
            parts.append(f"{self.memory_mib} MiB")
        if self.gpus:
            parts.append(f"{self.gpus} GPU")
        each = " per node" if self.nodes > 1 else ""
        nodes = f" x {self.nodes} nodes" if self.nodes > 1 else ""
        return (", ".join(parts) or "nothing stated") + each + nodes


class InstanceFit(_Part, frozen=True):
    """An instance type a compute environment may launch, with what it gives a job."""

    instance_type: str
    compute_environment: str
    vcpus: float
    memory_mib: int
    usable_memory_mib: int
    """About what jobs can ask for (the host keeps the rest)."""
    gpus: int = 0

    def text(self) -> str:
        gpus = f", {self.gpus} GPU" if self.gpus else ""
        usable = (
            f", about {self.usable_memory_mib} MiB of it for jobs"
            if self.usable_memory_mib != self.memory_mib
            else ""
        )
        return (
            f"{self.instance_type} ({_num(self.vcpus)} vCPU, {self.memory_mib} MiB{gpus}{usable})"
        )


class Shortfall(_Part, frozen=True):
    """How far the job's ask is from what its compute environments can give."""

    closest: InstanceFit | None = None
    """The instance type closest to fitting (None: no instance sizes were known)."""
    vcpus: float = 0
    memory_mib: int = 0
    gpus: int = 0
    max_vcpus: float = 0
    """How many vCPUs (all nodes) beyond the largest ``maxvCpus`` it asks for."""

    def text(self) -> str:
        short = []
        if self.vcpus > 0:
            short.append(f"{_num(self.vcpus)} vCPU")
        if self.memory_mib > 0:
            short.append(f"{self.memory_mib} MiB memory")
        if self.gpus > 0:
            short.append(f"{self.gpus} GPU")
        out = []
        if self.closest is not None and short:
            out.append(f"the closest fit, {self.closest.text()}, is short by {', '.join(short)}")
        if self.max_vcpus > 0:
            out.append(f"it asks for {_num(self.max_vcpus)} vCPU more than the largest maxvCpus")
        return "; ".join(out)


class ConsumableShortfall(_Part, frozen=True):
    """A consumable resource the job needs more of than is available."""

    name: str
    needed: int
    available: int | None = None
    total: int | None = None
    in_use: int | None = None


class QueuePosition(_Part, frozen=True):
    """Where the job is in its queue (GetJobQueueSnapshot: the first 100 RUNNABLE jobs)."""

    position: int | None = None
    """1 for the front; None when it is not among the jobs the snapshot lists."""
    listed: int = 0
    """How many jobs the snapshot lists at the front (at most 100)."""
    share: str | None = None
    """The quota share whose front it is in (quota-share queues)."""
    at_position_since: datetime | None = None
    front_job_id: str | None = None
    front_since: datetime | None = None
    """Since when the front job has been at the front."""
    as_of: datetime | None = None
    """When AWS last updated the snapshot."""


@dataclass(frozen=True)
class WaitEvidence:
    """What the loop read about a waiting job (None / empty: not read)."""

    job: JobDetail
    dependencies: tuple[JobDetail, ...] = ()
    dependencies_read: bool = False
    queue: JobQueueDetail | None = None
    environments: tuple[ComputeEnvironmentDetail, ...] | None = None
    instance_types: tuple[EC2InstanceTypeInfo, ...] | None = None
    snapshot: JobQueueSnapshot | None = None
    ahead: tuple[JobDetail, ...] = ()
    """Front jobs ahead of it (described: their blocked-queue codes)."""
    consumables: tuple[ConsumableResourceDetail, ...] | None = None
    not_made: tuple[CheckNotMade, ...] = ()

    def missing(self, check: str, error: BaseException) -> WaitEvidence:
        """This evidence with a check that could not be made."""
        return replace(self, not_made=(*self.not_made, check_not_made(check, error)))


@dataclass(frozen=True)
class QueueEvidence:
    """What was read about a queue, shared by the reports of its jobs (``why_queue``)."""

    queue: JobQueueDetail | None = None
    environments: tuple[ComputeEnvironmentDetail, ...] | None = None
    instance_types: tuple[EC2InstanceTypeInfo, ...] | None = None
    snapshot: JobQueueSnapshot | None = None
    not_made: tuple[CheckNotMade, ...] = ()

    def missing(self, check: str, error: BaseException) -> QueueEvidence:
        """This evidence with a check that could not be made."""
        return replace(self, not_made=(*self.not_made, check_not_made(check, error)))

    def applied(self, evidence: WaitEvidence) -> WaitEvidence:
        """A job's evidence with this queue's."""
        return replace(
            evidence,
            queue=self.queue,
            environments=self.environments,
            instance_types=self.instance_types,
            snapshot=self.snapshot,
            not_made=(*evidence.not_made, *self.not_made),
        )

    def stops_early(self) -> bool:
        """True when the queue alone decides (DISABLED, INVALID, no usable compute
        environment): nothing more is worth reading."""
        queue = self.queue
        if queue is None:
            return True
        if (queue.state is not None and queue.state.value == "DISABLED") or (
            queue.status is not None and queue.status.value == "INVALID"
        ):
            return True
        if self.environments is None:
            return False
        states = _environment_states(queue, self.environments)
        return not any(e.usable for e in states)


def arn_region(arn: str | None) -> str | None:
    """The region of an ARN (``arn:aws:batch:us-east-1:...``), or None."""
    parts = (arn or "").split(":")
    return parts[3] or None if len(parts) > 4 and parts[0] == "arn" else None


# ------------------------------------------------------------------ what to read next


def dependency_ids(job: JobDetail) -> list[str]:
    """The ids of the jobs ``job`` depends on (each once)."""
    return list(dict.fromkeys(d.job_id for d in job.depends_on or () if d.job_id))


def environment_arns(queue: JobQueueDetail) -> list[str]:
    """The queue's compute environments, in the order the scheduler tries them."""
    order = sorted(queue.compute_environment_order or (), key=lambda o: o.order)
    return list(dict.fromkeys(o.compute_environment for o in order))


def _instance_specs(environment: ComputeEnvironmentDetail) -> list[str]:
    resources = environment.compute_resources
    if resources is None:
        return []
    return [t for t in resources.instance_types or () if t]


def _expand(spec: str) -> tuple[list[str], list[str]]:
    """(exact names, families) an ``instanceTypes`` entry stands for."""
    if spec in _INSTANCE_BUNDLES:
        return [], list(_INSTANCE_BUNDLES[spec])
    if "." in spec:
        return [spec], []
    return [], [spec]


def instance_type_query(
    environments: Iterable[ComputeEnvironmentDetail],
) -> tuple[list[str], list[str]]:
    """(exact instance types, families) the usable EC2 compute environments may launch: what
    to ask EC2 DescribeInstanceTypes about (both empty: nothing to ask)."""
    names: dict[str, None] = {}
    families: dict[str, None] = {}
    for environment in environments:
        state = _state(environment)
        if state.fargate or not state.usable:
            continue
        for spec in _instance_specs(environment):
            exact, family = _expand(spec)
            names.update(dict.fromkeys(exact))
            families.update(dict.fromkeys(family))
    return list(names), list(families)


def consumable_names(job: JobDetail) -> list[str]:
    """The consumable resources (names or ARNs) the job needs."""
    needs = _consumable_needs(job)
    return list(needs)


def _consumable_needs(job: JobDetail) -> dict[str, int]:
    needs: dict[str, int] = {}
    sources = [job.consumable_resource_properties]
    if job.node_properties is not None:
        sources += [
            r.consumable_resource_properties
            for r in job.node_properties.node_range_properties or ()
        ]
    for properties in sources:
        for item in (properties.consumable_resource_list or ()) if properties else ():
            if item.consumable_resource:
                quantity = int(item.quantity or 0)
                needs[item.consumable_resource] = max(
                    needs.get(item.consumable_resource, 0), quantity
                )
    return needs


def front_ids(snapshot: JobQueueSnapshot, job: JobDetail | None, limit: int = 20) -> list[str]:
    """The ids of the jobs at the front of the queue ahead of ``job`` (all listed ones when
    ``job`` is None or not listed), at most ``limit``: whose codes say if the queue is
    blocked."""
    ids: list[str] = []
    for arn in _front_arns(snapshot, job):
        if job is not None and _names_job(arn, job):
            break
        ids.append(_arn_id(arn))
        if len(ids) >= limit:
            break
    return ids


def _front_arns(snapshot: JobQueueSnapshot, job: JobDetail | None) -> list[str]:
    """The front of the queue the job is in: the queue's, or its quota share's."""
    share = _share_of(snapshot, job)
    if share is not None:
        shares = snapshot.front_of_quota_shares
        assert shares is not None
        assert shares.quota_shares is not None
        return [j.job_arn for j in shares.quota_shares[share] if j.job_arn]
    front = snapshot.front_of_queue
    return [j.job_arn for j in (front.jobs or ()) if j.job_arn] if front is not None else []


def _share_of(snapshot: JobQueueSnapshot, job: JobDetail | None) -> str | None:
    shares = snapshot.front_of_quota_shares
    if job is None or shares is None or not shares.quota_shares:
        return None
    for name, jobs in shares.quota_shares.items():
        if any(_names_job(j.job_arn, job) for j in jobs):
            return name
    return None


def _names_job(arn: str | None, job: JobDetail) -> bool:
    """A snapshot entry's ARN is this job's (an entry without one names no job)."""
    if arn is None:
        return False
    return arn in (job.job_arn, job.job_id) or arn.endswith(f"/{job.job_id}")


def _arn_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1] if arn.startswith("arn:") else arn


# ------------------------------------------------------------------ requirements


def requirement(job: JobDetail) -> Requirement:
    """What the job asks for per node (container, ECS properties, EKS properties or its
    node ranges), and how many nodes."""
    if job.node_properties is not None and job.node_details is None:
        per_node = [
            _requirement_of(r.container, r.ecs_properties, r.eks_properties)
            for r in job.node_properties.node_range_properties or ()
        ]
        merged = Requirement(
            vcpus=_max(r.vcpus for r in per_node),
            memory_mib=_max(r.memory_mib for r in per_node),
            gpus=_max(r.gpus for r in per_node),
        )
        return merged.model_copy(update={"nodes": max(job.node_properties.num_nodes or 1, 1)})
    return _requirement_of(job.container, job.ecs_properties, job.eks_properties)


def _max(values: Iterable[Any]) -> Any:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _requirement_of(container: Any, ecs: Any, eks: Any) -> Requirement:
    vcpus: float | None = None
    memory: int | None = None
    gpus: int | None = None
    if container is not None:
        vcpus, memory, gpus = _from_requirements(container.resource_requirements)
        if vcpus is None and container.vcpus is not None:
            vcpus = float(container.vcpus)
        if memory is None and container.memory is not None:
            memory = int(container.memory)
    if ecs is not None:
        for task in ecs.task_properties or ():
            for each in task.containers or ():
                v, m, g = _from_requirements(each.resource_requirements)
                vcpus = _add(vcpus, v)
                memory = _add(memory, m)
                gpus = _add(gpus, g)
    if eks is not None and eks.pod_properties is not None:
        for each in eks.pod_properties.containers or ():
            resources = each.resources
            if resources is None:
                continue
            asked = {**(resources.limits or {}), **(resources.requests or {})}
            vcpus = _add(vcpus, _k8s_cpu(asked.get("cpu")))
            memory = _add(memory, _k8s_memory_mib(asked.get("memory")))
            gpus = _add(gpus, _k8s_count(asked.get("nvidia.com/gpu")))
    return Requirement(vcpus=vcpus, memory_mib=memory, gpus=gpus)


def _add(total: Any, value: Any) -> Any:
    if value is None:
        return total
    return value if total is None else total + value


def _from_requirements(items: Any) -> tuple[float | None, int | None, int | None]:
    vcpus: float | None = None
    memory: int | None = None
    gpus: int | None = None
    for item in items or ():
        kind = item.type.value if item.type is not None else ""
        try:
            value = float(item.value)
        except (TypeError, ValueError):
            continue
        if not math.isfinite(value):
            continue
        if kind == "VCPU":
            vcpus = value
        elif kind == "MEMORY":
            memory = int(value)
        elif kind == "GPU":
            gpus = int(value)
    return vcpus, memory, gpus


_QUANTITY = re.compile(r"\s*([0-9.]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*\Z")
_UNITS = {
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


def _k8s_number(text: str | None) -> tuple[float, str] | None:
    match = _QUANTITY.match(text or "")
    if match is None:
        return None
    try:
        number = float(match[1])
    except ValueError:
        return None
    return (number, match[2]) if math.isfinite(number) else None


def _k8s_cpu(text: str | None) -> float | None:
    parsed = _k8s_number(text)
    if parsed is None:
        return None
    number, unit = parsed
    return number / 1000 if unit == "m" else number if unit == "" else None


def _k8s_memory_mib(text: str | None) -> int | None:
    parsed = _k8s_number(text)
    if parsed is None or parsed[1] not in _UNITS:
        return None
    return math.ceil(parsed[0] * _UNITS[parsed[1]] / 2**20)


def _k8s_count(text: str | None) -> int | None:
    parsed = _k8s_number(text)
    return int(parsed[0]) if parsed is not None and parsed[1] == "" else None


# ------------------------------------------------------------------ the decision


@dataclass(frozen=True)
class Decision:
    """The kind and the facts behind it."""

    kind: WaitKind
    summary: str
    aws: BlockedReason | None = None
    blocked_by: BlockedReason | None = None
    shortfall: Shortfall | None = None
    consumables: tuple[ConsumableShortfall, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _state(
    environment: ComputeEnvironmentDetail, order: int | None = None
) -> ComputeEnvironmentState:
    resources = environment.compute_resources
    return ComputeEnvironmentState(
        name=environment.compute_environment_name,
        arn=environment.compute_environment_arn,
        order=order,
        type=resources.type.value if resources is not None and resources.type else None,
        state=environment.state.value if environment.state is not None else None,
        status=environment.status.value if environment.status is not None else None,
        status_reason=environment.status_reason,
        min_vcpus=resources.minv_cpus if resources is not None else None,
        desired_vcpus=resources.desiredv_cpus if resources is not None else None,
        max_vcpus=resources.maxv_cpus if resources is not None else None,
        instance_types=tuple(_instance_specs(environment)),
        allocation_strategy=(
            resources.allocation_strategy.value
            if resources is not None and resources.allocation_strategy
            else None
        ),
    )


def _environment_states(
    queue: JobQueueDetail | None, environments: Sequence[ComputeEnvironmentDetail] | None
) -> list[ComputeEnvironmentState]:
    """The queue's compute environments in order; one not returned by AWS is kept (found
    False)."""
    if environments is None:
        return []
    by_key: dict[str, ComputeEnvironmentDetail] = {}
    for environment in environments:
        by_key[environment.compute_environment_arn] = environment
        by_key[environment.compute_environment_name] = environment
    if queue is None:
        return [_state(e) for e in environments]
    states = []
    for order in sorted(queue.compute_environment_order or (), key=lambda o: o.order):
        key = order.compute_environment
        found = by_key.get(key) or by_key.get(_arn_id(key))
        if found is None:
            states.append(
                ComputeEnvironmentState(name=_arn_id(key), arn=key, order=order.order, found=False)
            )
        else:
            states.append(_state(found, order.order))
    return states


def _queue_state(queue: JobQueueDetail) -> QueueState:
    return QueueState(
        name=queue.job_queue_name,
        arn=queue.job_queue_arn,
        state=queue.state.value if queue.state is not None else None,
        status=queue.status.value if queue.status is not None else None,
        status_reason=queue.status_reason,
        priority=queue.priority,
        scheduling_policy_arn=queue.scheduling_policy_arn,
        job_queue_type=queue.job_queue_type.value if queue.job_queue_type is not None else None,
        time_limit_actions=tuple(
            f"{a.reason} after {a.max_time_seconds} s: {a.action.value if a.action else '-'}"
            for a in queue.job_state_time_limit_actions or ()
        ),
    )


def _fits(
    environment: ComputeEnvironmentState, infos: Sequence[EC2InstanceTypeInfo], job: JobDetail
) -> list[InstanceFit]:
    """The instance types ``environment`` may launch (for this job's node ranges), with
    their sizes."""
    if environment.fargate:
        vcpus, memory, gpus = FARGATE_LIMITS
        return [
            InstanceFit(
                instance_type="Fargate",
                compute_environment=environment.name,
                vcpus=vcpus,
                memory_mib=memory,
                usable_memory_mib=memory,
                gpus=gpus,
            )
        ]
    allowed_names: set[str] = set()
    allowed_families: set[str] = set()
    for spec in environment.instance_types:
        exact, family = _expand(spec)
        allowed_names.update(exact)
        allowed_families.update(family)
    restrict = _node_instance_types(job)
    fits = []
    for info in infos:
        name = info.instance_type.value if info.instance_type is not None else ""
        if not (name in allowed_names or name.split(".", 1)[0] in allowed_families):
            continue
        if restrict and name not in restrict and name.split(".", 1)[0] not in restrict:
            continue
        vcpus = float(info.v_cpu_info.default_v_cpus or 0) if info.v_cpu_info else 0.0
        memory = int(info.memory_info.size_in_mi_b or 0) if info.memory_info else 0
        gpus = sum(int(g.count or 0) for g in (info.gpu_info.gpus or ())) if info.gpu_info else 0
        fits.append(
            InstanceFit(
                instance_type=name,
                compute_environment=environment.name,
                vcpus=vcpus,
                memory_mib=memory,
                usable_memory_mib=usable_memory_mib(memory),
                gpus=gpus,
            )
        )
    return fits


def _node_instance_types(job: JobDetail) -> set[str]:
    if job.node_properties is None:
        return set()
    names: set[str] = set()
    for node_range in job.node_properties.node_range_properties or ():
        names.update(node_range.instance_types or ())
    return names


def _gap(need: Requirement, fit: InstanceFit) -> tuple[float, int, int]:
    vcpus = max((need.vcpus or 0) - fit.vcpus, 0.0)
    memory = max((need.memory_mib or 0) - fit.usable_memory_mib, 0)
    gpus = max((need.gpus or 0) - fit.gpus, 0)
    return vcpus, memory, gpus


def _relative(need: Requirement, gap: tuple[float, int, int]) -> float:
    asked = (need.vcpus or 0, need.memory_mib or 0, need.gpus or 0)
    return sum(g / a for g, a in zip(gap, asked, strict=True) if a)


def _resource_check(
    evidence: WaitEvidence, usable: Sequence[ComputeEnvironmentState]
) -> tuple[bool | None, Shortfall | None]:
    """(True: no usable compute environment can ever run the job, with the shortfall;
    False: one can; None: unknown -- instance sizes not read)."""
    need = requirement(evidence.job)
    if not usable or (need.vcpus is None and need.memory_mib is None and not need.gpus):
        return None, None
    infos = evidence.instance_types
    any_unknown = False
    best: tuple[float, InstanceFit, tuple[float, int, int]] | None = None
    largest_max = max((e.max_vcpus for e in usable if e.max_vcpus is not None), default=None)
    for environment in usable:
        within_max = (
            environment.max_vcpus is None
            or need.total_vcpus is None
            or need.total_vcpus <= environment.max_vcpus
        )
        if not environment.fargate and (infos is None or not environment.instance_types):
            any_unknown = True
            continue
        fits = _fits(environment, infos or (), evidence.job)
        if not fits:
            any_unknown = True  # none of its types was described (unknown names)
            continue
        for fit in fits:
            gap = _gap(need, fit)
            if gap == (0.0, 0, 0) and within_max:
                return False, None
            score = _relative(need, gap)
            if best is None or score < best[0]:
                best = (score, fit, gap)
    over_max = 0.0
    if largest_max is not None and need.total_vcpus is not None and need.total_vcpus > largest_max:
        over_max = need.total_vcpus - largest_max
    if best is None:
        if over_max > 0:
            return True, Shortfall(max_vcpus=over_max)
        return None, None
    if any_unknown and over_max == 0:
        return None, None
    _score, fit, (vcpus, memory, gpus) = best
    return True, Shortfall(
        closest=fit, vcpus=vcpus, memory_mib=memory, gpus=gpus, max_vcpus=over_max
    )


def _consumable_shortfalls(evidence: WaitEvidence) -> tuple[ConsumableShortfall, ...]:
    needs = _consumable_needs(evidence.job)
    out = []
    for resource in evidence.consumables or ():
        needed = needs.get(resource.consumable_resource_name) or needs.get(
            resource.consumable_resource_arn
        )
        if needed is None:
            continue
        available = resource.available_quantity
        if available is None and resource.total_quantity is not None:
            available = resource.total_quantity - (resource.in_use_quantity or 0)
        if available is not None and available < needed:
            out.append(
                ConsumableShortfall(
                    name=resource.consumable_resource_name,
                    needed=needed,
                    available=available,
                    total=resource.total_quantity,
                    in_use=resource.in_use_quantity,
                )
            )
    return tuple(out)


def _blocked_ahead(evidence: WaitEvidence) -> BlockedReason | None:
    for job in evidence.ahead:
        if job.job_id == evidence.job.job_id:
            continue
        reason = parse_blocked_reason(job.status_reason, job.job_id)
        if reason is not None and job.status is not None and job.status.value == "RUNNABLE":
            return reason
    return None


def decide(evidence: WaitEvidence) -> Decision:
    """The :class:`WaitKind` of a waiting job from what was read (see the module's docstring
    for the order)."""
    job = evidence.job
    status = job.status.value if job.status is not None else "UNKNOWN"
    if status == "STARTING":
        return Decision(WaitKind.STARTING, _starting_text(job))
    aws = parse_blocked_reason(job.status_reason, job.job_id)
    environments = _environment_states(evidence.queue, evidence.environments)
    usable = [e for e in environments if e.usable]
    checks = _Checks(evidence, environments, usable)
    if aws is not None and aws.kind != WaitKind.UNDETERMINED:
        shortfall = (
            checks.shortfall()
            if aws.kind in (WaitKind.RESOURCE_REQUIREMENT, WaitKind.MAX_RESOURCE)
            else None
        )
        summary = f"AWS says {aws.code}" + (f": {aws.message.rstrip('.')}" if aws.message else "")
        if aws.kind == WaitKind.ACTION_REQUIRED and environments:
            broken = [e for e in environments if not e.usable]
            if broken:
                summary += f" ({_environments_text(broken)})"
        if shortfall is not None and shortfall.text():
            summary += f"; {shortfall.text()}"
        elif aws.kind == WaitKind.RESOURCE_REQUIREMENT and (fit := checks.fits()) is not None:
            summary += (
                f"; batchkit estimates that {fit} would fit it (AWS may know of limits "
                "batchkit does not: the instance type's availability, the AMI)"
            )
        return Decision(aws.kind, summary, aws=aws, shortfall=shortfall)
    found = checks.first()
    if found is not None:
        return replace(found, aws=aws)
    if aws is not None:  # AWS says the queue is blocked and cannot tell why: neither can we
        message = f": {aws.message.rstrip('.')}" if aws.message else ""
        return Decision(
            WaitKind.UNDETERMINED, f"AWS says {aws.code}{message}; batchkit found no cause", aws=aws
        )
    return checks.fallback(status)


class _Checks:
    """batchkit's own checks, in order of precedence."""

    def __init__(
        self,
        evidence: WaitEvidence,
        environments: list[ComputeEnvironmentState],
        usable: list[ComputeEnvironmentState],
    ) -> None:
        self.evidence = evidence
        self.environments = environments
        self.usable = usable
        self._shortfall: tuple[bool | None, Shortfall | None] | None = None

    def shortfall(self) -> Shortfall | None:
        return self._resource()[1]

    def fits(self) -> str | None:
        """An instance type batchkit estimates fits the job (None: none, or unknown)."""
        if self._resource()[0] is not False:
            return None
        need = requirement(self.evidence.job)
        for environment in self.usable:
            for fit in _fits(environment, self.evidence.instance_types or (), self.evidence.job):
                if _gap(need, fit) == (0.0, 0, 0):
                    return fit.text()
        return None

    def _resource(self) -> tuple[bool | None, Shortfall | None]:
        if self._shortfall is None:
            self._shortfall = _resource_check(self.evidence, self.usable)
        return self._shortfall

    def first(self) -> Decision | None:
        evidence, job = self.evidence, self.evidence.job
        waiting_on = [d for d in evidence.dependencies if not _ended(d)]
        if waiting_on and job.status is not None and job.status.value in ("SUBMITTED", "PENDING"):
            names = ", ".join(
                f"{_safe(d.job_name)} {d.job_id} ({_safe(_status(d))})" for d in waiting_on[:5]
            )
            more = f" and {len(waiting_on) - 5} more" if len(waiting_on) > 5 else ""
            return Decision(
                WaitKind.DEPENDENCY,
                f"waits for {len(waiting_on)} job(s) it depends on: {names}{more}",
            )
        queue = evidence.queue
        if queue is not None:
            name = _safe(queue.job_queue_name)
            if queue.state is not None and queue.state.value == "DISABLED":
                return Decision(WaitKind.QUEUE_DISABLED, f"its queue {name} is DISABLED")
            if queue.status is not None and queue.status.value == "INVALID":
                reason = f": {_safe(queue.status_reason)}" if queue.status_reason else ""
                return Decision(WaitKind.QUEUE_INVALID, f"its queue {name} is INVALID{reason}")
        if evidence.environments is not None and not self.usable and queue is not None:
            what = _environments_text(self.environments) or "none attached"
            return Decision(
                WaitKind.NO_VALID_COMPUTE,
                f"no compute environment of {_safe(queue.job_queue_name)} can run jobs: {what}",
            )
        never, shortfall = self._resource()
        if never:
            assert shortfall is not None
            return Decision(
                WaitKind.RESOURCE_REQUIREMENT,
                f"asks for {requirement(job).text()}; {shortfall.text()}",
                shortfall=shortfall,
            )
        consumables = _consumable_shortfalls(evidence)
        if consumables:
            text = "; ".join(
                f"needs {c.needed} of {_safe(c.name)}, {_num(c.available)} available "
                f"({_num(c.in_use)} in use of {_num(c.total)})"
                for c in consumables
            )
            return Decision(WaitKind.CONSUMABLE_RESOURCE, text, consumables=consumables)
        blocked = _blocked_ahead(evidence)
        if blocked is not None:
            message = f" - {blocked.message}" if blocked.message else ""
            return Decision(
                WaitKind.BEHIND_BLOCKED_JOB,
                f"waits behind {_safe(blocked.job_id)}, blocked at the front of the queue: "
                f"{blocked.code}{_safe(message)}",
                blocked_by=blocked,
            )
        runnable = self.usable
        if runnable and all(e.at_max for e in runnable):
            return Decision(
                WaitKind.MAX_RESOURCE,
                "its compute environments are at their maxvCpus: "
                + "; ".join(f"{_safe(e.name)} {e.vcpu_text()}" for e in runnable),
            )
        return None

    def fallback(self, status: str) -> Decision:
        evidence = self.evidence
        if status == "PENDING" and evidence.dependencies_read:
            return Decision(
                WaitKind.UNDETERMINED,
                "PENDING, but every job it depends on has ended: AWS should move it to "
                "RUNNABLE shortly",
            )
        essential = {"DescribeJobQueues", "DescribeComputeEnvironments"}
        if (
            evidence.queue is None
            or evidence.environments is None
            or any(n.check in essential for n in evidence.not_made)
        ):
            return Decision(
                WaitKind.UNDETERMINED,
                "no cause found, and its queue or compute environments could not be read",
            )
        if status in ("SUBMITTED", "RUNNABLE", "PENDING") or not status:
            return Decision(WaitKind.QUEUED, _queued_text(evidence))
        return Decision(WaitKind.UNDETERMINED, f"status {_safe(status)}: no cause found")


def _ended(job: JobDetail) -> bool:
    return job.status is not None and job.status.is_terminal


def _status(job: JobDetail) -> str:
    return str(job.status.value) if job.status is not None else "UNKNOWN"


def _environments_text(environments: Sequence[ComputeEnvironmentState]) -> str:
    parts = []
    for e in environments:
        if not e.found:
            parts.append(f"{_safe(e.name)} not found")
            continue
        reason = f" ({_safe(e.status_reason)})" if e.status_reason and not e.usable else ""
        parts.append(f"{_safe(e.name)} {_safe(e.state)}/{_safe(e.status)}{reason}")
    return "; ".join(parts)


def _starting_text(job: JobDetail) -> str:
    container = job.container
    where = None
    if container is not None:
        where = container.container_instance_arn or container.task_arn
    image = container.image if container is not None else None
    text = "placed: its container is starting"
    if image:
        text += f" (image {_safe(image)})"
    if where:
        text += f" on {_safe(_arn_id(where))}"
    return text


def position_of(evidence: WaitEvidence) -> QueuePosition | None:
    """Where the job is at the front of its queue, from the snapshot."""
    snapshot = evidence.snapshot
    if snapshot is None:
        return None
    job = evidence.job
    share = _share_of(snapshot, job)
    listed: list[Any]
    if share is not None:
        shares = snapshot.front_of_quota_shares
        assert shares is not None
        assert shares.quota_shares is not None
        listed = list(shares.quota_shares[share])
        as_of = shares.last_updated_at
    else:
        front = snapshot.front_of_queue
        listed = list(front.jobs or ()) if front is not None else []
        as_of = front.last_updated_at if front is not None else None
    position = None
    since = None
    for index, entry in enumerate(listed):
        if _names_job(entry.job_arn, job):
            position, since = index + 1, entry.earliest_time_at_position
            break
    head = listed[0] if listed else None
    return QueuePosition(
        position=position,
        listed=len(listed),
        share=share,
        at_position_since=since,
        front_job_id=_arn_id(head.job_arn) if head is not None and head.job_arn else None,
        front_since=head.earliest_time_at_position if head is not None else None,
        as_of=as_of,
    )


def _queued_text(evidence: WaitEvidence) -> str:
    where = position_of(evidence)
    if where is None:
        return "nothing wrong found (the queue's snapshot could not be read)"
    if where.position is None:
        text = f"not among the {where.listed} jobs listed at the front of the queue"
    else:
        text = f"position {where.position} of {where.listed} at the front of the queue"
    if where.share:
        text += f" (quota share {_safe(where.share)})"
    if where.front_since is not None and where.as_of is not None:
        there = max(where.as_of - where.front_since, timedelta(0))
        text += f"; the front job has been there {_fmt_duration(there)}"
    return text


# ------------------------------------------------------------------ the report


class WaitReport(JobReport, frozen=True):
    """Why a job has not started: a :class:`WaitKind` to branch on, a one-line summary, the
    evidence (its queue, compute environments with their vCPU figures, its position and
    since when, AWS's code and message, the shortfall...) and advice.

    ``str(report)`` is a readable block for a terminal (every AWS-controlled text escaped),
    rich renders it in colour, a notebook shows it as HTML; :meth:`to_json_dict` is for
    machines.
    """

    job_id: str
    job_name: str
    job_arn: str | None = None
    status: str
    status_reason: str | None = None
    kind: WaitKind
    summary: str
    """What was found, in one sentence."""
    advice: str
    aws: BlockedReason | None = None
    """AWS's blocked-queue code on this job, when it carries one."""
    blocked_by: BlockedReason | None = None
    """The job blocking the front of the queue this one waits behind."""
    created_at: datetime | None = None
    waiting_since: datetime | None = None
    """When it was submitted (a job records no time of becoming RUNNABLE)."""
    dependencies: tuple[Dependency, ...] = ()
    queue: QueueState | None = None
    compute_environments: tuple[ComputeEnvironmentState, ...] = ()
    requirement: Requirement | None = None
    shortfall: Shortfall | None = None
    consumables: tuple[ConsumableShortfall, ...] = ()
    position: QueuePosition | None = None
    checks_not_made: tuple[CheckNotMade, ...] = ()
    """Checks that could not be made (no permission, not implemented, failed): the kind
    was decided without them."""
    parent_job_id: str | None = None
    """When the report is about a waiting child of an array job: the parent."""
    children: ChildrenSummary | None = None
    job_url: str
    generated_at: datetime
    report_type: str = "wait"

    @property
    def waiting(self) -> bool:
        return True

    @property
    def failed(self) -> bool:
        """False: the job has not even started (``FailureReport.failed``'s twin)."""
        return False

    @property
    def blocked(self) -> bool:
        """True when something other than its turn keeps it waiting (any kind but
        ``QUEUED``, ``STARTING`` and ``DEPENDENCY``)."""
        return self.kind not in (WaitKind.QUEUED, WaitKind.STARTING, WaitKind.DEPENDENCY)

    @property
    def waited(self) -> timedelta | None:
        """How long since it was submitted (at the time of the report)."""
        if self.waiting_since is None:
            return None
        return max(self.generated_at - self.waiting_since, timedelta(0))

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO 8601 UTC times, kinds as their strings)."""
        data: dict[str, Any] = self.model_dump(mode="json")
        waited = self.waited
        data["waited_seconds"] = None if waited is None else waited.total_seconds()
        return data

    # ------------------------------------------------------------------ display

    def _rows(self) -> Iterator[tuple[str, str]]:
        yield (
            "status",
            f"{_safe(self.status)}"
            + (f": {_safe(self.status_reason)}" if self.status_reason else ""),
        )
        yield "kind", f"{self.kind.value} -- {_safe(self.summary)}"
        yield "advice", self.advice
        if self.parent_job_id:
            yield "parent", _safe(self.parent_job_id)
        if self.waiting_since is not None:
            yield "waiting", f"since {_fmt_time(self.waiting_since)} ({_fmt_duration(self.waited)})"
        if self.queue is not None:
            q = self.queue
            reason = f" ({_safe(q.status_reason)})" if q.status_reason else ""
            yield "queue", f"{_safe(q.name)} {_safe(q.state)}/{_safe(q.status)}{reason}"
        if self.position is not None:
            yield "position", _position_text(self.position)
        if self.requirement is not None:
            yield "asks for", self.requirement.text()
        if self.blocked_by is not None:
            b = self.blocked_by
            yield (
                "blocked by",
                f"{_safe(b.job_id)}: {b.code}" + (f" - {_safe(b.message)}" if b.message else ""),
            )
        yield "job", self.job_url

    def _evidence_lines(self) -> Iterator[str]:
        if self.dependencies:
            yield f"depends on ({len(self.dependencies)}):"
            for d in self.dependencies:
                yield f"  {_safe(d.job_id)}  {_safe(d.job_name)}  {_safe(d.status or 'not found')}"
        if self.compute_environments:
            yield f"compute environments ({len(self.compute_environments)}):"
            for e in self.compute_environments:
                if not e.found:
                    yield f"  {_safe(e.name)}  not found"
                    continue
                reason = f"  {_safe(e.status_reason)}" if e.status_reason and not e.usable else ""
                kinds = (
                    f"  [{', '.join(_safe(t) for t in e.instance_types)}]"
                    if e.instance_types
                    else ""
                )
                yield (
                    f"  {_safe(e.name)}  {_safe(e.type)}  {_safe(e.state)}/{_safe(e.status)}  "
                    f"{e.vcpu_text()}{kinds}{reason}"
                )
        for c in self.consumables:
            yield (
                f"consumable {_safe(c.name)}: needs {c.needed}, {_num(c.available)} available "
                f"of {_num(c.total)}"
            )
        for note in self.checks_not_made:
            yield f"not checked: {_safe(note.check)}: {_safe(note.reason)}"
        if self.children is not None:
            yield from self.children.lines()

    def __str__(self) -> str:
        out = [f"{_safe(self.job_name)} ({_safe(self.job_id)})"]
        out += [f"  {name:<10} {value}" for name, value in self._rows()]
        out += list(self._evidence_lines())
        return "\n".join(out)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        style = "yellow" if self.blocked else "green"
        yield Text(f"{_safe(self.job_name)} ({_safe(self.job_id)})", style="bold")
        for name, value in self._rows():
            line = Text(f"  {name:<10} ", style="dim")
            line.append(value, style=style if name in ("status", "kind") else "")
            yield line
        for text in self._evidence_lines():
            yield Text(text, style="dim" if text.startswith("not checked") else "")

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            f"<tr><th style='text-align:left'>{e(name)}</th><td>{_html_value(value)}</td></tr>"
            for name, value in self._rows()
        )
        evidence = "\n".join(self._evidence_lines())
        out = [
            f"<div><b>{e(_safe(self.job_name))}</b> ({e(_safe(self.job_id))})",
            f"<table>{rows}</table>",
        ]
        if evidence:
            out.append(f"<pre>{e(evidence)}</pre>")
        out.append("</div>")
        return "\n".join(out)


def _dependency_type(dependency: Any) -> str | None:
    kind = dependency.type
    return None if kind is None else str(kind.value)


def _html_value(value: str) -> str:
    if value.startswith("https://"):
        return f"<a href='{html.escape(value, quote=True)}'>{html.escape(value)}</a>"
    return html.escape(value)


def _position_text(where: QueuePosition) -> str:
    if where.position is None:
        text = f"not among the {where.listed} jobs listed at the front"
    else:
        text = f"{where.position} of {where.listed} listed at the front"
    if where.share:
        text += f" of quota share {_safe(where.share)}"
    if where.at_position_since is not None:
        text += f", there since {_fmt_time(where.at_position_since)}"
    if where.front_job_id and where.position != 1:
        text += f"; front job {_safe(where.front_job_id)} since {_fmt_time(where.front_since)}"
    return text


def _num(value: float | int | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def assemble_wait_report(
    evidence: WaitEvidence,
    *,
    parent: str | None = None,
    children: ChildrenSummary | None = None,
    default_region: str = "",
    now: datetime | None = None,
) -> WaitReport:
    """The :class:`WaitReport` of a waiting job from what was read (no I/O)."""
    job = evidence.job
    decision = decide(evidence)
    need = requirement(job)
    depends = {d.job_id: d for d in job.depends_on or ()}
    read = {d.job_id: d for d in evidence.dependencies}
    dependencies = tuple(
        Dependency(
            job_id=job_id,
            job_name=read[job_id].job_name if job_id in read else None,
            status=_status(read[job_id]) if job_id in read else None,
            type=_dependency_type(depends[job_id]),
        )
        for job_id in dependency_ids(job)
    )
    region = job_region(job, default_region)
    return WaitReport(
        job_id=job.job_id,
        job_name=job.job_name,
        job_arn=job.job_arn,
        status=_status(job),
        status_reason=job.status_reason,
        kind=decision.kind,
        summary=decision.summary,
        advice=ADVICE.get(decision.kind, ""),
        aws=decision.aws,
        blocked_by=decision.blocked_by,
        created_at=job.created_at,
        waiting_since=job.created_at,
        dependencies=dependencies if evidence.dependencies_read else (),
        queue=_queue_state(evidence.queue) if evidence.queue is not None else None,
        compute_environments=tuple(_environment_states(evidence.queue, evidence.environments)),
        requirement=need if (need.vcpus or need.memory_mib or need.gpus) else None,
        shortfall=decision.shortfall,
        consumables=decision.consumables,
        position=position_of(evidence),
        checks_not_made=evidence.not_made,
        parent_job_id=parent,
        children=children,
        job_url=job_console_url(job.job_id, region, partition_of(job.job_arn)),
        generated_at=now or datetime.now(timezone.utc),
    )


# ------------------------------------------------------------------ queues at a glance


class QueueHealth(_Part, frozen=True):
    """One queue at a glance (``queue_health()``): its state, compute environments with
    their vCPU figures, how many jobs are RUNNABLE, the front job's wait and the blocked
    reason, if any."""

    queue: QueueState
    compute_environments: tuple[ComputeEnvironmentState, ...] = ()
    runnable: int | None = None
    """RUNNABLE jobs counted (None: not counted)."""
    runnable_capped: bool = False
    """True when counting stopped at the limit: there are at least ``runnable``."""
    front_job_id: str | None = None
    front_since: datetime | None = None
    blocked: BlockedReason | None = None
    """AWS's blocked-queue code of a job at the front."""
    checks_not_made: tuple[CheckNotMade, ...] = ()
    as_of: datetime | None = None
    """When AWS last updated the queue's snapshot (what ``front_wait`` is measured to)."""
    generated_at: datetime

    @property
    def front_wait(self) -> timedelta | None:
        """How long the front job had been at the front when AWS last updated the snapshot
        (the report's time when the snapshot says none)."""
        if self.front_since is None:
            return None
        return max((self.as_of or self.generated_at) - self.front_since, timedelta(0))

    @property
    def healthy(self) -> bool:
        """ENABLED and VALID, with a usable compute environment (queues of jobs), not blocked."""
        return not self.problem()

    def to_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(mode="json")
        wait = self.front_wait
        data["front_wait_seconds"] = None if wait is None else wait.total_seconds()
        data["healthy"] = self.healthy
        return data

    def problem(self) -> str:
        """What is wrong, in a few words ("" when healthy)."""
        q = self.queue
        if q.state != "ENABLED":
            return f"queue {_safe(q.state)}"
        if q.status == "INVALID":
            return f"queue INVALID: {_safe(q.status_reason)}"
        service = q.job_queue_type == "SAGEMAKER_TRAINING"  # service environments instead
        read = not any(n.check == DESCRIBE_COMPUTE_ENVIRONMENTS.label for n in self.checks_not_made)
        if read and not service and not any(e.usable for e in self.compute_environments):
            return "no usable compute environment"
        if self.blocked is not None:
            return f"blocked: {self.blocked.code}"
        return ""


def assemble_queue_health(
    queue: JobQueueDetail,
    environments: Sequence[ComputeEnvironmentDetail] | None,
    *,
    runnable: int | None,
    runnable_capped: bool,
    snapshot: JobQueueSnapshot | None,
    front: Sequence[JobDetail],
    not_made: Sequence[CheckNotMade],
    now: datetime | None = None,
) -> QueueHealth:
    """One queue's :class:`QueueHealth` from what was read (no I/O)."""
    head = None
    since = None
    as_of = None
    front_of_queue = snapshot.front_of_queue if snapshot is not None else None
    if front_of_queue is not None:
        as_of = front_of_queue.last_updated_at
    if front_of_queue is not None and front_of_queue.jobs:
        first = front_of_queue.jobs[0]
        head = _arn_id(first.job_arn) if first.job_arn else None
        since = first.earliest_time_at_position
    blocked = None
    for job in front:
        reason = parse_blocked_reason(job.status_reason, job.job_id)
        if reason is not None:
            blocked = reason
            break
    return QueueHealth(
        queue=_queue_state(queue),
        compute_environments=tuple(_environment_states(queue, environments)),
        runnable=runnable,
        runnable_capped=runnable_capped,
        front_job_id=head,
        front_since=since,
        blocked=blocked,
        checks_not_made=tuple(not_made),
        as_of=as_of,
        generated_at=now or datetime.now(timezone.utc),
    )
