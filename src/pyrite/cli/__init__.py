"""The pyrite command-line shell, a work-alike of the sqlite3 program."""

from pyrite.cli.shell import Shell, main, run

__all__ = ["Shell", "main", "run"]
