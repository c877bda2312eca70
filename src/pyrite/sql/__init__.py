"""SQL text -> AST: the tokenizer and the parser (see docs/INTERFACES.md "sql/").

Knows nothing of schemas or pages. `parse` returns `ast.Parsed` records;
errors are `pyrite.errors.SqlSyntaxError` with SQLite's messages."""

from __future__ import annotations

from pyrite.sql import ast
from pyrite.sql.parser import parse, parse_one
from pyrite.sql.tokenizer import complete_statement, tokenize
from pyrite.sql.tokens import Token, TokenKind

__all__ = ["ast", "parse", "parse_one", "complete_statement", "tokenize", "Token", "TokenKind"]
