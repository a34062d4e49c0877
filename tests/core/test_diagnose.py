"""The sans-I/O rules of a WaitReport: AWS's codes, what a job asks for, the precedence."""

from __future__ import annotations

from typing import Any

import pytest

from batchkit._core.diagnose import (
    WaitEvidence,
    WaitKind,
    check_not_made,
    decide,
    instance_type_query,
    parse_blocked_reason,
    requirement,
    usable_memory_mib,
)
from batchkit._core.errors import AccessDeniedError, AWSError
from batchkit.models import (
    ComputeEnvironmentDetail,
    ConsumableResourceDetail,
    EC2InstanceTypeInfo,
    JobDetail,
    JobQueueDetail,
)


def job(status: str = "RUNNABLE", **members: Any) -> JobDetail:
    base = {"jobName": "n", "jobId": "j", "jobQueue": "q", "status": status}
    return JobDetail.model_validate({**base, "jobDefinition": "d:1", **members})


def queue(
    state: str = "ENABLED", status: str = "VALID", ces: tuple[str, ...] = ("ce",)
) -> JobQueueDetail:
    return JobQueueDetail.model_validate(
        {
            "jobQueueName": "q",
            "jobQueueArn": "arn:aws:batch:us-east-1:123456789012:job-queue/q",
            "state": state,
            "status": status,
            "priority": 1,
            "computeEnvironmentOrder": [
                {"order": i + 1, "computeEnvironment": c} for i, c in enumerate(ces)
            ],
        }
    )


def environment(
    name: str = "ce",
    state: str = "ENABLED",
    status: str = "VALID",
    types: tuple[str, ...] = ("m5.large",),
    desired: int = 0,
    maximum: int = 256,
) -> ComputeEnvironmentDetail:
    return ComputeEnvironmentDetail.model_validate(
        {
            "computeEnvironmentName": name,
            "computeEnvironmentArn": name,
            "state": state,
            "status": status,
            "computeResources": {
                "type": "EC2",
                "minvCpus": 0,
                "desiredvCpus": desired,
                "maxvCpus": maximum,
                "instanceTypes": list(types),
                "subnets": [],
            },
        }
    )


M5_LARGE = EC2InstanceTypeInfo.model_validate(
    {"InstanceType": "m5.large", "VCpuInfo": {"DefaultVCpus": 2}, "MemoryInfo": {"SizeInMiB": 8192}}
)


def needs(vcpus: str, memory: str, gpus: str | None = None) -> dict[str, Any]:
    items = [{"type": "VCPU", "value": vcpus}, {"type": "MEMORY", "value": memory}]
    if gpus is not None:
        items.append({"type": "GPU", "value": gpus})
    return {"container": {"resourceRequirements": items}}


@pytest.mark.parametrize(
    ("reason", "code", "kind", "message"),
    [
        (
            "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity "
            "requested for instance type [p4d.24xlarge]",
            "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
            WaitKind.CAPACITY,
            "Service cannot fulfill the capacity requested for instance type [p4d.24xlarge]",
        ),
        (
            "ACTION_REQUIRED - CE(s) associated with the job queue are invalid.",
            "ACTION_REQUIRED",
            WaitKind.ACTION_REQUIRED,
            "CE(s) associated with the job queue are invalid.",
        ),
        ("UNDETERMINED", "UNDETERMINED", WaitKind.UNDETERMINED, None),
        ("CAPACITY:SOMETHING_NEW - x", "CAPACITY:SOMETHING_NEW", WaitKind.CAPACITY, "x"),
        (
            "MISCONFIGURATION:SOMETHING_NEW - x",
            "MISCONFIGURATION:SOMETHING_NEW",
            WaitKind.UNDETERMINED,
            "x",
        ),
    ],
)
def test_blocked_reasons(reason: str, code: str, kind: WaitKind, message: str | None) -> None:
    parsed = parse_blocked_reason(reason, "j")
    assert parsed is not None
    assert (parsed.code, parsed.kind, parsed.message, parsed.job_id) == (code, kind, message, "j")


@pytest.mark.parametrize(
    "reason",
    [
        None,
        "",
        "Essential container in task exited",
        "Canceled by JobStateTimeLimit action due to "
        "reason: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        "capacity:lowercase - no",
    ],
)
def test_not_blocked_reasons(reason: str | None) -> None:
    assert parse_blocked_reason(reason) is None


def test_usable_memory_follows_aws_m4_large_example() -> None:
    assert usable_memory_mib(8192) == 7953  # 7,985 registered, 32 reserved
    assert usable_memory_mib(0) == 0


def test_what_jobs_ask_for() -> None:
    assert requirement(job(**needs("0.25", "512"))).vcpus == 0.25
    legacy = requirement(job(container={"vcpus": 4, "memory": 2048}))
    assert (legacy.vcpus, legacy.memory_mib) == (4, 2048)
    ecs = requirement(
        job(
            ecsProperties={
                "taskProperties": [
                    {
                        "containers": [
                            {
                                "resourceRequirements": [
                                    {"type": "VCPU", "value": "1"},
                                    {"type": "MEMORY", "value": "1024"},
                                ]
                            },
                            {
                                "resourceRequirements": [
                                    {"type": "VCPU", "value": "2"},
                                    {"type": "GPU", "value": "1"},
                                ]
                            },
                        ]
                    }
                ]
            }
        )
    )
    assert (ecs.vcpus, ecs.memory_mib, ecs.gpus) == (3, 1024, 1)
    eks = requirement(
        job(
            eksProperties={
                "podProperties": {
                    "containers": [
                        {
                            "resources": {
                                "requests": {"cpu": "500m", "memory": "2Gi"},
                                "limits": {"nvidia.com/gpu": "2", "memory": "3Gi"},
                            }
                        },
                    ]
                }
            }
        )
    )
    assert (eks.vcpus, eks.memory_mib, eks.gpus) == (0.5, 2048, 2)  # requests win
    nodes = requirement(
        job(
            nodeProperties={
                "numNodes": 4,
                "mainNode": 0,
                "nodeRangeProperties": [
                    {"targetNodes": "0:", "container": {"vcpus": 8, "memory": 4096}},
                ],
            }
        )
    )
    assert (nodes.vcpus, nodes.nodes, nodes.total_vcpus) == (8, 4, 32)
    assert "x 4 nodes" in nodes.text()
    bad = requirement(job(**needs("nan", "lots")))
    assert (bad.vcpus, bad.memory_mib) == (None, None)


def test_instance_type_query_expands_bundles_and_families() -> None:
    names, families = instance_type_query(
        [
            environment(types=("optimal", "m5.large", "p3")),
            environment("off", state="DISABLED", types=("x1e",)),
        ]
    )
    assert names == ["m5.large"]
    assert families[:6] == ["c4", "m4", "r4", "c5", "m5", "r5"]
    assert "p3" in families
    assert "x1e" not in families  # a disabled environment launches nothing


def evidence(target: JobDetail, **parts: Any) -> WaitEvidence:
    defaults: dict[str, Any] = {
        "queue": queue(),
        "environments": (environment(),),
        "instance_types": (M5_LARGE,),
        "consumables": (),
    }
    return WaitEvidence(target, **{**defaults, **parts})


def test_precedence_table() -> None:
    """Each row adds the next problem in the order: the first one present decides."""
    running = job("RUNNING", jobId="up")
    pending = job("PENDING", dependsOn=[{"jobId": "up"}], **needs("4", "9000"))
    dep = evidence(
        pending, dependencies=(running,), dependencies_read=True, queue=queue("DISABLED")
    )
    assert decide(dep).kind == WaitKind.DEPENDENCY
    big = job(**needs("4", "9000"))
    disabled = evidence(big, queue=queue("DISABLED", "INVALID"))
    assert decide(disabled).kind == WaitKind.QUEUE_DISABLED
    invalid = evidence(
        big, queue=queue(status="INVALID"), environments=(environment(status="INVALID"),)
    )
    assert decide(invalid).kind == WaitKind.QUEUE_INVALID
    no_compute = evidence(big, environments=(environment(status="INVALID"),))
    assert decide(no_compute).kind == WaitKind.NO_VALID_COMPUTE
    full = (environment(desired=256),)
    licence = ConsumableResourceDetail.model_validate(
        {
            "consumableResourceName": "lic",
            "consumableResourceArn": "lic",
            "totalQuantity": 1,
            "inUseQuantity": 1,
            "availableQuantity": 0,
        }
    )
    wanting: dict[str, Any] = {
        "consumableResourceProperties": {
            "consumableResourceList": [{"consumableResource": "lic", "quantity": 1}]
        }
    }
    too_big = evidence(
        job(**needs("4", "9000"), **wanting), environments=full, consumables=(licence,)
    )
    assert decide(too_big).kind == WaitKind.RESOURCE_REQUIREMENT
    short = evidence(job(**wanting), environments=full, consumables=(licence,))
    assert decide(short).kind == WaitKind.CONSUMABLE_RESOURCE
    head = job(jobId="head", statusReason="CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - x")
    behind = evidence(job(), environments=full, ahead=(head,))
    assert decide(behind).kind == WaitKind.BEHIND_BLOCKED_JOB
    assert decide(evidence(job(), environments=full)).kind == WaitKind.MAX_RESOURCE
    assert decide(evidence(job())).kind == WaitKind.QUEUED
    assert decide(evidence(job(), environments=None)).kind == WaitKind.UNDETERMINED
    assert (
        decide(evidence(job("STARTING", statusReason="CAPACITY:X - y"))).kind == WaitKind.STARTING
    )
    coded = job(statusReason="CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - x", **needs("4", "9000"))
    assert decide(evidence(coded, environments=(environment(status="INVALID"),))).kind == (
        WaitKind.CAPACITY  # AWS's own code wins over every batchkit check
    )


def test_an_unknown_status_is_waiting_and_undetermined() -> None:
    assert decide(evidence(job("HIBERNATING"))).kind == WaitKind.UNDETERMINED


def test_check_not_made_reasons() -> None:
    denied = AccessDeniedError(
        operation="EC2.DescribeInstanceTypes",
        code="UnauthorizedOperation",
        message="no",
        request_id="r",
        http_status=403,
    )
    assert check_not_made("x", denied).reason == "no permission (UnauthorizedOperation)"
    missing = AWSError(
        operation="GetJobQueueSnapshot",
        code="404",
        message="Not yet implemented",
        request_id=None,
        http_status=404,
    )
    assert check_not_made("x", missing).reason == "the endpoint does not implement it"
    other = AWSError(
        operation="x", code="Boom\x1b[2J", message="m", request_id=None, http_status=500
    )
    assert "\x1b" not in check_not_made("x", other).reason


def test_a_snapshot_entry_without_an_arn_names_no_job() -> None:
    from batchkit._core.diagnose import position_of
    from batchkit.models import JobQueueSnapshot

    snapshot = JobQueueSnapshot.model_validate(
        {
            "frontOfQueue": {
                "jobs": [
                    {"earliestTimeAtPosition": 1},  # no jobArn
                    {"jobArn": "arn:aws:batch:us-east-1:123456789012:job/j"},
                ]
            }
        }
    )
    from_event = job()  # an event's detail may lack jobArn: matched by its id
    assert from_event.job_arn is None
    where = position_of(WaitEvidence(from_event, snapshot=snapshot))
    assert where is not None
    assert where.position == 2
