"""batchkit: a typed, lazy Python SDK over boto3 for reading AWS Batch and S3 Batch Operations jobs.

>>> from batchkit import BatchClient, JobFilter, S3BatchOperationsClient
>>> from batchkit.models import JobStatus
>>> JobStatus.FAILED.is_terminal
True
"""

import typing as _typing

from batchkit._client import BatchClient, JobDetails, S3BatchOperationsClient
from batchkit._display import to_pandas
from batchkit._errors import (
    AccessDeniedError,
    AWSError,
    BatchKitError,
    InvalidFilterError,
    InvalidParameterError,
    InvalidRequestError,
    JobNotFoundError,
    NotFoundError,
    ResponseValidationError,
    ServiceError,
    ThrottlingError,
)
from batchkit._filters import JobFilter
from batchkit._pager import JobPager, Page
from batchkit._public import publish as _publish
from batchkit._version import __version__

if _typing.TYPE_CHECKING:
    #: The botocore version the models were generated from.
    BOTOCORE_VERSION: str
else:

    def __getattr__(name: str) -> str:
        # Lazy: reading it imports the generated models (pydantic), which `import batchkit`
        # avoids.  Hidden from type checkers, which would otherwise accept any attribute.
        if name == "BOTOCORE_VERSION":
            from batchkit._generated_models import BOTOCORE_VERSION

            return BOTOCORE_VERSION
        raise AttributeError(f"module 'batchkit' has no attribute {name!r}")


__all__ = [
    "BOTOCORE_VERSION",
    "AWSError",
    "AccessDeniedError",
    "BatchClient",
    "BatchKitError",
    "InvalidFilterError",
    "InvalidParameterError",
    "InvalidRequestError",
    "JobDetails",
    "JobFilter",
    "JobNotFoundError",
    "JobPager",
    "NotFoundError",
    "Page",
    "ResponseValidationError",
    "S3BatchOperationsClient",
    "ServiceError",
    "ThrottlingError",
    "__version__",
    "to_pandas",
]

# `batchkit.BatchClient.__module__ == "batchkit"` (batchkit/_public.py says why).
__test__ = _publish(globals(), __name__, __all__)
