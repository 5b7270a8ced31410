"""Cross-submission text index (issue 4): near copies across every project and unit of a run,
common formulas, and the boilerplate statistics of the reports."""
from __future__ import annotations

from .index import (
    Copy,
    CorpusIndex,
    IndexEntry,
    IndexFormatError,
    IndexOptions,
    NearDuplicates,
    ProjectInfo,
    near_duplicate_pairs,
)
from .units import TextUnit, extract_units, fingerprint, normalise

__all__ = [
    "Copy", "CorpusIndex", "IndexEntry", "IndexFormatError", "IndexOptions", "NearDuplicates", "ProjectInfo",
    "TextUnit", "extract_units", "fingerprint", "near_duplicate_pairs", "normalise",
]
