from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pytest

from auditor.ingest import read_submission
from auditor.schema import Submission

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEED_FILES = sorted(CORPUS.glob("*.txt"))
# the number of project tables each real seed holds (counted by hand from the documents)
SEED_TABLE_COUNTS = {"000": 8, "001": 24, "002": 9, "003": 5, "004": 17}


@lru_cache(maxsize=1)
def generator() -> ModuleType:
    """benchmarks/generate.py (the synthetic corpus generator), imported from its file."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def seed_path(prefix: str) -> Path:
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


@pytest.fixture(scope="session")
def seeds() -> dict[str, Submission]:
    """Every bundled seed parsed once: {'000': Submission, …}."""
    return {p.name[:3]: read_submission(p) for p in SEED_FILES}
