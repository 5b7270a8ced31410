"""Where the data folders are: `rules/` (check YAML and lexicons) and `models/` (trained
artefacts). A source checkout uses the folders at the repo top; an installed wheel carries
copies under auditor/_data/. `--rules DIR` or AUDITOR_RULES_DIR points elsewhere (a
province's own rules)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import yaml

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    override = os.environ.get(f"AUDITOR_{name.upper()}_DIR")
    return Path(override) if override else bundled_dir(name)


def rules_dir() -> Path:
    return data_dir("rules")


def models_dir() -> Path:
    return data_dir("models")


def bundled_dir(name: str) -> Path:
    """The folder shipped with this copy of the tool, ignoring any override."""
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"找不到数据文件夹 {name}/（安装不完整？）")


def load_yaml(text: str | IO[str]) -> Any:
    """yaml.safe_load through libyaml's C parser when PyYAML has it (it parses the ~30 rule and
    lexicon files ten times faster — most of a single-file audit's start-up otherwise)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader, C or Python


@lru_cache(maxsize=None)
def lexicon(name: str) -> dict:
    """A word list from rules/lexicons/NAME.yaml; a province's rules folder may replace it,
    otherwise the bundled list applies."""
    for folder in (rules_dir(), bundled_dir("rules")):
        path = folder / "lexicons" / f"{name}.yaml"
        if path.is_file():
            with path.open(encoding="utf-8") as file:
                return load_yaml(file) or {}
    raise FileNotFoundError(f"找不到词表 lexicons/{name}.yaml")
