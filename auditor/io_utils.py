"""Output helpers. Every file we write appears whole or not at all (write to a temporary file
in the same folder, then rename), so an interrupted run never leaves half a findings.json."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, document: Any) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2)
    write_atomic(path, (text + "\n").encode("utf-8"))
