"""Readline for the interactive shell: history file and tab completion.

Completes SQL keywords, dot-command names, and the table and column names of
the open database (read through the shell's connection). Imported only when
the shell talks to a terminal."""

from __future__ import annotations

import atexit
import os
from typing import TYPE_CHECKING

from pyrite.cli.modes import KEYWORDS

if TYPE_CHECKING:
    from pyrite.cli.shell import Shell

HISTORY_FILE = os.path.join(os.path.expanduser("~"), ".pyrite_history")


def candidates(sh: Shell, text: str, line: str) -> list[str]:
    """Completions of `text`, the word under the cursor in `line`."""
    from pyrite.cli.commands import COMMANDS

    if line.lstrip().startswith(".") and line.strip() == text:
        return sorted({"." + name for name, _m, _h in COMMANDS if ("." + name).startswith(text)})
    words: set[str] = set()
    upper = text.upper()
    words.update(k if text[:1].isupper() or not text else k.lower()
                 for k in KEYWORDS if k.startswith(upper))
    try:
        for (name,) in sh.query("SELECT name FROM sqlite_schema WHERE type IN ('table','view')"):
            name = str(name)
            if name.lower().startswith(text.lower()):
                words.add(name)
            safe = name.replace("'", "''")
            for row in sh.query(f"PRAGMA table_info('{safe}')"):
                col = str(row[1])
                if col.lower().startswith(text.lower()):
                    words.add(col)
    except sh.module.Error:
        pass
    return sorted(words)


def install(sh: Shell) -> None:
    """Turn on history and completion if the readline module is available."""
    try:
        import readline
    except ImportError:
        return
    try:
        readline.read_history_file(HISTORY_FILE)
    except OSError:
        pass
    atexit.register(_save_history)
    matches: list[str] = []

    def complete(text: str, state: int) -> str | None:
        nonlocal matches
        if state == 0:
            matches = candidates(sh, text, readline.get_line_buffer())
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims(" \t\n(),;=<>+-*/|")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")


def _save_history() -> None:
    try:
        import readline

        readline.set_history_length(2000)
        readline.write_history_file(HISTORY_FILE)
    except (ImportError, OSError):
        pass
