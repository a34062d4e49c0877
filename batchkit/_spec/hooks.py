"""What a higher layer registers into the spec layer (this module imports nothing heavy).

The spec layer cannot import the error tree (``batchkit._core.errors`` is above it), yet a
member a :class:`~batchkit._spec.base.LazyModel` validates when first read must fail with a
typed ``ResponseValidationError``: ``batchkit._core.errors`` registers the factory here when
it is imported (which ``import batchkit`` does first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["invalid_member", "on_invalid_member"]

#: Makes the error for a deferred member that does not match its shape: (model, member
#: name, the validation error) -> the exception to raise.
invalid_member: Callable[[Any, str, Exception], Exception] | None = None


def on_invalid_member(factory: Callable[[Any, str, Exception], Exception]) -> None:
    """Register the factory (``batchkit._core.errors`` does, at import)."""
    global invalid_member
    invalid_member = factory
