"""Job history that outlives AWS: an incremental archive of AWS Batch and S3 Batch
Operations jobs in SQLite (stdlib, the default) or PostgreSQL (``batchkit-aws[postgres]``),
ready for analysis (pandas) and for Parquet (``batchkit-aws[parquet]``: DuckDB, Athena,
Spark).

>>> from batchkit.archive import Archive
>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> _ = fake.add_job("etl", job_name="ingest", status="FAILED", exit_code=2)
>>> with Archive("sqlite://") as archive:
...     report = archive.sync(fake.batch_client())
...     print(report.new, archive.count("jobs"))
1 1

See docs/archive.md.  Importing this package is cheap: no pandas, pyarrow or psycopg until
a function needs them.
"""

from batchkit._core.archive import ArchiveError, SyncReport
from batchkit.archive._archive import DEFAULT_PATH, Archive, SqlResult, default_url
from batchkit.archive._export import ExportReport
from batchkit.archive._schema import SCHEMA_VERSION, TABLES, VIEWS

__all__ = [
    "DEFAULT_PATH",
    "SCHEMA_VERSION",
    "TABLES",
    "VIEWS",
    "Archive",
    "ArchiveError",
    "ExportReport",
    "SqlResult",
    "SyncReport",
    "default_url",
]


def _publish() -> dict[str, object]:
    """Public objects report their public module (as batchkit's own do), so reprs and
    tracebacks show ``batchkit.archive.Archive``; doctest still finds their examples."""
    tests: dict[str, object] = {}
    namespace = globals()
    for name in __all__:
        obj = namespace[name]
        if isinstance(obj, type) or callable(obj):
            tests[name] = obj
            obj.__module__ = __name__
    return tests


__test__ = _publish()
