"""The page source: one request in, one typed page out -- or a :class:`~batchkit.BatchKitError`.

Why a layer of its own: the pager (position, resume tokens, client-side checks) and
``describe_jobs`` (chunks, workers) must not care how a page is fetched or parsed.  Here,
and only here, a request is made and whatever can go wrong on the way to typed items
becomes a typed error: AWS error responses, dropped connections, timeouts, missing
credentials, empty or garbage bodies, items that do not match the shape, a token that is
not a string (:func:`~batchkit._core.errors.from_exception`, with the body checks and the
fast path of :mod:`batchkit._wire`).  ``KeyboardInterrupt``, ``asyncio.CancelledError`` and
other ``BaseException``\\ s pass unchanged.  The caller adds *where to resume* (only it knows
the position).

Items come from the fast path (JSON validated straight into models, XML read as botocore
reads it and validated) or, when it did not run (a plain ``Stubber``, an unusual XML
document, or ``fast_path=False``), from validating botocore's parsed dicts: the same models
either way.  The fast path's capture is a context variable, so concurrent tasks (and
threads) never see each other's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from batchkit._core.errors import BatchKitError, from_exception
from batchkit._core.pager import RawPage
from batchkit._spec.row import Operation
from batchkit._wire import fastpath
from batchkit._wire.page import next_token, page_items, page_request

__all__ = ["AsyncPageSource"]

T = TypeVar("T")


class AsyncPageSource(Generic[T]):
    """Fetches typed pages of one operation with fixed request parameters.  Safe to share:
    it holds no per-request state.

    ``fast=False`` turns the fast path off (botocore parses, batchkit validates its dicts);
    ``fast=False`` turns the fast path off (botocore parses, batchkit validates its dicts);
    ``on_invalid="skip"`` leaves out an item that cannot be typed (``RawPage.skipped``) instead
    of raising.  ``client=None`` with ``opener=`` (a coroutine function returning the client)
    opens it on the first request: a listing of another service's client that is made on
    first use (EC2, for ``instance_types``).
    """

    def __init__(
        self,
        client: Any,
        operation: Operation,
        params: Mapping[str, Any],
        *,
        fast: bool = True,
        on_invalid: str = "raise",
        opener: Callable[[], Any] | None = None,
    ) -> None:
        if client is None and opener is None:
            raise TypeError("a client or an opener is required")
        self.client = client
        self.operation = operation
        self.params = dict(params)
        self.fast = fast
        self.on_invalid = on_invalid
        self._opener = opener

    async def fetch(self, token: str | None, page_size: int | None) -> RawPage[T]:
        """The page that starts at the service's ``token`` (None: the first page)."""
        return await self.call(page_request(self.operation, self.params, token, page_size))

    async def call(self, request: Mapping[str, Any]) -> RawPage[T]:
        """One request with exactly these parameters."""
        operation = self.operation
        try:
            if self.client is None:
                assert self._opener is not None
                self.client = await self._opener()
            method = getattr(self.client, operation.method)
            with fastpath.capture(
                operation, fast=self.fast, on_invalid=self.on_invalid
            ) as captured:
                response = await method(**request)
            items: tuple[T, ...] = page_items(operation, response, captured)
        except BatchKitError:
            raise
        except Exception as error:
            raise from_exception(error, operation.label) from error
        return RawPage(items, next_token(operation, response), skipped=tuple(captured.skipped))
