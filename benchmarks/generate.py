"""Deterministic synthetic corpus for benchmarks (issue 4).

Builds any number of submissions by recombining and perturbing the REAL rows of the bundled
seeds (corpus/NNN_*.txt, parsed with the project's own reader) across invented units:
township and county names, unit codes and budget years. Each file is written in the
Word-text layout of seeds 000–003 (one cell per tab-led line, a blank line ends a row), so the
real reader parses it. Copy-paste across units happens the way it does in reality: the same
seed table turns up in many units, with its rows shuffled, dropped or duplicated, small
character edits, swapped numbers, a rescaled budget, and sometimes the source township's name
left in.

    python benchmarks/generate.py --count 1000 --out /tmp/gen --seed 7

Same seed (and same seed files) → byte-identical output. Every file gets its own
`random.Random(f"{seed}:{index}")`, so file i does not depend on how many files are generated.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from auditor.ingest import read_submission  # noqa: E402
from auditor.ingest.layout import PART_HEADINGS, TITLE_RE  # noqa: E402

SEED_NAME_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")  # the bundled seeds, nothing else
TOWNSHIP_RE = re.compile(r"([\u4e00-\u9fff]{2,3}?[镇乡])")
COUNTY_RE = re.compile(r"([\u4e00-\u9fff]{2}县)")
YEAR_RE = re.compile(r"20[12]\d(?=年)")
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")

# invented place names: two characters each, picked by index so names stay distinct
NAME_CHARS = ("安宁平和丰泰兴隆永清东西南北新华广阳明德福寿长乐金石青云白河柳林桃花"
              "马桥王庄李村高庙沙河龙泉凤山红旗朝阳大营小屯双井三合柏树杨家官厅")
SUFFIXES = ("镇", "乡")
YEARS = (2021, 2022, 2023, 2024, 2025)
LEVEL1_ORDER = {"产出指标": 0, "效益指标": 1, "满意度指标": 2}
FILLERS = "的和及等了各项全"


@dataclass
class SeedTable:
    project: str
    money_unit: str
    budget: float | None
    fiscal: float | None
    fund_use: str
    schedule: list[tuple[str, str]]
    goals: list[str]
    rows: list[tuple[str, str, str, str, str, str]]  # level1..basis
    township: str  # the seed unit's township, to be replaced (or not)
    county: str


@dataclass
class Seeds:
    tables: list[SeedTable] = field(default_factory=list)
    overall: list[str] = field(default_factory=list)
    sub_goals: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)


@dataclass
class Generated:
    name: str
    text: str
    unit_name: str
    unit_code: str
    year: int
    rows_per_table: list[int]


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", "；", text.replace("\t", " ")).strip()


def _usable_paragraph(text: str) -> bool:
    flat = re.sub(r"\s+", "", text)
    return (len(flat) >= 8 and not TITLE_RE.match(text) and flat not in PART_HEADINGS
            and not flat.startswith(("第一部分", "第二部分", "[bookmark")) and len(flat) > 24)


def load_seeds(folder: Path = REPO / "corpus") -> Seeds:
    seeds = Seeds()
    for path in sorted(p for p in folder.iterdir() if SEED_NAME_RE.match(p.name)):
        submission = read_submission(path)
        township = (TOWNSHIP_RE.findall(submission.unit_name.split("县")[-1]) or [""])[0]
        county = (COUNTY_RE.findall(submission.unit_name) or [""])[0]
        if township:
            seeds.townships.append(township)
        if county:
            seeds.counties.append(county)
        for table in submission.tables:
            rows = [(i.level1, i.level2, i.level3, i.description, i.value, i.basis)
                    for i in table.indicators if not i.incomplete and i.level1 in LEVEL1_ORDER]
            if len(rows) < 3 or table.money_unit not in ("元", "万元") or not table.project:
                continue
            rows = [tuple(_one_line(c) for c in row) for row in rows]
            seeds.tables.append(SeedTable(
                project=_one_line(table.project), money_unit=table.money_unit,
                budget=table.budget.total, fiscal=table.budget.fiscal, fund_use=_one_line(table.fund_use),
                schedule=[(p.period, p.raw.strip()) for p in table.schedule],
                goals=[_one_line(g) for g in table.goals if g.strip()], rows=rows,
                township=township, county=county))
        for attr in ("overall", "sub_goals", "measures"):
            getattr(seeds, attr).extend(_one_line(p) for p in getattr(submission.part1, attr)
                                        if _usable_paragraph(_one_line(p)))
    return seeds


# ---------------------------------------------------------------- invented units


def _place(index: int, salt: int) -> str:
    n = len(NAME_CHARS)
    k = (index * 7919 + salt * 104729) % (n * n)
    return NAME_CHARS[k // n] + NAME_CHARS[k % n]


def unit_for(unit: int, seed: int) -> tuple[str, str, str, str]:
    """(county, township, unit name, 6-digit unit code) of invented unit number `unit`."""
    county = _place(unit // 40 + seed, 1) + "县"
    township = _place(unit, 2 + seed) + SUFFIXES[(unit + seed) % 2]
    code = f"{(unit * 37 + seed) % 900 + 100:03d}{unit % 1000:03d}"
    return county, township, f"{county}{township}人民政府", code


# ---------------------------------------------------------------- perturbations


def _edit_chars(text: str, rng: Random) -> str:
    if len(text) < 4:
        return text
    at = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.35:
        return text[:at] + text[at + 1:]  # drop a character
    if kind < 0.7:
        return text[:at] + rng.choice(FILLERS) + text[at:]  # insert a filler
    return text[:at - 1] + text[at] + text[at - 1] + text[at + 1:]  # swap neighbours


def _swap_number(text: str, rng: Random) -> str:
    numbers = list(NUMBER_RE.finditer(text))
    if not numbers:
        return text
    match = rng.choice(numbers)
    old = match.group()
    if "." in old:
        new = f"{float(old) * rng.choice((0.5, 0.8, 1.2, 2.0)):.2f}"
    else:
        value = int(old)
        if 50 <= value <= 100:
            new = str(rng.choice((80, 85, 90, 95, 98, 100)))
        elif value >= 2000:  # years and amounts
            new = str(value + rng.choice((-1, 1))) if value < 2100 else str(int(value * rng.choice((0.5, 1.5, 2))))
        else:
            new = str(max(1, value + rng.randint(-3, 5)))
    return text[:match.start()] + new + text[match.end():]


def _localise(text: str, table: SeedTable, township: str, county: str, year: int, keep_name: bool) -> str:
    if table.township and not keep_name:
        text = text.replace(table.township, township)
    if table.county:
        text = text.replace(table.county, county)
    return YEAR_RE.sub(str(year), text)


def _amount(value: float, money_unit: str) -> str:
    return f"{value:.2f}"


def _perturb_rows(rows: list[tuple], rng: Random, donors: list[SeedTable]) -> list[list[str]]:
    out = [list(r) for r in rows]
    if rng.random() < 0.15 and donors:  # a row copied from an unrelated project
        donor = rng.choice(donors)
        out.insert(rng.randrange(len(out) + 1), list(rng.choice(donor.rows)))
    kept = [r for r in out if rng.random() > 0.1] or out[:3]
    if len(kept) < 3:
        kept = out
    if rng.random() < 0.1:
        at = rng.randrange(len(kept))
        kept.insert(at, list(kept[at]))  # a duplicated row
    if rng.random() < 0.4:  # shuffle inside each level-1 group
        groups: dict[str, list[list[str]]] = {}
        for r in kept:
            groups.setdefault(r[0], []).append(r)
        for group in groups.values():
            rng.shuffle(group)
        kept = [r for key in groups for r in groups[key]]
    kept.sort(key=lambda r: LEVEL1_ORDER[r[0]])  # stable: keeps the shuffled order inside groups
    for r in kept:
        for column in (2, 3, 5):
            if r[column] and rng.random() < 0.12:
                r[column] = _edit_chars(r[column], rng)
        if r[4] and rng.random() < 0.12:
            r[4] = _swap_number(r[4], rng)
    if len(kept) >= 2 and rng.random() < 0.1:  # two rows' values swapped
        a, b = rng.sample(range(len(kept)), 2)
        kept[a][4], kept[b][4] = kept[b][4], kept[a][4]
    return kept


# ---------------------------------------------------------------- writing


def _cell(text: str) -> str:
    """One Word cell: the first paragraph after a tab, further paragraphs on their own lines."""
    parts = [p.strip() for p in text.split("\n") if p.strip()] or [""]
    return "\t" + "\n".join(parts)


def _table_block(number: int, title: str, unit_line: str, money_unit: str, code: str, budget: float,
                 fund_use: str, schedule: list[tuple[str, str]], goals: list[str], rows: list[list[str]]) -> list[str]:
    lines = [f"[bookmark: _Toc_4_4_{number + 3:010d}]{number}.{title}绩效目标表",
             _cell(unit_line), _cell(f"单位：{money_unit}"), "",
             _cell("项目编码"), _cell(code), _cell("项目名称"), _cell(title), "",
             _cell("预算规模及资金用途"), _cell("预算数"), _cell(_amount(budget, money_unit)),
             _cell("其中：财政    资金"), _cell(_amount(budget, money_unit)), _cell("其他资金"), "\t ", "",
             "\t", _cell(fund_use), ""]
    if schedule:
        lines += [_cell("资金支出计划（%）"), *(_cell(p) for p, _ in schedule), "",
                  "\t", *(_cell(raw) for _, raw in schedule), ""]
    lines += [_cell("绩效目标"), _cell("\n".join(f"{n}.{g}" for n, g in enumerate(goals, start=1))), "", "", " ",
              *(_cell(h) for h in ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")), ""]
    previous = None
    for row in rows:
        level1 = row[0] if row[0] != previous else ""
        previous = row[0]
        lines += ["\t" if not level1 else _cell(level1), *(_cell(c) if c else "\t" for c in row[1:]), ""]
    lines += ["", " "]
    return lines


def _schedule(table: SeedTable, factor: float) -> list[tuple[str, str]]:
    out = []
    for period, raw in table.schedule:
        if raw and not raw.endswith("%"):
            try:
                raw = f"{float(raw.replace(',', '')) * factor:.2f}"
            except ValueError:
                pass
        out.append((period, raw))
    return out


def generate_one(seeds: Seeds, index: int, seed: int = 0) -> Generated:
    rng = Random(f"{seed}:{index}")
    unit = index // 3  # each invented unit files about three years
    county, township, unit_name, unit_code = unit_for(unit, seed)
    year = YEARS[(unit + index) % len(YEARS)]
    unit_rng = Random(f"{seed}:unit:{unit}")  # the same unit keeps its projects year to year
    count = unit_rng.randint(3, 24)
    picks = unit_rng.sample(range(len(seeds.tables)), min(count, len(seeds.tables)))
    if rng.random() < 0.3 and len(picks) > 3:
        picks = picks[: rng.randint(3, len(picks))]
    keep_name = rng.random() < 0.08  # forgot to replace the source township's name
    region = f"13{unit_code[:4]}"
    lines = [" 第一部分", "部门整体绩效目标", " ", "[bookmark: _Toc_2_2_0000000001]一、总体绩效目标",
             unit_name, f"{year}年总体绩效目标"]
    donor = seeds.tables[picks[0]]

    def prose(pool: list[str], low: int, high: int) -> list[str]:
        chosen = rng.sample(pool, min(len(pool), rng.randint(low, high))) if pool else []
        return [_localise(p, donor, township, county, year, keep_name) for p in chosen]

    lines += prose(seeds.overall, 2, 6)
    lines += ["[bookmark: _Toc_2_2_0000000002]二、分项绩效目标", *prose(seeds.sub_goals, 3, 10)]
    lines += ["[bookmark: _Toc_2_2_0000000003]三、工作保障措施", *prose(seeds.measures, 2, 5)]
    lines += [" ", " ", "第二部分", " ", "预算项目绩效目标", " ", " "]
    rows_per_table = []
    used_titles: set[str] = set()
    for number, pick in enumerate(picks, start=1):
        table = seeds.tables[pick]
        local = lambda text: _localise(text, table, township, county, year, keep_name)  # noqa: E731
        title = local(table.project)
        if title in used_titles:
            title = f"{title}（{number}）"
        used_titles.add(title)
        factor = rng.choice((0.25, 0.5, 0.8, 1.0, 1.0, 1.5, 2.0, 3.0))
        budget = round((table.budget or table.fiscal or 10000.0) * factor, 2)
        rows = _perturb_rows(table.rows, rng, seeds.tables)
        rows = [[local(c) for c in row] for row in rows]
        goals = [local(g) for g in table.goals] or [f"完成{year}年绩效目标"]
        if rng.random() < 0.15:
            goals[rng.randrange(len(goals))] = _edit_chars(goals[0], rng)
        fund_use = local(table.fund_use) or f"用于{title}"
        code = f"{region}{year % 100:02d}P00{rng.randrange(10**9):09d}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXY')}"
        lines += _table_block(number, title, f"{unit_code}{unit_name}本级", table.money_unit, code, budget,
                              fund_use, _schedule(table, factor), goals, rows)
        rows_per_table.append(len(rows))
    text = "\n".join(lines) + "\n"
    return Generated(f"{index:05d}_{unit_code}_{year}.txt", text, unit_name, unit_code, year, rows_per_table)


def generate(count: int, out: Path, seed: int = 0, seeds: Seeds | None = None) -> list[Generated]:
    seeds = seeds or load_seeds()
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for index in range(count):
        item = generate_one(seeds, index, seed)
        (out / item.name).write_bytes(item.text.encode("utf-8"))
        item.text = ""  # keep memory flat for large corpora
        made.append(item)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    made = generate(args.count, args.out, args.seed)
    rows = sum(sum(m.rows_per_table) for m in made)
    print(f"generated {len(made)} submissions, {sum(len(m.rows_per_table) for m in made)} tables, "
          f"{rows} indicator rows in {args.out} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
