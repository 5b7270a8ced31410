"""Output helpers. Every file we write appears whole or not at all (write to a temporary file
in the same folder, then rename), so an interrupted run never leaves half a findings.json."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
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


def write_json_atomic(path: Path, document: Any) -> None:
    """The same bytes as `json.dumps(document, ensure_ascii=False, indent=2) + "\n"`, streamed to
    the file piece by piece: a province-sized findings.json (gigabytes) is never held in memory
    as one string plus its UTF-8 copy."""
    with atomic_file(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as file:
        for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(document):
            file.write(chunk)
        file.write("\n")
