"""Record the multi-page and error cases of ``batchkit/testing/stubs/`` from the demo account.

Run ``python tools/record_stubs.py`` after changing :meth:`batchkit.testing.FakeAWS.demo` or
the fake's responses; the ``*_documented`` cases are AWS's own examples (botocore's
``examples-1.json``) and are written by hand.  Each case runs batchkit's client against
``FakeAWS.demo()`` (fixed clock, seeded ids), takes the requests batchkit sent, and records
what a plain boto3 client receives for each: parsed-form responses, Batch times as epoch
milliseconds, S3 Control times as ISO 8601 strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from batchkit.testing import FakeAWS

STUBS = Path(__file__).resolve().parent.parent / "batchkit" / "testing" / "stubs"
NOW = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)
METHOD = {
    "ListJobs": "list_jobs",
    "ListServiceJobs": "list_service_jobs",
    "DescribeJobs": "describe_jobs",
    "S3Control.ListJobs": "list_jobs",
}


def plain(value: Any) -> Any:
    """The JSON form: datetimes as ISO 8601 UTC strings."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def record(name: str, comment: str, run: Callable[[FakeAWS], object]) -> None:
    fake = FakeAWS.demo(jobs=600, now=NOW)
    run(fake)
    replay = FakeAWS.demo(jobs=600, now=NOW)  # the same account, fresh request log
    clients = {"batch": replay.boto3_client("batch"), "s3control": replay.boto3_client("s3control")}
    entries: list[dict[str, Any]] = []
    for operation, params in fake.requests:
        service = "s3control" if operation.startswith("S3Control.") else "batch"
        method = METHOD[operation]
        response = getattr(clients[service], method)(**params)
        entries.append(
            {
                "comment": comment if not entries else f"{comment} (request {len(entries) + 1})",
                "operation": method,
                "expected_params": params,
                "service_response": plain(response),
            }
        )
    path = STUBS / f"{name}.json"
    path.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.name}: {len(entries)} request(s)")


def describe_chunked(fake: FakeAWS) -> None:
    batch = fake.batch_client()
    ids = [job.job_id for job in batch.list_jobs("gpu-ondemand", status="SUCCEEDED").take(104)]
    fake.requests.clear()
    list(batch.describe_jobs([*ids, "00000000-0000-0000-0000-000000000000"]))


def main() -> None:
    record(
        "batch_list_jobs_multi_page",
        "FAILED jobs of queue etl, 6 a page: three pages, the last without nextToken",
        lambda fake: fake.batch_client().list_jobs("etl", status="FAILED", page_size=6).to_list(),
    )
    record(
        "batch_list_service_jobs_multi_page",
        "SUCCEEDED SageMaker training jobs of queue sagemaker, 6 a page: three pages",
        lambda fake: (
            fake.batch_client()
            .list_service_jobs("sagemaker", status="SUCCEEDED", page_size=6)
            .to_list()
        ),
    )
    record(
        "batch_describe_jobs_chunked",
        "105 ids, one unknown: DescribeJobs takes 100 a request, so two requests; "
        "AWS leaves the unknown id out of the response",
        describe_chunked,
    )
    record(
        "s3control_list_jobs_multi_page",
        "S3 Batch Operations jobs of account 123456789012, 2 a page: three pages",
        lambda fake: fake.s3_client().list_jobs(page_size=2).to_list(),
    )


if __name__ == "__main__":
    main()
