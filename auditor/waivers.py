"""Waivers: findings the county has accepted, each with a reason. Submissions cannot carry
inline pragmas, so the exceptions live beside the auditor's config in waivers.yaml:

    - rule: GOAL_DUP             # a check code, a category or a full rule id
      source: "*德归镇*"          # optional glob on the file path
      table: 1                   # optional
      row: 3                     # optional
      reason: 县统一模板，已在2024年培训中说明   # required
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import ConfigError
from .resources import load_yaml
from .schema import Finding


@dataclass
class Waiver:
    rule: str
    reason: str
    source: str | None = None
    table: int | None = None
    row: int | None = None

    def covers(self, finding: Finding) -> bool:
        code = finding.rule.split(".")[0]
        if self.rule not in (finding.rule, code, finding.category):
            return False
        if self.source and not fnmatch.fnmatch(finding.source, self.source):
            return False
        if self.table is not None and finding.table != self.table:
            return False
        return self.row is None or finding.row == self.row


def load_waivers(path: Path | None) -> list[Waiver]:
    if path is None:
        return []
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8")) or []
    except FileNotFoundError as error:
        raise ConfigError(f"豁免文件不存在：{path}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"豁免文件格式错误（{path}）：{error}") from error
    if not isinstance(data, list):
        raise ConfigError(f"豁免文件应为列表（{path}）")
    waivers = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not item.get("rule"):
            raise ConfigError(f"豁免第{number}条缺少 rule（{path}）")
        if not str(item.get("reason", "")).strip():
            raise ConfigError(f"豁免第{number}条（{item['rule']}）缺少 reason：每条豁免都必须写明理由（{path}）")
        unknown = set(item) - {"rule", "reason", "source", "table", "row"}
        if unknown:
            raise ConfigError(f"豁免第{number}条有未知字段 {', '.join(sorted(unknown))}（{path}）")
        waivers.append(Waiver(rule=str(item["rule"]), reason=str(item["reason"]), source=item.get("source"),
                              table=item.get("table"), row=item.get("row")))
    return waivers
