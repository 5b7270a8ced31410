"""What the indicator grid's levels mean (RULEBOOK 1–8): canonical keys for 一级/二级 and the
kind of quantity each 二级 expects. Shared by every check that reasons about categories."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .resources import lexicon
from .values import normalize_text, squash

# 二级 spellings seen in submissions → canonical key. Order matters: longer names first.
LEVEL2_KEYS = (
    ("服务对象满意度", "satisfaction"),
    ("满意度", "satisfaction"),
    ("经济效益", "economic"),
    ("社会效益", "social"),
    ("生态效益", "ecological"),
    ("可持续影响", "sustainable"),
    ("可持续", "sustainable"),
    ("数量", "quantity"),
    ("质量", "quality"),
    ("时效", "timeliness"),
    ("成本", "cost"),
)
LEVEL2_NAMES = {
    "quantity": "数量指标", "quality": "质量指标", "timeliness": "时效指标", "cost": "成本指标",
    "economic": "经济效益指标", "social": "社会效益指标", "ecological": "生态效益指标",
    "sustainable": "可持续影响指标", "satisfaction": "服务对象满意度指标",
}
OUTPUT_KEYS = ("quantity", "quality", "timeliness", "cost")
BENEFIT_KEYS = ("economic", "social", "ecological", "sustainable")

# What each 二级 expects (RULEBOOK 3–8), as `values.parse_value` kinds.
EXPECTED_KINDS = {
    "quantity": {"count"},
    "quality": {"percent", "text"},  # a rate, or a standard met ("符合GB…")
    "timeliness": {"date", "duration", "percent"},  # a deadline/period or a timeliness rate
    "cost": {"money"},  # (a cost-control rate is tolerated but weak)
    "economic": {"percent", "count", "money", "duration", "text"},
    "social": {"percent", "count", "duration", "text"},
    "ecological": {"percent", "count", "duration", "text"},
    "sustainable": {"percent", "count", "duration", "text"},
    "satisfaction": {"percent"},
}


@lru_cache(maxsize=4096)
def level2_key(level2: str) -> str | None:
    text = squash(level2)
    for name, key in LEVEL2_KEYS:
        if name in text:
            return key
    return None


@lru_cache(maxsize=4096)
def level1_key(level1: str) -> str | None:
    text = squash(level1)
    for name, key in (("产出", "output"), ("效益", "benefit"), ("满意度", "satisfaction"), ("成本", "cost")):
        if name in text:
            return key
    return None


# ============================================================================================
# Category membership: which 一级 a 二级 belongs to, and labels in the 三级 column
# ============================================================================================

LEVEL1_NAMES = {"output": "产出指标", "benefit": "效益指标", "satisfaction": "满意度指标", "cost": "成本指标"}
# the 一级 each 二级 may sit under (成本 also as its own 一级, 财预〔2021〕101号)
LEVEL1_OF = {
    "quantity": {"output"}, "quality": {"output"}, "timeliness": {"output"}, "cost": {"output", "cost"},
    "economic": {"benefit"}, "social": {"benefit"}, "ecological": {"benefit"}, "sustainable": {"benefit"},
    # older templates (and some provinces) list 社会公众或服务对象满意度 under 效益/效果
    "satisfaction": {"satisfaction", "benefit"},
}


def usual_level1(level2: str) -> str:
    """The 一级 key a 二级 key normally sits under: 产出 for outputs, 满意度 for satisfaction
    (its own 一级 in the current template), 效益 for the rest."""
    return "output" if level2 in OUTPUT_KEYS else "satisfaction" if level2 == "satisfaction" else "benefit"


# the order in which the grid normally lists the 二级 (used for cut-off documents)
LEVEL2_ORDER = ("quantity", "quality", "timeliness", "cost", "economic", "social", "ecological",
                "sustainable", "satisfaction")

_LABEL_STRIP = re.compile(r"[\s（）()%％:：、，,。.·\-—]+")


def category_label(text: str) -> str | None:
    """The 二级 key when a cell says nothing but a category name ("社会效益指标", "数量",
    "服务对象满意度指标（%）"), else None. Real 三级 names that merely contain a category word
    ("工程质量合格率") are not labels."""
    squashed = _LABEL_STRIP.sub("", text or "")
    squashed = re.sub(r"(?:指标)+$", "", squashed)
    if not squashed:
        return None
    for name, key in LEVEL2_KEYS:
        if squashed == name or squashed == name.replace("指标", ""):
            return key
    return None


# ============================================================================================
# Topic model: what an indicator is ABOUT (rules/lexicons/topics.yaml), for LEVEL_MISMATCH,
# VALUE_KIND and MISSING_CATEGORY. Evidence is weighted lexicon hits (greedy longest match, so
# "及时率" is timeliness and not a quality "率"), plus what the parsed 指标值 says (money -> cost,
# a deadline -> timeliness).
# ============================================================================================


@dataclass(frozen=True)
class Topic:
    name: str
    label: str  # what messages call it
    kind: str  # metric (what is measured) | domain (where the effect lies)
    home: str  # the 二级 it belongs to
    fits: frozenset[str]  # every 二级 under which it is legitimate
    note: str = ""  # why it is not what the declared category measures (message wording), if set
    severity: str | None = None  # a finding decided by this topic has this severity (None: the rule's)
    confidence_max: float | None = None  # … and at most this confidence (a softer, arguable call)


@dataclass
class Evidence:
    """Topic scores for one cell: topic -> weight, and the matched terms (whitespace removed)."""

    scores: dict[str, float] = field(default_factory=dict)
    terms: dict[str, list[str]] = field(default_factory=dict)

    def add(self, topic: str, weight: float, term: str) -> None:
        self.scores[topic] = self.scores.get(topic, 0.0) + weight
        self.terms.setdefault(topic, []).append(term)

    def scaled(self, factor: float) -> Evidence:
        return Evidence({t: w * factor for t, w in self.scores.items()}, {t: list(v) for t, v in self.terms.items()})

    def merged(self, *others: Evidence) -> Evidence:
        out = Evidence(dict(self.scores), {t: list(v) for t, v in self.terms.items()})
        for other in others:
            for topic, weight in other.scores.items():
                out.scores[topic] = out.scores.get(topic, 0.0) + weight
                out.terms.setdefault(topic, []).extend(other.terms.get(topic, []))
        return out


@dataclass
class _Model:
    topics: dict[str, Topic]
    literals: list[tuple[str, str, float]]  # (term, topic, weight)
    patterns: list[tuple[re.Pattern[str], str, float]]
    value_kinds: dict[str, tuple[str, float]]
    categories: dict[str, dict[str, str]]
    ratio: re.Pattern[str] | None = None
    ratio_neutralizes: frozenset[str] = frozenset()
    time_point: re.Pattern[str] | None = None
    literals_by_first: dict[str, tuple[int, ...]] = field(default_factory=dict)  # first char → literal indices

    def __post_init__(self) -> None:
        index: dict[str, list[int]] = {}
        for i, (term, _topic, _weight) in enumerate(self.literals):
            if term:
                index.setdefault(term[0], []).append(i)
        self.literals_by_first = {ch: tuple(ids) for ch, ids in index.items()}


@lru_cache(maxsize=1)
def _model() -> _Model:
    data = lexicon("topics")
    topics: dict[str, Topic] = {}
    literals: list[tuple[str, str, float]] = []
    patterns: list[tuple[re.Pattern[str], str, float]] = []
    for name, spec in (data.get("topics") or {}).items():
        cap = spec.get("confidence_max")
        topics[name] = Topic(name, spec.get("label", name), spec.get("kind", "metric"), spec["home"],
                             frozenset(spec.get("fits") or [spec["home"]]), str(spec.get("note") or ""),
                             spec.get("severity"), float(cap) if cap is not None else None)
        for term, weight in (spec.get("terms") or {}).items():
            literals.append((str(term), name, float(weight)))
        for pattern, weight in (spec.get("patterns") or {}).items():
            patterns.append((re.compile(str(pattern)), name, float(weight)))
    value_kinds = {kind: (spec["topic"], float(spec["weight"])) for kind, spec in (data.get("value_kinds") or {}).items()}
    ratio = data.get("ratio_context") or {}
    return _Model(topics, literals, patterns, value_kinds, dict(data.get("categories") or {}),
                  re.compile(ratio["pattern"]) if ratio.get("pattern") else None,
                  frozenset(ratio.get("neutralizes") or []),
                  re.compile(data["time_point"]) if data.get("time_point") else None)


def topics() -> dict[str, Topic]:
    return _model().topics


@lru_cache(maxsize=1)
def model_params() -> dict[str, Any]:
    """The thresholds of the topic model (`model:` in rules/lexicons/topics.yaml), one piece of
    data shared by LEVEL_MISMATCH, VALUE_KIND and MISSING_CATEGORY. A province's topics.yaml
    without its own `model:` block uses the bundled one."""
    params = lexicon("topics").get("model")
    if not params:
        from .resources import bundled_dir, load_yaml

        path = bundled_dir("rules") / "lexicons" / "topics.yaml"
        params = (load_yaml(path.read_text(encoding="utf-8")) or {}).get("model") or {}
    return dict(params)


def category_name(key: str) -> str:
    return _model().categories.get(key, {}).get("name") or LEVEL2_NAMES.get(key, key)


def category_example(key: str) -> str:
    return _model().categories.get(key, {}).get("example", "")


@lru_cache(maxsize=65536)
def _hits(text: str) -> tuple[tuple[str, str, float], ...]:
    """(term as written, topic, weight) for the non-overlapping longest lexicon matches."""
    model = _model()
    found: list[tuple[int, int, float, str]] = []  # start, end, weight, topic
    # only the terms whose first character occurs in the text, in lexicon order (ties in the
    # sort below keep that order)
    candidates = sorted({i for ch in set(text) for i in model.literals_by_first.get(ch, ())})
    for term, topic, weight in (model.literals[i] for i in candidates):
        start = text.find(term)
        while start >= 0:
            found.append((start, start + len(term), weight, topic))
            start = text.find(term, start + 1)
    for pattern, topic, weight in model.patterns:
        for m in pattern.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), weight, topic))
    found.sort(key=lambda h: (-(h[1] - h[0]), -h[2], h[0]))
    taken = [False] * len(text)
    kept: list[tuple[int, str, str, float]] = []
    for start, end, weight, topic in found:
        if any(taken[start:end]):
            continue
        for i in range(start, end):
            taken[i] = True
        kept.append((start, text[start:end], topic, weight))
    kept.sort()
    if model.ratio is not None and model.ratio_neutralizes:
        # "X人数占Y人数的比例" defines a rate: its counts are not a 数量
        spans = [(m.start(), m.end()) for m in model.ratio.finditer(text)]
        kept = [h for h in kept if not (h[2] in model.ratio_neutralizes
                                        and any(a <= h[0] and h[0] + len(h[1]) <= b for a, b in spans))]
    return tuple((term, topic, weight) for _, term, topic, weight in kept)


def topic_evidence(text: str) -> Evidence:
    """Topic scores of one cell. Each distinct term counts once (a long description does not
    outvote the name by repeating a word)."""
    evidence = Evidence()
    seen: set[str] = set()
    for term, topic, weight in _hits(squash(normalize_text(text or ""))):
        if term not in seen:
            seen.add(term)
            evidence.add(topic, weight, term)
    return evidence


def value_evidence(value: Any) -> Evidence:
    """What the parsed 指标值 says by its kind: money -> cost, a deadline -> timeliness, a count
    -> quantity, years -> service life. Percentages, bare numbers, placeholders and blanks say
    nothing."""
    evidence = Evidence()
    if value is None or getattr(value, "placeholder", False):
        return evidence
    kind = value.kind
    if kind == "duration" and value.unit == "年":
        kind = "duration_years"
    if kind == "count" and value.unit is None:
        return evidence
    if kind == "date" and not (value.deadline or value.frequency):
        return evidence
    if kind in _model().value_kinds:
        topic, weight = _model().value_kinds[kind]
        evidence.add(topic, weight, (value.raw or "").strip())
    return evidence


# --------------------------------------------------------------------------------------------
# Fit of one indicator row to its declared 二级
# --------------------------------------------------------------------------------------------

@dataclass
class FitVerdict:
    """A row whose subject (or one of its cells) belongs to another category."""

    variant: str  # level1 | label | satisfaction | subject | description | name | value
    declared: str  # 二级 key as declared (level1: the 一级 key it should sit under, in `home`)
    home: str  # the key it belongs to
    field: str  # the finding's field: indicator | description | value
    topic: str  # the foreign topic that decided it ("" for level1/label)
    terms: list[str]  # the words that gave it away
    margin: float
    confidence: float
    root: bool  # the subject itself misfits (VALUE_KIND then stays silent, MISSING_CATEGORY counts it)
    subject_home: str = ""  # variant "value": the category the 三级/描述 point to
    subject_topic: str = ""


@dataclass
class _Split:
    """Evidence of one kind (metric/domain) divided into support for the declared 二级 and
    foreign evidence per home category."""

    support: float
    foreign: dict[str, float]
    terms: dict[str, list[str]]

    def best(self) -> str | None:
        return max(self.foreign, key=self.foreign.get) if self.foreign else None


def _split(evidence: Evidence, declared: str, kind: str) -> _Split:
    model = _model()
    out = _Split(0.0, {}, {})
    for name, score in evidence.scores.items():
        topic = model.topics.get(name)
        if topic is None or topic.kind != kind:
            continue
        if declared in topic.fits:
            out.support += score
        else:
            out.foreign[topic.home] = out.foreign.get(topic.home, 0.0) + score
            out.terms.setdefault(topic.home, []).extend(evidence.terms.get(name, []))
    return out


def _main_topic(evidence: Evidence, home: str, declared: str, kind: str | None = None) -> str:
    """The strongest foreign topic of `evidence` that lives in `home`."""
    model = _model()
    best, best_score = "", -1.0
    for name, score in evidence.scores.items():
        topic = model.topics.get(name)
        if topic is None or topic.home != home or declared in topic.fits or (kind and topic.kind != kind):
            continue
        if score > best_score:
            best, best_score = name, score
    return best


def _confidence(margin: float, params: dict[str, Any], cap: str = "confidence_max") -> float:
    value = params["confidence_base"] + params["confidence_per_margin"] * margin
    return round(max(params["confidence_base"], min(params[cap], value)), 3)


def assess_fit(indicator: Any, params: dict[str, Any] | None = None) -> FitVerdict | None:
    """Does the row's subject (三级, 描述, and what the 指标值 says) belong to its declared 二级?

    `params` defaults to `model_params()` (the `model:` block of rules/lexicons/topics.yaml,
    which documents each number).
    In order:
      level1        the 二级 sits under the wrong 一级 (数量指标 under 效益指标);
      label         the 三级 column holds another 二级's name (三级 "社会效益指标" under 可持续影响);
      satisfaction  a 满意度 row that says nothing about satisfaction;
      subject       the 三级+描述 measure something of another category (metric evidence: output
                    vs output, output vs benefit; for benefits also domain evidence: 就业 as 生态效益);
      description   the description alone belongs elsewhere while the name fits;
      name          the name alone belongs elsewhere while description and value fit;
      value         a benefit's text value is about another field than its indicator.
    Returns None when the row fits or the evidence is not clear enough."""
    if params is None:
        params = model_params()
    declared = level2_key(indicator.level2)
    if declared is None:
        return None
    level1 = level1_key(indicator.level1)
    if level1 is not None and level1 not in LEVEL1_OF[declared]:
        return FitVerdict("level1", declared, usual_level1(declared), "indicator", "", [], 0.0, 1.0, False)

    label = category_label(indicator.level3 or "")
    if label is not None and label != declared:
        return FitVerdict("label", declared, label, "indicator", "", [], 0.0, params["label_confidence"], True)

    name_ev = topic_evidence("" if label else indicator.level3)
    desc_ev = topic_evidence(indicator.description)
    value = getattr(indicator, "parsed", None)
    is_text = value is not None and value.kind == "text"
    kind_ev = value_evidence(value)
    value_text_ev = topic_evidence(indicator.value) if is_text else Evidence()
    # a 三级 that is a category label or names nothing the lexicon knows: the description is the subject
    w_desc = params["weight_name"] if not name_ev.scores else params["weight_description"]
    subject = name_ev.scaled(params["weight_name"]).merged(desc_ev.scaled(w_desc))
    combined = subject.merged(kind_ev.scaled(params["weight_value"]), value_text_ev.scaled(params["weight_value_text"]))

    if declared == "satisfaction":
        return _satisfaction(declared, subject, combined, params)
    verdict = _whole_subject(declared, name_ev, subject, combined, params, named=label is None)
    if verdict is None and label is None:
        verdict = _one_cell(declared, name_ev, desc_ev, kind_ev, params, value)
    if verdict is None and declared in BENEFIT_KEYS and is_text:
        verdict = _value_off_topic(declared, subject, topic_evidence(indicator.value), params)
    if verdict is not None and verdict.home == "quantity" and value is not None and value.kind == "percent" \
            and declared != "quality":
        verdict.home = "quality"  # an output measured as a rate goes with the rates (数量 holds counts)
    topic = _model().topics.get(verdict.topic) if verdict is not None else None
    if topic is not None and topic.confidence_max is not None:
        verdict.confidence = min(verdict.confidence, topic.confidence_max)
    return verdict


def _satisfaction(declared: str, subject: Evidence, combined: Evidence, params: dict[str, Any]) -> FitVerdict | None:
    """A 满意度 row must be about satisfaction: no 满意 in 三级/描述 and clear other evidence."""
    if _split(subject, declared, "metric").support > 0:
        return None
    metric = _split(combined, declared, "metric")
    domain = _split(subject, declared, "domain")
    pool = {h: metric.foreign.get(h, 0.0) + domain.foreign.get(h, 0.0) for h in {*metric.foreign, *domain.foreign}}
    if not pool:
        return None
    home = max(pool, key=pool.get)
    if pool[home] < params["min_subject"]:
        return None
    topic = _main_topic(combined, home, declared) or _main_topic(subject, home, declared)
    return FitVerdict("satisfaction", declared, home, "indicator", topic,
                      metric.terms.get(home, []) + domain.terms.get(home, []), pool[home],
                      _confidence(pool[home], params), True)


def _whole_subject(declared: str, name_ev: Evidence, subject: Evidence, combined: Evidence,
                   params: dict[str, Any], named: bool) -> FitVerdict | None:
    """The 三级+描述 (with the value's support) measure something of another category."""
    metric = _split(combined, declared, "metric")
    subject_metric = _split(subject, declared, "metric")
    candidates = {h: s for h, s in metric.foreign.items() if subject_metric.foreign.get(h, 0.0) >= params["min_subject"]}
    if candidates:
        home = max(candidates, key=candidates.get)
        margin = candidates[home] - metric.support
        if margin >= params["min_margin"]:
            in_name = named and _split(name_ev, declared, "metric").foreign.get(home, 0.0) > 0
            return FitVerdict("subject", declared, home, "indicator" if in_name else "description",
                              _main_topic(combined, home, declared, "metric"), metric.terms.get(home, []),
                              margin, _confidence(margin, params), True)
    if declared in BENEFIT_KEYS:
        # between benefit fields: 就业 as 生态效益, 消防 as 生态效益, 单位运转 as 生态效益
        domain = _split(subject, declared, "domain")
        home = domain.best()
        if home is not None:
            margin = domain.foreign[home] - domain.support
            if domain.foreign[home] >= params["min_subject"] and margin >= params["benefit_margin"]:
                in_name = named and _split(name_ev, declared, "domain").foreign.get(home, 0.0) > 0
                return FitVerdict("subject", declared, home, "indicator" if in_name else "description",
                                  _main_topic(subject, home, declared, "domain"), domain.terms.get(home, []),
                                  margin, _confidence(margin, params), True)
    return None


def _one_cell(declared: str, name_ev: Evidence, desc_ev: Evidence, kind_ev: Evidence,
              params: dict[str, Any], value: Any = None) -> FitVerdict | None:
    """One cell points elsewhere while the rest of the row fits. Not when the 指标值 itself
    confirms the declared category ("使用年限 | 验收及时率 | ≥15年", "河渠清理成本 | 按规定时间完成
    | ≤2万元"): the odd cell then disagrees with the value too — a slip inside the row
    (CONTRADICTION's), not a row filed under the wrong 二级."""
    if _split(kind_ev, declared, "metric").support > 0:
        return None
    model = _model()
    name = _split(name_ev, declared, "metric")
    desc = _split(desc_ev, declared, "metric")
    # a benefit's description may name the means ("资金及时发放后，生活水平改善"): only when it
    # states no effect at all is it about something else
    states_effect = declared in BENEFIT_KEYS and any(
        model.topics[t].kind == "metric" and model.topics[t].home in BENEFIT_KEYS and declared in model.topics[t].fits
        for t in desc_ev.scores)
    name_fits = name.support > 0 or not name.foreign  # the name fits, or names nothing measurable
    home = desc.best()
    if (home is not None and name_fits and not states_effect and desc.support * 2 <= desc.foreign[home]
            and desc.foreign[home] >= params["part_min"]):
        margin = desc.foreign[home]
        return FitVerdict("description", declared, home, "description", _main_topic(desc_ev, home, declared, "metric"),
                          desc.terms.get(home, []), margin, _confidence(margin, params, "part_confidence_max"), False)
    rest_support = _split(desc_ev.merged(kind_ev), declared, "metric").support
    home = name.best()
    if home is not None and name.support == 0 and rest_support > 0 and name.foreign[home] >= params["name_part_min"]:
        time_point = model.time_point
        if (home == "timeliness" and time_point is not None and value is not None
                and value.kind in ("percent", "money", "count")
                and any(time_point.search(t) for t in name.terms.get(home, []))):
            return None  # "完成时间 | …达标率 | ≥95%": the name asks for a date, the value is not one
        margin = name.foreign[home]
        return FitVerdict("name", declared, home, "indicator", _main_topic(name_ev, home, declared, "metric"),
                          name.terms.get(home, []), margin, _confidence(margin, params, "part_confidence_max"), True)
    return None


def _value_off_topic(declared: str, subject: Evidence, value_ev: Evidence, params: dict[str, Any]) -> FitVerdict | None:
    """A benefit whose text value is about another field than its indicator AND than its declared
    category (生态效益 "人居环境改善" → "解决就业"). When the value fits the declared category
    (社会效益 "环境的改善与提升" → "解决200人就业"), nothing is misfiled: the name and the value
    disagree, which is CONTRADICTION's."""
    model = _model()
    s_dom = {t: s for t, s in subject.scores.items() if model.topics[t].kind == "domain"}
    v_dom = {t: s for t, s in value_ev.scores.items() if model.topics[t].kind == "domain"}
    if not s_dom or not v_dom:
        return None
    s_topic = max(s_dom, key=s_dom.get)
    v_topic = max(v_dom, key=v_dom.get)
    s_home, v_home = model.topics[s_topic].home, model.topics[v_topic].home
    if (s_dom[s_topic] >= params["min_subject"] and v_dom[v_topic] >= params["value_topic_min"]
            and s_home != v_home and s_home not in model.topics[v_topic].fits
            and v_home != declared and declared not in model.topics[v_topic].fits
            and not any(model.topics[t].home == s_home for t in v_dom)):
        margin = v_dom[v_topic]
        return FitVerdict("value", declared, v_home, "value", v_topic, value_ev.terms.get(v_topic, []), margin,
                          _confidence(margin, params, "part_confidence_max"), False, s_home, s_topic)
    return None


def open_to_second_opinion(indicator: Any, predicted: str | None = None) -> bool:
    """Whether the trained category model may report this row as belonging to `predicted` (a 二级
    key; LEVEL_MISMATCH.model): the topic model does not report the row itself (assess_fit),
    VALUE_KIND does not own it, and the lexicon's words in the name and description do not back
    the declared 二级 at least as strongly as the predicted one ("森林覆盖率" under 生态效益 stays).
    The classifier, trained on a few hundred rows, speaks only where the lexicon is not surer."""
    declared = level2_key(indicator.level2)
    if declared is None or assess_fit(indicator) is not None or value_kind_owns(indicator):
        return False
    evidence = topic_evidence(f"{indicator.level3}｜{indicator.description}")
    known = topics()

    def support(key: str | None) -> float:
        return sum(weight for name, weight in evidence.scores.items()
                   if name in known and key in known[name].fits and weight > 0)

    backing = support(declared)
    return backing == 0 or (predicted is not None and support(predicted) > backing)


def value_kind_owns(indicator: Any) -> bool:
    """Money as a 数量 (RULEBOOK 3: "投入数量不能作为绩效目标"): the wrong kind of value is the
    defect whatever the 三级 says ("资金成本 | 10万元" under 数量指标). VALUE_KIND reports the
    row; LEVEL_MISMATCH stays silent on it (one defect, one category)."""
    value = getattr(indicator, "parsed", None)
    if value is None or getattr(value, "placeholder", False):
        return False
    return level2_key(indicator.level2) == "quantity" and value.kind == "money"


# ============================================================================================
# Row wording shared by the value checks: category-label names, the name to quote
# ============================================================================================

_CATEGORY_LABEL = re.compile(
    r"(?:产出|效益|满意度)?(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|(?:服务对象)?满意度)?指标"
    r"|(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度)"
)


def is_category_label(text: str) -> bool:
    """A 三级 name that only repeats a category ("成本指标", "社会效益指标", "数量")."""
    return bool(_CATEGORY_LABEL.fullmatch(squash(text)))


def display_name(indicator: Any) -> str:
    """The 三级 name to quote in a message; the description when the name is only a category
    label ("社会效益指标")."""
    name = (indicator.level3 or "").strip()
    if not name or is_category_label(name):
        return (indicator.description or "").strip() or name
    return name


# ============================================================================================
# Direction: what an indicator measures — more is better (+) or less is better (-)
# (RULEBOOK 10; word lists in rules/lexicons/direction.yaml). VALUE_DIRECTION judges the
# comparator with it, VALUE_IMPLAUSIBLE a 0 % target.
# ============================================================================================


@dataclass
class Polarity:
    sign: str  # "+" (more is better) | "-" (less is better)
    what: str  # what the indicator measures, for the message ("要达到的比率")
    strong: bool  # decided by the category or an explicit word of the 三级 name
    cue: str = ""  # the word that decided, if any


def _find(words: list[str], text: str) -> str:
    return next((w for w in words if w and w in text), "")


def _direction_subject(indicator: Any) -> tuple[str, str]:
    """(name, description) used to read what the row measures. A 三级 name that is only a
    category label ("成本指标", "数量指标") says nothing: the description stands in for it."""
    name = squash(indicator.level3)
    desc = squash(indicator.description)
    if not name or is_category_label(name):
        return desc, ""
    return name, desc


def negative_word(text: str) -> str:
    """The negative word in `text` (投诉, 事故, 超标 …) when nothing in it turns the indicator
    around (查处, 降低, 办结 …); "" otherwise."""
    lex = lexicon("direction")
    word = _find(lex.get("negative", []), text)
    if word and not _find(lex.get("reversal", []), text):
        return word
    return ""


def polarity(indicator: Any) -> Polarity | None:
    """What the indicator measures: more-is-better (+) or less-is-better (-); None when the
    row does not say clearly enough to judge."""
    from .values import parse_value

    lex = lexicon("direction")
    value = getattr(indicator, "parsed", None) or parse_value(indicator.value)
    key2 = level2_key(indicator.level2)
    key1 = level1_key(indicator.level1)
    is_cost = key2 == "cost" or (key1 == "cost" and key2 is None)
    name, desc = _direction_subject(indicator)
    named = not is_category_label(indicator.level3) and bool(squash(indicator.level3))
    kind = value.kind

    if kind == "money":
        word = _find(lex.get("positive_money", []), name)
        if word:
            return Polarity("+", "要实现的收益或节约额", True, word)
        if is_cost:
            return Polarity("-", "成本（支出上限）", True)
        word = _find(lex.get("cost", []), name)
        if word and key2 in BENEFIT_KEYS:
            return Polarity("-", "成本（支出上限）", False, word)
        return None  # money as a 数量/质量/时效 value is VALUE_KIND's

    if kind == "percent":
        if is_cost:
            # 成本控制率 ≤100 % and 预算执行率 ≥95 % are both written (VALUE_KIND's field); only a
            # rate of something to keep low ("支出是否超标", "超支率") has a direction
            for text, strong in ((name, named), (desc, False)):
                word = _find(lex.get("cost_negative", []), text) if text else ""
                if word and not _find(lex.get("reversal", []), text):
                    return Polarity("-", f"要压低的比率（{word}）", strong, word)
            return None
        for text, strong in ((name, named), (desc, False)):
            if not text:
                continue
            word = negative_word(text)
            if word:
                return Polarity("-", f"要压低的比率（{word}）", strong, word)
            if text == name and key2 == "satisfaction":
                return Polarity("+", "满意度", True, "满意度")
            word = _find(lex.get("positive_rate", []), text)
            if word:
                return Polarity("+", "要达到的比率", strong, word)
            if re.search(r"率|比例|比率|占比|程度|[（(]%[）)]", text):
                return Polarity("+", "要达到的比率", False)
        return None

    if kind == "count":
        for text, strong in ((name, named), (desc, False)):
            word = negative_word(text) if text else ""
            if word:
                return Polarity("-", f"要压低的数量（{word}）", strong, word)
        if _find(lex.get("limit", []), name + desc):
            return None
        if key2 == "quantity":
            return Polarity("+", "要完成的数量", True)
        if key2 in BENEFIT_KEYS:
            return Polarity("+", "要实现的效果数量", True)
        return None

    if kind == "duration":
        word = _find(lex.get("lasting", []), name)
        if word:
            return Polarity("+", "要保持的期限", True, word)
        word = _find(lex.get("time_used", []), name)
        if word:
            if _find(lex.get("shorten", []), name):
                return Polarity("+", "要缩短的时间", True, word)
            return Polarity("-", "所用时间", True, word)
        if key2 == "timeliness":
            if _find(lex.get("shorten", []), name):
                return Polarity("+", "要缩短的时间", False)
            return Polarity("-", "所用时间", False)
        return None
    return None


# ============================================================================================
# A percentage of nothing: a % target whose 三级/描述 name no share that could be computed, on an
# abstract state ("保障社会稳定 >90%", "社会影响力 ≥90%", "水质提升效率 ≥90%"). VALUE_VAGUE
# reports it; VALUE_IMPLAUSIBLE leaves such rows alone (one defect, one category). Word lists:
# `percent_undefined` in rules/lexicons/vague.yaml.
# ============================================================================================


@dataclass
class _PercentWords:
    ratio: tuple[str, ...]
    not_ratio: tuple[str, ...]
    change: re.Pattern[str]
    abstract: tuple[str, ...]
    categories: frozenset[str]


@lru_cache(maxsize=1)
def percent_words() -> _PercentWords:
    spec = lexicon("vague").get("percent_undefined") or {}
    return _PercentWords(
        tuple(spec.get("ratio_words") or ()),
        tuple(spec.get("not_ratio") or ()),
        re.compile(spec.get("change_phrase") or "(?!)"),
        tuple(spec.get("abstract_states") or ()),
        frozenset(spec.get("categories") or ()),
    )


@dataclass
class UndefinedPercent:
    state: str  # the abstract state quoted ("社会稳定")
    change: str  # the change phrase that stood in for a share ("提高的比率"), if any


def undefined_percent(indicator: Any) -> UndefinedPercent | None:
    """The abstract state a percentage target is attached to when neither the 三级 nor the 描述
    names a share to compute ("社会稳定", "影响力", "环境"), else None. A change of such a state
    ("社会稳定水平较去年提高的比率", "社会效益增加率") is no better defined than the state itself.
    Only 质量 and 效益 rows are judged (a % in 数量/成本 is VALUE_KIND's, 满意度 is a survey share),
    and not a row whose description only repeats its name (DESC_ECHO's: the missing description
    is the defect)."""
    value = getattr(indicator, "parsed", None)
    if value is None or value.placeholder or value.kind != "percent":
        return None
    words = percent_words()
    if level2_key(indicator.level2) not in words.categories:
        return None
    name = squash(normalize_text(indicator.level3 or ""))
    desc = squash(normalize_text(indicator.description or ""))
    if name and desc and name == desc:
        return None
    subject = f"{name}|{desc}" if not is_category_label(name) else desc
    stripped = words.change.sub("|", subject)
    for word in words.not_ratio:
        stripped = stripped.replace(word, "|")
    if any(word in stripped for word in words.ratio):
        return None
    change = words.change.search(subject)
    # the state to quote: the first (longest) abstract word of the name, else of the description
    for text in (name if not is_category_label(name) else "", desc):
        hits = [(text.find(w), -len(w), w) for w in words.abstract if w in text]
        if hits:
            return UndefinedPercent(min(hits)[2], change.group(0) if change else "")
    return None
