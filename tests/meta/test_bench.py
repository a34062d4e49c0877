"""The benchmark code runs (tiny sizes, ``--quick``) and measures what it says; timings are not
asserted here -- speed targets live in ``nox -s bench`` / ``bench_async`` / ``bench_latency``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

import _data
import _loopback
import _measure
import first_item
import latency
import run as bench

BENCH = Path(__file__).parents[2] / "bench"


def test_throughput_benchmarks_compare_the_same_items() -> None:
    for row in (
        bench.bench_list_jobs(1, 200),
        bench.bench_describe(1, 150),
        bench.bench_list_service_jobs(1, 200),
        bench.bench_s3(1, 120),
    ):
        assert row["items"] in (120, 150, 200)
        assert row["ratio"]["min"] <= row["ratio"]["median"] <= row["ratio"]["max"]
        assert len(row["load"]) == 2


def test_range_benchmark_counts_requests() -> None:
    row = bench.bench_range(2_000)
    assert row["matches"] == 20
    assert row["range_requests"] <= row["bound"]
    assert row["full_listing_items"] == 2_000


@pytest.mark.parametrize("status", [None, *_data.STATUSES])
def test_benchmark_data_is_valid(status: str | None) -> None:
    from batchkit.models import JobDetail, JobSummary, ServiceJobSummary

    summary = _data.summary(3) if status is None else _data.summary_as(3, status)
    detail = _data.detail(3) if status is None else _data.detail_as(3, status)
    assert JobSummary.model_validate(summary).to_boto() == summary
    assert JobDetail.model_validate(detail).to_boto() == detail
    assert ServiceJobSummary.model_validate(_data.service_summary(3)).to_boto() == (
        _data.service_summary(3)
    )
    if status in ("SUBMITTED", "RUNNING"):
        assert "stoppedAt" not in detail
        assert "exitCode" not in detail["container"]
        assert detail["attempts"] == []


def test_memory_per_item_compares_the_same_items() -> None:
    summaries, details = bench.bench_memory_per_item(200)
    for row in (summaries, details):
        assert row["raw_boto3_bytes"] > 0
        assert row["batchkit_bytes"] > 0


def test_s3_benchmark_pages_are_valid_listings() -> None:
    pages = bench.s3_pages(250)
    assert len(pages) == 3
    assert b"<NextToken>p100</NextToken>" in pages[None]


# ------------------------------------------------------------------ same configuration


def test_both_sides_get_the_same_config() -> None:
    raw, typed = bench._replayed_pair("batch", {None: b'{"jobSummaryList": []}'})
    _measure.check_same_config(raw, typed)
    assert raw.meta.config.retries == _measure.RETRIES
    from _first_item_child import RETRIES as CHILD_RETRIES

    assert CHILD_RETRIES == _measure.RETRIES


def test_a_different_config_is_refused() -> None:
    import boto3
    from botocore.config import Config

    raw = bench.raw_client("batch")
    other = boto3.client(
        "batch",
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
        config=Config(retries={"mode": "standard"}),
    )
    with pytest.raises(AssertionError, match="configured differently"):
        _measure.check_same_config(raw, other)


def test_spread_orders_its_figures() -> None:
    figures = _measure.spread([3.0, 1.0, 2.0, 10.0])
    assert figures["min"] == 1.0
    assert figures["max"] == 10.0
    assert figures["median"] == 2.5
    assert figures["min"] <= figures["q1"] <= figures["median"] <= figures["q3"] <= figures["max"]


# ------------------------------------------------------------------ first item


def test_first_item_quick_reports_ratio_and_collections(tmp_path: Path) -> None:
    runner = first_item.Runner(sys.executable, tmp_path, compiled=False)
    row = first_item.bench_first_item(runner, 1, warm=False)  # checks both read one item
    assert row["install"] == "running interpreter"
    assert row["ratio"]["median"] > 0
    assert set(row["gc"]) == {"raw", "batchkit"}
    assert len(row["gc"]["raw"]["collections_per_process"]) == 3


# ------------------------------------------------------------------ ceiling


def test_ceiling_rust_timestamps_variant_calls_no_python_per_value() -> None:
    # the child checks (and fails otherwise) that the variant's validators hold no Python
    # timestamp function and read the same instants
    done = subprocess.run(
        [sys.executable, str(BENCH / "ceiling.py"), "--child", "timestamps", "--quick"],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(done.stdout)
    assert set(figures) == {"ListJobs", "ListServiceJobs", "DescribeJobs"}


# ------------------------------------------------------------------ latency


def test_loopback_pages_as_aws_documents() -> None:
    account = _loopback.Account(latency.spec(latency.QUICK))
    first = json.loads(account.list_jobs({"jobQueue": "big", "jobStatus": "SUCCEEDED"}))
    assert len(first["jobSummaryList"]) == 1_000  # AWS's default page by status
    rest = json.loads(
        account.list_jobs(
            {"jobQueue": "big", "jobStatus": "SUCCEEDED", "nextToken": first["nextToken"]}
        )
    )
    assert len(rest["jobSummaryList"]) == 500
    assert "nextToken" not in rest
    everything = {"name": "AFTER_CREATED_AT", "values": ["0"]}
    filtered = json.loads(account.list_jobs({"jobQueue": "etl-1", "filters": [everything]}))
    assert len(filtered["jobSummaryList"]) == 60  # every status, newest first
    created = [job["createdAt"] for job in filtered["jobSummaryList"]]
    assert created == sorted(created, reverse=True)
    with pytest.raises(_loopback.Reject):
        account.list_jobs({"jobQueue": "etl-1", "filters": [{"name": "JOB_NAME", "values": ["x"]}]})
    with pytest.raises(_loopback.Reject):  # a token of another query
        account.list_jobs(
            {"jobQueue": "big", "jobStatus": "FAILED", "nextToken": first["nextToken"]}
        )
    ids = [_data.job_id(latency.WATCHED + i) for i in (2, 0, 2)]
    described = json.loads(account.describe_jobs({"jobs": [*ids, "unknown"]}))
    assert [job["jobId"] for job in described["jobs"]] == ids[:2]


def test_latency_quick_counts_what_each_side_requests() -> None:
    results = latency.run(latency.QUICK)
    rows = {row["benchmark"][:3]: row for row in results["latency"]}
    requests = {
        letter: {side: figures["requests"] for side, figures in row["sides"].items()}
        for letter, row in rows.items()
    }
    # (a) 1,500 jobs: two pages of 1,000 each way
    assert requests["(a)"] == {"raw boto3": [2], "batchkit": [2]}
    # (b) raw: 5 queues x 7 statuses; batchkit: one newest-first listing a queue
    assert requests["(b)"] == {"raw boto3": [35], "batchkit": [5]}
    # (c) one listing page and three DescribeJobs of 100, 100, 50
    assert set(map(tuple, requests["(c)"].values())) == {(4,)}
    assert requests["(d)"]["raw boto3"] == [3]
    assert rows["(a)"]["items"] == 1_500
    assert rows["(b)"]["items"] == 5 * 60
    assert rows["(c)"]["items"] == 250
    assert rows["(d)"]["items"] == 250
    assert results["retries"] == _measure.RETRIES
    assert len(results["targets"]) == 6


def test_async_benchmark_quick() -> None:
    pytest.importorskip("aiobotocore")
    import asyncio

    import run_async

    results: dict[str, Any] = asyncio.run(run_async.run(quick=True))
    list_jobs, describe = results["throughput"]
    assert list_jobs["items"] == 1_000
    assert describe["items"] == 200
    assert list_jobs["rounds"] == 3
    assert results["live_heap_objects"] == 60_000


def test_streaming_memory_is_the_child_s_own_peak() -> None:
    # the parent holds more than a streaming child ever needs: a peak inherited from it
    # (ru_maxrss survives fork and exec on Linux) would hide the child's own growth
    ballast = b"x" * (300 * 2**20)
    row = bench.bench_memory(2_000)
    assert row["rss_big_mb"] < 250, row
    assert abs(row["growth_mb"]) < 20, row
    del ballast
