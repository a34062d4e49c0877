"""Use batchkit as installed from the wheel (``nox -s package``, run outside the checkout)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import batchkit
from batchkit.testing import load_stubs, queue_stubs, stub_names

assert "site-packages" in (batchkit.__file__ or ""), f"not the installed copy: {batchkit.__file__}"
assert importlib.metadata.version("batchkit-aws") == batchkit.__version__
names = stub_names()
assert "batch_describe_jobs_documented" in names, names
assert all(load_stubs(name) for name in names)
assert callable(queue_stubs)
version = subprocess.run(
    ["batchkit", "--version"], capture_output=True, text=True, check=True
).stdout
assert batchkit.__version__ in version, version
plugin = subprocess.run(
    [
        sys.executable,
        "-c",
        "import sys, batchkit.testing.plugin; "
        "assert not {'boto3', 'pydantic'} & set(sys.modules), sorted(sys.modules)",
    ],
    check=False,
)
assert plugin.returncode == 0, "the pytest plugin imports boto3 or pydantic"
print(f"batchkit-aws {batchkit.__version__} installed: {len(names)} stub cases, CLI, plugin ok")
