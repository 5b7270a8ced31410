"""What the classifiers see of an indicator row — one definition, used by training and scoring.

Two kinds of features:
* text: character 1–3-grams of each cell, tagged with the cell they come from ("名|率" is not
  "值|率"), weighted by TF-IDF. Short Chinese cells have few words; character n-grams carry the
  measure words (率, 人次, 万元, 月底) without a segmenter. The category model also reads, as
  tokens beside the n-grams, the names of the topics (rules/lexicons/topics.yaml) the name and the
  description mention ("题名|ecological"): 大气污染 and 村容村貌 share no character but one topic,
  and a few hundred rows cannot teach that from n-grams alone.
* dense: what the rest of the tool already knows about the row — the parsed 指标值
  (values.py: number, comparator, kind, unit spelling, placeholder), vague-lexicon verdicts,
  how far the description merely echoes the name, whether the basis names a source, and the
  topic model's evidence per 二级 (domain.py) for the name, description and value.
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..domain import LEVEL2_ORDER
from ..schema import Indicator, Value
from ..values import normalize_text, parse_value, word_alternation, word_targets
from .dataset import CATEGORIES

if TYPE_CHECKING:
    from ..domain import Evidence

NGRAM_RANGE = (1, 3)
_SPACES = re.compile(r"\s+")

# cell tags of the text features, per model
SPECIFICITY_FIELDS = ("名", "述", "值", "据")
CATEGORY_FIELDS = ("名", "述", "值", "题名", "题述")
# topic tags: the cell whose topic names are the tokens
_TOPIC_FIELDS = {"题名": "名", "题述": "述"}

_KINDS = ("percent", "money", "count", "duration", "date", "text")
_COMPARATORS = ("≥", "≤", "=", ">", "<")
# 二级 keys of domain.py, in CATEGORIES order
_CATEGORY_KEYS = LEVEL2_ORDER
_NONSTANDARD_PERCENT = ("百分比", "百分率", "百分数")


@dataclass(frozen=True)
class RowText:
    """The cells a model reads, normalised once."""

    name: str
    description: str
    value: str
    basis: str

    def field(self, tag: str) -> str:
        return {"名": self.name, "述": self.description, "值": self.value, "据": self.basis}[tag]


def _clean(text: str) -> str:
    return _SPACES.sub("", normalize_text(text or "")).lower()


def row_text(indicator: Indicator) -> RowText:
    return RowText(_clean(indicator.level3), _clean(indicator.description), _clean(indicator.value),
                   _clean(indicator.basis))


def char_ngrams(text: str, low: int = NGRAM_RANGE[0], high: int = NGRAM_RANGE[1]) -> list[str]:
    """Character n-grams of one cell; an empty cell gives the single marker "∅" so that "left
    blank" is itself a feature."""
    if not text:
        return ["∅"]
    grams: list[str] = []
    for n in range(low, high + 1):
        grams += [text[i:i + n] for i in range(len(text) - n + 1)]
    return grams


def field_tokens(text: RowText, tag: str) -> list[str]:
    """The text tokens of one tag: a cell's character n-grams, or the topics a cell mentions."""
    if tag in _TOPIC_FIELDS:
        return list(cell_topics(text.field(_TOPIC_FIELDS[tag])))
    return char_ngrams(text.field(tag))


@lru_cache(maxsize=65536)
def _cell_evidence(cell: str) -> Evidence:
    """The topic model's evidence in one normalised cell (RowText), found once for the topic
    tokens and the dense topic features alike."""
    from ..domain import topic_evidence

    return topic_evidence(cell)


def cell_topics(cell: str) -> tuple[str, ...]:
    """The topics of the lexicon a (normalised) cell mentions, each once, in a fixed order."""
    return tuple(sorted(_cell_evidence(cell).scores))


def tagged_tokens(text: RowText, fields: Iterable[str]) -> list[str]:
    """The analyzer TfidfVectorizer uses in training: "tag|token". The scorer looks the same
    tokens up per tag (`LinearTextModel._text_logits`) without building the tagged strings."""
    return [f"{tag}|{token}" for tag in fields for token in field_tokens(text, tag)]


# ------------------------------------------------------------------------------------------------
# Dense features
# ------------------------------------------------------------------------------------------------


def _value(indicator: Indicator) -> Value:
    return indicator.parsed if indicator.parsed is not None else parse_value(indicator.value)


@lru_cache(maxsize=65536)
def _topic_by_category(cell: str) -> tuple[float, ...]:
    """The topic model's evidence for each 二级 in one normalised cell, summed over the topics
    that call it home."""
    return _by_category(_cell_evidence(cell).scores)


@lru_cache(maxsize=1)
def _home_slots() -> dict[str, int]:
    """topic name → position of its home 二级 in _CATEGORY_KEYS."""
    from ..domain import topics

    return {name: _CATEGORY_KEYS.index(t.home) for name, t in topics().items() if t.home in _CATEGORY_KEYS}


def _by_category(scores: dict[str, float]) -> tuple[float, ...]:
    slots = _home_slots()
    out = [0.0] * len(_CATEGORY_KEYS)
    for topic, weight in scores.items():
        slot = slots.get(topic)
        if slot is not None:
            out[slot] += weight
    return tuple(out)


def _value_topic(value: Value) -> tuple[float, ...]:
    from ..domain import value_evidence

    return _by_category(value_evidence(value).scores)


@lru_cache(maxsize=65536)
def _vague_verdict(value: str) -> str:
    from ..checks.value_vague import classify

    return classify(value)[0]


@lru_cache(maxsize=65536)
def _names_source(basis: str) -> bool:
    from ..checks.basis_echo import names_source

    return names_source(basis)


@lru_cache(maxsize=65536)
def _similarity(a: str, b: str) -> float:
    from ..textsim import similarity

    return similarity(a, b) / 100.0


SPECIFICITY_DENSE = (
    "has_number", "has_comparator", *(f"comparator_{c}" for c in _COMPARATORS), *(f"kind_{k}" for k in _KINDS),
    "placeholder", "blank_value", "percent_over_100", "percent_spelled_out", "has_deadline", "has_frequency",
    "value_words_vague", "value_words_checkable", "value_words_no_standard",
    "desc_blank", "desc_echoes_name", "desc_len_log", "basis_blank", "basis_names_source", "basis_echoes_name",
    "name_is_category_label", "value_topic_fits_declared", "name_topic_fits_declared",
    "value_kind_expected", "percent_of_undefined_state", "abstract_state_named", "change_phrase",
    "vague_word_in_name_or_desc", "desc_equals_name",
)
CATEGORY_DENSE = (
    *(f"kind_{k}" for k in _KINDS), "has_deadline", "has_frequency", "money_per_unit",
    *(f"name_topic_{k}" for k in _CATEGORY_KEYS), *(f"desc_topic_{k}" for k in _CATEGORY_KEYS),
    *(f"value_topic_{k}" for k in _CATEGORY_KEYS),
)


def specificity_dense(indicator: Indicator, text: RowText | None = None) -> list[float]:
    from ..domain import EXPECTED_KINDS, percent_words, category_label, level2_key, undefined_percent

    words = percent_words()

    value = _value(indicator)
    text = text or row_text(indicator)
    name_desc = f"{text.name}|{text.description}"
    numeric = value.number is not None
    words_only = not numeric and not value.deadline and not value.frequency and not value.placeholder and bool(text.value)
    verdict = _vague_verdict(indicator.value) if words_only else ""
    declared = level2_key(indicator.level2)
    value_topic = _value_topic(value)
    name_topic = _topic_by_category(text.name)
    at = _CATEGORY_KEYS.index(declared) if declared in _CATEGORY_KEYS else None
    return [
        float(numeric),
        float(value.comparator is not None),
        *(float(value.comparator == c) for c in _COMPARATORS),
        *(float(value.kind == k) for k in _KINDS),
        float(value.placeholder),
        float(not text.value),
        float(value.kind == "percent" and (value.number or 0) > 100),
        float(any(s in (value.unit_raw or indicator.value) for s in _NONSTANDARD_PERCENT)),
        float(bool(value.deadline)),
        float(bool(value.frequency)),
        float(verdict == "vague"),
        float(verdict == "checkable"),
        float(verdict == "no-standard"),
        float(not text.description),
        _similarity(indicator.description, indicator.level3) if text.description else 0.0,
        math.log1p(len(text.description)),
        float(not text.basis),
        float(_names_source(indicator.basis)) if text.basis else 0.0,
        _similarity(indicator.basis, indicator.level3) if text.basis else 0.0,
        float(category_label(indicator.level3) is not None),
        float(at is not None and value_topic[at] > 0),
        float(at is not None and name_topic[at] > 0),
        float(declared is not None and value.kind in EXPECTED_KINDS.get(declared, ())),
        # undefined_percent reads `parsed`: give it the value parsed here when the row has none
        float(undefined_percent(indicator if indicator.parsed is not None
                                else dataclasses.replace(indicator, parsed=value)) is not None),
        float(bool(_abstract_states().search(name_desc))),
        float(bool(words.change.search(text.description) or words.change.search(text.name))),
        float(bool(word_targets().vague_word.search(name_desc))),
        float(bool(text.description) and text.description == text.name),
    ]


@lru_cache(maxsize=1)
def _abstract_states() -> re.Pattern[str]:
    """vague.yaml's percent_undefined.abstract_states as one alternation: a row is searched once."""
    from ..domain import percent_words

    return word_alternation(percent_words().abstract)


def category_dense(indicator: Indicator, text: RowText | None = None) -> list[float]:
    value = _value(indicator)
    text = text or row_text(indicator)
    return [
        *(float(value.kind == k) for k in _KINDS),
        float(bool(value.deadline)),
        float(bool(value.frequency)),
        float(bool(value.per)),
        *_topic_by_category(text.name),
        *_topic_by_category(text.description),
        *_value_topic(value),
    ]


def category_key(name: str) -> str:
    """The domain.py key of a canonical category name (labels use the names)."""
    return _CATEGORY_KEYS[CATEGORIES.index(name)]
