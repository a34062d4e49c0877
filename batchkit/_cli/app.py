"""The ``batchkit`` command line (click + rich).

Listings stream: the first rows print as soon as the first page arrives, whatever the
format.  ``--format json`` / ``jsonl`` print the exact wire shape (pipe it into ``jq``);
``table`` is for people (aligned, coloured status, relative times); ``csv`` is for machines
(a header row always, ISO 8601 UTC times, plain numbers).  Expected errors print one line and
exit 1 (AWS) or 2 (usage), no traceback.  ``--fake`` runs any command on the embedded backend
seeded with the demo account.

Text from AWS is not trusted: in table and CSV output and in error messages every control
character (C0, C1, DEL), bidi override and line separator is shown escaped (``\x1b``), rich
never interprets markup in it, CSV cells that a spreadsheet would run as a formula get a
leading ``'``, and credentials are redacted from error messages.  JSON is exact (and ASCII:
``json.dumps`` escapes every control and non-ASCII character).
"""

from __future__ import annotations

import os

import click

from batchkit import __version__
from batchkit._cli.archive import archive_commands
from batchkit._cli.base import (
    Settings,
    check_endpoint_url,
    fail,
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

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--profile", help="AWS profile (default: boto3's usual lookup).")
@click.option("--region", help="AWS region (default: boto3's usual lookup).")
@click.option("--endpoint-url", help="Another endpoint (a proxy, LocalStack...).")
@click.option("--no-color", is_flag=True, help="No colours (also: NO_COLOR set).")
@click.option("--fake", is_flag=True, help="Use the embedded backend with the demo account.")
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
    """Typed reads of AWS Batch and S3 Batch Operations jobs."""
    tolerant_streams()
    color = not no_color and "NO_COLOR" not in os.environ
    settings = Settings(
        profile=profile,
        region=region,
        endpoint_url=endpoint_url,
        fake=fake,
        out=make_console(color, stderr=False),
        err=make_console(color, stderr=True),
    )
    ctx.obj = settings
    if endpoint_url is not None:
        try:
            check_endpoint_url(endpoint_url)
        except InvalidParameterError as error:
            fail(settings, str(error), 2)


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
cli.add_command(archive_commands(run, one_line, csv_cell))
