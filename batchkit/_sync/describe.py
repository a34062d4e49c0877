"""JobDetails: ``describe_jobs``' lazy result on threads (hand-written).

Why hand-written: concurrency differs between the faces (here a thread pool, in
``batchkit/_async/describe.py`` tasks), so the two results are written side by side,
httpx-style; what a DescribeJobs answer yields and how failures are accounted for is
:mod:`batchkit._core.describe`'s, shared.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, cast

from batchkit._core.checks import check_count
from batchkit._core.describe import describe_failure, described, input_failure, taken_back
from batchkit._core.errors import BatchKitError
from batchkit._core.pager import SKIPPED_KEPT, RawPage, SkippedItem
from batchkit._core.plans import item_model
from batchkit._spec.operations import DESCRIBE_JOBS
from batchkit._sync.runtime import Closing, Stopwatch, overlap_pays
from batchkit._sync.source import PageSource

if TYPE_CHECKING:
    import pandas as pd
    from mypy_boto3_batch.client import BatchClient as Boto3BatchClient

    from batchkit.models import JobDetail

__all__ = ["JobDetails"]

log = logging.getLogger("batchkit")


class JobDetails(Closing, Iterator["JobDetail"]):
    """The lazy result of :meth:`BatchClient.describe_jobs`: an iterator of ``JobDetail``.

    A context manager: leaving the block (or :meth:`close`, or dropping out of a ``for``
    loop of a generator that owns it) cancels requests not yet started and waits for the
    running ones, so no thread outlives it -- also when :meth:`close` is called from another
    thread while one iterates.  One consumer at a time: a second thread (or a re-entrant
    call) iterating meanwhile gets a :class:`~batchkit.BatchKitError`, as a pager's does.
    """

    def __init__(
        self,
        client: Boto3BatchClient,
        ids: Iterable[str],
        max_workers: int,
        *,
        fast: bool = True,
        on_invalid: str = "raise",
    ) -> None:
        self._source: PageSource[JobDetail] = PageSource(
            client, DESCRIBE_JOBS, {}, fast=fast, on_invalid=on_invalid
        )
        self._ids = iter(ids)
        self._max_workers = max_workers
        self._missing: list[str] = []
        self._failed_ids: list[str] = []
        self._skipped: list[SkippedItem] = []  # bounded: SKIPPED_KEPT
        self._pool: ThreadPoolExecutor | None = None
        self._window: deque[tuple[list[str], Future[RawPage[JobDetail] | BatchKitError]]] = deque()
        self._iterator: Iterator[JobDetail] = self._run()
        self._returned: deque[JobDetail] = deque()  # what a failed take() put back
        # The ids read from the input and not yet yielded, chunk by chunk in input order
        # (the head: what is left of the chunk being yielded): what Ctrl-C leaves undescribed.
        self._unyielded: deque[list[str] | deque[str]] = deque()
        self._busy = threading.Lock()  # the one-consumer guard
        self._state = threading.Lock()  # the pool, against close() from another thread
        self._closed = False
        self._model = item_model(DESCRIBE_JOBS)

    @property
    def missing_ids(self) -> tuple[str, ...]:
        """Requested ids AWS did not return (so far)."""
        return tuple(self._missing)

    @property
    def skipped(self) -> tuple[SkippedItem, ...]:
        """Jobs AWS returned that could not be typed, left out under ``on_invalid="skip"``
        (their ids are in neither ``missing_ids`` nor ``undescribed_ids``)."""
        return tuple(self._skipped)

    @property
    def undescribed_ids(self) -> tuple[str, ...]:
        """Requested ids whose request failed so far (see ``BatchKitError.undescribed_ids``)."""
        return tuple(self._failed_ids)

    def __iter__(self) -> JobDetails:
        return self

    def __next__(self) -> JobDetail:
        held = False
        try:
            # acquired inside the try: a Ctrl-C right after it cannot leave the guard held
            if not (held := self._busy.acquire(blocking=False)):
                raise BatchKitError(
                    "DescribeJobs: these details are being iterated elsewhere (another "
                    "thread); they are for one consumer at a time"
                )
            if self._closed:
                raise StopIteration
            if self._returned:
                return self._returned.popleft()
            return next(self._iterator)
        finally:
            if held:
                self._busy.release()

    def close(self) -> None:
        """Stop: cancel queued requests, wait for running ones, end iteration.  From another
        thread while one iterates, too: the pool is shut down before this returns, and the
        iterating thread's next item is the end."""
        self._closed = True
        self._returned.clear()
        with contextlib.suppress(ValueError):  # running in another thread: it stops next step
            self._iterator.close()  # type: ignore[attr-defined]
        self._shutdown()

    def first(self) -> JobDetail | None:
        """The next job, or None if there is none."""
        return next(self, None)

    def take(self, n: int, *, progress: bool = False) -> list[JobDetail]:
        """The next ``n`` jobs (fewer if the input ends first).

        Args:
            n: how many jobs (an int >= 0).
            progress: show a ``tqdm.auto`` bar (a widget in a notebook) if tqdm is installed.

        Returns:
            The next jobs, at most ``n``.

        Raises:
            InvalidParameterError: ``n`` is not an int >= 0.
            BatchKitError: a request (or the input) failed.  Lossless: the jobs this call
                read go back in front (iterating again yields them), and the error names
                their ids first in its ``undescribed_ids`` (resuming from it describes
                them again).  Ctrl-C puts them back too.
        """
        check_count("take", n)
        from batchkit._spec.display import with_progress

        out: list[JobDetail] = []
        try:
            jobs = with_progress(self, progress, type(self).__name__)
            out.extend(islice(jobs, min(n, sys.maxsize)))  # (to_list asks for 2**63)
            return out  # (in the try: a Ctrl-C here too puts them back)
        except BaseException as error:
            self._returned.extendleft(reversed(out))
            taken_back(error, out)
            raise

    def to_list(self, *, progress: bool = False) -> list[JobDetail]:
        """Every remaining job (reads everything: prefer iterating)."""
        return self.take(2**63, progress=progress)

    def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """Every remaining job as a DataFrame of flat columns (needs ``batchkit-aws[pandas]``)."""
        from batchkit._spec.display import to_pandas

        return to_pandas(cast(Any, self.to_list(progress=progress)), model=self._model)

    def _describe(self, chunk: list[str]) -> RawPage[JobDetail]:
        page: RawPage[JobDetail] = self._source.call({DESCRIBE_JOBS.id_key or "jobs": chunk})
        return page

    def _attempt(self, chunk: list[str]) -> RawPage[JobDetail] | BatchKitError:
        try:
            return self._describe(chunk)
        except BatchKitError as error:
            return error

    def _chunks(self) -> Iterator[list[str]]:
        """The input, 100 ids at a time, read only when the next request is due; each
        chunk goes in the ledger of ids read and not yet yielded (``_unyielded``) as it is
        read, the ids of a chunk cut short by Ctrl-C included.

        If reading the input fails inside a chunk (a listing's error, an invalid item), the
        ids read before the failure are still a chunk -- described like any other -- and
        the failure comes after it."""
        size = DESCRIBE_JOBS.page_size_max
        ids, ledger = self._ids, self._unyielded
        while True:
            chunk: list[str] = []
            ledger.append(chunk)  # filled in place: a Ctrl-C anywhere finds what was read
            try:
                # in C, id by id: an id the input handed over is in the chunk before any
                # line of Python runs here (where a Ctrl-C would be raised)
                chunk.extend(islice(ids, size))
            except Exception:
                if chunk:
                    yield chunk
                else:
                    ledger.pop()
                raise
            if not chunk:
                ledger.pop()
                return
            yield chunk

    def _run(self) -> Iterator[JobDetail]:
        """Every job, in input order.  Whatever stops it but a close (Ctrl-C above all,
        wherever it lands: reading the input, starting a worker, waiting for an answer,
        typing one) counts every id read and not yet yielded undescribed, in input order:
        the ledger is the one place that knows them."""
        chunks = self._chunks()
        try:
            first = next(chunks, None)
            if first is None:
                return
            if self._max_workers == 1:
                yield from self._emit(self._sequential(chain([first], chunks)))
            else:
                yield from self._emit(self._paced(chain([first], chunks)))
        except GeneratorExit:  # closed: nothing failed
            raise
        except BaseException:
            ledger, self._unyielded = self._unyielded, deque()
            self._failed_ids.extend(job_id for chunk in ledger for job_id in chunk)
            raise
        finally:
            self._window.clear()
            self._shutdown()

    def _sequential(
        self, chunks: Iterator[list[str]]
    ) -> Iterator[tuple[list[str], RawPage[JobDetail] | BatchKitError]]:
        for chunk in chunks:
            yield chunk, self._attempt(chunk)

    def _paced(
        self, chunks: Iterator[list[str]]
    ) -> Iterator[tuple[list[str], RawPage[JobDetail] | BatchKitError]]:
        """One request at a time while requests do not wait (a local endpoint, replayed
        bytes: threads would only take turns at the GIL, ~0.5 ms a request); from the first
        request that waited for the network, up to ``max_workers`` at once."""
        for chunk in chunks:
            watch = Stopwatch()
            outcome = self._attempt(chunk)
            waited = watch.waited()
            yield chunk, outcome
            if overlap_pays(waited):
                break
        else:
            return
        with self._state:
            if self._closed:
                return
            self._pool = pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="batchkit")
        yield from self._ordered(pool, chunks)

    def _shutdown(self) -> None:
        with self._state:  # no request is submitted after this (see _submit)
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _submit(
        self, pool: ThreadPoolExecutor, chunk: list[str]
    ) -> Future[RawPage[JobDetail] | BatchKitError] | None:
        """Send ``chunk`` to the pool; None once closed (the pool is shut down)."""
        with self._state:
            if self._pool is not pool:
                return None
            return pool.submit(self._attempt, chunk)

    def _ordered(
        self, pool: ThreadPoolExecutor, pending: Iterator[list[str]]
    ) -> Iterator[tuple[list[str], RawPage[JobDetail] | BatchKitError]]:
        # Keep at most 2 * max_workers requests in flight: memory stays bounded, and the
        # input is read no further ahead than that.  A failure reading the input (a pager's
        # error) comes after the details of every chunk already sent.
        window = self._window
        input_error: BaseException | None = None
        while True:
            try:
                chunk = next(pending, None)
            except Exception as error:  # Ctrl-C is not deferred
                input_error = error
                break
            if chunk is None:
                break
            future = self._submit(pool, chunk)
            if future is None:  # closed from another thread
                return
            window.append((chunk, future))
            if len(window) >= 2 * self._max_workers:
                outcome = self._result(window[0][1])
                if outcome is None:  # closed from another thread
                    return
                yield window.popleft()[0], outcome
        while window:
            outcome = self._result(window[0][1])
            if outcome is None:
                return
            yield window.popleft()[0], outcome
        if input_error is not None:
            raise input_error

    @staticmethod
    def _result(
        future: Future[RawPage[JobDetail] | BatchKitError],
    ) -> RawPage[JobDetail] | BatchKitError | None:
        """The answer, or None if the request was cancelled (closed from another thread)."""
        try:
            return future.result()
        except CancelledError:
            return None

    def _emit(
        self, results: Iterable[tuple[list[str], RawPage[JobDetail] | BatchKitError]]
    ) -> Iterator[JobDetail]:
        """Yield every chunk that succeeded; then raise the first failure, naming every
        id that could not be described (a failure reading the input comes last, naming
        them too)."""
        first_error: BatchKitError | None = None
        ledger = self._unyielded  # chunks come in input order: this one is its head
        try:
            for chunk, outcome in results:
                if isinstance(outcome, BatchKitError):
                    first_error = first_error or outcome
                    self._failed_ids.extend(chunk)
                    ledger.popleft()
                    log.debug(
                        "DescribeJobs: %d ids failed (%s)", len(chunk), type(outcome).__name__
                    )
                    continue
                room = max(SKIPPED_KEPT - len(self._skipped), 0)
                self._skipped.extend(outcome.skipped[:room])
                ids = {item.item_id for item in outcome.skipped}
                jobs = described(chunk, outcome.items, self._missing, ids)
                left = ledger[0] = deque(job.job_id for job in jobs)
                for job in jobs:
                    yield job
                    # counted only once handed over: a Ctrl-C right as the consumer asks for
                    # the next job (before this line) makes this one undescribed as well --
                    # described twice, never lost
                    left.popleft()
                ledger.popleft()
        except Exception as error:  # reading the input failed
            input_failure(error, self._failed_ids)
            raise
        if first_error is not None:
            raise describe_failure(first_error, self._failed_ids)
