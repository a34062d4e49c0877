"""The example scripts run (against local fakes) and say what they claim."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from batchkit import BatchClient
from batchkit.testing import serve
from tests.conftest import raw_client, summary

EXAMPLES = Path(__file__).parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))

import failed_jobs  # noqa: E402


def test_describe_documented_job_example(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "describe_documented_job.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "example (24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9): done in 0:01:04.199000, exit 0" in out


def test_failed_jobs_report() -> None:
    raw = raw_client("batch")
    jobs = {f"job-{i:05d}": summary(i) for i in range(6)}

    def responder(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation == "ListJobs":
            assert params["filters"][0]["name"] == "AFTER_CREATED_AT"
            assert "jobStatus" not in params
            return {"jobSummaryList": list(jobs.values())}
        assert operation == "DescribeJobs"
        return {
            "jobs": [
                {
                    "jobId": i,
                    "jobName": jobs[i]["jobName"],
                    "jobQueue": "q",
                    "status": "FAILED",
                    "jobDefinition": "d",
                    "statusReason": "Essential container in task exited",
                    "container": {"exitCode": 3},
                }
                for i in params["jobs"]
            ]
        }

    stop = serve(raw, responder)
    try:
        # created_after(24h) relative to now: the fixture's jobs are from 2026-11-01, so ask
        # for a window wide enough to include them.
        lines = failed_jobs.report(BatchClient(raw), "q", hours=24 * 365 * 10)
    finally:
        stop()
    assert lines[:3] == [
        "train-1                  exit=3    Essential container in task exited",
        "train-0                  exit=3    Essential container in task exited",
        "train-2                  exit=3    Essential container in task exited",
    ]
    assert lines[-1] == "    3 x Essential container in task exited"
