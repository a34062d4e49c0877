"""batchkit: a typed, lazy Python SDK over boto3 for reading AWS Batch and S3 Batch Operations jobs.

>>> from batchkit import BatchClient, JobFilter, S3BatchOperationsClient
>>> from batchkit.models import JobStatus
>>> JobStatus.FAILED.is_terminal
True
"""

from batchkit._client import BatchClient, HasJobId, JobDetails, S3BatchOperationsClient
from batchkit._display import to_pandas
from batchkit._errors import (
    AccessDeniedError,
    AWSError,
    BatchKitError,
    ConnectError,
    CredentialsError,
    InvalidFilterError,
    InvalidParameterError,
    InvalidRequestError,
    JobNotFoundError,
    NotFoundError,
    RequestTimeoutError,
    ResponseValidationError,
    ServiceError,
    ThrottlingError,
    TokenCycleError,
    TransportError,
)
from batchkit._filters import ALL_STATUSES, JobFilter
from batchkit._merge import MergedPager
from batchkit._pager import JobPager, Page

__version__ = "0.1.0"


def __getattr__(name: str) -> str:
    # Lazy: reading it imports the generated models (pydantic), which `import batchkit` avoids.
    if name == "BOTOCORE_VERSION":
        from batchkit._generated_models import BOTOCORE_VERSION

        return BOTOCORE_VERSION
    raise AttributeError(f"module 'batchkit' has no attribute {name!r}")


__all__ = [
    "ALL_STATUSES",
    "BOTOCORE_VERSION",
    "AWSError",
    "AccessDeniedError",
    "BatchClient",
    "BatchKitError",
    "ConnectError",
    "CredentialsError",
    "HasJobId",
    "InvalidFilterError",
    "InvalidParameterError",
    "InvalidRequestError",
    "JobDetails",
    "JobFilter",
    "JobNotFoundError",
    "JobPager",
    "MergedPager",
    "NotFoundError",
    "Page",
    "RequestTimeoutError",
    "ResponseValidationError",
    "S3BatchOperationsClient",
    "ServiceError",
    "ThrottlingError",
    "TokenCycleError",
    "TransportError",
    "__version__",
    "to_pandas",
]
