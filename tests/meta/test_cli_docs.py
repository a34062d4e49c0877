"""Issue 23 ("done when"): the CLI reference in the docs is generated from the commands, so
help and docs cannot drift; this fails when docs/cli.md is stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).parents[2]


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "tools" / "cli_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_cli_md_is_what_the_commands_say() -> None:
    page = (ROOT / "docs" / "cli.md").read_text()
    assert page == tool().render(), "docs/cli.md is stale: run python tools/cli_docs.py"


def test_the_reference_covers_every_command_and_option() -> None:
    import click

    from batchkit._cli.app import cli

    page = (ROOT / "docs" / "cli.md").read_text()
    ctx = click.Context(cli, info_name="batchkit", **cli.context_settings)
    for command, sub in tool()._commands(cli, ctx):
        assert f"## `{sub.command_path}`" in page
        for param in command.params:
            for opt in getattr(param, "opts", ()):
                if opt.startswith("--") and opt not in tool()._global_names():
                    assert f"`{opt}" in page or f", {opt}" in page, (sub.command_path, opt)
    assert "cli.md" in (ROOT / "mkdocs.yml").read_text()  # on the site's menu
