"""AsyncBatchClient's why()/queue_health(): what only the async face has -- the EC2 client's
life (opened on first use, closed by aclose), concurrent reports.  The rules and the loop are
shared with the sync client and tested on both faces in tests/clients/test_diagnose.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("aiobotocore")

from aiobotocore.client import AioBaseClient

from batchkit import WaitKind, WaitReport
from batchkit.testing import FakeAWS
from tests.conftest import NO_RETRY, T0

pytestmark = pytest.mark.anyio


@pytest.fixture
def closed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    real = AioBaseClient.__aexit__

    async def spy(self: Any, *exc: Any) -> None:
        seen.append((self.meta.service_model.service_name, self.meta.region_name))
        await real(self, *exc)

    monkeypatch.setattr(AioBaseClient, "__aexit__", spy)
    return seen


async def test_the_ec2_client_is_opened_once_and_closed_with_the_client(
    closed: list[tuple[str, str]],
) -> None:
    fake = FakeAWS(now=lambda: T0)
    fake.add_compute_environment("small", instance_types=["m5.large"])
    fake.configure_queue("q", compute_environments=["small"])
    big = {"resourceRequirements": [{"type": "MEMORY", "value": "8192"}], "image": "busybox"}
    jobs = [fake.add_job("q", status="RUNNABLE", container=big) for _ in range(3)]
    async with fake.async_batch_client(NO_RETRY) as batch:
        reports = await asyncio.gather(*(batch.why(j.job_id) for j in jobs))
        assert all(isinstance(r, WaitReport) for r in reports)
        assert {r.kind for r in reports} == {WaitKind.RESOURCE_REQUIREMENT}
        assert len(batch._ec2_clients) == 1  # concurrent reports share one EC2 client
        assert closed == []
    assert sorted(closed) == [("batch", "us-east-1"), ("ec2", "us-east-1")]
    assert closed[-1] == ("batch", "us-east-1")


async def test_instance_types_before_open_is_a_clear_error() -> None:
    from batchkit import BatchKitError

    batch = FakeAWS().async_batch_client()
    with pytest.raises(BatchKitError, match="is not open"):
        batch.instance_types(["m5.large"])
