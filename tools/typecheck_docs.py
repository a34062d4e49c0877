"""``mypy --strict`` on every ```python block of README.md and docs/*.md.

tests/meta/test_docs.py runs the blocks; this checks they are honest typed code too.  The blocks
of one page share a namespace when they run, so they are checked as one module per page:
each page becomes a ``.py`` file in which every line outside a python block is blank, so
mypy's line numbers are the Markdown file's.  Run by ``nox -s typecheck``; arguments are
passed on to mypy.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\S*)")


def python_lines(page: Path) -> list[str]:
    """The page's lines with everything outside ```python blocks blanked."""
    lines: list[str] = []
    block: str | None = None  # the language of the fenced block we are in
    for line in page.read_text(encoding="utf-8").splitlines():
        fence = FENCE.match(line)
        if fence:
            block = fence.group(1) if block is None else None
            lines.append("")
        else:
            lines.append(line if block == "python" else "")
    return lines


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        files: dict[str, Path] = {}
        for page in PAGES:
            lines = python_lines(page)
            if any(lines):
                target = Path(directory) / f"docs_{page.stem.replace('-', '_')}.py"
                target.write_text("\n".join(lines) + "\n", encoding="utf-8")
                files[str(target)] = page
        command = [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            *sys.argv[1:],
            *files,
        ]
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        output = result.stdout + result.stderr
        for temporary, page in files.items():
            output = output.replace(temporary, str(page.relative_to(ROOT)))
        print(output, end="")
        print(f"checked the python blocks of {len(files)} pages")
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
