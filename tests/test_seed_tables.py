"""Exactness on the five real seeds, table by table.

Three independent checks: the reviewed golden parse (tests/golden/), oracles computed straight
from the raw text without the parser (row counts, budgets, table numbers), and invariants that
catch a column shift anywhere (every 一级/二级 is a real category name, every value cell looks
like a value, not a document number).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import CORPUS, SEED_TABLE_COUNTS

GOLDEN = Path(__file__).parent / "golden"
LEVEL1 = {"产出指标", "效益指标", "满意度指标"}
LEVEL2 = {
    "数量指标", "质量指标", "时效指标", "成本指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
    "服务对象满意度指标",
}


def _golden(prefix: str) -> dict:
    path = next(GOLDEN.glob(f"{prefix}_*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def _cases() -> list[tuple[str, int]]:
    return [(prefix, index) for prefix, count in SEED_TABLE_COUNTS.items() for index in range(count)]


def test_table_counts(seeds):
    assert {prefix: len(s.tables) for prefix, s in seeds.items()} == SEED_TABLE_COUNTS
    assert sum(SEED_TABLE_COUNTS.values()) == 63


@pytest.mark.parametrize("prefix", sorted(SEED_TABLE_COUNTS))
def test_unit_and_year(seeds, prefix):
    golden = _golden(prefix)
    submission = seeds[prefix]
    assert (submission.unit_name, submission.unit_code, submission.year) == (
        golden["unit_name"], golden["unit_code"], golden["year"]
    )


@pytest.mark.parametrize(("prefix", "index"), _cases(), ids=[f"{p}-表{i + 1}" for p, i in _cases()])
def test_table_matches_golden(seeds, prefix, index):
    expected = _golden(prefix)["tables"][index]
    table = seeds[prefix].tables[index]
    assert table.number == expected["table"]
    assert table.project == expected["project"]
    assert table.project_code == expected["project_code"]
    assert table.money_unit == expected["money_unit"]
    assert [table.budget.total, table.budget.fiscal, table.budget.other] == expected["budget"]
    assert table.fund_use == expected["fund_use"]
    assert [[p.period, p.raw] for p in table.schedule] == expected["schedule"]
    assert table.goals == expected["goals"]
    rows = [[i.level1, i.level2, i.level3, i.description, i.value, i.basis] for i in table.indicators]
    assert len(rows) == len(expected["indicators"]), "indicator row count"
    for number, (got, want) in enumerate(zip(rows, expected["indicators"]), start=1):
        assert got == want, f"row {number}"
    assert [i.row for i in table.indicators] == list(range(1, len(rows) + 1))


# ------------------------------------------------------------- oracles from the raw text


def _raw_sections(prefix: str) -> list[str]:
    """The raw text of each table, split at its title line — no parser involved."""
    text = next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    title = re.compile(r"^(?:\[bookmark:[^\]]*\])?\s*\d{1,2}\s*[.．、]\s*\S.*绩效目标表(?:\s+TC .*)?\s*$", re.M)
    starts = [m.start() for m in title.finditer(text) if "\t" not in m.group(0)]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)])]


def _raw_row_count(prefix: str, section: str) -> int:
    level1 = "|".join(LEVEL1)
    level2 = "|".join(LEVEL2)
    if prefix == "004":  # PDF text: one row per line, 二级 in the second cell
        return len(re.findall(rf"^(?:{level1})?\t(?:{level2}|[^\t]*指\s*标)\t", section, re.M))
    # Word text: a row starts with its 一级 cell (or an empty merged cell) directly followed by a 二级 cell
    return len(re.findall(rf"(?:^|\n)\n\t(?:{level1})?\n\t(?:{level2})\n", section))


@pytest.mark.parametrize("prefix", sorted(SEED_TABLE_COUNTS))
def test_row_counts_match_raw_text(seeds, prefix):
    sections = _raw_sections(prefix)
    assert len(sections) == SEED_TABLE_COUNTS[prefix]
    for table, section in zip(seeds[prefix].tables, sections):
        assert len(table.indicators) == _raw_row_count(prefix, section), f"表{table.number}"


@pytest.mark.parametrize("prefix", sorted(SEED_TABLE_COUNTS))
def test_budgets_match_raw_text(seeds, prefix):
    for table, section in zip(seeds[prefix].tables, _raw_sections(prefix)):
        match = re.search(r"预算数\s*\n?\t([\d.,]+)", section)
        assert match, f"表{table.number}: no 预算数 in raw text"
        assert table.budget.total == float(match.group(1).replace(",", "")), f"表{table.number}"


@pytest.mark.parametrize("prefix", sorted(SEED_TABLE_COUNTS))
def test_no_column_shift(seeds, prefix):
    for table in seeds[prefix].tables:
        for indicator in table.indicators:
            where = f"表{table.number}第{indicator.row}行"
            assert indicator.level1 in LEVEL1, where
            assert indicator.level2 in LEVEL2, where
            assert indicator.level3, where
            # a value is never a document reference, and a basis is never a bare value
            assert not re.search(r"[〔【\[]\d{4}[〕】\]]\s*\d+\s*号", indicator.value), where
            assert not re.fullmatch(r"[≥≤><=]?\s*\d+(?:\.\d+)?\s*%", indicator.basis), where


def test_truncated_seed_warns_and_keeps_partial_row(seeds):
    submission = seeds["003"]
    assert any("中途结束" in w for w in submission.warnings)
    last = submission.tables[-1].indicators[-1]
    assert (last.level2, last.level3, last.value, last.basis) == ("生态效益指标", "保障生态平衡", "", "")
    assert last.incomplete and not any(i.incomplete for t in submission.tables for i in t.indicators[:-1])


def test_pdf_text_wrapped_cells_are_rejoined(seeds):
    table = seeds["004"].tables[7]  # 8. 服务群众专项经费
    satisfaction = table.indicators[-1]
    assert satisfaction.level3 == "受益群众满意度（%）"
    assert satisfaction.raw["level3"] == "受益群众满 意度（%）"  # verbatim kept for quoting
    assert table.indicators[2].level3 == "经费保障及及时性"


def test_pdf_text_schedule_period_wrapped_to_its_own_line(seeds):
    table = seeds["004"].tables[16]  # 17. 征地和拆迁补偿支出
    assert [(p.period, p.raw) for p in table.schedule] == [
        ("3月底", "25%"), ("6月底", "50%"), ("10月底", "75%"), ("12月底", "100%")
    ]


def test_schedule_blanks_are_kept(seeds):
    table = seeds["001"].tables[7]  # 8. 老漳河东岸土地补偿: only 6月底 filled, as an amount
    assert [(p.period, p.raw, p.amount) for p in table.schedule] == [
        ("3月底", "", None), ("6月底", "2.62", 2.62), ("10月底", "", None), ("12月底", "", None)
    ]


def test_three_period_schedule_is_not_padded(seeds):
    table = seeds["004"].tables[2]  # 3. 执法经费: the PDF prints only 3/6/10月底
    assert [p.period for p in table.schedule] == ["3月底", "6月底", "10月底"]
