"""Rebuild tests/fixtures/sqllogictest-sample.tar.gz: the leading records of
every file of ../shared/sqllogictest, which the CI sample test runs.

Each file is cut after its first BLOCKS blank-line-separated blocks, a
superset of the records test_slt_sample.SAMPLE_RECORDS takes (the runner
stops at that count). Usage: python tests/conformance/make_sample.py [CORPUS]"""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

BLOCKS = 2100
HERE = Path(__file__).resolve().parent
ARCHIVE = HERE.parent / "fixtures" / "sqllogictest-sample.tar.gz"


def leading_blocks(text: str, blocks: int) -> str:
    """The text up to (not including) the block after the first `blocks` blocks."""
    out: list[str] = []
    seen = 0
    in_block = False
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        if not blank and not in_block and not line.startswith("#"):
            seen += 1
            if seen > blocks:
                break
        in_block = not blank
        out.append(line)
    return "".join(out)


def main(corpus: Path) -> None:
    with tarfile.open(ARCHIVE, "w:gz") as archive:
        for path in sorted(corpus.rglob("*.test")):
            data = leading_blocks(path.read_bytes().decode("ascii"), BLOCKS).encode("ascii")
            info = tarfile.TarInfo(str(path.relative_to(corpus)))
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "sqllogictest")
