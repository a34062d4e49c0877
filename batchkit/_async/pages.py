"""The async page source: :class:`batchkit._wire.pages.PageSource`'s twin on aiobotocore.

The same steps around the I/O (:func:`~batchkit._wire.pages.page_request`,
:func:`~batchkit._wire.pages.page_items`, :func:`~batchkit._wire.pages.next_token`), the same fast path
and body checks (aiobotocore emits botocore's ``before-parse`` inside the awaiting task, and
the fast path's capture is a context variable), the same error mapping
(:func:`~batchkit._core.errors.from_exception`).  Only the call is awaited.
``asyncio.CancelledError`` (a ``BaseException``) passes unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from batchkit._core.errors import BatchKitError, from_exception
from batchkit._wire import fastpath as _fastpath
from batchkit._wire.pages import RawPage, SourceSetup, next_token, page_items, page_request

__all__ = ["AsyncPageSource"]

T = TypeVar("T")


class AsyncPageSource(SourceSetup[T]):
    """Fetches typed pages of one operation with fixed request parameters, awaiting an
    aiobotocore client.  Safe to share between tasks: it holds no per-request state.

    ``gc_pause`` as for the sync source: the pause covers only a page's validation, which
    runs synchronously inside the awaiting task (never across an ``await``)."""

    async def fetch(self, token: str | None, page_size: int | None) -> RawPage[T]:
        """The page that starts at the service's ``token`` (None: the first page)."""
        return await self.call(page_request(self.operation, self.params, token, page_size))

    async def call(self, request: Mapping[str, Any]) -> RawPage[T]:
        """One request with exactly these parameters."""
        operation = self.operation
        method = getattr(self.client, operation.method)
        try:
            with _fastpath.capture(operation, fast=self.fast, gc_pause=self.gc_pause) as captured:
                response = await method(**request)
            items: tuple[T, ...] = page_items(operation, response, captured)
        except BatchKitError:
            raise
        except Exception as error:
            raise from_exception(error, operation.label) from error
        return RawPage(items, next_token(operation, response))
