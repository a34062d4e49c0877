"""batchkit's benchmarks: ratios against raw boto3 on identical responses, in one run.

Run: ``nox -s bench`` (or ``python bench/run.py [--quick]``).  Prints a table and writes
``bench/results.json``.  Both sides get the same HTTP response bytes, replayed at botocore's
``before-send`` event, so what is compared is everything from the bytes on: botocore's
parsing (and, for batchkit, validation into models) and the pagination loop.

Targets (issue 6): typed iteration >= 1.0x raw boto3 on ListJobs and >= 2.0x on DescribeJobs;
``import batchkit`` <= 1.3x ``import boto3``; peak RSS growth from 10k to 1M items < 20 MB;
range-query requests <= ceil(matches / 100) + 1; describe with 8 workers >= 5x sequential at
50 ms latency.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3

from batchkit import BatchClient, JobFilter, S3BatchOperationsClient
from batchkit.testing import FakeAWS, RawReply, serve

HERE = Path(__file__).resolve().parent
T0 = 1_763_000_000_000  # epoch ms
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


# ------------------------------------------------------------------------ replay


def replay(client: Any, answer: Callable[[str, dict[str, Any]], bytes]) -> None:
    """Answer ``client``'s requests with precomputed bytes (the same for both sides), through
    batchkit's one wire responder (``batchkit.testing.serve``)."""
    xml = client.meta.service_model.protocol == "rest-xml"
    headers = {"Content-Type": "application/xml" if xml else "application/json"}
    serve(client, lambda operation, params: RawReply(200, answer(operation, params), headers))


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


# ------------------------------------------------------------------------ timing


def best_of(runs: int, work: Callable[[], int]) -> tuple[float, int]:
    """Median seconds of ``runs`` runs of ``work`` (which returns how many items it read)."""
    times = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        count = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def compare(
    name: str, raw: Callable[[], int], typed: Callable[[], int], runs: int
) -> dict[str, Any]:
    typed()  # warm up: builds the validators once, as any long-running program would
    raw()
    raw_s, raw_n = best_of(runs, raw)
    typed_s, typed_n = best_of(runs, typed)
    assert raw_n == typed_n, (name, raw_n, typed_n)
    return {
        "benchmark": name,
        "items": raw_n,
        "raw_boto3_items_per_s": round(raw_n / raw_s),
        "batchkit_items_per_s": round(typed_n / typed_s),
        "ratio": round(raw_s / typed_s, 2),
    }


def _replayed_pair(answer: Callable[[str, dict[str, Any]], bytes]) -> Any:
    """Two Batch clients answered with the same bytes: one raw, one under a BatchClient."""
    raw, typed = raw_client("batch"), raw_client("batch")
    replay(raw, answer)
    replay(typed, answer)
    return raw, BatchClient(typed)


def _bench_batch_listing(
    runs: int, name: str, items: list[dict[str, Any]], operation: str, request: dict[str, Any]
) -> dict[str, Any]:
    """A Batch listing read through boto3's paginator (dicts) and through batchkit (models)."""
    bodies = paged_bodies(items, "jobSummaryList", "nextToken")

    def answer(_op: str, params: dict[str, Any]) -> bytes:
        return bodies[params.get("nextToken")]

    raw, batch = _replayed_pair(answer)
    status = request.get("jobStatus")
    listing = batch.list_jobs if operation == "list_jobs" else batch.list_service_jobs

    def raw_work() -> int:
        pages = raw.get_paginator(operation).paginate(**request)
        return sum(1 for page in pages for _item in page["jobSummaryList"])

    def typed_work() -> int:
        return sum(1 for _job in listing(request["jobQueue"], status=status))

    return compare(name, raw_work, typed_work, runs)


def bench_list_jobs(runs: int, n: int) -> dict[str, Any]:
    return _bench_batch_listing(
        runs,
        f"ListJobs, {n} jobs ({n // 100} pages)",
        [summary(i) for i in range(n)],
        "list_jobs",
        {"jobQueue": "q", "jobStatus": "SUCCEEDED"},
    )


def bench_list_service_jobs(runs: int, n: int) -> dict[str, Any]:
    return _bench_batch_listing(
        runs,
        f"ListServiceJobs, {n} jobs",
        [service_summary(i) for i in range(n)],
        "list_service_jobs",
        {"jobQueue": "q"},
    )


def bench_describe(runs: int, n: int) -> dict[str, Any]:
    details = {d["jobId"]: d for d in (detail(i) for i in range(n))}
    ids = list(details)
    cache: dict[str, bytes] = {}

    def answer(_op: str, params: dict[str, Any]) -> bytes:
        key = params["jobs"][0]
        if key not in cache:
            cache[key] = json.dumps({"jobs": [details[i] for i in params["jobs"]]}).encode()
        return cache[key]

    raw, batch = _replayed_pair(answer)

    def raw_work() -> int:
        return sum(
            len(raw.describe_jobs(jobs=ids[i : i + 100])["jobs"]) for i in range(0, len(ids), 100)
        )

    def typed_work() -> int:
        return sum(1 for _job in batch.describe_jobs(ids))

    size = len(cache.get(ids[0], b"")) or len(json.dumps({"jobs": [details[i] for i in ids[:100]]}))
    result = compare(
        f"DescribeJobs, {n} full jobs ({size // 1000} KB / 100)", raw_work, typed_work, runs
    )
    return result


def bench_s3(runs: int, n: int) -> dict[str, Any]:
    fake = FakeAWS()
    for i in range(n):
        fake.add_s3_job(
            job_id=f"s3job-{i:06d}",
            created=datetime(2026, 11, 1, tzinfo=timezone.utc) - timedelta(minutes=i),
            total=1000,
            succeeded=i % 1000,
            description=f"nightly copy {i}",
        )
    # Record the fake's XML pages once; both sides replay the same bytes.
    recorder = fake.boto3_client("s3control")
    last: dict[str, bytes] = {}

    def record(response_dict: dict[str, Any], **_: Any) -> None:
        last["body"] = response_dict["body"]

    recorder.meta.events.register("before-parse", record)
    bodies: dict[str | None, bytes] = {}
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"AccountId": ACCOUNT, "MaxResults": 100}
        if token:
            kwargs["NextToken"] = token
        page = recorder.list_jobs(**kwargs)
        bodies[token] = last["body"]
        token = page.get("NextToken")
        if not token:
            break

    def answer(_op: str, params: dict[str, Any]) -> bytes:
        return bodies[params.get("NextToken")]

    raw, typed = raw_client("s3control"), raw_client("s3control")
    replay(raw, answer)
    replay(typed, answer)
    s3 = S3BatchOperationsClient(ACCOUNT, typed)

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

    return compare(f"S3 Control ListJobs, {n} jobs (XML, no fast path)", raw_work, typed_work, runs)


def bench_import(runs: int) -> list[dict[str, Any]]:
    def median_of(statement: str) -> float:
        times = []
        for _ in range(runs):
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
from run import replay, raw_client, summary
from batchkit import BatchClient
n = int(sys.argv[1])
page = [summary(i) for i in range(100)]
def answer(_op, params):
    start = int(params.get("nextToken", "0"))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = parser.parse_args(argv)
    quick = args.quick
    runs = 3 if quick else 7
    results: dict[str, Any] = {
        "python": sys.version.split()[0],
        "boto3": boto3.__version__,
        "throughput": [
            bench_list_jobs(runs, 1_000 if quick else 10_000),
            bench_describe(runs, 200 if quick else 2_000),
            bench_list_service_jobs(runs, 1_000 if quick else 10_000),
            bench_s3(runs, 300 if quick else 2_000),
        ],
        "import": bench_import(3 if quick else 9),
        "memory": bench_memory(50_000 if quick else 1_000_000),
        "range": bench_range(10_000 if quick else 100_000),
        "concurrency": bench_concurrency(1_000 if quick else 10_000, 0.05),
    }
    targets = {
        "ListJobs >= 1.0x": results["throughput"][0]["ratio"] >= 1.0,
        "DescribeJobs >= 2.0x": results["throughput"][1]["ratio"] >= 2.0,
        "import batchkit <= 1.3x import boto3": results["import"][0]["ratio"] <= 1.3,
        "RSS growth 10k -> 1M < 20 MB": results["memory"]["growth_mb"] < 20,
        "range requests <= ceil(matches/100) + 1": results["range"]["range_requests"]
        <= results["range"]["bound"],
        "describe 8 workers >= 5x sequential": results["concurrency"]["speedup"] >= 5,
    }
    results["targets"] = targets
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"batchkit benchmarks (python {results['python']}, boto3 {results['boto3']})\n")
    print(f"{'throughput':<58}{'raw boto3/s':>13}{'batchkit/s':>12}{'ratio':>8}")
    for row in results["throughput"]:
        print(
            f"{row['benchmark']:<58}{row['raw_boto3_items_per_s']:>13,}"
            f"{row['batchkit_items_per_s']:>12,}{row['ratio']:>7}x"
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
    print(f"\nwrote {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
