"""batchkit: a typed, lazy Python SDK over boto3 for reading AWS Batch and S3 Batch Operations jobs.

>>> from batchkit import BatchClient, JobFilter, S3BatchOperationsClient
>>> from batchkit.models import JobStatus
>>> JobStatus.FAILED.is_terminal
True
"""

import typing as _typing

from batchkit._core.display import to_pandas
from batchkit._core.errors import (
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
from batchkit._core.filters import ALL_STATUSES, JobFilter
from batchkit._core.merge import MergedPager
from batchkit._core.pager import JobPager, Page
from batchkit._core.watch import ArrayProgress, Clock, StatusChange, SystemClock, Watch
from batchkit._exports import publish as _publish
from batchkit._sync.client import BatchClient, HasJobId, JobDetails, S3BatchOperationsClient
from batchkit._version import __version__

if _typing.TYPE_CHECKING:
    from batchkit._core.logs import FollowPolicy, LogEvent, LogLocation
    from batchkit._core.report import AttemptReport, FailureKind, FailureReport

    #: The botocore version the models were generated from.
    BOTOCORE_VERSION: str
else:
    #: Names imported on first use: they build pydantic models, which `import batchkit` avoids.
    _LAZY = {
        "FollowPolicy": "batchkit._core.logs",
        "LogEvent": "batchkit._core.logs",
        "LogLocation": "batchkit._core.logs",
        "AttemptReport": "batchkit._core.report",
        "FailureKind": "batchkit._core.report",
        "FailureReport": "batchkit._core.report",
        "BOTOCORE_VERSION": "batchkit._spec.models.all",
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

# `batchkit.BatchClient.__module__ == "batchkit"` (batchkit/_exports.py says why).
__test__ = _publish(globals(), __name__, __all__)
