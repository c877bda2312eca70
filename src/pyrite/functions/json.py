"""JSON functions (json1.html) as SQLite 3.40 builds them (json.c): json,
json_array, json_array_length, json_extract, -> and ->>, json_insert,
json_replace, json_set, json_remove, json_patch, json_object, json_quote,
json_type, json_valid, and the aggregates json_group_array/json_group_object.

Owns the JSON parser, the node tree the editing functions work on, path
lookup and rendering. Knows nothing of rows or the engine; SQLite 3.40 has no
JSON5 and no JSONB.

The JSON subtype
----------------
SQLite marks the text a JSON function returns with a subtype, so that a JSON
function taking it as an argument inserts it as JSON rather than as a string:
``json_array('[1]')`` is ``["[1]"]`` but ``json_array(json('[1]'))`` is
``[[1]]``. Here a value with the subtype is a ``JsonText``. The registered
functions (``JSON_FUNCTIONS``) return plain SQL values; ``JSON_TAGGED`` maps
each to a variant returning ``JsonText`` where SQLite sets the subtype. The
code generator (``Compiler.json_arg``) calls a variant only for a call written
as an argument of another built-in JSON function (``is_json_consumer``) or of
json_group_array/json_group_object -- directly, or through unary +, COLLATE,
CASE, coalesce, ifnull or iif -- and wraps json_group_* results there, so a
``JsonText`` never reaches storage, comparison or the user. (SQLite also
carries the subtype through nullif() and scalar subqueries; pyrite does not.)

The node tree
-------------
``JNode.kind`` is one of NULL TRUE FALSE INT REAL STRING ARRAY OBJECT (the
names ``json_type`` returns, in that order). Scalars keep their source text
(strings with their quotes and escapes, numbers as written), as SQLite's
``json()`` prints them back unchanged. An OBJECT's ``items`` alternate label
and value nodes. Flags mirror json.c's: ``RAW`` (a label or string taken from
SQL text, printed escaped), ``REMOVE`` (json_remove, json_patch), ``REPLACE``
(json_set/json_replace/json_insert; ``extra`` holds the SQL value) and
``PATCH`` (json_patch; ``extra`` holds the node printed instead).

Nesting deeper than ``JSON_MAX_DEPTH`` is malformed, as in SQLite; parsing,
rendering and lookup are iterative, so no input reaches Python's recursion
limit. Read-only functions share parses of the last few texts
(``parse_cached``, json.c's jsonParseCached); the editing ones parse afresh.
Reals read from JSON convert as strtod does (correctly rounded), which is
what SQLite 3.40's json.c uses, not sqlite3AtoF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Union

from pyrite.errors import OperationalError
from pyrite.exec.values import TEXT_ERRORS, real_to_text
from pyrite.functions.aggregate import AggregateDef

__all__ = [
    "JsonText", "JSON_FUNCTIONS", "JSON_TAGGED", "JSON_AGGREGATES", "JSON_CONSUMERS",
    "JSON_GROUP_NAMES", "is_json_consumer",
]

JSON_MAX_DEPTH = 2000
MAX_INT = (1 << 63) - 1


class JsonText:
    """A TEXT value carrying SQLite's JSON subtype, between two JSON functions."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JsonText) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("json", self.text))

    def __repr__(self) -> str:
        return f"JsonText({self.text!r})"


# --------------------------------------------------------------------------- nodes

J_NULL, J_TRUE, J_FALSE, J_INT, J_REAL, J_STRING, J_ARRAY, J_OBJECT = range(8)
TYPE_NAMES = ("null", "true", "false", "integer", "real", "text", "array", "object")

F_RAW, F_REMOVE, F_REPLACE, F_PATCH = 1, 2, 4, 8


JValue = Union[None, int, float, str, bytes, JsonText]
"""An SQL value, or one carrying the JSON subtype."""


class JNode:
    """One JSON value of a parse tree (see the module docstring)."""

    __slots__ = ("kind", "text", "items", "flags", "extra", "seg")

    def __init__(self, kind: int, text: str = "", items: list[JNode] | None = None,
                 flags: int = 0) -> None:
        self.kind = kind
        self.text = text
        self.items: list[JNode] = items if items is not None else []
        self.flags = flags
        self.extra: Any = None
        self.seg = -1   # an ARRAY: index of the element appended last (json_set)


_MALFORMED = "malformed JSON"
_BLOB = "JSON cannot hold BLOB values"


# One token per match, white space before it skipped: a string, a number (group 3
# non-empty for a REAL), a literal (group 5 non-empty when a letter or digit follows,
# which SQLite rejects), or any other single character.
_TOKEN = re.compile(
    r'[ \t\n\r]*(?:("[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*")'
    r"|(-?(?:0|[1-9][0-9]*)((?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?))"
    r"|(true|false|null)([0-9A-Za-z]?)|([^ \t\n\r]))", re.S)
_LITERAL_KIND = {"true": J_TRUE, "false": J_FALSE, "null": J_NULL}
_CLOSER = {J_ARRAY: "]", J_OBJECT: "}"}
# What parse() expects next.
_W_VALUE, _W_SEP, _W_LABEL, _W_COLON, _W_FIRST_ITEM, _W_FIRST_LABEL = range(6)


def parse(z: str) -> JNode | None:
    """parse(z) -> the root node of JSON text z, or None when malformed (jsonParse)."""
    stack: list[JNode] = []
    root: JNode | None = None
    top: JNode | None = None
    closer = ""
    want = _W_VALUE
    for s, num, frac, lit, lit_junk, p in _TOKEN.findall(z):
        if want == _W_SEP:
            if p == "," and top is not None:
                want = _W_LABEL if top.kind == J_OBJECT else _W_VALUE
            elif p and p == closer:
                stack.pop()
                top = stack[-1] if stack else None
                closer = _CLOSER[top.kind] if top is not None else ""
            else:
                return None
            continue
        if want == _W_COLON:
            if p != ":":
                return None
            want = _W_VALUE
            continue
        if want == _W_LABEL or want == _W_FIRST_LABEL:
            assert top is not None
            if s:
                top.items.append(JNode(J_STRING, s))
                want = _W_COLON
                continue
            if want == _W_FIRST_LABEL and p == "}":
                stack.pop()
                top = stack[-1] if stack else None
                closer = _CLOSER[top.kind] if top is not None else ""
                want = _W_SEP
                continue
            return None
        # a value; the first item of an array may be its ']' instead
        if s:
            node = JNode(J_STRING, s)
        elif num:
            node = JNode(J_REAL if frac else J_INT, num)
        elif lit:
            if lit_junk:
                return None
            node = JNode(_LITERAL_KIND[lit], lit)
        elif p == "[" or p == "{":
            node = JNode(J_ARRAY if p == "[" else J_OBJECT, "", [])
            if top is not None:
                top.items.append(node)
            elif root is None:
                root = node
            else:
                return None
            stack.append(node)
            top = node
            if len(stack) > JSON_MAX_DEPTH:
                return None
            if p == "[":
                want, closer = _W_FIRST_ITEM, "]"
            else:
                want, closer = _W_FIRST_LABEL, "}"
            continue
        elif want == _W_FIRST_ITEM and p == "]":
            stack.pop()
            top = stack[-1] if stack else None
            closer = _CLOSER[top.kind] if top is not None else ""
            want = _W_SEP
            continue
        else:
            return None
        if top is not None:
            top.items.append(node)
        elif root is None:
            root = node
        else:
            return None
        want = _W_SEP
    return root if want == _W_SEP and not stack else None


_CACHE: dict[str, JNode | None] = {}
_CACHE_SIZE = 4


def parse_cached(z: str) -> JNode | None:
    """parse(z) remembered for the last few texts (jsonParseCached): only for
    callers that never change the tree."""
    try:
        return _CACHE[z]
    except KeyError:
        pass
    root = parse(z)
    if len(_CACHE) >= _CACHE_SIZE:
        try:
            del _CACHE[next(iter(_CACHE))]
        except (KeyError, StopIteration, RuntimeError):
            _CACHE.clear()
    _CACHE[z] = root
    return root


def _c_text(v: JValue) -> str | None:
    """sqlite3_value_text as a C string: NULL stays None, text stops at NUL."""
    if v is None:
        return None
    t = type(v)
    if t is str:
        s: str = v  # type: ignore[assignment]
    elif t is JsonText:
        s = v.text  # type: ignore[union-attr]
    elif t is bytes:
        s = v.decode("utf-8", TEXT_ERRORS)  # type: ignore[union-attr]
    elif t is float:
        s = real_to_text(v)  # type: ignore[arg-type]
    else:
        s = str(v)
    k = s.find("\0")
    return s if k < 0 else s[:k]


def value_text(v: JValue) -> str | None:
    """value_text(v) -> the text JSON functions read from SQL value v (None for NULL);
    json_each/json_tree (exec/tablefunc.py) read their arguments so."""
    return _c_text(v)


def _parse_arg(v: JValue, edit: bool = False) -> JNode | None:
    """The parse of a JSON argument; None for NULL; 'malformed JSON' raised.
    `edit`: the caller changes the tree, so it gets a fresh one."""
    s = _c_text(v)
    if s is None:
        return None
    root = parse(s) if edit else parse_cached(s)
    if root is None:
        raise OperationalError(_MALFORMED)
    return root


# --------------------------------------------------------------------------- rendering


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _esc(m: re.Match[str]) -> str:
    c = m.group()
    e = _ESCAPES.get(c)
    return e if e is not None else f"\\u{ord(c):04x}"


def quote_string(s: str) -> str:
    """quote_string(s) -> s as a JSON string literal (jsonAppendString)."""
    return '"' + _NEEDS_ESCAPE.sub(_esc, s) + '"'


def value_json(v: JValue) -> str:
    """value_json(v) -> the JSON text of SQL value v (jsonAppendValue)."""
    t = type(v)
    if v is None:
        return "null"
    if t is int:
        return str(v)
    if t is float:
        return real_to_text(v)  # type: ignore[arg-type]
    if t is str:
        return quote_string(v)  # type: ignore[arg-type]
    if t is JsonText:
        return v.text  # type: ignore[union-attr]
    if t is bool:
        return str(int(v))  # type: ignore[arg-type]
    raise OperationalError(_BLOB)


def render(root: JNode) -> str:
    """render(root) -> minified JSON text of the tree, edits applied (jsonRenderNode)."""
    out: list[str] = []
    # stack of (node, next item index); a node is opened when pushed
    stack: list[list[Any]] = []
    node: JNode | None = root
    while True:
        if node is not None:
            while node.flags & F_PATCH and not node.flags & F_REPLACE:
                node = node.extra
            assert node is not None
            if node.flags & F_REPLACE:
                out.append(value_json(node.extra))
            elif node.kind == J_ARRAY:
                out.append("[")
                stack.append([node, 0, False])
            elif node.kind == J_OBJECT:
                out.append("{")
                stack.append([node, 0, False])
            elif node.kind == J_STRING and node.flags & F_RAW:
                out.append(quote_string(node.text))
            else:
                out.append(node.text)
            node = None
        if not stack:
            return "".join(out)
        frame = stack[-1]
        parent: JNode = frame[0]
        items = parent.items
        k: int = frame[1]
        if parent.kind == J_ARRAY:
            while k < len(items) and items[k].flags & F_REMOVE:
                k += 1
            if k >= len(items):
                out.append("]")
                stack.pop()
                continue
            if frame[2]:
                out.append(",")
            frame[1] = k + 1
            frame[2] = True
            node = items[k]
        else:
            while k < len(items) and items[k + 1].flags & F_REMOVE:
                k += 2
            if k >= len(items):
                out.append("}")
                stack.pop()
                continue
            if frame[2]:
                out.append(",")
            label = items[k]
            out.append(quote_string(label.text) if label.flags & F_RAW else label.text)
            out.append(":")
            frame[1] = k + 2
            frame[2] = True
            node = items[k + 1]


def _decode_string(raw: str) -> str:
    """The SQL text of a JSON string literal (jsonReturn's unescaping; stops at \\u0000)."""
    body = raw[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\":
            j = body.find("\\", i)
            if j < 0:
                j = n
            out.append(body[i:j])
            i = j
            continue
        c = body[i + 1]
        if c == "u":
            v = int(body[i + 2:i + 6], 16)
            i += 6
            if v == 0:
                break
            if 0xD800 <= v <= 0xDFFF:
                if (v & 0xFC00) == 0xD800 and body.startswith("\\u", i) and i + 6 <= n:
                    try:
                        lo = int(body[i + 2:i + 6], 16)
                    except ValueError:
                        lo = 0
                    if (lo & 0xFC00) == 0xDC00:
                        out.append(chr(((v & 0x3FF) << 10) + (lo & 0x3FF) + 0x10000))
                        i += 6
                        continue
                # a lone surrogate: SQLite writes its three UTF-8-style bytes
                out.append(bytes((0xE0 | (v >> 12), 0x80 | ((v >> 6) & 0x3F), 0x80 | (v & 0x3F)))
                           .decode("utf-8", TEXT_ERRORS))
            else:
                out.append(chr(v))
            continue
        out.append({"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}.get(c, c))
        i += 2
    return "".join(out)


def _int_value(text: str) -> JValue:
    """jsonReturn of a JSON integer: int64, else REAL as SQLite converts it."""
    v = int(text)
    if -MAX_INT - 1 <= v <= MAX_INT:
        return v
    return float(text)


def sql_value(node: JNode) -> JValue:
    """sql_value(node) -> the SQL value of a node (jsonReturn); containers as JsonText."""
    k = node.kind
    if k == J_NULL:
        return None
    if k == J_TRUE:
        return 1
    if k == J_FALSE:
        return 0
    if k == J_INT:
        return _int_value(node.text)
    if k == J_REAL:
        return float(node.text)   # strtod, as SQLite's build does: correctly rounded
    if k == J_STRING:
        return node.text if node.flags & F_RAW else _decode_string(node.text)
    return JsonText(render(node))


# --------------------------------------------------------------------------- paths


def _path_error(rest: str) -> OperationalError:
    return OperationalError(f"JSON path error near '{rest}'")


def _label_is(label: JNode, key: str) -> bool:
    if label.flags & F_RAW:
        return label.text == key
    t = label.text
    return len(t) == len(key) + 2 and t[1:-1] == key


def _live(items: list[JNode]) -> list[JNode]:
    return [x for x in items if not x.flags & F_REMOVE]


def lookup(root: JNode, path: str | None, append: bool = False,
           removals: bool = False) -> tuple[JNode | None, bool]:
    """lookup(root, path, append) -> (node, appended) (jsonLookup).

    None when the path names nothing; with `append`, missing object members and
    array elements one past the end are created (json_set, json_insert) and the
    new leaf (a null) is returned with appended True. A malformed path raises
    SQLite's 'JSON path error near ...'. `removals`: the tree may hold elements
    json_remove dropped, which array indexes skip."""
    if path is None:
        return None, False
    if path[:1] != "$":
        raise _path_error(path)
    n = len(path)
    node = root
    i = 1
    # When appending, the first new node and where it goes are remembered and
    # attached only once the whole remaining path could be built (jsonLookupAppend).
    attach: tuple[JNode, list[JNode]] | None = None
    while True:
        if i >= n:
            if attach is not None:
                if attach[0].kind == J_ARRAY:
                    attach[0].seg = len(attach[0].items)
                attach[0].items.extend(attach[1])
                return node, True
            return node, False
        if node.flags & F_REPLACE:
            return None, False
        c = path[i]
        if c == ".":
            if node.kind != J_OBJECT:
                return None, False
            i += 1
            if i < n and path[i] == '"':
                j = path.find('"', i + 1)
                if j < 0:
                    raise _path_error(path[i:])
                key = path[i + 1:j]
                nxt = j + 1
            else:
                j = i
                while j < n and path[j] != "." and path[j] != "[":
                    j += 1
                key = path[i:j]
                if not key:
                    raise _path_error(path[i:])
                nxt = j
            items = node.items
            found = None
            for k in range(0, len(items), 2):
                if _label_is(items[k], key):
                    found = items[k + 1]
                    break
            i = nxt
            if found is not None:
                node = found
                continue
            if not append:
                return None, False
            child = _new_for(path, i)
            if child is None:
                return None, False
            new = [JNode(J_STRING, key, flags=F_RAW), child]
            if attach is None:
                attach = (node, new)
            else:
                node.items.extend(new)
            node = child
            continue
        if c == "[":
            idx = 0
            j = i + 1
            while j < n and "0" <= path[j] <= "9":
                idx = (idx * 10 + ord(path[j]) - 48) & 0xFFFFFFFF
                j += 1
            if j == i + 1 or j >= n or path[j] != "]":
                if path[i + 1:i + 2] != "#":
                    raise _path_error(path[i:])
                if node.kind != J_ARRAY:
                    return None, False
                idx = len(_live(node.items) if removals else node.items)
                j = i + 2
                if path[j:j + 1] == "-" and "0" <= path[j + 1:j + 2] <= "9" and j + 1 < n:
                    x = 0
                    j += 1
                    while j < n and "0" <= path[j] <= "9":
                        x = (x * 10 + ord(path[j]) - 48) & 0xFFFFFFFF
                        j += 1
                    if x > idx:
                        return None, False
                    idx -= x
                if j >= n or path[j] != "]":
                    raise _path_error(path[i:])
            if node.kind != J_ARRAY:
                return None, False
            i = j + 1
            live = _live(node.items) if removals else node.items
            if idx < len(live):
                # json.c walks on through the chain of appended segments after
                # finding the element: once something was appended in this call,
                # every index names the element appended last.
                node = live[idx] if node.seg < 0 else node.items[node.seg]
                continue
            if idx == len(live) and append:
                child = _new_for(path, i)
                if child is None:
                    return None, False
                if attach is None:
                    attach = (node, [child])
                else:
                    node.seg = len(node.items)
                    node.items.append(child)
                node = child
                continue
            return None, False
        raise _path_error(path[i:])


def _new_for(path: str, i: int) -> JNode | None:
    """The node jsonLookupAppend creates for the rest of a path, or None."""
    if i >= len(path):
        return JNode(J_NULL, "null")
    if path[i] == ".":
        return JNode(J_OBJECT, "", [])
    if path.startswith("[0]", i):
        return JNode(J_ARRAY, "", [])
    return None


# --------------------------------------------------------------------------- functions
# Each returns JsonText where SQLite sets the JSON subtype; JSON_FUNCTIONS holds
# wrappers that return the plain SQL value.


def _unwrap(v: JValue) -> JValue:
    return v.text if type(v) is JsonText else v


def j_json(x: JValue) -> JValue:
    root = _parse_arg(x)
    return None if root is None else JsonText(render(root))


def j_valid(x: JValue) -> JValue:
    s = _c_text(x)
    return 0 if s is None or parse_cached(s) is None else 1


def j_array(*args: JValue) -> JValue:
    return JsonText("[" + ",".join([value_json(a) for a in args]) + "]")


def j_object(*args: JValue) -> JValue:
    if len(args) & 1:
        raise OperationalError("json_object() requires an even number of arguments")
    parts = []
    for k in range(0, len(args), 2):
        label = args[k]
        if type(label) is not str and type(label) is not JsonText:
            raise OperationalError("json_object() labels must be TEXT")
        parts.append(quote_string(_unwrap(label)) + ":" + value_json(args[k + 1]))  # type: ignore[arg-type]
    return JsonText("{" + ",".join(parts) + "}")


def j_quote(x: JValue) -> JValue:
    if type(x) is JsonText:
        return x
    return JsonText(value_json(x))


def j_array_length(x: JValue, *path: JValue) -> JValue:
    root = _parse_arg(x)
    if root is None:
        return None
    node = lookup(root, _c_text(path[0]))[0] if path else root
    if node is None:
        return None
    return len(node.items) if node.kind == J_ARRAY else 0


def j_type(x: JValue, *path: JValue) -> JValue:
    root = _parse_arg(x)
    if root is None:
        return None
    if path:
        p = _c_text(path[0])
        if p is None:
            return None
        node = lookup(root, p)[0]
    else:
        node = root
    return None if node is None else TYPE_NAMES[node.kind]


def j_extract(*args: JValue) -> JValue:
    if len(args) < 2:
        return None
    root = _parse_arg(args[0])
    if root is None:
        return None
    if len(args) == 2:
        node = lookup(root, _c_text(args[1]))[0]
        return None if node is None else sql_value(node)
    parts = []
    for p in args[1:]:
        node = lookup(root, _c_text(p))[0]
        parts.append("null" if node is None else render(node))
    return JsonText("[" + ",".join(parts) + "]")


def _abbreviated(p: JValue) -> str | None:
    """The path -> and ->> use: NUMBER means $[NUMBER], LABEL $.LABEL, [N] $[N]."""
    s = _c_text(p)
    if s is None or s[:1] == "$":
        return s
    if "0" <= s[:1] <= "9":
        return "$[" + s + "]"
    return ("$" if s[:1] == "[" else "$.") + s


def j_arrow(x: JValue, p: JValue) -> JValue:
    """X -> P: the JSON text of the element (always with the JSON subtype)."""
    root = _parse_arg(x)
    if root is None:
        return None
    node = lookup(root, _abbreviated(p))[0]
    return None if node is None else JsonText(render(node))


def j_arrow2(x: JValue, p: JValue) -> JValue:
    """X ->> P: the SQL value of the element (never with the subtype)."""
    root = _parse_arg(x)
    if root is None:
        return None
    node = lookup(root, _abbreviated(p))[0]
    return None if node is None else _unwrap(sql_value(node))


def _edit(name: str, args: tuple[JValue, ...], is_set: bool, is_insert: bool) -> JValue:
    """json_set / json_insert / json_replace (jsonSetFunc, jsonReplaceFunc)."""
    if not args:
        return None
    if not len(args) & 1:
        raise OperationalError(f"json_{name}() needs an odd number of arguments")
    root = _parse_arg(args[0], edit=True)
    if root is None:
        return None
    for k in range(1, len(args), 2):
        node, appended = lookup(root, _c_text(args[k]), append=is_set or is_insert)
        if node is not None and (appended or not is_insert):
            node.flags |= F_REPLACE
            node.extra = args[k + 1]
    if root.flags & F_REPLACE:
        return root.extra  # type: ignore[no-any-return]
    return JsonText(render(root))


def j_set(*args: JValue) -> JValue:
    return _edit("set", args, True, False)


def j_insert(*args: JValue) -> JValue:
    return _edit("insert", args, False, True)


def j_replace(*args: JValue) -> JValue:
    return _edit("replace", args, False, False)


def j_remove(*args: JValue) -> JValue:
    if not args:
        return None
    root = _parse_arg(args[0], edit=True)
    if root is None:
        return None
    for p in args[1:]:
        path = _c_text(p)
        if path is None:
            return None
        node = lookup(root, path, removals=True)[0]
        if node is not None:
            node.flags |= F_REMOVE
    if root.flags & F_REMOVE:
        return None
    return JsonText(render(root))


def _remove_all_nulls(obj: JNode) -> None:
    """jsonRemoveAllNulls: flag the null members of an object, nested objects too."""
    todo = [obj]
    while todo:
        o = todo.pop()
        items = o.items
        for k in range(1, len(items), 2):
            v = items[k]
            if v.kind == J_NULL:
                v.flags |= F_REMOVE
            elif v.kind == J_OBJECT:
                todo.append(v)


def _merge_patch(target: JNode, patch: JNode) -> JNode:
    """jsonMergePatch (RFC 7396), with SQLite's rules for duplicate labels: the first
    matching target member is patched, and once only."""
    if patch.kind != J_OBJECT:
        return patch
    if target.kind != J_OBJECT:
        _remove_all_nulls(patch)
        return patch
    # Depth first, in member order, as json.c recurses; an explicit stack of
    # (target object, patch object, next patch item) keeps off Python's stack.
    stack: list[list[Any]] = [[target, patch, 0]]
    # Members a patch appended are not searched again (json.c scans pTarget->n
    # nodes only): a duplicate label in the patch appends twice.
    parsed_len: dict[int, int] = {}
    while stack:
        frame = stack[-1]
        tgt: JNode = frame[0]
        pat: JNode = frame[1]
        k: int = frame[2]
        pitems = pat.items
        if k >= len(pitems):
            stack.pop()
            continue
        frame[2] = k + 2
        plabel, pval = pitems[k], pitems[k + 1]
        titems = tgt.items
        hit = -1
        for j in range(0, parsed_len.setdefault(id(tgt), len(titems)), 2):
            if titems[j].text == plabel.text:
                hit = j
                break
        if hit >= 0:
            tv = titems[hit + 1]
            if tv.flags & (F_REMOVE | F_PATCH):
                continue
            if pval.kind == J_NULL:
                tv.flags |= F_REMOVE
            elif pval.kind == J_OBJECT and tv.kind == J_OBJECT:
                stack.append([tv, pval, 0])
            else:
                if pval.kind == J_OBJECT:
                    _remove_all_nulls(pval)
                tv.flags |= F_PATCH
                tv.extra = pval
        elif pval.kind != J_NULL:
            _remove_all_nulls(pat)
            marker = JNode(J_TRUE, "true", flags=F_PATCH)
            marker.extra = pval
            titems.append(plabel)
            titems.append(marker)
    return target


def j_patch(t: JValue, p: JValue) -> JValue:
    target = _parse_arg(t, edit=True)
    if target is None:
        return None
    patch = _parse_arg(p, edit=True)
    if patch is None:
        return None
    return JsonText(render(_merge_patch(target, patch)))


# --------------------------------------------------------------------------- aggregates


class _GroupArray:
    """json_group_array(X): a JSON array of every X (window: inverse drops the first)."""

    __slots__ = ("parts",)

    def __init__(self, coll: Any = None) -> None:
        self.parts: list[str] = []

    def step(self, x: JValue = None, *_: JValue) -> None:
        self.parts.append(value_json(x))

    def inverse(self, *_: JValue) -> None:
        if self.parts:
            del self.parts[0]

    def value(self) -> JValue:
        return "[" + ",".join(self.parts) + "]"

    finalize = value


class _GroupObject:
    """json_group_object(NAME, VALUE): NAME as text (NULL writes no label, as SQLite)."""

    __slots__ = ("parts",)

    def __init__(self, coll: Any = None) -> None:
        self.parts: list[str] = []

    def step(self, name: JValue = None, x: JValue = None, *_: JValue) -> None:
        s = _c_text(name) if type(name) is not str else name
        label = "" if s is None else quote_string(s)
        self.parts.append(label + ":" + value_json(x))

    def inverse(self, *_: JValue) -> None:
        if self.parts:
            del self.parts[0]

    def value(self) -> JValue:
        return "{" + ",".join(self.parts) + "}"

    finalize = value


JSON_AGGREGATES: dict[str, AggregateDef] = {
    "json_group_array": AggregateDef("json_group_array", 1, _GroupArray),
    "json_group_object": AggregateDef("json_group_object", 2, _GroupObject, (2,)),
}
JSON_GROUP_NAMES = frozenset(JSON_AGGREGATES)


# --------------------------------------------------------------------------- registry


def _plain(f: Callable[..., JValue]) -> Callable[..., JValue]:
    def call(*args: JValue) -> JValue:
        v = f(*args)
        return v.text if type(v) is JsonText else v
    call.__name__ = call.__qualname__ = f.__name__
    return call


# (name, nargs (-1: any, from min_args), implementation returning JsonText, min_args)
_TABLE: tuple[tuple[str, int, Callable[..., JValue], int], ...] = (
    ("json", 1, j_json, 0),
    ("json_array", -1, j_array, 0),
    ("json_array_length", 1, j_array_length, 0),
    ("json_array_length", 2, j_array_length, 0),
    ("json_extract", -1, j_extract, 0),
    ("->", 2, j_arrow, 0),
    ("->>", 2, j_arrow2, 0),
    ("json_insert", -1, j_insert, 0),
    ("json_object", -1, j_object, 0),
    ("json_patch", 2, j_patch, 0),
    ("json_quote", 1, j_quote, 0),
    ("json_remove", -1, j_remove, 0),
    ("json_replace", -1, j_replace, 0),
    ("json_set", -1, j_set, 0),
    ("json_type", 1, j_type, 0),
    ("json_type", 2, j_type, 0),
    ("json_valid", 1, j_valid, 0),
)

JSON_FUNCTIONS: list[tuple[str, int, Callable[..., JValue], int]] = []
JSON_TAGGED: dict[Any, Callable[..., JValue]] = {}
_wrapped: dict[Any, Callable[..., JValue]] = {}
for _name, _n, _f, _min in _TABLE:
    _w = _wrapped.get(_f)
    if _w is None:
        _w = _wrapped[_f] = _plain(_f)
        JSON_TAGGED[_w] = _f
    JSON_FUNCTIONS.append((_name, _n, _w, _min))

JSON_CONSUMERS = frozenset(_wrapped.values())
# the functions whose every non-NULL value is JSON text with the subtype
ALWAYS_JSON = frozenset(_wrapped[f] for f in (j_json, j_array, j_object, j_set, j_insert,
                                              j_replace, j_remove, j_patch))


def as_json(v: JValue) -> JValue:
    """as_json(v) -> v with the JSON subtype when it is text: min()/max() over an
    always-JSON argument keep the chosen value's subtype (sqlite3VdbeMemCopy)."""
    return JsonText(v) if type(v) is str else v


def nullif_tagged(coll: Any, a: JValue, b: JValue) -> JValue:
    """nullif() as a JSON function's argument: its first argument comes back with
    its JSON subtype (sqlite3_result_value keeps it); scalar.py registers it."""
    from pyrite.exec.values import compare

    x = a.text if isinstance(a, JsonText) else a
    y = b.text if isinstance(b, JsonText) else b
    return None if compare(x, y, coll) == 0 else a


def is_json_consumer(fn: Any) -> bool:
    """is_json_consumer(fn) -> does this built-in take JSON-subtyped arguments?"""
    try:
        return fn in JSON_CONSUMERS
    except TypeError:
        return False
