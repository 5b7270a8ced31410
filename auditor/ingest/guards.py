"""Limits that keep one hostile or broken file from stopping a county-wide batch."""
from __future__ import annotations

import io
import zipfile

MAX_FILE_BYTES = 200 * 1024 * 1024  # the largest real submissions are a few MB
MAX_TEXT_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024  # a zip bomb expands far beyond this
MAX_ZIP_RATIO = 200  # real .docx/.xlsx compress ~5–20×
MAX_ZIP_MEMBERS = 20_000


class InputRejected(Exception):
    """A file we refuse to read; the message is shown to the auditor (Chinese)."""


def check_size(size: int, kind: str) -> None:
    limit = MAX_TEXT_BYTES if kind == "text" else MAX_FILE_BYTES
    if size > limit:
        raise InputRejected(f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {limit // 1024 // 1024} MB），疑似不是绩效目标文本")


def check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InputRejected(f"文件不是有效的 Office 文档（zip 结构损坏：{error}）") from error
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputRejected(f"压缩包内文件过多（{len(members)} 个），拒绝读取")
    total = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if total > MAX_UNZIPPED_BYTES or (total > 20 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO):
        raise InputRejected(
            f"解压后体积异常（{total / 1024 / 1024:.0f} MB，压缩比 {total / packed:.0f}:1），疑似压缩炸弹，拒绝读取"
        )
    bad = archive.testzip() if total < 50 * 1024 * 1024 else None
    if bad:
        raise InputRejected(f"压缩包成员 {bad} 已损坏")
