"""The parser: tokens -> AST, by recursive descent over SQLite's grammar (parse.y).

Owns statement and expression syntax, SQLite's keyword fallback (a keyword
becomes an identifier where the grammar has no use for it), parameter
numbering, result-column source text and the `sql` text SQLite stores in
sqlite_schema for CREATE statements. Knows nothing of schemas: names are not
resolved here.

Sections, in order: infrastructure (tokens, errors, names, parameters) ·
statements · SELECT · expressions · DML · DDL · other statements · public API.

Expression precedence, lowest first (lang_expr.html "Operators"):
  OR < AND < NOT < = == != <> IS IN LIKE GLOB MATCH REGEXP BETWEEN ISNULL NOTNULL
  < < <= > >= < ESCAPE < & | << >> < + - < * / % < || -> ->> < unary - + ~ < COLLATE

Limits (SQLite's messages): an expression tree deeper than 1000 is
"Expression tree is too large (maximum depth 1000)"; nesting of parentheses,
unary operators and subqueries past _MAX_NESTING is "parser stack overflow"
(SQLite's LALR stack holds about 100 entries). Neither ever becomes a Python
RecursionError. A consumer that walks the tree recursively must allow for a
depth of 1000 (a chain of 1000 `+` terms is legal).

Errors follow SQLite's order: where SQLite reports a semantic parse error
(unknown join type, misplaced ORDER BY …) only once the next token arrives,
a syntax error on that token wins, as it does in SQLite.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import NoReturn

from pyrite.errors import SqlSyntaxError
from pyrite.sql import ast as A
from pyrite.sql.tokenizer import CHAR_CLASS, KEYWORD_TAG, next_token, unrecognized
from pyrite.sql.tokens import FALLBACK, ID_KEYWORDS, IDJ_KEYWORDS, JOIN_KW, Token, TokenKind

__all__ = ["parse", "parse_one"]

MAX_EXPR_DEPTH = 1000
MAX_VARIABLE_NUMBER = 250000
_MAX_NESTING = 100

# Tags: a keyword's tag is the keyword, an operator's its text; other kinds:
_ID, _STR, _INT, _FLOAT, _BLOB, _VAR, _EOF, _ILLEGAL, _MORE = (
    "<id>", "<str>", "<int>", "<float>", "<blob>", "<var>", "<eof>", "<illegal>", "<more>")
_KIND_TAG: dict[TokenKind, str] = {
    TokenKind.ID: _ID, TokenKind.STRING: _STR, TokenKind.INTEGER: _INT,
    TokenKind.FLOAT: _FLOAT, TokenKind.BLOB: _BLOB, TokenKind.VARIABLE: _VAR,
    TokenKind.EOF: _EOF, TokenKind.ILLEGAL: _ILLEGAL,
}
_SKIP = (TokenKind.SPACE, TokenKind.COMMENT)
# Runs of white space and of identifier characters end where these stop matching:
# one C-level scan per run instead of a Python step per character.
_skip_space = re.compile(r"[ \t\n\f\r]*").match
_ident_end = re.compile("[0-9A-Za-z_$\u0080-\U0010ffff]*").match
_SINGLE = frozenset("(),;+*%&~")
_CONTEXT_WORDS = frozenset({"WINDOW", "OVER", "FILTER"})
# What the context-keyword lookahead counts as an identifier (getToken in tokenize.c).
_LEX_ID = frozenset({"<id>", "<str>"}) | FALLBACK | JOIN_KW

_CONFLICT_ACTIONS = frozenset({"ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE"})
_STD_TYPES = {"ANY", "BLOB", "INT", "INTEGER", "REAL", "TEXT"}
_CTIME = frozenset({"CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"})
# Keywords that keep their meaning at the start of an expression.
_EXPR_ID_KEYWORDS = IDJ_KEYWORDS - {"CAST", "RAISE"} - _CTIME
_NAME_TAGS = frozenset({_ID, _STR}) | IDJ_KEYWORDS  # nm
_IDS_TAGS = frozenset({_ID, _STR}) | FALLBACK  # ids (an alias without AS, a type word)

# Binary operators handled by the generic loop: tag -> (precedence, AST op).
_BINARY: dict[str, tuple[int, str]] = {
    "OR": (1, "OR"), "AND": (2, "AND"),
    "=": (4, "="), "!=": (4, "!="),
    "<": (5, "<"), "<=": (5, "<="), ">": (5, ">"), ">=": (5, ">="),
    "&": (7, "&"), "|": (7, "|"), "<<": (7, "<<"), ">>": (7, ">>"),
    "+": (8, "+"), "-": (8, "-"),
    "*": (9, "*"), "/": (9, "/"), "%": (9, "%"),
    "||": (10, "||"), "->": (10, "->"), "->>": (10, "->>"),
}
_P_NOT, _P_EQ, _P_CMP, _P_ESCAPE, _P_UNARY, _P_COLLATE = 3, 4, 5, 6, 11, 12
_LIKE_OPS = frozenset({"LIKE", "GLOB", "REGEXP", "MATCH"})
_POSTFIX_EQ = frozenset({"IS", "ISNULL", "NOTNULL", "NOT", "IN", "BETWEEN"}) | _LIKE_OPS
_SELECT_START = frozenset({"SELECT", "VALUES", "WITH"})
# Tokens that may follow a complete select somewhere in the grammar.
_SELECT_FOLLOW = frozenset({")", ";", "<eof>", "<more>", "ON", "RETURNING"})
_MAX_COMPOUND_SELECT = 500
# Tokens that may follow a FROM clause.
_FROM_FOLLOW = frozenset({",", "JOIN", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT",
                          "UNION", "INTERSECT", "EXCEPT", "RETURNING", "ON"}
                         ) | _SELECT_FOLLOW | JOIN_KW
_JT_INNER, _JT_CROSS, _JT_NATURAL, _JT_LEFT, _JT_RIGHT, _JT_OUTER, _JT_ERROR = (
    1, 2, 4, 8, 16, 32, 64)
_JOIN_FLAGS = {
    "NATURAL": _JT_NATURAL, "LEFT": _JT_LEFT | _JT_OUTER, "OUTER": _JT_OUTER,
    "RIGHT": _JT_RIGHT | _JT_OUTER, "FULL": _JT_LEFT | _JT_RIGHT | _JT_OUTER,
    "INNER": _JT_INNER, "CROSS": _JT_INNER | _JT_CROSS,
}


def _dequote(s: str) -> str:
    """An identifier or string token's text without its quotes."""
    if not s:
        return s
    q = s[0]
    if q == '"' or q == "'" or q == "`":
        return s[1:-1].replace(q + q, q)
    if q == "[":
        return s[1:-1]
    return s


# --------------------------------------------------------------------------- infrastructure


class _Parser:
    """One statement's worth of parsing state over a lazily scanned token list."""

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        # Token i is text[starts[i]:ends[i]] with tag tags[i].
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.tags: list[str] = []
        self.pos = 0
        self.nvar = 0
        self.var_names: dict[str, int] = {}
        self.names_by_number: dict[int, str] = {}
        self.nesting = 0
        self.heights: dict[int, int] = {}
        self._scan(start)

    # -- tokens

    def _scan(self, i: int) -> None:
        """Append tokens from offset i through the next ';' (or to EOF).

        Identifiers, keywords and one-character operators, most of any
        statement, are scanned inline; the rest goes through next_token."""
        text, starts, ends, tags = self.text, self.starts, self.ends, self.tags
        n = len(text)
        skip_space, ident_end = _skip_space, _ident_end
        cls, keyword_of, single = CHAR_CLASS, KEYWORD_TAG, _SINGLE
        context: list[int] = []
        while True:
            i = skip_space(text, i).end()  # type: ignore[union-attr]
            if i >= n:
                starts.append(n)
                ends.append(n)
                tags.append(_EOF)
                break
            ch = text[i]
            o = ord(ch)
            c = cls[o] if o < 128 else 1
            if c == 1:  # a letter, "_" or >= U+0080 (but not x'…')
                j = ident_end(text, i + 1).end()  # type: ignore[union-attr]
                kw = keyword_of.get(text[i:j].upper()) if j - i > 1 else None
                starts.append(i)
                ends.append(j)
                if kw is None and (j - i == 6 or j - i == 4):
                    word = text[i:j].upper()
                    if word in _CONTEXT_WORDS:
                        context.append(len(tags))
                tags.append(_ID if kw is None or not text[i:j].isascii() else kw)
                i = j
                continue
            if ch in single:
                starts.append(i)
                ends.append(i + 1)
                tags.append(ch)
                i += 1
                if ch == ";":
                    starts.append(i)
                    ends.append(i)
                    tags.append(_MORE)
                    break
                continue
            tok = next_token(text, i)
            kind = tok.kind
            i = tok.end
            if kind in _SKIP:
                continue
            starts.append(tok.start)
            ends.append(i)
            if kind == TokenKind.KEYWORD or kind == TokenKind.OP:
                tags.append(tok.value)
            else:
                if kind == TokenKind.ID and text[tok.start:i].upper() in _CONTEXT_WORDS:
                    context.append(len(tags))
                tags.append(_KIND_TAG[kind])
        for k in context:
            self._resolve_context_keyword(k)

    def _resolve_context_keyword(self, k: int) -> None:
        """WINDOW, OVER and FILTER are keywords only where SQLite's tokenizer
        promotes them (tokenize.c analyze*Keyword): WINDOW before `name AS`;
        OVER after ')' and before '(' or a name; FILTER after ')' and before '('."""
        tags = self.tags
        word = self.tok_text(k).upper()
        nxt = tags[k + 1] if k + 1 < len(tags) else _EOF
        prev = tags[k - 1] if k > 0 else ""
        if word == "WINDOW":
            if nxt in _LEX_ID and k + 2 < len(tags) and tags[k + 2] == "AS":
                tags[k] = "WINDOW"
        elif word == "OVER":
            if prev == ")" and (nxt == "(" or nxt in _LEX_ID):
                tags[k] = "OVER"
        elif prev == ")" and nxt == "(":
            tags[k] = "FILTER"

    def _more(self) -> None:
        """After a ';' inside a trigger body: scan the next statement's tokens."""
        if self.tags[-1] == _MORE:
            start = self.starts.pop()
            self.ends.pop()
            self.tags.pop()
            self._scan(start)

    @property
    def tag(self) -> str:
        return self.tags[self.pos]

    def peek(self, k: int = 1) -> str:
        i = self.pos + k
        return self.tags[i] if i < len(self.tags) else _EOF

    def accept(self, tag: str) -> bool:
        if self.tags[self.pos] == tag:
            self.pos += 1
            return True
        return False

    def expect(self, tag: str) -> None:
        if self.tags[self.pos] != tag:
            self.fail()
        self.pos += 1

    def tok_text(self, i: int) -> str:
        return self.text[self.starts[i]:self.ends[i]]

    def check_text(self, lp: int) -> str:
        """The source between the '(' at token lp and the current token (its ')'),
        outer white space trimmed: SQLite's text for "CHECK constraint failed: …"."""
        return self.text[self.ends[lp]:self.starts[self.pos]].strip(" \t\n\f\r\v")

    def span(self, first: int, last: int) -> str:
        """Source text from token `first` through token `last` inclusive."""
        return self.text[self.starts[first]:self.ends[last]]

    # -- errors

    def fail(self, pos: int | None = None) -> NoReturn:
        """Raise SQLite's error for the token at pos (default: the current one)."""
        i = self.pos if pos is None else pos
        start = self.starts[i]
        tag = self.tags[i]
        if tag == _EOF or tag == _MORE:
            raise SqlSyntaxError("incomplete input", start)
        if tag == _ILLEGAL:
            raise unrecognized(self.text, Token(TokenKind.ILLEGAL, start, self.ends[i], ""))
        raise SqlSyntaxError(f'near "{self.tok_text(i)}": syntax error', start)

    def fail_message(self, message: str, pos: int) -> NoReturn:
        raise SqlSyntaxError(message, self.starts[pos])

    def error(self, message: str) -> NoReturn:
        raise SqlSyntaxError(message, self.starts[self.pos])

    def enter(self, weight: int = 1) -> None:
        self.nesting += weight
        if self.nesting > _MAX_NESTING:
            raise SqlSyntaxError("parser stack overflow", self.starts[self.pos])

    # -- names

    def is_id(self) -> bool:
        """The current token is an `id`: an identifier or a fallback keyword."""
        tag = self.tags[self.pos]
        return tag == _ID or tag in ID_KEYWORDS

    def parse_nm(self) -> str:
        """nm ::= id | STRING | JOIN_KW — a name, dequoted."""
        if self.tags[self.pos] not in _NAME_TAGS:
            self.fail()
        self.pos += 1
        return _dequote(self.tok_text(self.pos - 1))

    def parse_ids(self) -> str:
        """ids ::= ID | STRING (with fallback) — e.g. an alias without AS."""
        if self.tags[self.pos] not in _IDS_TAGS:
            self.fail()
        self.pos += 1
        return _dequote(self.tok_text(self.pos - 1))

    def parse_qualified(self) -> tuple[str | None, str, int]:
        """nm [. nm] -> (schema, name, token index of the unqualified name)."""
        first = self.parse_nm()
        if self.accept("."):
            at = self.pos
            return first, self.parse_nm(), at
        return None, first, self.pos - 1

    def parse_idlist(self) -> tuple[str, ...]:
        """( nm, nm, … )"""
        self.expect("(")
        names = [self.parse_nm()]
        while self.accept(","):
            names.append(self.parse_nm())
        self.expect(")")
        return tuple(names)

    def parse_eidlist(self) -> tuple[str, ...]:
        """( nm [COLLATE c] [ASC|DESC], … ) — SQLite's eidlist (CTE and view
        columns, foreign keys): the decorations are accepted and ignored."""
        self.expect("(")
        names = []
        while True:
            names.append(self.parse_nm())
            if self.accept("COLLATE"):
                self.parse_ids()
            if not self.accept("ASC"):
                self.accept("DESC")
            if not self.accept(","):
                break
        self.expect(")")
        return tuple(names)

    def parse_if_not_exists(self) -> bool:
        if self.accept("IF"):
            self.expect("NOT")
            self.expect("EXISTS")
            return True
        return False

    # -- parameters

    def variable(self) -> A.Param:
        text = self.tok_text(self.pos)
        self.pos += 1
        if text == "?":
            self.nvar += 1
            return A.Param(self.nvar, None)
        if text[0] == "?":
            digits = text[1:]
            number = int(digits) if len(digits) < 10 else MAX_VARIABLE_NUMBER + 1
            if not 1 <= number <= MAX_VARIABLE_NUMBER:
                raise SqlSyntaxError(
                    f"variable number must be between ?1 and ?{MAX_VARIABLE_NUMBER}",
                    self.starts[self.pos - 1])
            if number > self.nvar:
                self.nvar = number
            if number not in self.names_by_number:
                self.names_by_number[number] = text
                self.var_names.setdefault(text, number)
            return A.Param(number, text)
        number_or_none = self.var_names.get(text)
        if number_or_none is None:
            self.nvar += 1
            number_or_none = self.nvar
            self.var_names[text] = number_or_none
            self.names_by_number[number_or_none] = text
        return A.Param(number_or_none, text)

    def param_names(self) -> tuple[str | None, ...]:
        get = self.names_by_number.get
        return tuple(get(i) for i in range(1, self.nvar + 1))

    # ======================================================================= statements

    def parse_statement(self) -> A.Statement:
        tag = self.tag
        if tag == "EXPLAIN":
            self.pos += 1
            query_plan = False
            if self.accept("QUERY"):
                self.expect("PLAN")
                query_plan = True
            return A.Explain(self.parse_cmd(), query_plan)
        return self.parse_cmd()

    def parse_cmd(self) -> A.Statement:
        handler = _STATEMENTS.get(self.tag)
        if handler is None:
            self.fail()
        return handler(self)

    def _parse_with_stmt(self) -> A.Statement:
        with_ = self.parse_with()
        tag = self.tag
        if tag in ("SELECT", "VALUES"):
            return self.parse_select(with_)
        if tag in ("INSERT", "REPLACE"):
            return self.parse_insert(with_)
        if tag == "UPDATE":
            return self.parse_update(with_)
        if tag == "DELETE":
            return self.parse_delete(with_)
        self.fail()

    def _parse_select_stmt(self) -> A.Statement:
        return self.parse_select(None)

    # ======================================================================= SELECT

    def parse_with(self) -> A.With:
        """WITH [RECURSIVE] cte, cte, …"""
        self.expect("WITH")
        recursive = self.accept("RECURSIVE")
        ctes = [self.parse_cte()]
        while self.accept(","):
            ctes.append(self.parse_cte())
        return A.With(recursive, tuple(ctes))

    def parse_cte(self) -> A.CommonTableExpr:
        name = self.parse_nm()
        columns: tuple[str, ...] = ()
        if self.tag == "(":
            columns = self.parse_eidlist()
        self.expect("AS")
        materialized: bool | None = None
        if self.accept("MATERIALIZED"):
            materialized = True
        elif self.accept("NOT"):
            self.expect("MATERIALIZED")
            materialized = False
        self.expect("(")
        select = self.parse_select(None)
        self.expect(")")
        return A.CommonTableExpr(name, columns, select, materialized)

    def parse_select(self, with_: A.With | None) -> A.Select:
        """select ::= [WITH …] oneselect {compound-op oneselect}.

        In SQLite's grammar ORDER BY and LIMIT belong to each SELECT arm (never
        to VALUES); only the last arm may have them, and they apply to the whole
        compound. An earlier arm's is reported once the select is complete."""
        if with_ is None and self.tag == "WITH":
            with_ = self.parse_with()
        self.enter(3)
        body: A.SelectBody = self.parse_oneselect()
        order_by, limit, offset = self.parse_select_tail(body)
        misplaced: str | None = None
        terms = 1
        while True:
            tag = self.tag
            if tag == "UNION":
                self.pos += 1
                op = "UNION ALL" if self.accept("ALL") else "UNION"
            elif tag == "INTERSECT" or tag == "EXCEPT":
                self.pos += 1
                op = tag
            else:
                break
            if misplaced is None and (order_by or limit is not None):
                misplaced = "ORDER BY" if order_by else "LIMIT"
                misplaced = f"{misplaced} clause should come after {op} not before"
            right = self.parse_oneselect()
            body = A.Compound(op, body, right)
            terms += 1
            order_by, limit, offset = self.parse_select_tail(right)
        self.nesting -= 3
        if misplaced is not None or terms > _MAX_COMPOUND_SELECT:
            if self.tag not in _SELECT_FOLLOW or (self.tag == ")" and not self.nesting):
                self.fail()  # the syntax error on the next token comes first
            self.error(misplaced or "too many terms in compound SELECT")
        return A.Select(body, with_, order_by, limit, offset)

    def parse_select_tail(self, arm: A.SelectBody) -> tuple[
            tuple[A.OrderingTerm, ...], A.Expr | None, A.Expr | None]:
        """[ORDER BY …] [LIMIT …] after a SELECT arm (a VALUES arm takes neither)."""
        if isinstance(arm, A.Values):
            return (), None, None
        order_by = self.parse_order_by() if self.tag == "ORDER" else ()
        limit, offset = self.parse_limit()
        return order_by, limit, offset

    def parse_limit(self) -> tuple[A.Expr | None, A.Expr | None]:
        """[LIMIT expr [OFFSET expr | , expr]]; LIMIT a, b means OFFSET a LIMIT b."""
        if not self.accept("LIMIT"):
            return None, None
        limit = self.parse_expr()
        if self.accept("OFFSET"):
            return limit, self.parse_expr()
        if self.accept(","):
            return self.parse_expr(), limit
        return limit, None

    def parse_order_by(self) -> tuple[A.OrderingTerm, ...]:
        self.expect("ORDER")
        self.expect("BY")
        return self.parse_sortlist()

    def parse_sortlist(self) -> tuple[A.OrderingTerm, ...]:
        terms = [self.parse_ordering_term()]
        while self.accept(","):
            terms.append(self.parse_ordering_term())
        return tuple(terms)

    def parse_ordering_term(self) -> A.OrderingTerm:
        expr = self.parse_expr()
        desc = False
        if self.accept("DESC"):
            desc = True
        else:
            self.accept("ASC")
        nulls: str | None = None
        if self.accept("NULLS"):
            nulls = self.tag
            if nulls != "FIRST" and nulls != "LAST":
                self.fail()
            self.pos += 1
        return A.OrderingTerm(expr, desc, nulls)

    def parse_oneselect(self) -> A.SelectBody:
        if self.tag == "VALUES":
            return self.parse_values()
        self.expect("SELECT")
        distinct = False
        if self.accept("DISTINCT"):
            distinct = True
        else:
            self.accept("ALL")
        columns = self.parse_result_columns()
        from_: A.FromItem | None = None
        if self.accept("FROM"):
            from_ = self.parse_from()
        where = self.parse_expr() if self.accept("WHERE") else None
        group_by: tuple[A.Expr, ...] = ()
        having: A.Expr | None = None
        if self.tag == "GROUP":
            self.pos += 1
            self.expect("BY")
            group_by = self.parse_exprlist()
            if self.accept("HAVING"):
                having = self.parse_expr()
        elif self.accept("HAVING"):
            having = self.parse_expr()
        windows: tuple[A.NamedWindow, ...] = ()
        if self.tag == "WINDOW":
            windows = self.parse_window_clause()
        return A.SelectCore(columns, from_, where, group_by, having, windows, distinct)

    def parse_values(self) -> A.Values:
        self.expect("VALUES")
        rows = [self.parse_paren_exprlist()]
        while self.accept(","):
            rows.append(self.parse_paren_exprlist())
        return A.Values(tuple(rows))

    def parse_paren_exprlist(self) -> tuple[A.Expr, ...]:
        self.expect("(")
        items = self.parse_exprlist()
        self.expect(")")
        return items

    def parse_exprlist(self) -> tuple[A.Expr, ...]:
        items = [self.parse_expr()]
        while self.accept(","):
            items.append(self.parse_expr())
        return tuple(items)

    def parse_result_columns(self) -> tuple[A.ResultColumn, ...]:
        cols = [self.parse_result_column()]
        while self.accept(","):
            cols.append(self.parse_result_column())
        return tuple(cols)

    def parse_result_column(self) -> A.ResultColumn:
        if self.accept("*"):
            return A.ResultColumn(None, text="*")
        tag = self.tag
        if (tag in _NAME_TAGS and self.peek() == "." and self.peek(2) == "*"):
            first = self.pos
            table = self.parse_nm()
            self.pos += 2
            return A.ResultColumn(None, None, table, self.span(first, self.pos - 1))
        first = self.pos
        expr = self.parse_expr()
        text = self.span(first, self.pos - 1)
        alias: str | None = None
        if self.accept("AS"):
            alias = self.parse_nm()
        elif self.tag in _IDS_TAGS:
            alias = self.parse_ids()
        return A.ResultColumn(expr, alias, None, text)

    # -- FROM

    def parse_from(self) -> A.FromItem:
        """seltablist: table items joined left to right."""
        left = self.parse_table_item()
        if self.tag == "ON" or self.tag == "USING":
            at = self.pos
            if self.accept("ON"):
                self.parse_expr()
            else:
                self.pos += 1
                self.parse_idlist()
            if self.tag not in _FROM_FOLLOW:
                self.fail()  # the syntax error on the next token comes first
            raise SqlSyntaxError(f"a JOIN clause is required before {self.tags[at]}",
                                 self.starts[at])
        while True:
            tag = self.tag
            natural = False
            if tag == ",":
                self.pos += 1
                kind = ","
            elif tag == "JOIN":
                self.pos += 1
                kind = "INNER"
            elif tag in JOIN_KW:
                kind, natural = self.parse_join_kw()
            else:
                return left
            right = self.parse_table_item()
            on: A.Expr | None = None
            using: tuple[str, ...] | None = None
            if self.accept("ON"):
                on = self.parse_expr()
            elif self.tag == "USING":
                self.pos += 1
                using = self.parse_idlist()
            if natural and (on is not None or using is not None):
                self.error("a NATURAL join may not have an ON or USING clause")
            left = A.Join(left, right, kind, natural, on, using)

    def parse_join_kw(self) -> tuple[str, bool]:
        """JOIN_KW [nm [nm]] JOIN -> (kind, natural), checked as sqlite3JoinType does:
        the words' flags are OR-ed; INNER with OUTER, an unknown word, or OUTER
        without LEFT/RIGHT is "unknown join type"."""
        first = self.pos
        flags = 0
        while self.tag != "JOIN":
            if self.pos - first == 3 or self.tag not in _NAME_TAGS:
                self.fail()
            flags |= _JOIN_FLAGS.get(self.tok_text(self.pos).upper(), _JT_ERROR)
            self.pos += 1
        self.pos += 1
        if ((flags & (_JT_INNER | _JT_OUTER)) == (_JT_INNER | _JT_OUTER) or flags & _JT_ERROR
                or (flags & (_JT_OUTER | _JT_LEFT | _JT_RIGHT)) == _JT_OUTER):
            if self.tag not in _NAME_TAGS and self.tag != "(":
                self.fail()  # the syntax error on the next token replaces this one
            raw = " ".join(self.tok_text(i) for i in range(first, self.pos - 1))
            raise SqlSyntaxError(f"unknown join type: {raw}", self.starts[first])
        natural = bool(flags & _JT_NATURAL)
        if flags & _JT_LEFT and flags & _JT_RIGHT:
            return "FULL", natural
        if flags & _JT_LEFT:
            return "LEFT", natural
        if flags & _JT_RIGHT:
            return "RIGHT", natural
        if flags & _JT_CROSS:
            return "CROSS", natural
        return "INNER", natural

    def parse_table_item(self) -> A.FromItem:
        if self.tag == "(":
            self.pos += 1
            if self.tag in _SELECT_START:
                select = self.parse_select(None)
                self.expect(")")
                return A.SubqueryRef(select, self.parse_alias())
            self.enter(3)
            inner = self.parse_from()
            self.nesting -= 3
            self.expect(")")
            alias = self.parse_alias()
            if alias is None:
                return inner
            star = A.ResultColumn(None, text="*")
            return A.SubqueryRef(A.Select(A.SelectCore((star,), inner)), alias)
        schema, name, _ = self.parse_qualified()
        if self.tag == "(":
            self.pos += 1
            args: tuple[A.Expr, ...] = ()
            if self.tag != ")":
                args = self.parse_exprlist()
            self.expect(")")
            return A.TableFunctionRef(schema, name, args, self.parse_alias())
        alias = self.parse_alias()
        indexed_by: str | None = None
        not_indexed = False
        if self.tag == "INDEXED":
            self.pos += 1
            self.expect("BY")
            indexed_by = self.parse_nm()
        elif self.accept("NOT"):
            self.expect("INDEXED")
            not_indexed = True
        return A.TableRef(schema, name, alias, indexed_by, not_indexed)

    def parse_alias(self) -> str | None:
        """as ::= AS nm | ids | nothing"""
        if self.accept("AS"):
            return self.parse_nm()
        if self.tag in _IDS_TAGS:
            return self.parse_ids()
        return None

    # -- windows

    def parse_window_clause(self) -> tuple[A.NamedWindow, ...]:
        self.pos += 1  # WINDOW
        out = []
        while True:
            name = self.parse_nm()
            self.expect("AS")
            self.expect("(")
            out.append(A.NamedWindow(name, self.parse_window_body()))
            if not self.accept(","):
                return tuple(out)

    def parse_window_body(self) -> A.WindowSpec:
        """[base] [PARTITION BY …] [ORDER BY …] [frame] ')' — after the '('."""
        base: str | None = None
        tag = self.tag
        if tag in _NAME_TAGS and tag not in ("PARTITION", "ROWS", "RANGE", "GROUPS"):
            base = self.parse_nm()
        partition_by: tuple[A.Expr, ...] = ()
        if self.tag == "PARTITION":
            self.pos += 1
            self.expect("BY")
            partition_by = self.parse_exprlist()
        order_by: tuple[A.OrderingTerm, ...] = ()
        if self.tag == "ORDER":
            order_by = self.parse_order_by()
        unit: str | None = None
        start: A.FrameBound | None = None
        end: A.FrameBound | None = None
        exclude: str | None = None
        if self.tag in ("ROWS", "RANGE", "GROUPS"):
            unit = self.tag
            self.pos += 1
            if self.accept("BETWEEN"):
                start = self.parse_frame_bound()
                self.expect("AND")
                end = self.parse_frame_bound()
            else:
                start = self.parse_frame_bound()
                end = A.FrameBound("CURRENT ROW", None)
            if self.accept("EXCLUDE"):
                if self.accept("NO"):
                    self.expect("OTHERS")
                    exclude = "NO OTHERS"
                elif self.accept("CURRENT"):
                    self.expect("ROW")
                    exclude = "CURRENT ROW"
                elif self.tag in ("GROUP", "TIES"):
                    exclude = self.tag
                    self.pos += 1
                else:
                    self.fail()
        self.expect(")")
        return A.WindowSpec(base, partition_by, order_by, unit, start, end, exclude)

    def parse_frame_bound(self) -> A.FrameBound:
        if self.accept("UNBOUNDED"):
            kind = self.tag
            if kind != "PRECEDING" and kind != "FOLLOWING":
                self.fail()
            self.pos += 1
            return A.FrameBound("UNBOUNDED " + kind, None)
        if self.accept("CURRENT"):
            self.expect("ROW")
            return A.FrameBound("CURRENT ROW", None)
        offset = self.parse_expr()
        if self.tag not in ("PRECEDING", "FOLLOWING"):
            self.fail()
        kind = self.tag
        self.pos += 1
        return A.FrameBound(kind, offset)

    # ======================================================================= expressions

    def _height(self, e: A.Expr) -> int:
        return self.heights.get(id(e), 1)

    def _grow(self, node: A.Expr, *children: A.Expr) -> A.Expr:
        """Record node's height; SQLite refuses trees deeper than MAX_EXPR_DEPTH."""
        get = self.heights.get
        if len(children) == 1:
            h = get(id(children[0]), 1) + 1
        elif len(children) == 2:
            h = max(get(id(children[0]), 1), get(id(children[1]), 1)) + 1
        else:
            h = 1 + max(get(id(c), 1) for c in children)
        if h > MAX_EXPR_DEPTH:
            raise SqlSyntaxError(
                f"Expression tree is too large (maximum depth {MAX_EXPR_DEPTH})",
                self.starts[self.pos - 1])
        if h > 1:
            self.heights[id(node)] = h
        return node

    def parse_expr(self, min_prec: int = 1) -> A.Expr:
        """Precedence climbing: a prefix term, then operators binding >= min_prec."""
        left = self.parse_prefix()
        tags = self.tags
        while True:
            tag = tags[self.pos]
            info = _BINARY.get(tag)
            if info is not None:
                prec, op = info
                if prec < min_prec:
                    return left
                self.pos += 1
                right = self.parse_expr(prec + 1)
                left = self._grow(A.Binary(op, left, right), left, right)
                continue
            if tag in _POSTFIX_EQ:
                if min_prec > _P_EQ:
                    return left
                nxt = self.parse_eq_postfix(left)
                if nxt is None:
                    return left
                left = nxt
                continue
            if tag == "COLLATE":
                self.pos += 1
                left = self._grow(A.Collate(left, self.parse_ids()), left)
                continue
            return left

    def parse_eq_postfix(self, left: A.Expr) -> A.Expr | None:
        """The equality-level operators that are not plain binary: IS [NOT]
        [DISTINCT FROM], ISNULL, NOTNULL, NOT NULL, [NOT] IN/LIKE/BETWEEN."""
        tag = self.tag
        negated = False
        if tag == "NOT":
            nxt = self.peek()
            if nxt == "NULL":
                self.pos += 2
                return self._grow(A.IsNull(left, True), left)
            if nxt not in _LIKE_OPS and nxt not in ("IN", "BETWEEN"):
                self.fail(self.pos + 1)  # SQLite shifts the NOT, then fails
            self.pos += 1
            negated = True
            tag = nxt
        elif tag == "ISNULL" or tag == "NOTNULL":
            self.pos += 1
            return self._grow(A.IsNull(left, tag == "NOTNULL"), left)
        elif tag == "IS":
            self.pos += 1
            op = "IS NOT" if self.accept("NOT") else "IS"
            if self.accept("DISTINCT"):
                self.expect("FROM")
                op = "IS" if op == "IS NOT" else "IS NOT"
            right = self.parse_expr(_P_EQ + 1)
            return self._grow(A.Binary(op, left, right), left, right)
        self.pos += 1
        if tag == "IN":
            return self.parse_in(left, negated)
        if tag == "BETWEEN":
            low = self.parse_expr(_P_EQ)
            while self.tag == "OR":  # SQLite's LALR shifts an OR into the low bound
                self.pos += 1
                right = self.parse_expr(_P_EQ)
                low = self._grow(A.Binary("OR", low, right), low, right)
            self.expect("AND")
            high = self.parse_expr(_P_EQ + 1)
            return self._grow(A.Between(left, low, high, negated), left, low, high)
        right = self.parse_expr(_P_EQ + 1)
        escape: A.Expr | None = None
        if self.accept("ESCAPE"):
            escape = self.parse_expr(_P_ESCAPE + 1)
            return self._grow(A.Like(tag, left, right, escape, negated), left, right, escape)
        return self._grow(A.Like(tag, left, right, None, negated), left, right)

    def parse_in(self, left: A.Expr, negated: bool) -> A.Expr:
        if self.accept("("):
            if self.accept(")"):
                return A.InList(left, (), negated)
            if self.tag in _SELECT_START:
                select = self.parse_select(None)
                self.expect(")")
                return A.InSelect(left, select, negated)
            self.enter()
            items = self.parse_exprlist()
            self.nesting -= 1
            self.expect(")")
            return self._grow(A.InList(left, items, negated), left, *items)
        schema, name, _ = self.parse_qualified()
        args: tuple[A.Expr, ...] | None = None
        if self.accept("("):
            args = () if self.tag == ")" else self.parse_exprlist()
            self.expect(")")
        return A.InTable(left, schema, name, args, negated)

    def parse_prefix(self) -> A.Expr:
        tag = self.tag
        if tag == "-" or tag == "+" or tag == "~":
            self.pos += 1
            self.enter()
            if tag == "-" and self.tag == _INT:
                value = self.integer_value(self.pos)
                if value == -(1 << 63):
                    raise SqlSyntaxError(f"hex literal too big: -{self.tok_text(self.pos)}",
                                         self.starts[self.pos])
                if value == 1 << 63 and self.peek() not in ("COLLATE", "->", "->>"):
                    # -9223372036854775808 is the one integer whose positive
                    # form is not: SQLite keeps it an integer.
                    self.pos += 1
                    self.nesting -= 1
                    return A.Literal(-(1 << 63))
            operand = self.parse_expr(_P_UNARY)
            self.nesting -= 1
            return self._grow(A.Unary(tag, operand), operand)
        if tag == "NOT":
            self.pos += 1
            self.enter()
            operand = self.parse_expr(_P_NOT)
            self.nesting -= 1
            return self._grow(A.Unary("NOT", operand), operand)
        return self.parse_primary()

    def integer_value(self, i: int) -> int | float:
        text = self.tok_text(i)
        if len(text) > 2 and text[1] in "xX":
            if len(text[2:].lstrip("0")) > 16:
                raise SqlSyntaxError(f"hex literal too big: {text}", self.starts[i])
            v = int(text, 16)
            return v - (1 << 64) if v >= 1 << 63 else v
        v = int(text)
        if v > (1 << 63):
            return float(text)
        return v

    def parse_primary(self) -> A.Expr:
        tag = self.tag
        if tag == _STR and self.peek() == ".":
            return self.parse_name_expr()  # 'x'.col: nm DOT nm
        handler = _PRIMARY.get(tag)
        if handler is not None:
            return handler(self)
        if tag == _ID or tag in _EXPR_ID_KEYWORDS:
            return self.parse_name_expr()
        self.fail()

    def _primary_int(self) -> A.Expr:
        v = self.integer_value(self.pos)
        self.pos += 1
        if v == 1 << 63:
            return A.Literal(float(v))
        return A.Literal(v)

    def _primary_float(self) -> A.Expr:
        self.pos += 1
        return A.Literal(float(self.tok_text(self.pos - 1)))

    def _primary_string(self) -> A.Expr:
        self.pos += 1
        return A.Literal(_dequote(self.tok_text(self.pos - 1)))

    def _primary_blob(self) -> A.Expr:
        self.pos += 1
        return A.Literal(bytes.fromhex(self.tok_text(self.pos - 1)[2:-1]))

    def _primary_null(self) -> A.Expr:
        self.pos += 1
        return A.Literal(None)

    def _primary_ctime(self) -> A.Expr:
        self.pos += 1
        return A.CurrentTime(self.tags[self.pos - 1])

    def _primary_var(self) -> A.Expr:
        return self.variable()

    def _primary_paren(self) -> A.Expr:
        self.pos += 1
        if self.tag in _SELECT_START:
            select = self.parse_select(None)
            self.expect(")")
            return A.Subquery(select)
        self.enter()
        first = self.parse_expr()
        if self.accept(","):
            items = [first, *self.parse_exprlist()]
            self.expect(")")
            self.nesting -= 1
            return self._grow(A.RowValue(tuple(items)), *items)
        self.expect(")")
        self.nesting -= 1
        return first

    def _primary_cast(self) -> A.Expr:
        self.pos += 1
        self.expect("(")
        self.enter()
        expr = self.parse_expr()
        self.expect("AS")
        type_name = self.parse_type_text() or ""
        self.expect(")")
        self.nesting -= 1
        return self._grow(A.Cast(expr, type_name), expr)

    def _primary_case(self) -> A.Expr:
        self.pos += 1
        self.enter()
        operand = None if self.tag == "WHEN" else self.parse_expr()
        whens = []
        if self.tag != "WHEN":
            self.fail()
        while self.accept("WHEN"):
            cond = self.parse_expr()
            self.expect("THEN")
            whens.append((cond, self.parse_expr()))
        else_ = self.parse_expr() if self.accept("ELSE") else None
        self.expect("END")
        self.nesting -= 1
        parts = [e for w in whens for e in w]
        if operand is not None:
            parts.append(operand)
        if else_ is not None:
            parts.append(else_)
        return self._grow(A.Case(operand, tuple(whens), else_), *parts)

    def _primary_exists(self) -> A.Expr:
        self.pos += 1
        self.expect("(")
        select = self.parse_select(None)
        self.expect(")")
        return A.Exists(select)

    def _primary_raise(self) -> A.Expr:
        self.pos += 1
        self.expect("(")
        if self.accept("IGNORE"):
            self.expect(")")
            return A.Raise("IGNORE", None)
        action = self.tag
        if action not in ("ROLLBACK", "ABORT", "FAIL"):
            self.fail()
        self.pos += 1
        self.expect(",")
        message = A.Literal(self.parse_nm())  # an `nm`: a name or string, not an expr
        self.expect(")")
        return A.Raise(action, message)

    def parse_name_expr(self) -> A.Expr:
        """A column reference ([schema.][table.]column) or a function call."""
        first = self.pos
        name = self.parse_nm()
        if self.tag == "(":
            if self.tags[first] == _STR or self.tags[first] in JOIN_KW:
                self.fail()  # function names are `id`: not a string, not a join keyword
            return self.parse_function_call(name, self.starts[first])
        start = self.starts[first]
        quoted = self.text[start] == '"'
        if not self.accept("."):
            return A.ColumnRef(None, None, name, quoted, start)
        first = self.pos
        second = self.parse_nm()
        if not self.accept("."):
            return A.ColumnRef(None, name, second, self.text[self.starts[first]] == '"', start)
        first = self.pos
        third = self.parse_nm()
        return A.ColumnRef(name, second, third, self.text[self.starts[first]] == '"', start)

    def parse_function_call(self, name: str, start: int = -1) -> A.Expr:
        self.pos += 1  # (
        self.enter()
        distinct = star = False
        args: tuple[A.Expr, ...] = ()
        order_by: tuple[A.OrderingTerm, ...] = ()
        if self.accept("*"):
            star = True
        elif self.tag != ")":
            if self.accept("DISTINCT"):
                distinct = True
            else:
                self.accept("ALL")
            if self.tag != ")":
                args = self.parse_exprlist()
            if self.tag == "ORDER":
                order_by = self.parse_order_by()
        self.expect(")")
        self.nesting -= 1
        filter_: A.Expr | None = None
        if self.tag == "FILTER":
            self.pos += 1
            self.expect("(")
            self.expect("WHERE")
            filter_ = self.parse_expr()
            self.expect(")")
        over: A.WindowSpec | None = None
        if self.tag == "OVER":
            self.pos += 1
            if self.accept("("):
                over = self.parse_window_body()
            else:
                over = A.WindowSpec(self.parse_nm(), (), (), None, None, None, None)
        node = A.FunctionCall(name, args, distinct, star, order_by, filter_, over, start)
        return self._grow(node, *args) if args else node

    def parse_type_text(self) -> str | None:
        """typetoken: the declared type as SQLite records it, or None when absent.

        The source span of the type words and any (n[, m]); a leading quoted word
        is dequoted and ends the type (sqlite3Dequote); the standard type names
        ANY BLOB INT INTEGER REAL TEXT are upper-cased."""
        first = self.pos
        while self.tag in _IDS_TAGS and not (self.tag == "GENERATED" and self.peek() == "ALWAYS"
                                               and self.peek(2) == "AS"):
            self.pos += 1
        if self.pos == first:
            return None
        if self.tag == "(":
            self.pos += 1
            self.parse_signed_number()
            if self.accept(","):
                self.parse_signed_number()
            self.expect(")")
        raw = self.span(first, self.pos - 1)
        if raw[0] in "\"'`[":
            return _dequote(self.tok_text(first))
        if raw.upper() in _STD_TYPES:
            return raw.upper()
        return raw

    def parse_signed_number(self) -> A.Expr:
        """signed ::= [+|-] number (a type's size, a pragma value)."""
        sign = self.tag
        if sign == "+" or sign == "-":
            self.pos += 1
        if self.tag == _INT:
            value: int | float = self.integer_value(self.pos)
        elif self.tag == _FLOAT:
            value = float(self.tok_text(self.pos))
        else:
            self.fail()
        self.pos += 1
        return A.Literal(-value if sign == "-" else value)

    # ======================================================================= DML

    def parse_conflict_or(self) -> str | None:
        """[OR ROLLBACK|ABORT|FAIL|IGNORE|REPLACE]"""
        if not self.accept("OR"):
            return None
        action = self.tag
        if action not in _CONFLICT_ACTIONS:
            self.fail()
        self.pos += 1
        return action

    def parse_returning(self) -> tuple[A.ResultColumn, ...]:
        if self.accept("RETURNING"):
            return self.parse_result_columns()
        return ()

    def parse_xfullname(self) -> A.TableRef:
        """[schema.]table [AS alias] [INDEXED BY name | NOT INDEXED]"""
        schema, name, _ = self.parse_qualified()
        alias = self.parse_nm() if self.accept("AS") else None
        indexed_by: str | None = None
        not_indexed = False
        if self.tag == "INDEXED":
            self.pos += 1
            self.expect("BY")
            indexed_by = self.parse_nm()
        elif self.accept("NOT"):
            self.expect("INDEXED")
            not_indexed = True
        return A.TableRef(schema, name, alias, indexed_by, not_indexed)

    def parse_insert(self, with_: A.With | None = None) -> A.Insert:
        if with_ is None and self.tag == "WITH":
            with_ = self.parse_with()
        if self.accept("REPLACE"):
            conflict: str | None = "REPLACE"
        else:
            self.expect("INSERT")
            conflict = self.parse_conflict_or()
        self.expect("INTO")
        schema, name, _ = self.parse_qualified()
        alias = self.parse_nm() if self.accept("AS") else None
        table = A.TableRef(schema, name, alias)
        columns: tuple[str, ...] = ()
        if self.tag == "(":
            columns = self.parse_idlist()
        source: A.Select | None = None
        upserts: list[A.Upsert] = []
        if self.tag == "DEFAULT":
            self.pos += 1
            self.expect("VALUES")
        else:
            source = self.parse_select(None)
            while self.tag == "ON":
                upserts.append(self.parse_upsert())
        returning = self.parse_returning()
        return A.Insert(table, columns, source, conflict, tuple(upserts), returning, with_)

    def parse_upsert(self) -> A.Upsert:
        self.pos += 1  # ON
        self.expect("CONFLICT")
        target: tuple[A.IndexedColumn, ...] = ()
        target_where: A.Expr | None = None
        if self.accept("("):
            target = self.parse_indexed_columns()
            self.expect(")")
            if self.accept("WHERE"):
                target_where = self.parse_expr()
        self.expect("DO")
        if self.accept("NOTHING"):
            return A.Upsert(target, target_where, None, None)
        self.expect("UPDATE")
        self.expect("SET")
        sets = self.parse_setlist()
        where = self.parse_expr() if self.accept("WHERE") else None
        return A.Upsert(target, target_where, sets, where)

    def parse_setlist(self) -> tuple[A.SetClause, ...]:
        out = []
        while True:
            if self.tag == "(":
                columns = self.parse_idlist()
            else:
                columns = (self.parse_nm(),)
            self.expect("=")
            out.append(A.SetClause(columns, self.parse_expr()))
            if not self.accept(","):
                return tuple(out)

    def parse_update(self, with_: A.With | None = None) -> A.Update:
        if with_ is None and self.tag == "WITH":
            with_ = self.parse_with()
        self.expect("UPDATE")
        conflict = self.parse_conflict_or()
        table = self.parse_xfullname()
        self.expect("SET")
        sets = self.parse_setlist()
        from_ = self.parse_from() if self.accept("FROM") else None
        where = self.parse_expr() if self.accept("WHERE") else None
        returning = self.parse_returning()
        order_by = self.parse_order_by() if self.tag == "ORDER" else ()
        limit, offset = self.parse_limit()
        if order_by and limit is None:
            self.error("ORDER BY without LIMIT on UPDATE")
        return A.Update(table, sets, where, from_, conflict, returning, order_by, limit,
                        offset, with_)

    def parse_delete(self, with_: A.With | None = None) -> A.Delete:
        if with_ is None and self.tag == "WITH":
            with_ = self.parse_with()
        self.expect("DELETE")
        self.expect("FROM")
        table = self.parse_xfullname()
        where = self.parse_expr() if self.accept("WHERE") else None
        returning = self.parse_returning()
        order_by = self.parse_order_by() if self.tag == "ORDER" else ()
        limit, offset = self.parse_limit()
        if order_by and limit is None:
            self.error("ORDER BY without LIMIT on DELETE")
        return A.Delete(table, where, returning, order_by, limit, offset, with_)

    # ======================================================================= DDL

    def _schema_sql(self, head: str, name_pos: int, end_pos: int) -> str:
        """head + source text from the unqualified name through token end_pos."""
        return head + self.text[self.starts[name_pos]:self.ends[end_pos]]

    def parse_create(self) -> A.Statement:
        self.pos += 1  # CREATE
        temp = False
        if self.tag in ("TEMP", "TEMPORARY"):
            self.pos += 1
            temp = True
        tag = self.tag
        if tag == "TABLE":
            return self.parse_create_table(temp)
        if tag == "VIEW":
            return self.parse_create_view(temp)
        if tag == "TRIGGER":
            return self.parse_create_trigger(temp)
        if not temp:
            if tag == "UNIQUE" or tag == "INDEX":
                return self.parse_create_index()
            if tag == "VIRTUAL":
                return self.parse_create_virtual_table()
        self.fail()

    def parse_create_table(self, temp: bool) -> A.CreateTable:
        self.pos += 1  # TABLE
        if_not_exists = self.parse_if_not_exists()
        schema, name, name_pos = self.parse_qualified()
        if self.accept("AS"):
            select = self.parse_select(None)
            return A.CreateTable(schema, name, (), (), temp, if_not_exists, as_select=select,
                                 name_offset=self.starts[name_pos])
        self.expect("(")
        columns = [self.parse_column_def()]
        constraints: list[A.TableConstraint] = []
        while self.accept(","):
            if self.tag in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"):
                constraints.append(self.parse_table_constraint())
                break
            columns.append(self.parse_column_def())
        if constraints:
            while True:
                self.accept(",")  # tconscomma may be empty
                if self.tag not in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"):
                    break
                constraints.append(self.parse_table_constraint())
        self.expect(")")
        end_pos = self.pos - 1
        without_rowid = strict = False
        if self.tag in _NAME_TAGS or self.tag == ",":
            # table_option_set: [option] {, option} — the first may be absent.
            while True:
                if self.tag == "," and not (without_rowid or strict):
                    self.pos += 1
                if self.accept("WITHOUT"):
                    word = self.parse_nm()
                    ok = word.lower() == "rowid"
                    without_rowid = True
                else:
                    word = self.parse_nm()
                    ok = word.lower() == "strict"
                    strict = True
                if not ok:
                    if self.tag not in (",", ";", _EOF, _MORE):
                        self.fail()  # the syntax error on the next token comes first
                    self.fail_message(f"unknown table option: {self.tok_text(self.pos - 1)}",
                                      self.pos - 1)
                if not self.accept(","):
                    break
        if without_rowid or strict:
            # With table options SQLite keeps everything up to the ';' (sqlite3EndTable).
            sql = "CREATE TABLE " + self.text[self.starts[name_pos]:self.starts[self.pos]]
        else:
            sql = self._schema_sql("CREATE TABLE ", name_pos, end_pos)
        return A.CreateTable(schema, name, tuple(columns), tuple(constraints), temp,
                             if_not_exists, without_rowid, strict, None, sql,
                             self.starts[name_pos])

    def parse_column_def(self) -> A.ColumnDef:
        name = self.parse_nm()
        type_name = self.parse_type_text()
        cons: list[A.ColumnConstraint] = []
        while True:
            if self.tag == "DEFERRABLE" or (self.tag == "NOT" and self.peek() == "DEFERRABLE"):
                # A column-level defer clause applies to the column's last REFERENCES.
                deferrable, initially = self.parse_defer_subclause()
                for k in range(len(cons) - 1, -1, -1):
                    fk = cons[k].foreign_key
                    if fk is not None:
                        fk = dataclasses.replace(fk, deferrable=deferrable,
                                                 initially_deferred=initially)
                        cons[k] = dataclasses.replace(cons[k], foreign_key=fk)
                        break
                continue
            c = self.parse_column_constraint()
            if c is None:
                return A.ColumnDef(name, type_name, tuple(cons))
            cons.append(c)

    def parse_conflict_clause(self) -> str | None:
        """[ON CONFLICT ROLLBACK|ABORT|FAIL|IGNORE|REPLACE]"""
        if self.accept("ON"):
            self.expect("CONFLICT")
            action = self.tag
            if action not in _CONFLICT_ACTIONS:
                self.fail()
            self.pos += 1
            return action
        return None

    def parse_column_constraint(self) -> A.ColumnConstraint | None:
        name: str | None = None
        if self.accept("CONSTRAINT"):
            name = self.parse_nm()
        tag = self.tag
        if tag == "PRIMARY":
            self.pos += 1
            self.expect("KEY")
            desc = self.accept("DESC")
            if not desc:
                self.accept("ASC")
            conflict = self.parse_conflict_clause()
            autoinc = self.accept("AUTOINCREMENT")
            return A.ColumnConstraint("PRIMARY KEY", name, conflict=conflict, desc=desc,
                                      autoincrement=autoinc)
        if tag == "NOT":
            self.pos += 1
            self.expect("NULL")
            return A.ColumnConstraint("NOT NULL", name, conflict=self.parse_conflict_clause())
        if tag == "NULL":
            self.pos += 1
            return A.ColumnConstraint("NULL", name, conflict=self.parse_conflict_clause())
        if tag == "UNIQUE":
            self.pos += 1
            return A.ColumnConstraint("UNIQUE", name, conflict=self.parse_conflict_clause())
        if tag == "CHECK":
            self.pos += 1
            self.expect("(")
            lp = self.pos - 1
            expr = self.parse_expr()
            text = self.check_text(lp)
            self.expect(")")
            return A.ColumnConstraint("CHECK", name, expr, text=text)
        if tag == "DEFAULT":
            self.pos += 1
            return self.parse_default(name)
        if tag == "COLLATE":
            self.pos += 1
            return A.ColumnConstraint("COLLATE", name, collation=self.parse_ids())
        if tag == "REFERENCES":
            return A.ColumnConstraint("REFERENCES", name, foreign_key=self.parse_fk_clause())
        if tag == "GENERATED" or tag == "AS":
            if tag == "GENERATED":
                self.pos += 1
                self.expect("ALWAYS")
            self.expect("AS")
            self.expect("(")
            first = self.pos
            expr = self.parse_expr()
            text = self.span(first, self.pos - 1)
            self.expect(")")
            stored = False
            if self.tag == _ID and self.tok_text(self.pos).upper() == "STORED":
                self.pos += 1
                stored = True
            elif self.tag == "VIRTUAL":
                self.pos += 1
            return A.ColumnConstraint("GENERATED", name, expr, stored=stored, text=text)
        return None  # a bare CONSTRAINT name is allowed and names nothing

    def parse_default(self, name: str | None) -> A.ColumnConstraint:
        """DEFAULT (expr) | DEFAULT [+|-] literal | DEFAULT id; `text` as table_info shows."""
        first = self.pos
        tag = self.tag
        expr: A.Expr
        if tag == "(":
            self.pos += 1
            first = self.pos
            expr = self.parse_expr()
            text = self.span(first, self.pos - 1)
            self.expect(")")
            return A.ColumnConstraint("DEFAULT", name, expr, text=text)
        if tag == "+" or tag == "-":
            self.pos += 1
            if self.tag not in (_INT, _FLOAT):
                self.fail()
            if tag == "-" and self.tag == _INT and self.integer_value(self.pos) == 1 << 63:
                self.pos += 1
                expr = A.Literal(-(1 << 63))
            else:
                operand = self.parse_primary()
                expr = A.Unary("-", operand) if tag == "-" else operand
        elif tag in (_INT, _FLOAT, _STR, _BLOB, "NULL") or tag in _CTIME:
            expr = self.parse_primary()
        elif tag == _ID or tag in IDJ_KEYWORDS:
            word = _dequote(self.tok_text(self.pos))
            self.pos += 1
            low = word.lower()
            expr = A.Literal(1 if low == "true" else 0 if low == "false" else word)
        else:
            self.fail()
        return A.ColumnConstraint("DEFAULT", name, expr, text=self.span(first, self.pos - 1))

    def parse_fk_clause(self, table_level: bool = False) -> A.ForeignKeyClause:
        self.expect("REFERENCES")
        table = self.parse_nm()
        columns: tuple[str, ...] = ()
        if self.tag == "(":
            columns = self.parse_eidlist()
        on_delete: str | None = None
        on_update: str | None = None
        while True:
            if self.accept("ON"):
                which = self.tag
                if which != "DELETE" and which != "UPDATE":
                    self.fail()
                self.pos += 1
                action = self.parse_fk_action()
                if which == "DELETE":
                    on_delete = action
                else:
                    on_update = action
            elif self.accept("MATCH"):
                self.parse_nm()
            else:
                break
        deferrable: bool | None = None
        initially_deferred = False
        if self.tag == "DEFERRABLE" or (self.tag == "NOT" and (
                table_level or self.peek() == "DEFERRABLE")):
            deferrable, initially_deferred = self.parse_defer_subclause()
        return A.ForeignKeyClause(table, columns, on_delete, on_update, deferrable,
                                  initially_deferred)

    def parse_defer_subclause(self) -> tuple[bool, bool]:
        """[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE] -> (deferrable, initially_deferred)"""
        deferrable = not self.accept("NOT")
        self.expect("DEFERRABLE")
        initially_deferred = False
        if self.accept("INITIALLY"):
            if self.accept("DEFERRED"):
                initially_deferred = True
            else:
                self.expect("IMMEDIATE")
        return deferrable, initially_deferred

    def parse_fk_action(self) -> str:
        tag = self.tag
        if tag == "SET":
            self.pos += 1
            if self.accept("NULL"):
                return "SET NULL"
            self.expect("DEFAULT")
            return "SET DEFAULT"
        if tag == "CASCADE" or tag == "RESTRICT":
            self.pos += 1
            return tag
        if tag == "NO":
            self.pos += 1
            self.expect("ACTION")
            return "NO ACTION"
        self.fail()

    def parse_indexed_columns(self) -> tuple[A.IndexedColumn, ...]:
        """sortlist of an index, PRIMARY KEY or UNIQUE: expr [COLLATE c] [ASC|DESC]."""
        out = []
        while True:
            expr = self.parse_expr()
            collation: str | None = None
            if isinstance(expr, A.Collate):
                collation = expr.collation
                expr = expr.expr
            desc = self.accept("DESC")
            if not desc:
                self.accept("ASC")
            out.append(A.IndexedColumn(expr, collation, desc))
            if not self.accept(","):
                return tuple(out)

    def parse_table_constraint(self) -> A.TableConstraint:
        name: str | None = None
        if self.accept("CONSTRAINT"):
            name = self.parse_nm()
        tag = self.tag
        self.pos += 1
        if tag == "PRIMARY" or tag == "UNIQUE":
            if tag == "PRIMARY":
                self.expect("KEY")
            self.expect("(")
            columns = self.parse_indexed_columns()
            autoinc = tag == "PRIMARY" and self.accept("AUTOINCREMENT")
            self.expect(")")
            kind = "PRIMARY KEY" if tag == "PRIMARY" else "UNIQUE"
            return A.TableConstraint(kind, name, columns,
                                     conflict=self.parse_conflict_clause(),
                                     autoincrement=autoinc)
        if tag == "CHECK":
            self.expect("(")
            lp = self.pos - 1
            expr = self.parse_expr()
            text = self.check_text(lp)
            self.expect(")")
            return A.TableConstraint("CHECK", name, expr=expr,
                                     conflict=self.parse_conflict_clause(), text=text)
        if tag == "FOREIGN":
            self.expect("KEY")
            names = self.parse_eidlist()
            columns = tuple(A.IndexedColumn(A.ColumnRef(None, None, n)) for n in names)
            return A.TableConstraint("FOREIGN KEY", name, columns,
                                     foreign_key=self.parse_fk_clause(table_level=True))
        self.fail(self.pos - 1)

    def parse_create_index(self) -> A.CreateIndex:
        unique = self.accept("UNIQUE")
        self.expect("INDEX")
        if_not_exists = self.parse_if_not_exists()
        schema, name, name_pos = self.parse_qualified()
        self.expect("ON")
        table = self.parse_nm()
        self.expect("(")
        columns = self.parse_indexed_columns()
        self.expect(")")
        where = self.parse_expr() if self.accept("WHERE") else None
        # SQLite keeps everything up to the ';' here, trailing blanks included.
        start = self.starts[name_pos]
        end = self.starts[self.pos]
        head = "CREATE UNIQUE INDEX " if unique else "CREATE INDEX "
        return A.CreateIndex(schema, name, table, columns, unique, if_not_exists, where,
                             head + self.text[start:end])

    def parse_create_view(self, temp: bool) -> A.CreateView:
        self.pos += 1  # VIEW
        if_not_exists = self.parse_if_not_exists()
        schema, name, name_pos = self.parse_qualified()
        columns: tuple[str, ...] = ()
        if self.tag == "(":
            columns = self.parse_eidlist()
        self.expect("AS")
        select = self.parse_select(None)
        # Up to the ';' (comments kept), trailing white space removed.
        sql = ("CREATE VIEW " + self.text[self.starts[name_pos]:self.starts[self.pos]]
               ).rstrip(" \t\n\f\r")
        return A.CreateView(schema, name, columns, select, temp, if_not_exists, sql,
                            self.starts[name_pos])

    def parse_create_trigger(self, temp: bool) -> A.CreateTrigger:
        self.pos += 1  # TRIGGER
        if_not_exists = self.parse_if_not_exists()
        schema, name, name_pos = self.parse_qualified()
        timing = "BEFORE"
        if self.tag in ("BEFORE", "AFTER"):
            timing = self.tag
            self.pos += 1
        elif self.tag == "INSTEAD":
            self.pos += 1
            self.expect("OF")
            timing = "INSTEAD OF"
        event = self.tag
        if event not in ("INSERT", "UPDATE", "DELETE"):
            self.fail()
        self.pos += 1
        update_columns: tuple[str, ...] = ()
        if event == "UPDATE" and self.accept("OF"):
            cols = [self.parse_nm()]
            while self.accept(","):
                cols.append(self.parse_nm())
            update_columns = tuple(cols)
        self.expect("ON")
        table = self.parse_nm()
        table_schema = None
        if self.accept("."):
            table_schema, table = table, self.parse_nm()
        for_each_row = False
        if self.accept("FOR"):
            self.expect("EACH")
            self.expect("ROW")
            for_each_row = True
        when = self.parse_expr() if self.accept("WHEN") else None
        self.expect("BEGIN")
        body: list[A.Statement] = []
        while True:
            tag = self.tag
            if tag == "WITH":
                stmt = self._parse_with_stmt()
            elif tag in ("SELECT", "VALUES"):
                stmt = self.parse_select(None)
            elif tag in ("INSERT", "REPLACE"):
                stmt = self.parse_insert()
            elif tag == "UPDATE":
                stmt = self.parse_update()
            elif tag == "DELETE":
                stmt = self.parse_delete()
            else:
                self.fail()
            if isinstance(stmt, (A.Insert, A.Update, A.Delete)) and stmt.table.schema is not None:
                self.error("qualified table names are not allowed on INSERT, UPDATE, and DELETE "
                           "statements within triggers")
            body.append(stmt)
            self.expect(";")
            self._more()
            if self.tag == "END":
                break
        self.pos += 1
        sql = self._schema_sql("CREATE TRIGGER ", name_pos, self.pos - 1)
        return A.CreateTrigger(schema, name, table, timing, event, tuple(body), update_columns,
                               when, for_each_row, temp, if_not_exists, sql, table_schema)

    def parse_create_virtual_table(self) -> A.CreateVirtualTable:
        self.pos += 1  # VIRTUAL
        self.expect("TABLE")
        if_not_exists = self.parse_if_not_exists()
        schema, name, name_pos = self.parse_qualified()
        self.expect("USING")
        module = self.parse_nm()
        args: list[str] = []
        if self.accept("("):
            depth = 0
            arg_start = self.pos
            while True:
                tag = self.tag
                if tag in (_EOF, _MORE, ";", _ILLEGAL):
                    self.fail()
                if tag == "(":
                    depth += 1
                elif tag == ")":
                    if depth == 0:
                        break
                    depth -= 1
                elif tag == "," and depth == 0:
                    args.append(self.span(arg_start, self.pos - 1) if self.pos > arg_start
                                else "")
                    arg_start = self.pos + 1
                self.pos += 1
            args.append(self.span(arg_start, self.pos - 1) if self.pos > arg_start else "")
            self.pos += 1
            if args == [""]:
                args = []
        sql = self._schema_sql("CREATE VIRTUAL TABLE ", name_pos, self.pos - 1)
        return A.CreateVirtualTable(schema, name, module, tuple(args), if_not_exists, sql)

    def parse_drop(self) -> A.Drop:
        self.pos += 1  # DROP
        kind = self.tag
        if kind not in ("TABLE", "INDEX", "VIEW", "TRIGGER"):
            self.fail()
        self.pos += 1
        if_exists = False
        if self.accept("IF"):
            self.expect("EXISTS")
            if_exists = True
        schema, name, _ = self.parse_qualified()
        return A.Drop(kind, schema, name, if_exists)

    def parse_alter(self) -> A.AlterTable:
        self.pos += 1  # ALTER
        self.expect("TABLE")
        schema, table, _ = self.parse_qualified()
        if self.accept("RENAME"):
            if self.accept("TO"):
                return A.AlterTable(schema, table, "RENAME", new_name=self.parse_nm())
            self.accept("COLUMN")
            column = self.parse_nm()
            self.expect("TO")
            return A.AlterTable(schema, table, "RENAME COLUMN", self.parse_nm(), column)
        if self.accept("ADD"):
            self.accept("COLUMN")
            return A.AlterTable(schema, table, "ADD COLUMN", column_def=self.parse_column_def())
        if self.accept("DROP"):
            self.accept("COLUMN")
            return A.AlterTable(schema, table, "DROP COLUMN", column=self.parse_nm())
        self.fail()

    # ======================================================================= other statements

    def _parse_trans_name(self) -> None:
        """[TRANSACTION [nm]]"""
        if self.accept("TRANSACTION") and self.tag in _NAME_TAGS:
            self.pos += 1

    def parse_begin(self) -> A.Begin:
        self.pos += 1
        mode: str | None = None
        if self.tag in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
            mode = self.tag
            self.pos += 1
        elif self.tag == _ID and self.tok_text(self.pos).upper() == "CONCURRENT":
            mode = "CONCURRENT"
            self.pos += 1
        self._parse_trans_name()
        return A.Begin(mode)

    def parse_commit(self) -> A.Commit:
        self.pos += 1
        self._parse_trans_name()
        return A.Commit()

    def parse_rollback(self) -> A.Rollback:
        self.pos += 1
        self._parse_trans_name()
        if self.accept("TO"):
            self.accept("SAVEPOINT")
            return A.Rollback(self.parse_nm())
        return A.Rollback()

    def parse_savepoint(self) -> A.Savepoint:
        self.pos += 1
        return A.Savepoint(self.parse_nm())

    def parse_release(self) -> A.Release:
        self.pos += 1
        self.accept("SAVEPOINT")
        return A.Release(self.parse_nm())

    def parse_pragma(self) -> A.Pragma:
        self.pos += 1
        schema, name, _ = self.parse_qualified()
        value: A.Expr | None = None
        if self.accept("="):
            value = self.parse_pragma_value()
        elif self.accept("("):
            value = self.parse_pragma_value()
            self.expect(")")
        return A.Pragma(schema, name, value)

    def parse_pragma_value(self) -> A.Expr:
        """nmnum | signed number: numbers fold their sign; names become Literal(str)."""
        tag = self.tag
        if tag in ("+", "-", _INT, _FLOAT):
            return self.parse_signed_number()
        if tag in _NAME_TAGS or tag in ("ON", "DELETE", "DEFAULT"):
            self.pos += 1
            return A.Literal(_dequote(self.tok_text(self.pos - 1)))
        self.fail()

    def _parse_optional_qualified(self) -> tuple[str | None, str | None]:
        if self.tag not in _NAME_TAGS:
            return None, None
        first = self.parse_nm()
        if self.accept("."):
            return first, self.parse_nm()
        return None, first

    def parse_analyze(self) -> A.Analyze:
        self.pos += 1
        schema, name = self._parse_optional_qualified()
        return A.Analyze(schema, name)

    def parse_reindex(self) -> A.Reindex:
        self.pos += 1
        schema, name = self._parse_optional_qualified()
        return A.Reindex(schema, name)

    def parse_vacuum(self) -> A.Vacuum:
        self.pos += 1
        schema: str | None = None
        if self.tag in _NAME_TAGS:
            schema = self.parse_nm()
        into = self.parse_expr() if self.accept("INTO") else None
        return A.Vacuum(schema, into)

    def parse_attach(self) -> A.Attach:
        self.pos += 1
        self.accept("DATABASE")
        expr = self.parse_expr()
        self.expect("AS")
        name = self.parse_expr()
        if self.accept("KEY"):
            self.parse_expr()
        return A.Attach(expr, name)

    def parse_detach(self) -> A.Detach:
        self.pos += 1
        self.accept("DATABASE")
        first = self.pos
        expr = self.parse_expr()
        if isinstance(expr, A.ColumnRef) and expr.table is None:
            return A.Detach(expr.column)
        if isinstance(expr, A.Literal) and isinstance(expr.value, str):
            return A.Detach(expr.value)
        return A.Detach(self.span(first, self.pos - 1))  # no such database, later


_StmtHandler = Callable[[_Parser], A.Statement]
_STATEMENTS: dict[str, _StmtHandler] = {
    "SELECT": _Parser._parse_select_stmt, "VALUES": _Parser._parse_select_stmt,
    "WITH": _Parser._parse_with_stmt,
    "INSERT": _Parser.parse_insert, "REPLACE": _Parser.parse_insert,
    "UPDATE": _Parser.parse_update, "DELETE": _Parser.parse_delete,
    "CREATE": _Parser.parse_create, "DROP": _Parser.parse_drop, "ALTER": _Parser.parse_alter,
    "BEGIN": _Parser.parse_begin, "COMMIT": _Parser.parse_commit, "END": _Parser.parse_commit,
    "ROLLBACK": _Parser.parse_rollback, "SAVEPOINT": _Parser.parse_savepoint,
    "RELEASE": _Parser.parse_release, "PRAGMA": _Parser.parse_pragma,
    "ANALYZE": _Parser.parse_analyze, "VACUUM": _Parser.parse_vacuum,
    "REINDEX": _Parser.parse_reindex, "ATTACH": _Parser.parse_attach,
    "DETACH": _Parser.parse_detach,
}

_PrimaryHandler = Callable[[_Parser], A.Expr]
_PRIMARY: dict[str, _PrimaryHandler] = {
    _INT: _Parser._primary_int, _FLOAT: _Parser._primary_float,
    _STR: _Parser._primary_string, _BLOB: _Parser._primary_blob,
    "NULL": _Parser._primary_null, "CURRENT_TIME": _Parser._primary_ctime,
    "CURRENT_DATE": _Parser._primary_ctime, "CURRENT_TIMESTAMP": _Parser._primary_ctime,
    _VAR: _Parser._primary_var, "(": _Parser._primary_paren, "CAST": _Parser._primary_cast,
    "CASE": _Parser._primary_case, "EXISTS": _Parser._primary_exists,
    "RAISE": _Parser._primary_raise,
}


# --------------------------------------------------------------------------- public API


# Statements parsed before, by (text, start): the tree is immutable and depends only
# on the text, so connections share it (a new connection's schema and first
# statements are not parsed again). Short texts only; emptied when full.
_PARSED: dict[tuple[str, int], tuple[A.Parsed | None, int]] = {}
_PARSED_MAX = 512
_PARSED_TEXT = 4000


def parse_one(text: str, start: int = 0) -> tuple[A.Parsed | None, int]:
    """parse_one(text, start) -> (the next statement, the offset after its ';').

    Empty statements (lone ';') are skipped; (None, len(text)) when only white
    space and comments remain. Raises SqlSyntaxError with SQLite's message."""
    if len(text) > _PARSED_TEXT:
        return _parse_one(text, start)
    key = (text, start)
    hit = _PARSED.get(key)
    if hit is None:
        hit = _parse_one(text, start)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = hit
    return hit


def _parse_one(text: str, start: int) -> tuple[A.Parsed | None, int]:
    while True:
        p = _Parser(text, start)
        tag = p.tags[0]
        if tag == ";":
            start = p.ends[0]
            continue
        if tag == _EOF:
            if p.starts[0] < len(text):
                p.fail(0)
            return None, len(text)
        break
    try:
        stmt = p.parse_statement()
    except RecursionError:
        raise SqlSyntaxError("parser stack overflow", p.starts[p.pos]) from None
    end = p.ends[p.pos - 1]
    tag = p.tag
    if tag == ";":
        after = p.ends[p.pos]
    elif tag == _EOF:
        after = len(text)
    else:
        p.fail()
    parsed = A.Parsed(stmt, p.starts[0], end, p.nvar, p.param_names())
    return parsed, after


def parse(text: str) -> list[A.Parsed]:
    """parse(text) -> every statement in text, in order."""
    out: list[A.Parsed] = []
    pos = 0
    n = len(text)
    while pos < n:
        parsed, pos = parse_one(text, pos)
        if parsed is None:
            break
        out.append(parsed)
    return out
