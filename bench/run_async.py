"""The async benchmark: batchkit.aio's typed listing against aiobotocore's raw paginator.

Run: ``nox -s bench_async`` (or ``python bench/run_async.py [--quick]``, with ``batchkit[async]``).
Writes ``bench/results_async.json``.

As ``bench/run.py`` measures the sync face (issues 13 and 24):

* both sides are aiobotocore clients with the same ``AioConfig`` (``_measure.RETRIES``,
  checked), answered with the same HTTP response bytes at ``before-send``
  (``_replay.replay_async``), so what is compared is everything from the serialized request
  on: aiobotocore's signing, retry handler and parser (and, for batchkit, validation into
  models) and the pagination loop;
* raw and batchkit runs are **interleaved**, the order alternating each round, after one
  warm-up each; every figure is the median of the per-round ratios, with their spread;
* the process holds the same **live heap** as ``run.py`` (600k small tracked objects) with
  the garbage collector as a user's process has it, and the load average is recorded.

Target (issue 17): the typed listing is not slower than the raw paginator (ratio >= 1.0).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _data import detail, paged_bodies, summary  # noqa: E402
from _measure import aio_config, check_same_config, live_heap, load, machine, spread  # noqa: E402
from _replay import Answer, replay_async  # noqa: E402

from batchkit.aio import AsyncBatchClient  # noqa: E402


async def compare(
    name: str,
    raw: Callable[[], Awaitable[int]],
    typed: Callable[[], Awaitable[int]],
    rounds: int,
) -> dict[str, Any]:
    """``rounds`` interleaved rounds (alternating which side goes first) after a warm-up
    each; the per-round ratios (raw time / batchkit time) and their spread."""
    loads = [load()]
    await typed()  # warm up: validators built, as in any long-running service
    await raw()
    times: dict[str, list[float]] = {"raw": [], "batchkit": []}
    counts: set[int] = set()
    for round_ in range(rounds):
        order = [("raw", raw), ("batchkit", typed)]
        for side, work in order if round_ % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            counts.add(await work())
            times[side].append(time.perf_counter() - start)
    assert len(counts) == 1, (name, counts)
    items = counts.pop()
    ratios = [r / t for r, t in zip(times["raw"], times["batchkit"], strict=True)]
    return {
        "benchmark": name,
        "items": items,
        "rounds": rounds,
        "raw_aiobotocore_items_per_s": round(items / statistics.median(times["raw"])),
        "batchkit_aio_items_per_s": round(items / statistics.median(times["batchkit"])),
        "ratio": spread(ratios),
        "load": [*loads, load()],
    }


@asynccontextmanager
async def clients(answer: Answer) -> AsyncIterator[tuple[Any, AsyncBatchClient]]:
    """A raw aiobotocore client and a batchkit client over another, configured alike and
    answered alike."""
    from aiobotocore.session import AioSession

    session = AioSession()
    session.set_credentials("k", "s")
    async with AsyncExitStack() as stack:
        raw, typed = [
            await stack.enter_async_context(
                session.create_client("batch", region_name="us-east-1", config=aio_config())
            )
            for _ in range(2)
        ]
        check_same_config(raw, typed)
        replay_async(raw, answer)
        replay_async(typed, answer)
        yield raw, AsyncBatchClient(typed)


async def bench_list_jobs(rounds: int, n: int) -> dict[str, Any]:
    """ListJobs: aiobotocore's paginator (dicts) against ``async for`` (models)."""
    bodies = paged_bodies([summary(i) for i in range(n)], "jobSummaryList", "nextToken")
    async with clients(lambda _op, key: bodies[key]) as (raw, batch):

        async def raw_work() -> int:
            count = 0
            paginator = raw.get_paginator("list_jobs")
            async for page in paginator.paginate(jobQueue="q", jobStatus="SUCCEEDED"):
                count += len(page["jobSummaryList"])
            return count

        async def typed_work() -> int:
            count = 0  # items are not kept, as the raw side keeps no page
            async for _job in batch.list_jobs("q", status="SUCCEEDED"):
                count += 1
            return count

        return await compare(
            f"ListJobs, {n:,} jobs ({n // 100} pages)", raw_work, typed_work, rounds
        )


async def bench_describe(rounds: int, n: int) -> dict[str, Any]:
    """DescribeJobs, 100 ids a request: raw calls (dicts) against describe_jobs (models)."""
    details = [detail(i) for i in range(n)]
    ids = [d["jobId"] for d in details]
    bodies: dict[str | None, bytes] = {
        ids[i]: json.dumps({"jobs": details[i : i + 100]}).encode() for i in range(0, n, 100)
    }
    del details
    async with clients(lambda _op, key: bodies[key]) as (raw, batch):

        async def raw_work() -> int:
            count = 0
            for start in range(0, n, 100):
                count += len((await raw.describe_jobs(jobs=ids[start : start + 100]))["jobs"])
            return count

        async def typed_work() -> int:
            count = 0
            async for _job in batch.describe_jobs(ids):
                count += 1
            return count

        return await compare(f"DescribeJobs, {n:,} full jobs", raw_work, typed_work, rounds)


async def run(quick: bool) -> dict[str, Any]:
    import aiobotocore

    rounds = 3 if quick else 11
    heap = live_heap(20_000 if quick else 200_000)
    try:
        throughput = [
            await bench_list_jobs(rounds, 1_000 if quick else 10_000),
            await bench_describe(rounds, 200 if quick else 2_000),
        ]
    finally:
        del heap
    return {
        "python": sys.version.split()[0],
        "machine": machine(),
        "aiobotocore": aiobotocore.__version__,
        "gc": {"enabled": gc.isenabled(), "thresholds": list(gc.get_threshold())},
        "live_heap_objects": 60_000 if quick else 600_000,
        "throughput": throughput,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.quick))
    list_jobs = results["throughput"][0]
    results["targets"] = {
        "async ListJobs >= 1.0x aiobotocore paginator": list_jobs["ratio"]["median"] >= 1.0,
    }
    out = HERE / "results_async.json"
    if not args.quick:
        out.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"batchkit.aio benchmarks (python {results['python']}, aiobotocore "
        f"{results['aiobotocore']}), {results['live_heap_objects']:,}-object live heap\n"
    )
    rounds = list_jobs["rounds"]
    title = f"throughput, {rounds} interleaved rounds"
    print(f"{title:<34}{'aiobotocore/s':>15}{'batchkit.aio/s':>16}  ratio (min-max)     load")
    for row in results["throughput"]:
        ratio = row["ratio"]
        text = f"{ratio['median']:.2f}x ({ratio['min']:.2f}-{ratio['max']:.2f})"
        print(
            f"{row['benchmark']:<34}{row['raw_aiobotocore_items_per_s']:>15,}"
            f"{row['batchkit_aio_items_per_s']:>16,}  {text:<20}{row['load']}"
        )
    print("\ntargets:")
    for name, ok in results["targets"].items():
        print(f"  {'met    ' if ok else 'MISSED '} {name}")
    if not args.quick:
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
