"""The functions the CLI and the tests call. Data flows one way: ingest → checks → report."""
from __future__ import annotations

import gc
import os
import pickle
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .ingest import ReadResult, collect_inputs, read_submission
from .ingest.guards import InputRejected
from .io_utils import ITEM_SEPARATOR, DocumentWriter, JsonStream, atomic_file, encode_items, write_atomic, write_json_atomic
from .engine import Engine
from .ml.scoring import apply_scores
from .schema import Finding, Submission
from .taxonomy import SEVERITIES

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


def _share_strings(value: Any, pool: dict[str, str]) -> Any:
    """`value` with every string that equals one seen before replaced by that one (in place for
    lists, dicts and dataclass objects). Results unpickled from pool workers carry their own
    copy of every string; across a county's copy-pasted submissions most cells and most finding
    messages are repeats, so sharing them keeps a province-sized run's memory in bounds.
    Strings are immutable: nothing observable changes."""
    kind = type(value)
    if kind is str:
        return pool.setdefault(value, value)
    if kind is list:
        for i, item in enumerate(value):
            value[i] = _share_strings(item, pool)
    elif kind is dict:
        for key, item in value.items():
            value[key] = _share_strings(item, pool)
    elif kind is tuple:
        return tuple(_share_strings(item, pool) for item in value)
    elif hasattr(value, "__dataclass_fields__"):
        if hasattr(value, "__dict__"):
            attributes = vars(value)
            for key, item in attributes.items():
                attributes[key] = _share_strings(item, pool)
        else:  # a slotted dataclass (schema.Indicator, Value, Finding …), frozen or not
            for name in value.__dataclass_fields__:
                object.__setattr__(value, name, _share_strings(getattr(value, name), pool))
    return value


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
        workers = _default_workers(len(files))
    strings: dict[str, str] = {}
    for result in _mapped(_read_one, files, workers):
        if workers > 1:
            _share_strings(result.submission, strings)  # each result unpickled its own copies
        batch.results.append(result)
        if on_file:
            on_file(result)
    return batch


def submissions_document(batch: BatchResult, lazy: bool = False) -> dict[str, Any]:
    """The `submissions` part of the findings.json contract, plus the files that failed. `lazy`:
    the submissions as a JsonStream (encoded one at a time by write_json_atomic)."""
    dicts = (s.to_dict() for s in batch.submissions)
    return {
        "tool": dict(TOOL),
        "submissions": JsonStream(dicts) if lazy else list(dicts),
        "errors": [{"source": r.source, "error": r.error} for r in batch.failures],
    }


@dataclass
class AuditRun:
    batch: BatchResult
    findings: list[Finding] = field(default_factory=list)
    check_errors: list[str] = field(default_factory=list)
    waived: int = 0
    corpus: Any = None  # the corpus index (auditor.corpus.CorpusIndex) TEXT_REUSE checked against
    _boilerplate: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def boilerplate(self) -> dict[str, Any] | None:
        """findings.json "boilerplate": the shared texts and copied-cell shares of the run's
        submissions (None without a corpus index)."""
        if self.corpus is None:
            return None
        if self._boilerplate is None:
            from .corpus.stats import boilerplate

            self._boilerplate = boilerplate(self.corpus, self.batch.submissions)
        return self._boilerplate


def _default_workers(count: int) -> int:
    return min(os.cpu_count() or 1, 4) if count >= 8 else 1


# The engine of a pool worker: built (or, under fork, inherited) once per worker process by the
# pool's initializer, never once per file.
_worker_engine: Engine | None = None


def _init_worker(engine: Engine | None) -> None:
    global _worker_engine
    _worker_engine = engine if engine is not None else Engine()
    if _worker_engine.config.segmenter:  # module state a spawned (not forked) worker lacks
        from .textsim import set_segmenter

        set_segmenter(_worker_engine.config.segmenter)


def _audit_one(submission: Submission, engine: Engine | None = None) -> tuple[list[Finding], list[str], int, list[float | None]]:
    result = (engine or _worker_engine).audit(submission)
    return result.findings, result.errors, len(result.waived), result.scores


def _read_and_audit_one(path: str, engine: Engine | None = None) -> tuple[ReadResult, list[Finding], list[str], int]:
    read = _read_one(path)
    if read.submission is None:
        return read, [], [], 0
    # the scores are already on the submission that travels back with the ReadResult
    return (read, *_audit_one(read.submission, engine)[:3])


@contextmanager
def _pool(workers: int, engine: Engine | None = None) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose forked workers do not copy the parent's heap: the parent's objects
    (a whole batch of parsed submissions, by the time the checks run) are moved out of the
    garbage collector's reach while the workers live (gc.freeze), so a worker's collections do
    not write to — and thereby copy — every page it inherited."""
    gc.freeze()
    try:
        if engine is None:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                yield pool
        else:
            with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(engine,)) as pool:
                yield pool
    finally:
        gc.unfreeze()


def _chunksize(count: int, workers: int) -> int:
    return max(1, min(16, count // (workers * 8)))


def audit_batch(batch: BatchResult, engine: Engine | None = None, *, workers: int | None = None) -> AuditRun:
    """Run the checks on every submission of the batch. Large batches use a process pool (the
    checks are CPU-bound); each worker gets the engine once (inherited under fork, pickled once
    otherwise), and results come back in submission order, so the run is the same either way."""
    engine = engine or Engine()
    run = AuditRun(batch)
    submissions = batch.submissions
    if workers is None:
        workers = _default_workers(len(submissions))
    strings: dict[str, str] = {}
    for submission, (findings, errors, waived, scores) in zip(
            submissions, _mapped(_audit_one, submissions, workers, engine)):
        apply_scores(submission, scores)  # a pool worker scored its own copy
        run.findings.extend(_share_strings(findings, strings) if workers > 1 else findings)
        run.check_errors.extend(errors)
        run.waived += waived
    return run


def audit_files(
    paths: Iterable[str | os.PathLike[str]],
    engine: Engine | None = None,
    *,
    exclude: Iterable[Path] = (),
    workers: int | None = None,
    on_file: Callable[[ReadResult], None] | None = None,
) -> AuditRun:
    """Read and audit in one pass: one process pool whose workers each read a file and run the
    checks on it, returning (ReadResult, findings, errors, waived). Same result as
    `audit_batch(read_batch(paths), engine)` without shipping every parsed submission to a
    second pool; for runs whose engine needs nothing from the whole batch (no corpus index, or
    one loaded beforehand)."""
    engine = engine or Engine()
    files = collect_inputs(paths, exclude=exclude)
    run = AuditRun(BatchResult())
    if workers is None:
        workers = _default_workers(len(files))

    strings: dict[str, str] = {}
    for item in _mapped(_read_and_audit_one, files, workers, engine):
        read, findings, errors, waived = _share_strings(item, strings) if workers > 1 else item
        run.batch.results.append(read)
        run.findings.extend(findings)
        run.check_errors.extend(errors)
        run.waived += waived
        if on_file:
            on_file(read)
    return run


def findings_document(run: AuditRun, lazy: bool = False) -> dict[str, Any]:
    """findings.json as a document; `lazy`: submissions and findings as JsonStreams."""
    document = submissions_document(run.batch, lazy)
    dicts = (f.to_dict() for f in run.findings)
    document["findings"] = JsonStream(dicts) if lazy else list(dicts)
    document["check_errors"] = list(run.check_errors)
    document["waived"] = run.waived
    if run.boilerplate is not None:
        document["boilerplate"] = run.boilerplate
    return document


# ---------------------------------------------------------------- corpus index (issue 4)


def corpus_options(engine: Engine | None = None) -> Any:
    """The index options, with the threshold and formula_min_units of the run's TEXT_REUSE
    options (rules/TEXT_REUSE.yaml, overridable in the config)."""
    from .corpus import IndexOptions

    engine = engine or Engine()
    rule = engine.rules.get("TEXT_REUSE")
    options = engine.config.options_for(rule) if rule is not None else {}
    overrides = {}
    if "corpus_threshold" in options:
        overrides["threshold"] = float(options["corpus_threshold"])
    if "formula_min_units" in options:
        overrides["formula_min_units"] = int(options["formula_min_units"])
    return IndexOptions(**overrides)


def build_corpus(submissions: Iterable[Submission], engine: Engine | None = None) -> Any:
    """The corpus index of `submissions` (every goal, description, value + basis, fund use and
    Part 1 sentence; near copies found by MinHash-LSH and verified with rapidfuzz)."""
    from .corpus import CorpusIndex

    return CorpusIndex.build(submissions, corpus_options(engine))


def load_corpus(path: str | os.PathLike[str]) -> Any:
    """A saved index (`auditor index build`); raises corpus.IndexFormatError."""
    from .corpus import CorpusIndex

    return CorpusIndex.load(path)


def audit_with_corpus(batch: BatchResult, engine: Engine | None = None, corpus: Any = None) -> AuditRun:
    """Audit with the cross-submission TEXT_REUSE check on: against `corpus` (a loaded index,
    to which the batch's submissions are added in memory) or, without one, against the index
    of the batch itself."""
    engine = engine or Engine()
    if corpus is None:
        corpus = build_corpus(batch.submissions, engine)
    else:
        corpus.add_all(batch.submissions)
    engine.corpus = corpus
    run = audit_batch(batch, engine)
    run.corpus = corpus
    return run


def write_parse_output(batch: BatchResult, out: Path) -> Path:
    target = out / "submissions.json"
    write_json_atomic(target, submissions_document(batch, lazy=True))
    return target


def write_audit_output(run: AuditRun, out: Path) -> Path:
    target = out / "findings.json"
    write_json_atomic(target, findings_document(run, lazy=True))
    return target


# ---------------------------------------------------------------- streamed audit (province scale)


@dataclass(frozen=True)
class FileSummary:
    """One input as the CLI reports it: read or not, and what it holds."""

    source: str
    error: str | None = None
    unit_name: str = ""
    year: int | None = None
    tables: int = 0
    rows: int = 0
    statements: int = 0  # indicators stated in Part 1 prose (table 0)
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, read: ReadResult) -> FileSummary:
        submission = read.submission
        if submission is None:
            return cls(read.source, read.error)
        return cls(read.source, None, submission.unit_name, submission.year, len(submission.tables),
                   sum(len(t.indicators) for t in submission.tables), len(submission.part1.indicators),
                   tuple(submission.all_warnings()))


@dataclass
class StreamedAudit:
    """An audit written straight to findings.json: what the CLI reports, not the findings."""

    target: Path
    files: list[FileSummary] = field(default_factory=list)
    severities: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    check_errors: list[str] = field(default_factory=list)
    waived: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each pass

    @property
    def failures(self) -> list[FileSummary]:
        return [f for f in self.files if f.error is not None]

    @property
    def findings(self) -> int:
        return sum(self.severities.values())

    def fails(self, fail_on: str) -> bool:
        """True when a finding is at or above `fail_on` (as api.fails)."""
        return _at_or_above((s for s, count in self.severities.items() if count), fail_on)


def _read_to_spool(job: tuple[str, str | None]) -> tuple[FileSummary, Any]:
    """In a pool worker: read one file, leave the parsed submission in the spool file (when
    one is given: pass 2 of a streamed audit reads it), and send back only what the index needs."""
    from .corpus import IndexEntry

    path, spool_file = job
    read = _read_one(path)
    if read.submission is None:
        return FileSummary.of(read), None
    if spool_file is not None:
        with open(spool_file, "wb") as handle:
            pickle.dump(read.submission, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return FileSummary.of(read), IndexEntry.of(read.submission)


def _indexed(jobs: list[tuple[str, str | None]], workers: int, corpus: Any, files: list[FileSummary],
             on_file: Callable[[FileSummary], None] | None) -> Iterator[tuple[tuple[str, str | None], Any]]:
    """Read the files of `jobs` in the pool and add each readable one to `corpus` (64 at a time:
    the LSH looks candidates up a block of keys at a time); every file's summary goes to
    `files`. Yields (job, IndexEntry) of the readable files; the index is complete once the
    generator is exhausted."""
    pending: list[Any] = []
    strings: dict[str, str] = {}
    for job, (summary, entry) in zip(jobs, _mapped(_read_to_spool, jobs, workers)):
        files.append(summary)
        if on_file:
            on_file(summary)
        if entry is None:
            continue
        pending.append(_share_strings(entry, strings))
        yield job, entry
        if len(pending) >= 64:
            corpus.add_entries(pending)
            pending = []
    corpus.add_entries(pending)


def index_files(
    paths: Iterable[str | os.PathLike[str]],
    engine: Engine | None = None,
    *,
    exclude: Iterable[Path] = (),
    workers: int | None = None,
    on_file: Callable[[FileSummary], None] | None = None,
) -> tuple[Any, list[FileSummary]]:
    """The corpus index of every readable file (`auditor index build`), and each file's summary.
    Only each file's IndexEntry comes back from the pool, so a province's index is built
    without holding its parsed submissions. The same index as build_corpus(read_batch(paths))."""
    from .corpus import CorpusIndex

    files = collect_inputs(paths, exclude=exclude)
    corpus = CorpusIndex(corpus_options(engine))
    summaries: list[FileSummary] = []
    jobs: list[tuple[str, str | None]] = [(str(path), None) for path in files]
    for _job, _entry in _indexed(jobs, _default_workers(len(files)) if workers is None else workers, corpus,
                                 summaries, on_file):
        pass
    return corpus, summaries


def _audit_spooled(spool_file: str, engine: Engine | None = None) -> tuple[str, str, dict[str, int], list[str], int]:
    """Pass 2 (in a pool worker): audit a spooled submission; return it and its findings as
    findings.json text, with the counts the CLI reports."""
    with open(spool_file, "rb") as handle:
        submission = pickle.load(handle)  # noqa: S301 - written by pass 1 of this run
    os.unlink(spool_file)
    result = (engine or _worker_engine).audit(submission)  # fills the submission's specificity
    severities = Counter(f.severity for f in result.findings)
    return (encode_items([submission.to_dict()]), encode_items(f.to_dict() for f in result.findings),
            dict(severities), result.errors, len(result.waived))


def _mapped(function: Callable[..., Any], items: list[Any], workers: int, engine: Engine | None = None) -> Iterator[Any]:
    """function(item) for each item in order: in a process pool (whose workers get `engine`),
    or in this process."""
    if workers > 1 and len(items) > 1:
        with _pool(workers, engine) as pool:
            yield from pool.map(function, items, chunksize=_chunksize(len(items), workers))
    elif engine is not None:
        yield from (function(item, engine) for item in items)
    else:
        yield from map(function, items)


def audit_to_json(
    paths: Iterable[str | os.PathLike[str]],
    out: Path,
    engine: Engine | None = None,
    *,
    corpus: Any = None,
    exclude: Iterable[Path] = (),
    workers: int | None = None,
    on_file: Callable[[FileSummary], None] | None = None,
) -> StreamedAudit:
    """Audit with the corpus index and write findings.json without holding the batch: the same
    file `write_audit_output(audit_with_corpus(read_batch(paths), engine, corpus), out)` writes.

    Pass 1 reads every file in the pool; the workers leave each parsed submission in a spool
    file (in the system temp folder) and send back only its IndexEntry, so this process holds
    the index, never the batch.
    Pass 2 audits the spooled submissions in a pool forked from the finished index; the workers
    encode each submission and its findings, which are written to findings.json (the findings
    through a spool file, since they follow all submissions) as they come."""
    from .corpus import CorpusIndex
    from .corpus.index import MERGE_AT

    engine = engine or Engine()
    files = collect_inputs(paths, exclude=exclude)
    if workers is None:
        workers = _default_workers(len(files))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    run = StreamedAudit(out / FINDINGS_JSON)
    if corpus is None:
        corpus = CorpusIndex(corpus_options(engine))
    started = time.perf_counter()
    # the system temp folder (TMPDIR), not `out`: nobody who can write to the output folder can
    # swap the pickles between the passes, and an interrupted run leaves nothing in the reports
    with tempfile.TemporaryDirectory(prefix="jixiao-spool-") as spool:
        spooled: list[str] = []
        fingerprints: list[str] = []
        jobs: list[tuple[str, str | None]] = [(str(path), os.path.join(spool, f"{number}.pickle"))
                                              for number, path in enumerate(files)]
        for (_path, spool_file), entry in _indexed(jobs, workers, corpus, run.files, on_file):
            spooled.append(spool_file)
            fingerprints.append(entry.fingerprint)
        if corpus.near.tables.pending_keys >= MERGE_AT:  # a batch, not one file against a saved index
            corpus.consolidate()
        engine.corpus = corpus
        run.seconds["read and index"] = time.perf_counter() - started
        with atomic_file(run.target, "w", encoding="utf-8", newline="", buffering=1 << 20) as handle, \
                tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=spool) as later:
            document = DocumentWriter(handle)
            document.value("tool", dict(TOOL))
            document.begin_list("submissions")
            first = True
            for submission, findings, severities, errors, waived in _mapped(_audit_spooled, spooled, workers, engine):
                document.encoded(submission)
                if findings:
                    later.write(findings if first else ITEM_SEPARATOR + findings)
                    first = False
                for severity, count in severities.items():
                    run.severities[severity] += count
                run.check_errors.extend(errors)
                run.waived += waived
            document.end_list()
            document.value("errors", [{"source": f.source, "error": f.error} for f in run.failures])
            document.begin_list("findings")
            later.seek(0)
            document.encoded_stream(iter(lambda: later.read(1 << 20), ""))
            document.end_list()
            document.value("check_errors", list(run.check_errors))
            document.value("waived", run.waived)
            from .corpus.stats import boilerplate

            document.value("boilerplate", boilerplate(corpus, fingerprints=fingerprints))
            document.close()
    run.seconds["audit and write"] = time.perf_counter() - started - run.seconds["read and index"]
    return run


# ---------------------------------------------------------------- reports

FORMATS = ("json", "xlsx", "html")
FINDINGS_JSON = "findings.json"
XLSX_NAME = "整改清单.xlsx"
INDEX_HTML = "index.html"


def parse_formats(spec: str | Iterable[str] | None) -> list[str]:
    """"json,xlsx" (or a list of such strings) → the formats in canonical order. None/empty →
    all. Raises ValueError naming the unknown ones."""
    if spec is None:
        return list(FORMATS)
    parts = [spec] if isinstance(spec, str) else list(spec)
    names = [n.strip().lower() for part in parts for n in part.split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise ValueError(f"未知的输出格式：{', '.join(unknown)}（可用：{', '.join(FORMATS)}）")
    return [f for f in FORMATS if f in names] or list(FORMATS)


def render_outputs(run: AuditRun, formats: Iterable[str] = FORMATS, linked: Iterable[str] = ()) -> dict[str, bytes]:
    """Every output file of a run as {path relative to the output folder: bytes}. Pure: the
    reports are functions of the parsed submissions and the findings. `linked`: outputs written
    elsewhere (a streamed findings.json) that the HTML pages should link to."""
    import json

    from .report.html import render_html_reports
    from .report.xlsx import render_xlsx

    formats = list(formats)
    submissions = run.batch.submissions
    failures = [(r.source, r.error or "") for r in run.batch.failures]
    files: dict[str, bytes] = {}
    if "json" in formats:
        text = json.dumps(findings_document(run), ensure_ascii=False, indent=2)
        files[FINDINGS_JSON] = (text + "\n").encode("utf-8")
    if "xlsx" in formats:
        files[XLSX_NAME] = render_xlsx(submissions, run.findings, failures=failures, check_errors=run.check_errors,
                                       boilerplate=run.boilerplate)
    if "html" in formats:
        others = [(name, name) for name in (FINDINGS_JSON, XLSX_NAME) if name in files or name in set(linked)]
        pages = render_html_reports(submissions, run.findings, failures=failures,
                                    check_errors=run.check_errors, other_files=others,
                                    boilerplate=run.boilerplate)
        files.update({path: page.encode("utf-8") for path, page in pages.items()})
    return files


def write_files(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write {relative path: bytes} into `out`, each file atomically; returns the paths."""
    written = []
    for relative, data in files.items():
        target = Path(out) / relative
        write_atomic(target, data)
        written.append(target)
    return written


def write_reports(run: AuditRun, out: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the chosen outputs into `out` (each file atomically); returns the paths written.
    findings.json is streamed to its file (a province run's is gigabytes), not rendered to bytes."""
    formats = list(formats)
    written = []
    if "json" in formats:
        written.append(write_audit_output(run, Path(out)))
    rest = [f for f in formats if f != "json"]
    if rest:
        written += write_files(render_outputs(run, rest, linked=[FINDINGS_JSON] if "json" in formats else []), out)
    return written


def worst_severity(findings: Iterable[Finding]) -> str | None:
    ranks = [SEVERITIES.index(f.severity) for f in findings if f.severity in SEVERITIES]
    return SEVERITIES[min(ranks)] if ranks else None


def fails(run: AuditRun, fail_on: str) -> bool:
    """True when a finding is at or above `fail_on` (high > medium > low)."""
    return _at_or_above((f.severity for f in run.findings), fail_on)


def _at_or_above(severities: Iterable[str], fail_on: str) -> bool:
    if fail_on not in SEVERITIES:
        raise ValueError(f"未知的严重程度：{fail_on}（可用：{', '.join(SEVERITIES)}）")
    limit = SEVERITIES.index(fail_on)
    return any(s in SEVERITIES and SEVERITIES.index(s) <= limit for s in severities)


# ---------------------------------------------------------------- rules and explain


@dataclass
class RuleRow:
    code: str
    title: str
    category: str
    severity: str  # after the config's severity override
    group: str
    enabled: bool  # selected by the config and implemented
    implemented: bool  # a check module exists for the rule


def rule_rows(engine: Engine) -> list[RuleRow]:
    """Every rule the engine knows, with whether the config enables it."""
    enabled = set(engine.enabled)
    return [
        RuleRow(code=code, title=rule.title, category=rule.category,
                severity=engine.config.severity.get(code, rule.severity), group=rule.group,
                enabled=code in enabled, implemented=code in engine.checks)
        for code, rule in sorted(engine.rules.items())
    ]


class UnknownRule(KeyError):
    """`auditor explain` was given a code that no rule has (message in Chinese)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass
class CaseResult:
    number: int
    case: dict[str, Any]
    submission: Submission
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.case.get("kind", ""))

    @property
    def name(self) -> str:
        return str(self.case.get("name", ""))


@dataclass
class Explanation:
    rule: Any  # RuleDoc
    implemented: bool
    cases: list[CaseResult] = field(default_factory=list)


def explain_rule(code: str, rules_folder: Path | None = None) -> Explanation:
    """A rule's document plus each of its cases run through the engine with only that check
    enabled (default options), the way the rule-case tests run them."""
    import difflib

    from .cases import submission_from_case
    from .config import Config

    engine = Engine(rules_folder=rules_folder)
    wanted = code.strip().upper()
    if wanted not in engine.rules:
        close = difflib.get_close_matches(wanted, list(engine.rules), n=3, cutoff=0.5)
        hint = f"，是不是：{'、'.join(close)}" if close else ""
        raise UnknownRule(f"没有名为 {code} 的检查{hint}（`auditor rules` 列出全部检查）")
    rule = engine.rules[wanted]
    explanation = Explanation(rule, implemented=wanted in engine.checks)
    single = Engine(Config(select=[wanted]), rules_folder=rules_folder)
    for number, case in enumerate(rule.cases, start=1):
        submission = submission_from_case(case, source=f"case-{number}")
        result = single.audit(submission)
        explanation.cases.append(CaseResult(number, case, submission, result.findings, result.errors))
    return explanation


# ---------------------------------------------------------------- summary and gallery (issue 6)

SUMMARY_LINKED = (FINDINGS_JSON, XLSX_NAME, "gallery.html")  # other outputs the summary links when present


def _failures(run: AuditRun) -> list[tuple[str, str]]:
    return [(r.source, r.error or "") for r in run.batch.failures]


def render_summary_outputs(run: AuditRun, present: Iterable[str] = ()) -> dict[str, bytes]:
    """summary.html and summary.xlsx, plus the pages `auditor audit` writes (index.html and
    reports/<file>.html) so the summary's links work. `present`: other outputs already in the
    output folder (findings.json, 整改清单.xlsx, gallery.html) for the pages to link."""
    from .report.html import render_html_reports
    from .report.summary import SUMMARY_HTML, render_summary

    present = [name for name in SUMMARY_LINKED if name in set(present)]
    failures = _failures(run)
    pages = render_html_reports(run.batch.submissions, run.findings, failures=failures, check_errors=run.check_errors,
                                other_files=[(n, n) for n in [*present, SUMMARY_HTML]], boilerplate=run.boilerplate)
    files = {path: page.encode("utf-8") for path, page in pages.items()}
    files.update(render_summary(run.batch.submissions, run.findings, boilerplate=run.boilerplate, failures=failures,
                                check_errors=run.check_errors, other_files=[(n, n) for n in present]))
    return files


def good_cases(rules_folder: Path | None = None, engine: Engine | None = None) -> list[Any]:
    """The clean pieces (report.gallery.GoodSample) of every rule's good cases: each case run
    through all checks with default options, keeping only what none of them flags."""
    from .cases import submission_from_case
    from .report.gallery import good_samples

    engine = engine or Engine(rules_folder=rules_folder)
    samples = []
    for code, rule in sorted(engine.rules.items()):
        for number, case in enumerate(rule.cases, start=1):
            if case.get("kind") != "good":
                continue
            submission = submission_from_case(case, source=f"{code}-case-{number}")
            samples += good_samples(code, str(case.get("name", "")), submission, engine.audit(submission).findings)
    return samples


def render_gallery_outputs(run: AuditRun, rules_folder: Path | None = None) -> dict[str, bytes]:
    """gallery.html (the workshop deck) and gallery_pairs.xlsx."""
    from .report.gallery import render_gallery

    engine = Engine(rules_folder=rules_folder)  # default options: the good cases as the rule files state them
    return render_gallery(run.batch.submissions, run.findings, engine.rules, good_cases(engine=engine))

