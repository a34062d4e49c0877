"""Parse the documented DescribeJobs response into a typed JobDetail (no AWS needed).

Run: ``python examples/describe_documented_job.py``
"""

from __future__ import annotations

import json
from pathlib import Path

from batchkit.models import JobDetail, JobStatus

STUB = Path(__file__).resolve().parent.parent / "stubs" / "describe_jobs_documented.json"


def main() -> None:
    response = json.loads(STUB.read_text())[0]["service_response"]
    for job in map(JobDetail.model_validate, response["jobs"]):
        outcome = "done" if job.status is JobStatus.SUCCEEDED else str(job.status)
        print(f"{job.job_name} ({job.job_id}): {outcome} in {job.duration}, exit {job.exit_code}")


if __name__ == "__main__":
    main()
