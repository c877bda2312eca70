"""Run the SQL-layer tests in a scratch directory: the oracle executes fuzzed
statements, and an ATTACH among them would otherwise create files in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _scratch_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
