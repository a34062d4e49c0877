"""What ``FakeAWS.add_*``, ``set_job_status`` and ``update_job`` store: records shaped as AWS
returns them, their members defaulted from the status (queued a minute, ran five; an exit
code and a log stream once a job ran), array children and multi-node nodes included."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from batchkit._spec.models.mixins import TERMINAL_BATCH_VALUES, TERMINAL_S3_VALUES
from batchkit._spec.time import to_epoch_millis
from batchkit.testing._fake.lifecycle import status_summary
from batchkit.testing._fake.state import State, definition_name

__all__ = ["NewJob", "batch_job", "s3_job", "service_job", "updated", "with_status"]

_TERMINAL = TERMINAL_BATCH_VALUES


class NewJob(NamedTuple):
    """A job to store: its detail, and its queue or its parent."""

    detail: dict[str, Any]
    queue: str | None
    array_parent: str | None = None
    node_parent: str | None = None


def ms(moment: datetime | int) -> int:
    """Epoch milliseconds of a datetime (an int is taken as such already)."""
    return moment if isinstance(moment, int) else to_epoch_millis(moment)


def batch_job(
    state: State,
    job_queue: str,
    *,
    job_name: str,
    status: str,
    created_at: datetime | int | None,
    started_at: datetime | int | None,
    stopped_at: datetime | int | None,
    job_definition: str,
    job_id: str | None,
    share_identifier: str | None,
    scheduling_priority: int | None,
    exit_code: int | None,
    status_reason: str | None,
    array_size: int | None,
    child_statuses: Iterable[str] | None,
    num_nodes: int | None,
    members: Mapping[str, Any],
) -> list[NewJob]:
    """A job (``FakeAWS.add_job``'s arguments), then its array children or its nodes."""
    created = ms(created_at) if created_at is not None else ms(state.now())
    job_id = job_id or str(uuid.uuid4())
    detail: dict[str, Any] = {
        "jobArn": state.batch_arn(f"job/{job_id}"),
        "jobName": job_name,
        "jobId": job_id,
        "jobQueue": state.queue(job_queue).arn,
        "status": status,
        "createdAt": created,
        "jobDefinition": state.definition_arn(job_definition),
    }
    running = status in ("STARTING", "RUNNING") or status in _TERMINAL
    if started_at is not None or (running and status != "STARTING"):
        detail["startedAt"] = ms(started_at) if started_at is not None else created + 60_000
    if stopped_at is not None or status in _TERMINAL:
        stop = ms(stopped_at) if stopped_at is not None else detail["startedAt"] + 300_000
        detail["stoppedAt"] = stop
    if share_identifier is not None:
        detail["shareIdentifier"] = share_identifier
    if scheduling_priority is not None:
        detail["schedulingPriority"] = scheduling_priority
    if status_reason is not None:
        detail["statusReason"] = status_reason
    if exit_code is not None or status in _TERMINAL or status == "RUNNING":
        container = {"image": "public.ecr.aws/docker/library/busybox", "vcpus": 1}
        container |= {"memory": 512, "command": ["run.sh"]}
        if exit_code is not None:
            container["exitCode"] = exit_code
        elif status in _TERMINAL:
            container["exitCode"] = 0 if status == "SUCCEEDED" else 1
        if "CannotPullContainer" not in (status_reason or ""):  # never started: no stream
            container["logStreamName"] = f"{job_name}/default/{detail['jobId']}"
        detail["container"] = container
    if array_size is not None:
        statuses = list(child_statuses or [status] * array_size)
        if len(statuses) != array_size:
            raise ValueError("child_statuses: give one status per child")
        detail["arrayProperties"] = {
            "size": array_size,
            "statusSummary": status_summary(statuses),
            "statusSummaryLastUpdatedAt": created,
        }
    if num_nodes is not None:
        detail["nodeProperties"] = {
            "numNodes": num_nodes,
            "mainNode": 0,
            "nodeRangeProperties": [{"targetNodes": "0:"}],
        }
    check_members(members, "JobDetail")
    detail.update(members)
    for name in [name for name, value in members.items() if value is None]:
        del detail[name]  # a member given as None is left out, as AWS leaves it out
    jobs = [NewJob(detail, job_queue)]
    if array_size is not None:
        for index, child_status in enumerate(statuses):
            child = _child(state, detail, f"{detail['jobId']}:{index}", child_status)
            child["arrayProperties"] = {"index": index}
            jobs.append(NewJob(child, None, array_parent=detail["jobId"]))
    if num_nodes is not None:
        for index in range(num_nodes):
            child = _child(state, detail, f"{detail['jobId']}#{index}", status)
            child.pop("nodeProperties", None)
            child["nodeDetails"] = {"nodeIndex": index, "isMainNode": index == 0}
            jobs.append(NewJob(child, None, node_parent=detail["jobId"]))
    return jobs


def _child(state: State, parent: dict[str, Any], job_id: str, status: str) -> dict[str, Any]:
    child = {k: v for k, v in parent.items() if k not in ("arrayProperties", "container")}
    child |= {"jobId": job_id, "status": status}
    child["jobArn"] = state.batch_arn(f"job/{job_id}")
    task_id = uuid.uuid5(uuid.NAMESPACE_URL, job_id).hex  # stream names have no ':'
    stream = f"{definition_name(parent['jobDefinition'])[0]}/default/{task_id}"
    if status in _TERMINAL:
        exit_code = 0 if status == "SUCCEEDED" else 1
        child["container"] = {"exitCode": exit_code, "image": "busybox", "vcpus": 1}
        child["container"]["logStreamName"] = stream
        child.setdefault("startedAt", parent["createdAt"] + 60_000)
        child.setdefault("stoppedAt", child["startedAt"] + 300_000)
    elif status == "RUNNING":
        child["container"] = {"image": "busybox", "vcpus": 1, "logStreamName": stream}
    return child


def with_status(
    state: State, detail: Mapping[str, Any], status: str, members: Mapping[str, Any]
) -> dict[str, Any]:
    """A job's detail moved to ``status`` (``FakeAWS.set_job_status``): started and stopped
    now unless it already was."""
    changed = dict(detail, status=status)
    now = ms(state.now())
    if status in ("RUNNING", *_TERMINAL):
        changed.setdefault("startedAt", now)
    if status in _TERMINAL:
        changed.setdefault("stoppedAt", max(now, changed["startedAt"]))
    check_members(members, "JobDetail")
    changed.update(members)
    return changed


def updated(state: State, detail: Mapping[str, Any], members: Mapping[str, Any]) -> dict[str, Any]:
    """A job's detail with ``members`` (``FakeAWS.update_job``): datetimes of ``...At``
    members in epoch ms; an ended job stopped now, with exit code 0 / 1, unless given."""
    changed = dict(detail)
    changed.update(
        {
            k: ms(v) if isinstance(v, datetime) and k.endswith("At") else v
            for k, v in members.items()
        }
    )
    if changed.get("status") in _TERMINAL:
        changed.setdefault("stoppedAt", ms(state.now()))
        container = dict(changed.get("container") or {})
        container.setdefault("exitCode", 0 if changed["status"] == "SUCCEEDED" else 1)
        changed["container"] = container
    return changed


def service_job(
    state: State,
    *,
    job_name: str,
    status: str,
    created_at: datetime | int | None,
    share_identifier: str | None,
    quota_share_name: str | None,
    job_id: str | None,
    members: Mapping[str, Any],
) -> dict[str, Any]:
    """A service job (SageMaker training) as ListServiceJobs returns it."""
    created = ms(created_at) if created_at is not None else ms(state.now())
    job_id = job_id or str(uuid.uuid4())
    summary: dict[str, Any] = {
        "jobArn": state.batch_arn(f"service-job/{job_id}"),
        "jobId": job_id,
        "jobName": job_name,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": status,
        "createdAt": created,
    }
    if status in ("STARTING", "RUNNING") or status in _TERMINAL:
        summary["startedAt"] = created + 60_000
        summary["latestAttempt"] = {
            "serviceResourceId": {
                "name": "TrainingJobArn",
                "value": f"arn:aws:sagemaker:{state.region}:{state.account_id}:"
                f"training-job/{job_name}",
            }
        }
    if status in _TERMINAL:
        summary["stoppedAt"] = summary["startedAt"] + 600_000
    if share_identifier is not None:
        summary["shareIdentifier"] = share_identifier
    if quota_share_name is not None:
        summary["quotaShareName"] = quota_share_name
    check_members(members, "ServiceJobSummary")
    summary.update(members)
    return summary


def s3_job(
    state: State,
    *,
    status: str,
    operation: str,
    created: datetime | None,
    terminated: datetime | None,
    total: int,
    succeeded: int,
    failed: int,
    description: str | None,
    priority: int,
    job_id: str | None,
) -> dict[str, Any]:
    """An S3 Batch Operations job as S3 Control ListJobs returns it."""
    created = created or state.now()
    job: dict[str, Any] = {
        "JobId": job_id or str(uuid.uuid4()),
        "Operation": operation,
        "Priority": priority,
        "Status": status,
        "CreationTime": created,
        "ProgressSummary": {
            "TotalNumberOfTasks": total,
            "NumberOfTasksSucceeded": succeeded,
            "NumberOfTasksFailed": failed,
            "Timers": {"ElapsedTimeInActiveSeconds": 0},
        },
    }
    if description is not None:
        job["Description"] = description
    if status in TERMINAL_S3_VALUES:
        job["TerminationDate"] = terminated or min(created + timedelta(hours=1), state.now())
    elapsed = int(((terminated or state.now()) - created).total_seconds())
    job["ProgressSummary"]["Timers"]["ElapsedTimeInActiveSeconds"] = max(elapsed, 0)
    return job


def check_members(members: Mapping[str, Any], model: str) -> None:
    """Extra keyword arguments must be wire members of ``model``: a typo is an error, not a
    member silently kept as an unknown extra."""
    import batchkit.models

    fields = getattr(batchkit.models, model).model_fields
    known = {f.alias or name for name, f in fields.items()}
    unknown = sorted(set(members) - known)
    if unknown:
        raise TypeError(
            f"unknown {model} member(s) {', '.join(map(repr, unknown))}; extra keyword "
            f"arguments are {model} wire members such as {', '.join(sorted(known)[:6])}, ..."
        )
