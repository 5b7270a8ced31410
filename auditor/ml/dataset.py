"""Labelled indicator rows: the CSV files in `corpus/labels/` joined to freshly parsed submissions.

A label file holds one row per indicator, keyed by (submission, table, row) with the row's cell text
copied beside the labels. The copy is what makes the join safe: when the parser or a seed changes,
a label whose text no longer matches its row is reported instead of being trained on silently.

Part 1 statements (GUIDE.md §6) are rows of table 0, joined like grid rows. One that names no 二级
and whose category cannot be told may leave `category` empty: it is a specificity example only.

Cell-only rows (GUIDE.md §5): a label file may add an `origin` column. A row of such a file whose
submission has no parsed document is built from its own cells, the way ingest builds a parsed row,
and `origin` says where the cells were copied from. Those rows are validated strictly instead.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..domain import LEVEL2_NAMES, LEVEL2_ORDER
from ..schema import Indicator, Submission

# The nine 二级 categories (RULEBOOK 1) in their canonical spelling and the grid's order; labels
# use these names (domain.py owns both the names and the order).
CATEGORIES = tuple(LEVEL2_NAMES[key] for key in LEVEL2_ORDER)
SPECIFICITY_LEVELS = (0, 1, 2)  # 0 unassessable, 1 partly, 2 measurable and specific (GUIDE.md)

TEXT_COLUMNS = ("project", "level1", "level2", "level3", "description", "value", "basis")
LABEL_COLUMNS = ("specificity", "category", "note")
CSV_COLUMNS = ("submission", "table", "row", *TEXT_COLUMNS, *LABEL_COLUMNS)
# optional last column: the source (URL) of a row labelled from its cells alone
ORIGIN_COLUMN = "origin"
# how a labelled row got its indicator: joined to a parsed corpus document's grid, built from its
# cells, or joined to a statement in a parsed document's Part 1 prose (table 0)
SOURCE_KINDS = ("grid", "cell_only", "part1")
PART1_TABLE = 0  # DESIGN.md: table 0 is Part 1
PART1_PROJECT = "部门整体绩效目标"  # the `project` cell of a Part 1 statement's label


@dataclass(frozen=True)
class LabelledRow:
    """One indicator with its labels and the context a model may use (never the labels' note)."""

    submission: str
    table: int
    indicator: Indicator
    project: str
    fund_use: str
    specificity: int
    category: str | None  # None: a Part 1 statement whose category cannot be told (GUIDE.md §6)
    origin: str = ""  # cell-only rows: where the cells were copied from; "" for joined rows

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.submission, self.table, self.indicator.row)

    @property
    def source_kind(self) -> str:
        if self.origin:
            return SOURCE_KINDS[1]
        return SOURCE_KINDS[2] if self.table == PART1_TABLE else SOURCE_KINDS[0]


class LabelError(ValueError):
    """A label file that cannot be used as it stands; the message names the file and line."""


def submission_id(source: str | Path) -> str:
    """Submissions are keyed by file stem ("000_6ab5f2bce6e16cff"), stable across checkouts."""
    return Path(source).stem


def indicator_groups(submission: Submission) -> list[tuple[int, str, str, list[Indicator]]]:
    """(table number, project, 资金用途, indicators) for Part 1's statements (table 0) and then
    each table: every indicator a label may name."""
    part1 = [(PART1_TABLE, PART1_PROJECT, "", submission.part1.indicators)] if submission.part1.indicators else []
    return part1 + [(t.number, t.project, t.fund_use, t.indicators) for t in submission.tables]


def skeleton_rows(submission: Submission) -> list[dict[str, str]]:
    """The unlabelled CSV rows for one parsed submission: Part 1 statements, then table and row order."""
    sid = submission_id(submission.source)
    out = []
    for number, project, _, indicators in indicator_groups(submission):
        for ind in indicators:
            out.append(
                {
                    "submission": sid,
                    "table": str(number),
                    "row": str(ind.row),
                    "project": project,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "level3": ind.level3,
                    "description": ind.description,
                    "value": ind.value,
                    "basis": ind.basis,
                    "specificity": "",
                    "category": "",
                    "note": "",
                }
            )
    return out


def write_label_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = CSV_COLUMNS) -> None:
    """Write label rows; cell-only files pass (*CSV_COLUMNS, ORIGIN_COLUMN)."""
    from ..io_utils import atomic_file

    with atomic_file(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_label_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise LabelError(f"{path.name}：缺少列 {', '.join(missing)}")
        return list(reader)


def _check_label(path: Path, line: int, rec: dict[str, str], category_optional: bool = False) -> tuple[int, str | None]:
    """(specificity, category); an empty category is None where `category_optional` allows it."""
    try:
        spec = int(rec["specificity"])
    except ValueError:
        raise LabelError(f"{path.name} 第{line}行：specificity 应为 0/1/2，实为“{rec['specificity']}”") from None
    if spec not in SPECIFICITY_LEVELS:
        raise LabelError(f"{path.name} 第{line}行：specificity 应为 0/1/2，实为“{spec}”")
    cat = rec["category"].strip()
    if not cat and category_optional:
        return spec, None
    if cat not in CATEGORIES:
        raise LabelError(f"{path.name} 第{line}行：category “{cat}” 不是九个二级指标之一")
    return spec, cat


def _label_key(path: Path, line: int, rec: dict[str, str]) -> tuple[str, int, int]:
    try:
        return (rec["submission"], int(rec["table"]), int(rec["row"]))
    except (TypeError, ValueError):
        raise LabelError(f"{path.name} 第{line}行：table/row 应为整数") from None


def _cell_only_row(path: Path, line: int, rec: dict[str, str]) -> LabelledRow:
    """A labelled row built from its CSV cells alone (no parsed document to join to): the cells
    are cleaned and the 指标值 parsed exactly as ingest does for a parsed row."""
    from ..ingest.layout import clean
    from ..values import parse_value

    where = f"{path.name} 第{line}行"
    if None in rec or None in rec.values():
        raise LabelError(f"{where}：单元格个数与表头不一致")
    submission, table, row = _label_key(path, line, rec)
    if not submission.strip() or table < 1 or row < 1:
        raise LabelError(f"{where}：submission 不能为空，table/row 应为正整数")
    origin = (rec.get(ORIGIN_COLUMN) or "").strip()
    if not origin:
        raise LabelError(f"{where}：{submission} 在语料中没有对应材料，origin 列须注明来源")
    cells = {column: clean(rec[column]) for column in TEXT_COLUMNS}
    if not cells["level3"]:
        raise LabelError(f"{where}：三级指标（level3）为空")
    spec, cat = _check_label(path, line, rec)
    indicator = Indicator(row=row, **{c: cells[c] for c in TEXT_COLUMNS[1:]}, raw={c: rec[c] for c in TEXT_COLUMNS[1:]})
    indicator.parsed = parse_value(indicator.value)
    return LabelledRow(submission=submission, table=table, indicator=indicator, project=cells["project"],
                       fund_use="", specificity=spec, category=cat, origin=origin)


def join_labels(
    submissions: list[Submission], label_dir: Path
) -> tuple[list[LabelledRow], list[str]]:
    """Labelled rows for every label whose key and text match a parsed indicator, and for every
    cell-only row (a file with an `origin` column, a submission without a parsed document).

    Returns (rows, problems); a problem is a label that could not be joined (unknown key, or the
    row's text changed since labelling). Rows without a label are simply absent. Raises LabelError
    for a label that is wrong in itself (bad key or label, duplicate key, bad cell-only row).
    """
    by_key: dict[tuple[str, int, int], tuple[str, str, Indicator]] = {}
    documents = {submission_id(sub.source) for sub in submissions}
    for sub in submissions:
        sid = submission_id(sub.source)
        for number, project, fund_use, indicators in indicator_groups(sub):
            for ind in indicators:
                by_key[(sid, number, ind.row)] = (project, fund_use, ind)
    rows: list[LabelledRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, int, int], str] = {}
    for path in sorted(label_dir.glob("*.csv")):
        for line, rec in enumerate(read_label_csv(path), start=2):
            key = _label_key(path, line, rec)
            if key in seen:
                raise LabelError(f"{path.name} 第{line}行：{key[0]} 表{key[1]} 第{key[2]}行重复标注（{seen[key]}已有）")
            seen[key] = f"{path.name} 第{line}行"
            if ORIGIN_COLUMN in rec and key[0] not in documents:
                rows.append(_cell_only_row(path, line, rec))
                continue
            if key not in by_key:
                problems.append(f"{path.name} 第{line}行：找不到 {key[0]} 表{key[1]} 第{key[2]}行")
                continue
            project, fund_use, ind = by_key[key]
            changed = [c for c in TEXT_COLUMNS[1:] if (rec.get(c) or "") != getattr(ind, c)]
            if changed:
                problems.append(
                    f"{path.name} 第{line}行：表{key[1]} 第{key[2]}行文字已变（{'、'.join(changed)}；"
                    f"标注时“{rec['level3']}｜{rec['value']}”，现为“{ind.level3}｜{ind.value}”）"
                )
                continue
            # a Part 1 statement that names no 二级 has no declared category to fall back on (§6)
            spec, cat = _check_label(path, line, rec, category_optional=key[1] == PART1_TABLE and not ind.level2)
            rows.append(
                LabelledRow(
                    submission=key[0],
                    table=key[1],
                    indicator=ind,
                    project=project,
                    fund_use=fund_use,
                    specificity=spec,
                    category=cat,
                )
            )
    rows.sort(key=lambda r: r.key)
    return rows, problems


def label_data_hash(label_dir: Path) -> str:
    """sha256 over the label files (names and bytes) — recorded in the model card."""
    digest = hashlib.sha256()
    for path in sorted(label_dir.glob("*.csv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
