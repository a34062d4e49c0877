"""batchkit for asyncio: the same typed, lazy API on aiobotocore.

Install with ``pip install 'batchkit-aws[async]'``.

>>> from batchkit.aio import AsyncBatchClient
>>> async def failed_names(queue: str) -> list[str]:
...     async with AsyncBatchClient() as batch:
...         return [job.job_name async for job in batch.list_jobs(queue, status="FAILED")]

The planner, filters, models, tokens, errors and fast path are the sync client's; the async
face is the source the sync one is generated from (``batchkit/_async/``), so the two offer
the same methods with the same rules (``AsyncPager.pages()`` yields
:class:`batchkit.Page`\\ s).  ``import batchkit.aio`` works without aiobotocore; making a
client without ``client=`` needs it.
"""

from batchkit._async.client import AsyncBatchClient, AsyncS3BatchOperationsClient
from batchkit._async.describe import AsyncJobDetails
from batchkit._async.merge import AsyncMergedPager
from batchkit._async.pager import AsyncJobPager, AsyncPager
from batchkit._async.runtime import AsyncSystemClock
from batchkit._async.watch import AsyncWatch
from batchkit._core.watch import AsyncClock
from batchkit._exports import publish as _publish

__all__ = [
    "AsyncBatchClient",
    "AsyncClock",
    "AsyncJobDetails",
    "AsyncJobPager",
    "AsyncMergedPager",
    "AsyncPager",
    "AsyncS3BatchOperationsClient",
    "AsyncSystemClock",
    "AsyncWatch",
]

# `batchkit.aio.AsyncBatchClient.__module__ == "batchkit.aio"` (batchkit/_exports.py says why).
__test__ = _publish(globals(), __name__, __all__)
