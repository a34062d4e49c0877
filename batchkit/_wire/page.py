"""One response in, typed items out: the steps of a request around the call.

Why here: this is where a body becomes items (with :mod:`batchkit._wire.fastpath`) and where
a response that does not fit the shape becomes a typed error.  The page sources of both faces
(``batchkit._async.source``, generated into ``batchkit._sync.source``) call
:func:`page_request` before the call and :func:`page_items` / :func:`next_token` after it;
the call itself, and turning whatever it raises into a :class:`~batchkit.BatchKitError`, is
theirs.

>>> from batchkit._spec.operations import LIST_JOBS
>>> page_request(LIST_JOBS, {"jobQueue": "q"}, token="t", page_size=10)
{'jobQueue': 'q', 'nextToken': 't', 'maxResults': 10}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batchkit._core.errors import ResponseValidationError
from batchkit._spec.row import Operation
from batchkit._wire import fastpath

__all__ = ["next_token", "page_items", "page_request"]


def page_request(
    operation: Operation, params: Mapping[str, Any], token: str | None, page_size: int | None
) -> dict[str, Any]:
    """The parameters of the request for the page that starts at ``token``."""
    request = dict(params)
    if token is not None and operation.input_token is not None:
        request[operation.input_token] = token
    if page_size is not None and operation.limit_key is not None:
        # a need smaller than AWS accepts (first() on EC2: 5 at least) asks for the minimum;
        # the pager yields what it needs of the page and its resume token skips the rest
        request[operation.limit_key] = max(page_size, operation.page_size_min)
    return request


def page_items(
    operation: Operation, response: Mapping[str, Any], captured: fastpath.Capture
) -> Any:
    """The typed items of a response: the fast path's, or botocore's dicts validated."""
    if captured.items is not None:
        return captured.items
    key = operation.result_key
    if key is None:  # the whole response is the one item
        whole = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        return fastpath.validate_items(operation, [whole], captured)
    if operation.result_required and key not in response:
        raise ResponseValidationError(
            f"{operation.label}: the response lacks the required member {key}"
        )
    if operation.result_kind == "item":
        one = response.get(key)
        return () if one is None else fastpath.validate_items(operation, [one], captured)
    raw = captured.raw if captured.raw is not None else response.get(key)
    return fastpath.validate_items(operation, raw or (), captured)


def next_token(operation: Operation, response: Mapping[str, Any]) -> str | None:
    """The response's next token (None at the end); a non-string one is an error."""
    token = response.get(operation.output_token) if operation.output_token else None
    if token is not None and not isinstance(token, str):
        raise ResponseValidationError(
            f"{operation.label}: {operation.output_token} is a {type(token).__name__}, not a string"
        )
    return token or None
