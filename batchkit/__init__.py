"""batchkit: a typed, lazy Python SDK over boto3 for reading AWS Batch and S3 Batch Operations jobs.

>>> from batchkit import BatchClient, JobFilter, S3BatchOperationsClient
>>> from batchkit.models import JobStatus
>>> JobStatus.FAILED.is_terminal
True
"""

import typing as _typing

from batchkit._client import BatchClient, HasJobId, JobDetails, S3BatchOperationsClient
from batchkit._display import to_pandas
from batchkit._errors import (
    AccessDeniedError,
    AWSError,
    BatchKitError,
    ConnectError,
    CredentialsError,
    EksJobLogsError,
    InvalidFilterError,
    InvalidParameterError,
    InvalidRequestError,
    JobNotFoundError,
    LogDriverError,
    LogStreamNotFoundError,
    LogsUnavailableError,
    NotFoundError,
    RequestTimeoutError,
    ResponseValidationError,
    ServiceError,
    ThrottlingError,
    TokenCycleError,
    TransportError,
    WaitTimeoutError,
)
from batchkit._filters import ALL_STATUSES, JobFilter
from batchkit._merge import MergedPager
from batchkit._pager import JobPager, Page
from batchkit._public import publish as _publish
from batchkit._version import __version__
from batchkit._watch import ArrayProgress, Clock, StatusChange, SystemClock, Watch

if _typing.TYPE_CHECKING:
    from batchkit._logs import FollowPolicy, LogEvent, LogLocation
    from batchkit._report import AttemptReport, FailureKind, FailureReport

    #: The botocore version the models were generated from.
    BOTOCORE_VERSION: str
else:
    #: Names imported on first use: they build pydantic models, which `import batchkit` avoids.
    _LAZY = {
        "FollowPolicy": "batchkit._logs",
        "LogEvent": "batchkit._logs",
        "LogLocation": "batchkit._logs",
        "AttemptReport": "batchkit._report",
        "FailureKind": "batchkit._report",
        "FailureReport": "batchkit._report",
        "BOTOCORE_VERSION": "batchkit._generated_models",
    }

    def __getattr__(name: str) -> object:
        # Lazy: reading these imports the models (pydantic), which `import batchkit` avoids.
        # Hidden from type checkers, which would otherwise accept any attribute.
        if name in _LAZY:
            import importlib

            value = getattr(importlib.import_module(_LAZY[name]), name)
            globals()[name] = value
            globals()["__test__"].update(_publish(globals(), __name__, [name]))
            return value
        raise AttributeError(f"module 'batchkit' has no attribute {name!r}")


__all__ = [
    "ALL_STATUSES",
    "BOTOCORE_VERSION",
    "AWSError",
    "AccessDeniedError",
    "ArrayProgress",
    "AttemptReport",
    "BatchClient",
    "BatchKitError",
    "Clock",
    "ConnectError",
    "CredentialsError",
    "EksJobLogsError",
    "FailureKind",
    "FailureReport",
    "FollowPolicy",
    "HasJobId",
    "InvalidFilterError",
    "InvalidParameterError",
    "InvalidRequestError",
    "JobDetails",
    "JobFilter",
    "JobNotFoundError",
    "JobPager",
    "LogDriverError",
    "LogEvent",
    "LogLocation",
    "LogStreamNotFoundError",
    "LogsUnavailableError",
    "MergedPager",
    "NotFoundError",
    "Page",
    "RequestTimeoutError",
    "ResponseValidationError",
    "S3BatchOperationsClient",
    "ServiceError",
    "StatusChange",
    "SystemClock",
    "ThrottlingError",
    "TokenCycleError",
    "TransportError",
    "WaitTimeoutError",
    "Watch",
    "__version__",
    "to_pandas",
]

# `batchkit.BatchClient.__module__ == "batchkit"` (batchkit/_public.py says why).
__test__ = _publish(globals(), __name__, __all__)
