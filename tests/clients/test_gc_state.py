"""batchkit never changes the process's garbage-collector state (issue 22, item 20).

It used to raise the young generation's threshold while a page validated (the "gc pause"):
another thread's ordinary save/set/restore of the thresholds meanwhile then left the process
at ``(1000000007, 10, 10)`` -- young collection off for good -- and the raised threshold was
visible to every thread.  The pause is gone; ``gc_pause=`` is accepted and ignored.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from batchkit import BatchClient, S3BatchOperationsClient
from batchkit.testing import FakeAWS
from tests.conftest import Face

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
ACCOUNT = "123456789012"
GC_CHANGES = ("set_threshold", "disable", "enable", "freeze", "unfreeze")


@pytest.fixture(autouse=True)
def _gc_as_found() -> Iterator[None]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def account(jobs: int = 600) -> FakeAWS:
    fake = FakeAWS(now=lambda: NOW)
    for i in range(jobs):
        fake.add_job("q", job_id=f"j{i:04d}", status="FAILED", created_at=NOW - timedelta(i))
    for _ in range(30):
        fake.add_s3_job(status="Complete")
    return fake


def read_everything(batch: Any, s3: Any) -> None:
    """JSON pages (ListJobs, DescribeJobs on workers), both paths, and XML pages."""
    ids = [job.job_id for job in batch.list_jobs("q", status="FAILED", page_size=100)]
    assert len(ids) == 600
    assert len(batch.describe_jobs(ids, max_workers=8).to_list()) == 600
    assert len(s3.list_jobs(page_size=10).to_list()) == 30


def test_batchkit_never_calls_the_gc(face: Face, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def record(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)

        return record

    for name in GC_CHANGES:
        monkeypatch.setattr(gc, name, spy(name, getattr(gc, name)))
    fake = account()
    before = gc.get_threshold()
    read_everything(fake.batch_client(), fake.s3_client(ACCOUNT))
    # the slow path (botocore parses, batchkit validates its dicts), gc_pause=True asked for
    slow = BatchClient(session=fake.session(), fast_path=False, gc_pause=True)
    assert len(slow.list_jobs("q", status="FAILED").to_list()) == 600
    s3 = S3BatchOperationsClient(ACCOUNT, session=fake.session(), fast_path=False)
    assert len(s3.list_jobs().to_list()) == 30
    assert calls == []
    assert gc.get_threshold() == before


@pytest.mark.sync_only  # threads
def test_another_threads_save_set_restore_is_never_disturbed() -> None:
    """What the issue measured: a thread saving, changing and restoring the thresholds
    while pages validate (8 describe workers) always finds its own values, and leaves them."""
    original = gc.get_threshold()
    found: set[tuple[int, ...]] = set()
    stop = threading.Event()

    def fiddle() -> None:
        while not stop.is_set():
            saved = gc.get_threshold()
            found.add(saved)
            gc.set_threshold(saved[0] + 1, *saved[1:])
            gc.set_threshold(*saved)

    fake = account()
    thread = threading.Thread(target=fiddle)
    thread.start()
    try:
        for _ in range(3):
            read_everything(fake.batch_client(), fake.s3_client(ACCOUNT))
    finally:
        stop.set()
        thread.join(10)
    assert found == {original}
    assert gc.get_threshold() == original
    assert gc.isenabled()


def test_gc_pause_is_accepted_and_ignored(face: Face) -> None:
    fake = account(jobs=5)
    for pause in (True, False):
        batch = BatchClient(session=fake.session(), gc_pause=pause)
        assert len(batch.list_jobs("q", status="FAILED").to_list()) == 5
