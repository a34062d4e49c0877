"""``batchkit.testing`` as a type checker sees it (mypy --strict and pyright strict, in nox).

Its names are imported on first use at run time (PEP 562); the checkers must still see each
one's real type, and reject names that do not exist.  Nothing here runs as a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.stub import Stubber
from typing_extensions import assert_type

import batchkit.testing
from batchkit.testing import FakeAWS, Stub, StubError, load_stubs, queue_stubs, stub_names


def stubs(stubber: Stubber) -> None:
    assert_type(stub_names(), list[str])
    assert_type(stub_names("batch_"), list[str])
    cases = load_stubs("batch_list_jobs_multi_page")
    assert_type(cases, list[Stub])
    assert_type(cases[0].operation, str)
    assert_type(cases[0].service_response, Mapping[str, Any] | None)
    assert_type(cases[0].error, StubError | None)
    assert_type(queue_stubs(stubber, "batch_list_jobs_multi_page"), int)
    assert_type(queue_stubs(stubber, cases), int)
    load_stubs(stubber)  # type: ignore[arg-type]


def lazy_names() -> None:
    assert_type(batchkit.testing.FakeAWS(), FakeAWS)
    _ = batchkit.testing.NoSuchName  # type: ignore[attr-defined]
