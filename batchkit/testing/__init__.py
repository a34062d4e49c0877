"""Test helpers for code that uses batchkit, and for batchkit's own tests.

* :class:`FakeAWS`: an in-memory backend for Batch ``ListJobs``, ``ListServiceJobs``,
  ``DescribeJobs``, S3 Control ``ListJobs`` and CloudWatch Logs ``GetLogEvents`` (every
  job's log streams, seeded; ``fake.logs.append``) under real boto3 clients (seeding, faults,
  latency, and ``fake.lifecycle``: jobs that move on a :class:`ManualClock`).  With pytest,
  the ``batchkit_fake`` fixture (installed with batchkit as a pytest plugin) gives you one
  that also answers clients made from boto3's default session.
* :class:`WireStubber`: botocore's ``Stubber`` whose canned responses go through botocore's
  real parser; :func:`load_stubs` queues the ``stubs/*.json`` files.
* :func:`serve`: answer a client's requests from a function (the one wire responder under
  all of these: JSON and XML, through botocore's real serializer and parser).

>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> _ = fake.add_job("q", job_name="etl", status="RUNNING")
>>> fake.batch_client().list_jobs("q").first().job_name
'etl'
"""

from batchkit.testing._clock import ManualClock
from batchkit.testing._fake import FAULT_KINDS, FakeAWS, Fault
from batchkit.testing._lifecycle import Lifecycle, Step
from batchkit.testing._wire import (
    AWSErrorResponse,
    RawReply,
    WireStubber,
    current_request,
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
    "Lifecycle",
    "ManualClock",
    "RawReply",
    "Step",
    "WireStubber",
    "current_request",
    "decode_request",
    "encode_error",
    "encode_response",
    "load_stubs",
    "serve",
]
