"""The library of canned AWS responses shipped with batchkit.

Each file in ``batchkit/testing/stubs/`` is one case of one operation, named
``<service>_<operation>_<case>.json`` (``batch_list_jobs_multi_page``,
``s3control_list_jobs_documented``...: Batch and S3 Control both have a ``ListJobs``).  A file
is a JSON list of the requests a client makes for that case, in order, each with the response
to give::

    {"comment": "...", "operation": "list_jobs",
     "expected_params": {"jobQueue": "HighPriority"},
     "service_response": {"jobSummaryList": [...]}}

or, for an AWS error, ``"error": {"code": ..., "message": ..., "status": 400}`` instead of
``"service_response"``.  Responses are in the parsed form boto3 returns: Batch ``...At`` members
are epoch-millisecond integers, S3 Control timestamps ISO 8601 strings (encoded to the XML AWS
sends when queued on a :class:`~batchkit.testing.WireStubber`).

>>> from batchkit.testing import load_stubs, stub_names
>>> "batch_describe_jobs_documented" in stub_names()
True
>>> [stub.operation for stub in load_stubs("batch_list_jobs_multi_page")]
['list_jobs', 'list_jobs', 'list_jobs']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from botocore.stub import Stubber

__all__ = ["Stub", "StubError", "load_stubs", "queue_stubs", "stub_names"]

Service = Literal["batch", "s3control"]
_SERVICES: tuple[Service, ...] = ("batch", "s3control")


@dataclass(frozen=True)
class StubError:
    """The AWS error a :class:`Stub` answers with.

    Attributes:
        code: the AWS error code, e.g. ``"TooManyRequestsException"``.
        message: the error message.
        status: the HTTP status code.
    """

    code: str
    message: str = ""
    status: int = 400


@dataclass(frozen=True)
class Stub:
    """One request of a canned case and the answer to give it.

    Exactly one of ``service_response`` and ``error`` is set.

    Attributes:
        service: ``"batch"`` or ``"s3control"``: the boto3 client the stub is for.
        operation: the boto3 method name, e.g. ``"list_jobs"``.
        expected_params: the request parameters the client must send (as boto3 takes them),
            or ``None`` to accept any.
        service_response: the response, in the parsed form boto3 returns.
        error: the error to answer with instead.
        comment: where the case comes from and what it shows.
    """

    service: Service
    operation: str
    expected_params: Mapping[str, Any] | None
    service_response: Mapping[str, Any] | None = None
    error: StubError | None = None
    comment: str = ""

    def queue(self, stubber: Stubber) -> None:
        """Queue this stub on ``stubber`` (a ``botocore.stub.Stubber`` or a
        :class:`~batchkit.testing.WireStubber` of a client of ``service``)."""
        params = dict(self.expected_params) if self.expected_params is not None else None
        if self.error is not None:
            stubber.add_client_error(
                self.operation,
                service_error_code=self.error.code,
                service_message=self.error.message,
                http_status_code=self.error.status,
                expected_params=params,
            )
        else:
            assert self.service_response is not None
            stubber.add_response(self.operation, dict(self.service_response), params)


def _directory() -> Any:
    return resources.files("batchkit.testing") / "stubs"


def stub_names(prefix: str = "") -> list[str]:
    """The names of the canned cases shipped with batchkit, sorted.

    Args:
        prefix: only names starting with it: ``"s3control_"`` for one service,
            ``"batch_describe_jobs_"`` for one operation.

    Returns:
        Names to pass to :func:`load_stubs`, e.g. ``"batch_list_jobs_multi_page"``.
    """
    return sorted(
        entry.name.removesuffix(".json")
        for entry in _directory().iterdir()
        if entry.name.endswith(".json") and entry.name.startswith(prefix)
    )


def _service_of(name: str) -> Service:
    for service in _SERVICES:
        if name.startswith(service + "_"):
            return service
    raise ValueError(f"stub name {name!r} does not start with a service: {_SERVICES}")


def load_stubs(name: str) -> list[Stub]:
    """The requests and responses of one canned case, in the order a client makes them.

    Args:
        name: a name from :func:`stub_names`, e.g. ``"batch_describe_jobs_documented"``.

    Returns:
        The case's stubs, to read (``stub.service_response``) or to queue on a stubber
        (:func:`queue_stubs`).

    Raises:
        KeyError: there is no case of that name.
    """
    path = _directory() / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"no stub named {name!r}; see batchkit.testing.stub_names()")
    service = _service_of(name)
    stubs = []
    for entry in json.loads(path.read_text(encoding="utf-8")):
        error = entry.get("error")
        stubs.append(
            Stub(
                service=service,
                operation=entry["operation"],
                expected_params=entry.get("expected_params"),
                service_response=entry.get("service_response"),
                error=StubError(error["code"], error.get("message", ""), error.get("status", 400))
                if error is not None
                else None,
                comment=entry.get("comment", ""),
            )
        )
    return stubs


def queue_stubs(stubber: Stubber, stubs: str | Iterable[Stub]) -> int:
    """Queue a canned case on a stubber, in order.

    Args:
        stubber: a ``botocore.stub.Stubber`` or :class:`~batchkit.testing.WireStubber` of a
            client of the case's service.
        stubs: a name from :func:`stub_names`, or stubs (from :func:`load_stubs`, or made).

    Returns:
        How many stubs were queued.

    >>> import boto3
    >>> from batchkit import BatchClient
    >>> from batchkit.testing import WireStubber, queue_stubs
    >>> raw = boto3.client("batch", region_name="us-east-1",
    ...                    aws_access_key_id="k", aws_secret_access_key="s")
    >>> with WireStubber(raw) as stubber:
    ...     queue_stubs(stubber, "batch_describe_jobs_documented")
    ...     BatchClient(raw).describe_job("24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9").job_name
    1
    'example'
    """
    entries = load_stubs(stubs) if isinstance(stubs, str) else list(stubs)
    for stub in entries:
        stub.queue(stubber)
    return len(entries)
