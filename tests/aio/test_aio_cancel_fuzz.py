"""The async cancellation fuzz (issue 22 items 2, 3): a consumer whose every call -- the
next job, ``take``, ``peek`` -- is cancelled after a random number of event-loop steps (in the
middle of a request, between two, or not at all), with failures at random requests, on a
merged listing over three queues and on ``describe_jobs`` reading a pager.  Everything
yielded, concatenated, is the clean listing: nothing lost, nothing twice.

Deterministic: each request takes a fixed number of loop steps (a responder that yields to
the loop before answering), so a seed replays exactly; no real time passes."""

from __future__ import annotations

import asyncio
import gc
from datetime import timedelta
from typing import Any

import pytest

pytest.importorskip("aiobotocore")

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from batchkit import BatchKitError
from batchkit.aio import AsyncBatchClient
from batchkit.testing import FakeAWS, Fault, serve
from tests.conftest import T0, aio_raw_client
from tests.fuzz import examples

QUEUES = ["alpha", "beta", "gamma"]
CANCELLED = object()
#: Loop steps each request takes (the responder yields this often before answering).
REQUEST_STEPS = 3

_LOOP: asyncio.AbstractEventLoop | None = None
_RAW: Any = None


def loop_and_client() -> tuple[asyncio.AbstractEventLoop, Any]:
    """One event loop and one aiobotocore client for every example (making a client costs
    more than an example); each example's FakeAWS answers it through its own responder."""
    global _LOOP, _RAW
    if _LOOP is None:
        _LOOP = asyncio.new_event_loop()
        context = aio_raw_client()
        _RAW = _LOOP.run_until_complete(context.__aenter__())
        _LOOP.set_exception_handler(lambda _loop, context: logged.append(context["message"]))
    return _LOOP, _RAW


#: What asyncio's exception handler was given (a task's error nobody retrieved...).
logged: list[str] = []


#: ``statuses`` mode: one queue listed in these statuses (merged newest first under one
#: pager: sub-listings under a stateful page source); a job's group picks its status.
STATUSES = ["SUCCEEDED", "FAILED", "RUNNING"]  # (the order the listing merges them in)


def seeded(jobs: list[tuple[int, int]], statuses: bool = False) -> tuple[FakeAWS, list[str]]:
    """Jobs in three queues, FAILED; or (``statuses``) in one queue, in one of three
    statuses, the last not listed.  Returns the expected merged listing: newest first,
    ties to the queue (sub-listing) given first, then by job id."""
    fake = FakeAWS()
    for queue in QUEUES:
        fake.add_queue(queue)
    keyed = []
    for n, (index, age) in enumerate(jobs):
        job_id = f"j{n:03d}"
        queue, status = ("alpha", STATUSES[index]) if statuses else (QUEUES[index], "FAILED")
        fake.add_job(queue, job_id=job_id, status=status, created_at=T0 - timedelta(minutes=age))
        if status != "RUNNING":
            keyed.append(((age, index, job_id), job_id))
    return fake, [job_id for _, job_id in sorted(keyed)]


async def cancelled_after(call: Any, steps: int) -> Any:
    """``call``'s result, or CANCELLED if it was still running after ``steps`` loop steps."""
    task = asyncio.ensure_future(call)
    for _ in range(steps):
        if task.done():
            break
        await asyncio.sleep(0)
    task.cancel()
    try:
        return await task
    except asyncio.CancelledError:
        return CANCELLED


actions = st.lists(
    st.tuples(
        st.sampled_from(["next", "take", "peek", "reopen"]), st.integers(0, 4), st.integers(0, 12)
    ),
    max_size=14,
)


async def consume(
    listing: Any, plan: list[tuple[str, int, int]], resume: Any, reopen: Any
) -> tuple[list[str], list[str]]:
    """What was yielded, and the tasks left running by a closed listing.

    ``reopen`` (merged listings: also ``peek``): the listing closed, then a new one from
    its ``resume_token`` -- what leaving ``async with`` and coming back later does.  A
    listing replaced after an error is closed too."""
    seen: list[str] = []
    leaks: list[str] = []

    async def closed(old: Any) -> None:
        await old.aclose()
        for _ in range(2):  # cancelled tasks finish
            await asyncio.sleep(0)
        me = asyncio.current_task()
        leaks.extend(repr(t) for t in asyncio.all_tasks() if t is not me and not t.done())

    for action, n, steps in [*plan, *[("next", 0, 10_000)] * 400]:
        try:
            if action == "take":
                got = await cancelled_after(listing.take(n), steps)
                if got is not CANCELLED:
                    seen += [job.job_id for job in got]
            elif action == "peek" and reopen is not None:
                await cancelled_after(listing.peek(n), steps)
            elif action == "reopen" and reopen is not None:
                ended = listing.done  # nothing left (its token None: the start), or closed
                await closed(listing)
                if ended:
                    return seen, leaks
                listing = reopen(listing.resume_token)
            else:
                job = await cancelled_after(listing.__anext__(), steps)
                if job is not CANCELLED:
                    seen.append(job.job_id)
        except StopAsyncIteration:
            break
        except BatchKitError as error:
            new = resume(listing, error)
            if new is not listing:
                await closed(listing)
            listing = new
    await closed(listing)
    return seen, leaks


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    jobs=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 15)), max_size=20),
    page_size=st.integers(1, 4),
    failing=st.sets(st.integers(1, 16), max_size=4),
    plan=actions,
    describe=st.booleans(),
    statuses=st.booleans(),
)
@example(  # lost j000 (CI, round 3): describe reading a pager, a failure while ``take`` waits
    jobs=[(0, 0), (0, 0)], page_size=1, failing={2}, plan=[("next", 0, 9), ("take", 2, 4)],
    describe=True, statuses=False,
)  # fmt: skip
@example(  # a failed fetch of a closed listing's sub-listing, never read: logged by asyncio
    jobs=[(0, 0), (1, 1)], page_size=1, failing={1, 2, 3}, plan=[("reopen", 0, 0)],
    describe=False, statuses=True,
)  # fmt: skip
def test_cancelled_calls_lose_and_repeat_nothing(
    jobs: list[tuple[int, int]],
    page_size: int,
    failing: set[int],
    plan: list[tuple[str, int, int]],
    describe: bool,
    statuses: bool,
) -> None:
    """... and, the listing closed, no task is left running and asyncio logged nothing
    (``statuses``: one queue listed in two statuses, merged under one pager)."""
    fake, everything = seeded(jobs, statuses and not describe)
    for call in failing:
        fake.inject(Fault(code="ServerException", status=500, operation="ListJobs", on_call=call))
    loop, raw = loop_and_client()

    async def answer(operation: str, params: dict[str, Any]) -> Any:
        for _ in range(REQUEST_STEPS):
            await asyncio.sleep(0)
        return fake._answer("batch", operation, params)

    stop = serve(raw, answer)
    try:
        batch = AsyncBatchClient(raw)
        if describe:  # one queue's listing, described 100 at a time

            def described(token: str | None, first: tuple[str, ...] = ()) -> Any:
                pager = batch.list_jobs(
                    "alpha", status="FAILED", page_size=page_size, starting_token=token
                )
                return batch.describe_jobs(ChainIds(first, pager))

            def resume(old: Any, error: BatchKitError) -> Any:
                # the input failed: the listing from its token, after what was undescribed
                return described(error.resume_token, error.undescribed_ids)

            listing: Any = described(None)
            wanted = [job_id for job_id in everything if job_id in alpha(jobs)]
        else:
            queues: Any = "alpha" if statuses else QUEUES
            status: Any = STATUSES[:2] if statuses else "FAILED"
            listing = batch.list_jobs(queues, status=status, page_size=page_size)
            wanted = everything

            resumes = 0

            def reopen(token: str | None) -> Any:
                return batch.list_jobs(
                    queues, status=status, page_size=page_size, starting_token=token
                )

            def resume(old: Any, error: BatchKitError) -> Any:
                # iterating the same merged listing again resumes; so does a new one from
                # the error's token: each every other time
                nonlocal resumes
                resumes += 1
                return old if resumes % 2 else reopen(error.resume_token)

        logged.clear()
        seen, leaks = loop.run_until_complete(
            consume(listing, plan, resume, None if describe else reopen)
        )
        if failing:
            gc.collect(1)  # a task's error nobody retrieved is logged when the task goes
    finally:
        stop()
    assert seen == wanted
    assert leaks == []
    assert logged == []


class ChainIds:
    """``first``, then the pager's jobs: an async iterator a cancel does not end (an async
    generator would be closed by one; describe_jobs documents that its input should not)."""

    def __init__(self, first: tuple[str, ...], pager: Any) -> None:
        self._first = list(first)
        self._pager = pager

    def __aiter__(self) -> ChainIds:
        return self

    async def __anext__(self) -> Any:
        if self._first:
            return self._first.pop(0)
        return await self._pager.__anext__()


def alpha(jobs: list[tuple[int, int]]) -> set[str]:
    return {f"j{n:03d}" for n, (queue, _) in enumerate(jobs) if queue == 0}
