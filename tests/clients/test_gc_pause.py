"""``gc_pause`` leaves the process's garbage-collector state exactly as it found it: nested,
under threads, when user code calls ``gc.disable()``/``gc.set_threshold()`` meanwhile, on
errors; and it can be switched off per client."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from batchkit import BatchClient
from batchkit._wire import fastpath as _fastpath
from batchkit.testing import WireStubber
from tests.conftest import raw_client


@pytest.fixture(autouse=True)
def _gc_as_found() -> Iterator[None]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def paused() -> bool:
    return gc.get_threshold()[0] == _fastpath._PAUSED_THRESHOLD


def test_thresholds_are_raised_during_a_page_and_restored() -> None:
    gc.set_threshold(500, 7, 3)
    with _fastpath.gc_pause():
        assert paused()
        assert gc.get_threshold()[1:] == (7, 3)
        assert gc.isenabled()
    assert gc.get_threshold() == (500, 7, 3)


def test_restored_on_errors() -> None:
    before = gc.get_threshold()
    with pytest.raises(KeyError), _fastpath.gc_pause():
        raise KeyError("x")
    assert gc.get_threshold() == before


def test_nested_pauses_restore_once_at_the_outermost() -> None:
    before = gc.get_threshold()
    with _fastpath.gc_pause():
        with _fastpath.gc_pause():
            assert paused()
        assert paused()
    assert gc.get_threshold() == before


def test_user_gc_disable_meanwhile_is_kept() -> None:
    with _fastpath.gc_pause():
        gc.disable()
    assert not gc.isenabled()


def test_user_gc_enable_meanwhile_is_kept() -> None:
    gc.disable()
    with _fastpath.gc_pause():
        assert not paused()  # disabled: nothing touched
        gc.enable()
    assert gc.isenabled()


def test_user_thresholds_set_meanwhile_are_kept() -> None:
    with _fastpath.gc_pause():
        gc.set_threshold(123, 4, 5)
    assert gc.get_threshold() == (123, 4, 5)


def test_automatic_collection_off_is_left_alone() -> None:
    gc.set_threshold(0)
    with _fastpath.gc_pause():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0


def test_switched_off_touches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(gc, "set_threshold", lambda *a: calls.append(a))
    with _fastpath.gc_pause(enabled=False):
        pass
    raw = raw_client("batch")
    with WireStubber(raw) as stub:
        stub.add_response("list_jobs", {"jobSummaryList": [{"jobId": "1", "jobName": "n"}]})
        assert BatchClient(raw, gc_pause=False).list_jobs("q").to_list()
    assert calls == []


def test_a_client_pauses_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = _fastpath._page_model

    def spy(operation: Any) -> Any:
        model = real(operation)

        class Spy:
            @staticmethod
            def model_validate_json(body: bytes) -> Any:
                seen.append(paused())
                return model.model_validate_json(body)

        return Spy

    monkeypatch.setattr(_fastpath, "_page_model", spy)
    raw = raw_client("batch")
    before = gc.get_threshold()
    with WireStubber(raw) as stub:
        stub.add_response("list_jobs", {"jobSummaryList": [{"jobId": "1", "jobName": "n"}]})
        assert BatchClient(raw).list_jobs("q").to_list()
    assert seen == [True]
    assert gc.get_threshold() == before


def test_concurrent_pauses_from_threads_restore_the_thresholds() -> None:
    before = gc.get_threshold()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(200):
                with _fastpath.gc_pause():
                    assert paused()
                    barrier.wait(timeout=5) if _ == 0 else None
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert gc.get_threshold() == before
    assert _fastpath._gc_pages == 0
