"""batchkit: a typed, lazy Python SDK over boto3 for reading AWS Batch and S3 Batch Operations jobs.

>>> from batchkit import BatchClient, JobFilter, S3BatchOperationsClient
>>> from batchkit.models import JobStatus
>>> JobStatus.FAILED.is_terminal
True
"""

import typing as _typing

from batchkit._core.checks import ALL_STATUSES, HasJobId
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
    JobGoneError,
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
from batchkit._core.filters import JobFilter
from batchkit._core.pager import Page, SkippedItem
from batchkit._core.watch import ArrayProgress, Clock, StatusChange
from batchkit._exports import DYNAMIC_IMPORTS as _DYNAMIC_IMPORTS
from batchkit._exports import attach as _attach
from batchkit._spec.display import to_pandas
from batchkit._sync.client import BatchClient, S3BatchOperationsClient
from batchkit._sync.describe import JobDetails
from batchkit._sync.merge import MergedPager
from batchkit._sync.pager import JobPager, Pager
from batchkit._sync.runtime import SystemClock
from batchkit._sync.watch import Watch
from batchkit._version import __version__

if _typing.TYPE_CHECKING:
    from batchkit._core.diagnose import (
        BlockedReason,
        CheckNotMade,
        ComputeEnvironmentState,
        ConsumableShortfall,
        Dependency,
        InstanceFit,
        QueueHealth,
        QueuePosition,
        QueueState,
        Requirement,
        Shortfall,
        WaitKind,
        WaitReport,
    )
    from batchkit._core.locations import LogLocation
    from batchkit._core.logs import FollowPolicy, LogEvent
    from batchkit._core.report import (
        AttemptReport,
        ChildrenSummary,
        FailureGroup,
        FailureKind,
        FailureReport,
        JobReport,
    )
    from batchkit._core.s3report import S3Failure, S3StatusReport

    #: The botocore version the models were generated from.
    BOTOCORE_VERSION: str

__all__ = [
    "ALL_STATUSES",
    "BOTOCORE_VERSION",
    "AWSError",
    "AccessDeniedError",
    "ArrayProgress",
    "AttemptReport",
    "BatchClient",
    "BatchKitError",
    "BlockedReason",
    "CheckNotMade",
    "ChildrenSummary",
    "Clock",
    "ComputeEnvironmentState",
    "ConnectError",
    "ConsumableShortfall",
    "CredentialsError",
    "Dependency",
    "EksJobLogsError",
    "FailureGroup",
    "FailureKind",
    "FailureReport",
    "FollowPolicy",
    "HasJobId",
    "InstanceFit",
    "InvalidFilterError",
    "InvalidParameterError",
    "InvalidRequestError",
    "JobDetails",
    "JobFilter",
    "JobGoneError",
    "JobNotFoundError",
    "JobPager",
    "JobReport",
    "LogDriverError",
    "LogEvent",
    "LogLocation",
    "LogStreamNotFoundError",
    "LogsUnavailableError",
    "MergedPager",
    "NotFoundError",
    "Page",
    "Pager",
    "QueueHealth",
    "QueuePosition",
    "QueueState",
    "RequestTimeoutError",
    "Requirement",
    "ResponseValidationError",
    "S3BatchOperationsClient",
    "S3Failure",
    "S3StatusReport",
    "ServiceError",
    "Shortfall",
    "SkippedItem",
    "StatusChange",
    "SystemClock",
    "ThrottlingError",
    "TokenCycleError",
    "TransportError",
    "WaitKind",
    "WaitReport",
    "WaitTimeoutError",
    "Watch",
    "__version__",
    "to_pandas",
]

# `batchkit.BatchClient.__module__ == "batchkit"`; the names that build pydantic models are
# imported on first use (batchkit/_exports.py says why).  Hidden from type checkers, which
# would otherwise accept any attribute.
if not _typing.TYPE_CHECKING:
    __getattr__, __dir__ = _attach(__name__, globals(), _DYNAMIC_IMPORTS[__name__], __all__)
