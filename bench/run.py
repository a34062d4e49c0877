"""batchkit's benchmarks: ratios against raw boto3 on identical responses, in one run.

Run: ``nox -s bench`` (or ``python bench/run.py [--quick]``).  Prints a table and writes
``bench/results.json``.  Both sides get the same HTTP response bytes, replayed at botocore's
``before-send`` event (``bench/_replay.py``), so what is compared is everything from the
serialized request on: botocore's signing, retry handler, parsing (and, for batchkit,
validation into models) and the pagination loop.

How (issue 13): raw and batchkit runs are **interleaved** (the order alternates each
round), each figure is the median of the per-round ratios with their spread (min-max), and
the process holds a realistic **live heap** (600k small tracked objects) with the garbage
collector as a user's process has it (enabled, default thresholds).

Targets: ListJobs and ListServiceJobs >= 1.8x raw boto3, DescribeJobs >= 2.0x, S3 Control
ListJobs >= 3.0x; the first typed ListJobs item in a fresh process <= 1.25x raw boto3's;
memory per JobSummary <= 1.5x botocore's dict; ``import batchkit`` <= 1.3x ``import
boto3``; peak RSS growth from 10k to 1M items < 20 MB; range-query requests <=
ceil(matches / 100) + 1; describe with 8 workers >= 5x sequential at 50 ms latency.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import boto3

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _replay import replay  # noqa: E402

from batchkit import BatchClient, JobFilter, S3BatchOperationsClient  # noqa: E402
from batchkit.testing import FakeAWS  # noqa: E402

T0 = 1_763_000_000_000  # epoch ms
#: ``--no-gc-pause``: batchkit's clients validate pages without deferring gc (gc_pause=False).
GC_PAUSE = True
ACCOUNT = "123456789012"


# ------------------------------------------------------------------------ data


def summary(i: int) -> dict[str, Any]:
    return {
        "jobArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:job/{i:08d}-5c1e-4b3a-9f1e-2a6b7c8d9e0f",
        "jobId": f"{i:08d}-5c1e-4b3a-9f1e-2a6b7c8d9e0f",
        "jobName": f"train-resnet-{i % 17}",
        "createdAt": T0 - i * 60_000,
        "status": "FAILED" if i % 9 == 0 else "SUCCEEDED",
        "statusReason": "Essential container in task exited",
        "startedAt": T0 - i * 60_000 + 30_000,
        "stoppedAt": T0 - i * 60_000 + 330_000,
        "container": {"exitCode": 1 if i % 9 == 0 else 0},
        "jobDefinition": f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/train:{i % 4 + 1}",
        "shareIdentifier": "team-vision",
    }


def detail(i: int) -> dict[str, Any]:
    """A full, realistic DescribeJobs item (about 1.3 KB of JSON)."""
    base = summary(i)
    log_stream = f"train/default/{base['jobId']}"
    container = {
        "image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/train:2026.11.{i % 30}",
        "command": ["python", "-m", "train", "--epochs", "10", f"--seed={i}"],
        "jobRoleArn": f"arn:aws:iam::{ACCOUNT}:role/batch-job",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/batch-exec",
        "volumes": [{"name": "scratch", "host": {"sourcePath": "/scratch"}}],
        "environment": [{"name": f"VAR_{k}", "value": f"value-{k}-{i}"} for k in range(6)],
        "mountPoints": [
            {"containerPath": "/scratch", "readOnly": False, "sourceVolume": "scratch"}
        ],
        "ulimits": [{"hardLimit": 65535, "name": "nofile", "softLimit": 65535}],
        "exitCode": base["container"]["exitCode"],
        "containerInstanceArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:container-instance/{i:08x}",
        "taskArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/batch/{i:032x}",
        "logStreamName": log_stream,
        "networkInterfaces": [{"attachmentId": f"eni-{i:08x}", "privateIpv4Address": "10.0.3.7"}],
        "resourceRequirements": [
            {"value": "4", "type": "VCPU"},
            {"value": "16384", "type": "MEMORY"},
        ],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/aws/batch/job"},
        },
    }
    attempt = {
        "container": {
            "containerInstanceArn": container["containerInstanceArn"],
            "taskArn": container["taskArn"],
            "exitCode": container["exitCode"],
            "logStreamName": log_stream,
            "networkInterfaces": container["networkInterfaces"],
        },
        "startedAt": base["startedAt"],
        "stoppedAt": base["stoppedAt"],
        "statusReason": base["statusReason"],
    }
    return {
        "jobArn": base["jobArn"],
        "jobName": base["jobName"],
        "jobId": base["jobId"],
        "jobQueue": f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/cpu-spot",
        "status": base["status"],
        "shareIdentifier": "team-vision",
        "schedulingPriority": 10,
        "attempts": [attempt],
        "statusReason": base["statusReason"],
        "createdAt": base["createdAt"],
        "retryStrategy": {
            "attempts": 2,
            "evaluateOnExit": [{"onExitCode": "137", "action": "RETRY"}],
        },
        "startedAt": base["startedAt"],
        "stoppedAt": base["stoppedAt"],
        "dependsOn": [],
        "jobDefinition": base["jobDefinition"],
        "parameters": {"dataset": "s3://bucket/imagenet", "lr": "0.1"},
        "container": container,
        "timeout": {"attemptDurationSeconds": 86400},
        "tags": {"team": "vision", "cost-center": "1234"},
        "propagateTags": True,
        "platformCapabilities": ["EC2"],
    }


def service_summary(i: int) -> dict[str, Any]:
    return {
        "latestAttempt": {
            "serviceResourceId": {
                "name": "TrainingJobArn",
                "value": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/sm-{i}",
            }
        },
        "capacityUsage": [{"capacityUnit": "NUM_INSTANCES", "quantity": 2.0}],
        "createdAt": T0 - i * 60_000,
        "jobArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:service-job/{i:08d}",
        "jobId": f"{i:08d}",
        "jobName": f"sm-train-{i}",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "shareIdentifier": "team-nlp",
        "status": "SUCCEEDED",
        "startedAt": T0 - i * 60_000 + 60_000,
        "stoppedAt": T0 - i * 60_000 + 600_000,
    }


S3_T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
_S3_NS = "http://awss3control.amazonaws.com/doc/2018-08-20/"


def s3_job_xml(i: int) -> str:
    """One ``<member>`` of an S3 Control ListJobs response, as AWS writes it."""
    created = S3_T0 - timedelta(minutes=i, milliseconds=i % 1000)
    stamp = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    ended = ""
    status = "Active"
    if i % 3:
        status = "Complete"
        end = (created + timedelta(hours=1)).isoformat(timespec="milliseconds")
        ended = f"<TerminationDate>{end.replace('+00:00', 'Z')}</TerminationDate>"
    return (
        f"<member><JobId>{i:08x}-0c2d-4e1f-9a7b-6c5d4e3f2a1b</JobId>"
        f"<Description>{escape(f'nightly copy {i} & verify')}</Description>"
        f"<Operation>S3PutObjectCopy</Operation><Priority>{i % 100}</Priority>"
        f"<Status>{status}</Status><CreationTime>{stamp}</CreationTime>{ended}"
        "<ProgressSummary><TotalNumberOfTasks>1000</TotalNumberOfTasks>"
        f"<NumberOfTasksSucceeded>{i % 1000}</NumberOfTasksSucceeded>"
        "<NumberOfTasksFailed>0</NumberOfTasksFailed>"
        "<Timers><ElapsedTimeInActiveSeconds>3600</ElapsedTimeInActiveSeconds></Timers>"
        "</ProgressSummary></member>"
    )


def s3_pages(n: int, size: int = 100) -> dict[str | None, bytes]:
    """S3 Control ListJobs XML bodies keyed by the token that asks for them."""
    bodies: dict[str | None, bytes] = {}
    for start in range(0, n, size):
        jobs = "".join(s3_job_xml(i) for i in range(start, min(start + size, n)))
        token = f"<NextToken>p{start + size}</NextToken>" if start + size < n else ""
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<ListJobsResult xmlns="{_S3_NS}"><Jobs>{jobs}</Jobs>{token}</ListJobsResult>'
        )
        bodies[None if start == 0 else f"p{start}"] = body.encode()
    return bodies


# ------------------------------------------------------------------------ clients


def raw_client(service: str) -> Any:
    factory: Any = boto3.client
    return factory(
        service, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


def paged_bodies(
    items: list[dict[str, Any]], key: str, token_key: str, size: int = 100
) -> dict[str | None, bytes]:
    """JSON page bodies keyed by the token that asks for them (None: the first)."""
    bodies: dict[str | None, bytes] = {}
    for start in range(0, len(items), size):
        page: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            page[token_key] = f"p{start + size}"
        bodies[None if start == 0 else f"p{start}"] = json.dumps(page).encode()
    return bodies


def _replayed_pair(service: str, bodies: dict[str | None, bytes]) -> tuple[Any, Any]:
    """Two boto3 clients answered with the same bytes: one raw, one for batchkit."""
    raw, typed = raw_client(service), raw_client(service)
    for client in (raw, typed):
        replay(client, lambda _op, key: bodies[key])
    return raw, typed


# ------------------------------------------------------------------------ the heap


def live_heap(n: int = 200_000) -> list[Any]:
    """What a real program holds while it lists jobs: ``3 * n`` small tracked objects
    (a dict, a list and a tuple each), so every full collection has a heap to walk."""
    return [{"id": i, "tags": [i], "pair": (i, str(i))} for i in range(n)]


# ------------------------------------------------------------------------ timing


def compare(
    name: str, raw: Callable[[], int], typed: Callable[[], int], rounds: int
) -> dict[str, Any]:
    """Run raw and typed ``rounds`` times each, interleaved (alternating which goes first),
    after one warm-up each; the ratio of every round and their median and spread."""
    typed()  # warm up: builds the validators once, as any long-running program would
    raw()
    raw_times: list[float] = []
    typed_times: list[float] = []
    counts: set[tuple[int, int]] = set()
    for round_ in range(rounds):
        order = [(raw, raw_times), (typed, typed_times)]
        n = [0, 0]
        for index, (work, times) in enumerate(order if round_ % 2 == 0 else order[::-1]):
            start = time.perf_counter()
            n[index] = work()
            times.append(time.perf_counter() - start)
        counts.add((n[0], n[1]))
    assert len(counts) == 1, (name, counts)
    raw_n, typed_n = counts.pop()
    assert raw_n == typed_n, (name, raw_n, typed_n)
    items = raw_n
    ratios = [r / t for r, t in zip(raw_times, typed_times, strict=True)]
    return {
        "benchmark": name,
        "items": items,
        "rounds": rounds,
        "raw_boto3_items_per_s": round(items / statistics.median(raw_times)),
        "batchkit_items_per_s": round(items / statistics.median(typed_times)),
        "ratio": round(statistics.median(ratios), 2),
        "ratio_min": round(min(ratios), 2),
        "ratio_max": round(max(ratios), 2),
    }


# ------------------------------------------------------------------------ throughput


def _bench_batch_listing(
    rounds: int,
    name: str,
    items: list[dict[str, Any]],
    operation: str,
    request: dict[str, Any],
    size: int = 100,
) -> dict[str, Any]:
    """A Batch listing read through boto3's paginator (dicts) and through batchkit (models),
    the service sending ``size`` items a page."""
    raw, typed = _replayed_pair(
        "batch", paged_bodies(items, "jobSummaryList", "nextToken", size=size)
    )
    batch = BatchClient(typed, gc_pause=GC_PAUSE)
    status = request.get("jobStatus")
    listing = batch.list_jobs if operation == "list_jobs" else batch.list_service_jobs

    def raw_work() -> int:
        pages = raw.get_paginator(operation).paginate(**request)
        return sum(1 for page in pages for _item in page["jobSummaryList"])

    def typed_work() -> int:
        return sum(1 for _job in listing(request["jobQueue"], status=status))

    return compare(name, raw_work, typed_work, rounds)


def bench_list_jobs(rounds: int, n: int, size: int = 100) -> dict[str, Any]:
    """ListJobs by status.  ``size=100`` is the issue's figure (and a filtered listing's
    page); AWS answers a listing by status *without* ``maxResults`` -- raw boto3's paginator
    and batchkit alike -- with up to 1,000 jobs a page, hence the second row."""
    return _bench_batch_listing(
        rounds,
        f"ListJobs, {n:,} jobs ({n // size} pages of {size:,})",
        [summary(i) for i in range(n)],
        "list_jobs",
        {"jobQueue": "q", "jobStatus": "SUCCEEDED"},
        size,
    )


def bench_list_service_jobs(rounds: int, n: int) -> dict[str, Any]:
    return _bench_batch_listing(
        rounds,
        f"ListServiceJobs, {n:,} jobs ({n // 100} pages)",
        [service_summary(i) for i in range(n)],
        "list_service_jobs",
        {"jobQueue": "q"},
    )


def bench_describe(rounds: int, n: int) -> dict[str, Any]:
    details = [detail(i) for i in range(n)]
    ids = [d["jobId"] for d in details]
    bodies: dict[str | None, bytes] = {
        ids[i]: json.dumps({"jobs": details[i : i + 100]}).encode() for i in range(0, n, 100)
    }
    raw, typed = _replayed_pair("batch", bodies)
    batch = BatchClient(typed, gc_pause=GC_PAUSE)

    def raw_work() -> int:
        return sum(
            len(raw.describe_jobs(jobs=ids[i : i + 100])["jobs"]) for i in range(0, len(ids), 100)
        )

    def typed_work() -> int:
        return sum(1 for _job in batch.describe_jobs(ids))

    size = len(bodies[ids[0]])
    return compare(
        f"DescribeJobs, {n:,} full jobs ({size // 1000} KB / 100)", raw_work, typed_work, rounds
    )


def bench_s3(rounds: int, n: int) -> dict[str, Any]:
    raw, typed = _replayed_pair("s3control", s3_pages(n))
    s3 = S3BatchOperationsClient(ACCOUNT, typed, gc_pause=GC_PAUSE)

    def raw_work() -> int:
        count, token = 0, None
        while True:
            kwargs: dict[str, Any] = {"AccountId": ACCOUNT, "MaxResults": 100}
            if token:
                kwargs["NextToken"] = token
            page = raw.list_jobs(**kwargs)
            count += len(page["Jobs"])
            token = page.get("NextToken")
            if not token:
                return count

    def typed_work() -> int:
        return sum(1 for _job in s3.list_jobs(page_size=100))

    return compare(f"S3 Control ListJobs, {n:,} jobs (XML)", raw_work, typed_work, rounds)


# ------------------------------------------------------------------------ fresh process

_FIRST_ITEM_CHILD = """
import json, sys, time
sys.path.insert(0, {here!r})
from _replay import replay
page = json.dumps({{"jobSummaryList": {page}, "nextToken": "p100"}}).encode()
import boto3
client = boto3.client("batch", region_name="us-east-1", aws_access_key_id="k",
                      aws_secret_access_key="s")
replay(client, lambda _op, _key: page)
if sys.argv[1] == "raw":
    pages = client.get_paginator("list_jobs").paginate(jobQueue="q", jobStatus="SUCCEEDED")
    first = next(iter(pages))["jobSummaryList"][0]
else:
    from batchkit import BatchClient
    first = BatchClient(client).list_jobs("q", status="SUCCEEDED").first()
assert first is not None
"""


def bench_first_item(rounds: int) -> dict[str, Any]:
    """Wall time of a fresh interpreter that imports, makes a client and reads the first
    ListJobs item: raw boto3 (a dict) vs batchkit (a JobSummary), interleaved."""
    script = _FIRST_ITEM_CHILD.format(here=str(HERE), page=[summary(i) for i in range(100)])

    def run(side: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, side], check=True)
        return time.perf_counter() - start

    raw_s: list[float] = []
    typed_s: list[float] = []
    run("raw"), run("batchkit")  # warm the OS file cache
    for round_ in range(rounds):
        for side in ("raw", "batchkit") if round_ % 2 == 0 else ("batchkit", "raw"):
            (raw_s if side == "raw" else typed_s).append(run(side))
    ratios = [t / r for r, t in zip(raw_s, typed_s, strict=True)]
    return {
        "benchmark": "first typed ListJobs item, fresh process (lower is better)",
        "raw_boto3_s": round(statistics.median(raw_s), 3),
        "batchkit_s": round(statistics.median(typed_s), 3),
        "rounds": rounds,
        "ratio": round(statistics.median(ratios), 2),
        "ratio_min": round(min(ratios), 2),
        "ratio_max": round(max(ratios), 2),
    }


# ------------------------------------------------------------------------ memory


def _retained(make: Callable[[], list[Any]]) -> tuple[int, list[Any]]:
    """Bytes allocated by ``make()`` and still alive once it returns (the list excluded)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        items = make()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before - sys.getsizeof(items), items


def bench_memory_per_item(n: int) -> dict[str, Any]:
    """Memory held per JobSummary vs per botocore dict, for the same ``n`` items."""
    raw, typed = _replayed_pair(
        "batch", paged_bodies([summary(i) for i in range(n)], "jobSummaryList", "nextToken")
    )
    batch = BatchClient(typed)

    def raw_items() -> list[Any]:
        pages = raw.get_paginator("list_jobs").paginate(jobQueue="q", jobStatus="SUCCEEDED")
        return [item for page in pages for item in page["jobSummaryList"]]

    def typed_items() -> list[Any]:
        return batch.list_jobs("q", status="SUCCEEDED").to_list()

    raw_items(), typed_items()  # warm up (validators, botocore's caches)
    raw_bytes, kept_raw = _retained(raw_items)
    typed_bytes, kept_typed = _retained(typed_items)
    assert len(kept_raw) == len(kept_typed) == n
    return {
        "benchmark": f"memory held per item, {n:,} ListJobs items",
        "raw_boto3_bytes": round(raw_bytes / n),
        "batchkit_bytes": round(typed_bytes / n),
        "ratio": round(typed_bytes / raw_bytes, 2),
    }


def bench_import(rounds: int) -> list[dict[str, Any]]:
    def median_of(statement: str) -> float:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], check=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    boto3_s = median_of("import boto3")
    rows = []
    for statement in ("import batchkit", "from batchkit import BatchClient, JobFilter"):
        seconds = median_of(statement)
        rows.append(
            {
                "benchmark": f"`{statement}` vs `import boto3`",
                "batchkit_s": round(seconds, 3),
                "raw_boto3_s": round(boto3_s, 3),
                "ratio": round(seconds / boto3_s, 2),
            }
        )
    first_use = median_of("from batchkit import BatchClient; BatchClient(region_name='us-east-1')")
    boto3_use = median_of("import boto3; boto3.client('batch', region_name='us-east-1')")
    rows.append(
        {
            "benchmark": "first client: BatchClient() vs boto3.client('batch')",
            "batchkit_s": round(first_use, 3),
            "raw_boto3_s": round(boto3_use, 3),
            "ratio": round(first_use / boto3_use, 2),
        }
    )
    return rows


_MEMORY_CHILD = """
import json, resource, sys
sys.path.insert(0, {here!r})
from run import raw_client, replay, summary
from batchkit import BatchClient
n = int(sys.argv[1])
page = [summary(i) for i in range(100)]
def answer(_op, token):
    start = int(token or "0")
    body = {{"jobSummaryList": page}}
    if start + 100 < n:
        body["nextToken"] = str(start + 100)
    return json.dumps(body).encode()
client = raw_client("batch")
replay(client, answer)
count = sum(1 for _ in BatchClient(client).list_jobs("q", status="SUCCEEDED"))
assert count == n, count
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_memory(big: int) -> dict[str, Any]:
    def peak_kb(n: int) -> int:
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_CHILD.format(here=str(HERE)), str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        return int(out.stdout.strip())

    small_kb, big_kb = peak_kb(10_000), peak_kb(big)
    return {
        "benchmark": f"peak RSS iterating {big:,} vs 10,000 JobSummary",
        "rss_10k_mb": round(small_kb / 1024, 1),
        "rss_big_mb": round(big_kb / 1024, 1),
        "growth_mb": round((big_kb - small_kb) / 1024, 1),
    }


def bench_range(queue_size: int) -> dict[str, Any]:
    fake = FakeAWS()
    now = datetime(2026, 11, 20, tzinfo=timezone.utc)
    for i in range(queue_size):
        fake.add_job(
            "big", job_name=f"j{i % 50}", status="SUCCEEDED", created_at=now - timedelta(minutes=i)
        )
    batch = fake.batch_client()
    matches_wanted = queue_size // 100
    middle = queue_size // 2  # the range sits halfway down the (newest-first) queue
    start = now - timedelta(minutes=middle + matches_wanted)
    end = now - timedelta(minutes=middle)
    pager = batch.list_jobs("big", filter=JobFilter.created_between(start, end))
    matches = sum(1 for _ in pager)
    full = batch.list_jobs("big", filter=JobFilter.created_before(now + timedelta(days=1)))
    total = sum(1 for _ in full)
    return {
        "benchmark": f"created-at range touching 1% of a {queue_size:,}-job queue",
        "matches": matches,
        "range_requests": pager.requests_made,
        "bound": math.ceil(matches / 100) + 1,
        "full_listing_requests": full.requests_made,
        "full_listing_items": total,
    }


def bench_concurrency(n: int, latency: float) -> dict[str, Any]:
    fake = FakeAWS()
    ids = [fake.add_job("q", job_name=f"j{i}", status="SUCCEEDED").job_id for i in range(n)]
    fake.set_latency(latency, "DescribeJobs")
    batch = fake.batch_client()

    def run(workers: int) -> float:
        start = time.perf_counter()
        count = sum(1 for _ in batch.describe_jobs(ids, max_workers=workers))
        assert count == n
        return time.perf_counter() - start

    sequential, concurrent = run(1), run(8)
    return {
        "benchmark": f"describe_jobs of {n:,} ids at {latency * 1000:.0f} ms latency",
        "sequential_s": round(sequential, 2),
        "max_workers_8_s": round(concurrent, 2),
        "speedup": round(sequential / concurrent, 1),
    }


def throughput(rounds: int, quick: bool) -> list[dict[str, Any]]:
    """The four throughput figures, measured while the process holds a live heap."""
    heap = live_heap(20_000 if quick else 200_000)
    try:
        return [
            bench_list_jobs(rounds, 1_000 if quick else 10_000),
            bench_list_service_jobs(rounds, 1_000 if quick else 10_000),
            bench_describe(rounds, 200 if quick else 2_000),
            bench_s3(rounds, 300 if quick else 2_000),
            bench_list_jobs(rounds, 2_000 if quick else 10_000, size=1_000),
        ]
    finally:
        del heap


def _row(row: dict[str, Any]) -> str:
    spread = f"{row['ratio_min']:.2f}-{row['ratio_max']:.2f}"
    return f"{row['ratio']:>7.2f}x  ({spread})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--only", choices=["throughput"], help="run only these figures")
    parser.add_argument(
        "--no-gc-pause", action="store_true", help="batchkit clients with gc_pause=False"
    )
    args = parser.parse_args(argv)
    global GC_PAUSE
    GC_PAUSE = not args.no_gc_pause
    quick = args.quick
    rounds = 3 if quick else 11
    results: dict[str, Any] = {
        "python": sys.version.split()[0],
        "boto3": boto3.__version__,
        "gc": {"enabled": gc.isenabled(), "thresholds": list(gc.get_threshold())},
        "gc_pause": GC_PAUSE,
        "throughput": throughput(rounds, quick),
    }
    if args.only is None:
        results |= {
            "first_item": bench_first_item(3 if quick else 9),
            "memory_per_item": bench_memory_per_item(1_000 if quick else 10_000),
            "import": bench_import(3 if quick else 9),
            "memory": bench_memory(50_000 if quick else 1_000_000),
            "range": bench_range(10_000 if quick else 100_000),
            "concurrency": bench_concurrency(1_000 if quick else 10_000, 0.05),
        }
    list_jobs, service_jobs, describe, s3, _default_pages = results["throughput"]
    targets = {
        "ListJobs (100 a page) >= 1.8x": list_jobs["ratio"] >= 1.8,
        "ListServiceJobs >= 1.8x": service_jobs["ratio"] >= 1.8,
        "DescribeJobs >= 2.0x": describe["ratio"] >= 2.0,
        "S3 Control ListJobs >= 3.0x": s3["ratio"] >= 3.0,
    }
    if args.only is None:
        targets |= {
            "first typed item <= 1.25x raw": results["first_item"]["ratio"] <= 1.25,
            "memory per JobSummary <= 1.5x dict": results["memory_per_item"]["ratio"] <= 1.5,
            "import batchkit <= 1.3x import boto3": results["import"][0]["ratio"] <= 1.3,
            "RSS growth 10k -> 1M < 20 MB": results["memory"]["growth_mb"] < 20,
            "range requests <= ceil(matches/100) + 1": results["range"]["range_requests"]
            <= results["range"]["bound"],
            "describe 8 workers >= 5x sequential": results["concurrency"]["speedup"] >= 5,
        }
    results["targets"] = targets
    out_name = "results.json" if GC_PAUSE else "results-no-gc-pause.json"
    (HERE / out_name).write_text(json.dumps(results, indent=2) + "\n")
    print(f"batchkit benchmarks (python {results['python']}, boto3 {results['boto3']})")
    print(f"live heap held, gc as found: {results['gc']}; gc_pause={GC_PAUSE}\n")
    title = f"throughput, median of {rounds} interleaved rounds"
    print(f"{title:<50}{'raw boto3/s':>12}{'batchkit/s':>12}{'ratio (min-max)':>23}")
    for row in results["throughput"]:
        print(
            f"{row['benchmark']:<50}{row['raw_boto3_items_per_s']:>12,}"
            f"{row['batchkit_items_per_s']:>12,}{_row(row):>23}"
        )
    if args.only is None:
        first = results["first_item"]
        print(
            f"\n{first['benchmark']}: raw {first['raw_boto3_s']} s, batchkit "
            f"{first['batchkit_s']} s:{_row(first)}"
        )
        per = results["memory_per_item"]
        print(
            f"{per['benchmark']}: raw {per['raw_boto3_bytes']} B, batchkit "
            f"{per['batchkit_bytes']} B ({per['ratio']}x)"
        )
        heading = "start-up (fresh interpreters, median)"
        print(f"\n{heading:<58}{'boto3 s':>13}{'batchkit s':>12}{'ratio':>8}")
        for row in results["import"]:
            times = f"{row['raw_boto3_s']:>13}{row['batchkit_s']:>12}"
            print(f"{row['benchmark']:<58}{times}{row['ratio']:>7}x")
        memory = results["memory"]
        print(
            f"\n{memory['benchmark']}: {memory['rss_10k_mb']} MB -> {memory['rss_big_mb']} MB "
            f"(+{memory['growth_mb']} MB)"
        )
        rng = results["range"]
        print(
            f"{rng['benchmark']}: {rng['matches']} matches in {rng['range_requests']} requests "
            f"(bound {rng['bound']}); a full listing takes {rng['full_listing_requests']}"
        )
        conc = results["concurrency"]
        print(
            f"{conc['benchmark']}: {conc['sequential_s']} s sequential, "
            f"{conc['max_workers_8_s']} s with 8 workers ({conc['speedup']}x)"
        )
    print("\ntargets:")
    for name, ok in targets.items():
        print(f"  {'met    ' if ok else 'MISSED '} {name}")
    print(f"\nwrote {HERE / out_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
