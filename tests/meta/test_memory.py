"""Items of one response share their (equal) sets of sent member names; nothing else about
a model changes: equality, to_boto, model_copy, immutability."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from batchkit.models import JobSummary


def test_equal_fields_sets_are_shared_and_behave() -> None:
    a = JobSummary.model_validate({"jobId": "1", "jobName": "a"})
    b = JobSummary.model_validate({"jobId": "2", "jobName": "b"})
    assert a.model_fields_set is b.model_fields_set
    c = a.model_copy(update={"status_reason": "x"})
    assert c.model_fields_set == {"job_id", "job_name", "status_reason"}
    assert a.model_fields_set == {"job_id", "job_name"}  # the shared set is untouched
    assert a.to_boto() == {"jobId": "1", "jobName": "a"}
    assert a == JobSummary.model_validate({"jobId": "1", "jobName": "a"})
    with pytest.raises(ValidationError):
        a.job_id = "3"  # type: ignore[misc]
