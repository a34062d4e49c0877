"""Test helpers for code that uses batchkit, and for batchkit's own tests.

* :class:`FakeAWS`: an in-memory backend for Batch ``ListJobs``, ``ListServiceJobs``,
  ``DescribeJobs``, S3 Control ``ListJobs`` and CloudWatch Logs ``GetLogEvents`` under real
  boto3 clients (seeding, faults of every kind: :data:`FAULT_KINDS`, latency).  With
  pytest, the ``batchkit_fake`` fixture (installed with batchkit as a pytest plugin) gives
  you one that also answers clients made from boto3's default session.
* :class:`WireStubber`: botocore's ``Stubber`` whose canned responses go through botocore's
  real parser.
* :func:`load_stubs`: the library of canned AWS responses shipped with batchkit (documented
  examples, multi-page listings, errors); :func:`stub_names` lists it and
  :func:`queue_stubs` queues entries on a stubber.
* :class:`SimulatedClock` and ``FakeAWS.set_rate_limit``: throttling at scale (HTTP 429
  beyond N requests a second) with botocore's backoff and adaptive rate limiter running on
  simulated time -- no real waiting.
* :func:`serve`: answer a client's requests from a function (the one wire responder under
  all of these: JSON and XML, through botocore's real serializer and parser).
* :class:`ManualClock`, ``fake.lifecycle`` (:class:`Lifecycle`, :class:`Step`): jobs that move
  on a clock your test controls; ``fake.logs``: CloudWatch Logs streams of every job.

Importing this package is cheap (the pytest plugin imports it in every pytest run): each name
is imported on first use.

>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> _ = fake.add_job("q", job_name="etl", status="RUNNING")
>>> fake.batch_client().list_jobs("q").first().job_name
'etl'
"""

import typing as _typing

from batchkit._exports import DYNAMIC_IMPORTS as _DYNAMIC_IMPORTS
from batchkit._exports import attach as _attach

if _typing.TYPE_CHECKING:
    from batchkit.testing._clock import ManualClock as ManualClock
    from batchkit.testing._fake import FakeAWS as FakeAWS
    from batchkit.testing._fake.faults import FAULT_KINDS as FAULT_KINDS
    from batchkit.testing._fake.faults import Fault as Fault
    from batchkit.testing._fake.lifecycle import Lifecycle as Lifecycle
    from batchkit.testing._fake.lifecycle import Step as Step
    from batchkit.testing._stubs import Stub as Stub
    from batchkit.testing._stubs import StubError as StubError
    from batchkit.testing._stubs import load_stubs as load_stubs
    from batchkit.testing._stubs import queue_stubs as queue_stubs
    from batchkit.testing._stubs import stub_names as stub_names
    from batchkit.testing._throttle import RateLimit as RateLimit
    from batchkit.testing._throttle import SimulatedClock as SimulatedClock
    from batchkit.testing._wire import AWSErrorResponse as AWSErrorResponse
    from batchkit.testing._wire import RawReply as RawReply
    from batchkit.testing._wire import WireStubber as WireStubber
    from batchkit.testing._wire import current_request as current_request
    from batchkit.testing._wire import decode_request as decode_request
    from batchkit.testing._wire import encode_error as encode_error
    from batchkit.testing._wire import encode_response as encode_response
    from batchkit.testing._wire import serve as serve

__all__ = [
    "FAULT_KINDS",
    "AWSErrorResponse",
    "FakeAWS",
    "Fault",
    "Lifecycle",
    "ManualClock",
    "RateLimit",
    "RawReply",
    "SimulatedClock",
    "Step",
    "Stub",
    "StubError",
    "WireStubber",
    "current_request",
    "decode_request",
    "encode_error",
    "encode_response",
    "load_stubs",
    "queue_stubs",
    "serve",
    "stub_names",
]

# `batchkit.testing.FakeAWS.__module__ == "batchkit.testing"`; FakeAWS and WireStubber import
# boto3 and pydantic, which the pytest plugin must not pay for in test runs that never use
# the fixture: every name is imported on first access (batchkit/_exports.py).
if not _typing.TYPE_CHECKING:  # type checkers see the imports above instead
    __getattr__, __dir__ = _attach(__name__, globals(), _DYNAMIC_IMPORTS[__name__], __all__)
