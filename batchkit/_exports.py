"""How the public modules expose their names: one mechanism, one table.

Public objects report their public path, the way httpx does it.

``batchkit.BatchClient.__module__`` is ``"batchkit"`` (not ``"batchkit._sync.client"``), so reprs,
tracebacks, pickles, documentation and type-checker messages show the path users import from.
The private modules stay free to move code around.

doctest finds a method's examples only in the module that defines it, and a class whose
``__module__`` changed no longer looks defined there: :func:`publish` returns the mapping to
bind to the public module's ``__test__`` so that ``pytest --doctest-modules`` keeps running
those examples (doctest skips any object it has already seen, so nothing runs twice).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from types import FunctionType
from typing import Any

__all__ = ["DYNAMIC_IMPORTS", "attach", "publish"]

#: The names each public module imports on first use, and where each is defined (pydantic's
#: ``_dynamic_imports``): importing them builds pydantic models or imports boto3, which
#: ``import batchkit`` (and the pytest plugin, and a CLI's start-up) should not pay for.
#: ``batchkit.models``' names come from the generated index
#: (``batchkit._spec.models.index.MODEL_MODULES``), passed to :func:`attach` the same way.
DYNAMIC_IMPORTS: dict[str, dict[str, str]] = {
    "batchkit": {
        "AttemptReport": "batchkit._core.report",
        "BOTOCORE_VERSION": "batchkit._spec.models.index",
        "BlockedReason": "batchkit._core.diagnose",
        "CheckNotMade": "batchkit._core.diagnose",
        "ChildrenSummary": "batchkit._core.report",
        "ComputeEnvironmentState": "batchkit._core.diagnose",
        "ConsumableShortfall": "batchkit._core.diagnose",
        "Dependency": "batchkit._core.diagnose",
        "FailureGroup": "batchkit._core.report",
        "FailureKind": "batchkit._core.report",
        "FailureReport": "batchkit._core.report",
        "FollowPolicy": "batchkit._core.logs",
        "InstanceFit": "batchkit._core.diagnose",
        "JobReport": "batchkit._core.report",
        "LogEvent": "batchkit._core.logs",
        "LogLocation": "batchkit._core.locations",
        "QueueHealth": "batchkit._core.diagnose",
        "QueuePosition": "batchkit._core.diagnose",
        "QueueState": "batchkit._core.diagnose",
        "Requirement": "batchkit._core.diagnose",
        "S3Failure": "batchkit._core.s3report",
        "S3StatusReport": "batchkit._core.s3report",
        "Shortfall": "batchkit._core.diagnose",
        "WaitKind": "batchkit._core.diagnose",
        "WaitReport": "batchkit._core.diagnose",
    },
    "batchkit.events": {
        "DETAIL_TYPES": "batchkit._core.events",
        "BatchEvent": "batchkit._core.events",
        "JobQueueBlocked": "batchkit._core.events",
        "JobStateChange": "batchkit._core.events",
        "ServiceJobQueueBlocked": "batchkit._core.events",
        "ServiceJobStateChange": "batchkit._core.events",
        "parse_event": "batchkit._core.events",
    },
    "batchkit.testing": {
        "AWSErrorResponse": "batchkit.testing._wire",
        "FAULT_KINDS": "batchkit.testing._fake.faults",
        "FakeAWS": "batchkit.testing._fake",
        "Fault": "batchkit.testing._fake.faults",
        "Lifecycle": "batchkit.testing._fake.lifecycle",
        "ManualClock": "batchkit.testing._clock",
        "RateLimit": "batchkit.testing._throttle",
        "RawReply": "batchkit.testing._wire",
        "SimulatedClock": "batchkit.testing._throttle",
        "Step": "batchkit.testing._fake.lifecycle",
        "Stub": "batchkit.testing._stubs",
        "StubError": "batchkit.testing._stubs",
        "WireStubber": "batchkit.testing._wire",
        "current_request": "batchkit.testing._wire",
        "decode_request": "batchkit.testing._wire",
        "encode_error": "batchkit.testing._wire",
        "encode_response": "batchkit.testing._wire",
        "load_stubs": "batchkit.testing._stubs",
        "queue_stubs": "batchkit.testing._stubs",
        "serve": "batchkit.testing._wire",
        "stub_names": "batchkit.testing._stubs",
    },
}


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


def attach(
    module: str,
    namespace: MutableMapping[str, Any],
    lazy: Mapping[str, str],
    names: Iterable[str],
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A public module's ``__getattr__`` and ``__dir__`` (PEP 562): each name of ``lazy`` is
    imported from its module on first access and published (:func:`publish`); the names
    already bound (``names``, the module's ``__all__``) are published now.

    ``__test__`` (doctest's mapping, see above) is never bound: doctest asks for it after
    every name, and then every lazy name is imported.  One name's module at a time, so a
    module may import a sibling's name from its public module without a cycle.
    """
    tests = publish(namespace, module, names)

    def load(name: str) -> object:
        value = getattr(importlib.import_module(lazy[name]), name)
        namespace[name] = value
        tests.update(publish(namespace, module, [name]))
        return value

    def __getattr__(name: str) -> object:
        if name in lazy:
            return load(name)
        if name == "__test__":
            for each in sorted(lazy.keys() - namespace.keys()):
                load(each)
            return tests
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*namespace, *lazy})

    return __getattr__, __dir__
