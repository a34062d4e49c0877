"""Where batchkit's time goes, per operation: cProfile of the typed side of each benchmark.

Run: ``python bench/profiles.py [--top N]``.  Prints, for each operation, the share of the
profiled time spent in each *area* (botocore's request pipeline, botocore's parser,
validation in pydantic-core, batchkit's own code, the replay) and the top functions by
their own time.  cProfile inflates Python-heavy code against C/Rust code, so read the shares
as a ranking, not as exact percentages.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402

from batchkit import BatchClient, S3BatchOperationsClient  # noqa: E402

AREAS = (
    ("replay (bench)", ("_replay.py",)),
    ("pydantic-core validation", ("validate_json", "validate_python", "model_validate")),
    ("botocore parser", ("botocore/parsers.py",)),
    ("batchkit", ("batchkit/",)),
    ("botocore signing", ("botocore/auth.py", "botocore/signers.py", "hmac", "sha256")),
    ("botocore, the rest", ("botocore/",)),
)


def workloads() -> dict[str, Callable[[], int]]:
    summaries = [run.summary(i) for i in range(10_000)]
    services = [run.service_summary(i) for i in range(10_000)]
    _, lj = run._replayed_pair("batch", run.paged_bodies(summaries, "jobSummaryList", "nextToken"))
    _, lsj = run._replayed_pair("batch", run.paged_bodies(services, "jobSummaryList", "nextToken"))
    details = [run.detail(i) for i in range(2_000)]
    ids = [d["jobId"] for d in details]
    bodies: dict[str | None, bytes] = {
        ids[i]: json.dumps({"jobs": details[i : i + 100]}).encode() for i in range(0, 2_000, 100)
    }
    _, dj = run._replayed_pair("batch", bodies)
    _, s3 = run._replayed_pair("s3control", run.s3_pages(2_000))
    jobs, service_jobs, describe = BatchClient(lj), BatchClient(lsj), BatchClient(dj)
    s3_client = S3BatchOperationsClient(run.ACCOUNT, s3)
    return {
        "ListJobs": lambda: sum(1 for _ in jobs.list_jobs("q", status="SUCCEEDED")),
        "ListServiceJobs": lambda: sum(1 for _ in service_jobs.list_service_jobs("q")),
        "DescribeJobs": lambda: sum(1 for _ in describe.describe_jobs(ids)),
        "S3 Control ListJobs": lambda: sum(1 for _ in s3_client.list_jobs(page_size=100)),
    }


def area_of(key: tuple[str, int, str]) -> str:
    where = f"{key[0]}:{key[2]}"
    for area, marks in AREAS:
        if any(mark in where for mark in marks):
            return area
    return "other (stdlib, builtins)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args(argv)
    for name, work in workloads().items():
        work()  # warm up
        profiler = cProfile.Profile()
        profiler.runcall(work)
        stats: Any = pstats.Stats(profiler)
        total = sum(row[2] for row in stats.stats.values())
        areas: dict[str, float] = {}
        for key, row in stats.stats.items():
            areas[area_of(key)] = areas.get(area_of(key), 0.0) + row[2]
        print(f"\n## {name}: {total * 1000:.0f} ms profiled (own time by area)")
        for area, seconds in sorted(areas.items(), key=lambda kv: -kv[1]):
            print(f"  {seconds / total:6.1%}  {area}")
        top = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[: args.top]
        print("  top functions by own time:")
        for (path, line, func), row in top:
            short = "/".join(Path(path).parts[-2:]) if path != "~" else ""
            print(f"  {row[2] / total:6.1%}  {func} ({short}:{line})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
