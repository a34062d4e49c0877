"""Listing jobs imports (and builds) only the ListJobs models: not the DescribeJobs or S3
Control classes; ``batchkit.models`` still exposes every class."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import batchkit.models
from batchkit._spec.models import all as _generated_models
from batchkit._spec.models.index import MODEL_MODULES

CHILD = textwrap.dedent(
    """
    import json, sys
    import boto3
    from batchkit import BatchClient
    from batchkit.testing import WireStubber
    raw = boto3.client("batch", region_name="us-east-1", aws_access_key_id="k",
                       aws_secret_access_key="s")
    with WireStubber(raw) as stub:
        stub.add_response("list_jobs", {"jobSummaryList": [{"jobId": "1", "jobName": "n",
                                                            "createdAt": 1}]})
        job = BatchClient(raw).list_jobs("q", status="FAILED").first()
    assert job is not None and job.job_id == "1"
    import batchkit.models
    built = sorted(
        name for name in vars(batchkit.models)
        if getattr(getattr(batchkit.models, name), "__pydantic_complete__", False)
    )
    generated = [m for m in sys.modules if m.startswith("batchkit._spec.models.")]
    modules = sorted(m for m in generated if not m.endswith((".index", ".mixins")))
    print(json.dumps({"modules": modules, "built": built}))
    """
)


def test_listing_jobs_imports_and_builds_only_its_own_models() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], check=True, capture_output=True, text=True
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    # batchkit.testing (used here to stub) imports the fake's models; a plain listing
    # program does not import batchkit.testing.  What matters: nothing is *built*.
    assert "batchkit._spec.models.list_jobs" in seen["modules"]
    assert not [
        name
        for name in seen["built"]
        if MODEL_MODULES.get(name) != "batchkit._spec.models.list_jobs"
    ]


def test_a_plain_listing_program_imports_only_the_list_jobs_module() -> None:
    child = (
        CHILD.replace("from batchkit.testing import WireStubber", "")
        .replace("with WireStubber(raw) as stub:", "if True:")
        .replace(
            'stub.add_response("list_jobs", {"jobSummaryList": [{"jobId": "1", "jobName": "n",\n'
            '                                                        "createdAt": 1}]})',
            "import sys; sys.path.insert(0, 'bench'); from _replay import replay; replay(raw,"
            ' lambda _o, _k: b\'{"jobSummaryList": [{"jobId": "1", "jobName": "n"}]}\')',
        )
    )
    out = subprocess.run(
        [sys.executable, "-c", child], check=True, capture_output=True, text=True
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["modules"] == ["batchkit._spec.models.list_jobs"]


def test_models_exposes_every_class() -> None:
    assert set(_generated_models.__all__) <= set(batchkit.models.__all__)
    for name in _generated_models.__all__:
        assert getattr(batchkit.models, name) is getattr(_generated_models, name)
    assert set(MODEL_MODULES) <= set(dir(batchkit.models))
