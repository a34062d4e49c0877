"""Run the sync client's behavioural tests against the async client too.

:class:`Blocking` drives an async batchkit object (client, pager, describe result) from
sync test code on a private event loop: a coroutine result is run to completion, an async
iterator is iterated with ``next``, ``with`` enters ``async with``.  The ``face`` fixture
(``tests/conftest.py``) is parametrised ``sync``/``async``: under ``async`` it makes
``FakeAWS.batch_client()``/``s3_client()`` and the stub fixtures hand out async clients
behind this adapter, so one test body checks both faces.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any


class Blocking:
    """An async batchkit object, used through the sync API's shape."""

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    @property
    def target(self) -> Any:
        return self._target

    def _run(self, result: Any) -> Any:
        if inspect.isawaitable(result):
            result = self._loop.run_until_complete(result)
        if hasattr(result, "__anext__"):
            return Blocking(result, self._loop)
        return result

    def __getattr__(self, name: str) -> Any:
        if name == "close" and not hasattr(self._target, "close"):
            name = "aclose"
        value = getattr(self._target, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            if name in ("describe_jobs", "watch", "wait") and "max_workers" in kwargs:
                kwargs["max_concurrency"] = kwargs.pop("max_workers")
            return self._run(value(*args, **kwargs))

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._target, name, value)

    def __iter__(self) -> Blocking:
        return self

    def __next__(self) -> Any:
        try:
            return self._loop.run_until_complete(self._target.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None

    def __enter__(self) -> Blocking:
        self._run(self._target.__aenter__())
        return self

    def __exit__(self, *exc: Any) -> None:
        self._run(self._target.__aexit__(*exc))

    def __repr__(self) -> str:
        return repr(self._target)
