from __future__ import annotations

from pathlib import Path

import pytest

from auditor.ingest import read_submission
from auditor.schema import Submission

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEED_FILES = sorted(CORPUS.glob("*.txt"))
# the number of project tables each real seed holds (counted by hand from the documents)
SEED_TABLE_COUNTS = {"000": 8, "001": 24, "002": 9, "003": 5, "004": 17}


def seed_path(prefix: str) -> Path:
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


@pytest.fixture(scope="session")
def seeds() -> dict[str, Submission]:
    """Every bundled seed parsed once: {'000': Submission, …}."""
    return {p.name[:3]: read_submission(p) for p in SEED_FILES}
