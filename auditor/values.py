"""The one place that parses 指标值 (indicator values), money, years and schedule labels.

Every check that needs to know "what number, which unit, which direction" asks this module, so
the tolerance for real-world spelling (≥ ＞＝ 不低于 "90%以上", "100百分比", "9400 万元" with a
PDF-inserted space, "≤****000元" template masks …) lives in one place.

All public functions are pure (no I/O, stdlib only) and never raise on any input string: a value
that cannot be understood comes back as kind "text" (or None for the cell-level helpers).

Decisions worth knowing (also documented on the functions):

* Blank input ("" or whitespace) -> kind "text", placeholder False: a blank cell is "missing",
  which is a different defect from a template leftover. Checks test ``value.raw.strip() == ""``.
* Placeholders ("*", "≥**%", "XX%", "目标内容1", "/", "无", "待定" …) -> placeholder True,
  number None; kind/unit/comparator are still filled when the mask keeps them visible
  ("≥**%" -> percent, "≥", "%"; "≤****000元" -> money, "≤", "元").
* Dates carry no number: kind "date" with ``deadline`` ("12月底", "2024年9月30日", "年底") or
  ``frequency`` ("季度", "月", "年" …). 年内/年底前 -> deadline "年底"; 第三季度 -> "9月底";
  上半年 -> "6月底". When a deadline or frequency sits inside a longer text or a numeric value,
  the field is filled anyway so checks can use it.
* Money ``unit`` on `Value` is the total unit (元/万元/亿元/千元) with ``per`` holding the
  denominator ("元/人" -> unit "元", per "人"); `Money.unit` keeps the full spelling ("元/人").
  Compound denominators are joined with "·" ("元/亩·年", "每人每月500元" -> per "人·月").
* ``per`` is also filled for counts/durations with a denominator ("1次/年" -> 次, per 年).
* "100余人", "1万多张", "5000多元" are approximate: the number as written (scaled by 万/亿) and,
  when no comparator was written, comparator ">".
* A bare number scaled by 万/亿 with no unit ("10万") stays kind "count", unit None,
  number 100000, unit_raw "万": we cannot tell money from headcount without the row's category.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from .resources import lexicon
from .schema import Money, Value

__all__ = [
    "normalize_text",
    "squash",
    "parse_comparator",
    "parse_value",
    "find_money",
    "to_yuan",
    "parse_amount",
    "parse_percent",
    "find_years",
    "period_label",
]

# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------

# Characters folded to ASCII-ish forms. Only digits, Latin letters, % and comparison signs: the
# Chinese punctuation (，。（）：；) keeps its meaning and its width.
_FOLD = {
    "％": "%", "﹪": "%",
    "＞": ">", "﹥": ">",
    "＜": "<", "﹤": "<",
    "＝": "=", "﹦": "=",
    "≧": "≥", "⩾": "≥",
    "≦": "≤", "⩽": "≤",
}
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_LINE_BREAKS = {"\n", "\u2028", "\u2029", "\x85"}
_COMPARISON_SIGNS = set("≥≤<>=")

# Punctuation that is used in Chinese text even though Unicode files it outside the CJK blocks.
_CJK_PUNCT_EXTRA = set("“”‘’…—·、")


def _fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    o = ord(ch)
    # full-width digits and Latin letters (FF10–FF19, FF21–FF3A, FF41–FF5A)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return chr(o - 0xFEE0)
    return ch


def _is_cjk(ch: str) -> bool:
    """CJK ideographs, kana, CJK symbols/punctuation and the remaining full-width forms."""
    if not ch:
        return False
    if ch in _CJK_PUNCT_EXTRA:
        return True
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x2FDF  # radicals
        or 0x3001 <= o <= 0x303F  # CJK symbols and punctuation (not U+3000, a space)
        or 0x3040 <= o <= 0x33FF  # kana, bopomofo, enclosed CJK, compatibility (㎡)
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F  # vertical/compatibility forms
        or 0xFF00 <= o <= 0xFFEF  # full-width punctuation left after folding
        or 0x20000 <= o <= 0x3FFFF
    )


def _is_space(ch: str) -> bool:
    return ch.isspace()  # covers every Unicode space separator (Zs) as well


# Anything _norm would change: whitespace, zero-width and control characters, full-width forms,
# and the other folded signs. Most cells contain none of these and are returned as they are.
_NEEDS_NORMALISING = re.compile(
    "[\\s\\x00-\\x1f\\x7f-\\x9f\\u00ad\\u200b-\\u200d\\u2060\\ufeff\\uff01-\\uff5e\\u2028\\u2029"
    + re.escape("".join(_FOLD))
    + "]"
)


def _norm(text: object, keep_newlines: bool, fold: bool = True) -> tuple[str, list[int]]:
    """Normalise `text` and return (result, source index of every result character).

    The index map lets `find_money` report offsets into the original text while matching on
    the cleaned one.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not _NEEDS_NORMALISING.search(text):
        return text, list(range(len(text)))
    # pass 1: fold characters, drop zero-width ones, mark whitespace
    chars: list[tuple[str, int]] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _ZERO_WIDTH:
            continue
        if ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                continue
            ch = "\n"
        if ch in _LINE_BREAKS:
            chars.append(("\n" if keep_newlines else " ", i))
            continue
        if ch.isspace():
            chars.append((" ", i))
            continue
        if ch < " " or "\x7f" <= ch <= "\x9f":
            continue  # stray control characters (category Cc) carry no meaning
        chars.append((_fold_char(ch) if fold else ch, i))
    # pass 2: whitespace runs
    out: list[str] = []
    idx: list[int] = []
    j = 0
    m = len(chars)
    while j < m:
        ch, i = chars[j]
        if ch not in (" ", "\n"):
            out.append(ch)
            idx.append(i)
            j += 1
            continue
        k = j
        while k < m and chars[k][0] in (" ", "\n"):
            k += 1
        run = chars[j:k]
        left = out[-1] if out else ""
        right = chars[k][0] if k < m else ""
        newlines = [(c, src) for c, src in run if c == "\n"]
        if not left or not right:
            pass  # strip at both ends
        elif newlines:
            for c, src in newlines:
                out.append(c)
                idx.append(src)
        elif not _extraction_space(left, right):
            out.append(" ")
            idx.append(run[0][1])
        j = k
    if fold:
        _decimal_points(out)
    return "".join(out), idx


def _extraction_space(left: str, right: str) -> bool:
    """A space between these characters is a PDF extraction artefact: "49 个", "满 意度", "≥ 95 %"."""
    return (_is_cjk(left) or _is_cjk(right) or (left.isdigit() and right in "%‰")
            or (left in _COMPARISON_SIGNS and (right.isdigit() or right in "*xX")))


def _decimal_points(chars: list[str]) -> None:
    """A full-width full stop between digits is a decimal point ("９５．５" -> "95.5"), in place."""
    for p in range(1, len(chars) - 1):
        if chars[p] == "．" and chars[p - 1].isdigit() and chars[p + 1].isdigit():
            chars[p] = "."


@lru_cache(maxsize=None)
def _translation(keep_newlines: bool, fold: bool) -> dict[int, str | None]:
    """_norm's first pass as a str.translate table: every character it changes (whitespace,
    controls and zero-width characters all lie below U+10000; re's \\s is str.isspace)."""
    spaces = re.findall(r"\s", "".join(map(chr, range(0x10000))))
    controls = [chr(o) for o in (*range(0x20), *range(0x7F, 0xA0))]
    folded = [*_FOLD, *map(chr, range(0xFF10, 0xFF5B))] if fold else []
    table: dict[int, str | None] = {}
    for ch in dict.fromkeys([*_ZERO_WIDTH, *_LINE_BREAKS, "\r", *spaces, *controls, *folded]):
        if ch in _ZERO_WIDTH:
            table[ord(ch)] = None
        elif ch in _LINE_BREAKS or ch == "\r":
            table[ord(ch)] = "\n" if keep_newlines else " "
        elif ch.isspace():
            table[ord(ch)] = " "
        elif ch < " " or "\x7f" <= ch <= "\x9f":
            table[ord(ch)] = None
        elif _fold_char(ch) != ch:
            table[ord(ch)] = _fold_char(ch)
    return table


_BLANK_RUN = re.compile(r"[ \n]+")


def _blank_run(match: re.Match[str]) -> str:
    """_norm's second pass for one run of spaces and line breaks."""
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or end == len(text):
        return ""  # strip at both ends
    run = match.group()
    if "\n" in run:
        return "\n" * run.count("\n")
    return "" if _extraction_space(text[start - 1], text[end]) else " "


def _normalized(text: str, keep_newlines: bool, fold: bool = True) -> str:
    """_norm(text, …)[0] without the index map: the first pass as one str.translate, the
    whitespace runs by one regex (per character in Python, _norm took ~100 µs a cell)."""
    out = _BLANK_RUN.sub(_blank_run, text.replace("\r\n", "\n").translate(_translation(keep_newlines, fold)))
    if fold and "．" in out:
        chars = list(out)
        _decimal_points(chars)
        out = "".join(chars)
    return out


def squash(text: str | None) -> str:
    """`text` without any whitespace (for matching labels and terms across PDF wrap spaces).
    str.split's whitespace is exactly re's \\s, at a fraction of re.sub's cost per call."""
    return "".join(text.split()) if text else ""


class WordTargets(NamedTuple):
    """rules/lexicons/vague.yaml, compiled: what a 指标值 in words only may be (VALUE_VAGUE, and
    Part 1 items whose target is a word)."""

    checkable: tuple[re.Pattern[str], ...]  # outcomes a reviewer can verify, matched whole
    standard: tuple[re.Pattern[str], ...]  # a named standard, searched anywhere
    no_standard: re.Pattern[str]  # "达标" with no standard named
    vague_words: tuple[str, ...]
    vague_word: re.Pattern[str]  # any one of vague_words, longest first: a row is searched once


@lru_cache(maxsize=1)
def word_targets() -> WordTargets:
    lex = lexicon("vague")
    words = tuple(lex.get("vague_words") or ())
    return WordTargets(tuple(re.compile(p) for p in lex.get("checkable") or ()),
                       tuple(re.compile(p) for p in lex.get("standard") or ()),
                       re.compile(lex.get("no_standard") or "(?!)"), words, word_alternation(words))


def word_alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of `words`, longest first ("有所提高" before "提高"); never matches
    when there are none."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w) or "(?!)")


def compact_words(text: str | None) -> str:
    """A value in words as the vague lexicon matches it: no whitespace, no final punctuation."""
    return squash(text).strip("。.；;，,、 ")


def normalize_text(s: str, fold: bool = True) -> str:
    """Clean cell or prose text without changing its meaning.

    Folds full-width digits, Latin letters, ％ and ＞＜＝ (and ≧≦⩾⩽ -> ≥≤) to the forms the parsers
    expect; keeps Chinese punctuation; strips; removes whitespace next to a CJK character or CJK
    punctuation (PDF extraction inserts it: "49 个" -> "49个", "满 意度" -> "满意度"), between a
    number and % and after a comparison sign; collapses other whitespace runs to one space (Latin
    words stay apart). Line breaks are kept (Word cells use them for paragraphs); a run of
    whitespace containing line breaks is reduced to those line breaks. Idempotent.

    `fold=False` only removes the whitespace artefacts and keeps every character as written:
    the text an auditor reads and quotes ("＝42米" stays "＝42米").
    """
    if isinstance(s, str):
        return _normalize_str(s, fold)
    try:
        return _norm(s, keep_newlines=True, fold=fold)[0]
    except Exception:  # pragma: no cover - defensive: this must never take a run down
        return s if isinstance(s, str) else ""


@lru_cache(maxsize=1 << 17)
def _normalize_str(s: str, fold: bool) -> str:
    """`normalize_text` of a str, memoised: the checks normalise the same cells (and the same
    lexicon words) millions of times in a county run. Cells that need no change skip `_norm`."""
    if not _NEEDS_NORMALISING.search(s):
        return s
    try:
        return _normalized(s, keep_newlines=True, fold=fold)
    except Exception:  # pragma: no cover - defensive: this must never take a run down
        return s


def _one_line(s: object) -> str:
    """Normalised text with line breaks treated as spaces (a value is one logical item)."""
    if not isinstance(s, str):
        s = "" if s is None else str(s)
    return _normalized(s, keep_newlines=False) if _NEEDS_NORMALISING.search(s) else s


# --------------------------------------------------------------------------------------------
# Comparators
# --------------------------------------------------------------------------------------------

_SYMBOL_COMPARATOR = re.compile(
    r"""^(?:
        (?P<ge> ≥\s*=? | >\s*= | =\s*> )
      | (?P<le> ≤\s*=? | <\s*= | =\s*< )
      | (?P<gt> > )
      | (?P<lt> < )
      | (?P<eq> ==? )
    )""",
    re.X,
)

_WORD_COMPARATORS = sorted(
    [
        ("大于或等于", "≥"), ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
        ("不得低于", "≥"), ("不得少于", "≥"), ("至少", "≥"), ("最少", "≥"), ("最低", "≥"),
        ("达到", "≥"), ("达", "≥"),
        ("小于或等于", "≤"), ("小于等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不超出", "≤"),
        ("不多于", "≤"), ("不大于", "≤"), ("不得超过", "≤"), ("不得高于", "≤"), ("最多", "≤"),
        ("至多", "≤"), ("最高", "≤"), ("控制在", "≤"),
        ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"),
        ("小于", "<"), ("低于", "<"), ("少于", "<"), ("不足", "<"),
        ("等于", "="),
    ],
    key=lambda p: -len(p[0]),
)
_WORD_COMPARATOR_MAP = dict(_WORD_COMPARATORS)
_WORD_COMPARATOR_RE = re.compile("|".join(re.escape(w) for w, _ in _WORD_COMPARATORS))

# a word comparator only counts when a quantity follows ("达到国家标准" has no comparator)
_QUANTITY_START = re.compile(r"\s*(?:\d|[*＊]|[xX](?![A-Za-z])|百分之)")

_SUFFIX_COMPARATOR = re.compile(
    r"""(?:
        (?P<ge> 及以上 | 以上 )
      | (?P<le> 及以下 | 以下 | 以内 | 之内 )
      | (?<=[天日月年时周])(?P<within> 内 )   # "30个工作日内", "1年内"
    )\s*$""",
    re.X,
)

_YEAR_AT_END = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年度?$")

# a comparator at the very end of a prefix: "合格率≥95%", "合格率不低于95%"
_TRAILING_COMPARATOR = re.compile(
    r"(?P<sym>≥\s*=?|≤\s*=?|>\s*=|<\s*=|>|<|=)\s*$|(?P<word>"
    + "|".join(re.escape(w) for w, _ in _WORD_COMPARATORS)
    + r")\s*$"
)


def _symbol_comparator(m: re.Match[str]) -> str:
    for name, sign in (("ge", "≥"), ("le", "≤"), ("gt", ">"), ("lt", "<"), ("eq", "=")):
        if m.group(name):
            return sign
    return "="  # pragma: no cover


def parse_comparator(text: str) -> tuple[str | None, str]:
    """Split a leading (or trailing) comparator off a value: returns (comparator, rest).

    The comparator is normalised to one of ≥ ≤ = > <. Accepted: ≥ ≤ > < = ＞ ＜ ＝ >= <= ≧ ≦ ⩾ ⩽,
    typos "≥=" "=>" "=<"; words 大于等于/不低于/不少于/不小于/至少/达到 (≥), 小于等于/不高于/不超过/
    不多于/控制在…以内 (≤), 大于/高于/超过 (>), 小于/低于 (<), 等于 (=) — words only when a
    quantity follows, so "达到国家标准" has none; suffixes "以上"/"及以上" (≥), "以内"/"以下"/
    "及以下"/"N天内" (≤) when the rest holds a number. `rest` is the normalised remainder.
    """
    s = _one_line(text)
    comp: str | None = None
    rest = s
    m = _SYMBOL_COMPARATOR.match(rest)
    if m:
        comp = _symbol_comparator(m)
        rest = rest[m.end():].lstrip()
    else:
        w = _WORD_COMPARATOR_RE.match(rest)
        if w and _QUANTITY_START.match(rest, w.end()):
            comp = _WORD_COMPARATOR_MAP[w.group(0)]
            rest = rest[w.end():].lstrip()
    if re.search(r"\d|[*＊]", rest):
        sm = _SUFFIX_COMPARATOR.search(rest)
        if sm and sm.group("within") and _YEAR_AT_END.search(rest[: sm.start()]):
            sm = None  # "2023年内" is a deadline, not "≤ 2023 years"
        if sm:
            suffix_comp = "≥" if sm.group("ge") else "≤"
            if comp is None or comp == suffix_comp:  # "≥90%以上": the suffix is redundant
                comp = suffix_comp
                rest = rest[: sm.start()].rstrip()
    return comp, rest.strip()


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------

# Unit spellings are data (rules/lexicons/units.yaml): spelling -> normalised spelling.
_UNITS = lexicon("units")
_PERCENT_UNITS: dict[str, str] = _UNITS["percent"]
_DURATION_UNITS: dict[str, str] = _UNITS["duration"]
_COUNT_UNITS: dict[str, str] = _UNITS["count"]
# Latin spellings must not run into a following letter ("100m" yes, "100mg" no)
_LATIN_COUNT_UNITS: dict[str, str] = _UNITS["count_latin"]

_UNIT_KIND: dict[str, str] = {}
_UNIT_NORM: dict[str, str] = {}
for _table, _kind in ((_COUNT_UNITS, "count"), (_LATIN_COUNT_UNITS, "count"), (_DURATION_UNITS, "duration")):
    for _spelling, _normal in _table.items():
        _UNIT_KIND.setdefault(_spelling, _kind)
        _UNIT_NORM.setdefault(_spelling, _normal)


def _alternation(spellings: list[str]) -> str:
    parts = []
    for sp in sorted(spellings, key=len, reverse=True):
        esc = re.escape(sp)
        if re.match(r"[A-Za-z]", sp):
            esc += r"(?![A-Za-z])"
        parts.append(esc)
    return "|".join(parts)


_UNITS_ALT = _alternation(list(_COUNT_UNITS) + list(_LATIN_COUNT_UNITS) + list(_DURATION_UNITS))
# denominators after "/" or "每": any count/duration unit
_PER_ALT = _UNITS_ALT
_PERCENT_ALT = _alternation(list(_PERCENT_UNITS))

_MONEY_FACTORS: dict[str, float] = {unit: float(f) for unit, f in _UNITS["money_factors"].items()}

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"

# One quantity: a number and what follows it. Tried in order: money, percent, a count/duration
# unit (optionally scaled by 万/亿), a bare 万/亿, an approximation mark.
_QUANTITY_RE = re.compile(
    rf"""
    (?<![\d.A-Za-z])(?<!\d,)
    (?P<num>{_NUMBER})(?!\d)
    (?:\s*[-~～—–至到]\s*(?P<hi>{_NUMBER})(?!\d))?      # a range "3-5人", "90~95%": the low end counts
    \s*
    (?:
        (?P<mmult>万亿|千万|百万|十万|万|亿|千)?(?P<mapprox>多|余)?(?P<money>元)(?![旦宵素件器])
        (?:\s*(?:[/／]\s*每?|每)\s*(?P<mper>(?:{_PER_ALT})(?:\s*[·/／]\s*(?:{_PER_ALT}))*))?
      | (?P<pct>{_PERCENT_ALT})
      | (?P<umult>万|亿)?(?P<uapprox>多|余)?(?P<unit>{_UNITS_ALT})
        (?:\s*[/／]\s*(?P<uper>(?:{_PER_ALT})(?:\s*[·/／]\s*(?:{_PER_ALT}))*))?
      | (?P<bmult>万|亿)(?P<bapprox>多|余)?
      | (?P<approx>多|余)
    )?
    (?P<after>及以上|以上|及以下|以下|以内|之内|内|左右)?
    """,
    re.X,
)

# "每人每月500元": a per-unit written before the amount
_PER_BEFORE_RE = re.compile(rf"每\s*(?P<p1>{_PER_ALT})(?:\s*每\s*(?P<p2>{_PER_ALT}))?\s*$")

_AFTER_COMPARATOR = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤", "之内": "≤", "内": "≤"}


def _yuan(amount: float, unit: str) -> float:
    """amount × the unit's factor, rounded to 1e-6 元 so 128.61万元 is 1286100.0, not …0002."""
    value = amount * _MONEY_FACTORS.get(unit, 1.0)
    try:
        return round(value, 6)
    except (OverflowError, ValueError):
        return value


def _to_float(s: str) -> float | None:
    try:
        return float(s.replace(",", ""))
    except (ValueError, OverflowError):
        return None


def _norm_per(per: str | None) -> str | None:
    if not per:
        return None
    parts = [p for p in re.split(r"\s*[·/／]\s*", per) if p]
    return "·".join(_UNIT_NORM.get(p, p) for p in parts) or None


class _Quantity:
    """A number with its unit, as found in a (normalised, masked) value string."""

    __slots__ = ("number", "kind", "unit", "unit_raw", "per", "yuan", "approx", "after", "start", "end")

    def __init__(self, m: re.Match[str]):
        self.start, self.end = m.start(), m.end()
        raw_num = _to_float(m.group("num")) or 0.0
        self.per: str | None = None
        self.yuan: float | None = None
        self.after = m.group("after")
        self.approx = False
        if m.group("money"):
            mult = m.group("mmult") or ""
            self.kind = "money"
            self.unit = mult + "元"
            unit_end = m.end("mper") if m.group("mper") else m.end("money")
            num_end = m.end("hi") if m.group("hi") else m.end("num")
            self.unit_raw = m.string[num_end:unit_end].strip()
            self.number = raw_num
            self.per = _norm_per(m.group("mper"))
            self.yuan = _yuan(raw_num, self.unit)
            self.approx = bool(m.group("mapprox"))
        elif m.group("pct"):
            self.kind = "percent"
            self.unit = _PERCENT_UNITS[m.group("pct")]
            self.unit_raw = m.group("pct")
            self.number = raw_num
        elif m.group("unit"):
            spelling = m.group("unit")
            self.kind = _UNIT_KIND.get(spelling, "count")
            self.unit = _UNIT_NORM.get(spelling, spelling)
            mult = m.group("umult") or ""
            self.unit_raw = mult + (m.group("uapprox") or "") + spelling
            self.number = raw_num * (1e4 if mult == "万" else 1e8 if mult == "亿" else 1.0)
            self.per = _norm_per(m.group("uper"))
            self.approx = bool(m.group("uapprox"))
        else:
            mult = m.group("bmult") or ""
            self.kind = "count"
            self.unit = None
            self.unit_raw = (mult + (m.group("bapprox") or m.group("approx") or "")) or None
            self.number = raw_num * (1e4 if mult == "万" else 1e8 if mult == "亿" else 1.0)
            self.approx = bool(m.group("bapprox") or m.group("approx"))

    @property
    def has_unit(self) -> bool:
        return self.unit is not None

    def pair(self) -> tuple[float, str]:
        unit = self.unit or ""
        if self.per:
            unit = f"{unit}/{self.per}"
        return (self.number, unit)


# --------------------------------------------------------------------------------------------
# Dates, deadlines, frequencies
# --------------------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"""
    # 2024-09-30, 2024/9/30, 2024.9.30
    (?<![\d.])(?P<cy>(?:19|20)\d{2})[-/.](?P<cm>1[0-2]|0?[1-9])[-/.](?P<cd>3[01]|[12]\d|0?[1-9])(?![\d.])
        (?:之前|以前|前)?
    # (2024年)9月(30日)(底)(前)
  | (?<![\d.])(?:(?P<y>(?:19|20)\d{2})\s*年\s*(?:度\s*)?)?
        (?:(?:1[0-2]|0?[1-9])\s*月?\s*[-~～—–至到]\s*)?      # a month range "1-12月" ends at its last month
        (?P<m>1[0-2]|0?[1-9])\s*月份?\s*
        (?:(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号])?\s*
        (?P<pos>底|末|初|上旬|中旬|下旬)?\s*
        (?:之前|以前|前|为止|止|之内|以内|内)?
    # 2024年底, 年底前, 年内, 年度内, 当年内
  | (?<![\d.])(?P<ey>(?:19|20)\d{2})\s*年度?\s*(?P<epos>底|末|内)(?:之前|以前|前)?
  | (?<![\d个.])(?:本|当)?年度?(?P<epos2>底|末|内)(?:之前|以前|前)?
    # 第三季度(末)(前), 三季度
  | (?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?(?:之前|以前|前)?
    # 上半年, 下半年
  | (?P<half>上|下)半年(?:之前|以前|前|内)?
    # a bare year: only a date when it is the whole value
  | (?<![\d.])(?:(?:19|20)\d{2}\s*年?\s*[-~～—–至到]\s*)?(?P<by>(?:19|20)\d{2})\s*年度?(?![\d])
    """,
    re.X,
)

_FREQUENCY_RE = re.compile(r"(?:按|每|逐)\s*(?:个\s*)?(?P<f>季度|季|半年|月度|月|年度|年|周|星期|旬|日|天)")
_FREQUENCY_NORM = {"季": "季度", "季度": "季度", "半年": "半年", "月": "月", "月度": "月", "年": "年",
                   "年度": "年", "周": "周", "星期": "周", "旬": "旬", "日": "日", "天": "日"}
_QUARTER_END = {"一": "3月底", "二": "6月底", "三": "9月底", "四": "12月底",
                "1": "3月底", "2": "6月底", "3": "9月底", "4": "12月底"}


def _deadline(m: re.Match[str]) -> tuple[str, bool]:
    """(normalised deadline, strong?) for one `_DATE_RE` match; a bare year is weak."""
    g = m.groupdict()
    if g["cy"]:
        return f"{int(g['cy'])}年{int(g['cm'])}月{int(g['cd'])}日", True
    if g["m"]:
        s = f"{int(g['y'])}年" if g["y"] else ""
        s += f"{int(g['m'])}月"
        if g["d"]:
            s += f"{int(g['d'])}日"
        pos = g["pos"]
        if pos:
            s += "底" if pos in ("底", "末") else pos
        return s, True
    if g["ey"]:
        return f"{int(g['ey'])}年底", True
    if g["epos2"]:
        return "年底", True
    if g["q"]:
        return _QUARTER_END[g["q"]], True
    if g["half"]:
        return ("6月底" if g["half"] == "上" else "12月底"), True
    return f"{int(g['by'])}年", False


# --------------------------------------------------------------------------------------------
# Masks: template placeholders, codes and document numbers
# --------------------------------------------------------------------------------------------

_WHOLE_PLACEHOLDER = re.compile(
    r"""^(?:
        [*＊xX×]+ | [/／\\、]+ | [-—–－_~～]+ | [.…。·]+ | [?？]+
      | 无 | 空 | 略 | 暂无 | 待定 | 不详
      | 目标内容\d* | 指标内容\d* | 指标值\d* | 完成年度绩效目标
      | 请输入.* | 请填写.*
      | (?i:n/?a|null|none)
    )$""",
    re.X,
)
# digits masked by the template: "≥**%", "XX%", "≤****000元", "x个"
_MASKED_DIGITS = re.compile(r"[*＊]+|(?<![A-Za-z])(?:[xX]{2,}|[xX](?=[\d%.]|$|[\u4e00-\u9fff]))(?![A-Za-z])|×{2,}")

# (written with look-aheads so long alphanumeric runs stay linear-time)
_CODE_RE = re.compile(
    r"""
    (?<![A-Za-z0-9])(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)+   # QHYZB-2019-649
  | (?<![A-Za-z0-9])(?=[A-Za-z0-9]*[A-Za-z]\d)[A-Za-z0-9]{5,}                   # 13102622P00237611739E
    """,
    re.X,
)
_DOC_NUMBER_RE = re.compile(r"[【\[〔(（]\s*(?:19|20)\d{2}\s*[】\]〕)）]\s*(?:第?\s*\d+\s*号)?")

_MASK = "\x00"


def _mask(s: str, spans: list[tuple[int, int]]) -> str:
    chars = list(s)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = _MASK
    return "".join(chars)


_STRIP_CHARS = _MASK + " \t，。,.;；:：、!！?？()（）[]【】\"'“”‘’"
_TRIVIAL_SUFFIX = re.compile(r"^(?:左右|上下|整|多|余|以上|及以上|以下|及以下|以内|之内|内)?$")


def _bare(s: str) -> str:
    return s.strip(_STRIP_CHARS).replace(_MASK, "")


# --------------------------------------------------------------------------------------------
# parse_value
# --------------------------------------------------------------------------------------------


def parse_value(text: str) -> Value:
    """Understand one 指标值 cell. Never raises; unknown shapes come back as kind "text".

    Kinds: percent ("≥95%", "100百分比" — unit "%", unit_raw "百分比"), money ("≤2.62万元",
    "178元/平方米" — unit 元/万元/亿元, `yuan`, `per`), count (number + measure word, or a bare
    number), duration ("≤90天", "3个月"), date ("12月底前", "按季度" — `deadline`/`frequency`),
    text (everything else; numbers inside still land in `quantities`).

    A value with one quantity is that quantity's kind when the number leads ("3个临时工") or
    ends the value ("完成改厕50座"); with words on both sides ("解决全镇200个人口就业问题") it is
    text. Two or more quantities ("清理垃圾10000立方米、清理河道30公里") take the first one's
    kind and number. See the module docstring for blanks and placeholders.
    """
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    try:
        return _parse_value(raw)
    except Exception:  # pragma: no cover - defensive
        return Value(raw=raw)


def _parse_value(raw: str) -> Value:
    s = _one_line(raw)
    v = Value(raw=raw)
    if not s:
        return v  # blank: kind text, not a placeholder
    compact = squash(s)
    if _WHOLE_PLACEHOLDER.match(compact):
        v.placeholder = True
        return v

    comp, rest = parse_comparator(s)
    v.comparator = comp

    # "百分之95" / "百分之百"
    rest = re.sub(r"百分之百", "100%", rest)
    rest = re.sub(rf"百分之\s*({_NUMBER})", r"\1%", rest)

    if _MASKED_DIGITS.search(rest):
        v.placeholder = True
        rest = _MASKED_DIGITS.sub(lambda m: "0" * len(m.group(0)), rest)

    # mask what must not be read as quantities: codes, document numbers, dates, frequencies
    spans: list[tuple[int, int]] = []
    for rx in (_CODE_RE, _DOC_NUMBER_RE):
        spans += [(m.start(), m.end()) for m in rx.finditer(rest)]
    deadlines: list[tuple[str, bool]] = []
    for m in _DATE_RE.finditer(rest):
        if any(a < m.end() and m.start() < b for a, b in spans) or m.end() == m.start():
            continue
        deadlines.append(_deadline(m))
        spans.append((m.start(), m.end()))
    frequency = None
    for m in _FREQUENCY_RE.finditer(rest):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        frequency = frequency or _FREQUENCY_NORM.get(m.group("f"))
        spans.append((m.start(), m.end()))
    masked = _mask(rest, spans)

    strong = [d for d, is_strong in deadlines if is_strong]
    if strong:
        v.deadline = strong[-1]  # a range "1月-10月" ends at its last date
    v.frequency = frequency

    quantities = [_Quantity(m) for m in _QUANTITY_RE.finditer(masked)]
    for q in quantities:
        if q.kind == "money" and q.per is None:
            pb = _PER_BEFORE_RE.search(rest[max(0, q.start - 16): q.start])
            if pb:
                q.per = _norm_per("·".join(p for p in (pb.group("p1"), pb.group("p2")) if p))
    with_unit = [q for q in quantities if q.has_unit]

    if not quantities:
        remainder = _bare(masked)
        if deadlines or frequency:
            only_weak = not strong and not frequency
            if (only_weak and not remainder) or (not only_weak and len(remainder) <= 10):
                v.kind = "date"
                if only_weak:
                    v.deadline = deadlines[-1][0]
                return v
        return v  # text

    if v.placeholder:
        q = quantities[0]
        _apply_quantity(v, q)
        v.number = None
        v.yuan = None
        v.kind = q.kind
        v.quantities = []
        return v

    v.quantities = [q.pair() for q in with_unit]
    if len(with_unit) >= 2:
        _apply_quantity(v, with_unit[0])
        v.kind = with_unit[0].kind
        return v

    q = with_unit[0] if with_unit else quantities[0]
    prefix_raw = masked[: q.start]
    prefix = _bare(prefix_raw)
    suffix = _bare(masked[q.end:])
    if v.comparator is None:
        unmasked_prefix = prefix_raw.replace(_MASK, "")
        tm = _TRAILING_COMPARATOR.search(unmasked_prefix)
        if tm:
            if tm.group("sym"):
                sm = _SYMBOL_COMPARATOR.match(tm.group("sym"))
                v.comparator = _symbol_comparator(sm) if sm else None
            else:
                v.comparator = _WORD_COMPARATOR_MAP.get(tm.group("word"))
            prefix = _bare(unmasked_prefix[: tm.start()])
    if prefix and suffix and not _TRIVIAL_SUFFIX.match(suffix):
        return v  # words around an incidental number: text, quantities kept
    _apply_quantity(v, q)
    v.kind = q.kind
    return v


def _apply_quantity(v: Value, q: _Quantity) -> None:
    v.number = q.number
    v.unit = q.unit
    v.unit_raw = q.unit_raw
    v.per = q.per
    v.yuan = q.yuan
    if v.comparator is None:
        if q.after in _AFTER_COMPARATOR:
            v.comparator = _AFTER_COMPARATOR[q.after]
        elif q.approx:
            v.comparator = ">"


# --------------------------------------------------------------------------------------------
# Money in free text
# --------------------------------------------------------------------------------------------

_MONEY_RE = re.compile(
    rf"""
    (?P<cmp>(?:≥|≤|>|<)=?\s*)?
    (?P<yen>[￥¥]\s*)?
    (?<![\d.A-Za-z])(?<!\d,)
    (?P<num>{_NUMBER})(?!\d)
    (?:
        \s*(?P<mult>万亿|千万|百万|十万|万|亿|千)?(?P<approx>多|余)?(?P<yuan>元)(?![旦宵素件器])
        (?:\s*(?:[/／]\s*每?|每)\s*(?P<per>(?:{_PER_ALT})(?:\s*[·/／]\s*(?:{_PER_ALT}))*))?
      | (?(yen)|(?!))          # after ￥ the number alone is money
    )
    """,
    re.X,
)


def find_money(text: str) -> list[Money]:
    """Every money amount in free text, with offsets into the text as given.

    Matches a number followed by 元/千元/万元/亿元 (PDF spaces allowed: "29.53 万元"), "￥1000",
    per-unit forms ("178元/平方米", "每人每月500元" -> per "人·月"); a symbolic comparator right
    before the number is part of `raw` ("≤2.62万元"). Years, percentages and "1万多张" are not
    money; "2万" without 元 is not claimed either. `text[m.start:m.end] == m.raw` always.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        norm, idx = _norm(text, keep_newlines=False)
        found: list[Money] = []
        for m in _MONEY_RE.finditer(norm):
            amount = _to_float(m.group("num"))
            if amount is None:
                continue
            base = (m.group("mult") or "") + "元"
            per = _norm_per(m.group("per"))
            if per is None:
                pb = _PER_BEFORE_RE.search(norm[max(0, m.start() - 16): m.start()])
                if pb:
                    per = _norm_per("·".join(p for p in (pb.group("p1"), pb.group("p2")) if p))
            start = idx[m.start()]
            end = idx[m.end() - 1] + 1
            found.append(
                Money(
                    raw=text[start:end],
                    amount=amount,
                    unit=f"{base}/{per}" if per else base,
                    yuan=_yuan(amount, base),
                    per=per,
                    start=start,
                    end=end,
                )
            )
        return found
    except Exception:  # pragma: no cover - defensive
        return []


def to_yuan(amount: float, unit: str) -> float:
    """Convert an amount to 元. `unit` may carry a denominator ("万元/人" -> ×10000).

    Recognised totals: 元, 千元, 万元, 十万元, 百万元, 千万元, 亿元, 万亿元 and the bare
    multipliers 万/亿/千 (as in "449.8万"). Anything else is treated as 元 (factor 1) rather than
    raising: callers pass table units we already validated.
    """
    try:
        u = _one_line(unit or "")
        base = re.split(r"[/／每]", u, maxsplit=1)[0].replace("多", "").replace("余", "").strip()
        if not base.endswith("元") and base in ("万", "亿", "千", "千万", "百万", "十万", "万亿"):
            base += "元"
        return _yuan(float(amount), base)
    except (TypeError, ValueError):
        return float("nan")


# --------------------------------------------------------------------------------------------
# Budget and schedule cells
# --------------------------------------------------------------------------------------------

_AMOUNT_RE = re.compile(
    r"^(?P<sign>[-+])?[￥¥]?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:万元|元|万)?$"
)


def parse_amount(text: str) -> float | None:
    """A budget cell's number ("130000.00", "89.28", "3,309,840.00", "0") or None.

    Blank, dashes and anything that is not a single number give None. A trailing 元/万元 is
    tolerated and ignored: the number is returned as written, in the table's money unit.
    """
    try:
        s = squash(_one_line(text))
        m = _AMOUNT_RE.match(s)
        if not m:
            return None
        value = _to_float(m.group("num"))
        if value is None:
            return None
        return -value if m.group("sign") == "-" else value
    except Exception:  # pragma: no cover - defensive
        return None


_PERCENT_CELL_RE = re.compile(r"^(?P<num>\d+(?:\.\d+)?)%$")


def parse_percent(text: str) -> float | None:
    """A schedule cell's percentage ("25%", "25.00%", "100%") or None ("2.50", "", "25")."""
    try:
        s = squash(_one_line(text))
        m = _PERCENT_CELL_RE.match(s)
        return _to_float(m.group("num")) if m else None
    except Exception:  # pragma: no cover - defensive
        return None


# --------------------------------------------------------------------------------------------
# Years
# --------------------------------------------------------------------------------------------

_YEAR_RE = re.compile(
    r"""
    (?<![\d.])(?P<y>20\d{2})(?=\s*(?:年|[-—–~～至到]\s*20\d{2}\s*年))     # 2023年, 2020-2022年
  | (?<![\d.])(?P<dy>20\d{2})[-/.](?:1[0-2]|0?[1-9])[-/.](?:3[01]|[12]\d|0?[1-9])(?![\d.])  # 2023-12-31
  | (?P<cn>二[〇零○][一二三四五六七八九〇零○]{2})\s*年                          # 二〇二三年
    """,
    re.X,
)
_DOC_YEAR_RE = re.compile(r"[【\[〔(（]\s*(?P<y>20\d{2})\s*[】\]〕)）]")
_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}


def find_years(text: str, include_doc_numbers: bool = False) -> list[int]:
    """4-digit years 2000–2099 written as years, in order of appearance (one per occurrence).

    Counts "2023年", "2023 年", "2023年度", both ends of "2020-2022年", "（2021年1月-2021年10月）",
    full dates "2023-12-31" and "二〇二三年". Bracketed document-number years (冀组发【2018】14号,
    [2014], 〔2019〕) are issuing years, not budget years: only with include_doc_numbers=True.
    Bare 4-digit numbers (amounts, codes) are never years.
    """
    try:
        s = _one_line(text)
        hits: list[tuple[int, int]] = []
        for m in _YEAR_RE.finditer(s):
            if m.group("cn"):
                year = int("".join(_CN_DIGITS[c] for c in m.group("cn")))
            else:
                year = int(m.group("y") or m.group("dy"))
            if 2000 <= year <= 2099:
                hits.append((m.start(), year))
        if include_doc_numbers:
            hits += [(m.start(), int(m.group("y"))) for m in _DOC_YEAR_RE.finditer(s)]
        return [y for _, y in sorted(hits)]
    except Exception:  # pragma: no cover - defensive
        return []


# --------------------------------------------------------------------------------------------
# Schedule period labels
# --------------------------------------------------------------------------------------------

_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12}
_PERIOD_RE = re.compile(
    r"""^(?:截至|截止|到)?
    (?:
        (?:(?P<y>20\d{2})年)?(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?(?P<pos>底|末)?(?:前|之前)?
      | 第?(?P<q>[一二三四1-4])季度(?P<qpos>末|底)?
      | (?P<half>上半年|下半年|全年|年底|年末)
    )
    (?:[（(]\s*(?:%|万元|元)\s*[)）])?$""",
    re.X,
)
_CN_QUARTERS = {"1": "一", "2": "二", "3": "三", "4": "四"}


def period_label(text: str) -> str | None:
    """Normalise a 资金支出计划 period header ("3 月底" -> "3月底", "十二月末" -> "12月底").

    Month labels keep what they say ("9月" stays "9月": we do not invent 底); quarters keep their
    wording ("一季度" -> "第一季度", "第1季度末" -> "第一季度末"); 上半年/下半年/全年 stay;
    年末 -> "年底". Anything else (a percentage, a blank, a word) gives None.
    """
    try:
        s = squash(_one_line(text))
        m = _PERIOD_RE.match(s)
        if not m:
            return None
        if m.group("m"):
            mm = m.group("m")
            month = int(mm) if mm.isdigit() else _CN_MONTHS.get(mm, 0)
            if not 1 <= month <= 12:
                return None
            label = (f"{m.group('y')}年" if m.group("y") else "") + f"{month}月"
            return label + ("底" if m.group("pos") else "")
        if m.group("q"):
            q = _CN_QUARTERS.get(m.group("q"), m.group("q"))
            return f"第{q}季度" + ("末" if m.group("qpos") else "")
        half = m.group("half")
        return "年底" if half == "年末" else half
    except Exception:  # pragma: no cover - defensive
        return None
