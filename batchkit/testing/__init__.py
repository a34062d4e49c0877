"""Test helpers for code that uses batchkit, and for batchkit's own tests.

* :class:`FakeAWS`: an in-memory backend for Batch ``ListJobs``, ``ListServiceJobs``,
  ``DescribeJobs`` and S3 Control ``ListJobs`` under real boto3 clients (seeding, faults,
  latency).  With pytest, the ``batchkit_fake`` fixture (installed with batchkit as a pytest
  plugin) gives you one that also answers clients made from boto3's default session.
* :class:`WireStubber`: botocore's ``Stubber`` whose canned responses go through botocore's
  real parser; :func:`load_stubs` queues the ``stubs/*.json`` files.
* :class:`SimulatedClock` and ``FakeAWS.set_rate_limit``: throttling at scale (HTTP 429
  beyond N requests a second) with botocore's backoff and adaptive rate limiter running on
  simulated time -- no real waiting.
* :func:`serve`: answer a client's requests from a function (the one wire responder under
  all of these: JSON and XML, through botocore's real serializer and parser).

>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> _ = fake.add_job("q", job_name="etl", status="RUNNING")
>>> fake.batch_client().list_jobs("q").first().job_name
'etl'
"""

from batchkit.testing._fake import FAULT_KINDS, FakeAWS, Fault
from batchkit.testing._throttle import RateLimit, SimulatedClock
from batchkit.testing._wire import (
    AWSErrorResponse,
    RawReply,
    WireStubber,
    decode_request,
    encode_error,
    encode_response,
    load_stubs,
    serve,
)

__all__ = [
    "FAULT_KINDS",
    "AWSErrorResponse",
    "FakeAWS",
    "Fault",
    "RateLimit",
    "RawReply",
    "SimulatedClock",
    "WireStubber",
    "decode_request",
    "encode_error",
    "encode_response",
    "load_stubs",
    "serve",
]
