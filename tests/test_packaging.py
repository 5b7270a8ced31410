"""An installed (non-editable) auditor finds rules/ and models/ and reads the corpus."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import CORPUS, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    if completed.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{completed.stderr[-2000:]}")
    return next(out.glob("jixiao_auditor-*.whl"))


def test_wheel_carries_code_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in (REPO / "auditor").rglob("*.py"):
        assert module.relative_to(REPO).as_posix() in names
    for folder in ("rules", "models"):
        for data in (REPO / folder).rglob("*"):
            if data.is_file() and not data.name.startswith("."):
                assert f"auditor/_data/{data.relative_to(REPO).as_posix()}" in names
    templates = [t for t in (REPO / "auditor" / "report" / "templates").rglob("*") if t.is_file()]
    assert templates, "the HTML report templates are missing"
    for template in templates:
        if not template.name.startswith("."):
            assert template.relative_to(REPO).as_posix() in names


def test_installed_copy_runs_from_elsewhere(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    script = (
        "import auditor, auditor.resources as r, sys;"
        "print(auditor.__file__); print(r.rules_dir()); print(r.models_dir());"
        "from auditor.cli import app; sys.argv=['auditor','parse',sys.argv[1],'--out',sys.argv[2],'-q'];"
        "app()"
    )
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(target)}
    completed = subprocess.run(
        [sys.executable, "-c", script, str(CORPUS), str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    module, rules, models = completed.stdout.splitlines()[:3]
    assert module.startswith(str(target))  # the installed copy, not the checkout
    assert rules == str(target / "auditor" / "_data" / "rules")
    assert models == str(target / "auditor" / "_data" / "models")
    document = json.loads((out / "submissions.json").read_text(encoding="utf-8"))
    assert len(document["submissions"]) == 5
    # the reports render from the installed copy too (templates shipped as package data)
    script = (
        "import sys; from auditor.cli import app;"
        "sys.argv=['auditor','audit',sys.argv[1],'--out',sys.argv[2],'-q','--format','html,xlsx'];"
        "app()"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(CORPUS / "003_9c312dd3bf4e2b5d.txt"), str(tmp_path / "audit")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "audit" / "index.html").is_file()
    assert (tmp_path / "audit" / "reports" / "003_9c312dd3bf4e2b5d.html").is_file()
    assert (tmp_path / "audit" / "整改清单.xlsx").is_file()
