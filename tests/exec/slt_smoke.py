"""Run sqllogictest files through exec.Session directly (used by the smoke test
and by hand: python tests/exec/slt_smoke.py FILE [MAX_RECORDS])."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path("/work/shared/sqllogictest")


def _slt() -> Any:
    spec = importlib.util.spec_from_file_location("_slt_conf", ROOT / "tests/conformance/slt.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_slt_conf"] = mod
    spec.loader.exec_module(mod)
    return mod


def run_file(path: Path, max_records: int | None = None) -> tuple[int, int, list[str]]:
    """run_file(path) -> (records run, failures, failure descriptions)."""
    from pyrite import errors
    from pyrite.exec.session import Session

    slt = _slt()
    records = slt.parse(path.read_text())
    s = Session(":memory:")
    threshold = 8
    labels: dict[str, str] = {}
    run = fails = 0
    out: list[str] = []
    for rec in records[: max_records or None]:
        if rec.kind == "hash-threshold":
            threshold = int(rec.tokens[1])
            continue
        if rec.skip or rec.kind not in ("statement", "query"):
            continue
        run += 1
        if rec.kind == "statement":
            want_ok = rec.tokens[1] == "ok"
            try:
                s.execute_script(rec.sql)
                ok = True
            except errors.Error as e:
                ok = False
                err = e
            if ok != want_ok:
                fails += 1
                out.append(f"{path.name}:{rec.line}: statement {'failed: ' + str(err) if not ok else 'should fail'}\n{rec.sql}")
            continue
        try:
            st, _ = s.prepare(rec.sql)
        except errors.Error as e:
            fails += 1
            out.append(f"{path.name}:{rec.line}: prepare error {e}\n{rec.sql}")
            continue
        rows: list[tuple[Any, ...]] = []
        ncols = None
        if st is not None:
            ncols = len(st.column_names)
            try:
                while (r := st.step()) is not None:
                    rows.append(r)
            except errors.Error:
                pass
            st.reset()
        res = slt._check_query(rec, ncols, rows, threshold, labels)
        if res is not None:
            fails += 1
            out.append(f"{path.name}:{rec.line}: {res[0]}\n{rec.sql}\n got {res[1][:10]}\n want {list(rec.expected[:10])}")
    s.close()
    return run, fails, out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    n = int(sys.argv[2]) if len(sys.argv) > 2 else None
    r, f, msgs = run_file(Path(sys.argv[1]), n)
    for m in msgs[:30]:
        print(m)
        print("--")
    print(f"run {r} failed {f}")
