"""Public objects report their public path, the way httpx does it.

``batchkit.BatchClient.__module__`` is ``"batchkit"`` (not ``"batchkit._sync.client"``), so reprs,
tracebacks, pickles, documentation and type-checker messages show the path users import from.
The private modules stay free to move code around.

doctest finds a method's examples only in the module that defines it, and a class whose
``__module__`` changed no longer looks defined there: :func:`publish` returns the mapping to
bind to the public module's ``__test__`` so that ``pytest --doctest-modules`` keeps running
those examples (doctest skips any object it has already seen, so nothing runs twice).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from types import FunctionType
from typing import Any

__all__ = ["publish"]


def publish(
    namespace: MutableMapping[str, Any], module: str, names: Iterable[str]
) -> dict[str, Any]:
    """Set ``__module__`` to ``module`` on each class and function named in ``names``.

    Args:
        namespace: the public module's globals.
        module: the public module's name, e.g. ``"batchkit"``.
        names: the names to publish (the module's ``__all__``); names not bound yet (lazy
            attributes) and non-class, non-function values are skipped.

    Returns:
        The doctest ``__test__`` mapping: each published object and each method, class method,
        static method or property of a published class whose docstring has an example.
    """
    tests: dict[str, Any] = {}
    for name in names:
        obj = namespace.get(name)
        if not isinstance(obj, (type, FunctionType)):
            continue
        tests[name] = obj
        if isinstance(obj, type):
            for attribute, member in vars(obj).items():
                # Only look inside plain descriptors: touching anything else (pydantic's
                # deferred validators) could build it.
                function: object = member
                if isinstance(member, (classmethod, staticmethod)):
                    function = member.__func__
                elif isinstance(member, property):
                    function = member.fget
                if isinstance(function, FunctionType) and ">>>" in (function.__doc__ or ""):
                    tests[f"{name}.{attribute}"] = function
        obj.__module__ = module
    return tests
