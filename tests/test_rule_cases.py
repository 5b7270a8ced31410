"""Every case in rules/*.yaml runs with only its check enabled: bad cases fire where expected,
good cases stay silent. The cases are the checks' tests and their documentation."""
from __future__ import annotations

import pytest

from auditor.cases import submission_from_case
from auditor.config import Config
from auditor.engine import Engine
from auditor.rules import load_rules

RULES = load_rules()
CASES = [(code, number, case) for code, rule in sorted(RULES.items()) for number, case in enumerate(rule.cases, 1)]


def document_text(submission) -> str:
    """Everything a case 'document' says, for the verbatim-evidence check."""
    parts = [*submission.part1.all_paragraphs]
    for table in submission.tables:
        parts += [table.title, table.project, table.project_code or "", table.fund_use, table.goals_raw, *table.goals,
                  table.budget.raw_total, table.budget.raw_fiscal, table.budget.raw_other]
        parts += [f"{p.period}\t{p.raw}" for p in table.schedule]
        for indicator in table.indicators:
            parts += list(indicator.raw.values())
    return "\n".join(parts)


@pytest.mark.parametrize(("code", "number", "case"), CASES, ids=[f"{c}-{n}-{k['kind']}" for c, n, k in CASES])
def test_rule_case(code, number, case):
    assert case.get("kind") in ("bad", "good"), "each case says kind: bad|good"
    engine = Engine(Config(select=[code]))
    submission = submission_from_case(case)
    result = engine.audit(submission)
    assert result.errors == []
    if case["kind"] == "good":
        assert result.findings == [], [f"{f.rule} 表{f.table} 行{f.row}: {f.message}" for f in result.findings]
        return
    assert result.findings, "a bad case must produce a finding"
    for expected in case.get("expect", []):
        matching = [
            f for f in result.findings
            if f.rule == expected["rule"]
            and all(getattr(f, key) == value for key, value in expected.items() if key != "rule")
        ]
        assert matching, f"expected {expected}, got {[(f.rule, f.table, f.row, f.field) for f in result.findings]}"
    text = document_text(submission)
    for finding in result.findings:
        assert finding.rule.startswith(code + ".")
        assert finding.evidence and finding.evidence in text, f"evidence not verbatim: {finding.evidence!r}"
        assert finding.message and finding.suggestion
