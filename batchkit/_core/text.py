r"""Making text from AWS safe to show on a terminal or in a one-line message.

AWS-controlled strings (job names, ``statusReason``, S3 descriptions, error messages,
response bodies) can carry control characters: ``ESC ] 0 ; ... BEL`` retitles a terminal,
``ESC [ 2 J`` clears it, OSC 8 forges hyperlinks, C1 ``CSI`` (U+009B) does the same in one
character, and bidi overrides reorder what is displayed.  :func:`escape_controls` makes every
such character visible as a Python-style escape, so nothing reaches the terminal that it
would interpret, and a reader still sees that something was there.

>>> escape_controls("ok\x1b]0;pwned\x07 \u202egnp.exe")
'ok\\x1b]0;pwned\\x07 \\u202egnp.exe'
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE", "escape_controls"]

#: C0 controls, DEL, C1 controls; bidi marks, embeddings, overrides and isolates; the line
#: and paragraph separators (line breaks for some renderers).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    r"""``text`` with every character a terminal would interpret written as ``\xNN`` or
    ``\uNNNN`` (tab and newline included: the result is one line)."""
    return UNSAFE.sub(_escape, text)
