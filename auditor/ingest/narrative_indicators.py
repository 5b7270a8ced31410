"""Indicators stated in Part 1 prose (部门整体绩效目标), read as rows of a grid numbered 0.

Part 1 often lists the unit's indicators in prose instead of a table, in two shapes:

- a "绩效指标：" paragraph under each 分项绩效目标, items separated by "；" or "。"
  ("绩效指标：各项工作群众满意率大于90%；工作完成率高于95%；党员队伍壮大。"), or a "绩效指标："
  line alone followed by numbered paragraphs, one or more items each;
- labelled items inside a project's paragraph, each item after its 二级 name
  ("具体为:1、数量指标--残疾人保障率>=90%，质量指标--保障金使用质量>90%，…").

They are indicators like the grid's rows (DESIGN.md: table 0 = Part 1), so they get a specificity
score and can be labelled. Each item becomes an `Indicator` numbered 1..n in Part 1 order; its
三级 is the statement's subject and its 指标值 the target that follows it ("大于90%"), when the
statement has one. Items that state no 二级 leave level2 blank, and level1 too unless they sit
under a 一级 sub-heading on a line of its own ("（一）产出指标"); a labelled item with only a
target ("满意度指标：90%以上", "质量指标：合格", "时效指标：按时完成") leaves its 三级 blank.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..domain import LEVEL1_NAMES, LEVEL1_OF, LEVEL2_NAMES, level1_key, level2_key, usual_level1
from ..schema import Indicator, Narrative
from ..values import compact_words, parse_value, word_targets

# numbering styles, told apart so that "二、" after the items "1、" "2、" is the next heading.
# "2.5万元" is a number, not item 2.
_NUMBERING_STYLES = {"arabic": r"[0-9０-９]+(?:[、．]|\.(?![0-9０-９]))", "arabic_paren": r"[0-9０-９]+[）)]",
                     "bracketed_arabic": r"[（(][0-9０-９]+[）)]", "bracketed_chinese": r"[（(][一二三四五六七八九十]+[）)]",
                     "chinese": r"[一二三四五六七八九十]+、", "circled": r"[①-⑳]"}
_NUMBERING = "(?:" + "|".join(_NUMBERING_STYLES.values()) + ")"
_STYLE_PATTERNS = tuple((name, re.compile(rf"^\s*{pattern}")) for name, pattern in _NUMBERING_STYLES.items())
# "绩效指标：" opening a paragraph (also "一、主要绩效指标为：", "年度绩效指标:")
_LIST_OPENING = re.compile(rf"^\s*{_NUMBERING}?\s*(?:主要|年度|具体)?绩效指标(?:为|是|包括|如下)?\s*[:：]\s*")
# the 二级 as a statement may write it; "可持续性发展" is a spelling of 可持续影响
_LEVEL2_WORDS = r"数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续(?:影响|性发展|发展)?|(?:服务对象)?满意度"
# a sub-heading inside a list: a 一级 or 二级 name alone ("（一）产出指标", "1、数量指标：")
_HEADING = re.compile(rf"(?:产出|效益|效果|{_LEVEL2_WORDS})(?:指标)?[:：]?")
_LEVEL2_HEADING = re.compile(rf"({_LEVEL2_WORDS})(?:指标)?[:：]?")  # "2、可持续性发展指标" is a 二级
_ITEM_NUMBERING = re.compile(rf"^\s*{_NUMBERING}\s*")
_REFERENCE = re.compile(r"^(?:详见|参见|见)")  # "详见各项目绩效目标表": a pointer, not an indicator
# an item named by its 二级: "数量指标--残疾人保障率>=90%"
_LABELLED_ITEM = re.compile(rf"({_LEVEL2_WORDS})指标\s*(?:--|—+|－+|-|：|:)\s*([^，,；;。]+)")
# item separators in a "绩效指标：" list. A comma stays inside an item ("做好群防群治工作，普及率…
# 达到90%"), except an ASCII comma after a target, where the submitter ran two items together
# ("新农合参合率高于95%,城乡居民低保保障率高达100%").
_ITEM_SEPARATOR = re.compile(r"[；;。\n]|(?<=[%％上])\s*,")
# where a statement's target begins: a comparator, a comparison with last year, a number, or a
# change word that ends the statement or comes with a number ("…指数提高", "上升10%"; not "水平
# 不断提高，促进…", where it is the verb of a longer aim). Searched from the third character on,
# so that a statement opening with a verb ("提高粮食机收率上升10%") keeps it in its subject.
_COMPARATORS = r">=|<=|≥|≤|＞|＜|>|<|=|＝|大于|高于|高达|达到|不低于|不少于|不高于|低于|小于|不超过|超过"
_TARGET_START = re.compile(
    rf"{_COMPARATORS}|"
    r"(?:相比|比|较|与)(?:去年|上年|上一年|往年)|同比|"
    r"(?:上升|提高|降低|下降|减少|增长)(?=$|[^，,、]{0,4}[0-9０-９])|"
    # a number, but not one inside the subject: a year ("2023年群众满意率…"), "PM2.5"
    r"(?<![A-Za-z0-9.．])(?![12][0-9]{3}年)[0-9０-９]"
)
_MIN_SUBJECT = 2  # characters a subject keeps before its target can begin
_TRIM = " ，,、：:.．"
# a wrapped line: the item before it stops mid-statement ("…里程不少于" / "10公里；")
_UNFINISHED = re.compile(rf"(?:[，,、：:]|{_COMPARATORS})$")
_TARGET_FIRST = re.compile(rf"^(?:[0-9０-９]|{_COMPARATORS})")
_YEAR_FIRST = re.compile(r"^[12][0-9]{3}年")  # "时效指标--2023年12月底前完成": a deadline, not a subject


class _Item(NamedTuple):
    """One statement of a list and the levels it was given: `level2` as written ("数量", "" when
    none), `level1` the 一级 key of the sub-heading above it ("" when none)."""
    level2: str
    text: str
    level1: str = ""


@lru_cache(maxsize=1)
def _vague_run() -> re.Pattern[str]:
    """A run of the vague lexicon's words ("按时完成" = 按时 + 完成)."""
    return re.compile(f"(?:{word_targets().vague_word.pattern})+")


def _is_target_word(item: str) -> bool:
    """The item is only a target in words, as rules/lexicons/vague.yaml defines them: a checkable
    outcome ("合格", "全覆盖"), "达标", vague words alone ("良好", "按时完成"), a conformance
    ("符合要求", "符合国家标准"), or a deadline or frequency the value parser reads ("年底前完成",
    "按季度发放"). "社会稳定" or "完成党组织换届任务" name something: subjects."""
    compact = compact_words(item)
    if not compact:
        return False
    lex = word_targets()
    if any(p.fullmatch(compact) for p in lex.checkable) or lex.no_standard.fullmatch(compact) \
            or _vague_run().fullmatch(compact) or compact.startswith("符合"):
        return True
    value = parse_value(compact)
    return bool(value.deadline or value.frequency)


def split_statement(item: str) -> tuple[str, str]:
    """("各项工作群众满意率", "大于90%") from "各项工作群众满意率大于90%"; ("党员队伍壮大", "")
    when the statement has no target of its own."""
    item = item.strip(_TRIM)
    match = _TARGET_START.search(item, _MIN_SUBJECT)
    if match is None:
        return item, ""
    subject, target = item[: match.start()].strip(_TRIM), item[match.start():].strip(_TRIM)
    if len(subject) < _MIN_SUBJECT:
        return item, ""
    return subject, target


def _is_statement(text: str) -> bool:
    """At least two Chinese characters: a stray "村" left between two separators is not an item."""
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 2


def _listed_items(paragraph: str) -> list[_Item]:
    """An `_Item` for each item of a "绩效指标：" paragraph; [] for any other
    paragraph. An item may name its 二级 ("绩效指标：数量指标：培训人数100人；…")."""
    opening = _LIST_OPENING.match(paragraph)
    return _list_items(paragraph[opening.end():]) if opening else []


def _list_items(text: str, heading: str = "", level1: str = "") -> list[_Item]:
    """The items of a list's text; an item may carry several labelled items run together with
    commas ("数量指标--A>=90%，质量指标--B>90%"). Every item gets the sub-headings' 一级, and the
    unlabelled ones their 二级."""
    items = []
    for item in _ITEM_SEPARATOR.split(text):
        item = _ITEM_NUMBERING.sub("", item).strip(_TRIM)
        if _LABELLED_ITEM.match(item):
            items += _labelled_items(item, level1)
        elif _is_statement(item) and not _REFERENCE.match(item):
            items.append(_Item(heading, item, level1))
    return items


def _labelled_items(paragraph: str, level1: str = "") -> list[_Item]:
    """An `_Item` for each "数量指标--…" item of a paragraph, with the 二级 as written; the item
    may be a target alone ("满意度指标：90%以上")."""
    return [_Item(m.group(1), m.group(2).strip(_TRIM), level1) for m in _LABELLED_ITEM.finditer(paragraph)
            if _is_statement(m.group(2)) or _TARGET_START.match(m.group(2).strip(_TRIM))]


def _paragraph_items(paragraphs: list[str]) -> list[_Item]:
    """The items of every paragraph. A "绩效指标：" opening alone on its line opens a list whose
    items are the paragraphs after it (`_OpenList`)."""
    items: list[_Item] = []
    listing: _OpenList | None = None
    for paragraph in paragraphs:
        opening = _LIST_OPENING.match(paragraph)
        if opening and not paragraph[opening.end():].strip(_TRIM + "。；;"):
            items += listing.close() if listing else []
            listing = _OpenList()
            continue
        if listing is not None:
            if listing.takes(paragraph):
                continue
            items += listing.close()
            listing = None
        items += _listed_items(paragraph) or _labelled_items(paragraph)
    return items + (listing.close() if listing else [])


class _OpenList:
    """The items of a list opened by a lone "绩效指标：" line, paragraph by paragraph:
    - numbered items ("1、…", "（1）…", "①…") while they keep the first item's numbering, so a
      following "二、" or "（二）" heading ends the list; unnumbered items when the first is, as long
      as each states a target or a 二级;
    - a sub-heading ("（一）产出指标", "1、数量指标") lets the numbering start again below it; a
      一级 heading gives the items under it that 一级 and clears the 二级, a 二级 heading labels
      them with that 二级 (keeping the 一级 above it);
    - a line that continues a wrapped item ("…不少于" / "10公里；") joins it;
    - once two or more items all stated a target or a 二级, a same-style paragraph stating neither
      ("3、加强组织领导，确保各项工作落实。") ends the list: it is the text after it."""

    def __init__(self) -> None:
        self.style: str | None = None
        self.heading = ""  # the 二级 of the last sub-heading, as `_Item.level2`
        self.level1 = ""  # the 一级 key of the last 一级 sub-heading
        self.level1_style: str | None = None  # its numbering
        self.pending = ""  # the current item paragraph, until the next one shows it is complete
        self.items: list[_Item] = []

    def takes(self, paragraph: str) -> bool:
        style = _numbering_style(paragraph)
        body = _ITEM_NUMBERING.sub("", paragraph, count=1).strip() if style else paragraph.strip()
        if style and _HEADING.fullmatch(body):
            self._flush()
            written = _LEVEL2_HEADING.fullmatch(body)
            label = level2_key(written.group(1) + "指标") if written else None
            # a 一级 (some provinces write 效益 as "效果"), or a 满意度 heading numbered like the 一级
            # above: "（二）效益指标" … "（三）满意度指标" is the 一级 满意度
            level1 = level1_key(body.replace("效果", "效益")) if not label or style == self.level1_style else None
            if level1:
                self.level1, self.level1_style = level1, style
            self.heading = LEVEL2_NAMES[label].removesuffix("指标") if label else ""
            self.style = None
            return True
        if self.pending and style is None and (_UNFINISHED.search(self.pending) or _TARGET_FIRST.match(body)):
            self.pending += body
            return True
        if (style or "none") != (self.style or style or "none"):
            return False
        new = _list_items(body, self.heading, self.level1)
        if not new or (style is None and not all(_states_target_or_level(i) for i in new)):
            return False
        self._flush()
        if len(self.items) >= 2 and all(map(_states_target_or_level, self.items)) \
                and not any(map(_states_target_or_level, new)):
            return False
        self.style, self.pending = style or "none", body
        return True

    def close(self) -> list[_Item]:
        self._flush()
        return self.items

    def _flush(self) -> None:
        if self.pending:
            self.items += _list_items(self.pending, self.heading, self.level1)
            self.pending = ""


def _states_target_or_level(item: _Item) -> bool:
    # a 一级 alone does not count: "3、加强组织领导" under "（一）产出指标" still ends the list
    return bool(item.level2) or bool(split_statement(item.text)[1])


def _numbering_style(paragraph: str) -> str | None:
    return next((name for name, pattern in _STYLE_PATTERNS if pattern.match(paragraph)), None)


def narrative_indicators(narrative: Narrative) -> list[Indicator]:
    """The indicators stated in Part 1's goals (总体 and 分项), numbered 1..n in reading order."""
    indicators: list[Indicator] = []
    for paragraphs in (narrative.overall, narrative.sub_goals):
        for item in _paragraph_items(paragraphs):
            key = level2_key(item.level2 + "指标") if item.level2 else None
            subject, target = split_statement(item.text)
            if key and (_TARGET_START.match(item.text) or _YEAR_FIRST.match(item.text) or _is_target_word(item.text)):
                # "满意度指标：90%以上", "质量指标：合格": the label is all the subject there is
                subject, target = "", item.text
            # the 一级 heading above, unless the 二级 cannot sit under it (then the 二级 is the surer word)
            level1 = item.level1 if item.level1 and (not key or item.level1 in LEVEL1_OF[key]) \
                else usual_level1(key) if key else ""
            indicator = Indicator(row=len(indicators) + 1, level1=LEVEL1_NAMES[level1] if level1 else "",
                                  level2=LEVEL2_NAMES[key] if key else "", level3=subject, description="",
                                  value=target, basis="")  # no `raw`: the cells are the paragraph's own text
            indicator.parsed = parse_value(target)
            indicators.append(indicator)
    return indicators
