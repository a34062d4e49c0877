from __future__ import annotations

from batchkit import _codegen


def test_generated_models_are_up_to_date() -> None:
    """The committed file is exactly what ``python -m batchkit._codegen`` writes."""
    assert _codegen.OUTPUT.read_text() == _codegen.render(), (
        "batchkit/_generated_models.py is stale: run `python -m batchkit._codegen`"
    )


def test_names() -> None:
    assert _codegen.snake_case("jobArn") == "job_arn"
    assert _codegen.snake_case("EFSVolumeConfiguration") == "efs_volume_configuration"
    assert _codegen.snake_case("ipv6Address") == "ipv6_address"
    assert _codegen.snake_case("NumberOfTasksSucceeded") == "number_of_tasks_succeeded"
    assert _codegen.member_name("json-file") == "JSON_FILE"
    assert _codegen.member_name("S3PutObjectCopy") == "S3_PUT_OBJECT_COPY"
    assert _codegen.member_name("TrainingJobArn") == "TRAINING_JOB_ARN"


def test_operations_table_is_up_to_date() -> None:
    """The committed operations table is exactly what the generator writes."""
    assert _codegen.OPERATIONS_OUTPUT.read_text() == _codegen.render_operations(), (
        "batchkit/_operations.py is stale: run `python -m batchkit._codegen`"
    )


def test_operations_table_rows_come_from_botocore() -> None:
    """Facts botocore has are botocore's: the Batch paginators' token members, and none
    for S3 Control ListJobs (stated by hand)."""
    from batchkit._operations import DESCRIBE_JOBS, LIST_JOBS, OPERATIONS, S3_LIST_JOBS

    assert LIST_JOBS.has_paginator
    assert LIST_JOBS.input_token == "nextToken"
    assert LIST_JOBS.method == "list_jobs"
    assert LIST_JOBS.item_model == "JobSummary"
    assert not S3_LIST_JOBS.has_paginator
    assert S3_LIST_JOBS.input_token == "NextToken"
    assert S3_LIST_JOBS.event_service == "s3-control"
    assert S3_LIST_JOBS.protocol == "rest-xml"
    assert DESCRIBE_JOBS.input_token is None
    assert DESCRIBE_JOBS.id_key == "jobs"
    assert set(OPERATIONS) == {f"{s}.{o}" for s, o, _ in _codegen.OPERATIONS}
