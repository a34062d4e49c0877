"""The page source: one request in, one typed page out -- or a :class:`BatchKitError`.

Why a layer of its own: the pager (position, resume tokens, client-side checks) and
``describe_jobs`` (chunks, workers) must not care how a page is fetched or parsed.  Here,
and only here, a request is made and whatever can go wrong on the way to typed items
becomes a typed error: AWS error responses, dropped connections, timeouts, missing
credentials, empty or garbage bodies, items that do not match the shape, a token that is
not a string.  ``KeyboardInterrupt`` and other ``BaseException``\\ s pass unchanged.  The
caller adds *where to resume* (only it knows the position).

Items come from the fast path (JSON validated straight into models, XML read as botocore
reads it and validated, see :mod:`batchkit._wire.fastpath`) or, when it did not run (a plain
``Stubber``, an unusual XML document, or ``fast_path=False``), from validating botocore's
parsed dicts: the same models either way.

>>> import boto3
>>> from botocore.stub import Stubber
>>> from batchkit._spec.operations import LIST_JOBS
>>> raw = boto3.client("batch", region_name="us-east-1",
...                    aws_access_key_id="k", aws_secret_access_key="s")
>>> with Stubber(raw) as stub:
...     stub.add_response("list_jobs", {"jobSummaryList": [{"jobId": "1", "jobName": "a"}]})
...     page = PageSource(raw, LIST_JOBS, {"jobQueue": "q"}).fetch(token=None, page_size=10)
>>> [job.job_name for job in page.items], page.next_token
(['a'], None)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from batchkit._core.errors import BatchKitError, ResponseValidationError, from_exception
from batchkit._spec.row import Operation
from batchkit._wire import fastpath as _fastpath

__all__ = ["PageSource", "RawPage", "item_model", "next_token", "page_items", "page_request"]

T = TypeVar("T")


@dataclass(frozen=True)
class RawPage(Generic[T]):
    """One response: every item it holds (typed, unfiltered) and the service's next token.

    ``anchor`` is for a page asked for *without* a token that asking again would not
    return (CloudWatch Logs' last ``tail`` events: the window moves as lines arrive).
    ``anchor(i)`` gives a token and a number of items to skip from the page it starts that
    address the page's item ``i`` stably, so a resume token inside such a page is exact.
    """

    items: tuple[T, ...]
    next_token: str | None
    anchor: Callable[[int], tuple[str, int]] | None = field(default=None, compare=False)


@functools.cache
def item_model(operation: Operation) -> Any:
    """The public model class of ``operation``'s items (imports the models on first use)."""
    import batchkit.models

    return getattr(batchkit.models, operation.item_model)


def _convert(operation: Operation, raw: object) -> Any:
    """The slow path: validate one of botocore's parsed dicts."""
    from pydantic import ValidationError

    try:
        return item_model(operation).model_validate(raw)
    except ValidationError as error:
        raise ResponseValidationError(
            f"{operation.label}: the response does not match the {operation.item_model} "
            f"shape: {_fastpath.describe_errors(error)}"
        ) from error
    except (ValueError, TypeError, OverflowError) as error:  # a validator's own failure
        raise ResponseValidationError(
            f"{operation.label}: the response does not match the {operation.item_model} "
            f"shape: {error}"
        ) from error


class SourceSetup(Generic[T]):
    """What a page source is made of, sync or async (``batchkit.aio``'s ``AsyncPageSource``):
    the client, the operations table's row, the fixed request parameters, and the switches.

    ``fast=False`` turns the fast path off (botocore parses, batchkit validates its dicts);
    ``gc_pause=False`` validates without :func:`batchkit._wire.fastpath.gc_pause`.
    """

    def __init__(
        self,
        client: Any,
        operation: Operation,
        params: Mapping[str, Any],
        *,
        fast: bool = True,
        gc_pause: bool = True,
    ) -> None:
        self.client = client
        self.operation = operation
        self.params = dict(params)
        self.fast = fast
        self.gc_pause = gc_pause


class PageSource(SourceSetup[T]):
    """Fetches typed pages of one operation with fixed request parameters (a blocking boto3
    client).  Thread-safe: it holds no per-request state."""

    def fetch(self, token: str | None, page_size: int | None) -> RawPage[T]:
        """The page that starts at the service's ``token`` (None: the first page)."""
        return self.call(page_request(self.operation, self.params, token, page_size))

    def call(self, request: Mapping[str, Any]) -> RawPage[T]:
        """One request with exactly these parameters."""
        operation = self.operation
        method = getattr(self.client, operation.method)
        try:
            with _fastpath.capture(operation, fast=self.fast, gc_pause=self.gc_pause) as captured:
                response = method(**request)
            items: tuple[T, ...] = page_items(operation, response, captured)
        except BatchKitError:
            raise
        except Exception as error:
            raise from_exception(error, operation.label) from error
        return RawPage(items, next_token(operation, response))


# The steps of a request around the I/O, shared by PageSource and batchkit.aio's twin.


def page_request(
    operation: Operation, params: Mapping[str, Any], token: str | None, page_size: int | None
) -> dict[str, Any]:
    """The parameters of the request for the page that starts at ``token``."""
    request = dict(params)
    if token is not None and operation.input_token is not None:
        request[operation.input_token] = token
    if page_size is not None and operation.limit_key is not None:
        request[operation.limit_key] = page_size
    return request


def page_items(
    operation: Operation, response: Mapping[str, Any], captured: _fastpath.Capture
) -> Any:
    """The typed items of a response: the fast path's, or botocore's dicts validated (under
    :func:`batchkit._wire.fastpath.gc_pause` unless the capture turned it off)."""
    if captured.items is not None:
        return captured.items
    if operation.result_required and operation.result_key not in response:
        raise ResponseValidationError(
            f"{operation.label}: the response lacks the required member {operation.result_key}"
        )
    raw_items = response.get(operation.result_key) or ()
    with _fastpath.gc_pause(captured.gc_pause):
        return tuple([_convert(operation, raw) for raw in raw_items])


def next_token(operation: Operation, response: Mapping[str, Any]) -> str | None:
    """The response's next token (None at the end); a non-string one is an error."""
    token = response.get(operation.output_token) if operation.output_token else None
    if token is not None and not isinstance(token, str):
        raise ResponseValidationError(
            f"{operation.label}: {operation.output_token} is a {type(token).__name__}, not a string"
        )
    return token or None
