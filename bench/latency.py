"""The latency benchmark: what a user waits for when every request takes 50 ms on the wire.

Run: ``nox -s bench_latency`` (or ``python bench/latency.py [--quick] [--rounds N]``).
Prints a table and writes ``bench/results-latency.json``.

Where users wait is the network, not the CPU: a listing of 10,000 jobs is ten round trips,
every status of five queues is 35.  This benchmark puts a real HTTP endpoint on the
loopback interface, in a process of its own, that answers every request after 50 ms
(``bench/_loopback.py``: why a real server and not a replay with a sleep is said there),
and times four things a user does, each written the way the library's documentation shows
it -- raw boto3 with its paginator, sequentially; batchkit as its README shows:

(a) one queue of 10,000 jobs, listed to the end (``list_jobs(queue, status=...)`` against
    the ``list_jobs`` paginator);
(b) every status of five queues (``list_jobs([q1..q5], status="ALL")`` against, for each
    queue and each of the seven statuses, its paginator);
(c) full details of a 5,000-job listing (``describe_jobs(list_jobs(...))`` with its default
    ``max_workers`` and with 8, against listing the ids then ``describe_jobs`` 100 at a
    time);
(d) one poll of a 10,000-job watch (one ``watch`` poll: its first 10,000 events, against
    ``describe_jobs`` of the 10,000 ids 100 a request, as a poll loop's body).

Both sides: the same endpoint and data, the same botocore ``Config`` (``_measure.RETRIES``,
checked), boto3's real HTTP stack (urllib3, keep-alive, ``max_pool_connections``), clients
made once and warmed up once.  The runs are **interleaved** (the order reversed every
round), every figure is the median over the rounds with its spread (min-max), the process
holds the same 600k-object live heap as ``run.py`` with the garbage collector as found, and
the load average is recorded.  The endpoint counts the requests each run made and how many
were in flight at once: what overlaps is visible, not inferred.

Targets (issue 24, wall time, batchkit's speed-up over raw boto3): (b) >= 5x, (a) >= 1.3x,
(c) >= 3x, (d) >= 4x.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _data import STATUSES, job_id  # noqa: E402
from _measure import check_same_config, config, live_heap, load, machine, spread  # noqa: E402

#: Credentials and region as a user's environment gives them to both sides (and no shared
#: config file: a developer's ~/.aws/config could change the retry mode).
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "k",
    "AWS_SECRET_ACCESS_KEY": "s",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    # the endpoint is local: a proxy from the environment must not carry its requests
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}

#: The five queues of (b), and how 1,000 jobs of each spread over the statuses (newest
#: first: what waits or runs is recent, what finished is older).
QUEUES = ("etl-1", "etl-2", "etl-3", "etl-4", "etl-5")
MIX = {
    "SUBMITTED": 10,
    "PENDING": 5,
    "RUNNABLE": 50,
    "STARTING": 5,
    "RUNNING": 80,
    "FAILED": 150,
    "SUCCEEDED": 700,
}
#: Where each scenario's items start in ``bench/_data.py``'s numbering (ids never collide).
BIG, MIXED, FAILED, WATCHED = 0, 100_000, 200_000, 300_000


@dataclass(frozen=True)
class Sizes:
    """How big each scenario is (the issue's, or ``--quick``'s)."""

    latency: float = 0.05
    one_queue: int = 10_000
    per_queue: int = 1_000
    describe: int = 5_000
    watch: int = 10_000
    heap: int = 200_000  # 3 tracked objects each: 600k
    rounds: int = 7


QUICK = Sizes(
    latency=0.01, one_queue=1_500, per_queue=60, describe=250, watch=250, heap=20_000, rounds=1
)


def spec(sizes: Sizes) -> dict[str, Any]:
    """The endpoint's account (``_loopback.Account``'s spec)."""
    queues: dict[str, list[list[Any]]] = {"big": [[BIG, sizes.one_queue, "SUCCEEDED"]]}
    for k, queue in enumerate(QUEUES):
        first = MIXED + k * 10_000
        blocks = []
        for status, share in MIX.items():
            n = round(sizes.per_queue * share / 1000)
            blocks.append([first, n, status])
            first += n
        queues[queue] = blocks
    queues["failed"] = [[FAILED, sizes.describe, "FAILED"]]
    details = [[FAILED, sizes.describe, "FAILED"], [WATCHED, sizes.watch, "RUNNING"]]
    return {"queues": queues, "details": details}


class Endpoint:
    """The loopback endpoint's process: its URL and its request counts."""

    def __init__(self, url: str) -> None:
        self.url = url

    def stats(self, reset: bool = False) -> dict[str, Any]:
        path = "/_stats?reset=1" if reset else "/_stats"
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            stats: dict[str, Any] = json.loads(response.read())
        return stats


@contextmanager
def endpoint(sizes: Sizes) -> Iterator[Endpoint]:
    """Start ``_loopback.py`` (building its data takes a few seconds), stop it after."""
    command = [
        sys.executable,
        str(HERE / "_loopback.py"),
        "--latency",
        str(sizes.latency),
        "--spec",
        json.dumps(spec(sizes)),
    ]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as server:
        assert server.stdin is not None
        assert server.stdout is not None
        try:
            line = server.stdout.readline()
            if not line.strip().isdigit():
                raise RuntimeError(f"the loopback endpoint did not start (it said {line!r})")
            port = int(line)
            yield Endpoint(f"http://127.0.0.1:{port}")
        finally:
            server.stdin.close()  # the server's signal to stop
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()  # our own child, by its handle


# ------------------------------------------------------------------------ timing


def measure(
    name: str,
    sides: dict[str, Callable[[], int]],
    rounds: int,
    where: Endpoint,
) -> dict[str, Any]:
    """Each side ``rounds`` times, interleaved (the order reversed every other round),
    after one warm-up each: wall and CPU seconds, requests made, most requests in flight,
    and per round the ratio of raw boto3's wall time to each batchkit variant's."""
    loads = [load()]
    for work in sides.values():
        work()  # warm up: connections opened, validators built, as in a running program
    wall: dict[str, list[float]] = {side: [] for side in sides}
    cpu: dict[str, list[float]] = {side: [] for side in sides}
    requests: dict[str, set[int]] = {side: set() for side in sides}
    in_flight: dict[str, list[int]] = {side: [] for side in sides}
    counts: set[int] = set()
    order = list(sides.items())
    for round_ in range(rounds):
        for side, work in order if round_ % 2 == 0 else order[::-1]:
            where.stats(reset=True)
            start, start_cpu = time.perf_counter(), time.process_time()
            counts.add(work())
            wall[side].append(time.perf_counter() - start)
            cpu[side].append(time.process_time() - start_cpu)
            stats = where.stats()
            requests[side].add(sum(stats["requests"].values()))
            in_flight[side].append(stats["max_in_flight"])
    assert len(counts) == 1, (name, counts)
    raw = next(iter(sides))
    rows = {}
    for side in sides:
        row: dict[str, Any] = {
            "wall_s": spread(wall[side], 3),
            "cpu_s": round(statistics.median(cpu[side]), 3),
            "requests": sorted(requests[side]),
            "max_in_flight": max(in_flight[side]),
        }
        if side != raw:
            ratios = [r / t for r, t in zip(wall[raw], wall[side], strict=True)]
            row["ratio"] = spread(ratios)
        rows[side] = row
    return {
        "benchmark": name,
        "items": counts.pop(),
        "rounds": rounds,
        "sides": rows,
        "load": [*loads, load()],
    }


# ------------------------------------------------------------------------ the four


def scenarios(raw: Any, batch: Any, sizes: Sizes) -> dict[str, dict[str, Callable[[], int]]]:
    """The four workloads, raw boto3 first (the ratios' reference), then batchkit's."""
    from batchkit import ALL_STATUSES

    watched = [job_id(i) for i in range(WATCHED, WATCHED + sizes.watch)]

    def raw_one_queue() -> int:
        count = 0
        paginator = raw.get_paginator("list_jobs")
        for page in paginator.paginate(jobQueue="big", jobStatus="SUCCEEDED"):
            for _job in page["jobSummaryList"]:
                count += 1
        return count

    def batchkit_one_queue() -> int:
        count = 0
        for _job in batch.list_jobs("big", status="SUCCEEDED"):
            count += 1
        return count

    def raw_every_status() -> int:
        jobs: list[dict[str, Any]] = []
        paginator = raw.get_paginator("list_jobs")
        for queue in QUEUES:
            for status in STATUSES:
                for page in paginator.paginate(jobQueue=queue, jobStatus=status):
                    jobs.extend(page["jobSummaryList"])
        return len(jobs)

    def batchkit_every_status() -> int:
        return len(batch.list_jobs(list(QUEUES), status=ALL_STATUSES).to_list())

    def raw_describe_listing() -> int:
        paginator = raw.get_paginator("list_jobs")
        ids = [
            job["jobId"]
            for page in paginator.paginate(jobQueue="failed", jobStatus="FAILED")
            for job in page["jobSummaryList"]
        ]
        count = 0
        for start in range(0, len(ids), 100):
            for _job in raw.describe_jobs(jobs=ids[start : start + 100])["jobs"]:
                count += 1
        return count

    def batchkit_describe_listing(workers: int | None) -> Callable[[], int]:
        def work() -> int:
            listing = batch.list_jobs("failed", status="FAILED")
            options = {} if workers is None else {"max_workers": workers}
            with batch.describe_jobs(listing, **options) as details:
                return sum(1 for _job in details)

        return work

    def raw_watch_poll() -> int:
        previous: dict[str, str] = {}  # the poll before (the first poll: none)
        statuses: dict[str, str] = {}
        for start in range(0, len(watched), 100):
            for job in raw.describe_jobs(jobs=watched[start : start + 100])["jobs"]:
                statuses[job["jobId"]] = job["status"]
        return len([i for i, status in statuses.items() if previous.get(i) != status])

    def batchkit_watch_poll(workers: int | None) -> Callable[[], int]:
        def work() -> int:
            options = {} if workers is None else {"max_workers": workers}
            with batch.watch(watched, **options) as changes:
                # the first poll reports every job (first seen); the watch then waits
                return sum(1 for _change in islice(changes, len(watched)))

        return work

    return {
        f"(a) one queue, {sizes.one_queue:,} jobs, listed to the end": {
            "raw boto3": raw_one_queue,
            "batchkit": batchkit_one_queue,
        },
        f"(b) every status of five queues ({len(QUEUES)} x {sizes.per_queue:,} jobs)": {
            "raw boto3": raw_every_status,
            "batchkit": batchkit_every_status,
        },
        f"(c) details of a {sizes.describe:,}-job listing": {
            "raw boto3": raw_describe_listing,
            "batchkit": batchkit_describe_listing(None),
            "batchkit max_workers=8": batchkit_describe_listing(8),
        },
        f"(d) one poll of a {sizes.watch:,}-job watch": {
            "raw boto3": raw_watch_poll,
            "batchkit": batchkit_watch_poll(None),
            "batchkit max_workers=8": batchkit_watch_poll(8),
        },
    }


#: Issue 24's targets: scenario letter -> the speed-up batchkit should reach.
TARGETS = {"(a)": 1.3, "(b)": 5.0, "(c)": 3.0, "(d)": 4.0}


def targets_of(rows: list[dict[str, Any]]) -> dict[str, bool]:
    """Each target judged on batchkit as written without options (and, where the row has
    one, with ``max_workers=8`` too)."""
    out = {}
    for row in rows:
        letter = row["benchmark"][:3]
        goal = TARGETS[letter]
        for side, figures in row["sides"].items():
            if "ratio" in figures:
                out[f"{letter} {side} >= {goal}x raw boto3"] = figures["ratio"]["median"] >= goal
    return out


def run(sizes: Sizes) -> dict[str, Any]:
    """Every scenario against one endpoint, with the live heap held."""
    import boto3

    from batchkit import BatchClient

    os.environ.update(AWS_ENV)
    heap = live_heap(sizes.heap)
    try:
        with endpoint(sizes) as where:
            raw = boto3.client("batch", endpoint_url=where.url, config=config())
            with BatchClient(endpoint_url=where.url, config=config()) as batch:
                check_same_config(raw, batch.client)
                rows = [
                    measure(name, sides, sizes.rounds, where)
                    for name, sides in scenarios(raw, batch, sizes).items()
                ]
            raw.close()
    finally:
        del heap
    return {
        "python": sys.version.split()[0],
        "machine": machine(),
        "boto3": boto3.__version__,
        "sizes": asdict(sizes),
        "gc": {"enabled": gc.isenabled(), "thresholds": list(gc.get_threshold())},
        "retries": config().retries,
        "latency": rows,
        "targets": targets_of(rows),
    }


def report(results: dict[str, Any]) -> None:
    """Print the results as a table."""
    sizes = results["sizes"]
    print(
        f"latency benchmark: every request {sizes['latency'] * 1000:.0f} ms on the wire "
        f"(python {results['python']}, boto3 {results['boto3']}, retries {results['retries']} "
        f"on both sides, {sizes['heap'] * 3:,}-object live heap), {sizes['rounds']} "
        "interleaved rounds\n"
    )
    header = f"{'':<26}{'wall s (min-max)':<22}{'cpu s':>7}{'requests':>10}{'in flight':>11}"
    for row in results["latency"]:
        print(f"{row['benchmark']}  [load {row['load']}]")
        print(f"{header}  speed-up (min-max)")
        for side, figures in row["sides"].items():
            w = figures["wall_s"]
            ratio = figures.get("ratio")
            speedup = (
                f"{ratio['median']:.2f}x ({ratio['min']:.2f}-{ratio['max']:.2f})" if ratio else ""
            )
            requests = "/".join(str(n) for n in figures["requests"])
            print(
                f"  {side:<24}{w['median']:>6.3f} ({w['min']:.3f}-{w['max']:.3f})  "
                f"{figures['cpu_s']:>7.3f}{requests:>10}{figures['max_in_flight']:>11}  {speedup}"
            )
        print()
    print("targets:")
    for name, ok in results["targets"].items():
        print(f"  {'met    ' if ok else 'MISSED '} {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 10 ms, 1 round")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 7)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else Sizes()
    if args.rounds is not None:
        sizes = Sizes(**(asdict(sizes) | {"rounds": args.rounds}))
    results = run(sizes)
    report(results)
    if not args.quick:
        out = HERE / "results-latency.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
