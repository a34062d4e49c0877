"""FakeAWS's capacity side: compute environments, instance types, queue snapshots, blocked
reasons, consumable resources, job definitions, service job and S3 job details -- the state
and operations ``why()`` of a waiting job and ``queue_health()`` read.

Why a part of its own: :class:`CapacityMixin` is mixed into :class:`~batchkit.testing.FakeAWS`
and keeps its own state; it reads and changes the fake's store (:mod:`.state`) only through
the few functions at the top of this module (``_queue_jobs``, ``_service_job``, ``_s3_job``,
``_set_queue``).

Behaviour (tested in ``tests/fake/test_fake_capacity.py`` and against moto where moto has
the operation):

* DescribeComputeEnvironments / DescribeJobDefinitions / ListConsumableResources: paginated
  (``maxResults`` 1..100, opaque tokens bound to the query), names or ARNs, unknown ones
  simply not listed; at most 100 names a request.  Every queue refers to a compute
  environment; ``default`` (EC2, ``optimal``, 0/0/256 vCPUs) exists unless replaced.
* EC2 DescribeInstanceTypes: a built-in catalog of common instance types (``m5``, ``c5``,
  ``r5``, ``m6i``..., ``g4dn``, ``p3``...) plus :meth:`~CapacityMixin.add_instance_type`;
  ``InstanceTypes`` names and the ``instance-type`` filter (``*`` wildcards); unknown names
  are an ``InvalidInstanceType`` error, as EC2's; ``MaxResults`` 5..100.
* GetJobQueueSnapshot: the queue's first 100 RUNNABLE jobs (array children included), oldest
  first, ``earliestTimeAtPosition`` its creation -- or what
  :meth:`~CapacityMixin.set_queue_snapshot` set; an unknown queue is a ClientException.
* DescribeServiceJob from the stored service jobs; S3 Control DescribeJob from the stored S3
  jobs (``set_s3_job_details`` adds failure reasons, suspended cause, report...).
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from batchkit._spec.operations import (
    DESCRIBE_COMPUTE_ENVIRONMENTS,
    DESCRIBE_JOB_DEFINITIONS,
    EC2_DESCRIBE_INSTANCE_TYPES,
    LIST_CONSUMABLE_RESOURCES,
)
from batchkit._spec.time import to_epoch_millis
from batchkit.testing._fake.paging import page as _page
from batchkit.testing._fake.state import State
from batchkit.testing._wire import AWSErrorResponse

if TYPE_CHECKING:
    from batchkit.models import (
        ComputeEnvironmentDetail,
        ConsumableResourceDetail,
        EC2InstanceTypeInfo,
        JobDefinition,
        S3BatchJob,
    )

__all__ = ["CapacityMixin"]


# ----------------------------------------------------------------- the store (the only places
# this module reads or changes what FakeAWS's State keeps)


def _queue_jobs(state: State, queue: str) -> list[dict[str, Any]]:
    """The ListJobs summaries of the jobs in ``queue``, array children included."""
    jobs = state.queue_summaries(queue)
    children = [c for j in jobs for c in state.child_summaries(j["jobId"])]
    return jobs + children


def _service_job(state: State, job_id: str) -> tuple[str, dict[str, Any]] | None:
    for queue in state.queues():
        for summary in state.service_job_summaries(queue.name):
            if job_id == summary["jobId"]:  # DescribeServiceJob takes the id
                return queue.name, summary
    return None


def _s3_job(state: State, account: str, job_id: str) -> dict[str, Any] | None:
    for job in state.s3_jobs(account):
        if job["JobId"] == job_id:
            return dict(job)
    return None


def _set_queue(state: State, name: str, new_state: str | None, status: str | None) -> None:
    """Create the queue if needed; change its state and status (nothing else)."""
    queue = state.queue(name)
    state.set_queue(
        queue.name,
        state=new_state or queue.state,
        status=status or queue.status,
        priority=queue.priority,
        scheduling_policy_arn=queue.scheduling_policy_arn,
        job_queue_type=queue.job_queue_type,
    )


# ----------------------------------------------------------------- the catalog

#: (vCPUs, MiB, GPUs) of common instance types: what the fake's EC2 answers without setup.
_SIZES = {"large": (2, 1), "xlarge": (4, 2), "2xlarge": (8, 4), "4xlarge": (16, 8)}
_SIZES_BIG = {**_SIZES, "12xlarge": (48, 24), "24xlarge": (96, 48)}
_MIB_PER_VCPU = {"c": 2048, "m": 4096, "r": 8192}


def _catalog() -> dict[str, tuple[float, int, int]]:
    types: dict[str, tuple[float, int, int]] = {}
    for generation in ("4", "5", "6i", "6g", "7i", "7g"):
        for letter, per_vcpu in _MIB_PER_VCPU.items():
            family = f"{letter}{generation}"
            for size, (vcpus, _unit) in _SIZES_BIG.items():
                types[f"{family}.{size}"] = (vcpus, vcpus * per_vcpu, 0)
    for size, vcpus, gpus in (("xlarge", 4, 1), ("2xlarge", 8, 1), ("12xlarge", 48, 4)):
        types[f"g4dn.{size}"] = (vcpus, vcpus * 4096, gpus)
    for size, vcpus, gpus in (("2xlarge", 8, 1), ("8xlarge", 32, 4), ("16xlarge", 64, 8)):
        types[f"p3.{size}"] = (vcpus, vcpus * 7808, gpus)
    return types


def _instance_info(name: str, vcpus: float, memory_mib: int, gpus: int) -> dict[str, Any]:
    info: dict[str, Any] = {
        "InstanceType": name,
        "CurrentGeneration": True,
        "VCpuInfo": {"DefaultVCpus": int(vcpus)},
        "MemoryInfo": {"SizeInMiB": memory_mib},
        "ProcessorInfo": {
            "SupportedArchitectures": ["arm64" if name[2:3] == "g" else "x86_64"],
        },
    }
    if gpus:
        info["GpuInfo"] = {
            "Gpus": [{"Name": "T4" if name.startswith("g4") else "V100", "Count": gpus}]
        }
    return info


class _Capacity:
    """The capacity side's own state (one lock)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.environments: dict[str, dict[str, Any]] = {}
        self.queues: dict[str, dict[str, Any]] = {}  # queue -> members over the defaults
        self.instance_types: dict[str, dict[str, Any]] = {
            name: _instance_info(name, *size) for name, size in _catalog().items()
        }
        self.snapshots: dict[str, dict[str, Any]] = {}
        self.consumables: dict[str, dict[str, Any]] = {}
        self.definitions: list[dict[str, Any]] = []
        self.s3_details: dict[str, dict[str, Any]] = {}


class CapacityMixin:
    """The capacity side of :class:`~batchkit.testing.FakeAWS` (see the module's docstring).

    >>> from batchkit.testing import FakeAWS
    >>> fake = FakeAWS()
    >>> _ = fake.add_compute_environment("gpu-ce", instance_types=["g4dn"], max_vcpus=64)
    >>> _ = fake.configure_queue("gpu", compute_environments=["gpu-ce"])
    >>> job = fake.add_job("gpu", status="RUNNABLE")
    >>> fake.block_job(job.job_id, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
    >>> fake.batch_client().why(job.job_id).kind
    WaitKind.CAPACITY
    """

    if TYPE_CHECKING:
        region: str
        account_id: str
        _state: State

        def now(self) -> datetime: ...
        def queue_arn(self, name: str) -> str: ...
        def update_job(self, job_id: str, **members: Any) -> Any: ...

    @property
    def _capacity(self) -> _Capacity:
        state: _Capacity | None = self.__dict__.get("_capacity_state")
        if state is None:
            state = self.__dict__.setdefault("_capacity_state", _Capacity())
        return state

    # ------------------------------------------------------------------ seeding

    def environment_arn(self, name: str) -> str:
        """The ARN of a compute environment of this backend."""
        if name.startswith("arn:"):
            return name
        return f"arn:aws:batch:{self.region}:{self.account_id}:compute-environment/{name}"

    def add_compute_environment(
        self,
        name: str,
        *,
        type: str = "EC2",  # the wire member's name
        state: str = "ENABLED",
        status: str = "VALID",
        status_reason: str | None = None,
        min_vcpus: int = 0,
        desired_vcpus: int = 0,
        max_vcpus: int = 256,
        instance_types: Sequence[str] = ("optimal",),
        allocation_strategy: str | None = "BEST_FIT_PROGRESSIVE",
        **members: Any,
    ) -> ComputeEnvironmentDetail:
        """Add (or replace) a managed compute environment: ``type`` ``EC2``, ``SPOT``,
        ``FARGATE`` or ``FARGATE_SPOT``; its state, status (and reason) and vCPU figures.
        Fargate ones have no instance types and no min/desired vCPUs.  Extra keyword
        arguments are ComputeEnvironmentDetail wire members (``serviceRole=...``)."""
        from batchkit.models import ComputeEnvironmentDetail

        resources: dict[str, Any] = {"type": type, "maxvCpus": max_vcpus}
        if not type.startswith("FARGATE"):
            resources |= {
                "minvCpus": min_vcpus,
                "desiredvCpus": desired_vcpus,
                "instanceTypes": list(instance_types),
            }
            if allocation_strategy is not None:
                resources["allocationStrategy"] = allocation_strategy
        detail: dict[str, Any] = {
            "computeEnvironmentName": name,
            "computeEnvironmentArn": self.environment_arn(name),
            "type": "MANAGED",
            "state": state,
            "status": status,
            "computeResources": resources,
            "containerOrchestrationType": "ECS",
        }
        if status_reason is not None:
            detail["statusReason"] = status_reason
        detail.update(members)
        model = ComputeEnvironmentDetail.model_validate(detail)  # only valid ones get in
        with self._capacity.lock:
            self._capacity.environments[name] = detail
        return model

    def configure_queue(
        self,
        name: str,
        *,
        compute_environments: Sequence[str] | None = None,
        state: str | None = None,
        status: str | None = None,
        status_reason: str | None = None,
        time_limit_actions: Sequence[Mapping[str, Any]] | None = None,
    ) -> str:
        """Create or change a job queue's capacity side: its compute environments (names or
        ARNs, in order), state, status and ``statusReason``, ``jobStateTimeLimitActions``
        (wire dicts).  Returns its ARN."""
        arn = self.queue_arn(name)
        _set_queue(self._state, name, state, status)
        with self._capacity.lock:
            extra = self._capacity.queues.setdefault(name, {})
            if compute_environments is not None:
                extra["computeEnvironmentOrder"] = [
                    {"order": index + 1, "computeEnvironment": self.environment_arn(ce)}
                    for index, ce in enumerate(compute_environments)
                ]
            if status_reason is not None:
                extra["statusReason"] = status_reason
            if time_limit_actions is not None:
                extra["jobStateTimeLimitActions"] = [dict(a) for a in time_limit_actions]
        return arn

    def add_instance_type(
        self, name: str, *, vcpus: int, memory_mib: int, gpus: int = 0, **members: Any
    ) -> EC2InstanceTypeInfo:
        """Add (or replace) an EC2 instance type (the built-in catalog has the common ones);
        extra keyword arguments are InstanceTypeInfo wire members."""
        from batchkit.models import EC2InstanceTypeInfo

        info = _instance_info(name, vcpus, memory_mib, gpus) | members
        model = EC2InstanceTypeInfo.model_validate(info)
        with self._capacity.lock:
            self._capacity.instance_types[name] = info
        return model

    def block_job(self, job_id: str, code: str, message: str | None = None) -> None:
        """Mark a RUNNABLE job as blocking its queue, as AWS does: ``statusReason`` becomes
        ``CODE - message`` (AWS's message for the code when none is given)."""
        text = message or _MESSAGES.get(code, "blocked")
        self.update_job(job_id, statusReason=f"{code} - {text}")

    def set_queue_snapshot(
        self,
        queue: str,
        jobs: Sequence[tuple[str, datetime | int]] | None = None,
        *,
        quota_shares: Mapping[str, Sequence[tuple[str, datetime | int]]] | None = None,
        utilization: Mapping[str, Any] | None = None,
        last_updated_at: datetime | int | None = None,
    ) -> None:
        """Fix what GetJobQueueSnapshot returns for ``queue``: (job ARN or id, time at
        position) pairs at the front, per quota share, and ``queueUtilization`` (a wire
        dict).  ``jobs=None`` and no shares: back to the computed front."""
        if jobs is None and quota_shares is None and utilization is None:
            with self._capacity.lock:
                self._capacity.snapshots.pop(queue, None)
            return
        snapshot: dict[str, Any] = {}
        updated = _ms(last_updated_at) if last_updated_at is not None else _ms(self.now())
        if jobs is not None:
            snapshot["frontOfQueue"] = {
                "jobs": [self._front_entry(j, t) for j, t in jobs],
                "lastUpdatedAt": updated,
            }
        if quota_shares is not None:
            snapshot["frontOfQuotaShares"] = {
                "quotaShares": {
                    share: [self._front_entry(j, t) for j, t in entries]
                    for share, entries in quota_shares.items()
                },
                "lastUpdatedAt": updated,
            }
        if utilization is not None:
            snapshot["queueUtilization"] = dict(utilization)
        with self._capacity.lock:
            self._capacity.snapshots[queue] = snapshot

    def _front_entry(self, job: str, at: datetime | int) -> dict[str, Any]:
        arn = (
            job
            if job.startswith("arn:")
            else (f"arn:aws:batch:{self.region}:{self.account_id}:job/{job}")
        )
        return {"jobArn": arn, "earliestTimeAtPosition": _ms(at)}

    def add_consumable_resource(
        self,
        name: str,
        *,
        total: int,
        in_use: int = 0,
        resource_type: str = "REPLACEABLE",
    ) -> ConsumableResourceDetail:
        """Add (or replace) a consumable resource (``available`` = total - in use)."""
        from batchkit.models import ConsumableResourceDetail

        detail = {
            "consumableResourceName": name,
            "consumableResourceArn": (
                f"arn:aws:batch:{self.region}:{self.account_id}:consumable-resource/{name}"
            ),
            "totalQuantity": total,
            "inUseQuantity": in_use,
            "availableQuantity": max(total - in_use, 0),
            "resourceType": resource_type,
            "createdAt": _ms(self.now()),
        }
        model = ConsumableResourceDetail.model_validate(detail)
        with self._capacity.lock:
            self._capacity.consumables[name] = detail
        return model

    def add_job_definition(
        self,
        name: str,
        *,
        status: str = "ACTIVE",
        vcpus: float = 1,
        memory_mib: int = 2048,
        gpus: int | None = None,
        image: str = "public.ecr.aws/docker/library/busybox",
        **members: Any,
    ) -> JobDefinition:
        """Register a container job definition (the next revision of ``name``); extra
        keyword arguments are JobDefinition wire members."""
        from batchkit.models import JobDefinition

        with self._capacity.lock:
            revision = 1 + sum(
                1 for d in self._capacity.definitions if d["jobDefinitionName"] == name
            )
        requirements = [
            {"type": "VCPU", "value": f"{vcpus:g}"},
            {"type": "MEMORY", "value": str(memory_mib)},
        ]
        if gpus:
            requirements.append({"type": "GPU", "value": str(gpus)})
        definition: dict[str, Any] = {
            "jobDefinitionName": name,
            "jobDefinitionArn": (
                f"arn:aws:batch:{self.region}:{self.account_id}:job-definition/{name}:{revision}"
            ),
            "revision": revision,
            "status": status,
            "type": "container",
            "containerProperties": {"image": image, "resourceRequirements": requirements},
            "platformCapabilities": ["EC2"],
            "containerOrchestrationType": "ECS",
        }
        definition.update(members)
        model = JobDefinition.model_validate(definition)
        with self._capacity.lock:
            self._capacity.definitions.append(definition)
        return model

    def set_s3_job_details(
        self,
        job: S3BatchJob | str,
        *,
        failure_reasons: Iterable[tuple[str, str]] = (),
        suspended_cause: str | None = None,
        status_update_reason: str | None = None,
        report: Mapping[str, Any] | None = None,
        **members: Any,
    ) -> None:
        """What S3 Control DescribeJob adds to a stored S3 job: ``(code, reason)`` failure
        reasons, the suspended cause, the status update reason, the ``Report`` settings
        (wire dict) and any other JobDescriptor wire member.  ``job``: the job (as
        ``add_s3_job`` returned it) or its id."""
        job_id = job if isinstance(job, str) else str(job.job_id)
        extra: dict[str, Any] = dict(members)
        reasons = [{"FailureCode": c, "FailureReason": r} for c, r in failure_reasons]
        if reasons:
            extra["FailureReasons"] = reasons
        if suspended_cause is not None:
            extra["SuspendedCause"] = suspended_cause
            extra.setdefault("SuspendedDate", self.now())
        if status_update_reason is not None:
            extra["StatusUpdateReason"] = status_update_reason
        if report is not None:
            extra["Report"] = dict(report)
        with self._capacity.lock:
            self._capacity.s3_details.setdefault(job_id, {}).update(extra)

    # ------------------------------------------------------------------ answers

    def _capacity_handlers(self) -> dict[str, Any]:
        return {
            "batch.DescribeComputeEnvironments": self._describe_compute_environments,
            "batch.DescribeJobDefinitions": self._describe_job_definitions,
            "batch.GetJobQueueSnapshot": self._get_job_queue_snapshot,
            "batch.ListConsumableResources": self._list_consumable_resources,
            "batch.DescribeConsumableResource": self._describe_consumable_resource,
            "batch.DescribeServiceJob": self._describe_service_job,
            "ec2.DescribeInstanceTypes": self._describe_instance_types,
            "s3control.DescribeJob": self._s3_describe_job,
        }

    def _queue_detail(self, detail: dict[str, Any]) -> dict[str, Any]:
        """A queue's DescribeJobQueues answer with what :meth:`configure_queue` set."""
        with self._capacity.lock:
            extra = dict(self._capacity.queues.get(detail["jobQueueName"], {}))
        if detail.get("status") == "INVALID" and "statusReason" not in extra:
            extra["statusReason"] = "INVALID"
        if detail.get("jobQueueType") == "SAGEMAKER_TRAINING":  # service environments
            extra.setdefault("computeEnvironmentOrder", [])
            extra.setdefault(
                "serviceEnvironmentOrder",
                [
                    {
                        "order": 1,
                        "serviceEnvironment": f"arn:aws:batch:{self.region}:{self.account_id}"
                        ":service-environment/sagemaker",
                    }
                ],
            )
        return detail | extra

    def _environment(self, name: str) -> dict[str, Any] | None:
        with self._capacity.lock:
            found = self._capacity.environments.get(name)
        if found is None and name == "default":
            return {
                "computeEnvironmentName": "default",
                "computeEnvironmentArn": self.environment_arn("default"),
                "type": "MANAGED",
                "state": "ENABLED",
                "status": "VALID",
                "computeResources": {
                    "type": "EC2",
                    "minvCpus": 0,
                    "desiredvCpus": 0,
                    "maxvCpus": 256,
                    "instanceTypes": ["optimal"],
                    "allocationStrategy": "BEST_FIT_PROGRESSIVE",
                },
                "containerOrchestrationType": "ECS",
            }
        return found

    def _describe_compute_environments(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = params.get("computeEnvironments")
        op = DESCRIBE_COMPUTE_ENVIRONMENTS
        limit = _limit(params, op)
        with self._capacity.lock:
            names = list(self._capacity.environments)
        if "default" not in names:
            names.insert(0, "default")
        if wanted:
            if len(wanted) > 100:
                _reject("A maximum of 100 compute environments can be specified.")
            asked = {_arn_id(w) for w in wanted}
            names = [n for n in names if n in asked]
        found = [e for n in names if (e := self._environment(n)) is not None]
        return _page(found, params, op, limit)

    def _describe_job_definitions(self, params: dict[str, Any]) -> dict[str, Any]:
        op = DESCRIBE_JOB_DEFINITIONS
        limit = _limit(params, op)
        with self._capacity.lock:
            definitions = list(self._capacity.definitions)
        wanted = params.get("jobDefinitions")
        if wanted:
            if len(wanted) > 100:
                _reject("A maximum of 100 job definitions can be specified.")
            keys = set()
            for w in wanted:
                tail = _arn_id(w)
                keys.add(tail if ":" in tail else f"{tail}:*")
            definitions = [
                d
                for d in definitions
                if f"{d['jobDefinitionName']}:{d['revision']}" in keys
                or f"{d['jobDefinitionName']}:*" in keys
            ]
        name = params.get("jobDefinitionName")
        if name:
            definitions = [d for d in definitions if d["jobDefinitionName"] == name]
        status = params.get("status")
        if status:
            definitions = [d for d in definitions if d.get("status") == status]
        return _page(definitions, params, op, limit)

    def _get_job_queue_snapshot(self, params: dict[str, Any]) -> dict[str, Any]:
        queue = self._state.find_queue(str(params.get("jobQueue") or ""))
        if queue is None:
            _reject(f"Job queue {params.get('jobQueue')} does not exist.")
        assert queue is not None
        with self._capacity.lock:
            fixed = self._capacity.snapshots.get(queue)
        if fixed is not None:
            return dict(fixed)
        runnable = [d for d in _queue_jobs(self._state, queue) if d.get("status") == "RUNNABLE"]
        runnable.sort(key=lambda d: (int(d.get("createdAt", 0)), d["jobId"]))
        return {
            "frontOfQueue": {
                "jobs": [
                    {"jobArn": d["jobArn"], "earliestTimeAtPosition": int(d.get("createdAt", 0))}
                    for d in runnable[:100]
                ],
                "lastUpdatedAt": _ms(self.now()),
            }
        }

    def _list_consumable_resources(self, params: dict[str, Any]) -> dict[str, Any]:
        op = LIST_CONSUMABLE_RESOURCES
        limit = _limit(params, op)
        with self._capacity.lock:
            resources = list(self._capacity.consumables.values())
        for item in params.get("filters") or ():
            if item.get("name") not in op.filters:
                _reject(f"Invalid filter name {item.get('name')!r}.")
            values = [str(v).lower() for v in item.get("values") or ()]
            resources = [
                r
                for r in resources
                if any(_name_match(r["consumableResourceName"].lower(), v) for v in values)
            ]
        keys = ("consumableResourceArn", "consumableResourceName", "totalQuantity")
        summaries = [
            {k: r[k] for k in (*keys, "inUseQuantity", "resourceType") if k in r} for r in resources
        ]
        return _page(summaries, params, op, limit)

    def _describe_consumable_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        name = _arn_id(str(params.get("consumableResource") or ""))
        with self._capacity.lock:
            found = self._capacity.consumables.get(name)
        if found is None:
            _reject(f"Consumable resource {params.get('consumableResource')} does not exist.")
        assert found is not None
        return dict(found)

    def _describe_service_job(self, params: dict[str, Any]) -> dict[str, Any]:
        found = _service_job(self._state, str(params.get("jobId") or ""))
        if found is None:
            _reject(f"Service job {params.get('jobId')} does not exist.")
        assert found is not None
        queue, summary = found
        detail = {k: v for k, v in summary.items() if k != "capacityUsage"}
        detail.setdefault("attempts", [])
        detail["jobQueue"] = self.queue_arn(queue)
        detail.setdefault("retryStrategy", {"attempts": 1})
        return detail

    def _describe_instance_types(self, params: dict[str, Any]) -> dict[str, Any]:
        op = EC2_DESCRIBE_INSTANCE_TYPES
        limit = params.get(op.limit_key or "")
        if limit is not None and not op.page_size_min <= int(limit) <= op.page_size_max:
            raise _ec2_error(
                "InvalidParameterValue",
                f"MaxResults must be between {op.page_size_min} and {op.page_size_max}.",
            )
        with self._capacity.lock:
            catalog = dict(self._capacity.instance_types)
        names = list(params.get("InstanceTypes") or ())
        unknown = [n for n in names if n not in catalog]
        if unknown:
            raise _ec2_error(
                "InvalidInstanceType",
                f"The following supplied instance types do not exist: [{', '.join(unknown)}]",
            )
        items = [catalog[n] for n in names] if names else list(catalog.values())
        for item in params.get("Filters") or ():
            if item.get("Name") != "instance-type":
                continue  # other filters: not modelled, everything matches
            patterns = list(item.get("Values") or ())
            items = [
                i for i in items if any(fnmatch.fnmatchcase(i["InstanceType"], p) for p in patterns)
            ]
        items.sort(key=lambda i: i["InstanceType"])
        return _page(
            items,
            params,
            op,
            int(limit) if limit is not None else None,
            invalid=("InvalidParameterValue", 400),
        )

    def _s3_describe_job(self, params: dict[str, Any]) -> dict[str, Any]:
        account = str(params.get("AccountId") or "")
        job_id = str(params.get("JobId") or "")
        job = _s3_job(self._state, account, job_id)
        if job is None:
            raise AWSErrorResponse("NotFoundException", f"Job {job_id} not found.", 404)
        operation = job.pop("Operation", "S3PutObjectCopy")
        detail: dict[str, Any] = {
            **job,
            "JobArn": f"arn:aws:s3:{self.region}:{account}:job/{job_id}",
            "Operation": {operation: _OPERATION_DEFAULTS.get(operation, {})},
            "ConfirmationRequired": False,
            "RoleArn": f"arn:aws:iam::{account}:role/batch-operations",
        }
        with self._capacity.lock:
            detail.update(self._capacity.s3_details.get(job_id, {}))
        return {"Job": detail}


_OPERATION_DEFAULTS: dict[str, dict[str, Any]] = {
    "LambdaInvoke": {"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:process"},
    "S3PutObjectCopy": {"TargetResource": "arn:aws:s3:::destination-bucket"},
}

#: AWS's messages for its blocked-queue codes (docs: "Jobs stuck in a RUNNABLE status").
_MESSAGES = {
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY": (
        "Service cannot fulfill the capacity requested for instance type [m5.large]"
    ),
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE": (
        "CE(s) associated with the job queue cannot meet the CPU requirement of the job."
    ),
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT": (
        "The job resource requirement (vCPU/memory/GPU) is higher than that can be met by "
        "the CE(s) attached to the job queue."
    ),
    "MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED": (
        "The EC2 instance configuration of the CE(s) is not supported."
    ),
    "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS": ("Batch service role has a permission issue."),
    "ACTION_REQUIRED": "CE(s) associated with the job queue are invalid.",
    "UNDETERMINED": "Batch cannot determine why the job is blocked.",
}


def _ms(moment: datetime | int) -> int:
    return moment if isinstance(moment, int) else to_epoch_millis(moment)


def _arn_id(value: str) -> str:
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def _name_match(name: str, pattern: str) -> bool:
    return name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern


def _reject(message: str) -> None:
    raise AWSErrorResponse("ClientException", message, 400)


def _ec2_error(code: str, message: str) -> Exception:
    return AWSErrorResponse(code, message, 400)


def _limit(params: Mapping[str, Any], op: Any) -> int | None:
    value = params.get(op.limit_key)
    if value is None:
        return None
    if not isinstance(value, int) or not op.page_size_min <= value <= op.page_size_max:
        _reject(f"{op.limit_key} must be between {op.page_size_min} and {op.page_size_max}.")
    return int(value)


def seed_demo_capacity(fake: Any, now: datetime) -> None:
    """The demo account's capacity side (``FakeAWS.demo()``): a compute environment per
    queue, a GPU queue blocked by a job asking for more than any instance gives (and jobs
    waiting behind it), queued CPU jobs, a job waiting on a dependency and one on a
    consumable resource -- one of each common answer of ``why()``."""
    from datetime import timedelta

    fake.add_compute_environment(
        "spot-ce",
        type="SPOT",
        instance_types=["c5", "m5"],
        min_vcpus=0,
        desired_vcpus=48,
        max_vcpus=256,
        allocation_strategy="SPOT_PRICE_CAPACITY_OPTIMIZED",
    )
    fake.add_compute_environment(
        "gpu-ce", instance_types=["g4dn", "p3"], min_vcpus=0, desired_vcpus=32, max_vcpus=128
    )
    fake.add_compute_environment("etl-fargate", type="FARGATE", max_vcpus=64)
    fake.configure_queue("cpu-spot", compute_environments=["spot-ce"])
    fake.configure_queue("gpu-ondemand", compute_environments=["gpu-ce"])
    fake.configure_queue("etl", compute_environments=["etl-fargate"])
    fake.add_consumable_resource("matlab-license", total=4, in_use=4)
    fake.add_job_definition("train-llm", vcpus=32, memory_mib=480_000, gpus=8)
    fake.add_job_definition("featurize", vcpus=2, memory_mib=4096)

    def requirements(vcpus: int, memory: int, gpus: int = 0) -> dict[str, Any]:
        items = [
            {"type": "VCPU", "value": str(vcpus)},
            {"type": "MEMORY", "value": str(memory)},
        ]
        if gpus:
            items.append({"type": "GPU", "value": str(gpus)})
        return {"image": "public.ecr.aws/docker/library/busybox", "resourceRequirements": items}

    blocked = fake.add_job(
        "gpu-ondemand",
        job_id="7e1f0000-0000-4000-8000-00000000b10c",
        job_name="train-llm-70b",
        status="RUNNABLE",
        created_at=now - timedelta(hours=3, minutes=12),
        job_definition="train-llm:1",
        container=requirements(32, 600_000, 8),
    )
    fake.block_job(blocked.job_id, "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT")
    for index in range(2):
        fake.add_job(
            "gpu-ondemand",
            job_id=f"7e1f0000-0000-4000-8000-00000000b1{index:02d}",
            job_name="finetune-vit",
            status="RUNNABLE",
            created_at=now - timedelta(hours=2, minutes=40 - index),
            container=requirements(8, 30_000, 1),
        )
    for index in range(3):
        fake.add_job(
            "cpu-spot",
            job_id=f"7e1f0000-0000-4000-8000-0000000c0d{index:02d}",
            job_name="featurize",
            status="RUNNABLE",
            created_at=now - timedelta(minutes=6 - index),
            job_definition="featurize:1",
            container=requirements(2, 4096),
        )
    fake.add_job(
        "cpu-spot",
        job_id="7e1f0000-0000-4000-8000-0000000011c0",
        job_name="simulate-matlab",
        status="RUNNABLE",
        created_at=now - timedelta(minutes=30),
        container=requirements(2, 4096),
        consumableResourceProperties={
            "consumableResourceList": [{"consumableResource": "matlab-license", "quantity": 1}]
        },
    )
    upstream = fake.add_job(
        "etl",
        job_id="7e1f0000-0000-4000-8000-00000000e7a1",
        job_name="ingest-orders",
        status="RUNNING",
        created_at=now - timedelta(minutes=20),
    )
    fake.add_job(
        "etl",
        job_id="7e1f0000-0000-4000-8000-00000000e7a2",
        job_name="compact-parquet",
        status="PENDING",
        created_at=now - timedelta(minutes=19),
        dependsOn=[{"jobId": upstream.job_id}],
    )
