"""A sync's progress on a terminal: one line on stderr, redrawn in place (rich), gone when
the sync ends."""

from __future__ import annotations

from typing import Any

from batchkit._core.archive import SyncReport

__all__ = ["ProgressLine", "progress_line"]


class ProgressLine:
    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live
        from rich.text import Text

        self._text = Text
        self._live: Any = Live(
            Text(""), console=Console(stderr=True), transient=True, auto_refresh=False
        )
        self._live.start()

    def update(self, queue: str, report: SyncReport) -> None:
        # queue names and ids are AWS's: shown as plain text, never parsed as markup
        line = self._text(
            f"archive sync {queue}: {report.new} new, {report.changed} changed, "
            f"{report.requests} requests",
            no_wrap=True,
            overflow="ellipsis",
        )
        self._live.update(line, refresh=True)

    def close(self) -> None:
        self._live.stop()


def progress_line() -> ProgressLine:
    return ProgressLine()
