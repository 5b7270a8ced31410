"""`auditor explain CODE` as plain text: the rule's document, then each bad and good case drawn
as a small table snippet with the findings the check produces on it.

`render_explain(explanation)` is pure (it only formats what `api.explain_rule` computed).
"""
from __future__ import annotations

import unicodedata
from typing import Any

import yaml

from ..schema import Finding, ProjectTable, Submission
from ..taxonomy import SEVERITY_NAMES
from .common import FIELD_NAMES, HEADER_NAMES, category_label, goal_index, header_cell

WIDTH = 88
MAX_ROWS = 8  # a longer case grid shows the flagged rows and elides the rest
KIND_NAMES = {"bad": "反例（应报出问题）", "good": "正例（不应报出问题）"}


_NO_LINE_START = set("，。、；：？！）》」』”’%％,.;:?!)")


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_.-%")


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _paragraphs(text: str) -> list[str]:
    """Hard-wrapped YAML prose → paragraphs (a blank line separates them). Lines are joined
    without a space between Chinese characters, with one between Latin words."""
    paragraphs: list[str] = []
    current = ""
    for line in str(text).strip().splitlines():
        line = line.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and (current[-1].isascii() and current[-1].isalnum()) and (line[0].isascii() and line[0].isalnum()):
            current += " "
        current += line
    if current:
        paragraphs.append(current)
    return paragraphs


def _wrap(text: str, indent: str, width: int = WIDTH) -> list[str]:
    """Wrap by display width (a Chinese character is two columns), never starting a line
    with closing punctuation."""
    lines = []
    room = max(20, width - len(indent))
    for paragraph in _paragraphs(text) or [""]:
        line, used = "", 0
        for ch in paragraph:
            w = _width(ch)
            if used + w > room and line and ch not in _NO_LINE_START:
                carry = ""
                if _is_word(ch):  # keep a run of Latin letters/digits ("101号", "GOAL_DUP") whole
                    run = len(line) - len(line.rstrip("".join(c for c in line if _is_word(c))))
                    if 0 < run < len(line):
                        line, carry = line[:-run], line[-run:]
                lines.append(indent + line.rstrip())
                line = carry + ("" if ch == " " else ch)
                used = sum(_width(c) for c in line)
                continue
            line += ch
            used += w
        lines.append((indent + line.rstrip()).rstrip() or indent.rstrip())
    return lines


def _marker(numbers: list[int]) -> str:
    return ("   ◀ " + " ".join(f"[{n}]" for n in numbers)) if numbers else ""


def _money(table: ProjectTable) -> str:
    budget = table.budget
    text = budget.raw_total or ("" if budget.total is None else f"{budget.total:g}")
    parts = [f"预算数 {text} {table.money_unit}".rstrip()]
    if budget.raw_fiscal and budget.raw_fiscal != budget.raw_total:
        parts.append(f"其中财政资金 {budget.raw_fiscal}")
    if budget.raw_other:
        parts.append(f"其他资金 {budget.raw_other}")
    return "，".join(parts)


def _table_lines(table: ProjectTable, findings: list[tuple[int, Finding]], indent: str) -> list[str]:
    mine = [(n, f) for n, f in findings if f.table == table.number]
    on_header = {n for n, f in mine if f.row is None and f.field not in ("goal", "schedule")
                 and header_cell(table, "".join(f.evidence.split())) in ("project-code", "project-name")}
    lines = [f"{indent}表{table.number}  {table.project or table.title}"
             + (f"（{table.project_code}）" if table.project_code else "") + _marker(sorted(on_header))]
    mine = [(n, f) for n, f in mine if n not in on_header]
    inner = indent + "  "
    budget_marks = [n for n, f in mine if f.field == "budget"]
    if table.budget.total is not None or table.budget.raw_total:
        lines.append(f"{inner}{_money(table)}{_marker(budget_marks)}")
    if table.fund_use:
        lines += _wrap(f"资金用途：{table.fund_use}", inner)
    if table.schedule:
        schedule = " · ".join(f"{p.period} {p.raw or '（空）'}" for p in table.schedule)
        lines.append(f"{inner}资金支出计划：{schedule}{_marker([n for n, f in mine if f.field == 'schedule'])}")
    goal_marks: dict[int | None, list[int]] = {}
    for n, f in mine:
        if f.field == "goal":
            goal_marks.setdefault(goal_index(table, f), []).append(n)
    if table.goals:
        lines.append(f"{inner}绩效目标：{_marker(goal_marks.get(None, []))}".rstrip())
        for index, goal in enumerate(table.goals):
            lines.append(f"{inner}  {index + 1}.{goal}{_marker(goal_marks.get(index, []))}")
    if table.indicators:
        row_marks: dict[int, list[int]] = {}
        for n, f in mine:
            if f.row is not None:
                row_marks.setdefault(f.row, []).append(n)
        table_marks = [n for n, f in mine if f.row is None and f.field in ("indicator", "value", "description", "basis")]
        lines.append(f"{inner}指标：{_marker(table_marks)}".rstrip())
        rows = table.indicators
        shown = rows if len(rows) <= MAX_ROWS else [i for i in rows if i.row in row_marks] or rows[:MAX_ROWS]
        previous = 0
        for indicator in shown:
            if indicator.row - previous > 1 and shown is not rows:
                lines.append(f"{inner}  …（省略 {indicator.row - previous - 1} 行）")
            previous = indicator.row
            lines.append(f"{inner}  行{indicator.row}  {indicator.level1} / {indicator.level2} / {indicator.level3}"
                         f"{_marker(row_marks.get(indicator.row, []))}")
            detail = f"描述：{indicator.description or '（空）'}｜指标值：{indicator.value or '（空）'}｜依据：{indicator.basis or '（空）'}"
            lines += _wrap(detail, inner + "        ")
        if shown is not rows and previous < rows[-1].row:
            lines.append(f"{inner}  …（省略 {rows[-1].row - previous} 行）")
    return lines


def _submission_lines(submission: Submission, findings: list[tuple[int, Finding]], case: dict[str, Any], indent: str) -> list[str]:
    lines = []
    if "submission" in case:
        spec = case.get("submission") or {}
        head = [f"单位：{submission.unit_name}"] if "unit_name" in spec else []
        if "year" in spec:
            head.append(f"预算年度：{submission.year}")
        if head:
            lines.append(indent + "　".join(head))
        part1_marks = [n for n, f in findings if f.table == 0]
        sections = (("总体绩效目标", submission.part1.overall), ("分项绩效目标", submission.part1.sub_goals),
                    ("工作保障措施", submission.part1.measures))
        if any(paragraphs for _, paragraphs in sections):
            lines.append(f"{indent}第一部分{_marker(part1_marks)}")
            for title, paragraphs in sections:
                for paragraph in paragraphs:
                    lines += _wrap(f"{title}：{paragraph}", indent + "  ")
    for table in submission.tables:
        lines += _table_lines(table, findings, indent)
    return lines


def _finding_lines(number: int, finding: Finding, indent: str, table: ProjectTable | None = None) -> list[str]:
    if finding.table == 0:
        where = "第一部分"
    else:
        where = f"表{finding.table}" + (f" 第{finding.row}行" if finding.row is not None else "")
        header = None
        if table is not None and finding.row is None and finding.field not in ("goal", "schedule"):
            header = header_cell(table, "".join(finding.evidence.split()))
        where += f" {HEADER_NAMES[header] if header else FIELD_NAMES.get(finding.field, finding.field)}"
    severity = SEVERITY_NAMES.get(finding.severity, finding.severity)
    lines = [f"{indent}[{number}] {severity} · {where} · {finding.rule}"
             + (f" · 置信度 {finding.confidence:.2f}" if finding.confidence < 1 else "")]
    lines += _wrap(f"原文：{finding.evidence}", indent + "    ")
    lines += _wrap(finding.message, indent + "    ")
    lines += _wrap(f"整改建议：{finding.suggestion}", indent + "    ")
    return lines


def render_explain(explanation: Any) -> str:
    """The text `auditor explain` prints (explanation: `api.Explanation`)."""
    rule = explanation.rule
    severity = SEVERITY_NAMES.get(rule.severity, rule.severity)
    out = [
        f"{rule.code}  {rule.title}",
        "=" * min(WIDTH, sum(_width(c) for c in f"{rule.code}  {rule.title}")),
        f"问题类别：{category_label(rule.category)}",
        f"默认严重程度：{severity}（{rule.severity}）    分组：{rule.group}",
    ]
    if not explanation.implemented:
        out.append("注意：这条规则还没有对应的检查模块，审核时不会运行。")
    out += ["", "为什么重要", *_wrap(rule.why, "  "), "", "如何整改", *_wrap(rule.fix, "  ")]
    if rule.options:
        out += ["", "选项（可在配置 [tool.auditor.options." + rule.code + "] 中修改）"]
        dumped = yaml.safe_dump(rule.options, allow_unicode=True, sort_keys=False, width=WIDTH).rstrip()
        out += ["  " + line for line in dumped.splitlines()]
    bad = [c for c in explanation.cases if c.kind == "bad"]
    good = [c for c in explanation.cases if c.kind == "good"]
    for title, cases in (("反例", bad), ("正例", good)):
        if not cases:
            continue
        out += ["", f"{title}（{len(cases)}）", "-" * 8]
        for case in cases:
            out += _case_lines(case)
    others = [c for c in explanation.cases if c.kind not in ("bad", "good")]
    for case in others:
        out += _case_lines(case)
    return "\n".join(out) + "\n"


def _case_lines(case: Any) -> list[str]:
    numbered = list(enumerate(case.findings, start=1))
    kind = KIND_NAMES.get(case.kind, case.kind or "示例")
    lines = ["", f"示例 {case.number} · {kind}：{case.name}".rstrip("：")]
    lines += _submission_lines(case.submission, numbered, case.case, "  ")
    for error in case.errors:
        lines += _wrap(f"检查出错：{error}", "  ")
    if numbered:
        lines.append("  检查结果：")
        for number, finding in numbered:
            table = next((t for t in case.submission.tables if t.number == finding.table), None)
            lines += _finding_lines(number, finding, "    ", table)
    elif case.kind == "bad":
        lines.append("  检查结果：未报出问题（这个反例没有被检查发现，请报告给维护者）")
    else:
        lines.append("  检查结果：未发现问题 ✓")
    return lines
