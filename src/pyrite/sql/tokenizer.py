"""The tokenizer: SQL text -> tokens, by SQLite's lexical rules (tokenize.c).

Owns character classes, literals, quoting, comments, parameters and
`complete_statement` (sqlite3_complete). Knows nothing of the grammar except
the keyword table in tokens.py.

Hot path: one pass over the text with a precomputed character-class table;
no regular expression per character. Characters >= U+0080 are identifier
characters, as SQLite treats every byte >= 0x80.
"""

from __future__ import annotations

from pyrite.errors import SqlSyntaxError
from pyrite.sql.tokens import CONTEXT_KEYWORDS, KEYWORDS, Token, TokenKind

__all__ = ["tokenize", "tokenize_all", "next_token", "complete_statement", "unrecognized",
           "CHAR_CLASS", "KEYWORD_TAG"]


# Character classes of a token's first character (plain ints: this is the hot path).
(_CC_SPACE, _CC_ALPHA, _CC_X, _CC_DIGIT, _CC_DOLLAR, _CC_VARALPHA, _CC_VARNUM, _CC_MINUS,
 _CC_OP1, _CC_SLASH, _CC_EQ, _CC_LT, _CC_GT, _CC_BANG, _CC_PIPE, _CC_QUOTE, _CC_LBRACKET,
 _CC_DOT, _CC_ILLEGAL) = range(19)

_CLASS: list[int] = [_CC_ILLEGAL] * 128
for _c in " \t\n\f\r":
    _CLASS[ord(_c)] = _CC_SPACE
for _c in "abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWYZ_":
    _CLASS[ord(_c)] = _CC_ALPHA
_CLASS[ord("x")] = _CLASS[ord("X")] = _CC_X
for _c in "0123456789":
    _CLASS[ord(_c)] = _CC_DIGIT
for _c in "()+*%,&~;":
    _CLASS[ord(_c)] = _CC_OP1
for _c, _k in (("$", _CC_DOLLAR), ("@", _CC_VARALPHA), (":", _CC_VARALPHA), ("#", _CC_VARALPHA),
               ("?", _CC_VARNUM), ("-", _CC_MINUS), ("/", _CC_SLASH), ("=", _CC_EQ),
               ("<", _CC_LT), (">", _CC_GT), ("!", _CC_BANG), ("|", _CC_PIPE),
               ("'", _CC_QUOTE), ('"', _CC_QUOTE), ("`", _CC_QUOTE), ("[", _CC_LBRACKET),
               (".", _CC_DOT)):
    _CLASS[ord(_c)] = _k

# Identifier characters after the first: letters, digits, "_", "$", >= 0x80.
_IDCHAR: list[bool] = [False] * 128
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$":
    _IDCHAR[ord(_c)] = True
_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_SPACES = frozenset(" \t\n\f\r")

# Upper-cased word -> keyword tag, for every spelling case-folded on demand.
_KEYWORD_OF: dict[str, str] = {k: k for k in KEYWORDS if k not in CONTEXT_KEYWORDS}
_ID, _KW, _OP = TokenKind.ID, TokenKind.KEYWORD, TokenKind.OP
# For the parser's inline scanner: class 1 is "starts an identifier or keyword".
CHAR_CLASS: list[int] = _CLASS
KEYWORD_TAG: dict[str, str] = _KEYWORD_OF
_new_token = Token.__new__


def _is_idchar(text: str, i: int, n: int) -> bool:
    if i >= n:
        return False
    o = ord(text[i])
    return o >= 128 or _IDCHAR[o]


def _scan_ident(text: str, i: int, n: int) -> int:
    """The offset after the identifier characters starting at i."""
    idchar = _IDCHAR
    while i < n:
        o = ord(text[i])
        if o < 128 and not idchar[o]:
            break
        i += 1
    return i


def next_token(text: str, i: int) -> Token:
    """next_token(text, i) -> the token starting at offset i (EOF at the end)."""
    n = len(text)
    if i >= n:
        return _new_token(Token, TokenKind.EOF, n, n, "")
    ch = text[i]
    o = ord(ch)
    cc = _CLASS[o] if o < 128 else _CC_ALPHA
    if cc == _CC_ALPHA or (cc == _CC_X and (i + 1 >= n or text[i + 1] != "'")):
        j = i + 1
        idchar = _IDCHAR
        while j < n:
            o = ord(text[j])
            if o < 128 and not idchar[o]:
                break
            j += 1
        kw = _KEYWORD_OF.get(text[i:j].upper()) if j - i >= 2 else None
        if kw is not None and text[i:j].isascii():
            return _new_token(Token, _KW, i, j, kw)
        return _new_token(Token, _ID, i, j, "")
    if cc == _CC_SPACE:
        j = i + 1
        while j < n and text[j] in _SPACES:
            j += 1
        return _new_token(Token, TokenKind.SPACE, i, j, "")
    if cc == _CC_OP1:
        return _new_token(Token, _OP, i, i + 1, ch)
    if cc == _CC_DIGIT or (cc == _CC_DOT and i + 1 < n and text[i + 1] in _DIGITS):
        return _scan_number(text, i, n)
    if cc == _CC_X:
        return _scan_blob(text, i, n)
    nxt = text[i + 1] if i + 1 < n else ""
    if cc == _CC_MINUS:
        if nxt == "-":
            j = text.find("\n", i + 2)
            j = n if j < 0 else j + 1
            return Token(TokenKind.COMMENT, i, j, "")
        if nxt == ">":
            if i + 2 < n and text[i + 2] == ">":
                return Token(_OP, i, i + 3, "->>")
            return Token(_OP, i, i + 2, "->")
        return Token(_OP, i, i + 1, "-")
    if cc == _CC_QUOTE:
        return _scan_quoted(text, i, n, ch)
    if cc == _CC_EQ:
        if nxt == "=":
            return Token(_OP, i, i + 2, "=")
        return Token(_OP, i, i + 1, "=")
    if cc == _CC_LT:
        if nxt == "=" or nxt == ">" or nxt == "<":
            return Token(_OP, i, i + 2, "!=" if nxt == ">" else "<" + nxt)
        return Token(_OP, i, i + 1, "<")
    if cc == _CC_GT:
        if nxt == "=" or nxt == ">":
            return Token(_OP, i, i + 2, ">" + nxt)
        return Token(_OP, i, i + 1, ">")
    if cc == _CC_SLASH:
        if nxt != "*":
            return Token(_OP, i, i + 1, "/")
        j = text.find("*/", i + 2)
        return Token(TokenKind.COMMENT, i, n if j < 0 else j + 2, "")
    if cc == _CC_BANG:
        if nxt == "=":
            return Token(_OP, i, i + 2, "!=")
        return Token(TokenKind.ILLEGAL, i, i + 1, "")
    if cc == _CC_PIPE:
        if nxt == "|":
            return Token(_OP, i, i + 2, "||")
        return Token(_OP, i, i + 1, "|")
    if cc == _CC_DOT:
        return Token(_OP, i, i + 1, ".")
    if cc == _CC_LBRACKET:
        j = text.find("]", i + 1)
        if j < 0:
            return Token(TokenKind.ILLEGAL, i, n, "")
        return Token(_ID, i, j + 1, "")
    if cc == _CC_VARNUM:
        j = i + 1
        while j < n and text[j] in _DIGITS:
            j += 1
        return Token(TokenKind.VARIABLE, i, j, "")
    if cc == _CC_DOLLAR or cc == _CC_VARALPHA:
        return _scan_variable(text, i, n, cc == _CC_DOLLAR)
    return Token(TokenKind.ILLEGAL, i, i + 1, "")


def _scan_quoted(text: str, i: int, n: int, q: str) -> Token:
    j = i + 1
    while True:
        k = text.find(q, j)
        if k < 0:
            return Token(TokenKind.ILLEGAL, i, n, "")
        if k + 1 < n and text[k + 1] == q:
            j = k + 2
            continue
        kind = TokenKind.STRING if q == "'" else TokenKind.ID
        return Token(kind, i, k + 1, "")


def _scan_blob(text: str, i: int, n: int) -> Token:
    j = i + 2
    while j < n and text[j] in _HEX:
        j += 1
    if j < n and text[j] == "'" and (j - i - 2) % 2 == 0:
        return Token(TokenKind.BLOB, i, j + 1, "")
    while j < n and text[j] != "'":
        j += 1
    return Token(TokenKind.ILLEGAL, i, min(j + 1, n), "")


def _scan_number(text: str, i: int, n: int) -> Token:
    kind = TokenKind.INTEGER
    if text.startswith(("0x", "0X"), i) and i + 2 < n and text[i + 2] in _HEX:
        # A hex integer ends at its last hex digit: "0x1g" is 0x1 then g.
        j = i + 3
        while j < n and text[j] in _HEX:
            j += 1
        return Token(kind, i, j, "")
    else:
        j = i
        while j < n and text[j] in _DIGITS:
            j += 1
        if j < n and text[j] == ".":
            kind = TokenKind.FLOAT
            j += 1
            while j < n and text[j] in _DIGITS:
                j += 1
        if j < n and text[j] in "eE":
            k = j + 1
            if k < n and text[k] in "+-":
                k += 1
            if k < n and text[k] in _DIGITS:
                kind = TokenKind.FLOAT
                j = k
                while j < n and text[j] in _DIGITS:
                    j += 1
            else:
                j = _scan_ident(text, j, n)
                return Token(TokenKind.ILLEGAL, i, j, "")
    if _is_idchar(text, j, n):
        j = _scan_ident(text, j, n)
        return Token(TokenKind.ILLEGAL, i, j, "")
    return Token(kind, i, j, "")


def _scan_variable(text: str, i: int, n: int, dollar: bool) -> Token:
    j = i + 1
    while j < n:
        c = text[j]
        o = ord(c)
        if o >= 128 or _IDCHAR[o]:
            j += 1
        elif dollar and c == ":" and j + 1 < n and text[j + 1] == ":":
            j += 2
        elif dollar and c == "(" and j > i + 1:
            k = j + 1
            while k < n and text[k] != ")" and text[k] not in _SPACES:
                k += 1
            if k < n and text[k] == ")":
                j = k + 1
                break
            return Token(TokenKind.ILLEGAL, i, k, "")
        else:
            break
    if j == i + 1:
        return Token(TokenKind.ILLEGAL, i, j, "")
    return Token(TokenKind.VARIABLE, i, j, "")


def unrecognized(text: str, tok: Token) -> SqlSyntaxError:
    return SqlSyntaxError(f'unrecognized token: "{text[tok.start:tok.end]}"', tok.start)


def tokenize_all(text: str) -> list[Token]:
    """tokenize_all(text) -> every token including SPACE/COMMENT, ILLEGAL and no EOF."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        tok = next_token(text, i)
        out.append(tok)
        i = tok.end
    return out


def tokenize(text: str) -> list[Token]:
    """tokenize(text) -> tokens without white space or comments, ending with EOF.

    Raises SqlSyntaxError('unrecognized token: "…"') for an illegal token."""
    out: list[Token] = []
    append = out.append
    i, n = 0, len(text)
    skip = (TokenKind.SPACE, TokenKind.COMMENT)
    while i < n:
        tok = next_token(text, i)
        kind = tok.kind
        if kind not in skip:
            if kind == TokenKind.ILLEGAL:
                raise unrecognized(text, tok)
            append(tok)
        i = tok.end
    append(Token(TokenKind.EOF, n, n, ""))
    return out


# --------------------------------------------------------------------------- complete_statement

# sqlite3_complete's state machine (complete.c). Token classes:
_SEMI, _WS, _OTHER, _EXPLAIN, _CREATE, _TEMP, _TRIGGER, _END = range(8)
# _TRANS[state][token] -> state; state 1 = "after a ';'" = complete.
_TRANS: tuple[tuple[int, ...], ...] = (
    #  SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END
    (1, 0, 2, 3, 4, 2, 2, 2),  # 0 INVALID: start, nothing seen
    (1, 1, 2, 3, 4, 2, 2, 2),  # 1 START: after a ';'
    (1, 2, 2, 2, 2, 2, 2, 2),  # 2 NORMAL
    (1, 3, 3, 2, 4, 2, 2, 2),  # 3 EXPLAIN
    (1, 4, 2, 2, 2, 4, 5, 2),  # 4 CREATE
    (6, 5, 5, 5, 5, 5, 5, 5),  # 5 TRIGGER
    (6, 6, 5, 5, 5, 5, 5, 7),  # 6 SEMI (inside a trigger)
    (1, 7, 5, 5, 5, 5, 5, 5),  # 7 END
)


def complete_statement(text: str) -> bool:
    """complete_statement(text) -> True if text ends a statement, as sqlite3_complete."""
    state = 0
    i, n = 0, len(text)
    while i < n:
        tok = next_token(text, i)
        kind = tok.kind
        if kind == TokenKind.SPACE or kind == TokenKind.COMMENT:
            if kind == TokenKind.COMMENT and text.startswith("/*", tok.start) and (
                    tok.end - tok.start < 4 or not text.endswith("*/", 0, tok.end)):
                return False  # unterminated /* comment
            t = _WS
        elif kind == TokenKind.OP and tok.value == ";":
            t = _SEMI
        elif kind == TokenKind.ILLEGAL and text[tok.start] in "'\"`[":
            return False  # unterminated quote
        elif kind == TokenKind.KEYWORD or kind == TokenKind.ID:
            word = text[tok.start:tok.end].upper()
            t = {"EXPLAIN": _EXPLAIN, "CREATE": _CREATE, "TEMP": _TEMP, "TEMPORARY": _TEMP,
                 "TRIGGER": _TRIGGER, "END": _END}.get(word, _OTHER)
        else:
            t = _OTHER
        state = _TRANS[state][t]
        i = tok.end
    return state == 1
