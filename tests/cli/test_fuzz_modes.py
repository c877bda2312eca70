"""Seeded differential fuzz of the output modes: random tables (NULLs, integers,
reals across magnitudes, blobs, text with unicode, tabs, newlines and control
characters, odd column names) printed in random modes with random headers,
widths, null values and wrapping, then .dump, through the sqlite3 program and
through the shell (over CPython's sqlite3 via oracle_module)."""

from __future__ import annotations

import io
import os
import random
import subprocess

import pytest

from . import harness, oracle_module

MODES = ["list", "csv", "json", "line", "column", "box", "table", "markdown", "html", "insert",
         "quote", "tabs", "ascii", "tcl", "qbox", "column --wrap 5", "box --wrap 7 --ww",
         "table --quote"]
CHARS = "ab xyz\t\n,|\"'é日本😀-\\<>&;\r\x01\x0b\x7f"


def _value(rnd: random.Random) -> str:
    k = rnd.randrange(8)
    if k == 0:
        return "NULL"
    if k == 1:
        return str(rnd.randint(-10 ** rnd.randint(0, 18), 10 ** rnd.randint(0, 18)))
    if k == 2:
        return repr(rnd.uniform(-1e6, 1e6) * 10 ** rnd.randint(-30, 30))
    if k == 3:
        return "x'" + rnd.randbytes(rnd.randrange(6)).hex() + "'"
    s = "".join(rnd.choice(CHARS) for _ in range(rnd.randrange(15)))
    return "'" + s.replace("'", "''") + "'"


def _script(seed: int) -> str:
    rnd = random.Random(seed)
    ncol = rnd.randint(1, 4)
    names = [rnd.choice([f"c{i}", f'"é{i} x"', f'"日本{i}"', f"[long_column_name_{i}]"])
             for i in range(ncol)]
    lines = [f"create table t({', '.join(names)});"]
    for _ in range(rnd.randint(0, 5)):
        lines.append(f"insert into t values({', '.join(_value(rnd) for _ in range(ncol))});")
    for mode in rnd.sample(MODES, 5):
        lines.append(f".mode {mode}")
        lines.append(f".headers {rnd.choice(['on', 'off'])}")
        if rnd.random() < 0.3:
            lines.append(".width " + " ".join(str(rnd.randint(-6, 6)) for _ in range(ncol)))
        if rnd.random() < 0.3:
            lines.append(".nullvalue NUL")
        lines.append("select * from t;")
    lines.append(".dump")
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(harness.SQLITE3 is None, reason="no sqlite3 program installed")
@pytest.mark.parametrize("seed", range(40))
def test_random_tables_print_like_sqlite3(seed: int) -> None:
    from pyrite.cli.shell import run

    script = _script(seed)
    assert harness.SQLITE3 is not None
    want = subprocess.run([harness.SQLITE3], input=script.encode(), capture_output=True,
                          timeout=60, env={**os.environ, "LC_ALL": "C"})
    out, err = io.BytesIO(), io.BytesIO()
    rc = run([], oracle_module, stdin=io.StringIO(script), stdout=out, stderr=err,
             interactive=False)
    assert out.getvalue().decode("utf-8", "replace") == want.stdout.decode("utf-8", "replace")
    assert (out.getvalue(), err.getvalue(), rc) == (want.stdout, want.stderr, want.returncode)
