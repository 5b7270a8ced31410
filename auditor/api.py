"""The functions the CLI and the tests call. Data flows one way: ingest → checks → report."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .ingest import ReadResult, collect_inputs, read_submission
from .ingest.guards import InputRejected
from .io_utils import write_json_atomic
from .engine import Engine
from .schema import Finding, Submission

TOOL = {"name": "jixiao-auditor", "version": __version__}


@dataclass
class BatchResult:
    results: list[ReadResult] = field(default_factory=list)

    @property
    def submissions(self) -> list[Submission]:
        return [r.submission for r in self.results if r.submission is not None]

    @property
    def failures(self) -> list[ReadResult]:
        return [r for r in self.results if r.submission is None]


def _read_one(path: str) -> ReadResult:
    try:
        return ReadResult(path, read_submission(path))
    except InputRejected as error:
        return ReadResult(path, None, str(error))
    except Exception as error:  # last line of defence: one file must never stop the batch
        return ReadResult(path, None, f"内部错误：{type(error).__name__}: {error}")


def read_batch(
    paths: Iterable[str | os.PathLike[str]],
    *,
    exclude: Iterable[Path] = (),
    workers: int | None = None,
    on_file: Callable[[ReadResult], None] | None = None,
) -> BatchResult:
    """Read every input; bad files become failures with a reason, the rest go on.
    Large batches use a process pool (parsing is CPU-bound)."""
    files = collect_inputs(paths, exclude=exclude)
    batch = BatchResult()
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(files) >= 8 else 1
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_read_one, files, chunksize=4):
                batch.results.append(result)
                if on_file:
                    on_file(result)
    else:
        for path in files:
            result = _read_one(path)
            batch.results.append(result)
            if on_file:
                on_file(result)
    return batch


def submissions_document(batch: BatchResult) -> dict[str, Any]:
    """The `submissions` part of the findings.json contract, plus the files that failed."""
    return {
        "tool": dict(TOOL),
        "submissions": [s.to_dict() for s in batch.submissions],
        "errors": [{"source": r.source, "error": r.error} for r in batch.failures],
    }


@dataclass
class AuditRun:
    batch: BatchResult
    findings: list[Finding] = field(default_factory=list)
    check_errors: list[str] = field(default_factory=list)
    waived: int = 0


def audit_batch(batch: BatchResult, engine: Engine | None = None) -> AuditRun:
    engine = engine or Engine()
    run = AuditRun(batch)
    for submission in batch.submissions:
        result = engine.audit(submission)
        run.findings.extend(result.findings)
        run.check_errors.extend(result.errors)
        run.waived += len(result.waived)
    return run


def findings_document(run: AuditRun) -> dict[str, Any]:
    document = submissions_document(run.batch)
    document["findings"] = [f.to_dict() for f in run.findings]
    document["check_errors"] = list(run.check_errors)
    document["waived"] = run.waived
    return document


def write_parse_output(batch: BatchResult, out: Path) -> Path:
    target = out / "submissions.json"
    write_json_atomic(target, submissions_document(batch))
    return target


def write_audit_output(run: AuditRun, out: Path) -> Path:
    target = out / "findings.json"
    write_json_atomic(target, findings_document(run))
    return target
