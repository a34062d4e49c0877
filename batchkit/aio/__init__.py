"""batchkit for asyncio: the same typed, lazy API on aiobotocore.

Install with ``pip install 'batchkit[async]'``.

>>> from batchkit.aio import AsyncBatchClient
>>> async def failed_names(queue: str) -> list[str]:
...     async with AsyncBatchClient() as batch:
...         return [job.job_name async for job in batch.list_jobs(queue, status="FAILED")]

The planner, filters, models, tokens, errors and fast path are the sync client's; the
async clients differ only where I/O happens.  ``import batchkit.aio`` works without
aiobotocore; making a client without ``client=`` needs it.
"""

from batchkit._pager import Page
from batchkit.aio._client import AsyncBatchClient, AsyncJobDetails, AsyncS3BatchOperationsClient
from batchkit.aio._pager import AsyncJobPager

__all__ = [
    "AsyncBatchClient",
    "AsyncJobDetails",
    "AsyncJobPager",
    "AsyncS3BatchOperationsClient",
    "Page",
]
