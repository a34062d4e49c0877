"""batchkit: a typed, lazy Python SDK over boto3 for reading AWS Batch and S3 Batch Operations jobs.

>>> from batchkit.models import JobStatus
>>> JobStatus.FAILED.is_terminal
True
"""

from batchkit._generated_models import BOTOCORE_VERSION

__version__ = "0.1.0"

__all__ = ["BOTOCORE_VERSION", "__version__"]
