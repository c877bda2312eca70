"""A quick sqllogictest smoke run through exec.Session (the full runner lives in
tests/conformance). Records are compared per the corpus README's rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exec.slt_smoke import CORPUS, run_file

CASES = [
    ("select1.test", 600),
    ("evidence/in1.test", None),
    ("evidence/slt_lang_aggfunc.test", None),
    ("evidence/slt_lang_createview.test", None),
    ("evidence/slt_lang_dropindex.test", None),
    ("evidence/slt_lang_droptable.test", None),
    ("evidence/slt_lang_replace.test", None),
    ("evidence/slt_lang_update.test", None),
    ("index/between/1/slt_good_0.test", 300),
    ("random/groupby/slt_good_0.test", 300),
]


@pytest.mark.parametrize(("name", "limit"), CASES)
def test_slt_file(name: str, limit: int | None) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip("corpus not present")
    run, fails, msgs = run_file(Path(path), limit)
    assert run > 0
    assert fails == 0, "\n".join(msgs[:5])
