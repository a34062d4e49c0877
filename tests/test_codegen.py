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
