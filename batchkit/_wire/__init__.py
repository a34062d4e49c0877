"""The wire layer: where a response body becomes typed items.

``fastpath`` validates JSON (and reads XML as botocore does) straight into the models at
botocore's ``before-parse`` event; ``xmlpath`` is its XML reader; ``page`` holds the steps
around a call (the request for a page, the items and next token of a response).  The body
checks that turn empty, garbage or truncated bodies into typed errors live here too.

May import: ``_core`` and ``_spec``.
"""
