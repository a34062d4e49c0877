"""The core layer: every rule, no I/O at all.

The rules the sync and async faces share live here as plain functions and sans-I/O state
machines: argument checks (``checks``), the default botocore configuration (``config``),
planning a call (``filters``, ``plans``), resume tokens (``tokens``), where a listing is
(``pager``), merging queues (``merge``), watching jobs (``watch``), reading logs (``logs``,
``locations``), failure reports (``report``), what a DescribeJobs answer yields
(``describe``), the archive's rules (``archive``), and the error tree (``errors``, with
redaction) and text safety (``text``).  Each takes what it needs as arguments or small
Protocols -- never a client -- and never sleeps, starts a thread, opens a connection or
touches process-wide state.

May import: ``_spec`` (and the standard library, botocore's pure helpers, pydantic).
"""
