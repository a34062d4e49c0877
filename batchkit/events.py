"""AWS Batch's EventBridge events, typed -- for Lambda handlers and event consumers.

"Batch Job State Change" and "Batch Job Queue Blocked" events (and the service-job twins)
parse into classes whose ``detail`` is the :class:`~batchkit.models.JobDetail` (or
``ServiceJobDetail``) batchkit's clients return, so the same reports work inside a Lambda:

>>> from batchkit.events import JobQueueBlocked, parse_event
>>> def handler(event, context):                                    # doctest: +SKIP
...     parsed = parse_event(event)
...     if isinstance(parsed, JobQueueBlocked):
...         print(parsed.wait_report())            # AWS's code: no request needed
...         print(BatchClient().why(parsed.detail))  # the evidence: queue, capacity...

Importing this module is cheap: each name is imported on first use.
"""

import typing as _typing

from batchkit._exports import DYNAMIC_IMPORTS as _DYNAMIC_IMPORTS
from batchkit._exports import attach as _attach

if _typing.TYPE_CHECKING:
    from batchkit._core.events import DETAIL_TYPES as DETAIL_TYPES
    from batchkit._core.events import BatchEvent as BatchEvent
    from batchkit._core.events import JobQueueBlocked as JobQueueBlocked
    from batchkit._core.events import JobStateChange as JobStateChange
    from batchkit._core.events import ServiceJobQueueBlocked as ServiceJobQueueBlocked
    from batchkit._core.events import ServiceJobStateChange as ServiceJobStateChange
    from batchkit._core.events import parse_event as parse_event

__all__ = [
    "DETAIL_TYPES",
    "BatchEvent",
    "JobQueueBlocked",
    "JobStateChange",
    "ServiceJobQueueBlocked",
    "ServiceJobStateChange",
    "parse_event",
]

# `batchkit.events.JobStateChange.__module__ == "batchkit.events"` (batchkit/_exports.py).
if not _typing.TYPE_CHECKING:  # type checkers see the imports above instead
    __getattr__, __dir__ = _attach(__name__, globals(), _DYNAMIC_IMPORTS[__name__], __all__)
