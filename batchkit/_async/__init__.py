"""The I/O layer's source: every loop, written once, awaited.

The page source (where any failure becomes a ``BatchKitError``), the pager, the merge over
queues, the watch, the log reader, the failure report and the archive's feed, the
Protocol the features take instead of the client, and the clients themselves.
``tools/unasync.py`` generates ``batchkit/_sync/`` from these modules (``--check`` in
``nox -s lint``).  ``runtime.py`` (asyncio and aiobotocore) and ``describe.py`` (describe on
tasks) are written by hand, differently on each face.

May import: ``_wire``, ``_core``, ``_spec``; never ``_sync``.
"""
