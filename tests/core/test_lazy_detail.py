"""``JobDetail`` keeps its nested members as JSON text until they are read (issue 24, item 2):
few objects for the garbage collector per job, the typed API unchanged, and a member that
does not match its shape fails typed when read, naming the job and the member."""

from __future__ import annotations

import copy
import gc
import json
import pickle
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from batchkit import ResponseValidationError
from batchkit.models import JobDetail

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

from _data import detail


def _deferred(job: JobDetail) -> bool:
    private = job.__pydantic_private__
    return bool(private)


def test_a_detail_costs_a_handful_of_tracked_objects_until_its_nested_parts_are_read() -> None:
    page = json.loads(json.dumps({"jobs": [detail(i) for i in range(200)]}))["jobs"]
    JobDetail.model_validate(detail(0)).container  # noqa: B018 -- build the validators first
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        jobs = [JobDetail.model_validate(item) for item in page]
        lazy = (len(gc.get_objects()) - before) / len(jobs)
        for job in jobs:
            assert job.container is not None
        read = (len(gc.get_objects()) - before) / len(jobs)
    finally:
        gc.enable()
    assert lazy <= 3, f"{lazy:.1f} tracked objects per unread JobDetail"
    assert read >= 4 * lazy, "reading the nested members validates them"
    assert not any(_deferred(job) for job in jobs)


def test_the_typed_api_is_unchanged() -> None:
    raw = detail(9)
    job = JobDetail.model_validate(raw)
    assert _deferred(job)
    assert job.job_id == raw["jobId"]
    assert job.status == "FAILED"
    assert _deferred(job)
    assert job.container is not None
    assert job.container.exit_code == 1
    assert job.attempts is not None
    assert job.attempts[0].container is not None
    assert job.tags == {"team": "vision", "cost-center": "1234"}
    assert not _deferred(job)
    assert "container" in job.model_fields_set
    assert "tags" in job.model_fields_set


def test_equality_hash_repr_pickle_copies_and_dumps_see_every_member() -> None:
    raw = detail(3)
    eager = JobDetail.model_validate(raw)
    eager.container  # noqa: B018 -- materialized
    makers: list[Callable[[], JobDetail]] = [
        lambda: JobDetail.model_validate(raw),
        lambda: JobDetail.model_validate_json(json.dumps(raw)),
    ]
    for make in makers:
        assert make() == eager
        assert eager == make()
        assert hash(make()) == hash(eager)
        assert repr(make()) == repr(eager)
        assert pickle.loads(pickle.dumps(make())) == eager
        assert copy.copy(make()) == eager
        assert copy.deepcopy(make()) == eager
        assert make().model_copy(update={"status": "RUNNING"}).container == eager.container
        assert make().to_boto() == eager.to_boto()
        assert make().model_dump(by_alias=True) == eager.model_dump(by_alias=True)
        assert json.loads(make().model_dump_json(by_alias=True)) == json.loads(
            eager.model_dump_json(by_alias=True)
        )
        assert dict(make()) == dict(eager)
        assert TypeAdapter(list[JobDetail]).dump_python([make()]) == [eager.model_dump()]

    class Holder(BaseModel):
        job: JobDetail

    assert Holder(job=JobDetail.model_validate(raw)).model_dump() == {"job": eager.model_dump()}
    assert JobDetail.model_validate(raw) != JobDetail.model_validate(detail(4))


def test_the_round_trip_to_boto_is_exact() -> None:
    raw = detail(5)
    assert JobDetail.model_validate(raw).to_boto() == raw


def test_a_member_that_does_not_match_fails_typed_when_read_without_echoing_input() -> None:
    raw: dict[str, Any] = detail(1)
    raw["container"]["vcpus"] = "not-a-number-AKIASECRETSECRET00000"
    job = JobDetail.model_validate(raw)
    assert job.status == "SUCCEEDED"
    with pytest.raises(ResponseValidationError) as caught:
        job.container  # noqa: B018
    message = str(caught.value)
    assert raw["jobId"] in message
    assert "container" in message
    assert "vcpus" in message
    assert "AKIA" not in message
    assert caught.value.__cause__ is None
    with pytest.raises(ResponseValidationError):  # and again: never half-materialized
        job.model_dump()


def test_concurrent_first_reads_agree() -> None:
    job = JobDetail.model_validate(detail(2))
    seen: list[object] = []
    barrier = threading.Barrier(8)

    def read() -> None:
        barrier.wait()
        seen.append(job.container)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert all(value == seen[0] for value in seen)
    assert not _deferred(job)
