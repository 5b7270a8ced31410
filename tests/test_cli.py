"""End to end: the `auditor` command on the bundled corpus, the findings.json contract, exit codes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.taxonomy import CATEGORIES

from .conftest import CORPUS, SEED_TABLE_COUNTS, seed_path

runner = CliRunner()

SUBMISSION_KEYS = {"source", "unit_name", "year", "warnings", "tables"}
TABLE_KEYS = {"table", "project", "project_code", "money_unit", "budget", "goals", "schedule", "indicators"}
FINDING_KEYS = {"source", "table", "project", "row", "field", "category", "rule", "severity", "evidence",
                "message", "suggestion", "confidence"}
INDICATOR_KEYS = {"row", "level1", "level2", "level3", "description", "value", "basis", "specificity"}


def _check_contract(document: dict) -> None:
    assert document["tool"]["name"] == "jixiao-auditor"
    for submission in document["submissions"]:
        assert SUBMISSION_KEYS <= set(submission)
        assert isinstance(submission["year"], int)
        for table in submission["tables"]:
            assert TABLE_KEYS <= set(table)
            assert table["money_unit"] in ("元", "万元")
            for point in table["schedule"]:
                assert set(point) == {"period", "raw"}
            for indicator in table["indicators"]:
                assert INDICATOR_KEYS <= set(indicator)


def test_parse_corpus(tmp_path):
    result = runner.invoke(app, ["parse", str(CORPUS), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "submissions.json").read_text(encoding="utf-8"))
    _check_contract(document)
    assert len(document["submissions"]) == 5
    assert sum(len(s["tables"]) for s in document["submissions"]) == sum(SEED_TABLE_COUNTS.values())
    first = document["submissions"][0]["tables"][0]
    assert first["budget"] == 130000.0 and first["money_unit"] == "元"
    # Part 1's prose indicators (table 0) are listed and counted in the per-file line
    assert [len(s["part1"]["indicators"]) for s in document["submissions"]] == [12, 46, 0, 35, 0]
    assert "76 行指标，第一部分另述 12 条指标" in result.output


def test_audit_scores_part1_statements(tmp_path):
    result = runner.invoke(app, ["audit", str(seed_path("001")), "--out", str(tmp_path), "-q", "-f", "json"])
    assert result.exit_code == 0, result.output
    statements = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["submissions"][0]["part1"]["indicators"]
    assert len(statements) == 46 and all(0.0 <= s["specificity"] <= 1.0 for s in statements)
    score = {s["level3"]: s["specificity"] for s in statements}
    assert score["行政审批工作完成率"] - score["意识形态工作提升"] > 0.3


def test_audit_writes_findings_json(tmp_path):
    result = runner.invoke(app, ["audit", str(CORPUS), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    _check_contract(document)
    assert document["findings"], "the seeds are full of problems"
    for finding in document["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["category"] in CATEGORIES and finding["severity"] in ("high", "medium", "low")
    assert document["check_errors"] == []
    assert [Path(s["source"]).name[:3] for s in document["submissions"]] == sorted(SEED_TABLE_COUNTS)


def test_bad_file_in_batch_exit_code_and_message(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "nested").mkdir(parents=True)
    shutil.copy(seed_path("000"), inputs / "nested" / "德归镇.txt")
    (inputs / "损坏.docx").write_bytes(b"PK\x03\x04 broken")
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(inputs), "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    assert "损坏.docx" in result.output
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [Path(s["source"]).name for s in document["submissions"]] == ["德归镇.txt"]
    assert [Path(e["source"]).name for e in document["errors"]] == ["损坏.docx"]


def test_quiet_prints_nothing_on_success(tmp_path):
    result = runner.invoke(app, ["parse", str(seed_path("002")), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0
    assert result.output == ""


def test_no_inputs_is_a_usage_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["audit", str(empty), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "没有找到" in result.output


def test_output_folder_inside_input_folder_is_not_read_back(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(seed_path("003"), inputs / "a.txt")
    for _ in range(2):  # the second run must not pick up the first run's outputs
        result = runner.invoke(app, ["parse", str(inputs), "--out", str(inputs / "reports"), "-q"])
        assert result.exit_code == 0, result.output
    document = json.loads((inputs / "reports" / "submissions.json").read_text(encoding="utf-8"))
    assert len(document["submissions"]) == 1


@pytest.mark.skipif(shutil.which("auditor", path=str(Path(sys.executable).parent)) is None,
                    reason="console script not installed in this environment")
def test_installed_console_script(tmp_path):
    script = shutil.which("auditor", path=str(Path(sys.executable).parent))
    completed = subprocess.run(
        [script, "audit", str(CORPUS), "--out", str(tmp_path), "--workers", "2"],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "张表" in completed.stderr  # the per-file summary
    document = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert len(document["submissions"]) == 5


def test_json_only_audit_is_streamed_with_the_same_output_and_messages(tmp_path):
    """`audit DIR -f json` takes the streamed two-pass path; its findings.json, exit code and
    summary line are those of the full in-memory run."""
    full = runner.invoke(app, ["audit", str(CORPUS), "--out", str(tmp_path / "all"), "--fail-on", "high"])
    alone = runner.invoke(app, ["audit", str(CORPUS), "--out", str(tmp_path / "json"), "-f", "json", "--fail-on", "high"])
    assert alone.exit_code == full.exit_code == 3
    assert (tmp_path / "json" / "findings.json").read_bytes() == (tmp_path / "all" / "findings.json").read_bytes()
    assert sorted(p.name for p in (tmp_path / "json").iterdir()) == ["findings.json"]
    summary = [line for line in full.output.splitlines() if line.startswith("共 ")]
    assert summary and summary == [line for line in alone.output.splitlines() if line.startswith("共 ")]
    assert [line for line in full.output.splitlines() if line.startswith("✓")] == \
        [line for line in alone.output.splitlines() if line.startswith("✓")]


@pytest.mark.parametrize("formats", [["-f", "json"], []])
def test_an_output_path_that_is_a_file_is_a_clear_error(tmp_path, formats):
    taken = tmp_path / "reports"
    taken.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(seed_path("003")), "--out", str(taken), "-q", *formats])
    assert result.exit_code == 2
    assert "无法读写" in result.output and "reports" in result.output
    assert taken.read_text(encoding="utf-8") == "not a folder"
