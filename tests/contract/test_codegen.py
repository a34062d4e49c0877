from __future__ import annotations

import ast
import inspect
import itertools
from typing import TypeGuard

import pytest

from batchkit._spec import codegen as _codegen
from batchkit._spec.models import all as _generated_models
from batchkit._spec.models.index import BOTOCORE_VERSION
from batchkit.models import BatchKitModel, JobDetail, JobSummary


def _skip_under_aiobotocores_botocore() -> None:
    import botocore

    from tests.conftest import HAS_AIO

    if HAS_AIO and botocore.__version__ != BOTOCORE_VERSION:
        # nox -s tests_async: aiobotocore's older botocore; the generated files come from
        # constraints.txt's botocore, and nox -s tests checks they are fresh.
        pytest.skip(f"botocore {botocore.__version__} is aiobotocore's, not the models' source")


def test_generated_models_are_up_to_date() -> None:
    """The committed files are exactly what ``python -m batchkit._spec.codegen`` writes."""
    _skip_under_aiobotocores_botocore()
    for name, text in _codegen.render_modules().items():
        assert (_codegen.PACKAGE / name).read_text() == text, (
            f"batchkit/{name} is stale: run `python -m batchkit._spec.codegen`"
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
    _skip_under_aiobotocores_botocore()
    assert (
        _codegen.PACKAGE / _codegen.OPERATIONS_OUTPUT
    ).read_text() == _codegen.render_operations(), (
        "batchkit/_spec/operations.py is stale: run `python -m batchkit._spec.codegen`"
    )


def test_operations_table_rows_come_from_botocore() -> None:
    """Facts botocore has are botocore's: the Batch paginators' token members, and none
    for S3 Control ListJobs (stated by hand)."""
    from batchkit._spec.operations import DESCRIBE_JOBS, LIST_JOBS, OPERATIONS, S3_LIST_JOBS

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


def test_doc_text_reads_botocore_html() -> None:
    html = (
        "<p>The job&apos;s <code>status</code> &lt;reason&gt;, see <a href='https://x.test/a'>the"
        " guide</a> in the <i>User Guide</i>.</p> <note> <p>Not on Fargate.</p> </note>"
        " <ul> <li> <p> <code>A</code> - first</p> <p>more</p> </li> <li> <p>second</p> </li> </ul>"
    )
    assert _codegen.doc_text(html, width=100) == (
        "The job's ``status`` <reason>, see [the guide](https://x.test/a) in the User Guide.\n"
        "\n"
        "Note: Not on Fargate.\n"
        "\n"
        "- ``A`` - first\n"
        "\n"
        "  more\n"
        "\n"
        "- second"
    )


def attribute_docstrings() -> dict[tuple[str, str], str]:
    """(class, attribute) -> the docstring written right after the field, as tools read it."""
    out: dict[tuple[str, str], str] = {}
    trees = [ast.parse((_codegen.PACKAGE / n).read_text()) for n in _codegen.render_modules()]
    classes = [node for tree in trees for node in tree.body if isinstance(node, ast.ClassDef)]
    for cls in classes:
        for field, doc in itertools.pairwise(cls.body):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            ):
                out[cls.name, field.target.id] = inspect.cleandoc(doc.value.value)
    return out


def test_every_field_is_documented_twice_alike() -> None:
    """botocore's member documentation is each field's description *and* attribute docstring."""
    docs = attribute_docstrings()
    models = [cls for cls in vars(_generated_models).values() if is_model(cls)]
    assert len(models) > 50
    for model in models:
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            assert docs.get((model.__name__, name)) == field.description, f"{model.__name__}.{name}"
    assert str(JobDetail.model_fields["status_reason"].description).startswith(
        "A short, human-readable string to provide more details for the current status"
    )
    assert "``MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT``" in docs["JobDetail", "status_reason"]
    assert "scheduled for execution" in docs["JobSummary", "scheduled_at"]
    schema = JobSummary.model_json_schema()
    assert schema["properties"]["jobId"]["description"] == "The job ID."


def is_model(obj: object) -> TypeGuard[type[BatchKitModel]]:
    return isinstance(obj, type) and issubclass(obj, BatchKitModel) and obj is not BatchKitModel
