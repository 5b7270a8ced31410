"""TEXT_REUSE: text copied from another project, unit or domain where it does not fit (RULEBOOK 19).

Three shapes:

* another table's beneficiaries or subject — the "综合网格员补贴" table whose description speaks of
  "我单位凤还巢大学生村干部", the 凤还巢 table whose cost row is "公岗满三年工资支出" (the 公益性岗位
  table's subject), a land-compensation table that names another table's road or river;
* another agency's duties or another domain's work — "社会公众对综治工作满意度" in a 武装工作经费
  table, "接受基本公共卫生服务的重点人群对基层医疗卫生机构…满意程度" in a 环境卫生保洁 table,
  "灭火效率" in an 环保所 table;
* a 区/街道 (or provincial) template in a township: "上报区民政局", "街道环保工作",
  "…县（市、区）数量占我省县（市、区）总数比例"; a city's or the finance department's own mission
  ("全力构建…现代地方财政", "加快建设经济强市") in a township's Part 1;
* another domain's vocabulary: "补偿金额" (land compensation) in a 人大代表联络站 table, "工资发放率"
  in a 交通补贴 table, "工程量" in a printing budget, "税收完成情况" as the basis of an environment
  row;
* a goal copied from last year's self-evaluation ("…较上年实现了增长，完成了党委政府的目标任务");
* across submissions (when the engine has a corpus index, `ctx.corpus`): a goal, description,
  value + basis or fund use that is the same or nearly the same text as a cell of an unrelated
  project — another beneficiary group or domain, in this unit or another — cited by place
  ("与《X镇 表3 环保工作经费》第5行绩效指标描述相同"). Common formulas (rules/lexicons/
  common_formulas.yaml, or wording more than `formula_min_units` units use) are not copies.

Matching runs on a spaCy pipeline (`spacy.blank("zh")` with the jieba segmenter, built once per
process) with PhraseMatchers over the lexicons (rules/lexicons/beneficiaries.yaml,
agency_duties.yaml) and over subject and place names taken from the submission's own project
names. A table OWNS a subject or domain when its own project name or 资金用途 names it; a term that
appears in both this table's own name/fund use and another's is this table's own. Generic words
(资金, 工作, 群众, 村) are never terms.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .. import evidence
from ..domain import level2_key
from ..resources import lexicon
from ..textsim import jieba_module, private_tokenizer
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..values import normalize_text, squash
from . import Context, check

# ------------------------------------------------------------------------------------------------
# Lexicons and the spaCy pipeline (cached per process; the lexicons are static data)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    domain: str
    terms: tuple[str, ...]
    population: bool = False  # residents many programmes name in passing (残疾人, 低保户 …)


@dataclass(frozen=True)
class Domain:
    key: str
    label: str
    kind: str  # agency | activity
    terms: tuple[str, ...]
    triggers: tuple[str, ...]
    excludes: tuple[str, ...] = ()  # phrases of the table's own text that are not a trigger ("交通补贴")
    goals_own: bool = True  # the table's goals may make the domain its own
    in_basis: bool = False  # also a foreign statistic when named as the 指标值确定依据
    allowed_level2: tuple[str, ...] = ()  # 二级 under which any project may speak of it


@dataclass(frozen=True)
class Lexicons:
    groups: dict[str, Group]
    domains: dict[str, Domain]
    person_suffixes: tuple[str, ...]
    generic_persons: frozenset[str]
    place_suffixes: tuple[str, ...]
    generic_places: frozenset[str]
    general_purpose: tuple[str, ...]
    district_agency: tuple[re.Pattern[str], ...]
    district_scope: tuple[re.Pattern[str], ...]
    provincial_scope: tuple[re.Pattern[str], ...]
    bureau_scope: tuple[re.Pattern[str], ...]
    city_finance: tuple[re.Pattern[str], ...]
    city_scope: tuple[re.Pattern[str], ...]
    self_evaluation: tuple[re.Pattern[str], ...]
    other_unit: re.Pattern[str] | None
    not_unit_names: frozenset[str]
    unit_lead_chars: str


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    people = lexicon("beneficiaries")
    duties = lexicon("agency_duties")
    groups = {
        key: Group(key, spec["label"], spec.get("domain", key), tuple(str(t) for t in spec["terms"]),
                   bool(spec.get("population")))
        for key, spec in (people.get("groups") or {}).items()
    }
    domains = {
        key: Domain(key, spec["label"], spec.get("kind", "activity"), tuple(str(t) for t in spec["terms"]),
                    tuple(str(t) for t in spec.get("triggers") or ()),
                    excludes=tuple(str(t) for t in spec.get("excludes") or ()),
                    goals_own=bool(spec.get("goals_own", True)),
                    in_basis=bool(spec.get("in_basis", False)),
                    allowed_level2=tuple(str(t) for t in spec.get("allowed_level2") or ()))
        for key, spec in (duties.get("domains") or {}).items()
    }
    district = duties.get("district_templates") or {}
    provincial = duties.get("provincial_templates") or {}
    other = duties.get("other_unit") or {}
    return Lexicons(
        groups=groups,
        domains=domains,
        person_suffixes=tuple(people.get("person_suffixes") or ()),
        generic_persons=frozenset(people.get("generic_persons") or ()),
        place_suffixes=tuple(people.get("place_suffixes") or ()),
        generic_places=frozenset(people.get("generic_places") or ()),
        general_purpose=tuple(duties.get("general_purpose") or ()),
        district_agency=tuple(re.compile(p) for p in district.get("agency") or ()),
        district_scope=tuple(re.compile(p) for p in district.get("scope") or ()),
        provincial_scope=tuple(re.compile(p) for p in provincial.get("scope") or ()),
        bureau_scope=tuple(re.compile(p) for p in (duties.get("bureau_templates") or {}).get("scope") or ()),
        city_finance=tuple(re.compile(p) for p in (duties.get("city_templates") or {}).get("finance") or ()),
        city_scope=tuple(re.compile(p) for p in (duties.get("city_templates") or {}).get("scope") or ()),
        self_evaluation=tuple(re.compile(p) for p in duties.get("self_evaluation") or ()),
        other_unit=re.compile(other["pattern"]) if other.get("pattern") else None,
        not_unit_names=frozenset(other.get("not_names") or ()),
        unit_lead_chars=str(other.get("lead_chars") or ""),
    )


class _JiebaSegmenter:
    """What spaCy's ChineseTokenizer calls (`.cut(text, cut_all=False)`), backed by a private
    jieba dictionary that knows the lexicon terms. The module-level jieba (used by textsim) is
    left untouched, and HMM new-word guessing is off so a phrase segments the same way in every
    cell ("公岗满三年" stays 公岗/满/三年)."""

    def __init__(self, words: list[str]):
        self._tokenizer = private_tokenizer(words)

    def cut(self, text: str, cut_all: bool = False, HMM: bool = False):  # noqa: N803 - jieba's name
        return self._tokenizer.cut(text, cut_all=cut_all, HMM=False)

    def frequency(self, word: str) -> int:
        self._tokenizer.check_initialized()
        return int(self._tokenizer.FREQ.get(word, 0) or 0)


@lru_cache(maxsize=1)
def nlp() -> Any:
    """spaCy's blank Chinese pipeline with the jieba segmenter (built once per process)."""
    import spacy

    jieba_module()  # spaCy's tokenizer warms jieba up with a cut: load its dictionary the fast way first
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    lex = lexicons()
    words = [t for g in lex.groups.values() for t in g.terms] + [t for d in lex.domains.values() for t in d.terms]
    pipeline.tokenizer.jieba_seg = _JiebaSegmenter(words)
    return pipeline


@lru_cache(maxsize=1)
def _lexicon_matcher() -> Any:
    """PhraseMatcher over every lexicon term: label "G:<group>" or "D:<domain>"."""
    from spacy.matcher import PhraseMatcher

    pipeline = nlp()
    matcher = PhraseMatcher(pipeline.vocab, attr="ORTH")
    lex = lexicons()
    for group in lex.groups.values():
        matcher.add(f"G:{group.key}", [pipeline.make_doc(t) for t in group.terms])
    for domain in lex.domains.values():
        matcher.add(f"D:{domain.key}", [pipeline.make_doc(t) for t in domain.terms])
    return matcher


@lru_cache(maxsize=4096)
def _doc(text: str) -> Any:
    return nlp()(text)


def _spans(text: str, matcher: Any) -> list[tuple[str, str, int, int]]:
    """(label, matched text, start char, end char), longest first, non-overlapping."""
    doc = _doc(text)
    found = []
    for match_id, start, end in matcher(doc):
        span = doc[start:end]
        found.append((doc.vocab.strings[match_id], span.text, span.start_char, span.end_char))
    found.sort(key=lambda s: (-(s[3] - s[2]), s[2]))
    kept: list[tuple[str, str, int, int]] = []
    for item in found:
        if all(item[3] <= k[2] or item[2] >= k[3] for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda s: s[2])


# ------------------------------------------------------------------------------------------------
# What each table owns
# ------------------------------------------------------------------------------------------------


@dataclass
class Owner:
    table: ProjectTable
    own_text: str  # project name + fund use, normalised
    groups: set[str] = field(default_factory=set)
    group_domains: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    general: bool = False
    own_terms: list[str] = field(default_factory=list)  # lexicon spellings of its own groups


def _norm(text: str) -> str:
    return normalize_text(text or "", fold=False)


def _owners(submission: Submission, lex: Lexicons) -> dict[int, Owner]:
    return {id(table): _owner(table, lex) for table in submission.tables}


def _owner(table: ProjectTable, lex: Lexicons, fund_use: bool = True, goals: bool = True) -> Owner:
    """What a table owns: the groups and domains its name and 资金用途 (and, for the domains,
    its goals) speak of. `fund_use=False`: not by its fund use; `goals=False`: not by its goals
    (what the project is, rather than everything it may mention)."""
    name = _norm(table.project or table.title)
    own = name + "\n" + (_norm(table.fund_use) if fund_use else "")
    owner = Owner(table, own)
    for group in lex.groups.values():
        hits = [t for t in group.terms if t in own]
        if hits:
            owner.groups.add(group.key)
            owner.group_domains.add(group.domain)
            owner.own_terms.extend(hits)
    # a domain is the table's own when its name, fund use or goals speak of it (the goals too:
    # a 护林员 fund whose goal is "森林火灾发生率为0" may measure 灭火)
    with_goals = own + "\n" + _norm("\n".join(table.goals)) if goals else own
    for domain in lex.domains.values():
        scope = with_goals if domain.goals_own else own
        for phrase in domain.excludes:
            scope = scope.replace(phrase, "、")
        if any(t in scope for t in domain.triggers) or any(t in scope for t in domain.terms):
            owner.domains.add(domain.key)
    owner.general = any(w in name for w in lex.general_purpose)
    return owner


def _name_terms(table: ProjectTable, lex: Lexicons, unit_name: str) -> list[tuple[str, str]]:
    """Subject and place names taken from a project name that the lexicon does not know:
    ("事业人员", "person"), ("老漳河", "place"). The shortest run of whole tokens (≥3 characters)
    that ends with a person or place word and is not generic."""
    name = _norm(table.project or table.title)
    name = re.sub(r"[（(][^）)]*[）)]", "、", name)  # periods and notes in brackets
    tokens = [t.text for t in _doc(name)]
    known = {t for g in lex.groups.values() for t in g.terms}
    terms: list[tuple[str, str]] = []
    for end in range(len(tokens)):
        last = tokens[end]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", last):
            continue
        kind = ("person" if any(last.endswith(s) for s in lex.person_suffixes)
                else "place" if last[-1] in lex.place_suffixes else None)
        if kind is None:
            continue
        generic = lex.generic_persons if kind == "person" else lex.generic_places
        for start in range(end, max(-1, end - 4), -1):
            if not re.fullmatch(r"[\u4e00-\u9fff]+", tokens[start]):
                break
            candidate = "".join(tokens[start:end + 1])
            if len(candidate) < 3 or candidate in generic:
                continue
            if re.search(r"[及和与等的或改]", candidate[:-1]) or (kind == "place" and name.find(candidate) > 6):
                break  # "清理及河", "线改线": not a name; place names lead the project name
            if any(k in candidate or candidate in k for k in known):
                break  # the lexicon already covers it (as a group)
            if candidate in unit_name:
                break
            terms.append((candidate, kind))
            break
    return terms


# ------------------------------------------------------------------------------------------------
# The check
# ------------------------------------------------------------------------------------------------


@dataclass
class Hit:
    rank: int  # lower is reported first
    severity: str
    confidence: float
    term: str
    message: str
    suggestion: str
    variant: str


_ROW_FIELDS = (("level3", "indicator", "三级指标"), ("description", "description", "绩效指标描述"),
               ("value", "value", "指标值"), ("basis", "basis", "指标值确定依据"))


def _label(table: ProjectTable) -> str:
    return f"表{table.number}《{table.project or table.title}》"


def _topic(table: ProjectTable) -> str:
    """What the project is about, for suggestions: "武装工作经费" -> "武装工作"."""
    name = re.sub(r"[（(][^）)]*[）)]", "", table.project or table.title).strip("“”\"' ")
    topic = re.sub(r"(?:专项)?(?:经费|资金|项目资金|项目经费|补助资金|专项资金|费)$", "", name)
    return topic or name


def _short_fund_use(fund_use: str) -> str:
    """The 资金用途 without the budget preamble ("预算数2万元。其中：…。主要用于…")."""
    text = _norm(fund_use).strip()
    at = text.find("主要用于")
    if at >= 0:
        text = text[at:]
    return text if len(text) <= 40 else text[:40] + "…"


@check("TEXT_REUSE")
def text_reuse(submission: Submission, ctx: Context) -> Iterator[Finding]:
    lex = lexicons()
    owners = _owners(submission, lex)
    unit = _norm(submission.unit_name)
    dynamic = _dynamic_matcher(submission, lex, unit)
    templates = _applicable_templates(unit, lex)
    own_town = _own_town(unit)
    own: dict[tuple, Finding] = {}  # what this submission's own evidence flags, by place
    for table in submission.tables:
        owner = owners[id(table)]
        for index, _goal in enumerate(table.goals):
            raw = evidence.goal(table, index)
            hit = _best(raw, "goal", table, owner, owners, dynamic, lex, templates, ctx, None, own_town)
            if hit:
                own[(table.number, "goal", index)] = _emit(ctx, table, None, "goal", f"绩效目标{index + 1}", raw, hit)
        for indicator in table.indicators:
            best: tuple[Hit, str, str, str] | None = None
            for attr, fld, label in _ROW_FIELDS:
                raw = evidence.cell(indicator, attr)
                if not raw:
                    continue
                hit = _best(raw, attr, table, owner, owners, dynamic, lex, templates, ctx, indicator, own_town)
                if hit and (best is None or hit.rank < best[0].rank):
                    best = (hit, fld, label, raw)
            if best:
                hit, fld, label, raw = best
                own[(table.number, "row", indicator.row)] = _emit(ctx, table, indicator, fld, label, raw, hit)
    for paragraph in [*submission.part1.all_paragraphs]:
        text = _norm(paragraph)
        hit = (_template_hit(text, templates, ctx, "第一部分") if templates else None) or _other_unit_hit(
            text, own_town, lex, ctx)
        if hit:
            quoted = evidence.fragment(paragraph, _clause(text, hit.term))
            yield ctx.finding(
                table=None, field="narrative", variant=hit.variant, evidence=quoted,
                message=f"第一部分“{quoted}”{hit.message}", suggestion=hit.suggestion,
                severity=hit.severity, confidence=hit.confidence,
            )
    copied: dict[tuple, Finding] = {}
    if ctx.corpus is not None and hasattr(ctx.corpus, "query"):
        copied = _copied_from_elsewhere(submission, ctx, lex)
    # one finding per place: a copy the corpus traces to its source replaces a weaker finding
    # of the same place; a stronger one stays and the copy is not reported
    for place, finding in own.items():
        other = copied.get(place)
        if other is not None and _SEVERITY_RANK[other.severity] <= _SEVERITY_RANK[finding.severity]:
            continue
        copied.pop(place, None)
        yield finding
    yield from copied.values()


def _emit(ctx: Context, table: ProjectTable, indicator: Indicator | None, fld: str, label: str,
          raw: str, hit: Hit) -> Finding:
    text = _norm(raw)
    quoted = raw.strip() if len(text) <= ctx.option("quote_whole_cell_up_to") else evidence.fragment(raw, _clause(text, hit.term))
    message = hit.message
    repeated = f"中的“{hit.term}”"
    if message.startswith(repeated) and squash(quoted) == squash(hit.term):
        message = message[len(repeated):]
    return ctx.finding(
        table=table, row=indicator, field=fld, variant=hit.variant, evidence=quoted,
        message=f"{_label(table)}的{label}“{quoted}”{message}",
        suggestion=hit.suggestion, severity=hit.severity, confidence=hit.confidence,
    )


def _clause(text: str, term: str) -> str:
    at = text.find(term)
    if at < 0:
        return text
    left = max((m.end() for m in re.finditer(r"[，,。；;！!？?\n]", text[:at])), default=0)
    right_m = re.search(r"[，,。；;！!？?\n]", text[at + len(term):])
    right = at + len(term) + right_m.start() if right_m else len(text)
    return text[left:right].strip() or text


def _dynamic_matcher(submission: Submission, lex: Lexicons, unit: str) -> tuple[Any, dict[str, tuple[str, list[ProjectTable]]]]:
    """A PhraseMatcher over the subject/place names of this submission's project names."""
    from spacy.matcher import PhraseMatcher

    pipeline = nlp()
    matcher = PhraseMatcher(pipeline.vocab, attr="ORTH")
    sources: dict[str, tuple[str, list[ProjectTable]]] = {}
    for table in submission.tables:
        for term, kind in _name_terms(table, lex, unit):
            sources.setdefault(term, (kind, []))[1].append(table)
    # a name shared by half the tables or more is the unit's common vocabulary, not a subject
    limit = max(2, len(submission.tables) // 2)
    for term in list(sources):
        if sum(term in _norm(t.project) for t in submission.tables) >= limit:
            del sources[term]
    for term in sources:
        matcher.add(f"N:{term}", [pipeline.make_doc(term)])
    return matcher, sources


def _best(raw: str, attr: str, table: ProjectTable, owner: Owner, owners: dict[int, Owner],
          dynamic: tuple[Any, dict[str, tuple[str, list[ProjectTable]]]], lex: Lexicons,
          templates: dict[str, tuple[re.Pattern[str], ...]], ctx: Context,
          indicator: Indicator | None, own_town: str = "") -> Hit | None:
    text = _norm(raw)
    if not text:
        return None
    hits: list[Hit] = []
    basis = attr == "basis"
    for label, term, _s, _e in _spans(text, _lexicon_matcher()):
        kind, key = label.split(":", 1)
        if kind == "G":
            hit = _group_hit(key, term, table, owner, owners, lex, ctx, basis, text)
        else:
            hit = _domain_hit(key, term, table, owner, owners, lex, ctx, basis, indicator)
        if hit:
            hits.append(hit)
    matcher, sources = dynamic
    for label, term, _s, _e in _spans(text, matcher):
        kind, sources_of = sources[label.split(":", 1)[1]]
        hit = _name_hit(term, kind, sources_of, table, owner, ctx, basis)
        if hit:
            hits.append(hit)
    if attr == "description" and indicator is not None:
        hit = _rubric_hit(text, indicator, ctx)
        if hit:
            hits.append(hit)
    if attr == "goal":
        hit = _self_evaluation_hit(text, lex, ctx)
        if hit:
            hits.append(hit)
    if templates and not basis:
        hit = _template_hit(text, templates, ctx, "")
        if hit:
            hits.append(hit)
    hit = _other_unit_hit(text, own_town, lex, ctx)
    if hit:
        hits.append(hit)
    return min(hits, key=lambda h: h.rank) if hits else None


def _own_subject(owner: Owner) -> str:
    if owner.own_terms:
        return max(owner.own_terms, key=len)
    return owner.table.project or owner.table.title


def _group_hit(key: str, term: str, table: ProjectTable, owner: Owner, owners: dict[int, Owner],
               lex: Lexicons, ctx: Context, basis: bool, cell: str) -> Hit | None:
    group = lex.groups[key]
    if key in owner.groups or group.domain in owner.group_domains:
        return None
    others = [o for o in owners.values() if o.table is not table and key in o.groups]
    if not others:
        return None
    own_terms = {t for g in owner.groups for t in lexicons().groups[g].terms}
    if any(t in cell for t in own_terms):
        return None  # the cell lists this table's own beneficiaries too
    if group.population and not owner.groups:
        return None  # a resident group named by a table without a specific beneficiary of its own
    source = others[0].table
    cited = "、".join(_label(o.table) for o in others[:2])
    severity = "medium" if (basis or owner.general) else ctx.rule.severity
    confidence = ctx.option("general_purpose_confidence") if owner.general else 1.0
    own = _own_subject(owner)
    if basis:
        message = (f"引用的是关于“{term}”的文件，那是{cited}（{group.label}）的依据，"
                   f"与本项目（{_topic(table)}）无关，疑为从{_label(source)}复制。")
        suggestion = f"改为本项目（{_topic(table)}）的立项、资金文件或测算标准，不要沿用{_label(source)}的依据。"
    else:
        message = (f"写的对象“{term}”是{cited}的受益对象（{group.label}），不是本项目的对象，"
                   f"疑为从表{source.number}复制。")
        suggestion = (f"改为本项目自己的对象，如把“{term}”改为“{own}”，"
                      "并逐项核对该行的描述、指标值和依据是否都是本项目的内容。")
    return Hit(
        rank=0 if severity == "high" else 2, severity=severity, confidence=confidence, term=term,
        variant="other-project-subject", message=message, suggestion=suggestion,
    )


def _name_hit(term: str, kind: str, sources_of: list[ProjectTable], table: ProjectTable, owner: Owner,
              ctx: Context, basis: bool) -> Hit | None:
    if table in sources_of or term in owner.own_text:
        return None
    source = sources_of[0]
    what = "受益对象" if kind == "person" else "地点"
    severity = "medium" if basis else ctx.rule.severity
    return Hit(
        rank=1 if severity == "high" else 3, severity=severity, confidence=ctx.option("name_term_confidence"),
        term=term, variant="other-project-subject",
        message=f"中的“{term}”是{_label(source)}的{what}，不属于本项目，疑为从该表复制。",
        suggestion=f"改为本项目（{_topic(table)}）自己的{what}和内容，并核对该行其余文字。",
    )


def _domain_hit(key: str, term: str, table: ProjectTable, owner: Owner, owners: dict[int, Owner],
                lex: Lexicons, ctx: Context, basis: bool, indicator: Indicator | None) -> Hit | None:
    domain = lex.domains[key]
    if (basis and not domain.in_basis) or owner.general or key in owner.domains:
        return None
    if indicator is not None and level2_key(indicator.level2) in domain.allowed_level2:
        return None  # "增加税收" as an 经济效益 of any project
    fund = _short_fund_use(owner.table.fund_use)
    others = _domain_sources(term, key, domain, table, owners)
    also = f"（本文本中属于{_label(others[0])}）" if others else ""
    severity = "high" if domain.kind == "agency" else "medium"
    satisfaction = indicator is not None and level2_key(indicator.level2) == "satisfaction"
    confidence = ctx.option("domain_confidence")
    if key == "ecology":
        confidence = ctx.option("ecology_confidence")
        fix = (f"本项目（{_topic(table)}）与生态环境没有直接关系：删去该指标，效益指标只保留与本项目相关的类别"
               "（如社会效益）；确有生态效益的，写明可测量的内容和口径。")
    elif satisfaction:
        fix = (f"改为本项目受益对象的满意度，如“受益群众对{_topic(table)}的满意度”，"
               "以问卷调查中满意和较满意人数占调查人数的比例计算。")
    else:
        fix = f"删去“{term}”，改写为反映本项目（{_topic(table)}）实际产出或效果的内容。"
    return Hit(
        rank=1 if severity == "high" else 4, severity=severity, confidence=confidence,
        term=term, variant="other-agency-duty" if domain.kind == "agency" else "other-domain",
        message=(f"中的“{term}”属于{domain.label}{also}，与本项目"
                 + (f"（资金用途：{fund}）" if fund else "")
                 + "无关，疑为套用其他部门或其他项目的模板。"),
        suggestion=fix,
    )


def _table_text(table: ProjectTable) -> str:
    parts = [table.project, table.fund_use, *table.goals]
    for indicator in table.indicators:
        parts += [indicator.level3, indicator.description, indicator.value, indicator.basis]
    return _norm("\n".join(p for p in parts if p))


def _domain_sources(term: str, key: str, domain: Domain, table: ProjectTable,
                    owners: dict[int, Owner]) -> list[ProjectTable]:
    """Other tables the wording may come from: those that own the domain and use the same term
    anywhere, else another of the domain's terms (表17 征地 "增加税收" for a "税收完成情况" basis).
    Else a table owning the domain by a trigger word — except for the domains with loose triggers
    (goals_own: false): "补助" does not make a table the home of "基本报酬"."""
    others = [o for o in owners.values() if o.table is not table and key in o.domains and not o.general]
    texts = {id(o): _table_text(o.table) for o in others}
    same_term = [o.table for o in others if term in texts[id(o)]]
    if same_term:
        return same_term
    related = [o.table for o in others if any(t in texts[id(o)] for t in domain.terms)]
    if related:
        return related
    return [o.table for o in others if any(t in o.own_text for t in domain.triggers) and domain.goals_own]


_RUBRIC = re.compile(r"得\s*\d+(?:\.\d+)?\s*分")
_RUBRIC_GENERIC = {"项目", "完成", "资金", "指标", "工作", "达到", "大于", "等于", "以上", "情况", "比率", "比例"}


def _bigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in re.findall(r"[\u4e00-\u9fff]+", text):
        grams.update(word[i:i + 2] for i in range(len(word) - 1))
    return grams - _RUBRIC_GENERIC


def _rubric_hit(text: str, indicator: Indicator, ctx: Context) -> Hit | None:
    """A description copied from a 绩效评价 scoring sheet ("项目验收合格率100%得10分") that is not
    even about this row's indicator ("网格员人数")."""
    m = _RUBRIC.search(text)
    if not m:
        return None
    name = _norm(indicator.level3)
    if not name or _bigrams(_RUBRIC.sub("", text)) & _bigrams(name):
        return None
    return Hit(
        rank=5, severity="medium", confidence=ctx.option("rubric_confidence"), term=m.group(0),
        variant="scoring-rubric",
        message=(f"是从绩效评价评分表复制的评分标准（“{m.group(0)}”），说的也不是三级指标“{name}”，"
                 "没有说明本指标的计算口径。"),
        suggestion=f"删去评分标准，写明“{name}”的统计口径和计算方法（如“……人数÷……人数×100%”或统计范围）。",
    )


def _self_evaluation_hit(text: str, lex: Lexicons, ctx: Context) -> Hit | None:
    """A goal written as a result already achieved ("…较上年实现了增长，完成了党委政府的目标任务"):
    copied from last year's 绩效自评报告, it sets no target for the budget year."""
    for pattern in lex.self_evaluation:
        m = pattern.search(text)
        if m:
            return Hit(
                rank=5, severity="medium", confidence=ctx.option("self_evaluation_confidence"), term=m.group(0),
                variant="self-evaluation",
                message=(f"写的是已经取得的结果（“{m.group(0)}”），是上年度绩效自评的结论，不是本年度要达到的目标，"
                         "疑为照抄自评报告。"),
                suggestion="改写为本年度要达到的、可考核的目标（做什么、做多少、何时完成、达到什么效果），不写已完成的结果。",
            )
    return None


def _applicable_templates(unit: str, lex: Lexicons) -> dict[str, tuple[re.Pattern[str], ...]]:
    """District/street templates apply to 乡镇 and 县 units, provincial ones too; a county
    bureau's wording ("我局") only to 乡镇 units."""
    if not unit or "街道" in unit or re.search(r"[^社小园镇辖景山库范发管城片地矿林牧校厂营郊市]区", unit):
        return {}
    if not re.search(r"[镇乡县]", unit):
        return {}
    templates = {"agency": lex.district_agency, "scope": lex.district_scope, "province": lex.provincial_scope,
                 "city": lex.city_scope}
    if "财政" not in unit:
        templates["finance"] = lex.city_finance
    if _own_town(unit):
        templates["bureau"] = lex.bureau_scope
    else:  # a county unit: counties have 街道 too, only a 区's wording is foreign
        templates["agency"] = tuple(p for p in lex.district_agency if "街道" not in p.pattern)
        templates["scope"] = tuple(p for p in lex.district_scope if "街道" not in p.pattern)
    return templates


def _own_town(unit: str) -> str:
    """"巨鹿县张王疃乡人民政府" -> "张王疃"; "" when the unit is not a township."""
    tail = re.split(r"[省市县区]", unit)[-1]
    m = re.match(r"([\u4e00-\u9fff]{2,5}?)(?:镇|乡)", tail)
    return m.group(1) if m else ""


def _unit_name_tail(chars: str, lex: Lexicons) -> str:
    """The place name in front of 镇/乡人民政府: "经刘田庄" -> "刘田庄"; "" when what is left starts
    with a common word ("保证", "做好") rather than a name."""
    frequency = nlp().tokenizer.jieba_seg.frequency
    for start in range(len(chars) - 1):
        tail = chars[start:]
        if tail[0] in lex.unit_lead_chars:
            continue
        if frequency(tail[:2]) > 2000 or frequency(tail) > 2000:
            continue
        if start and frequency(chars[start - 1:start + 1]) > 100:
            continue  # the cut splits a word ("请示|刘家营")
        return tail
    return ""


def _other_unit_hit(text: str, own_town: str, lex: Lexicons, ctx: Context) -> Hit | None:
    """"经刘田庄镇人民政府批准" in 石门镇's text: another township's name left in a copied text."""
    if not own_town or lex.other_unit is None:
        return None
    for m in lex.other_unit.finditer(text):
        name = _unit_name_tail(m.group("name"), lex)
        if (not name or name in lex.not_unit_names or own_town in name or name in own_town
                or re.search(r"[乡镇县市区村本全我各该每城]", name)):
            continue
        term = text[m.end("name") - len(name): m.end()]
        return Hit(
            rank=0, severity="high", confidence=ctx.option("other_unit_confidence"), term=term,
            variant="other-unit",
            message=f"中的“{term}”不是本单位（{own_town}{m.group('kind')}），疑为照搬其他乡镇的文本。",
            suggestion=f"把“{term}”改为本单位名称，并核对同一处的数量、金额和地名是否为本镇（乡）的实际。",
        )
    return None


def _outside_titles(text: str, match: re.Match[str]) -> bool:
    """Not inside a document title 《…》."""
    opened = text.rfind("《", 0, match.start())
    closed = text.rfind("》", 0, match.start())
    return opened <= closed


def _template_hit(text: str, templates: dict[str, tuple[re.Pattern[str], ...]], ctx: Context,
                  where: str) -> Hit | None:
    for kind in ("agency", "scope", "province", "bureau", "finance", "city"):
        for pattern in templates.get(kind, ()):
            for m in pattern.finditer(text):
                if not _outside_titles(text, m):
                    continue
                term = m.group(0)
                if kind == "bureau":
                    return Hit(
                        rank=4, severity="medium", confidence=ctx.option("template_confidence"), term=term,
                        variant="higher-level-template",
                        message=f"中的“{term}”是县级部门（局）的用语，本单位是乡镇，疑为照搬县直部门的文本。",
                        suggestion=f"把“{term}”改为本镇（乡）或具体承办机构的名称，并按乡镇的职责改写该处内容。",
                    )
                if kind in ("finance", "city"):
                    finance = kind == "finance"
                    return Hit(
                        rank=4, severity="medium",
                        confidence=ctx.option("finance_template_confidence" if finance else "city_template_confidence"),
                        term=term, variant="higher-level-template",
                        message=(f"中的“{term}”是{'财政部门' if finance else '设区市'}自身的工作目标用语，不是本单位（乡镇、县）"
                                 "的绩效目标，疑为照搬上级或其他部门的文本。"),
                        suggestion=("删去该句，按本单位的职责写出本年度要完成的主要任务和可考核的目标"
                                    "（如各项重点工作的完成数量、时限和群众满意度）。"),
                    )
                if kind == "province":
                    return Hit(
                        rank=4, severity="medium", confidence=ctx.option("template_confidence"), term=term,
                        variant="higher-level-template",
                        message=(f"中的“{term}”是省、市一级的统计口径，乡镇无法据此考核，"
                                 "疑为照搬上级部门的指标模板。"),
                        suggestion="改为本单位辖区内可统计的口径，如“本镇符合条件对象的政策覆盖率”，写明分子分母。",
                    )
                agency = kind == "agency"
                return Hit(
                    rank=1 if agency else 4, severity="high" if agency else "medium",
                    confidence=ctx.option("template_confidence"), term=term, variant="district-template",
                    message=(f"中的“{term}”是区或街道办事处的用语，本单位是乡镇（县），"
                             "疑为照搬区、街道的文本。"),
                    suggestion=(f"按本单位的实际改写：把“{term}”改为本镇（乡）或县级相应部门的名称和辖区范围。"),
                )
    return None


# ------------------------------------------------------------------------------------------------
# Across submissions: a near copy of another, unrelated project's cell (the corpus index)
# ------------------------------------------------------------------------------------------------

_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
_GENERIC_TOPIC = ("经费", "资金", "项目", "补贴", "补助", "工作", "专项", "费用", "支出", "建设", "保障", "运转", "服务")
_KIND_ORDER = {"description": 0, "goal": 1, "value_basis": 2, "fund_use": 3}
_KIND_FIELD = {"goal": "goal", "description": "description", "value_basis": "basis", "fund_use": "budget"}
_KIND_LABEL = {"description": "绩效指标描述", "value_basis": "指标值和确定依据", "fund_use": "资金用途"}


def _related(a: Owner, b: Owner) -> bool:
    """Two projects about the same thing (shared beneficiaries, domain or subject words in their
    names), or one whose subject cannot be told: a copy between them is not foreign text."""
    if a.general or b.general:
        return True
    if a.groups & b.groups or a.group_domains & b.group_domains or a.domains & b.domains:
        return True
    if not (a.groups or a.domains or b.groups or b.domains):
        return True  # neither names a known beneficiary or domain: no evidence they differ
    from ..textsim import shares_run

    return shares_run(_topic(a.table), _topic(b.table), 2, ignore=_GENERIC_TOPIC)


def _foreign_term(text: str, owner: Owner, other: Owner, other_table: ProjectTable,
                  lex: Lexicons) -> tuple[str, str] | None:
    """What makes a shared text the other project's own: a beneficiary of its groups ("group"),
    a term of its domains ("domain") or a word of its name ("subject") that this project does not
    own. None for generic wording."""
    for key in sorted(other.groups - owner.groups):
        for term in sorted(lex.groups[key].terms, key=len, reverse=True):
            if term in text and term not in owner.own_text:
                return term, "group"
    for key in sorted(other.domains - owner.domains):
        domain = lex.domains[key]
        for term in sorted(domain.terms, key=len, reverse=True):
            if len(term) >= 2 and term in text and term not in owner.own_text:
                return term, "domain"
    topic = _norm(_topic(other_table))
    for size in (4, 3):
        for start in range(len(topic) - size + 1):
            word = topic[start:start + size]
            if (re.fullmatch(r"[\u4e00-\u9fff]+", word) and word in text and word not in owner.own_text
                    and not any(g in word for g in _GENERIC_TOPIC)):
                return word, "subject"
    return None


def _place_name(unit_name: str, own_unit: str, table: int, project: str) -> str:
    org = "本单位" if _norm(unit_name) == own_unit else re.sub(r"(?:人民政府|办事处)$", "", _norm(unit_name)) or "另一单位"
    return f"《{org} 表{table} {project}》"


def _shorten(text: str, limit: int = 40) -> str:
    text = _norm(text).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def _copied_from_elsewhere(submission: Submission, ctx: Context, lex: Lexicons) -> dict[tuple, Finding]:
    """A goal, description, value + basis or fund use that is (nearly) the same text as a cell
    of another project about something else — in this submission or any other the corpus index
    holds. Common formulas are shared wording, not copies."""
    corpus = ctx.corpus
    tables = {t.number: t for t in submission.tables}
    own_unit = _norm(submission.unit_name)
    min_chars = ctx.option("cross_min_chars")
    best: dict[tuple, tuple] = {}
    for copy in corpus.query(submission):
        unit = copy.unit
        if copy.common or unit.kind not in _KIND_ORDER or len(unit.key) < min_chars:
            continue
        table = tables.get(unit.table)
        if table is None:
            continue
        place = (table.number, "goal", unit.index) if unit.kind == "goal" else (
            (table.number, "row", unit.row) if unit.row is not None else (table.number, unit.kind, 0))
        owner = _owner(table, lex, fund_use=unit.kind != "fund_use", goals=False)
        foreign = []
        for other, score, fp in copy.others:
            info = corpus.project(fp, other.table)
            if info is None:
                continue
            other_owner = _owner(_info_table(info), lex, fund_use=unit.kind != "fund_use", goals=False)
            if _related(owner, other_owner):
                continue
            term = _foreign_term(_norm(unit.text), owner, other_owner, _info_table(info), lex)
            if term:  # wording that fits any project (generic boilerplate) is not foreign text
                foreign.append((other, score, info, other_owner, term))
        if not foreign:
            continue
        rank = (_KIND_ORDER[unit.kind], -foreign[0][1])
        if place not in best or rank < best[place][0]:
            best[place] = (rank, unit, table, owner, foreign)
    found: dict[tuple, Finding] = {}
    for place, (_rank, unit, table, owner, foreign) in sorted(best.items(), key=lambda item: (item[1][1].table, item[1][1].row or 0, item[1][0])):
        other, score, info, other_owner, (term, kind) = foreign[0]
        cited = _place_name(info.unit_name, own_unit, info.table, info.project or info.title) + other.place()
        more = f"（另有{len(foreign) - 1}处相同或相近）" if len(foreign) > 1 else ""
        label = f"绩效目标{unit.index + 1}" if unit.kind == "goal" else _KIND_LABEL[unit.kind]
        if kind == "group":
            severity = "high"
            why = f"其中的“{term}”是该项目的受益对象，不是本项目（{_topic(table)}）的对象"
        else:
            severity = "medium"
            why = f"其中的“{term}”说的是该项目（{_topic(_info_table(info))}）的{'工作领域' if kind == 'domain' else '内容'}，与本项目（{_topic(table)}）无关"
        same = "相同" if score >= 100 else "几乎相同"
        found[place] = ctx.finding(
            table=table, row=unit.row, field=_KIND_FIELD[unit.kind], variant="copied-text",
            evidence=unit.evidence, severity=severity, confidence=ctx.option("cross_confidence"),
            message=(f"{_label(table)}的{label}“{_shorten(unit.text)}”与{cited}{same}{more}，{why}，"
                     "疑为复制其他项目的文字后未按本项目改写。"),
            suggestion=(f"按本项目（{_topic(table)}）的资金用途重写该{'目标' if unit.kind == 'goal' else '内容'}："
                        "写本项目自己的对象、数量、标准和效果，不要沿用其他项目的文字。"),
        )
    return found


def _info_table(info: Any) -> ProjectTable:
    """A table the index keeps (name, fund use, goals) as a ProjectTable the owner logic reads."""
    return ProjectTable(number=info.table, title=info.title, project=info.project, fund_use=info.fund_use,
                        goals=list(info.goals))
