"""Every finding on the real seeds is actionable: verbatim evidence, a Chinese message that
quotes it, a concrete suggestion, and an exact location that exists in the submission."""
from __future__ import annotations

import re

import pytest

from auditor.engine import Engine
from auditor.taxonomy import CATEGORIES, FIELDS, SEVERITIES

from .conftest import SEED_FILES


@pytest.fixture(scope="module")
def audited(seeds):
    engine = Engine()
    return {prefix: (submission, engine.audit(submission)) for prefix, submission in seeds.items()}


@pytest.mark.parametrize("prefix", [p.name[:3] for p in SEED_FILES])
def test_findings_are_actionable(audited, prefix):
    submission, result = audited[prefix]
    raw = next(p for p in SEED_FILES if p.name.startswith(prefix)).read_text(encoding="utf-8")
    assert result.errors == []
    tables = {t.number: t for t in submission.tables}
    for finding in result.findings:
        where = f"{finding.rule} 表{finding.table} 行{finding.row}"
        assert finding.category in CATEGORIES and finding.severity in SEVERITIES and finding.field in FIELDS, where
        assert finding.rule.split(".")[0] in finding.rule and "." in finding.rule, where
        assert finding.evidence and finding.evidence in raw, f"{where}: evidence not verbatim: {finding.evidence!r}"
        assert re.search(r"[\u4e00-\u9fff]", finding.message) and re.search(r"[\u4e00-\u9fff]", finding.suggestion), where
        assert 0 < finding.confidence <= 1, where
        if finding.table:
            assert finding.table in tables, where
            assert finding.project == tables[finding.table].project, where
            if finding.row is not None:
                assert 1 <= finding.row <= len(tables[finding.table].indicators), where
        else:
            assert finding.row is None, where


def test_every_category_fires_somewhere_on_the_seeds(audited):
    """The seeds hold examples of nearly every defect; a check that never fires on them is suspect."""
    fired = {f.category for _, result in audited.values() for f in result.findings}
    expected_somewhere = set(CATEGORIES) - {"YEAR_MISMATCH"}  # the seeds may be clean of wrong years
    assert expected_somewhere - fired == set()
