"""Text bound for a terminal or a plain-text file a person reads (stderr, logs, urgent.txt):
every control character made visible, so an id or a comment of an export cannot move the
cursor, recolour the screen or hide the lines before it (``\\x1b[2J``, a lone carriage return)."""

from __future__ import annotations

import re
from typing import Final

# C0 controls, DEL and the C1 controls (U+0080-U+009F, an 8-bit terminal's CSI among them).
_CONTROL_RE: Final = re.compile("[\x00-\x1f\x7f-\x9f]")


def _escaped(found: re.Match[str]) -> str:
    return f"\\x{ord(found.group()):02x}"


def visible(text: str) -> str:
    """``text`` with each control character written as its escape (ESC -> ``\\x1b``)."""
    return _CONTROL_RE.sub(_escaped, text)
