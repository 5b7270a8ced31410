"""Rule documents: one YAML per check in rules/ — code, category, Chinese title, default
severity, why it matters, how to fix, options, and bad/good `cases` (the check's tests, its
`auditor explain` text and material for the training gallery)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .resources import bundled_dir, load_yaml
from .taxonomy import CATEGORIES, SEVERITIES


class RuleError(Exception):
    """A malformed rules YAML (names the file)."""


@dataclass
class RuleDoc:
    code: str
    category: str
    title: str
    severity: str
    group: str
    why: str
    fix: str
    options: dict[str, Any] = field(default_factory=dict)
    cases: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None
    # variant -> codes of other checks: the variant's finding is dropped when one of those
    # checks flags the same table row (one defect, one category)
    defer_to: dict[str, list[str]] = field(default_factory=dict)


REQUIRED = ("code", "category", "title", "severity", "group", "why", "fix")


def load_rule(path: Path) -> RuleDoc:
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise RuleError(f"{path}: YAML 格式错误：{error}") from error
    missing = [k for k in REQUIRED if not data.get(k)]
    if missing:
        raise RuleError(f"{path}: 缺少字段 {', '.join(missing)}")
    if data["category"] not in CATEGORIES:
        raise RuleError(f"{path}: category {data['category']!r} 不是 TAXONOMY 中的类别")
    if data["severity"] not in SEVERITIES:
        raise RuleError(f"{path}: severity 必须是 {'/'.join(SEVERITIES)}")
    return RuleDoc(
        code=data["code"], category=data["category"], title=data["title"], severity=data["severity"],
        group=data["group"], why=data["why"].strip(), fix=data["fix"].strip(),
        options=dict(data.get("options") or {}), cases=list(data.get("cases") or []), path=path,
        defer_to={str(k): list(v) for k, v in (data.get("defer_to") or {}).items()},
    )


def load_rules(folder: Path | None = None) -> dict[str, RuleDoc]:
    """The bundled rules, with any YAML in `folder` (a province's own rules) replacing the
    bundled one of the same code."""
    rules: dict[str, RuleDoc] = {}
    folders = [bundled_dir("rules")] + ([Path(folder)] if folder else [])
    for directory in folders:
        if not directory.is_dir():
            raise RuleError(f"规则文件夹不存在：{directory}")
        for path in sorted(directory.glob("*.yaml")):
            rule = load_rule(path)
            rules[rule.code] = rule
    return rules
