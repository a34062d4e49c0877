"""The I/O layer's sync twin: generated from ``batchkit/_async/`` by ``tools/unasync.py``.

Never edit a generated file (each says so in its first line): change the async source and
run ``python tools/unasync.py``.  ``runtime.py`` (threads and boto3) and ``describe.py``
(describe on a thread pool) are written by hand.

May import: ``_wire``, ``_core``, ``_spec``; never ``_async``.
"""
