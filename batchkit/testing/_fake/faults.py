"""What the fake does to the requests it receives: the request log and counts, injected
faults (:class:`Fault`, :data:`FAULT_KINDS`: AWS errors, raw bodies, transport failures),
latency and a rate limit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from batchkit.testing._throttle import RateLimit

__all__ = ["FAULT_KINDS", "Fault", "Traffic", "delayed", "raise_transport"]

#: Transport failures :class:`Fault` can inject (``Fault(kind=...)``): the botocore
#: exception a real network problem raises, so botocore's retry handler sees the real thing.
FAULT_KINDS = (
    "error",  # an AWS error response: ``code`` with HTTP ``status`` (the default)
    "body",  # these exact ``body`` bytes with ``status``: truncated, empty, HTML, ...
    "connection-closed",  # the connection dropped before a whole response (retried)
    "connect-timeout",  # connecting timed out (retried)
    "read-timeout",  # the response did not arrive in time (retried)
    "endpoint-unreachable",  # nothing listens at the endpoint (retried)
    "no-credentials",  # the credential provider chain found nothing
    "token-cycle",  # the page's next token is its own (A -> A): a listing that follows loops
    "interrupt",  # KeyboardInterrupt, as if Ctrl-C was pressed during the request
)


@dataclass
class Fault:
    """An injected failure on matching calls.

    ``on_call`` (1-based, counted per operation) fails that call only; otherwise the next
    ``times`` matching calls fail.  ``kind`` is one of :data:`FAULT_KINDS`: an AWS error
    (``code``, HTTP ``status``: the default is throttling), a raw ``body``, a transport
    failure, missing credentials, a pagination-token cycle or a Ctrl-C.
    """

    code: str = "TooManyRequestsException"
    status: int = 429
    operation: str | None = None
    on_call: int | None = None
    times: int = 1
    message: str = "injected fault"
    body: bytes | None = None
    """Send these bytes (with ``status``) instead of an error document: a truncated or
    garbled response, as a misbehaving proxy would."""
    kind: str = "error"

    def __post_init__(self) -> None:
        if self.body is not None and self.kind == "error":
            self.kind = "body"
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind: one of {', '.join(FAULT_KINDS)}; got {self.kind!r}")
        if self.kind == "body" and self.body is None:
            raise ValueError("kind='body' needs body= (the bytes to send)")


def raise_transport(kind: str, url: str) -> None:
    """Raise what botocore raises for a transport fault ``kind`` (nothing for the others)."""
    from botocore import exceptions as b

    if kind == "connection-closed":
        raise b.ConnectionClosedError(endpoint_url=url)
    if kind == "connect-timeout":
        raise b.ConnectTimeoutError(endpoint_url=url)
    if kind == "read-timeout":
        raise b.ReadTimeoutError(endpoint_url=url)
    if kind == "endpoint-unreachable":
        raise b.EndpointConnectionError(endpoint_url=url)
    if kind == "no-credentials":
        raise b.NoCredentialsError()
    if kind == "interrupt":
        raise KeyboardInterrupt


class Traffic:
    """The requests received (``requests``, per-operation counts) and what is done to them:
    injected faults, latency, a rate limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._latency: dict[str | None, float] = {}
        self._calls: dict[str, int] = {}
        self.rate_limit: RateLimit | None = None
        self.requests: list[tuple[str, dict[str, Any]]] = []
        """Every request received, as (operation, decoded parameters), in order."""

    def arrive(self, operation: str, params: dict[str, Any]) -> Fault | None:
        """Log a request of ``operation``; returns the fault it meets, if any."""
        with self._lock:
            count = self._calls.get(operation, 0) + 1
            self._calls[operation] = count
            self.requests.append((operation, params))
            return self._take_fault(operation, count)

    def calls(self, operation: str) -> int:
        """How many requests of ``operation`` were received."""
        return self._calls.get(operation, 0)

    def inject(self, fault: Fault) -> None:
        """Fail the calls ``fault`` matches."""
        with self._lock:
            self._faults.append(fault)

    def set_latency(self, seconds: float, operation: str | None) -> None:
        """Delay the responses of ``operation`` (None: of every operation)."""
        self._latency[operation] = seconds

    def latency(self, operation: str) -> float:
        """The seconds a response of ``operation`` is delayed."""
        return self._latency.get(operation, self._latency.get(None, 0.0))

    def throttled(self, operation: str) -> bool:
        """Whether this request of ``operation`` is beyond the rate limit."""
        limit = self.rate_limit
        return limit is not None and limit.exceeded(operation)

    def _take_fault(self, operation: str, count: int) -> Fault | None:
        for fault in self._faults:
            if fault.operation not in (None, operation):
                continue
            if fault.on_call is not None:
                if fault.on_call == count:
                    return fault
                continue
            if fault.times > 0:
                fault.times -= 1
                return fault
        return None


_R = TypeVar("_R")


async def delayed(delay: float, then: Callable[[], _R]) -> _R:
    """``then()`` after ``delay`` seconds of simulated latency, awaited (async clients)."""
    import asyncio

    await asyncio.sleep(delay)
    return then()
