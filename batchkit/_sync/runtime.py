"""What the sync face runs on: threads and boto3 (hand-written).

The twin of ``batchkit/_async/runtime.py``, with the same names: the loops of this folder are
generated from ``batchkit/_async/`` by ``tools/unasync.py`` and import what differs between
the faces from here -- how a botocore client is made and closed, how a wait is woken (from
another thread), how a ``FollowPolicy`` sleeps, how a generator is closed, what ``with``
means, and the notebook display (a sync listing can fetch what it shows).

It may import ``_core``, ``_wire`` and ``_spec``; never a client or a feature.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from botocore.config import Config
from typing_extensions import Self

from batchkit._core.checks import ASYNC_SLEEP, check_job_ids, describe_input
from batchkit._core.config import (
    check_given_client,
    client_config,
    install_endpoint_fixes,
    install_fail_fast,
)
from batchkit._core.errors import InvalidParameterError, credentials_error, from_exception
from batchkit._core.plans import pool_size
from batchkit._wire import fastpath

if TYPE_CHECKING:
    import boto3

    from batchkit._core.logs import FollowPolicy
    from batchkit._core.watch import Clock

__all__ = [
    "AWAITS_SLEEP",
    "CONSUMER",
    "Ahead",
    "ClientBase",
    "Closing",
    "Fetching",
    "ListingBase",
    "SystemClock",
    "Waker",
    "close_generator",
    "follow_sleep",
    "read_ids",
]

T = TypeVar("T")

#: Who else may be using a one-consumer object, for its error message.
CONSUMER = "thread"

#: ``FollowPolicy.sleep`` must be a plain function here (a coroutine function is refused).
AWAITS_SLEEP = False


class Closing:
    """``with`` around :meth:`close`: leaving the block ends the object early and releases
    what it holds; each class says only what *its* ``close`` does."""

    def close(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ListingBase(Closing):
    """What a listing has on this face besides the shared loop: the notebook display, which
    fetches only the pages its rows need (a sync listing can fetch while it is shown)."""

    def _repr_html_(self) -> str:
        """Notebook display: the next rows, fetching only the pages they need."""
        from batchkit._spec.display import html_table

        listing: Any = self
        with listing._wanting(10):
            rows = listing.peek(10)
        more = "" if listing.done else "; the rest is not fetched yet"
        return html_table(cast(Any, rows), f"{listing._title()}: first {len(rows)} rows{more}")


def close_generator(generator: Iterator[Any]) -> None:
    """Close a loop's generator; one running in another thread sees its stop flag."""
    with contextlib.suppress(ValueError):  # running in another thread
        cast(Any, generator).close()


#: A request must have waited at least this long (seconds of wall time not spent computing
#: in its thread) for overlapping the next one to pay: a thread's start and the GIL's
#: hand-offs cost ~0.5 ms a page, more than a local endpoint or replayed bytes ever wait,
#: while a request to AWS waits 10-100 ms.  Measured per request, so a listing that starts
#: waiting on the network starts overlapping (docs/performance.md).
OVERLAP_MIN_WAIT = 0.002


class Stopwatch:
    """How long a request *waited* (wall time minus its thread's CPU time): the part that
    running another request at the same time could hide."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.thread_time()

    def waited(self) -> float:
        return (time.perf_counter() - self._wall) - (time.thread_time() - self._cpu)


def overlap_pays(waited: float | None) -> bool:
    """Whether running requests side by side pays, given how long the last one waited (None:
    not known yet -- a first request: assume the network)."""
    return waited is None or waited >= OVERLAP_MIN_WAIT


class Fetching(Generic[T]):
    """A page being fetched ahead of its listing's consumer, on a thread of its own."""

    def __init__(self, key: object, future: Future[T], thread: threading.Thread) -> None:
        self.key = key
        self._future = future
        self._thread = thread
        #: how long the request waited (set when it ends; see :class:`Stopwatch`)
        self.waited: float | None = None

    def result(self) -> T:
        """The page (or the fetch's error), waiting for it if need be.  Ctrl-C while waiting
        interrupts the consumer; the request finishes on its thread and is dropped."""
        try:
            return self._future.result()
        finally:
            if self._future.done():
                self._thread.join()  # it has set the result: it is ending

    def cancel(self) -> None:
        """Drop the fetch (a page nobody will read): not started, it never starts; running,
        its result is dropped when it ends."""
        self._future.cancel()


class Ahead:
    """Fetching ahead for the listings of one client: each listing asks for its next page
    while its consumer reads the current one, each fetch on a short-lived thread of its own
    (none outlives its request), at most ``limit`` at once (the client's connection pool);
    botocore's retry mode paces them all."""

    def __init__(self, limit: int) -> None:
        self._slots = threading.BoundedSemaphore(limit)

    def start(self, key: object, call: Callable[[], T]) -> Fetching[T]:
        """Start ``call()`` (a page's fetch) on a thread of its own."""
        future: Future[T] = Future()

        def run() -> None:
            with self._slots:
                if not future.set_running_or_notify_cancel():
                    return  # dropped before it started
                watch = Stopwatch()
                try:
                    result = call()
                except BaseException as error:  # handed to the consumer, raised there
                    fetching.waited = watch.waited()
                    future.set_exception(error)
                else:
                    fetching.waited = watch.waited()
                    future.set_result(result)

        # daemon: a request in flight never holds up the interpreter's exit (Ctrl-C)
        thread = threading.Thread(target=run, name="batchkit-ahead", daemon=True)
        fetching = Fetching(key, future, thread)
        thread.start()
        return fetching

    @staticmethod
    def pays(waited: float | None) -> bool:
        """Whether to fetch ahead after a request that waited ``waited`` seconds."""
        return overlap_pays(waited)

    def close(self) -> None:
        """Nothing to shut down: each fetch's thread ends with its request."""


class SystemClock:
    """The real clock (the default).  A watch on it sleeps on an event, so ``close()`` from
    another thread wakes it at once."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Waker:
    """The wait between two polls of a watch: :meth:`stop` (from any thread) ends it at once
    and keeps the watch from waiting again."""

    def __init__(self) -> None:
        self._event = threading.Event()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()

    def stop(self) -> None:
        self._event.set()

    def sleep(self, clock: Clock, seconds: float) -> None:
        """Wait ``seconds`` on ``clock``: the default clock waits on the stop event."""
        if type(clock) is SystemClock:
            self._event.wait(seconds)
        else:
            clock.sleep(seconds)


def follow_sleep(policy: FollowPolicy, seconds: float) -> None:
    """A following log reader's wait: the policy's ``sleep`` (an awaitable is refused)."""
    outcome = policy.sleep(seconds)
    if outcome is not None:
        close = getattr(outcome, "close", None)
        if callable(close):
            close()  # a coroutine never awaited: no "never awaited" warning
        raise InvalidParameterError(ASYNC_SLEEP)


def read_ids(job_ids: object) -> Iterator[str]:
    """``describe_jobs``' input as the unique ids it names (a list or tuple checked up front,
    any other iterable item by item as it is read)."""
    check_job_ids(job_ids)
    return describe_input(cast(Any, job_ids))


# ------------------------------------------------------------------------------ clients


class ClientBase(Closing):
    """A boto3 client's life for a batchkit client: made from the arguments (or given) at
    once, with the CloudWatch Logs clients made on first use, one per region.  ``close()``
    (or leaving ``with``) closes the connections of what batchkit made; a client you passed
    in stays yours.  :meth:`open` exists for symmetry with the async face (a no-op)."""

    _service = ""

    def __init__(
        self,
        client: Any,
        session: boto3.Session | None,
        region_name: str | None,
        endpoint_url: str | None,
        config: Config | None,
        fast_path: bool,
        gc_pause: bool,  # accepted, ignored: batchkit never touches the gc's state
        logs_client: Any = None,
        fetch_ahead: bool = True,
    ) -> None:
        service = self._service
        self._owned: list[Any] = []
        if check_given_client(service, client, session, region_name, endpoint_url, config):
            raw = client
        else:
            import boto3  # deferred: `import batchkit` should not pay for boto3 (s3transfer)

            if session is not None and not isinstance(session, boto3.Session):
                raise InvalidParameterError(
                    f"session: expected a boto3.Session, got {type(session).__name__}"
                )
            factory: Any = session.client if session is not None else boto3.client
            try:
                raw = factory(
                    service,
                    region_name=region_name,
                    endpoint_url=endpoint_url,
                    config=client_config(config),
                )
            except Exception as error:  # boto3 resolves credentials here
                typed = credentials_error(error, f"creating the {service} client")
                if typed is None:
                    raise
                raise typed from error
            install_fail_fast(raw)
            install_endpoint_fixes(raw, endpoint_url)
            self._owned.append(raw)
        fastpath.install(raw)
        self._raw: Any = raw
        self._session = session
        self._endpoint_url = endpoint_url
        self._fast = bool(fast_path)
        self._fetch_ahead = bool(fetch_ahead)
        self._ahead: Ahead | None = None
        self._logs_clients: dict[str, Any] = {}
        self._ec2_clients: dict[str, Any] = {}  # DescribeInstanceTypes, for why()
        self._logs_lock = threading.Lock()
        if logs_client is not None:
            check_given_client("logs", logs_client, None, None, None, None)
            fastpath.install(logs_client)
            self._logs_clients[logs_client.meta.region_name] = logs_client

    @property
    def fast_path(self) -> bool:
        """Whether responses are parsed by batchkit's fast path (``fast_path=`` at creation)."""
        return self._fast

    @property
    def region_name(self) -> str | None:
        """The region of the client."""
        region: str | None = self._raw.meta.region_name
        return region

    def open(self) -> Self:
        """The client is open from its creation: returns it (for symmetry with the async
        face's ``open()``)."""
        return self

    def close(self) -> None:
        """Close the connections of the boto3 clients batchkit made (this one and the
        CloudWatch Logs clients); clients you passed in stay open.  A closed client makes
        new connections if it is used again."""
        owned, self._owned = self._owned, []
        try:
            for raw in owned:
                raw.close()
        except Exception as error:
            raise from_exception(error, "closing the clients") from error

    def _ahead_of(self, raw: Any) -> Ahead | None:
        """How this client's listings fetch ahead (None with ``fetch_ahead=False``)."""
        if not self._fetch_ahead:
            return None
        if self._ahead is None:
            self._ahead = Ahead(pool_size(raw))
        return self._ahead

    def _open_client(self) -> Any:
        return self._raw

    def logs_client(self, region: str) -> Any:
        """The CloudWatch Logs client for ``region`` (made once, from this client's session,
        config and endpoint URL)."""
        return self._regional_client("logs", region, self._logs_clients)

    def ec2_client(self, region: str) -> Any:
        """The EC2 client for ``region`` (``DescribeInstanceTypes``: what ``why()`` knows of
        instance sizes): made once, like :meth:`logs_client`, closed by :meth:`close`."""
        return self._regional_client("ec2", region, self._ec2_clients)

    def _regional_client(self, service: str, region: str, cache: dict[str, Any]) -> Any:
        with self._logs_lock:
            client = cache.get(region)
            if client is None:
                import boto3

                factory: Any = self._session.client if self._session is not None else boto3.client
                try:
                    client = factory(
                        service,
                        region_name=region,
                        endpoint_url=self._endpoint_url,
                        config=self._raw.meta.config,
                    )
                except Exception as error:
                    typed = credentials_error(error, f"creating the {service} client")
                    if typed is None:
                        raise
                    raise typed from error
                fastpath.install(client)
                install_fail_fast(client)
                cache[region] = client
                self._owned.append(client)
            return client
