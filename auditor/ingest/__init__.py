"""Read any submission file into a `Submission`.

`read_submission` sniffs the content, picks the reader, and hands the row stream to the one
layout interpreter. Bad input never escapes as an arbitrary exception: it becomes an
`InputRejected` whose Chinese message names the problem, so a batch can report it and go on.
Inputs are only ever opened for reading.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..schema import Submission
from .guards import InputRejected, check_size, check_zip
from .layout import build_submission
from .legacy import convert_legacy
from .rows import Row
from .sniff import decode_text, sniff_bytes, text_layout

__all__ = ["InputRejected", "ReadResult", "collect_inputs", "read_submission", "read_many", "parse_bytes"]

# Suffixes picked up when walking a folder; a file named explicitly is always tried.
CONTAINER_SUFFIXES = {".docx": "Word ", ".docm": "Word ", ".xlsx": "Excel ", ".xlsm": "Excel ", ".pdf": "PDF ",
                      ".doc": "Word ", ".wps": "WPS ", ".xls": "Excel ", ".et": "WPS 表格"}
INPUT_SUFFIXES = {".txt", ".text", ".html", ".htm", ".docx", ".docm", ".xlsx", ".xlsm", ".pdf", ".doc", ".wps", ".xls", ".et"}


@dataclass
class ReadResult:
    source: str  # the path as given / as found while walking
    submission: Submission | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.submission is not None


def collect_inputs(paths: Iterable[str | os.PathLike[str]], exclude: Iterable[Path] = ()) -> list[str]:
    """Files named explicitly plus the submission-like files under each folder, sorted."""
    excluded = [Path(e).resolve() for e in exclude]
    found: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if not candidate.is_file() or candidate.name.startswith((".", "~$")):
                    continue
                if any(part.startswith(".") for part in candidate.relative_to(path).parts[:-1]):
                    continue
                resolved = candidate.resolve()
                if any(resolved.is_relative_to(e) for e in excluded):
                    continue
                if candidate.suffix.lower() in INPUT_SUFFIXES:
                    found.append(str(candidate))
        else:
            found.append(str(path))
    return found


def read_submission(path: str | os.PathLike[str]) -> Submission:
    """Parse one file. Raises `InputRejected` (with a Chinese reason) when nothing can be read."""
    source = str(path)
    file = Path(path)
    if not file.exists():
        raise InputRejected("文件不存在")
    if not file.is_file():
        raise InputRejected("不是普通文件")
    try:
        size = file.stat().st_size
        check_size(size, "binary")
        data = file.read_bytes()
    except PermissionError as error:
        raise InputRejected("没有读取权限") from error
    except OSError as error:
        raise InputRejected(f"无法读取文件：{error.strerror or error}") from error
    return parse_bytes(data, source, suffix=file.suffix.lower(), path=file)


def parse_bytes(data: bytes, source: str, suffix: str = "", path: Path | None = None) -> Submission:
    kind = sniff_bytes(data[:4096], data if data[:2] == b"PK" else None)
    if kind == "empty":
        raise InputRejected("文件为空")
    if kind == "ole2":
        if path is None:
            raise InputRejected("旧版 Office/WPS 二进制格式需要从文件路径转换")
        data, converted = convert_legacy(path)
        submission = parse_bytes(data, source, suffix=f".{converted}")
        submission.format = f"{suffix.lstrip('.') or 'doc'}→{converted}"
        return submission
    if kind == "rtf":
        raise InputRejected("RTF 格式暂不支持，请在 Word/WPS 中另存为 .docx")
    if kind == "binary":
        raise InputRejected("无法识别的文件格式（既不是 Word/Excel/PDF，也不是文本）")
    if kind == "zip":
        check_zip(data)  # a broken zip gets its own message
        raise InputRejected("文件是 zip 压缩包，但不是 .docx 或 .xlsx 文档")
    warnings: list[str] = []
    try:
        rows, fmt = _read_rows(kind, data, warnings)
    except InputRejected:
        raise
    except Exception as error:  # a library choking on a malformed file: report, never crash the batch
        raise InputRejected(f"{_format_name(kind)}文件已损坏或结构异常，无法读取（{type(error).__name__}: {str(error)[:120]}）") from error
    submission = build_submission(rows, source, fmt)
    promised = CONTAINER_SUFFIXES.get(suffix)
    if kind == "text" and promised:
        # a .docx/.pdf that is really text: fine if it holds tables (some systems export text
        # under any name), otherwise the file is simply not what its name says
        if not submission.tables:
            raise InputRejected(f"扩展名是 {suffix}，但内容不是{promised}文档（是纯文本或网页，且没有绩效目标表）")
        actual = "HTML 网页" if fmt == "html" else "纯文本"
        warnings.append(f"扩展名是 {suffix}，实际内容是{actual}，已按{actual}读取")
    submission.warnings[:0] = warnings
    return submission


def _read_rows(kind: str, data: bytes, warnings: list[str]) -> tuple[list[Row], str]:
    if kind == "text":
        check_size(len(data), "text")
        text, encoding = decode_text(data)
        if encoding not in ("utf-8", "utf-8-sig"):
            warnings.append(f"文本编码为 {encoding}")
        from .html_reader import looks_like_html, read_html

        if looks_like_html(text):
            return read_html(text), "html"
        layout = text_layout(text)
        if layout == "word-text":
            from .word_text import read_word_text

            return read_word_text(text), layout
        from .pdf_text import read_pdf_text

        return read_pdf_text(text), layout
    if kind in ("docx", "xlsx"):
        check_zip(data)
    if kind == "docx":
        from .docx_reader import read_docx

        return read_docx(data), "docx"
    if kind == "xlsx":
        from .xlsx_reader import read_xlsx

        return read_xlsx(data), "xlsx"
    if kind == "pdf":
        from .pdf_reader import read_pdf

        rows, pdf_warnings = read_pdf(data)
        warnings.extend(pdf_warnings)
        return rows, "pdf"
    raise InputRejected(f"不支持的格式：{kind}")


def _format_name(kind: str) -> str:
    return {"docx": "Word ", "xlsx": "Excel ", "pdf": "PDF ", "text": "文本"}.get(kind, "")


def read_many(paths: Iterable[str]) -> Iterator[ReadResult]:
    for path in paths:
        try:
            yield ReadResult(path, read_submission(path))
        except InputRejected as error:
            yield ReadResult(path, None, str(error))
