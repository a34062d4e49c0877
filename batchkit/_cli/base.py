"""What every command shares: the settings (clients, consoles), error lines and exit codes.

Exit codes: 0 success, 1 AWS (or the job, the database) failed, 2 usage error, 130 Ctrl-C
(``watch`` adds 3: its timeout).  Every error is one line on stderr, ``error: ...``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.text import Text

from batchkit._core.errors import (
    BatchKitError,
    InvalidParameterError,
    JobNotFoundError,
    excerpt,
    redact,
)
from batchkit._core.text import escape_controls
from batchkit._sync.client import BatchClient, S3BatchOperationsClient


@dataclass
class Settings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    fake: bool = False
    given: set[str] = field(default_factory=set)
    """The global options given before the command (a repeat after it is refused)."""
    out: Console = field(default_factory=lambda: make_console(True, stderr=False))
    err: Console = field(default_factory=lambda: make_console(True, stderr=True))
    _fake_backend: Any = None

    def set_color(self, color: bool) -> None:
        """Colours on or off (``--no-color`` after the command: the consoles are remade)."""
        self.out = make_console(color, stderr=False)
        self.err = make_console(color, stderr=True)

    def backend(self) -> Any:
        """The embedded backend of ``--fake``: the demo account (the same as ``batchkit
        demo``'s, so what the README shows holds in either)."""
        if self._fake_backend is None:
            from batchkit.testing import FakeAWS

            self._fake_backend = FakeAWS.demo()
        return self._fake_backend

    def batch(self, config: Any = None) -> BatchClient:
        if self.fake:
            client: BatchClient = self.backend().batch_client(config)
            return client
        return BatchClient(session=self._session(), endpoint_url=self.endpoint_url, config=config)

    def s3(self, account_id: str | None) -> S3BatchOperationsClient:
        if self.fake:
            client: S3BatchOperationsClient = self.backend().s3_client(account_id)
            return client
        if account_id is None:
            raise click.UsageError("--account-id is required (the 12-digit AWS account id)")
        return S3BatchOperationsClient(
            account_id, session=self._session(), endpoint_url=self.endpoint_url
        )

    def _session(self) -> Any:
        import boto3

        return boto3.Session(profile_name=self.profile, region_name=self.region)


#: Python parameter names in batchkit's messages -> the options a shell user typed.
_SHELL_NAMES = {
    "job_name": "--name",
    "job_definition": "--definition",
    "share_identifier": "--share",
    "quota_share_name": "--quota-share",
    "created_after": "--since",
    "created_before": "--until",
    "created_between start": "--since",
    "created_between end": "--until",
    "account_id": "--account-id",
    "statuses": "--status",
    "status": "--status",
    "job_queue": "QUEUE",
    "array_job_id": "--array-job",
    "multi_node_job_id": "--multi-node-job",
    "job_ids item": "JOB_ID",
    "max_items": "--limit",
    "max_workers": "--workers",
    "attempt": "--attempt",
    "node": "--node",
    "container": "--container",
    "since": "--since",
    "tail": "--tail",
    "lines": "--lines",
    "job": "JOB_ID",
    "stopped_after": "--stopped-since",
    "stopped_before": "--stopped-until",
    "started_after": "--started-since",
    "started_before": "--started-until",
    "stopped_after/stopped_before": "--stopped-since/--stopped-until",
    "started_after/started_before": "--started-since/--started-until",
}

#: The narrowest terminal batchkit lays tables out for (``COLUMNS`` below it counts as this).
MIN_WIDTH = 20

#: The exit code of an interrupted command (128 + SIGINT, the shell's convention).
EXIT_INTERRUPTED = 130


_PYTHON_HINT = re.compile(r"\s*\((?:for a value newer than this batchkit, )?pass [\w.]+\([^)]*\)\)")


def shell_message(message: str) -> str:
    """A batchkit message as advice for the shell: option names instead of parameter names,
    no Python-only hints (``pass JobStatus('X')``)."""
    name, colon, rest = message.partition(": ")
    if colon and name in _SHELL_NAMES:
        message = f"{_SHELL_NAMES[name]}: {rest}"
    return _PYTHON_HINT.sub("", message)


def one_line(message: str) -> str:
    """What may reach the terminal from a message: no credentials, no control characters
    (newlines included: AWS's multi-line messages become one line)."""
    return escape_controls(redact(message))


#: How many characters of one echoed value an error line shows (the rest is counted).
SHOWN = 100

#: A value in an error line longer than this is cut to :data:`SHOWN` characters (a job
#: definition ARN with its revision fits whole).
_LONG_VALUE = re.compile(r"[^\s'\"]{121,}")

#: The longest error line (a thousand ids not found): the rest is counted, the hint kept.
MAX_ERROR_LINE = 2000

_HINT = re.compile(r" \(see: [^()]* --help\)$")


def error_line(message: str) -> str:
    """An error message as the one line the CLI prints: :func:`one_line`, with every echoed
    value longer than 120 characters cut to its first 100 and the whole line to 2,000
    characters (``... (+N more characters)``, :func:`~batchkit._core.errors.excerpt`; a
    ``(see: ... --help)`` hint kept) -- a 100 KB job id or SQL query typed by mistake, or
    echoed back by AWS, is not printed back in full."""
    text = _LONG_VALUE.sub(lambda long: excerpt(long[0], SHOWN), redact(message))
    if len(text) > MAX_ERROR_LINE:
        hint = _HINT.search(text)
        tail = hint[0] if hint else ""
        text = excerpt(text[: len(text) - len(tail)], MAX_ERROR_LINE - len(tail)) + tail
    return one_line(text)


#: The library's pointer to a Python attribute, at the end of a describe failure.
_UNDESCRIBED = re.compile(r"; \d+ job id\(s\) not described \(see \.undescribed_ids\): .*$")


def cli_terms(error: BatchKitError) -> str:
    """``error``'s message as a shell user acts on it: a DescribeJobs failure names the ids
    it could not describe and the command that describes them, instead of the Python
    attribute (``.undescribed_ids``) that holds them; ``follow=True`` is ``--follow``."""
    message = str(error).replace("follow=True", "--follow")
    ids = getattr(error, "undescribed_ids", ())
    if not ids:
        return message
    return (
        f"{_UNDESCRIBED.sub('', message)}; {len(ids)} job id(s) not described, nothing printed "
        f"for them (describe them again: batchkit describe {shlex.join(ids)})"
    )


def help_hint() -> str:
    """`` (see: batchkit CMD --help)``, the end of every usage error line (none outside a
    command)."""
    ctx = click.get_current_context(silent=True)
    return "" if ctx is None else f" (see: {ctx.command_path} --help)"


def fail(settings: Settings, message: str, code: int) -> NoReturn:
    text = Text(f"error: {error_line(message)}", style="bold red")
    settings.err.print(text, highlight=False, soft_wrap=True)
    raise SystemExit(code)


def interrupted(err: Console | None = None, note: str = "") -> NoReturn:
    """Ctrl-C, for every command: one line on stderr, exit 130 (output already closed)."""
    line = Text("interrupted" + (f": {note}" if note else ""), style="yellow")
    with contextlib.suppress(OSError, ValueError):  # stderr closed: the exit code says it
        (err or make_console(False, stderr=True)).print(line, highlight=False, soft_wrap=True)
    raise SystemExit(EXIT_INTERRUPTED)


def run(settings: Settings, action: Callable[[], int]) -> None:
    """Run a command; expected failures become one line on stderr and an exit code."""
    from botocore.exceptions import (
        BotoCoreError,
        InvalidRegionError,
        NoCredentialsError,
        NoRegionError,
        ProfileNotFound,
    )

    try:
        code = action()
    except KeyboardInterrupt:
        interrupted(settings.err)
    except InvalidParameterError as error:
        fail(settings, shell_message(str(error)) + help_hint(), 2)
    except JobNotFoundError as error:
        fail(settings, str(error), 1)
    except BatchKitError as error:
        fail(settings, cli_terms(error), 1)
    except ProfileNotFound as error:
        fail(settings, f"{error} (see --profile)", 2)
    except NoRegionError:
        fail(settings, "no AWS region configured: pass --region or set AWS_REGION", 2)
    except InvalidRegionError as error:
        fail(settings, f"{error} (see --region)", 2)
    except NoCredentialsError:
        fail(settings, "no AWS credentials found (configure them, or try --fake)", 1)
    except BotoCoreError as error:
        fail(settings, str(error), 1)
    except BrokenPipeError:
        # The one broken-pipe handler (rich's own hook re-raises to here): `batchkit jobs q |
        # head` -- the reader left, which is not an error.  Point stdout at devnull so that
        # the interpreter's last flush does not complain, and exit 0.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None
    raise SystemExit(code)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1; hand the broken pipe to the one handler, in run.
        raise BrokenPipeError


def make_console(color: bool, stderr: bool) -> Console:
    # markup=False: text from AWS ("[bold]" in a job name) is printed as it is, never parsed.
    options: dict[str, Any] = {"stderr": stderr, "highlight": False, "soft_wrap": True}
    if not color:
        options["color_system"] = None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) < MIN_WIDTH:
        options["width"] = MIN_WIDTH  # rich prints nothing at all at COLUMNS=0
    return _Console(markup=False, emoji=False, **options)


def tolerant_streams() -> None:
    """Characters the terminal's encoding cannot write (``PYTHONIOENCODING=ascii``, a C
    locale) print as ``\\u00e9`` escapes instead of crashing the listing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or odd stream: leave it
                reconfigure(errors="backslashreplace")


def check_endpoint_url(value: str) -> str:
    """``value`` if it is an http(s) URL with a host; else InvalidParameterError."""
    shown = escape_controls(value)
    if UNSAFE_URL.search(value):
        raise InvalidParameterError(f"--endpoint-url: {shown!r} contains spaces or controls")
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidParameterError(
            f"--endpoint-url: {shown!r} is not an http(s) URL (e.g. http://localhost:4566)"
        )
    return value


UNSAFE_URL = re.compile(r"[\s\x00-\x1f\x7f]")
