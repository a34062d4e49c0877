"""The async benchmark: batchkit.aio's typed listing against aiobotocore's raw paginator.

Run: ``nox -s bench_async`` (or ``python bench/run_async.py [--quick]``, with ``batchkit[async]``).
Both sides are aiobotocore clients answered with the same HTTP response bytes at
``before-send`` (batchkit's one wire responder), so what is compared is everything from the
bytes on: aiobotocore's parsing (and, for batchkit, validation into models) and the
pagination loop.  Target (issue 17): the typed listing is not slower (ratio >= 1.0).
Writes ``bench/results_async.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from run import HERE, detail, paged_bodies, summary

from batchkit.aio import AsyncBatchClient
from batchkit.testing import RawReply, serve


async def _best_of(runs: int, work: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        count = await work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


async def _compare(
    name: str, raw: Callable[[], Awaitable[int]], typed: Callable[[], Awaitable[int]], runs: int
) -> dict[str, Any]:
    await typed()  # warm up, as a long-running service would be
    await raw()
    raw_s, raw_n = await _best_of(runs, raw)
    typed_s, typed_n = await _best_of(runs, typed)
    assert raw_n == typed_n, (name, raw_n, typed_n)
    return {
        "benchmark": name,
        "items": raw_n,
        "raw_aiobotocore_items_per_s": round(raw_n / raw_s),
        "batchkit_aio_items_per_s": round(typed_n / typed_s),
        "ratio": round(raw_s / typed_s, 2),
    }


def _replay(client: Any, answer: Callable[[str, dict[str, Any]], bytes]) -> None:
    headers = {"Content-Type": "application/json"}
    serve(client, lambda operation, params: RawReply(200, answer(operation, params), headers))


async def _clients(answer: Callable[[str, dict[str, Any]], bytes]) -> Any:
    from aiobotocore.session import AioSession

    session = AioSession()
    session.set_credentials("k", "s")
    contexts = [session.create_client("batch", region_name="us-east-1") for _ in range(2)]
    raw, typed = [await context.__aenter__() for context in contexts]
    _replay(raw, answer)
    _replay(typed, answer)
    return contexts, raw, AsyncBatchClient(typed)


async def bench_list_jobs(runs: int, n: int) -> dict[str, Any]:
    """ListJobs: aiobotocore's paginator (dicts) against ``async for`` (models)."""
    bodies = paged_bodies([summary(i) for i in range(n)], "jobSummaryList", "nextToken")
    contexts, raw, batch = await _clients(lambda _op, params: bodies[params.get("nextToken")])
    try:

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

        return await _compare(f"ListJobs, {n} jobs ({n // 100} pages)", raw_work, typed_work, runs)
    finally:
        for context in contexts:
            await context.__aexit__(None, None, None)


async def bench_describe(runs: int, n: int) -> dict[str, Any]:
    """DescribeJobs, 100 ids a request: raw calls (dicts) against describe_jobs (models)."""
    bodies = {
        i: json.dumps({"jobs": [detail(j) for j in range(i, min(i + 100, n))]}).encode()
        for i in range(0, n, 100)
    }
    ids = [detail(i)["jobId"] for i in range(n)]
    index = {job_id: i for i, job_id in enumerate(ids)}
    contexts, raw, batch = await _clients(lambda _op, params: bodies[index[params["jobs"][0]]])
    try:

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

        return await _compare(f"DescribeJobs, {n} jobs", raw_work, typed_work, runs)
    finally:
        for context in contexts:
            await context.__aexit__(None, None, None)


async def run(quick: bool) -> dict[str, Any]:
    runs = 3 if quick else 7
    import aiobotocore

    return {
        "python": sys.version.split()[0],
        "aiobotocore": aiobotocore.__version__,
        "throughput": [
            await bench_list_jobs(runs, 1_000 if quick else 10_000),
            await bench_describe(runs, 200 if quick else 2_000),
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.quick))
    results["targets"] = {
        "async ListJobs >= 1.0x aiobotocore paginator": results["throughput"][0]["ratio"] >= 1.0,
    }
    out = Path(HERE) / "results_async.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"batchkit.aio benchmarks (python {results['python']}, "
        f"aiobotocore {results['aiobotocore']})\n"
    )
    print(f"{'throughput':<40}{'aiobotocore/s':>15}{'batchkit.aio/s':>16}{'ratio':>8}")
    for row in results["throughput"]:
        print(
            f"{row['benchmark']:<40}{row['raw_aiobotocore_items_per_s']:>15,}"
            f"{row['batchkit_aio_items_per_s']:>16,}{row['ratio']:>7}x"
        )
    print("\ntargets:")
    for name, ok in results["targets"].items():
        print(f"  {'met    ' if ok else 'MISSED '} {name}")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
