"""Misuse only mypy (with pydantic's plugin) can reject: pyright does not read pydantic's
``model_config``, so it cannot know the models are frozen.  Excluded from pyright."""

from __future__ import annotations

from batchkit.models import JobSummary


def rejected(summary: JobSummary) -> None:
    summary.job_name = "renamed"  # type: ignore[misc]
