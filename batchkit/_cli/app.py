"""The ``batchkit`` command line (click + rich).

Listings stream: the first rows print as soon as the first page arrives, whatever the
format.  ``--format json`` / ``jsonl`` print the exact wire shape (pipe it into ``jq``;
``--query`` applies a JMESPath expression to the same records, as aws-cli's does); ``table``
is for people (aligned, coloured status, relative times, fitted to the terminal's width);
``csv`` is for machines (a header row always, ISO 8601 UTC times, plain numbers).  Each record
type has one documented column set, the same in the table and in CSV (docs/cli.md).

Habits of aws-cli and Unix, kept on every command:

* ``--profile``, ``--region``, ``--endpoint-url``, ``--fake`` and ``--no-color`` go before
  the command or after it (``batchkit jobs etl --region us-west-2``).
* ``--format`` is also spelled ``--output``.
* Every usage error is one line naming the option and what it allows, exit 2 -- click's
  own included (:meth:`BatchkitGroup.main`).  AWS errors: one line, exit 1.
* An option that takes a value is given once; the options that name a set (``--status``,
  and ``QUEUE``/``JOB_ID`` arguments) may be repeated and mean the union.  Repeating any
  other option is a usage error, never "the last one wins" (:func:`refuse_repeats`).
* Ctrl-C: exit 130, one line (``interrupted``), no traceback, and what was printed stays
  well-formed (a JSON array is closed).

Text from AWS is not trusted: in table and CSV output and in error messages every control
character (C0, C1, DEL), bidi override and line separator is shown escaped (``\\x1b``), rich
never interprets markup in it, CSV cells that a spreadsheet would run as a formula get a
leading ``'`` (in any locale's separator: see :func:`batchkit._cli.output.csv_cell`), and
credentials are redacted from error messages.  JSON is exact (and ASCII: ``json.dumps``
escapes every control and non-ASCII character).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any, NoReturn

import click
from rich.text import Text

from batchkit import __version__
from batchkit._cli.archive import archive_commands
from batchkit._cli.base import (
    Settings,
    check_endpoint_url,
    error_line,
    interrupted,
    make_console,
    one_line,
    run,
    tolerant_streams,
)
from batchkit._cli.diagnose import queues, why
from batchkit._cli.following import logs, watch
from batchkit._cli.listing import demo, describe, jobs, s3_jobs, service_jobs
from batchkit._cli.output import csv_cell
from batchkit._core.errors import InvalidParameterError

__all__ = ["BatchkitGroup", "cli", "main", "refuse_repeats"]

EXIT_USAGE = 2

#: ``ctx.meta`` key: the subcommand a group resolved (name, command).
_RESOLVED = "batchkit.resolved"

#: The options every command takes, before or after its name: (attribute of Settings, flag).
GLOBAL_OPTIONS: dict[str, tuple[str, str]] = {
    "--profile": ("profile", "AWS profile (default: boto3's usual lookup)."),
    "--region": ("region", "AWS region (default: boto3's usual lookup)."),
    "--endpoint-url": (
        "endpoint_url",
        "Another endpoint: a proxy, a VPC endpoint, an emulator (see docs/cli.md for S3 "
        "Control's account-id host prefix).",
    ),
    "--fake": ("fake", "Use the embedded backend with the demo account (no AWS)."),
    "--no-color": ("no_color", "No colours (also: NO_COLOR set)."),
}


def _settings(ctx: click.Context) -> Settings:
    settings = ctx.find_object(Settings)
    assert settings is not None, "the batchkit group makes the settings first"
    return settings


def _set_global(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option given after the command: into the settings (once: given before the
    command as well is a repeat, refused like any other)."""
    if value is None or value is False or ctx.resilient_parsing:
        return
    settings = _settings(ctx)
    option = param.opts[0]
    attribute = GLOBAL_OPTIONS[option][0]
    if attribute in settings.given:
        raise click.BadParameter(
            "given before and after the command; give it once", ctx=ctx, param=param
        )
    settings.given.add(attribute)
    if attribute == "no_color":
        settings.set_color(False)
    elif attribute == "endpoint_url":
        settings.endpoint_url = _checked_url(value, ctx, param)
    else:
        setattr(settings, attribute, value)


def _checked_url(value: str, ctx: click.Context, param: click.Parameter) -> str:
    try:
        return check_endpoint_url(value)
    except InvalidParameterError as error:
        raise click.BadParameter(str(error).partition(": ")[2], ctx=ctx, param=param) from None


def global_params() -> list[click.Parameter]:
    """The global options as a command's own (``batchkit jobs etl --region us-west-2``)."""
    params: list[click.Parameter] = []
    for option, (attribute, help_text) in GLOBAL_OPTIONS.items():
        flag = attribute in ("fake", "no_color")
        params.append(
            click.Option(
                [option],
                is_flag=flag,
                default=False if flag else None,
                expose_value=False,
                callback=_set_global,
                help=help_text,
            )
        )
    return params


def _adopt(command: click.Command) -> None:
    """Give ``command`` (and every command under it; a group too, before its subcommand:
    ``batchkit archive --fake stats``) the global options."""
    names = {opt for param in command.params for opt in getattr(param, "opts", ())}
    if "--region" not in names:
        command.params.extend(global_params())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _adopt(sub)


def _option_name(param: click.Parameter) -> str:
    """``--limit``; ``--format/--output`` for an option of several long names."""
    names = [opt for opt in getattr(param, "opts", None) or [] if opt.startswith("--")]
    return "/".join(names) if names else param.human_readable_name


def refuse_repeats(command: click.Command, ctx: click.Context, args: Sequence[str]) -> None:
    """One rule for repeated options: a set option (``multiple=True``: ``--status``) takes
    the union of its repeats; every other option that takes a value may be given once --
    a repeat is a usage error naming it, never silently "the last one wins"."""
    if ctx.resilient_parsing:  # shell completion: nothing is run, nothing to refuse
        return
    parent = ctx if ctx.command is not command else ctx.parent
    # A context as click makes it (the command's own context settings: -h as well as --help),
    # parsing only: click caches a command's help option from the first context that asks.
    probe = command.context_class(
        command,
        parent=parent,
        info_name=ctx.info_name if parent is ctx.parent else command.name,
        resilient_parsing=True,
        **command.context_settings,
    )
    try:
        _, _, order = command.make_parser(probe).parse_args(args=list(args))
    except click.UsageError:
        return  # the real parse reports it, with the same message
    seen: set[str] = set()
    for param in order:
        if not isinstance(param, click.Option) or param.multiple or param.is_flag:
            continue
        if param.count:
            continue
        name = param.name or ""
        if name in seen:
            raise click.BadParameter(
                "given more than once; give it once (only set options such as --status "
                "may be repeated)",
                ctx=probe,
                param=param,
            )
        seen.add(name)


def _allowed(ctx: click.Context | None, option: str) -> str:
    """What ``option`` of ``ctx``'s command takes (``--status`` given without a value)."""
    if ctx is None:
        return ""
    param = next((p for p in ctx.command.params if option in getattr(p, "opts", ())), None)
    if param is None:
        return ""
    if isinstance(param.type, click.Choice):
        return "one of " + ", ".join(str(choice) for choice in param.type.choices)
    allowed = getattr(param.type, "allowed", None)
    return str(allowed()) if callable(allowed) else ""


def usage_line(error: click.ClickException) -> str:
    """A click error as batchkit's one line: the option, what went wrong, what is allowed."""
    message = " ".join(error.format_message().split()).rstrip(".")
    if isinstance(error, click.MissingParameter) and error.param is not None:
        what = "argument" if isinstance(error.param, click.Argument) else "option"
        return f"{_option_name(error.param)}: missing {what}"
    if isinstance(error, click.BadParameter) and error.param is not None:
        return f"{_option_name(error.param)}: {' '.join(error.message.split()).rstrip('.')}"
    if isinstance(error, click.NoSuchOption):
        hint = ""
        if error.possibilities:
            hint = "; did you mean " + " or ".join(sorted(error.possibilities)) + "?"
        return f"{error.option_name}: no such option{hint}"
    if isinstance(error, click.BadOptionUsage):
        text = re.sub(r"^Option '[^']*' ", "", " ".join(error.message.split())).rstrip(".")
        text = text.replace("an argument", "a value")
        allowed = _allowed(error.ctx, error.option_name)
        return f"{error.option_name}: {text}" + (f": {allowed}" if allowed else "")
    return message


class BatchkitGroup(click.Group):
    """A click group with batchkit's habits (see the module's docstring): global options on
    every command, the one rule for repeated options, one error style, Ctrl-C as exit 130."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _adopt(cmd)
        super().add_command(cmd, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        refuse_repeats(self, ctx.parent or ctx, args)
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            ctx.meta[_RESOLVED] = (name, command)
        if command is not None and not isinstance(command, click.Group):
            refuse_repeats(command, ctx, rest)
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.BadOptionUsage as error:
            # `--status` without a value: click's parser leaves the command's context out;
            # with it the line can say what the option takes, and where to read more.
            resolved = ctx.meta.get(_RESOLVED)
            if error.ctx is None and resolved is not None:
                name, command = resolved
                error.ctx = command.context_class(
                    command, parent=ctx, info_name=name, resilient_parsing=True
                )
            raise

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.Exit as done:
            raise SystemExit(done.exit_code) from None
        except (click.Abort, KeyboardInterrupt):
            interrupted()
        except click.ClickException as error:
            _show(error)
        raise SystemExit(0)


def _show(error: click.ClickException) -> NoReturn:
    no_args_help = getattr(click.exceptions, "NoArgsIsHelpError", None)
    if no_args_help is not None and isinstance(error, no_args_help):
        error.show()  # `batchkit` alone: the help
        raise SystemExit(error.exit_code)
    err = make_console("NO_COLOR" not in os.environ, stderr=True)
    line = usage_line(error)
    if isinstance(error, click.UsageError) and error.ctx is not None:
        line += f" (see: {error.ctx.command_path} --help)"
    text = Text(f"error: {error_line(line)}", style="bold red")
    err.print(text, highlight=False, soft_wrap=True)
    raise SystemExit(error.exit_code)


@click.group(
    "batchkit", cls=BatchkitGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option("--profile", help=GLOBAL_OPTIONS["--profile"][1])
@click.option("--region", help=GLOBAL_OPTIONS["--region"][1])
@click.option("--endpoint-url", help=GLOBAL_OPTIONS["--endpoint-url"][1])
@click.option("--no-color", is_flag=True, help=GLOBAL_OPTIONS["--no-color"][1])
@click.option("--fake", is_flag=True, help=GLOBAL_OPTIONS["--fake"][1])
@click.version_option(__version__, prog_name="batchkit")
@click.pass_context
def cli(
    ctx: click.Context,
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    no_color: bool,
    fake: bool,
) -> None:
    """Typed reads of AWS Batch and S3 Batch Operations jobs.

    The global options (--profile, --region, --endpoint-url, --fake, --no-color) may also
    follow the command.  Exit codes: 0 ok, 1 AWS or a job failed, 2 usage error, 130 Ctrl-C.
    """
    tolerant_streams()
    color = not no_color and "NO_COLOR" not in os.environ
    settings = Settings(
        profile=profile,
        region=region,
        fake=fake,
        out=make_console(color, stderr=False),
        err=make_console(color, stderr=True),
    )
    given = {"profile": profile, "region": region, "endpoint_url": endpoint_url}
    settings.given = {name for name, value in given.items() if value is not None}
    settings.given |= {name for name, flag in (("fake", fake), ("no_color", no_color)) if flag}
    ctx.obj = settings
    if endpoint_url is not None:
        param = next(p for p in ctx.command.params if p.name == "endpoint_url")
        settings.endpoint_url = _checked_url(endpoint_url, ctx, param)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``batchkit`` console script and ``python -m batchkit``."""
    try:
        cli.main(args=argv, prog_name="batchkit", standalone_mode=True)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return 0


for _command in (
    jobs,
    service_jobs,
    describe,
    s3_jobs,
    queues,
    demo,
    watch,
    logs,
    why,
):
    cli.add_command(_command)
cli.add_command(archive_commands(run, one_line, csv_cell, BatchkitGroup))
