"""The training gallery (`auditor gallery`): a workshop deck with one section per problem
category found in the batch — what it is, why it matters, how to fix it (rules/CODE.yaml) — and
up to five real examples, each with the flagged text marked and a corrected version beside it;
plus gallery_pairs.xlsx (every weak indicator row → its stronger rewrite).

What is shown beside a weak example is, in this order of preference,
  1. for an indicator row: a real row of the same batch with the same declared 二级, no finding
     on it and a specificity of at least PEER_FROM (another unit's first, then the most specific)
     — participants see that their own county writes such rows well;
  2. the row rewritten as the finding's suggestion says, when it names the replacement
     ("改为“100%”", "把“公岗”改为“…”", "移至“质量指标”", or an example written for this very
     row: "如“≤130000元”");
  3. a good case of the check's YAML (`cases: kind: good`) of the same shape — the closest row
     (same 二级 first) that none of the checks flags, so a workshop never shows a "good"
     example another check would send back.
Pure functions of the parsed submissions, the findings, the rule documents and the good cases
(run through the checks by `api.good_cases`).
"""
from __future__ import annotations

import io
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from rapidfuzz import fuzz

from ..domain import LEVEL1_NAMES, LEVEL1_OF, level1_key, level2_key
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..taxonomy import CATEGORIES
from .common import (
    FIELD_NAMES,
    category_counts,
    find_indicator,
    find_table,
    findings_by_source,
    score,
    severity_rank,
    table_label,
    unit_display_name,
)
from .explain import _paragraphs
from .html import environment
from .summary import _table
from .xlsx import score_value

GALLERY_HTML = "gallery.html"
GALLERY_XLSX = "gallery_pairs.xlsx"
MAX_EXAMPLES = 5
CONTEXT_CHARS = 70  # Part 1 prose shown either side of the evidence
MAX_SHAPES = 6  # bad-case names listed as "常见表现"
PEER_FROM = 0.8  # a real row of the batch is shown as the strong example from this specificity on

# What each category is (TAXONOMY.md, "what is wrong"), in the auditors' words.
CATEGORY_WHAT = {
    "GOAL_DUP": "两条或多条绩效目标完全相同或几乎相同（如“1.X 2.X 3.X”）。",
    "GOAL_ECHO": "绩效目标只是重复项目名称或资金用途，没有写出要达到的目标。",
    "GOAL_PLACEHOLDER": "用模板套话代替目标，如“完成年度绩效目标”“目标内容1”。",
    "DESC_ECHO": "绩效指标描述重复三级指标名称（或只是换个说法），没有说明这个指标怎样衡量。",
    "BASIS_ECHO": "指标值确定依据重复指标或描述，没有写出来源（计划标准、行业标准、历史标准、预算支出标准、文号或调查）。",
    "TEXT_REUSE": "从其他项目、单位或领域照搬、与本项目不符的文字：别的项目的受益对象、别的部门的职责、区级模板用在镇里。",
    "LEVEL_MISMATCH": "三级指标或描述不属于所填的二级（或一级）类别，如成本控制写在时效指标下、消防救援效率算作生态效益。",
    "VALUE_KIND": "指标值的种类与类别不符：时效指标填金额（“12万元”）、成本指标只填百分比、数量指标填金额。",
    "VALUE_DIRECTION": "比较符号方向反了：兑付率“≤100%”、成本“≥4166元”、要达到的人数“≤3人”。",
    "VALUE_VAGUE": "指标值年底无法核对：“有很大提高”“生活改善”“及时拨付”“社会稳定”“维持正常运转”。",
    "VALUE_IMPLAUSIBLE": "指标值超出合理范围或明显不现实：“325%”、满意度“≥100%”、办公效率提高“≥50%”。",
    "COST_MISMATCH": "成本数字与预算数对不上：合计不符、单价×数量不符、元与万元混用。",
    "SCHEDULE_ERROR": "资金支出计划不是逐期累计、超过100%或预算数、12月底未达到100%，或缺了某一期。",
    "YEAR_MISMATCH": "年份或带年代的表述与预算年度矛盾，如2025年的文本写“2024年”。",
    "MISSING_CATEGORY": "缺少必设的指标类别（产出：数量、质量、时效、成本；至少一项效益；服务对象满意度）。",
    "DUP_WORD": "字词重复或明显的复制粘贴笔误，如“产量和产量”“政策政策”。",
    "CONTRADICTION": "同一文本两处说法不一致：第一部分与项目表、目标与指标、描述与指标值。",
    "UNIT_NONSTANDARD": "计量单位写法不规范，如“100百分比”“≥90百分数”。",
}
ROW_CELLS = (("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"),
             ("description", "绩效指标描述"), ("value", "指标值"), ("basis", "指标值确定依据"))
FIELD_CELL = {"value": "value", "description": "description", "basis": "basis", "indicator": "level3"}
LEVEL1_PRIORITY = ("output", "benefit", "satisfaction", "cost")


# ---------------------------------------------------------------- cells and highlighting


@dataclass
class Piece:
    text: str
    kind: str = ""  # "" plain, "mark" the flagged text, "ins" the corrected text


@dataclass
class Cell:
    key: str
    label: str
    pieces: list[Piece]
    flagged: bool = False  # the cell the finding is about
    changed: bool = False  # the cell a rewrite changed

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


def cell(key: str, label: str, text: str) -> Cell:
    return Cell(key, label, [Piece(text)])


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Where `needle` occurs in `text` (non-overlapping); ignoring whitespace when the exact
    text is not there (PDF wraps, cells normalised after extraction)."""
    if not needle:
        return []
    found, start = [], text.find(needle)
    while start >= 0:
        found.append((start, start + len(needle)))
        start = text.find(needle, start + len(needle))
    if found:
        return found
    positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    squashed = "".join(text[i] for i in positions)
    target = "".join(needle.split())
    if not target:
        return []
    start = squashed.find(target)
    while start >= 0:
        found.append((positions[start], positions[start + len(target) - 1] + 1))
        start = squashed.find(target, start + len(target))
    return found


def _split(text: str, spans: list[tuple[int, int]], replacement: str | None, kind: str) -> list[Piece]:
    """`text` with each span made a `kind` piece (its text replaced when `replacement` is given)."""
    pieces, cursor = [], 0
    for start, end in spans:
        if start > cursor:
            pieces.append(Piece(text[cursor:start]))
        pieces.append(Piece(text[start:end] if replacement is None else replacement, kind))
        cursor = end
    if cursor < len(text):
        pieces.append(Piece(text[cursor:]))
    return pieces


def mark(cells: list[Cell], target: str, evidence: str) -> bool:
    """Flag the target cell and mark the evidence in it (or, failing that, in the first cell
    holding it); an evidence found nowhere is added as its own cell. True when it was found."""
    for candidate in cells:
        candidate.flagged = candidate.key == target
    holder = _holder(cells, target, evidence)
    if holder is not None:
        holder.pieces = _split(holder.text, _spans(holder.text, evidence), None, "mark")
        holder.flagged = True
        return True
    if evidence:
        cells.append(Cell("evidence", "问题原文", [Piece(evidence, "mark")], flagged=True))
    return False


def _holder(cells: list[Cell], target: str, text: str) -> Cell | None:
    """The cell holding `text`: the target cell if it does, else the first that does."""
    return next((c for c in sorted(cells, key=lambda c: c.key != target) if _spans(c.text, text)), None)


# ---------------------------------------------------------------- what a finding points at


def kind_of(finding: Finding) -> str:
    if finding.table == 0 or finding.field == "narrative":
        return "narrative"
    if finding.row is not None:
        return "row"
    if finding.field in ("goal", "schedule"):
        return "goals" if finding.field == "goal" else "schedule"
    return "table"


def row_cells(indicator: Indicator) -> list[Cell]:
    return [cell(key, label, getattr(indicator, key)) for key, label in ROW_CELLS]


def goals_cells(table: ProjectTable) -> list[Cell]:
    text = "\n".join(f"{n}.{g}" for n, g in enumerate(table.goals, start=1)) or table.goals_raw
    return [cell("goals", "绩效目标", text)]


def schedule_cells(table: ProjectTable) -> list[Cell]:
    unit = "%" if any(p.percent is not None for p in table.schedule) else (table.money_unit or "")
    text = "　".join(f"{p.period}：{p.raw or '（空）'}" for p in table.schedule)
    return [cell("schedule", f"资金支出计划（{unit}）" if unit else "资金支出计划", text)]


def table_cells(table: ProjectTable) -> list[Cell]:
    budget = table.budget.raw_total or ("" if table.budget.total is None else f"{table.budget.total:g}")
    levels = list(dict.fromkeys(i.level2 for i in table.indicators if i.level2))
    return [cell("project", "项目名称", table.project or table.title),
            cell("budget", "预算数", f"{budget} {table.money_unit}".strip()),
            cell("fund_use", "资金用途", table.fund_use),
            cell("levels", "已设二级指标", "、".join(levels) or "（无）")]


def narrative_cells(paragraphs: Iterable[str], evidence: str) -> list[Cell]:
    """The Part 1 paragraph holding the evidence, cut to CONTEXT_CHARS either side of it."""
    paragraphs = [p for p in paragraphs if p]
    for paragraph in paragraphs:
        spans = _spans(paragraph, evidence)
        if spans:
            start, end = spans[0]
            left, right = max(0, start - CONTEXT_CHARS), min(len(paragraph), end + CONTEXT_CHARS)
            text = ("…" if left else "") + paragraph[left:right] + ("…" if right < len(paragraph) else "")
            return [cell("narrative", "第一部分", text)]
    return [cell("narrative", "第一部分", paragraphs[0][: CONTEXT_CHARS * 2] + "…")] if paragraphs and not evidence else []


def context(submission: Submission, finding: Finding) -> tuple[list[Cell], str, ProjectTable | None, Indicator | None]:
    """(cells around the finding, the key of the cell it is about, its table, its row)."""
    kind = kind_of(finding)
    if kind == "narrative":
        part1 = submission.part1
        return narrative_cells([*part1.all_paragraphs, *part1.other], finding.evidence), "narrative", None, None
    table = find_table(submission, finding)
    if table is None:
        return [], "evidence", None, None
    indicator = find_indicator(table, finding.row)
    if kind == "row" and indicator is not None:
        return row_cells(indicator), FIELD_CELL.get(finding.field, ""), table, indicator
    if kind == "goals":
        return goals_cells(table), "goals", table, None
    if kind == "schedule":
        return schedule_cells(table), "schedule", table, None
    return table_cells(table), "project", table, None


# ---------------------------------------------------------------- rewrite from the suggestion


def _quoted(text: str, start: int) -> tuple[str, int] | None:
    """The text of the “…” that opens at `start` (nested quotes kept), and the index after it."""
    if start >= len(text) or text[start] != "“":
        return None
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "“":
            depth += 1
        elif text[index] == "”":
            depth -= 1
            if depth == 0:
                return text[start + 1:index], index + 1
    return None


PLACEHOLDER = re.compile(r"××|XX|……|\.\.\.")


def _after(text: str, marker: str) -> list[str]:
    """Every quoted text right after `marker` ("改为“X”" → X), except placeholders ("××完成率")
    and those in a conditional sentence ("若要考核完成比例，改为“…”")."""
    found = []
    for match in re.finditer(re.escape(marker) + "(?=“)", text):
        quoted = _quoted(text, match.end())
        sentence = text[max(text.rfind("；", 0, match.start()), text.rfind("。", 0, match.start())) + 1:match.start()]
        if quoted and quoted[0].strip() and not PLACEHOLDER.search(quoted[0]) and not sentence.lstrip().startswith(("若", "如果")):
            found.append(quoted[0])
    return found


def _replace(cells: list[Cell], key: str, old: str | None, new: str) -> list[Cell] | None:
    """A copy of `cells` with `old` (every occurrence; the whole text when None or not found)
    in the `key` cell replaced by `new`, marked as inserted."""
    out = [Cell(c.key, c.label, [Piece(c.text)]) for c in cells]
    target = next((c for c in out if c.key == key), None)
    if target is None or target.text == new:
        return None
    spans = _spans(target.text, old) if old else []
    if spans and target.text.strip() != (old or "").strip():
        target.pieces = _split(target.text, spans, new, "ins")
    else:
        target.pieces = [Piece(new, "ins")]
    target.changed = True
    return out


def _moved(cells: list[Cell], level2: str) -> list[Cell] | None:
    """The row filed under another 二级 (and the 一级 that 二级 sits under)."""
    key = level2_key(level2)
    by_key = {c.key: c for c in cells}
    if key is None or "level2" not in by_key:
        return None
    out = _replace(cells, "level2", None, level2)
    if out is None:
        return None
    level1 = next(c for c in out if c.key == "level1")
    if level1_key(level1.text) not in LEVEL1_OF[key]:
        home = next(k for k in LEVEL1_PRIORITY if k in LEVEL1_OF[key])
        level1.pieces, level1.changed = [Piece(LEVEL1_NAMES[home], "ins")], True
    return out


def _replaced_part(evidence: str, replacement: str) -> str:
    """What a replacement stands for: the whole evidence, or — when the evidence is a long
    sentence and the replacement a short phrase ("党的十九大精神…" → "党的二十大精神") — the
    part of it the replacement rewrites."""
    if len(evidence) < 2 * len(replacement):
        return evidence
    alignment = fuzz.partial_ratio_alignment(replacement, evidence)
    if alignment is None or alignment.score < 70:
        return evidence
    return evidence[alignment.dest_start:alignment.dest_end]


def _tailored(suggestion: str, table: ProjectTable | None, indicator: Indicator | None) -> str | None:
    """An example in the suggestion written for this row ("如“≤130000元”" with the table's
    budget, "如“办公效率提高比例＝…”" with the row's name); generic examples are not rewrites."""
    if indicator is None:
        return None
    name = "".join(indicator.level3.split())
    budget = f"{table.budget.total:g}" if table is not None and table.budget.total else None
    for example in _after(suggestion, "如"):
        squashed = "".join(example.split())
        if (len(name) >= 2 and name in squashed) or (budget and budget in squashed):
            return example
    return None


def _filled_schedule(table: ProjectTable, after: str, amount: str) -> list[Cell] | None:
    """The schedule with every blank period after `after` filled with `amount`."""
    cells = schedule_cells(table)
    periods = [p.period for p in table.schedule]
    if after not in periods:
        return None
    pieces, changed = [], False
    for index, point in enumerate(table.schedule):
        pieces.append(Piece(("　" if index else "") + f"{point.period}："))
        if not point.raw and index > periods.index(after):
            pieces.append(Piece(amount, "ins"))
            changed = True
        else:
            pieces.append(Piece(point.raw or "（空）"))
    cells[0].pieces, cells[0].changed = pieces, True
    return cells if changed else None


def rewrite(cells: list[Cell], target: str, finding: Finding, table: ProjectTable | None = None,
            indicator: Indicator | None = None) -> list[Cell] | None:
    """The cells as the finding's suggestion says to correct them, or None when the suggestion
    only describes what to write."""
    if not cells:
        return None
    suggestion = finding.suggestion or ""
    for match in re.finditer("把(?=“)", suggestion):  # 把“A”改为“B”
        old = _quoted(suggestion, match.end())
        if old and suggestion.startswith("改为", old[1]):
            new = _quoted(suggestion, old[1] + 2)
            holder = _holder(cells, target, old[0])
            if new and holder is not None:
                return _replace(cells, holder.key, old[0], new[0])
    slip = re.search("“([^“”]+)”误写为“([^“”]+)”", suggestion)  # “25%”误写为“325%”
    if slip and _holder(cells, target, slip.group(2)) is not None:
        return _replace(cells, _holder(cells, target, slip.group(2)).key, slip.group(2), slip.group(1))
    if suggestion.startswith("移至“") and any(c.key == "level2" for c in cells):
        moved = _quoted(suggestion, 2)
        return _moved(cells, moved[0]) if moved else None
    fill = re.search(r"把(\S+?)之后各期都填为累计([^（，。；]+)", suggestion)
    if fill and target == "schedule" and table is not None:
        return _filled_schedule(table, fill.group(1), fill.group(2))
    added = _after(suggestion, "如")
    if suggestion.startswith("补充") and added and target == "project":  # a missing indicator
        return [*(Cell(c.key, c.label, [Piece(c.text)]) for c in cells),
                Cell("added", "补充指标", [Piece(added[0], "ins")], changed=True)]
    replacements = _after(suggestion, "改为")
    if replacements:
        holder = _holder(cells, target, finding.evidence)
        if holder is not None:
            return _replace(cells, holder.key, _replaced_part(finding.evidence, replacements[0]), replacements[0])
        if any(c.key == target for c in cells):
            return _replace(cells, target, None, replacements[0])
    example = _tailored(suggestion, table, indicator)
    if example and finding.field in ("value", "description"):
        return _replace(cells, target, None, example)
    return None


# ---------------------------------------------------------------- good cases of the rules


@dataclass
class GoodSample:
    """A piece of a rule's good case that no check flags: a row, goals, a schedule, a table
    header or Part 1 prose."""

    rule: str
    case: str
    kind: str  # row | goals | schedule | table | narrative
    cells: list[Cell]
    indicator: Indicator | None = None


def good_samples(rule: str, case_name: str, submission: Submission, findings: Sequence[Finding]) -> list[GoodSample]:
    """The clean pieces of one good case (`findings`: every check's findings on it)."""
    samples = []
    if not any(f.table == 0 for f in findings):
        paragraphs = submission.part1.all_paragraphs
        if paragraphs:
            samples.append(GoodSample(rule, case_name, "narrative", [cell("narrative", "第一部分", "\n".join(paragraphs[:2]))]))
    for table in submission.tables:
        mine = [f for f in findings if f.table == table.number]
        if table.goals and not any(f.field == "goal" for f in mine):
            samples.append(GoodSample(rule, case_name, "goals", goals_cells(table)))
        if table.schedule and not any(f.field == "schedule" for f in mine):
            samples.append(GoodSample(rule, case_name, "schedule", schedule_cells(table)))
        if not any(f.row is None for f in mine):
            samples.append(GoodSample(rule, case_name, "table", table_cells(table)))
        flagged_rows = {f.row for f in mine}
        for indicator in table.indicators:
            if indicator.row not in flagged_rows:
                samples.append(GoodSample(rule, case_name, "row", row_cells(indicator), indicator))
    return samples


def _row_fit(sample: GoodSample, indicator: Indicator | None) -> float:
    if indicator is None or sample.indicator is None:
        return 0.0
    other = sample.indicator
    level2 = level2_key(indicator.level2)
    score = 4.0 if level2 is not None and level2_key(other.level2) == level2 else 0.0
    score += 1.0 if level1_key(other.level1) == level1_key(indicator.level1) else 0.0
    return score + fuzz.partial_ratio(other.level3, indicator.level3) / 100


def reference(finding: Finding, samples: Sequence[GoodSample], rules: dict, indicator: Indicator | None) -> GoodSample | None:
    """The good sample shown beside a finding: same shape, from the finding's own check first,
    then from the other checks of its category; for rows the best fitting row."""
    kind = kind_of(finding)
    own = finding.rule.split(".")[0]
    siblings = {code for code, rule in rules.items() if rule.category == finding.category}
    for wanted in ({own}, siblings - {own}):
        candidates = [s for s in samples if s.rule in wanted and s.kind == kind]
        if candidates:
            return max(candidates, key=lambda s: _row_fit(s, indicator)) if kind == "row" else candidates[0]
    return None


# ---------------------------------------------------------------- strong rows of the batch


@dataclass
class Peer:
    """A real row of the batch shown beside a weak one of the same declared 二级."""

    unit: str
    source: str
    table: ProjectTable
    indicator: Indicator

    @property
    def cells(self) -> list[Cell]:
        return row_cells(self.indicator)

    @property
    def label(self) -> str:
        return (f"本批次写得好的同类指标：{self.unit} 表{table_label(self.table.number)} 第{self.indicator.row}行，"
                f"明确度{score(self.indicator.specificity)}")


def _level2_group(level2: str) -> str:
    """What rows are matched on: the 二级's canonical key ("数量" and "数量指标" alike), else
    its text ("" for a blank 二级, which matches nothing)."""
    return level2_key(level2) or "".join(level2.split())


def _row_text(indicator: Indicator) -> tuple[str, ...]:
    return tuple("".join(getattr(indicator, key).split()) for key in ("level3", "description", "value", "basis"))


class Peers:
    """Every row of the batch that no finding points at and whose specificity is at least
    PEER_FROM, grouped by declared 二级 (rows not yet scored are never peers)."""

    def __init__(self, submissions: Sequence[Submission], findings: Iterable[Finding]):
        by_source = {s.source: s for s in submissions}
        flagged: set[tuple[int, int]] = set()  # (id(table), row): findings name tables by printed number
        for f in findings:
            table = find_table(by_source[f.source], f) if f.row is not None and f.source in by_source else None
            if table is not None:
                flagged.add((id(table), f.row))
        self.groups: dict[str, list[Peer]] = {}
        for submission in submissions:
            for table in submission.tables:
                for indicator in table.indicators:
                    group = _level2_group(indicator.level2)
                    if (group and indicator.specificity is not None and indicator.specificity >= PEER_FROM
                            and (id(table), indicator.row) not in flagged):
                        self.groups.setdefault(group, []).append(
                            Peer(unit_display_name(submission), submission.source, table, indicator))

    def best(self, submission: Submission, indicator: Indicator, used: Container[tuple] = ()) -> Peer | None:
        """Another unit's row first (a unit's other files, e.g. other years, are the same unit),
        then one whose text this section does not show yet (`used`: `_row_text`s; copy-pasted
        rows are one example), then the most specific (batch order on ties). A copy of the weak
        row itself is never its model."""
        weak, unit = _row_text(indicator), unit_display_name(submission)
        candidates = [p for p in self.groups.get(_level2_group(indicator.level2), [])
                      if _row_text(p.indicator) != weak]
        return min(candidates, default=None, key=lambda p: (
            p.source == submission.source or p.unit == unit, _row_text(p.indicator) in used, -p.indicator.specificity))


# ---------------------------------------------------------------- examples and sections


@dataclass
class Example:
    finding: Finding
    unit: str
    original: list[Cell]
    rewrite: list[Cell] | None = None
    reference: GoodSample | None = None
    found: bool = True  # the evidence was found in the cells shown
    indicator: Indicator | None = None  # the weak row, for a row finding
    peer: Peer | None = None  # a strong real row of the batch, shown before any rewrite or good case

    @property
    def where(self) -> str:
        f = self.finding
        if kind_of(f) == "narrative":
            return "第一部分"
        parts = [f"表{table_label(f.table)}", f.project]
        if f.row is not None:
            parts.append(f"第{f.row}行")
        parts.append(FIELD_NAMES.get(f.field, f.field))
        return " · ".join(p for p in parts if p)

    @property
    def corrected_text(self) -> str:
        if self.peer:
            return "（本批次同类指标）" + cells_text(self.peer.cells)
        if self.rewrite:
            return cells_text(self.rewrite)
        if self.reference:
            return "（参照正例）" + cells_text(self.reference.cells)
        return ""

    @property
    def corrected_from(self) -> str:
        if self.peer:
            return self.peer.label
        if self.rewrite:
            return "按整改建议改写"
        if self.reference:
            return f"规则正例（rules/{self.reference.rule}.yaml：{self.reference.case}）"
        return ""

    @property
    def corrected_specificity(self) -> float | None:
        """The specificity of the row shown as the stronger version (None for a rewrite: it was
        never scored)."""
        if self.peer:
            return self.peer.indicator.specificity
        if self.rewrite or not self.reference or not self.reference.indicator:
            return None
        return self.reference.indicator.specificity


def cells_text(cells: Sequence[Cell]) -> str:
    """"一级指标：…｜二级指标：…" for a spreadsheet cell."""
    return "｜".join(f"{c.label}：{c.text}" for c in cells if c.text)


def build_example(submission: Submission, finding: Finding, samples: Sequence[GoodSample], rules: dict,
                  peers: Peers | None = None, used: Container[tuple] = ()) -> Example:
    """`peers`: the batch's strong rows to show beside a row finding; `used`: the texts of the
    strong rows this section already shows."""
    cells, target, table, indicator = context(submission, finding)
    if not target and indicator is not None:  # a row finding on no particular cell
        target = next((c.key for c in cells if _spans(c.text, finding.evidence)), "level3")
    original = [Cell(c.key, c.label, list(c.pieces)) for c in cells]
    found = mark(original, target, finding.evidence)
    peer = peers.best(submission, indicator, used) if peers is not None and indicator is not None else None
    return Example(finding, unit_display_name(submission), original, rewrite(cells, target, finding, table, indicator),
                   reference(finding, samples, rules, indicator), found, indicator, peer)


def pick(findings: Sequence[Finding], limit: int = MAX_EXAMPLES) -> list[Finding]:
    """Up to `limit` findings chosen for variety: a new unit, else a new project, else at
    least a new text — highest confidence (then severity) first within each pass; shown in
    that order of confidence."""
    ranked = sorted(findings, key=lambda f: (-f.confidence, severity_rank(f.severity), f.source,
                                             f.table if f.table is not None else -1, f.row or 0))
    chosen: list[Finding] = []
    units: set[str] = set()
    projects: set[tuple] = set()
    texts: set[str] = set()
    passes = (
        lambda f: f.source not in units and (f.source, f.table) not in projects and _text_key(f) not in texts,
        lambda f: (f.source, f.table) not in projects and _text_key(f) not in texts,
        lambda f: _text_key(f) not in texts,
    )
    for admits in passes:
        for f in ranked:
            if len(chosen) >= limit:
                break
            if any(f is c for c in chosen) or not admits(f):
                continue
            chosen.append(f)
            units.add(f.source)
            projects.add((f.source, f.table))
            texts.add(_text_key(f))
    return sorted(chosen, key=lambda f: (-f.confidence, severity_rank(f.severity)))


def _text_key(finding: Finding) -> str:
    return "".join(finding.evidence.split()) or f"{finding.source}#{finding.table}#{finding.row}"


@dataclass
class Section:
    code: str
    name: str
    what: str
    shapes: list[str]
    why: list[str]
    fix: list[str]
    rules: list[tuple[str, str]]  # (code, title) of the checks behind the category
    count: int
    units: int
    examples: list[Example] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"cat-{self.code}"


@dataclass
class GalleryView:
    sections: list[Section]
    pairs: list[Example]  # every row finding with what it becomes
    units: int
    years: list[int]

    @property
    def example_count(self) -> int:
        return sum(len(s.examples) for s in self.sections)


def build_gallery(submissions: Sequence[Submission], findings: Iterable[Finding], rules: dict,
                  samples: Sequence[GoodSample], *, limit: int = MAX_EXAMPLES) -> GalleryView:
    """Sections in order of frequency (most common category first), each with its examples."""
    grouped = findings_by_source(submissions, findings)
    by_source = {s.source: s for s in submissions}
    everything = [f for items in grouped.values() for f in items]
    peers = Peers(submissions, everything)
    sections = []
    for code, count in category_counts(everything):
        mine = [f for f in everything if f.category == code]
        docs = [r for r in rules.values() if r.category == code]
        shapes = [str(c.get("name", "")) for r in docs for c in r.cases if c.get("kind") == "bad" and c.get("name")]
        sections.append(Section(
            code=code, name=CATEGORIES.get(code, code), what=CATEGORY_WHAT.get(code, ""),
            shapes=shapes[:MAX_SHAPES],
            why=[p for r in docs for p in _paragraphs(r.why)], fix=[p for r in docs for p in _paragraphs(r.fix)],
            rules=[(r.code, r.title) for r in docs], count=count, units=len({f.source for f in mine}),
            examples=_examples(pick(mine, limit), by_source, samples, rules, peers),
        ))
    order = {code: index for index, (code, _) in enumerate(category_counts(everything))}
    rows = sorted((f for f in everything if f.row is not None),
                  key=lambda f: (order[f.category], -f.confidence, f.source, f.table or 0, f.row))
    shown = {id(e.finding): e for s in sections for e in s.examples}  # a pair says what the deck shows
    pairs = [shown.get(id(f)) or build_example(by_source[f.source], f, samples, rules, peers) for f in rows]
    years = sorted({s.year for s in submissions if s.year})
    return GalleryView(sections, pairs, len(submissions), years)


def _examples(findings: Sequence[Finding], by_source: dict[str, Submission], samples: Sequence[GoodSample],
              rules: dict, peers: Peers) -> list[Example]:
    """A section's examples; its strong rows vary where the batch has several."""
    examples: list[Example] = []
    used: set[tuple] = set()
    for f in findings:
        example = build_example(by_source[f.source], f, samples, rules, peers, used)
        if example.peer:
            used.add(_row_text(example.peer.indicator))
        examples.append(example)
    return examples


# ---------------------------------------------------------------- outputs


def render_gallery_html(view: GalleryView) -> str:
    return environment().get_template("gallery.html").render(view=view, peer_from=PEER_FROM)


PAIRS_HEADER = ("问题类别", "代码", "单位", "表号", "项目", "行", "原指标（弱）", "问题原文", "问题说明",
                "改写（强）", "改写来源", "整改建议", "置信度", "图集示例", "原指标明确度", "参考指标明确度")
PAIRS_WIDTHS = (22, 18, 26, 6, 24, 5, 50, 24, 44, 50, 26, 44, 8, 9, 12, 14)
CATEGORY_SHEET_HEADER = ("问题类别", "代码", "是什么", "本批次条数", "涉及单位数", "如何整改")
CATEGORY_SHEET_WIDTHS = (24, 18, 50, 10, 10, 70)


def render_gallery_xlsx(view: GalleryView) -> bytes:
    """改写对照 (one row per weak indicator row) and 类别说明."""
    shown = {id(e.finding) for s in view.sections for e in s.examples}
    workbook = Workbook()
    pairs = workbook.active
    pairs.title = "改写对照"
    _table(pairs, PAIRS_HEADER, PAIRS_WIDTHS, [
        (CATEGORIES.get(e.finding.category, e.finding.category), e.finding.category, e.unit, table_label(e.finding.table),
         e.finding.project, e.finding.row, cells_text(e.original), e.finding.evidence, e.finding.message,
         e.corrected_text, e.corrected_from, e.finding.suggestion, e.finding.confidence,
         "是" if id(e.finding) in shown else "",
         score_value(e.indicator.specificity) if e.indicator else None, score_value(e.corrected_specificity))
        for e in view.pairs])
    categories = workbook.create_sheet("类别说明")
    _table(categories, CATEGORY_SHEET_HEADER, CATEGORY_SHEET_WIDTHS, [
        (s.name, s.code, s.what, s.count, s.units, "\n".join(s.fix)) for s in view.sections])
    workbook.properties.creator = "jixiao-auditor"
    workbook.properties.title = "培训图集 改写对照"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_gallery(submissions: Sequence[Submission], findings: Iterable[Finding], rules: dict,
                   samples: Sequence[GoodSample], *, limit: int = MAX_EXAMPLES) -> dict[str, bytes]:
    """{"gallery.html": …, "gallery_pairs.xlsx": …}."""
    view = build_gallery(submissions, findings, rules, samples, limit=limit)
    return {GALLERY_HTML: render_gallery_html(view).encode("utf-8"), GALLERY_XLSX: render_gallery_xlsx(view)}
