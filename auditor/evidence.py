"""Evidence must be verbatim document text. Cell text in the model is cleaned (PDF wrap spaces
removed, paragraphs stripped); these helpers give back the original characters."""
from __future__ import annotations

from .schema import Indicator, ProjectTable


def cell(indicator: Indicator, field: str) -> str:
    """The verbatim text of one cell of an indicator row (field: level3, description, value,
    basis, level1, level2)."""
    raw = indicator.raw.get(field)
    return raw.strip() if raw and raw.strip() else getattr(indicator, field, "")


def goal(table: ProjectTable, index: int) -> str:
    """The verbatim text of the index-th goal (0-based), without its "1." numbering when the
    document's own text allows."""
    text = table.goals[index]
    if text in table.goals_raw:
        return text
    # PDF text: the cleaned goal lost wrap spaces; find the raw line that holds it
    squashed = "".join(text.split())
    for line in table.goals_raw.split("\n"):
        if "".join(line.split()).endswith(squashed) or squashed in "".join(line.split()):
            return line.strip()
    return text


def fragment(raw: str, needle: str) -> str:
    """The shortest span of `raw` that reads as `needle` once whitespace is ignored (so a
    quote can be cut from PDF text that carries wrap spaces). Falls back to `needle`."""
    if needle in raw:
        return needle
    target = "".join(needle.split())
    if not target:
        return needle
    positions = [i for i, ch in enumerate(raw) if not ch.isspace()]
    squashed = "".join(raw[i] for i in positions)
    at = squashed.find(target)
    if at < 0:
        return needle
    return raw[positions[at] : positions[at + len(target) - 1] + 1]
