"""Old binary formats (.doc, .wps, .xls, .et) go through LibreOffice when it is installed."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .guards import InputRejected

CONVERT_TIMEOUT_S = 180
TARGET = {".xls": "xlsx", ".et": "xlsx"}


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_legacy(path: Path) -> tuple[bytes, str]:
    """Convert a copy of `path` to .docx/.xlsx in a scratch folder; the input is never touched."""
    target = TARGET.get(path.suffix.lower(), "docx")
    soffice = soffice_path()
    if soffice is None:
        raise InputRejected(
            f"这是旧版 Office/WPS 二进制格式（{path.suffix or '无扩展名'}），本机未安装 LibreOffice，无法直接读取。"
            f"请在 Word/WPS 中“另存为”.{target}，或安装 LibreOffice 后重试"
            f"（Debian/Ubuntu：apt-get install libreoffice-writer libreoffice-calc）。"
        )
    with tempfile.TemporaryDirectory(prefix="auditor-convert-") as scratch:
        copy = Path(scratch) / ("input" + path.suffix.lower())
        shutil.copyfile(path, copy)
        try:
            subprocess.run(
                [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{scratch}/profile",
                 "--convert-to", target, "--outdir", scratch, str(copy)],
                check=True, capture_output=True, timeout=CONVERT_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as error:
            raise InputRejected(f"LibreOffice 转换超时（{CONVERT_TIMEOUT_S} 秒）") from error
        except subprocess.CalledProcessError as error:
            detail = error.stderr.decode(errors="replace").strip()[-200:]
            raise InputRejected(f"LibreOffice 转换失败：{detail}") from error
        converted = Path(scratch) / f"input.{target}"
        if not converted.exists():
            raise InputRejected("LibreOffice 没有生成转换结果，文件可能已损坏")
        return converted.read_bytes(), target
