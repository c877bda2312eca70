"""SQLite URI filenames (`connect(..., uri=True)`): `file:path?mode=ro&cache=shared`.

Parses the URI into what an engine session needs — a path and the open flags —
with SQLite's error messages for a bad authority, mode, cache or vfs."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from pyrite.errors import OperationalError

__all__ = ["OpenTarget", "parse_target"]

_MODES = ("ro", "rw", "rwc", "memory")
_VFS = ("unix", "unix-none", "unix-dotfile", "unix-excl")


@dataclass(frozen=True, slots=True)
class OpenTarget:
    """What to open: `path` (":memory:" for memory databases) and its flags."""

    path: str
    readonly: bool = False
    create: bool = True
    memory_name: str | None = None  # mode=memory: the shared name of the database


def parse_target(database: str, uri: bool) -> OpenTarget:
    """parse_target(database, uri) -> OpenTarget (SQLite's URI rules when uri)."""
    if not uri or not database.startswith("file:"):
        return OpenTarget(database)
    rest = database[5:]
    if rest.startswith("//"):
        end = rest.find("/", 2)
        if end < 0:
            end = len(rest)
        authority = rest[2:end]
        if authority not in ("", "localhost"):
            raise OperationalError(f"invalid uri authority: {authority}")
        rest = rest[end:]
    rest = rest.split("#", 1)[0]
    path_part, _, query = rest.partition("?")
    path = unquote(path_part, errors="surrogateescape")
    params: dict[str, str] = {}
    for item in query.split("&") if query else []:
        key, _, value = item.partition("=")
        params[unquote(key)] = unquote(value)
    mode = params.get("mode")
    if mode is not None and mode not in _MODES:
        raise OperationalError(f"no such access mode: {mode}")
    cache = params.get("cache")
    if cache is not None and cache not in ("shared", "private"):
        raise OperationalError(f"no such cache mode: {cache}")
    vfs = params.get("vfs")
    if vfs is not None and vfs not in _VFS:
        raise OperationalError(f"no such vfs: {vfs}")
    readonly = mode == "ro" or params.get("immutable", "0") not in ("0", "")
    if mode == "memory" or path == ":memory:":
        return OpenTarget(":memory:", memory_name=path if cache == "shared" else None)
    return OpenTarget(path or "", readonly=readonly, create=mode in (None, "rwc"))
