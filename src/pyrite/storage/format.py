"""The database file header and B-tree page layout constants.

Database header (first 100 bytes of page 1), file format §1.3:

    off size field                         off size field
    0   16   magic "SQLite format 3\\0"    48  4    default_cache_size
    16  2    page size (1 = 65536)         52  4    largest root page (auto_vacuum)
    18  1    write version (1 legacy, 2 WAL)  56  4  text encoding 1/2/3
    19  1    read version                  60  4    user_version
    20  1    reserved bytes per page       64  4    incremental_vacuum
    21  1    max payload fraction 64       68  4    application_id
    22  1    min payload fraction 32       72  20   reserved, zero
    23  1    leaf payload fraction 32      92  4    version-valid-for
    24  4    file change counter           96  4    SQLITE_VERSION_NUMBER
    28  4    database size in pages
    32  4    first freelist trunk page
    36  4    freelist page count
    40  4    schema cookie
    44  4    schema format number

B-tree page header (at offset 100 on page 1, else 0): type(1) first_freeblock(2)
ncells(2) content_start(2, 0 = 65536) fragmented(1) [right_child(4) interior only].
Types: 2 interior index, 5 interior table, 10 leaf index, 13 leaf table."""

from __future__ import annotations

import struct

from pyrite.errors import NotADatabaseError

MAGIC = b"SQLite format 3\x00"
DB_HEADER = struct.Struct(">16sHBBBBBBIIIIIIIIIIII20xII")
assert DB_HEADER.size == 100

SQLITE_VERSION_NUMBER = 3045000

HEADER_FIELDS: dict[str, int] = {
    "change_counter": 24,
    "page_count": 28,
    "freelist_trunk": 32,
    "freelist_count": 36,
    "schema_cookie": 40,
    "schema_format": 44,
    "default_cache_size": 48,
    "auto_vacuum": 52,
    "largest_root_page": 52,
    "text_encoding": 56,
    "user_version": 60,
    "incremental_vacuum": 64,
    "application_id": 68,
    "version_valid_for": 92,
    "sqlite_version": 96,
}

PAGE_INTERIOR_INDEX = 2
PAGE_INTERIOR_TABLE = 5
PAGE_LEAF_INDEX = 10
PAGE_LEAF_TABLE = 13

U32 = struct.Struct(">I")
U16 = struct.Struct(">H")


def page_size_from_header(raw: int) -> int:
    """The page size a header's u16 field encodes; NotADatabaseError when invalid."""
    size = 65536 if raw == 1 else raw
    if size < 512 or size > 65536 or size & (size - 1):
        raise NotADatabaseError()
    return size


def validate_header(hdr: bytes) -> tuple[int, int]:
    """validate_header(first 100 bytes) -> (page_size, reserved); NotADatabaseError if not SQLite."""
    if len(hdr) < 100 or hdr[:16] != MAGIC:
        raise NotADatabaseError()
    page_size = page_size_from_header(U16.unpack_from(hdr, 16)[0])
    if hdr[19] > 2 or hdr[18] == 0 or hdr[19] == 0:
        raise NotADatabaseError()
    reserved = hdr[20]
    if page_size - reserved < 480:
        raise NotADatabaseError()
    if hdr[21] != 64 or hdr[22] != 32 or hdr[23] != 32:
        raise NotADatabaseError()
    return page_size, reserved


def new_header(page_size: int, reserved: int = 0) -> bytearray:
    """The 100-byte header of a fresh database (schema format 4, UTF-8)."""
    return bytearray(DB_HEADER.pack(
        MAGIC, 1 if page_size == 65536 else page_size, 1, 1, reserved, 64, 32, 32,
        0, 1, 0, 0, 0, 4, 0, 0, 1, 0, 0, 0, 0, SQLITE_VERSION_NUMBER))
