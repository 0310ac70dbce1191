"""A rich Console that never lets text it prints drive the terminal (SPEC §6; issue 10 class 16).

A file name, a unit name or a reviewer's note may hold ESC sequences: printed raw they could recolour
or clear a terminal or forge lines in a CI log. Every control character in printed text is shown
escaped (\\x1b); rich's own colour codes are segments of their own and pass untouched.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from civdoc.safe.paths import CONTROLS, shown

escape_controls = shown  # one rule for what may not reach a terminal (safe/paths.py)


class SafeConsole(Console):
    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            Segment(escape_controls(s.text), s.style, s.control) if not s.control and CONTROLS.search(s.text) else s
            for s in buffer
        )
