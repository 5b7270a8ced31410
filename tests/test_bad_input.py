"""Bad input never stops a batch: each file gets a clear reason, the rest goes on, inputs are
never modified, outputs are written whole."""
from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from auditor import api
from auditor.ingest import InputRejected, read_submission
from auditor.ingest import guards
from auditor.io_utils import write_json_atomic

from .conftest import seed_path


def _reject(path: Path) -> str:
    with pytest.raises(InputRejected) as info:
        read_submission(path)
    return str(info.value)


def test_empty_file(tmp_path):
    path = tmp_path / "空.docx"
    path.write_bytes(b"")
    assert "文件为空" in _reject(path)


def test_whitespace_only_text_is_empty(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\t\n", encoding="utf-8")
    assert "文件为空" in _reject(path)


def test_binary_garbage(tmp_path):
    path = tmp_path / "garbage.bin"
    path.write_bytes(bytes(range(256)) * 64)
    assert "无法识别的文件格式" in _reject(path)


def test_docx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "假的.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert "无法识别" in _reject(path)


def test_docx_that_is_plain_text_without_tables(tmp_path):
    path = tmp_path / "改了扩展名.docx"
    path.write_text("这不是 Word 文档", encoding="utf-8")
    assert "扩展名是 .docx，但内容不是Word 文档" in _reject(path)


def test_text_export_named_docx_is_still_read(tmp_path):
    path = tmp_path / "导出.docx"
    path.write_bytes(seed_path("000").read_bytes())
    submission = read_submission(path)
    assert len(submission.tables) == 8
    assert any("实际内容是纯文本" in w for w in submission.warnings)


def test_truncated_zip_named_docx(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>" * 100)
    data = buffer.getvalue()[:-30]  # cut off the central directory
    path = tmp_path / "损坏.docx"
    path.write_bytes(data)
    message = _reject(path)
    assert "损坏" in message or "zip" in message


def test_docx_with_broken_xml(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    path = tmp_path / "broken.docx"
    path.write_bytes(buffer.getvalue())
    assert "Word" in _reject(path)


def test_zip_bomb(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (guards.MAX_UNZIPPED_BYTES + 1024))
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 2 * 1024 * 1024  # small on disk …
    assert "压缩炸弹" in _reject(path)  # … refused before expanding


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as file:  # sparse: no real disk use
        file.truncate(guards.MAX_FILE_BYTES + 1)
    assert "文件过大" in _reject(path)


def test_gbk_text_is_decoded(tmp_path):
    text = seed_path("000").read_text(encoding="utf-8")
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gb18030"))
    submission = read_submission(path)
    assert len(submission.tables) == 8
    assert submission.tables[0].project == "德归镇创建全国文明县城工作经费"
    assert any("gb18030" in w for w in submission.warnings)


def test_utf8_bom_and_crlf(tmp_path):
    text = seed_path("001").read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    submission = read_submission(path)
    assert len(submission.tables) == 24
    assert submission.tables[0].indicators[0].value == "≤3人"


def test_document_without_tables(tmp_path):
    path = tmp_path / "prose.txt"
    path.write_text("第一部分\n部门整体绩效目标\n一、总体绩效目标\n2024年，我局将继续做好各项工作。\n", encoding="utf-8")
    submission = read_submission(path)
    assert submission.tables == []
    assert "未找到任何项目绩效目标表" in submission.warnings
    assert submission.part1.overall == ["2024年，我局将继续做好各项工作。"]


def test_table_with_missing_columns(tmp_path):
    text = (
        "1.测试项目绩效目标表\n\t100001测试县测试镇人民政府本级\n\t单位：元\n\n"
        "\t项目名称\n\t测试项目\n\n"
        "\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n"
        "\t产出指标\n\t数量指标\n\t培训人数\n\t≥50人\n\n"
    )
    path = tmp_path / "missing.txt"
    path.write_text(text, encoding="utf-8")
    table = read_submission(path).tables[0]
    assert [(i.level3, i.value, i.description, i.basis) for i in table.indicators] == [("培训人数", "≥50人", "", "")]
    assert any("缺少列" in w and "绩效指标描述" in w and "指标值确定依据" in w for w in table.warnings)


def test_unknown_format(tmp_path):
    path = tmp_path / "x.rtf"
    path.write_bytes(b"{\\rtf1\\ansi hello}")
    assert "RTF" in _reject(path)


def test_plain_zip(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert "不是 .docx 或 .xlsx" in _reject(path)


def test_legacy_doc_without_libreoffice_says_how_to_convert(tmp_path, monkeypatch):
    from auditor.ingest import legacy

    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    path = tmp_path / "旧格式.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    message = _reject(path)
    assert "LibreOffice" in message and "另存为" in message


def test_missing_path(tmp_path):
    assert "不存在" in _reject(tmp_path / "nope.docx")


def _digest(paths):
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in paths}


def test_batch_goes_on_and_inputs_are_untouched(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "garbage.pdf").write_bytes(b"%PDF-1.4\n garbage that is no pdf")
    (inputs / "fake.docx").write_bytes(b"not a zip at all")
    (inputs / "sub").mkdir()
    good = inputs / "sub" / "good.txt"
    good.write_bytes(seed_path("002").read_bytes())
    before = _digest(sorted(inputs.rglob("*.*")))
    batch = api.read_batch([inputs], workers=1)
    assert {Path(r.source).name for r in batch.failures} == {"empty.txt", "garbage.pdf", "fake.docx"}
    assert [Path(s.source).name for s in batch.submissions] == ["good.txt"]
    for failure in batch.failures:
        assert failure.error  # a reason, in Chinese
    assert _digest(sorted(inputs.rglob("*.*"))) == before


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "findings.json"
    write_json_atomic(target, {"old": True})

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", explode)
    with pytest.raises(OSError):
        write_json_atomic(target, {"new": True})
    assert json.loads(target.read_text(encoding="utf-8")) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]  # no temp file left behind
