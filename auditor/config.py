"""Run configuration: `[tool.auditor]` in pyproject.toml or an `auditor.toml`.

    [tool.auditor]
    select = ["boilerplate", "VALUE_KIND"]   # codes, categories or groups; default: all
    ignore = ["DUP_WORD"]
    min_confidence = 0.6
    waivers = "waivers.yaml"
    segmenter = "pkuseg"   # word segmentation for the echo checks; default jieba
    [tool.auditor.severity]
    UNIT_NONSTANDARD = "medium"
    [tool.auditor.options.GOAL_DUP]
    similarity = 85

Unknown names are errors, not silent no-ops.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .rules import RuleDoc
from .taxonomy import SEVERITIES


class ConfigError(Exception):
    """A configuration the auditor must fix (Chinese message naming the problem)."""


@dataclass
class Config:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    min_confidence: float = 0.0
    waivers: Path | None = None
    segmenter: str | None = None  # jieba (default) | pkuseg
    path: Path | None = None

    def enabled(self, rules: dict[str, RuleDoc]) -> list[str]:
        """Codes of the checks to run, after select/ignore (by code, category or group)."""
        def matches(rule: RuleDoc, names: list[str]) -> bool:
            return any(n in (rule.code, rule.category, rule.group) for n in names)

        chosen = [c for c, r in rules.items() if not self.select or matches(r, self.select)]
        return [c for c in chosen if not matches(rules[c], self.ignore)]

    def validate(self, rules: dict[str, RuleDoc]) -> None:
        known = {r.code for r in rules.values()} | {r.category for r in rules.values()} | {r.group for r in rules.values()}
        where = f"（{self.path}）" if self.path else ""
        for name in [*self.select, *self.ignore]:
            if name not in known:
                raise ConfigError(f"配置中的 {name!r} 不是已知的检查、类别或分组{where}")
        for code, level in self.severity.items():
            if code not in rules:
                raise ConfigError(f"severity 中的 {code!r} 不是已知的检查{where}")
            if level not in SEVERITIES:
                raise ConfigError(f"{code} 的严重程度 {level!r} 无效，应为 high/medium/low{where}")
        for code, values in self.options.items():
            if code not in rules:
                raise ConfigError(f"options 中的 {code!r} 不是已知的检查{where}")
            unknown = set(values) - set(rules[code].options)
            if unknown:
                raise ConfigError(f"{code} 没有选项 {', '.join(sorted(unknown))}{where}（可用：{', '.join(rules[code].options) or '无'}）")
        if self.segmenter not in (None, "jieba", "pkuseg"):
            raise ConfigError(f"segmenter 应为 jieba 或 pkuseg，而不是 {self.segmenter!r}{where}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(f"min_confidence 应在 0–1 之间{where}")

    def options_for(self, rule: RuleDoc) -> dict[str, Any]:
        return {**rule.options, **self.options.get(rule.code, {})}


KNOWN_KEYS = {"select", "ignore", "severity", "options", "min_confidence", "waivers", "segmenter"}


def from_mapping(data: dict[str, Any], path: Path | None = None) -> Config:
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"未知的配置项：{', '.join(sorted(unknown))}（{path}）")
    waivers = data.get("waivers")
    base = path.parent if path else Path.cwd()
    return Config(
        select=list(data.get("select", [])),
        ignore=list(data.get("ignore", [])),
        severity=dict(data.get("severity", {})),
        options={k: dict(v) for k, v in data.get("options", {}).items()},
        min_confidence=float(data.get("min_confidence", 0.0)),
        waivers=(base / waivers) if waivers else None,
        segmenter=data.get("segmenter"),
        path=path,
    )


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """An explicit file, else auditor.toml or pyproject.toml [tool.auditor] in `start`."""
    if path is not None:
        return _load_file(Path(path), required=True)
    folder = Path(start or Path.cwd())
    for candidate in (folder / "auditor.toml", folder / "pyproject.toml"):
        if candidate.is_file():
            config = _load_file(candidate, required=False)
            if config is not None:
                return config
    return Config()


def _load_file(path: Path, required: bool) -> Config | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"配置文件不存在：{path}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"配置文件格式错误（{path}）：{error}") from error
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get("auditor")
        if section is None:
            if required:
                raise ConfigError(f"{path} 中没有 [tool.auditor]")
            return None
        return from_mapping(section, path)
    return from_mapping(data.get("tool", {}).get("auditor", data), path)
