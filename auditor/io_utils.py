"""Output helpers. Every file we write appears whole or not at all (write to a temporary file
in the same folder, then rename), so an interrupted run never leaves half a findings.json."""
from __future__ import annotations

import json
import os
from json.encoder import encode_basestring
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def _default_mode() -> int:
    """The mode a plain open() would give a new file (0o666 minus the umask); mkstemp's own
    0o600 would make reports unreadable to colleagues and web servers."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_file(path: Path, mode: str, **open_args: Any) -> Iterator[IO[Any]]:
    """An open temporary file beside `path`; renamed onto `path` only when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, mode, **open_args) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _default_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    with atomic_file(path, "wb") as file:
        file.write(data)


class JsonStream:
    """A list-valued entry of a JSON document given as an iterable, encoded one item at a time
    (write_json_atomic): two million findings are never all dicts at once."""

    def __init__(self, items: Iterable[Any]):
        self.items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)


def _indented(text: str, prefix: str, first: bool = True) -> str:
    lines = text.split("\n")
    head = prefix + lines[0] if first else lines[0]
    return "\n".join([head, *(prefix + line for line in lines[1:])])


_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2)
ITEM_SEPARATOR = ",\n"
_INFINITY = float("inf")


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, float):
        return _float_text(key)
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _encode_into(value: Any, parts: list[str], pad: str) -> None:
    """Append the text `json.dumps(value, ensure_ascii=False, indent=2)` gives `value` nested
    where its lines start with `pad`. json's own indenting encoder is pure Python; this one
    leaves the strings to json's C escaper and writes the layout directly (2.5× faster, and
    the workers encode a province's 2 GB of findings)."""
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float_text(value))
    elif isinstance(value, (list, tuple, dict)):
        if not value:
            parts.append("{}" if isinstance(value, dict) else "[]")
            return
        inner = pad + "  "
        separator = ("{\n" if isinstance(value, dict) else "[\n") + inner
        if isinstance(value, dict):
            for key, item in value.items():
                parts.append(separator + encode_basestring(_key_text(key)) + ": ")
                separator = ",\n" + inner
                _encode_into(item, parts, inner)
            parts.append("\n" + pad + "}")
        else:
            for item in value:
                parts.append(separator)
                separator = ",\n" + inner
                _encode_into(item, parts, inner)
            parts.append("\n" + pad + "]")
    else:
        _ENCODER.default(value)  # raises json's TypeError


def encode_item(item: Any, pad: str = "    ", first: bool = True) -> str:
    """`item` encoded as json.dumps(…, ensure_ascii=False, indent=2) writes it where its lines
    start with `pad` (an item of a top-level list by default); `first`: the first line too."""
    parts = [pad if first else ""]
    try:
        _encode_into(item, parts, pad)
    except RecursionError:  # a structure that contains itself: json's own message
        return _indented(_ENCODER.encode(item), pad, first)
    return "".join(parts)


def encode_items(items: Iterable[Any]) -> str:
    """Items of a top-level list of a document as `iter_json` writes them: each encoded and
    indented for its place, joined by ITEM_SEPARATOR. Lets pool workers do the encoding."""
    return ITEM_SEPARATOR.join(encode_item(item) for item in items)


class DocumentWriter:
    """Writes a top-level dict as `json.dumps(document, ensure_ascii=False, indent=2)` does,
    entry by entry; a list entry may be written item by item or from pre-encoded pieces
    (encode_items), so a province's findings never exist as objects in one process."""

    def __init__(self, file: IO[str]):
        self.file = file
        self.entries = 0
        self._list_empty: bool | None = None  # None: not inside a list

    def _key(self, key: str) -> None:
        self.file.write(("{\n" if self.entries == 0 else ",\n") + "  " + _ENCODER.encode(str(key)) + ": ")
        self.entries += 1

    def value(self, key: str, value: Any) -> None:
        self._key(key)
        self.file.write(encode_item(value, "  ", first=False))

    def begin_list(self, key: str) -> None:
        self._key(key)
        self._list_empty = True

    def encoded(self, pieces: str) -> None:
        """Items already encoded by encode_items (nothing for an empty string)."""
        if pieces:
            self.file.write(("[\n" if self._list_empty else ITEM_SEPARATOR) + pieces)
            self._list_empty = False

    def encoded_stream(self, chunks: Iterable[str]) -> None:
        """Items already encoded by encode_items and joined by ITEM_SEPARATOR, in pieces of any
        size (read back from a spool file)."""
        for chunk in chunks:
            if chunk:
                self.file.write("[\n" + chunk if self._list_empty else chunk)
                self._list_empty = False

    def item(self, item: Any) -> None:
        self.encoded(encode_item(item))

    def end_list(self) -> None:
        self.file.write("[]" if self._list_empty else "\n  ]")
        self._list_empty = None

    def close(self) -> None:
        self.file.write("{}\n" if self.entries == 0 else "\n}\n")


class _Pieces(list):
    """A list the DocumentWriter can write to."""

    write = list.append


def iter_json(document: Any) -> Iterator[str]:
    """The text of `json.dumps(document, ensure_ascii=False, indent=2)`, in pieces. Top-level
    values may be JsonStream: their items are encoded as they come, indented as json.dumps would.
    (json's encoder escapes newlines inside strings, so every newline of an encoded item is
    structural and can be re-indented.)"""
    if not isinstance(document, dict) or not any(isinstance(v, JsonStream) for v in document.values()):
        yield from _ENCODER.iterencode(document)
        return
    pieces = _Pieces()
    writer = DocumentWriter(pieces)  # type: ignore[arg-type]
    for key, value in document.items():
        if isinstance(value, JsonStream):
            writer.begin_list(key)
            for item in value:
                writer.item(item)
                yield from pieces
                pieces.clear()
            writer.end_list()
        else:
            writer.value(key, value)
        yield from pieces
        pieces.clear()
    yield "\n}"


def write_json_atomic(path: Path, document: Any) -> None:
    """The same bytes as `json.dumps(document, ensure_ascii=False, indent=2) + "\n"`, streamed to
    the file piece by piece: a province-sized findings.json (gigabytes) is never held in memory
    as one string plus its UTF-8 copy, and JsonStream entries not even as objects."""
    with atomic_file(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as file:
        for chunk in iter_json(document):
            file.write(chunk)
        file.write("\n")
