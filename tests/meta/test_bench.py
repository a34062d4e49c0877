"""The benchmark code runs (tiny sizes) and measures what it says; timings are not asserted
here -- speed targets live in ``nox -s bench``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

import run as bench


def test_throughput_benchmarks_compare_the_same_items() -> None:
    for row in (
        bench.bench_list_jobs(1, 200),
        bench.bench_describe(1, 150),
        bench.bench_list_service_jobs(1, 200),
        bench.bench_s3(1, 120),
    ):
        assert row["items"] in (120, 150, 200)
        assert row["ratio"] > 0


def test_range_benchmark_counts_requests() -> None:
    row = bench.bench_range(2_000)
    assert row["matches"] == 20
    assert row["range_requests"] <= row["bound"]
    assert row["full_listing_items"] == 2_000


def test_benchmark_data_is_valid() -> None:
    from batchkit.models import JobDetail, JobSummary, ServiceJobSummary

    assert JobSummary.model_validate(bench.summary(3)).to_boto() == bench.summary(3)
    assert JobDetail.model_validate(bench.detail(3)).to_boto() == bench.detail(3)
    assert ServiceJobSummary.model_validate(bench.service_summary(3)).to_boto() == (
        bench.service_summary(3)
    )


def test_memory_per_item_compares_the_same_items() -> None:
    row = bench.bench_memory_per_item(300)
    assert row["raw_boto3_bytes"] > 0
    assert row["batchkit_bytes"] > 0


def test_s3_benchmark_pages_are_valid_listings() -> None:
    pages = bench.s3_pages(250)
    assert len(pages) == 3
    assert b"<NextToken>p100</NextToken>" in pages[None]
