"""batchkit for asyncio: the same typed, lazy API on aiobotocore.

Install with ``pip install 'batchkit-aws[async]'``.

>>> from batchkit.aio import AsyncBatchClient
>>> async def failed_names(queue: str) -> list[str]:
...     async with AsyncBatchClient() as batch:
...         return [job.job_name async for job in batch.list_jobs(queue, status="FAILED")]

The planner, filters, models, tokens, errors and fast path are the sync client's; the
async clients differ only where I/O happens (``AsyncJobPager.pages()`` yields
:class:`batchkit.Page`\\ s).  ``import batchkit.aio`` works without aiobotocore; making a
client without ``client=`` needs it.
"""

from batchkit._async.client import AsyncBatchClient, AsyncJobDetails, AsyncS3BatchOperationsClient
from batchkit._async.merge import AsyncMergedPager
from batchkit._async.pager import AsyncJobPager
from batchkit._async.watch import AsyncClock, AsyncSystemClock, AsyncWatch
from batchkit._exports import publish as _publish

__all__ = [
    "AsyncBatchClient",
    "AsyncClock",
    "AsyncJobDetails",
    "AsyncJobPager",
    "AsyncMergedPager",
    "AsyncS3BatchOperationsClient",
    "AsyncSystemClock",
    "AsyncWatch",
]

# `batchkit.aio.AsyncBatchClient.__module__ == "batchkit.aio"` (batchkit/_exports.py says why).
__test__ = _publish(globals(), __name__, __all__)
