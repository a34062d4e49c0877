"""Replay precomputed HTTP response bytes to a boto3 client (the benchmarks' "network").

Kept free of batchkit imports so that a fresh interpreter measuring raw boto3 loads nothing
of batchkit's.  The handler runs at botocore's ``before-send`` event: everything before it
(parameter validation, serialization, signing) and after it (retry handler, parser, the
``after-call`` event) is botocore's real code, for raw boto3 and batchkit alike.  It reads
the pagination token straight from the serialized request (JSON body, or the query string
for S3 Control) -- much cheaper than decoding the whole request, so the constant both sides
pay is as close to botocore's own as a replay can get.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from botocore.awsrequest import AWSResponse, HTTPHeaders

__all__ = ["Answer", "replay"]

#: ``answer(operation_name, token_or_first_id) -> body bytes``
Answer = Callable[[str, "str | None"], bytes]


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self._data


def replay(client: Any, answer: Answer) -> None:
    """Answer every request of ``client`` with ``answer(operation, key)`` where ``key`` is
    the request's pagination token (``nextToken``/``NextToken``) or, for DescribeJobs, the
    first job id; the response is a 200 with the right Content-Type and Content-Length."""
    xml = client.meta.service_model.protocol == "rest-xml"
    content_type = "application/xml" if xml else "application/json"

    def handler(request: Any, event_name: str, **_kwargs: Any) -> AWSResponse:
        operation = event_name.split(".")[2]
        if xml:
            query = parse_qs(urlsplit(request.url).query)
            key = query.get("nextToken", [None])[0]
        else:
            params = json.loads(request.body or b"{}")
            key = params.get("nextToken") or (params.get("jobs") or [None])[0]
        body = answer(operation, key)
        headers = HTTPHeaders.from_dict(
            {
                "Content-Type": content_type,
                "Content-Length": str(len(body)),
                "x-amzn-RequestId": "bench",
            }
        )
        return AWSResponse(request.url, 200, headers, _Body(body))

    service_id = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(f"before-send.{service_id}", handler, unique_id="bench-replay")
