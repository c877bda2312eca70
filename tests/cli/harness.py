"""Run a shell script (tests/cli/scripts/NAME.sql) through the sqlite3 program
and through the pyrite shell, capturing stdout, stderr and the exit code.

A script's first line may be `-- args: OPTIONS` (shlex-split) giving the
command-line arguments. Each run happens in a fresh directory holding a copy
of tests/cli/data, so .import/.read/.output and database files stay local."""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
EXPECTED = HERE / "expected"
DATA = HERE / "data"
SQLITE3 = shutil.which("sqlite3")


@dataclass(frozen=True)
class Result:
    stdout: bytes
    stderr: bytes
    rc: int


def script_names() -> list[str]:
    return sorted(p.stem for p in SCRIPTS.glob("*.sql"))


def script_args(text: str) -> list[str]:
    first = text.split("\n", 1)[0]
    if first.startswith("-- args:"):
        return shlex.split(first[len("-- args:"):])
    return []


def prepare_dir(workdir: Path) -> None:
    for p in DATA.iterdir():
        shutil.copy(p, workdir / p.name)


def run_oracle(name: str, workdir: Path) -> Result:
    assert SQLITE3 is not None
    text = (SCRIPTS / f"{name}.sql").read_bytes()
    prepare_dir(workdir)
    proc = subprocess.run([SQLITE3, *script_args(text.decode("utf-8", "surrogateescape"))], input=text, cwd=workdir,
                          capture_output=True, timeout=60)
    return Result(proc.stdout, proc.stderr, proc.returncode)


def run_pyrite(name: str, workdir: Path, module: Any) -> Result:
    from pyrite.cli.shell import run

    text = (SCRIPTS / f"{name}.sql").read_bytes().decode("utf-8", "surrogateescape")
    prepare_dir(workdir)
    out, err = io.BytesIO(), io.BytesIO()
    old = os.getcwd()
    os.chdir(workdir)
    try:
        rc = run(script_args(text), module, stdin=io.StringIO(text, newline=""), stdout=out,
                 stderr=err, interactive=False)
    finally:
        os.chdir(old)
    return Result(out.getvalue(), err.getvalue(), rc)


def load_expected(name: str) -> Result:
    return Result((EXPECTED / f"{name}.out").read_bytes(), (EXPECTED / f"{name}.err").read_bytes(),
                  int((EXPECTED / f"{name}.rc").read_text()))


def save_expected(name: str, res: Result) -> None:
    (EXPECTED / f"{name}.out").write_bytes(res.stdout)
    (EXPECTED / f"{name}.err").write_bytes(res.stderr)
    (EXPECTED / f"{name}.rc").write_text(f"{res.rc}\n")


def regenerate() -> None:
    """Rewrite tests/cli/expected from the sqlite3 program (python -m tests.cli.harness)."""
    import tempfile

    for name in script_names():
        with tempfile.TemporaryDirectory() as d:
            save_expected(name, run_oracle(name, Path(d)))
        print("regenerated", name)


if __name__ == "__main__":
    regenerate()
