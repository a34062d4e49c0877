"""The SQLite driver: stdlib ``sqlite3``, WAL, no server.

Autocommit mode with explicit ``BEGIN IMMEDIATE`` ... ``COMMIT``: a write transaction takes
the write lock when it starts (a second writer waits up to ``timeout`` instead of failing
half-way).  WAL with ``synchronous=NORMAL``: a killed process loses nothing committed.
User SQL runs on a second connection opened read-only (``mode=ro``, ``query_only``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from batchkit._core.archive import ArchiveError
from batchkit.archive._schema import SQLITE
from batchkit.archive._store import StreamedRows

__all__ = ["SqliteDriver"]


class SqliteDriver:
    dialect = SQLITE

    def __init__(self, path: str, *, timeout: float = 30.0) -> None:
        self.path = path
        self.where = f"sqlite:///{path}"
        memory = path == ":memory:"
        if not memory:
            parent = Path(path).expanduser().parent
            if not parent.is_dir():
                raise ArchiveError(
                    f"cannot open the archive {self.where}: the folder {parent} does not exist"
                )
        try:
            self._db = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise ArchiveError(f"cannot open the archive {self.where}: {error}") from error
        try:
            if not memory:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as error:
            self._db.close()
            raise ArchiveError(f"cannot open the archive {self.where}: {error}") from error
        self._depth = 0

    def _fail(self, error: sqlite3.Error, sql: str) -> ArchiveError:
        verb = sql.split(None, 1)[0].upper() if sql.strip() else "SQL"
        return ArchiveError(f"database error in {self.where} ({verb}): {error}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as error:
            raise self._fail(error, sql) from error

    def execute_count(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            return max(self._db.execute(sql, tuple(params)).rowcount, 0)
        except sqlite3.Error as error:
            raise self._fail(error, sql) from error

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        try:
            return max(self._db.executemany(sql, rows).rowcount, 0)
        except sqlite3.Error as error:
            raise self._fail(error, sql) from error

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:  # nested: part of the outer transaction
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise self._fail(error, "BEGIN") from error
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise self._fail(error, "COMMIT") from error

    def stream(
        self, sql: str, params: Sequence[Any] = (), size: int = 1000
    ) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
        try:
            cursor = self._db.execute(sql, tuple(params))
            columns = [c[0] for c in cursor.description or ()]
            while True:
                rows = cursor.fetchmany(size)
                if not rows:
                    return
                yield columns, rows
        except sqlite3.Error as error:
            raise self._fail(error, sql) from error

    def read_only(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], StreamedRows]:
        if self.path == ":memory:":
            db = self._db  # the only connection that sees an in-memory archive
            db.execute("PRAGMA query_only=ON")
            own = False
        else:
            uri = Path(self.path).expanduser().resolve().as_uri() + "?mode=ro"
            try:
                db = sqlite3.connect(uri, uri=True, isolation_level=None)
                db.execute("PRAGMA query_only=ON")
            except sqlite3.Error as error:
                raise ArchiveError(f"cannot open {self.where} read-only: {error}") from error
            own = True
        try:
            cursor = db.execute(sql, tuple(params))
        except sqlite3.Error as error:
            if own:
                db.close()
            else:
                db.execute("PRAGMA query_only=OFF")
            raise ArchiveError(f"SQL error: {error}") from error
        columns = [c[0] for c in cursor.description or ()]

        def rows() -> Iterator[tuple[Any, ...]]:
            try:
                while True:
                    batch = cursor.fetchmany(1000)
                    if not batch:
                        return
                    yield from batch
            except sqlite3.Error as error:
                raise ArchiveError(f"SQL error: {error}") from error

        def release() -> None:
            with contextlib.suppress(sqlite3.Error):
                cursor.close()
                if own:
                    db.close()
                else:
                    db.execute("PRAGMA query_only=OFF")

        return columns, StreamedRows(rows(), release)

    def close(self) -> None:
        self._db.close()
