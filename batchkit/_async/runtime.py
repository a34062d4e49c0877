"""``async with`` for everything in :mod:`batchkit.aio` that holds something open.

Why one base: clients, pagers, describe results and watches all end the same way --
``async with x:`` is ``await x.aclose()`` on the way out, errors and cancellation included --
and each says only what *its* ``aclose`` does.
"""

from __future__ import annotations

from types import TracebackType

from typing_extensions import Self

__all__ = ["AsyncClosing"]


class AsyncClosing:
    """``async with`` support around :meth:`aclose` (what ``contextlib.aclosing`` does,
    built in).  Subclasses implement :meth:`aclose`; a client also opens on entry."""

    async def aclose(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
