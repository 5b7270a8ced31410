"""The engine around the checks: config, severity overrides, waivers, a province's rules
folder, and a crashing check that must not stop the run."""
from __future__ import annotations

import shutil

import pytest

from auditor import checks
from auditor.cases import submission_from_case
from auditor.config import Config, ConfigError, load_config
from auditor.engine import Engine
from auditor.resources import bundled_dir
from auditor.rules import RuleError, load_rules
from auditor.waivers import load_waivers

PLACEHOLDER_CASE = {"table": {"project": "征地补偿", "goals": ["目标内容1"]}}


def _placeholder_findings(engine: Engine):
    return engine.audit(submission_from_case(PLACEHOLDER_CASE)).findings


def test_select_and_ignore_by_code_group_or_category():
    rules = load_rules()
    assert Config(select=["GOAL_PLACEHOLDER"]).enabled(rules) == ["GOAL_PLACEHOLDER"]
    assert "GOAL_PLACEHOLDER" in Config(select=["boilerplate"]).enabled(rules)
    assert "GOAL_PLACEHOLDER" not in Config(ignore=["GOAL_PLACEHOLDER"]).enabled(rules)


@pytest.mark.parametrize("config", [
    Config(select=["NO_SUCH_CHECK"]),
    Config(ignore=["typo"]),
    Config(severity={"GOAL_PLACEHOLDER": "critical"}),
    Config(severity={"NOPE": "low"}),
    Config(options={"GOAL_PLACEHOLDER": {"no_such_option": 1}}),
    Config(min_confidence=2),
])
def test_unknown_names_are_errors(config):
    with pytest.raises(ConfigError):
        Engine(config)


def test_severity_override_and_options():
    engine = Engine(Config(select=["GOAL_PLACEHOLDER"], severity={"GOAL_PLACEHOLDER": "low"}))
    assert [f.severity for f in _placeholder_findings(engine)] == ["low"]
    narrow = Engine(Config(select=["GOAL_PLACEHOLDER"], options={"GOAL_PLACEHOLDER": {"patterns": ["无"]}}))
    assert _placeholder_findings(narrow) == []


def test_config_from_pyproject_and_auditor_toml(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.auditor]\nignore = ["GOAL_PLACEHOLDER"]\n[tool.auditor.severity]\nGOAL_PLACEHOLDER = "high"\n',
        encoding="utf-8")
    config = load_config(start=tmp_path)
    assert config.ignore == ["GOAL_PLACEHOLDER"] and config.severity == {"GOAL_PLACEHOLDER": "high"}
    (tmp_path / "auditor.toml").write_text('select = ["boilerplate"]\n', encoding="utf-8")
    assert load_config(start=tmp_path).select == ["boilerplate"]  # auditor.toml wins
    (tmp_path / "auditor.toml").write_text('selekt = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="selekt"):
        load_config(start=tmp_path)


def test_waivers_need_a_reason_and_suppress_matching_findings(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- rule: GOAL_PLACEHOLDER\n  table: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="reason"):
        load_waivers(waivers)
    waivers.write_text("- rule: GOAL_PLACEHOLDER\n  table: 1\n  reason: 县里统一的征地模板，另行说明\n", encoding="utf-8")
    engine = Engine(Config(select=["GOAL_PLACEHOLDER"], waivers=waivers))
    result = engine.audit(submission_from_case(PLACEHOLDER_CASE))
    assert result.findings == [] and len(result.waived) == 1
    waivers.write_text("- rule: GOAL_PLACEHOLDER\n  table: 2\n  reason: 只豁免表2\n", encoding="utf-8")
    assert len(_placeholder_findings(Engine(Config(select=["GOAL_PLACEHOLDER"], waivers=waivers)))) == 1


def test_province_rules_folder_replaces_a_rule(tmp_path):
    province = tmp_path / "hebei"
    province.mkdir()
    text = (bundled_dir("rules") / "GOAL_PLACEHOLDER.yaml").read_text(encoding="utf-8")
    (province / "GOAL_PLACEHOLDER.yaml").write_text(text.replace("severity: medium", "severity: high"), encoding="utf-8")
    engine = Engine(Config(select=["GOAL_PLACEHOLDER"]), rules_folder=province)
    assert [f.severity for f in _placeholder_findings(engine)] == ["high"]
    (province / "BROKEN.yaml").write_text("code: BROKEN\ncategory: NOT_A_CODE\n", encoding="utf-8")
    with pytest.raises(RuleError, match="BROKEN.yaml"):
        Engine(rules_folder=province)


def test_a_crashing_check_is_reported_and_the_run_goes_on(tmp_path):
    province = tmp_path / "rules"
    province.mkdir()
    shutil.copy(bundled_dir("rules") / "GOAL_PLACEHOLDER.yaml", province / "CRASHES.yaml")
    text = (province / "CRASHES.yaml").read_text(encoding="utf-8").replace("code: GOAL_PLACEHOLDER", "code: CRASHES")
    (province / "CRASHES.yaml").write_text(text, encoding="utf-8")

    @checks.check("CRASHES")
    def crashes(submission, ctx):
        raise ZeroDivisionError("boom")

    try:
        engine = Engine(Config(select=["CRASHES", "GOAL_PLACEHOLDER"]), rules_folder=province)
        result = engine.audit(submission_from_case(PLACEHOLDER_CASE))
        assert any("CRASHES" in e and "ZeroDivisionError" in e for e in result.errors)
        assert [f.rule for f in result.findings] == ["GOAL_PLACEHOLDER.template"]
    finally:
        del checks.REGISTRY["CRASHES"]


def test_a_variant_defers_to_another_check_on_the_same_row():
    case = {"table": {"project": "人大工作站", "indicators": [
        ["效益指标", "社会效益指标", "保障社会稳定", "社会稳定发展，群众安居乐业", ">90%", "计划标准"],
    ]}}
    both = Engine(Config(select=["VALUE_VAGUE", "DESC_ECHO"])).audit(submission_from_case(case)).findings
    alone = Engine(Config(select=["VALUE_VAGUE"])).audit(submission_from_case(case)).findings
    assert [f.rule for f in alone] == ["VALUE_VAGUE.percent-undefined"]
    assert [f.category for f in both] == ["DESC_ECHO"]


def test_pkuseg_as_the_segmenter():
    """pkuseg's bundled model works offline; it is loaded only when chosen (~3 s, ~0.8 GiB)."""
    from auditor import textsim

    Engine(Config(select=["GOAL_DUP"], segmenter="pkuseg"))
    try:
        assert textsim.segmenter_name() == "pkuseg"
        words = textsim.tokens("我单位凤还巢大学生村干部工资发放率")
        assert "村干部" in "".join(words) and len(words) >= 3
        assert words == textsim.tokens("我单位凤还巢大学生村干部工资发放率", "pkuseg")
    finally:
        textsim.set_segmenter(None)
    assert textsim.segmenter_name() == "jieba"
    with pytest.raises(ConfigError):
        Engine(Config(segmenter="thulac"))
