"""Decide a file's format from its bytes, not its name (a .doc may really be a .docx, a .txt
may be a PDF export). The suffix only breaks ties between the two text layouts."""
from __future__ import annotations

import io
import zipfile

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .wps / .xls
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sniff_bytes(head: bytes, data: bytes | None = None) -> str:
    """Return one of: docx, xlsx, zip, pdf, ole2, rtf, text, binary, empty."""
    if not head.strip():
        return "empty"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if data is not None:
            try:
                names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
            except zipfile.BadZipFile:
                return "zip"
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
        return "zip"
    if head.startswith(UTF16_BOMS):
        return "text"
    return "text" if _looks_like_text(head) else "binary"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as error:
            # the sample may end inside a multi-byte character
            if error.start >= len(head) - 4:
                text = head[: error.start].decode(encoding, errors="ignore")
            else:
                continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        return controls <= max(2, len(text) // 200)
    return False


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding). Chinese exports come as UTF-8 (with or without BOM),
    UTF-16 or GB18030/GBK."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "utf-8 (有无法解码的字节)"


def text_layout(text: str) -> str:
    """'word-text' (one tab-led cell per line) or 'pdf-text' (tab-separated cells per line)."""
    one_cell = many_cells = 0
    for line in text.splitlines():
        tabs = line.count("\t")
        if tabs == 1 and line.startswith("\t"):
            one_cell += 1
        elif tabs >= 2:
            many_cells += 1
    return "word-text" if one_cell >= many_cells else "pdf-text"
