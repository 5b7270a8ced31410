"""Turn a reader's row stream into a `Submission`.

One interpreter for every format, driven by the labels printed in the tables (项目编码, 预算数,
资金支出计划, 绩效目标, 一级指标 …) rather than by fixed positions, so that the Word layout,
the PDF layout and spreadsheet exports with extra or missing columns all land in the same model.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .. import values
from ..schema import Indicator, Narrative, ProjectTable, SchedulePoint, Submission
from ..values import squash
from .narrative_indicators import narrative_indicators
from .rows import Row

# ---------------------------------------------------------------- recognisers

# "1.德归镇创建全国文明县城工作经费绩效目标表", "1. 武装工作经费绩效目标表", "项目支出绩效目标表"
TITLE_RE = re.compile(
    r"^\s*(?:(?P<num>\d{1,3})\s*[.．、]\s*)?(?P<name>.*?)\s*绩效目标(?:申报)?表\s*(?P<tail>[（(][^）)]*[）)])?\s*$"
)
TOC_DOTS_RE = re.compile(r"[.…·]{4,}")
UNIT_LINE_RE = re.compile(r"^\s*(?P<code>\d{6})\s*[-－—]?\s*(?P<name>\S.*?)\s*$")
UNIT_NAME_HINT = re.compile(r"(政府|局|委员会|委|办公室|办|中心|站|所|院|校|部|会|室|处|队|镇|乡|街道|社区|馆|团)")
MONEY_UNIT_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>万元|元)|[（(](?P<unit2>万元|元)[）)]")
PART_HEADINGS = ("第一部分", "第二部分", "第三部分", "部门整体绩效目标", "预算项目绩效目标", "目录", "目 录")

SECTION_KEYWORDS = (
    ("overall", ("总体绩效目标", "总体目标", "整体绩效目标")),
    ("sub_goals", ("分项绩效目标", "分项目标")),
    ("measures", ("工作保障措施", "保障措施")),
)

LEVEL_HEADER = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "指标内容"),
    "description": ("绩效指标描述", "指标描述", "指标解释", "指标说明", "绩效标准"),
    "value": ("指标值", "目标值", "年度指标值", "当年预期实现值", "预期值"),
    "basis": ("指标值确定依据", "确定依据", "指标值设定依据", "依据"),
}
DEFAULT_COLUMNS = ("level1", "level2", "level3", "description", "value", "basis")

CODE_LABELS = ("项目编码", "项目编号", "项目代码")
NAME_LABELS = ("项目名称",)
TOTAL_LABELS = ("预算数", "年度资金总额", "资金总额", "预算金额", "年度预算数")
FISCAL_LABELS = ("财政资金", "财政拨款")
OTHER_LABELS = ("其他资金",)
FUND_USE_LABELS = ("资金用途", "主要用途", "项目概况", "项目内容")
GOAL_LABELS = ("绩效目标", "年度绩效目标", "年度目标", "项目绩效目标", "年度总体目标", "总体目标")
SCHEDULE_LABELS = ("资金支出计划", "支出计划", "资金支出进度")

GOAL_START_RE = re.compile(r"^\s*(?:目标\s*)?[（(]?(?P<n>\d{1,2})[）)]?\s*[.．、:：]\s*|^\s*[（(](?P<m>\d{1,2})[）)]\s*")


def clean(text: str) -> str:
    """The text an auditor reads: PDF wrap spaces removed, cell paragraphs kept as lines,
    every character kept as written (no full-width folding: evidence is quoted from this)."""
    lines = [values.normalize_text(part, fold=False) for part in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def is_label(cell: str, labels: tuple[str, ...], max_len: int = 14) -> bool:
    s = squash(cell)
    return bool(s) and len(s) <= max_len and any(lab in s for lab in labels)


def is_toc_row(row: Row) -> bool:
    cells = [c for c in row.cells if c.strip()]
    if not cells:
        return False
    if TOC_DOTS_RE.search(cells[0]):  # "一、总体绩效目标.....	3"
        return True
    return len(cells) == 2 and squash(cells[1]).isdigit() and len(squash(cells[0])) < 60


def title_match(row: Row) -> re.Match[str] | None:
    cells = [c for c in row.cells if c.strip()]
    if len(cells) != 1 or is_toc_row(row):
        return None
    text = squash(cells[0]) if len(cells[0]) < 120 else ""
    if not text or text.endswith(("。", "；", "，")):
        return None
    return TITLE_RE.match(text)


# ---------------------------------------------------------------- sections


@dataclass
class _TableSection:
    number: int | None
    title: str
    rows: list[Row] = field(default_factory=list)


def split_sections(rows: list[Row]) -> tuple[list[Row], list[_TableSection]]:
    """Rows before the first table title (Part 1) and one section per table."""
    preamble: list[Row] = []
    sections: list[_TableSection] = []
    for index, row in enumerate(rows):
        match = title_match(row)
        if match and (match.group("num") or _followed_by_table(rows, index)):
            number = int(match.group("num")) if match.group("num") else None
            name = match.group("name") or squash(row.cells[0])
            sections.append(_TableSection(number, name))
            continue
        if sections:
            sections[-1].rows.append(row)
        else:
            preamble.append(row)
    return preamble, sections


def _followed_by_table(rows: list[Row], index: int) -> bool:
    return any(len([c for c in r.cells if c.strip()]) >= 2 for r in rows[index + 1 : index + 8])


# ---------------------------------------------------------------- part 1


def build_narrative(preamble: list[Row]) -> Narrative:
    narrative = Narrative()
    target = narrative.other
    for row in preamble:
        if is_toc_row(row):
            continue
        text = clean(" ".join(c for c in row.cells if c.strip()))
        if not text:
            continue
        flat = squash(text)
        if flat in {squash(h) for h in PART_HEADINGS}:
            continue
        section = _section_of_heading(flat)
        if section:
            target = getattr(narrative, section)
            # "2025年总体绩效目标" or "一、总体绩效目标" is a heading, not content
            continue
        target.append(text)
    narrative.indicators = narrative_indicators(narrative)
    return narrative


def _section_of_heading(flat: str) -> str | None:
    if len(flat) > 24:
        return None
    for section, words in SECTION_KEYWORDS:
        if any(w in flat for w in words):
            return section
    return None


# ---------------------------------------------------------------- project tables


def build_table(section: _TableSection, fallback_number: int) -> ProjectTable:
    table = ProjectTable(
        number=section.number if section.number is not None else fallback_number,
        title=section.title,
        number_printed=section.number is not None,
    )
    if section.number is None:
        table.warnings.append(f"标题“{section.title}”没有编号，按顺序记为表{table.number}")
    rows = [r for r in section.rows if not r.is_blank() and not is_toc_row(r)]
    index = 0
    after_budget = False
    while index < len(rows):
        row = rows[index]
        cells = row.cells
        flat = [squash(c) for c in cells]
        if _is_indicator_header(flat):
            _read_indicators(table, rows[index:])
            break
        consumed = 1
        if _read_unit_row(table, cells):
            pass
        elif any(is_label(c, SCHEDULE_LABELS, 20) for c in cells) or _period_cells(cells) >= 2:
            consumed = _read_schedule(table, rows, index)
        elif any(is_label(c, GOAL_LABELS, 8) for c in cells[:2]) and not table.goals_raw:
            _read_goals(table, cells)
            # further goals may sit in rows of their own under the merged "绩效目标" cell
            while index + consumed < len(rows) and _continues_goals(rows[index + consumed].cells):
                more = "\n".join(c for c in rows[index + consumed].cells if c.strip())
                table.goals_raw = f"{table.goals_raw}\n{more}"
                consumed += 1
            table.goals = split_goals(table.goals_raw)
        else:
            found_label, found_budget = _read_labelled_cells(table, cells)
            if found_budget:
                after_budget = True
            elif found_label:
                pass
            elif after_budget and not table.fund_use:
                _read_fund_use(table, cells)
                after_budget = False
            elif not _read_fund_use_labelled(table, cells):
                text = clean(" ".join(c for c in cells if c.strip()))
                if text:
                    table.warnings.append(f"未识别的表头内容：“{text[:40]}”")
        index += consumed
    _finish_table(table)
    return table


def _read_unit_row(table: ProjectTable, cells: list[str]) -> bool:
    """'215001文安县德归镇人民政府…本级' and/or '单位：元' — in one row (Word), on two lines or
    on one line (PDF)."""
    hit = False
    for cell in cells:
        text = clean(cell)
        if not text:
            continue
        money = MONEY_UNIT_RE.search(text)
        rest = text
        if money and len(squash(text)) - len(squash(money.group(0))) <= 60:
            if len(squash(text)) <= 12 or UNIT_LINE_RE.match(text[: money.start()].strip() or "-"):
                table.money_unit = money.group("unit") or money.group("unit2")
                hit = True
                rest = text[: money.start()].strip()
        unit = UNIT_LINE_RE.match(rest) if rest else None
        if unit and UNIT_NAME_HINT.search(unit.group("name")) and len(rest) < 60 and not table.unit_line:
            table.unit_line = rest
            hit = True
    # a unit row holds nothing else: do not swallow a row that also carries labels
    return hit and not any(is_label(c, CODE_LABELS + TOTAL_LABELS) for c in cells)


def _read_labelled_cells(table: ProjectTable, cells: list[str]) -> tuple[bool, bool]:
    """项目编码/项目名称/预算数/财政资金/其他资金 → the cell right after each label.
    Returns (any label found, a budget label found)."""
    found_label = found_budget = False
    for i, cell in enumerate(cells):
        following = cells[i + 1] if i + 1 < len(cells) else ""
        if is_label(cell, CODE_LABELS):
            table.project_code = squash(clean(following))
            found_label = True
        elif is_label(cell, NAME_LABELS):
            table.project = clean(following)
            found_label = True
        elif is_label(cell, FISCAL_LABELS):
            table.budget.raw_fiscal = following
            table.budget.fiscal = values.parse_amount(following)
            found_budget = True
        elif is_label(cell, OTHER_LABELS):
            table.budget.raw_other = following
            table.budget.other = values.parse_amount(following)
            found_budget = True
        elif is_label(cell, TOTAL_LABELS, 10):
            table.budget.raw_total = following
            table.budget.total = values.parse_amount(following)
            found_budget = True
        if money := MONEY_UNIT_RE.search(clean(cell)):
            if len(squash(cell)) <= 20 and not table.money_unit:
                table.money_unit = money.group("unit") or money.group("unit2")
    return found_label or found_budget, found_budget


def _read_fund_use(table: ProjectTable, cells: list[str]) -> None:
    texts = [clean(c) for c in cells if clean(c)]
    if texts:
        table.fund_use = "\n".join(texts)


def _read_fund_use_labelled(table: ProjectTable, cells: list[str]) -> bool:
    for i, cell in enumerate(cells[:-1]):
        if is_label(cell, FUND_USE_LABELS) and not is_label(cell, TOTAL_LABELS):
            rest = [clean(c) for c in cells[i + 1 :] if clean(c)]
            if rest:
                table.fund_use = "\n".join(rest)
                return True
    return False


def _period_cells(cells: list[str]) -> int:
    return sum(1 for c in cells if values.period_label(c))


def _read_schedule(table: ProjectTable, rows: list[Row], index: int) -> int:
    """Header row of periods, then a row of values aligned by column; a period that wrapped
    onto its own line comes back as a (label, value) row."""
    header = rows[index].cells
    labels = [(i, values.period_label(c)) for i, c in enumerate(header)]
    labels = [(i, p) for i, p in labels if p]
    consumed = 1
    points: list[SchedulePoint] = []
    if index + 1 < len(rows) and not _period_cells(rows[index + 1].cells) and _looks_like_values(rows[index + 1].cells):
        value_cells = rows[index + 1].cells
        consumed = 2
        non_empty_values = [c for c in value_cells[1:] if c.strip()]
        aligned = all(i < len(value_cells) for i, _ in labels)
        for pos, (i, period) in enumerate(labels):
            if aligned:
                raw = value_cells[i].strip()
            else:  # a reader dropped empty cells: pair in order
                raw = non_empty_values[pos].strip() if pos < len(non_empty_values) else ""
            points.append(schedule_point(period, raw))
    else:
        # labels and values alternate in one row: "3月底 | 25% | 6月底 | 50% …"
        for i, period in labels:
            raw = header[i + 1].strip() if i + 1 < len(header) and not values.period_label(header[i + 1]) else ""
            points.append(schedule_point(period, raw))
    # continuation rows: "12 月底 | 100%"
    while index + consumed < len(rows):
        cells = rows[index + consumed].cells
        first = next((c for c in cells if c.strip()), "")
        period = values.period_label(first)
        if not period:
            break
        position = cells.index(first)
        raw = next((c.strip() for c in cells[position + 1 :] if c.strip()), "")
        points.append(schedule_point(period, raw))
        consumed += 1
    table.schedule.extend(points)
    return consumed


def _looks_like_values(cells: list[str]) -> bool:
    non_empty = [c for c in cells if c.strip()]
    return all(values.parse_amount(c) is not None or values.parse_percent(c) is not None for c in non_empty)


def schedule_point(period: str, raw: str) -> SchedulePoint:
    raw = clean(raw)
    point = SchedulePoint(period=period, raw=raw)
    if "%" in raw or "％" in raw:
        point.percent = values.parse_percent(raw)
    else:
        point.amount = values.parse_amount(raw)
    return point


def _read_goals(table: ProjectTable, cells: list[str]) -> None:
    start = next(i for i, c in enumerate(cells) if is_label(c, GOAL_LABELS, 8))
    parts = [c for c in cells[start + 1 :] if c.strip()]
    table.goals_raw = "\n".join(parts)
    table.goals = split_goals(table.goals_raw)


def _continues_goals(cells: list[str]) -> bool:
    """A row with an empty (merged) first cell whose text starts with a goal number."""
    texts = [c for c in cells if c.strip()]
    return bool(cells) and not cells[0].strip() and len(texts) == 1 and bool(GOAL_START_RE.match(texts[0]))


def split_goals(text: str) -> list[str]:
    """'1.xxx\\n2.yyy' → ['xxx', 'yyy']. A number starts a goal only at a line start (or after
    a sentence end) and only when it is the next number, so '1.96万元' inside a goal stays."""
    goals: list[str] = []
    current: list[str] = []
    expected = 1
    pieces: list[str] = []
    for line in text.split("\n"):
        pieces.extend(_split_inline_numbering(line))
    for piece in pieces:
        match = GOAL_START_RE.match(piece)
        number = int(match.group("n") or match.group("m")) if match else None
        if match and number in (expected, 1 if not goals and not current else expected):
            if current:
                goals.append(clean("".join(current)))
            current = [piece[match.end() :]]
            expected = number + 1
        elif piece.strip():
            current.append(piece)
    if current:
        goals.append(clean("".join(current)))
    return [g for g in goals if g]


def _split_inline_numbering(line: str) -> list[str]:
    """'1.甲；2.乙；3.丙' on one line → three pieces (only a strictly increasing run)."""
    pieces, last, expected = [], 0, 2
    for match in re.finditer(r"(?<=[；;。，,\s])[（(]?(\d{1,2})[）)]?\s*[.．、]", line):
        if int(match.group(1)) == expected:
            pieces.append(line[last : match.start()])
            last = match.start()
            expected += 1
    pieces.append(line[last:])
    return [p for p in pieces if p.strip()]


# ---------------------------------------------------------------- indicator grid


def _is_indicator_header(flat: list[str]) -> bool:
    return "一级指标" in flat and ("二级指标" in flat or "三级指标" in flat)


def _column_map(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        flat = squash(cell)
        for key, names in LEVEL_HEADER.items():
            if key in columns:
                continue
            if flat in names or (key in ("description", "basis") and any(n in flat for n in names[:2])):
                columns[key] = i
                break
    if "value" not in columns:  # "指标值" may be the only header naming a value
        for i, cell in enumerate(header):
            if squash(cell).startswith("指标值") and i not in columns.values():
                columns["value"] = i
                break
    return columns


def _read_indicators(table: ProjectTable, rows: list[Row]) -> None:
    header = rows[0].cells
    while header and not header[-1].strip():
        header = header[:-1]
    columns = _column_map(header)
    missing = [k for k in DEFAULT_COLUMNS if k not in columns]
    if missing:
        names = "、".join(LEVEL_HEADER[k][0] for k in missing)
        table.warnings.append(f"指标表缺少列：{names}")
    width = len(header)
    flat_header = [squash(c) for c in header]
    pieces = [r for r in rows[1:] if not (r.paragraph and not r.cells[0].strip())]
    grid: list[list[str]] = []
    i = 0
    while i < len(pieces):
        row = pieces[i]
        cells = list(row.cells)
        if [squash(c) for c in cells[:width]] == flat_header:  # header repeated after a page break
            i += 1
            continue
        if row.paragraph and row.outside_table:
            i += 1  # prose after the table (a note, the next part): not part of any row
            continue
        if row.paragraph and grid:
            # a line without cells inside the grid: text that wrapped out of the last row
            last_cells = grid[-1]
            target = max(j for j, c in enumerate(last_cells) if c.strip()) if any(c.strip() for c in last_cells) else 0
            last_cells[target] = f"{last_cells[target]}\n{cells[0]}"
            i += 1
            continue
        # Word text: a blank paragraph inside a cell splits one row into pieces; re-join them
        while len(cells) < width and row.fragment and i + 1 < len(pieces) and pieces[i + 1].fragment:
            nxt = pieces[i + 1].cells
            if len(cells) + len(nxt) > width:
                break
            cells = cells + nxt
            i += 1
        grid.append(cells)
        i += 1

    level1 = level2 = ""
    number = 0
    for cells in grid:
        if len(cells) > width:
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                table.warnings.append(f"第{number + 1}行多出{len(extra)}个单元格，已并入最后一列")
                cells = cells[: width - 1] + ["\n".join([cells[width - 1], *extra])]
            else:
                cells = cells[:width]
        given = len(cells)
        cells = cells + [""] * (width - given)
        raw = {key: cells[columns[key]] if key in columns else "" for key in DEFAULT_COLUMNS}
        text = {key: clean(value) for key, value in raw.items()}
        if not any(text.values()):
            continue
        if text["level1"]:
            if text["level1"] != level1:
                level2 = ""
            level1 = text["level1"]
        if text["level2"]:
            level2 = text["level2"]
        if not any(text[k] for k in ("level3", "description", "value", "basis")):
            continue  # a group label row with nothing to measure
        number += 1
        indicator = Indicator(
            row=number,
            level1=level1,
            level2=level2,
            level3=text["level3"],
            description=text["description"],
            value=text["value"],
            basis=text["basis"],
            raw=raw,
            incomplete=given < width,
        )
        indicator.parsed = values.parse_value(indicator.value)
        if given < width:
            table.warnings.append(f"第{number}行只有{given}个单元格（应为{width}个），缺少的列按空白处理")
        table.indicators.append(indicator)


def _finish_table(table: ProjectTable) -> None:
    if not table.project:
        table.project = table.title
        table.warnings.append("未找到“项目名称”，以标题代替")
    if not table.money_unit:
        table.warnings.append("未注明金额单位（元/万元）")
    if table.budget.total is None:
        table.warnings.append("未找到预算数")
    if not table.indicators:
        table.warnings.append("未找到绩效指标")


# ---------------------------------------------------------------- flat exports
# Budget-system exports list every indicator of every project on one sheet: one row per
# indicator, the project's name, budget and goal merged down its rows, and the value often
# split into comparator | number | unit columns.

FLAT_COLUMNS = {
    "unit": ("单位名称", "预算单位", "实施单位"),
    "project": ("项目名称",),
    "code": CODE_LABELS,
    "budget": ("预算数", "年度资金总额", "资金总额", "预算金额", "金额"),
    "goal": ("年度目标", "绩效目标", "年度绩效目标", "总体目标"),
    "comparator": ("指标性质", "符号", "计算符号", "指标值符号"),
    "measure": ("度量单位", "计量单位", "单位"),
}


def _find_flat_header(rows: list[Row]) -> int | None:
    for index, row in enumerate(rows):
        flat = [squash(c) for c in row.cells]
        if _is_indicator_header(flat) and "项目名称" in flat:
            return index
    return None


def _money_unit_in(rows: list[Row]) -> str:
    for row in rows:
        for cell in row.cells:
            if money := MONEY_UNIT_RE.search(squash(cell)):
                return money.group("unit") or money.group("unit2")
    return ""


def build_flat_tables(rows: list[Row], money_unit: str) -> list[ProjectTable]:
    header = [squash(c) for c in rows[0].cells]
    columns = _column_map(rows[0].cells)
    for key, names in FLAT_COLUMNS.items():
        for i, cell in enumerate(header):
            if cell in names and i not in columns.values():
                columns[key] = i
                break
    tables: list[ProjectTable] = []
    current: dict[str, str] = {}
    level1 = level2 = ""

    def cell(cells: list[str], key: str) -> str:
        i = columns.get(key)
        return clean(cells[i]) if i is not None and i < len(cells) else ""

    for row in rows[1:]:
        cells = row.cells
        project = cell(cells, "project")
        if project and project != current.get("project"):
            current = {key: cell(cells, key) for key in ("project", "code", "budget", "goal", "unit")}
            table = ProjectTable(number=len(tables) + 1, title=project, project=project, number_printed=False)
            table.project_code = squash(current["code"])
            table.money_unit = money_unit
            table.budget.raw_total = current["budget"]
            table.budget.total = values.parse_amount(current["budget"])
            table.goals_raw = current["goal"]
            table.goals = split_goals(current["goal"]) if current["goal"] else []
            table.unit_line = current["unit"] if UNIT_LINE_RE.match(current["unit"] or "") else ""
            tables.append(table)
            level1 = level2 = ""
        if not tables or not cell(cells, "level3"):
            continue  # a department subtotal or a blank line
        level1 = cell(cells, "level1") or level1
        level2 = cell(cells, "level2") or level2
        value = cell(cells, "value")
        comparator, measure = cell(cells, "comparator"), cell(cells, "measure")
        if comparator in ("≥", "≤", "=", ">", "<", "＞", "＜", "＝", ">=", "<=") and not value.startswith(comparator):
            value = comparator + value
        if measure and value and not value.endswith(measure):
            value += measure
        table = tables[-1]
        indicator = Indicator(
            row=len(table.indicators) + 1, level1=level1, level2=level2, level3=cell(cells, "level3"),
            description=cell(cells, "description"), value=value, basis=cell(cells, "basis"),
            raw={key: cells[i] if i < len(cells) else "" for key, i in columns.items()},
        )
        indicator.parsed = values.parse_value(value)
        table.indicators.append(indicator)
    for table in tables:
        table.warnings.append("预算系统导出的清单格式：表号按项目顺序编排，没有资金支出计划")
        _finish_table(table)
    return tables


# ---------------------------------------------------------------- submission


def build_submission(rows: list[Row], source: str, fmt: str) -> Submission:
    submission = Submission(source=source, format=fmt)
    flat_at = _find_flat_header(rows)
    if flat_at is not None:
        preamble = rows[:flat_at]
        submission.tables = build_flat_tables(rows[flat_at:], _money_unit_in(rows[: flat_at + 1]))
        submission.part1 = build_narrative(preamble)
    else:
        preamble, sections = split_sections(rows)
        submission.part1 = build_narrative(preamble)
        previous = 0
        for section in sections:
            table = build_table(section, previous + 1)
            previous = table.number
            submission.tables.append(table)
    _find_unit(submission, preamble)
    _find_year(submission, preamble)
    if not submission.tables:
        submission.warnings.append("未找到任何项目绩效目标表")
    _flag_truncation(submission, rows)
    return submission


def _find_unit(submission: Submission, preamble: list[Row]) -> None:
    lines = Counter(t.unit_line for t in submission.tables if t.unit_line)
    if lines:
        line = lines.most_common(1)[0][0]
        match = UNIT_LINE_RE.match(line)
        submission.unit_code = match.group("code")
        name = match.group("name")
        submission.unit_name = re.sub(r"\s*(?:[（(]本级[）)]|本级)$", "", name)
        return
    for row in preamble[:40]:
        text = squash(clean(" ".join(row.cells)))
        match = re.match(r"^(?P<name>\S{2,30}?)(?:20\d\d年)?(?:度)?部门(?:整体)?预算绩效", text)
        if match:
            submission.unit_name = match.group("name")
            return
        if 4 <= len(text) <= 30 and re.search(r"(人民政府|局|委员会|中心)$", text):
            submission.unit_name = text
            return
    submission.warnings.append("未找到单位名称")


def _find_year(submission: Submission, preamble: list[Row]) -> None:
    # 1. the document's own title or a dated Part 1 heading ("2025年总体绩效目标")
    for row in preamble[:60]:
        text = squash(clean(" ".join(row.cells)))
        if len(text) <= 40:
            match = re.search(r"(20\d\d)年度?(?:部门(?:整体)?预算|预算|总体绩效目标|部门整体绩效目标|绩效目标)", text) or (
                "绩效目标" in text and re.search(r"[（(](20\d\d)年度?[）)]", text))
            if match:
                submission.year, submission.year_source = int(match.group(1)), f"标题“{text}”"
                break
    # 2. project codes: the budget system puts the year after the six-digit region code
    code_years = Counter()
    for table in submission.tables:
        match = re.match(r"^\d{6}(\d{2})[0-9A-Z]", table.project_code)
        if match:
            code_years[2000 + int(match.group(1))] += 1
    if code_years:
        year, count = code_years.most_common(1)[0]
        plausible = 2010 <= year <= 2040 and count >= max(1, len(submission.tables) // 2)
        if submission.year is None and plausible:
            submission.year, submission.year_source = year, f"项目编码（{count}个表）"
        elif plausible and year != submission.year:
            submission.warnings.append(f"项目编码显示{year}年，与标题的{submission.year}年不一致")
    # 3. Part 1 prose: "2022年，我镇将……"
    if submission.year is None:
        for paragraph in submission.part1.all_paragraphs:
            match = re.match(r"^\s*(20\d\d)\s*年[，,]", paragraph)
            if match:
                submission.year, submission.year_source = int(match.group(1)), "第一部分"
                break
    if submission.year is None:
        submission.warnings.append("未能确定预算年度")


def _flag_truncation(submission: Submission, rows: list[Row]) -> None:
    """A document whose very last row is incomplete was cut off (seed 003 stops mid-row)."""
    if submission.tables and submission.tables[-1].indicators and submission.tables[-1].indicators[-1].incomplete:
        last = submission.tables[-1]
        submission.warnings.append(
            f"文件在表{last.number}第{last.indicators[-1].row}行中途结束（可能被截断），已解析到截断处"
        )
