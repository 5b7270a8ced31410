"""Meta-tests for the conventions in DESIGN.md."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from auditor.checks import load_checks
from auditor.rules import load_rules
from auditor.taxonomy import CATEGORIES

from .conftest import REPO

CHECKS = load_checks()
RULES = load_rules()


def test_every_check_has_a_rule_with_bad_and_good_cases():
    for code in CHECKS:
        assert code in RULES, f"{code}: no rules/{code}.yaml"
        kinds = {case.get("kind") for case in RULES[code].cases}
        assert {"bad", "good"} <= kinds, f"{code}: needs at least one bad and one good case"


def test_every_rule_has_a_check():
    assert sorted(set(RULES) - set(CHECKS)) == []


def test_every_category_is_a_taxonomy_code():
    for rule in RULES.values():
        assert rule.category in CATEGORIES


def test_taxonomy_matches_the_public_contract():
    taxonomy = REPO.parent / "shared" / "TAXONOMY.md"
    if taxonomy.exists():
        codes = re.findall(r"^\| ([A-Z_]+) \|", taxonomy.read_text(encoding="utf-8"), re.M)
        assert sorted(codes) == sorted(CATEGORIES)


def test_checks_never_import_ingest_report_or_cli():
    forbidden = {"ingest", "report", "cli", "api", "engine"}
    for path in (REPO / "auditor" / "checks").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names if node.level and not node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = set(name.split("."))
                assert not (parts & forbidden), f"{path.name} imports {name}"


def test_one_module_per_check():
    modules = [c.module for c in CHECKS.values()]
    assert len(modules) == len(set(modules)), "two checks share a module"


def test_rule_titles_and_texts_are_chinese():
    for rule in RULES.values():
        for text in (rule.title, rule.why, rule.fix):
            assert re.search(r"[\u4e00-\u9fff]", text), f"{rule.code}: texts for the auditor are in Chinese"




def test_readme_lists_every_check_under_its_group():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        line = next((l for l in readme.splitlines() if l.startswith(f"| {rule.group} |")), "")
        assert rule.code in line, f"README's check table: {rule.code} not under group {rule.group}"
