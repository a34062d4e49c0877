"""Check the built wheel and sdist (``nox -s package``): name, version, Python versions,
entry points, and the files that must ship (the stub library, ``py.typed``).

Usage: ``python tools/check_dist.py DIST_DIR``
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "batchkit-aws"
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def version() -> str:
    text = (ROOT / "batchkit" / "_version.py").read_text()
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    assert match, "batchkit/_version.py has no __version__"
    return match.group(1)


def check_wheel(wheel: Path, expected_version: str) -> None:
    assert wheel.name.startswith(f"batchkit_aws-{expected_version}-py3-none-any"), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"batchkit_aws-{expected_version}.dist-info"
        metadata = HeaderParser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    stubs = sorted(p.name for p in (ROOT / "batchkit" / "testing" / "stubs").glob("*.json"))
    shipped = sorted(n.rsplit("/", 1)[-1] for n in names if n.startswith("batchkit/testing/stubs/"))
    assert stubs, "no stub files in the checkout"
    assert shipped == stubs, f"stub files in the wheel: {shipped}, expected {stubs}"
    for required in ("batchkit/py.typed", "batchkit/_version.py", "batchkit/testing/plugin.py"):
        assert required in names, f"{required} missing from the wheel"
    assert not [n for n in names if n.startswith(("tests/", "tools/", "docs/"))], "stray files"
    assert metadata["Name"] == DISTRIBUTION, metadata["Name"]
    assert metadata["Version"] == expected_version, metadata["Version"]
    assert metadata["Requires-Python"] == ">=3.10", metadata["Requires-Python"]
    classifiers = metadata.get_all("Classifier") or []
    for python in PYTHONS:
        assert f"Programming Language :: Python :: {python}" in classifiers, python
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert "batchkit = batchkit.__main__:main" in entry_points
    assert "batchkit = batchkit.testing.plugin" in entry_points
    print(f"{wheel.name}: {len(names)} files, {len(shipped)} stub files, metadata ok")


def check_sdist(sdist: Path, expected_version: str) -> None:
    assert sdist.name == f"batchkit_aws-{expected_version}.tar.gz", sdist.name
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for required in ("pyproject.toml", "README.md", "batchkit/_version.py"):
        assert required in names, f"{required} missing from the sdist"
    assert any(n.startswith("batchkit/testing/stubs/") for n in names), "no stubs in the sdist"
    print(f"{sdist.name}: {len(names)} files ok")


def main() -> None:
    dist = Path(sys.argv[1])
    expected = version()
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    check_wheel(wheel, expected)
    check_sdist(sdist, expected)


if __name__ == "__main__":
    main()
