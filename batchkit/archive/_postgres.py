"""The PostgreSQL driver: psycopg 3 (``pip install 'batchkit-aws[postgres]'``), imported
when an archive is opened on a ``postgresql://`` URL.

The store writes ``?`` placeholders (SQLite's); they become psycopg's ``%s`` here -- the only
translation.  Autocommit connection, explicit transactions; user SQL runs in a
``READ ONLY`` transaction that is rolled back.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from batchkit._core.archive import ArchiveError
from batchkit.archive._schema import POSTGRESQL
from batchkit.archive._store import StreamedRows

__all__ = ["PostgresDriver", "safe_url"]

_PLACEHOLDER = re.compile(r"\?")


def safe_url(url: str) -> str:
    """``url`` without its password (for messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://<unreadable URL>"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def _sql(sql: str) -> str:
    return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))


class PostgresDriver:
    dialect = POSTGRESQL

    def __init__(self, url: str, *, connect_timeout: float = 10.0) -> None:
        self.where = safe_url(url)
        try:
            import psycopg
        except ImportError as error:
            raise ArchiveError(
                f"{self.where}: PostgreSQL archives need psycopg 3: "
                "pip install 'batchkit-aws[postgres]'"
            ) from error
        self._psycopg = psycopg
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        if dsn.startswith("postgres://"):
            dsn = "postgresql://" + dsn[len("postgres://") :]
        try:
            self._db = psycopg.connect(
                dsn, autocommit=True, connect_timeout=max(1, round(connect_timeout))
            )
        except psycopg.Error as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise ArchiveError(f"cannot open the archive {self.where}: {message}") from error
        self._depth = 0

    def _fail(self, error: Exception, sql: str) -> ArchiveError:
        verb = sql.split(None, 1)[0].upper() if sql.strip() else "SQL"
        first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return ArchiveError(f"database error in {self.where} ({verb}): {first}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            cursor = self._db.execute(_sql(sql), tuple(params))
            return list(cursor.fetchall()) if cursor.description is not None else []
        except self._psycopg.Error as error:
            raise self._fail(error, sql) from error

    def execute_count(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            return max(self._db.execute(_sql(sql), tuple(params)).rowcount, 0)
        except self._psycopg.Error as error:
            raise self._fail(error, sql) from error

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        try:
            with self._db.cursor() as cursor:
                cursor.executemany(_sql(sql), rows)
                return max(cursor.rowcount, 0)
        except self._psycopg.Error as error:
            raise self._fail(error, sql) from error

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self._db.transaction():
                yield
        except self._psycopg.Error as error:
            raise self._fail(error, "COMMIT") from error
        finally:
            self._depth = 0

    def stream(
        self, sql: str, params: Sequence[Any] = (), size: int = 1000
    ) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
        try:
            with self._db.transaction(), self._db.cursor(name="batchkit_stream") as cursor:
                cursor.execute(_sql(sql), tuple(params))
                columns: list[str] | None = None
                while True:
                    rows = cursor.fetchmany(size)
                    if columns is None:
                        columns = [c.name for c in cursor.description or ()]
                    if not rows:
                        return
                    yield columns, list(rows)
        except self._psycopg.Error as error:
            raise self._fail(error, sql) from error

    def read_only(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], StreamedRows]:
        psycopg = self._psycopg
        try:
            db = psycopg.connect(self._db.info.dsn, password=self._db.info.password or None)
            db.read_only = True
            cursor = db.execute(sql, tuple(params) or None)
        except psycopg.Error as error:
            with contextlib.suppress(Exception):
                db.close()
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise ArchiveError(f"SQL error: {first}") from error
        columns = [c.name for c in cursor.description or ()]

        def rows() -> Iterator[tuple[Any, ...]]:
            try:
                while True:
                    batch = cursor.fetchmany(1000)
                    if not batch:
                        return
                    yield from batch
            except psycopg.Error as error:
                raise ArchiveError(f"SQL error: {error}") from error

        def release() -> None:
            with contextlib.suppress(Exception):
                db.rollback()
            with contextlib.suppress(Exception):
                db.close()

        return columns, StreamedRows(rows(), release)

    def close(self) -> None:
        self._db.close()
