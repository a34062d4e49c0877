"""FakeAWS for aiobotocore clients: sessions whose clients the backend answers.

aiobotocore emits botocore's events (awaiting async handlers), so FakeAWS plugs in at the
same ``before-send`` event as for boto3 clients: the same state, faults and request log;
:func:`batchkit.testing.serve` answers with the response type aiobotocore reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pytest

__all__ = ["Backend", "fake_session", "serve_default_async_session"]


class Backend(Protocol):
    """What a session needs of the backend that answers it (``FakeAWS`` is one)."""

    @property
    def region(self) -> str: ...

    def attach(self, target: Any) -> Callable[[], None]: ...


def fake_session(fake: Backend, *, credentials: bool = True) -> Any:
    """A new ``AioSession`` (fake credentials, ``fake.region``) answered by ``fake``."""
    from aiobotocore.session import AioSession

    session = AioSession()
    if credentials:
        session.set_credentials("testing", "testing")
        session.set_config_variable("region", fake.region)
    fake.attach(session)
    return session


def serve_default_async_session(fake: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``AsyncBatchClient()`` (no ``session=``) use a session ``fake`` answers, when
    aiobotocore is installed (undone by ``monkeypatch``).  Credentials and region come
    from the environment, as for boto3's default session."""
    import importlib.util

    if importlib.util.find_spec("aiobotocore") is None:
        return
    import batchkit._async.runtime as aio_runtime

    monkeypatch.setattr(aio_runtime, "_DEFAULT_SESSION", fake_session(fake, credentials=False))
