"""Text from files and services made safe to print: control characters shown, never sent.

A value holding `ESC ]0;...` would retitle the maintainer's terminal, `ESC [2J` clear it, a lone
carriage return overwrite a line. Every printer of such text (error messages, validate's lines,
the commands' messages) passes it through `printable`, which shows C0 controls (tab and line
breaks excepted), DEL and C1 controls as `\\xNN`; an escape sequence is then inert text.
"""

from __future__ import annotations

import re

# C0 but tab, LF and CR; DEL; C1: no text means one (validate reports them in values, E111).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What is shown escaped: those, and a CR that does not end a line (CRLF) and would overwrite it.
CONTROL = re.compile(CONTROL_CHARACTER.pattern + r"|\r(?!\n)")


def printable(text: str) -> str:
    """`text` with every control character but tab and line breaks written as `\\xNN`."""
    if not CONTROL.search(text):  # nearly every message: returned as is
        return text
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
