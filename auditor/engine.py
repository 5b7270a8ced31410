"""Run the enabled checks on each submission: isolate a crashing check (reported, never
fatal), apply severity overrides, confidence floor and waivers, de-duplicate, and sort."""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import Context, load_checks
from .config import Config, ConfigError
from .rules import RuleDoc, load_rules
from .schema import Finding, Submission
from .taxonomy import SEVERITIES
from .textsim import set_segmenter
from .waivers import Waiver, load_waivers


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # checks that crashed on a submission
    waived: list[tuple[Finding, Waiver]] = field(default_factory=list)
    scores: list[float | None] = field(default_factory=list)  # specificity per indicator (ml.scoring.indicators_of order)


class Engine:
    def __init__(self, config: Config | None = None, rules_folder: Path | None = None, corpus: Any = None,
                 models: Any = "bundled"):
        self.config = config or Config()
        self.rules: dict[str, RuleDoc] = load_rules(rules_folder)
        self.checks = load_checks()
        missing = sorted(set(self.checks) - set(self.rules))
        if missing:
            raise ConfigError(f"这些检查没有规则文件：{', '.join(missing)}")
        self.config.validate(self.rules)
        self.enabled = [code for code in self.config.enabled(self.rules) if code in self.checks]
        self.waivers = load_waivers(self.config.waivers)
        self.corpus = corpus
        # (specificity, category) classifiers: the bundled ones unless given (None: no ml stage)
        if models == "bundled":
            from .ml.model import bundled_models

            models = bundled_models()
        self.models = models
        if self.config.segmenter:
            set_segmenter(self.config.segmenter)

    def audit(self, submission: Submission) -> AuditResult:
        result = AuditResult()
        from .ml.scoring import score_submission

        try:
            result.scores = score_submission(submission, self.models[0] if self.models else None)
        except Exception as error:  # like a crashing check: reported, the audit goes on unscored
            where = traceback.extract_tb(error.__traceback__)[-1]
            result.errors.append(f"明确度评分在 {submission.source} 上出错（{type(error).__name__}: {error}，"
                                 f"{Path(where.filename).name}:{where.lineno}），其余检查照常进行")
            result.scores = score_submission(submission, None)
        found: list[Finding] = []
        for code in self.enabled:
            rule = self.rules[code]
            context = Context(rule=rule, options=self.config.options_for(rule), submission=submission,
                              corpus=self.corpus, models=self.models)
            try:
                found.extend(self.checks[code].run(submission, context))
            except Exception as error:  # one broken check must not take the run down
                where = traceback.extract_tb(error.__traceback__)[-1]
                result.errors.append(
                    f"检查 {code} 在 {submission.source} 上出错（{type(error).__name__}: {error}，"
                    f"{Path(where.filename).name}:{where.lineno}），其余检查照常进行"
                )
        for finding in found:
            override = self.config.severity.get(finding.rule.split(".")[0])
            if override:
                finding.severity = override
        found = [f for f in found if f.confidence >= self.config.min_confidence]
        found = self.defer(found)
        for finding in dedupe(found):
            waiver = next((w for w in self.waivers if w.covers(finding)), None)
            if waiver:
                result.waived.append((finding, waiver))
            else:
                result.findings.append(finding)
        result.findings.sort(key=sort_key)
        return result


    def defer(self, findings: list[Finding]) -> list[Finding]:
        """Drop a variant whose rule says it defers to another check flagging the same row."""
        flagged = {(f.table, f.row, f.rule.split(".")[0]) for f in findings if f.row is not None}

        def deferred(finding: Finding) -> bool:
            code, _, variant = finding.rule.partition(".")
            others = self.rules[code].defer_to.get(variant, []) if code in self.rules else []
            return finding.row is not None and any((finding.table, finding.row, other) in flagged for other in others)

        return [f for f in findings if not deferred(f)]


def sort_key(finding: Finding) -> tuple:
    return (finding.source, finding.table if finding.table is not None else -1,
            finding.row if finding.row is not None else 0, SEVERITIES.index(finding.severity), finding.rule)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """The same rule at the same place with the same evidence is one finding (keep the most
    severe and confident)."""
    best: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.source, finding.table, finding.row, finding.field, finding.rule, finding.evidence)
        kept = best.get(key)
        if kept is None or (SEVERITIES.index(finding.severity), -finding.confidence) < (
            SEVERITIES.index(kept.severity), -kept.confidence
        ):
            best[key] = finding
    return list(best.values())
