"""What the async face runs on: asyncio and aiobotocore (hand-written).

Why a module of its own: every loop of the async face is written once, in this folder, and
generated into ``batchkit/_sync/`` by ``tools/unasync.py`` (``await`` dropped, ``Async``
names made plain).  What cannot be spelled the same way on both faces -- how a botocore
client is made, opened and closed, how a wait is woken, how a ``FollowPolicy`` sleeps, how a
generator is closed, what ``with`` means -- lives here, and its sync twin
``batchkit/_sync/runtime.py`` says the same for threads.  The two modules export the same
names, so the generated code imports one or the other and reads alike.

It may import ``_core``, ``_wire`` and ``_spec``; never a client or a feature.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from botocore.config import Config
from typing_extensions import Self

from batchkit._core.checks import check_job_ids, describe_input, id_key, job_id_of
from batchkit._core.config import (
    DEFAULT_CONFIG,
    check_given_client,
    client_config,
    install_endpoint_fixes,
    install_fail_fast,
)
from batchkit._core.errors import (
    BatchKitError,
    InvalidParameterError,
    credentials_error,
    from_exception,
)
from batchkit._core.plans import pool_size
from batchkit._wire import fastpath

if TYPE_CHECKING:
    from aiobotocore.session import AioSession

    from batchkit._core.logs import FollowPolicy
    from batchkit._core.watch import AsyncClock, Clock

__all__ = [
    "AWAITS_SLEEP",
    "CONSUMER",
    "Ahead",
    "AsyncSystemClock",
    "ClientBase",
    "Closing",
    "Fetching",
    "ListingBase",
    "Waker",
    "close_generator",
    "follow_sleep",
    "read_ids",
]

T = TypeVar("T")

#: Who else may be using a one-consumer object, for its error message.
CONSUMER = "task"

#: ``FollowPolicy.sleep`` may be a coroutine function here (it is awaited).
AWAITS_SLEEP = True

_INSTALL_HINT = "batchkit.aio needs aiobotocore: pip install 'batchkit-aws[async]'"


class Closing:
    """``async with`` around :meth:`aclose` (what ``contextlib.aclosing`` does, built in).

    Clients, pagers, describe results and watches all end the same way -- ``async with x:``
    is ``await x.aclose()`` on the way out, errors and cancellation included -- and each
    says only what *its* ``aclose`` does."""

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


class _Closable(Protocol):
    def close(self) -> None: ...


class ListingBase(Closing):
    """What a listing has on this face besides the shared loop: :meth:`aclose` is its
    core's ``close()`` (nothing is left running between two awaited items)."""

    async def aclose(self) -> None:
        """End the listing (``contextlib.aclosing`` works too): iteration stops, nothing is
        left running, and ``resume_token`` still says where it was."""
        cast(_Closable, self).close()


async def close_generator(generator: AsyncIterator[Any]) -> None:
    """Close a loop's async generator; one running in another task sees its stop flag."""
    with contextlib.suppress(RuntimeError):  # running in another task
        await cast(Any, generator).aclose()


class Stopwatch:
    """The sync runtime measures how long a request waited, to decide whether overlapping
    requests pays (threads cost ~0.5 ms a page); a task costs little: nothing to measure."""

    def waited(self) -> float | None:
        return None


class Fetching(Generic[T]):
    """A page being fetched ahead of its listing's consumer: a task of its own."""

    def __init__(self, key: object, task: asyncio.Future[tuple[T | None, BaseException | None]]):
        self.key = key
        self._task = task
        #: how long the request waited: not measured here (see :class:`Stopwatch`)
        self.waited: float | None = None

    async def result(self) -> T:
        """The page (or the fetch's error).  Cancelling the awaiting task cancels the fetch:
        the request is abandoned with it, as a direct fetch's would be."""
        value, failure = await self._task
        if failure is not None:
            raise failure  # raised where the consumer awaits, as a direct fetch's would be
        return cast(T, value)

    def cancel(self) -> None:
        """Abandon the fetch (a page nobody will read)."""
        self._task.cancel()


class Ahead:
    """Fetching ahead for the listings of one client: each listing asks for its next page
    while its consumer reads the current one, in a task of its own; at most ``limit`` of
    these requests run at once (the client's connection pool), and botocore's retry mode
    paces them all."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._semaphore: asyncio.Semaphore | None = None

    def start(self, key: object, call: Callable[[], Awaitable[T]]) -> Fetching[T]:
        """Start ``call()`` (a page's fetch) in a task of its own."""
        self._semaphore = self._semaphore or asyncio.Semaphore(self._limit)
        semaphore = self._semaphore

        async def run() -> tuple[T | None, BaseException | None]:
            async with semaphore:
                try:
                    return await call(), None
                except (Exception, KeyboardInterrupt, SystemExit) as failure:
                    # To the consumer, where it awaits: a Ctrl-C not out of the event loop
                    # from a task nobody awaits, and an error not logged by asyncio ("Task
                    # exception was never retrieved") when nobody reads the page (a
                    # listing dropped, or resumed by a new one from its token).
                    return None, failure

        return Fetching(key, asyncio.ensure_future(run()))

    @staticmethod
    def pays(waited: float | None) -> bool:
        """Fetching ahead on a task always pays (unlike a thread's start and GIL hand-offs)."""
        return True

    def close(self) -> None:
        """Nothing to shut down: each listing cancels what it fetched ahead."""


class AsyncSystemClock:
    """The real clock for asyncio (the default): :func:`asyncio.sleep`."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class Waker:
    """The wait between two polls of a watch: :meth:`stop` (from another task) ends it at
    once and keeps the watch from waiting again."""

    def __init__(self) -> None:
        self._stopped = False
        self._event: asyncio.Event | None = None

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        self._stopped = True
        if self._event is not None:
            self._event.set()

    async def sleep(self, clock: Clock | AsyncClock, seconds: float) -> None:
        """Wait ``seconds`` on ``clock``: the default clock is woken by :meth:`stop`; a
        given clock's ``sleep`` is awaited (or, a plain function such as a test clock's,
        called)."""
        if type(clock) is AsyncSystemClock:
            self._event = self._event or asyncio.Event()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._event.wait(), seconds)
            return
        outcome = clock.sleep(seconds)
        if inspect.isawaitable(outcome):
            await outcome


async def follow_sleep(policy: FollowPolicy, seconds: float) -> None:
    """A following log reader's wait: ``asyncio.sleep`` for the default, an awaited
    coroutine, or a plain function's call (a test clock's, which only advances time)."""
    if policy.default_sleep:
        await asyncio.sleep(seconds)
        return
    outcome = policy.sleep(seconds)
    if inspect.isawaitable(outcome):
        await outcome


def read_ids(job_ids: object) -> Any:
    """``describe_jobs``' input as the unique ids it names: any iterable (a list or tuple
    checked up front) or an *async* iterable, such as an ``AsyncPager``, read lazily."""
    if isinstance(job_ids, AsyncIterable):
        return _UniqueIds(cast(AsyncIterable[object], job_ids))
    check_job_ids(job_ids)
    return describe_input(cast(Any, job_ids))


class _UniqueIds(AsyncIterator[str]):
    """The unique ids of an async input, read one at a time.

    A class, not an async generator: a cancel while the input awaits (an ``AsyncPager``
    fetching a page) would close a generator for good, and the describe result could then
    never read on; here it only interrupts that one read -- the input stays where it was."""

    def __init__(self, job_ids: AsyncIterable[object]) -> None:
        self._source = job_ids.__aiter__()
        self._seen: set[str] = set()

    async def __anext__(self) -> str:
        while True:
            job_id = job_id_of(await self._source.__anext__())
            key = id_key(job_id)
            if key not in self._seen:
                self._seen.add(key)
                return job_id


# ------------------------------------------------------------------------------ clients

# The session for clients made without ``session=``: one per process, made on first use
# (as boto3's default session is).  The ``batchkit_fake`` pytest fixture replaces it.
_DEFAULT_SESSION: Any = None


def _default_session() -> Any:
    global _DEFAULT_SESSION
    if _DEFAULT_SESSION is None:
        try:
            from aiobotocore.session import get_session
        except ImportError as error:
            raise ImportError(_INSTALL_HINT) from error
        _DEFAULT_SESSION = get_session()
    return _DEFAULT_SESSION


def _aio_config(config: Config | None) -> Config:
    """``config`` over batchkit's default, as an ``AioConfig`` (so aiobotocore options such
    as ``connector_args`` given in an ``AioConfig`` are kept)."""
    try:
        from aiobotocore.config import AioConfig
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    base: Any = DEFAULT_CONFIG
    return client_config(config, AioConfig(**base._user_provided_options))


def _is_async_client(client: Any) -> bool:
    return inspect.iscoroutinefunction(getattr(type(client), "_make_api_call", None))


def _check_async(name: str, service: str, client: Any) -> None:
    if not _is_async_client(client):
        raise InvalidParameterError(
            f"{name}: expected an aiobotocore {service} client (from session.create_client), "
            "got a synchronous one: use batchkit's sync client"
        )


class ClientBase(Closing):
    """An aiobotocore client's life for a batchkit client: made from the arguments (or
    given), opened by ``async with`` / :meth:`open`, closed by :meth:`aclose` -- with the
    CloudWatch Logs clients opened on the way, one per region.  What batchkit opened it
    closes; a client you passed in stays yours."""

    _service = ""

    def __init__(
        self,
        client: Any,
        session: AioSession | None,
        region_name: str | None,
        endpoint_url: str | None,
        config: Config | None,
        fast_path: bool,
        gc_pause: bool,  # accepted, ignored: batchkit never touches the gc's state
        logs_client: Any = None,
        fetch_ahead: bool = True,
    ) -> None:
        service = self._service
        given = check_given_client(
            service, client, session, region_name, endpoint_url, config, "aiobotocore"
        )
        if given:
            _check_async("client", service, client)
        if session is not None and not callable(getattr(session, "create_client", None)):
            raise InvalidParameterError(
                f"session: expected an aiobotocore AioSession, got {type(session).__name__}"
            )
        self._raw: Any = client
        if given:
            fastpath.install(client)
        self._session = session
        self._options = {"region_name": region_name, "endpoint_url": endpoint_url}
        self._config = config if given else _aio_config(config)
        self._context: Any = None  # the aiobotocore client's context manager, when ours
        self._fast = bool(fast_path)
        self._fetch_ahead = bool(fetch_ahead)
        self._ahead: Ahead | None = None
        # CloudWatch Logs clients by region: those batchkit opened (closed by aclose) and
        # the one given (the caller's to close).
        self._logs_clients: dict[str, Any] = {}
        self._ec2_clients: dict[str, Any] = {}  # DescribeInstanceTypes, for why()
        self._logs_contexts: list[Any] = []  # every regional client batchkit opened
        self._logs_lock = asyncio.Lock()
        self._given_logs: Any = None
        if logs_client is not None:
            check_given_client("logs", logs_client, None, None, None, None, "aiobotocore")
            _check_async("logs_client", "logs", logs_client)
            fastpath.install(logs_client)
            self._given_logs = logs_client
            self._logs_clients[logs_client.meta.region_name] = logs_client

    @property
    def fast_path(self) -> bool:
        """Whether responses are parsed by batchkit's fast path (``fast_path=`` at creation)."""
        return self._fast

    @property
    def region_name(self) -> str | None:
        """The region of the client (as configured, before it is open)."""
        if self._raw is not None:
            region: str | None = self._raw.meta.region_name
            return region
        return self._options["region_name"]

    async def open(self) -> Self:
        """Create the aiobotocore client (``async with`` does this for you); idempotent."""
        if self._raw is None:
            session: Any = self._session if self._session is not None else _default_session()
            context = session.create_client(self._service, config=self._config, **self._options)
            try:
                raw = await context.__aenter__()  # aiobotocore resolves credentials here
            except Exception as error:
                typed = credentials_error(error, f"creating the {self._service} client")
                if typed is None:
                    raise
                raise typed from error
            fastpath.install(raw)
            install_fail_fast(raw)
            install_endpoint_fixes(raw, self._options["endpoint_url"])
            self._raw, self._context = raw, context
        return self

    async def __aenter__(self) -> Self:
        return await self.open()

    async def aclose(self) -> None:
        """Close the aiobotocore clients batchkit made: this one and the CloudWatch Logs
        clients ``logs()``/``why()`` opened.  Clients you passed in stay open."""
        contexts, self._logs_contexts = self._logs_contexts, []
        self._logs_clients, self._ec2_clients = {}, {}
        if self._given_logs is not None:
            self._logs_clients[self._given_logs.meta.region_name] = self._given_logs
        # every one is closed even if closing another fails; that failure is then raised,
        # typed (nothing is left to resume: the clients are closed)
        try:
            async with contextlib.AsyncExitStack() as stack:
                stack.push_async_callback(self._close_own)  # this client: last
                for context in contexts:
                    stack.push_async_exit(context)
        except Exception as error:
            raise from_exception(error, "closing the clients") from error

    async def _close_own(self) -> None:
        context, self._context = self._context, None
        if context is not None:
            self._raw = None
            await context.__aexit__(None, None, None)

    def _ahead_of(self, raw: Any) -> Ahead | None:
        """How this client's listings fetch ahead (None with ``fetch_ahead=False``)."""
        if not self._fetch_ahead:
            return None
        if self._ahead is None:
            self._ahead = Ahead(pool_size(raw))
        return self._ahead

    def _open_client(self) -> Any:
        if self._raw is None:
            name = type(self).__name__
            raise BatchKitError(
                f"{name} is not open: use `async with {name}(...) as client:` "
                "(or `await client.open()`, and `await client.aclose()` when done)"
            )
        return self._raw

    async def logs_client(self, region: str) -> Any:
        """The CloudWatch Logs client for ``region``: opened once (from this client's
        session, config and endpoint URL), closed by :meth:`aclose`."""
        return await self._regional_client("logs", region, self._logs_clients)

    async def ec2_client(self, region: str) -> Any:
        """The EC2 client for ``region`` (``DescribeInstanceTypes``: what ``why()`` knows of
        instance sizes): opened once, like :meth:`logs_client`, closed by :meth:`aclose`."""
        return await self._regional_client("ec2", region, self._ec2_clients)

    async def _regional_client(self, service: str, region: str, cache: dict[str, Any]) -> Any:
        async with self._logs_lock:  # two tasks asking at once open one client
            client = cache.get(region)
            if client is None:
                own = self._open_client()
                session: Any = self._session if self._session is not None else _default_session()
                context = session.create_client(
                    service,
                    region_name=region,
                    endpoint_url=self._options["endpoint_url"],
                    config=own.meta.config,
                )
                try:
                    client = await context.__aenter__()
                except Exception as error:
                    typed = credentials_error(error, f"creating the {service} client")
                    if typed is None:
                        raise
                    raise typed from error
                fastpath.install(client)
                install_fail_fast(client)
                self._logs_contexts.append(context)
                cache[region] = client
            return client
