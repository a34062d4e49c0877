"""Parse the documented DescribeJobs response into a typed JobDetail (no AWS needed).

The response is AWS's own example, shipped in batchkit's library of canned responses
(``batchkit.testing.load_stubs``).

Run: ``python examples/describe_documented_job.py``
"""

from __future__ import annotations

from batchkit.models import JobDetail, JobStatus
from batchkit.testing import load_stubs


def main() -> None:
    for stub in load_stubs("batch_describe_jobs_documented"):
        if stub.service_response is None:  # an error case: nothing to parse
            continue
        for job in map(JobDetail.model_validate, stub.service_response["jobs"]):
            outcome = "done" if job.status is JobStatus.SUCCEEDED else str(job.status)
            print(
                f"{job.job_name} ({job.job_id}): {outcome} in {job.duration}, exit {job.exit_code}"
            )


if __name__ == "__main__":
    main()
