"""Checks: one module per check, each a pure function of a parsed `Submission` registered with
`@check("CODE")`. A check yields `Finding`s through `ctx.finding(...)`; it never does I/O and
never imports ingest, report or cli (a meta-test keeps it so)."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..rules import RuleDoc
from ..schema import Finding, Indicator, ProjectTable, Submission

CheckFunction = Callable[[Submission, "Context"], Iterable[Finding]]


@dataclass
class Check:
    code: str
    run: CheckFunction
    module: str


REGISTRY: dict[str, Check] = {}


def check(code: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under its code (the name of its rules/CODE.yaml)."""

    def register(function: CheckFunction) -> CheckFunction:
        if code in REGISTRY and REGISTRY[code].module != function.__module__:
            raise ValueError(f"check {code} registered twice ({REGISTRY[code].module}, {function.__module__})")
        REGISTRY[code] = Check(code, function, function.__module__)
        return function

    return register


def load_checks() -> dict[str, Check]:
    """Import every module of this package so their decorators run."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY


@dataclass
class Context:
    """What a check knows besides the submission: its rule document and options."""

    rule: RuleDoc
    options: dict[str, Any]
    submission: Submission
    corpus: Any = None  # cross-submission index (issue 4); None when auditing one file alone
    models: Any = None  # (specificity, category) classifiers (ml/model.py); None when not trained
    extras: dict[str, Any] = field(default_factory=dict)

    def option(self, name: str, default: Any = ...) -> Any:
        """The option's value; `default` for options a province's older rule file may lack."""
        if default is not ... and name not in self.options:
            return default
        return self.options[name]

    def finding(
        self,
        *,
        table: ProjectTable | None,
        field: str,
        variant: str,
        evidence: str,
        message: str,
        suggestion: str,
        row: int | Indicator | None = None,
        severity: str | None = None,
        confidence: float = 1.0,
    ) -> Finding:
        if isinstance(row, Indicator):
            row = row.row
        return Finding(
            source=self.submission.source,
            table=table.number if table is not None else 0,
            project=table.project if table is not None else "",
            row=row,
            field=field,
            category=self.rule.category,
            rule=f"{self.rule.code}.{variant}",
            severity=severity or self.rule.severity,
            evidence=evidence,
            message=message,
            suggestion=suggestion,
            confidence=round(float(confidence), 3),
        )
