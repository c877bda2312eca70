"""Every sqllogictest text sqlite3 accepts parses here (a fixed sample; the
whole corpus: `PYTHONPATH=src python tests/sql/slt_corpus.py`)."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from slt_corpus import CORPUS, check, records  # noqa: E402

FILES = sorted(CORPUS.rglob("*.test"))
PER_FILE = 1500  # the first records of each file: every schema and statement shape


@pytest.mark.skipif(not FILES, reason="sqllogictest corpus not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_sample_parses(path: Path) -> None:
    failures = []
    for line, _kind, sql in itertools.islice(records(path), PER_FILE):
        err = check(sql)
        if err is not None:
            failures.append(f"{line}: {err}: {sql[:200]!r}")
    assert not failures, "\n".join(failures[:20])
