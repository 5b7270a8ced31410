"""Command line: a thin layer over `auditor.api`.

    auditor audit PATH… [--out DIR] [--format json,xlsx,html] [--fail-on high|medium|low] [--index INDEX]
    auditor index build DIR… --out INDEX
    auditor parse PATH… [--out DIR]
    auditor rules [--rules DIR] [--config FILE]
    auditor explain CODE
    auditor summary PATH… [--out DIR]     summary.html + summary.xlsx (and the per-submission reports)
    auditor gallery PATH… [--out DIR]     gallery.html + gallery_pairs.xlsx (training deck)

`audit` checks every file against the corpus index of the run (all files given), or with
`--index INDEX` against a saved index of the whole county or province (`auditor index build`),
for text copied from unrelated projects (TEXT_REUSE) and the boilerplate statistics. It writes
into DIR: findings.json (machine-readable, contract in DESIGN.md),
整改清单.xlsx (总览 sheet + one sheet per unit), index.html and reports/<file>.html (one page per
submission). `--format` picks a subset (default: all three).

Exit codes:
  0  every file was read and checked (and, with --fail-on, no finding reached that severity)
  1  at least one file could not be read, or a check crashed (the rest was still processed and
     the outputs were written)
  2  usage or configuration error (no input files, unknown --format/--fail-on/rule code, bad
     config or rules folder, an output folder that cannot be written)
  3  --fail-on SEVERITY was given and at least one finding is at or above it
     (--fail-on medium fails on high and medium findings, --fail-on low on any finding)
Exit code 1 takes precedence over 3: an incomplete run is reported as such.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__, api
from .ingest import collect_inputs
from .taxonomy import SEVERITIES, SEVERITY_NAMES

app = typer.Typer(
    name="auditor",
    help="审核部门预算绩效文本（项目绩效目标表），生成整改清单。",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
MAX_WARNINGS_SHOWN = 3

PathsArg = Annotated[list[Path], typer.Argument(help="文件或文件夹（递归查找 .txt .docx .xlsx .pdf .doc .wps）", show_default=False)]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="输出文件夹")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度和摘要（供脚本调用）")]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", help="并行进程数（默认：文件多时用全部核心）")]
RulesOpt = Annotated[Optional[Path], typer.Option("--rules", help="使用本省的规则文件夹（覆盖同名规则）")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="配置文件（默认：当前目录的 auditor.toml 或 pyproject.toml）")]
IndexOpt = Annotated[Optional[Path], typer.Option("--index", help="全县（省）语料索引（auditor index build 生成），对照其中全部文本查找照搬的文字", show_default=False)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jixiao-auditor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="显示版本")] = None,
) -> None:
    """jixiao-auditor"""


def _inputs(paths: list[Path], out: Path) -> list[Path]:
    files = collect_inputs(paths, exclude=[out])
    if not files:
        err.print(f"[red]没有找到可读取的文件：{escape(' '.join(map(str, paths)))}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    return files


@contextmanager
def _reading(count: int, quiet: bool) -> Iterator[Callable[[Any], None] | None]:
    """A progress bar over the files being read (none with --quiet); yields the per-file callback."""
    if quiet:
        yield None
        return
    with Progress(
        TextColumn("[bold]读取[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=err, transient=True,
    ) as progress:
        task = progress.add_task("", total=count)
        yield lambda result: progress.update(task, advance=1, description=Path(result.source).name)


def _read(paths: list[Path], out: Path, quiet: bool, workers: int | None) -> api.BatchResult:
    files = _inputs(paths, out)
    with _reading(len(files), quiet) as on_file:
        return api.read_batch(files, workers=workers, on_file=on_file)


def _audit_run(paths: list[Path], out: Path, quiet: bool, workers: int | None, rules: Path | None,
               config: Path | None, index: Path | None) -> api.AuditRun:
    """Read and check the batch as `audit` does (same config, rules and corpus index)."""
    engine = _engine(rules, config)
    corpus = _load_index(index) if index is not None else None
    batch = _read(paths, out, quiet, workers)
    return api.audit_with_corpus(batch, engine, corpus)


def _report_files(files: list[api.FileSummary], quiet: bool) -> None:
    for failure in files:
        if failure.error is not None:
            # failures are shown even with --quiet: a script still needs to know which file and why
            err.print(f"[red]✗ {escape(failure.source)}：{escape(str(failure.error))}[/red]", soft_wrap=True)
    if quiet:
        return
    for read in files:
        if read.error is not None:
            continue
        err.print(
            f"✓ {escape(read.source)}：{escape(read.unit_name or '（单位未识别）')} "
            f"{read.year or '年度未识别'}，{read.tables} 张表，{read.rows} 行指标"
            + (f"，第一部分另述 {read.statements} 条指标" if read.statements else "")
            + (f"，{len(read.warnings)} 条解析提示" if read.warnings else ""),
            soft_wrap=True,
        )
        for warning in read.warnings[:MAX_WARNINGS_SHOWN]:
            err.print(f"    [yellow]! {escape(warning)}[/yellow]", soft_wrap=True)
        if len(read.warnings) > MAX_WARNINGS_SHOWN:
            err.print(f"    …另有 {len(read.warnings) - MAX_WARNINGS_SHOWN} 条，见输出文件的 warnings", soft_wrap=True)


def _report_batch(batch: api.BatchResult, quiet: bool) -> None:
    _report_files([api.FileSummary.of(r) for r in batch.results], quiet)


@app.command()
def parse(paths: PathsArg, out: OutOpt = Path("reports"), quiet: QuietOpt = False, workers: WorkersOpt = None) -> None:
    """读取文件，输出解析结果 submissions.json（检查解析是否正确）。"""
    batch = _read(paths, out, quiet, workers)
    target = api.write_parse_output(batch, out)
    _report_batch(batch, quiet)
    if not quiet:
        err.print(f"已写入 {target}")
    raise typer.Exit(1 if batch.failures else 0)


FORMAT_HELP = "输出格式，逗号分隔：json（findings.json）、xlsx（整改清单.xlsx）、html（index.html 和逐份报告）；默认全部"
FAIL_ON_NAMES = {"high": "high", "medium": "medium", "low": "low", "高": "high", "中": "medium", "低": "low"}


@app.command()
def audit(
    paths: PathsArg,
    out: OutOpt = Path("reports"),
    quiet: QuietOpt = False,
    workers: WorkersOpt = None,
    rules: RulesOpt = None,
    config: ConfigOpt = None,
    formats: Annotated[Optional[list[str]], typer.Option("--format", "-f", help=FORMAT_HELP, show_default=False)] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="有该严重程度及以上的问题时以退出码 3 结束：high / medium / low", show_default=False)] = None,
    index: IndexOpt = None,
) -> None:
    """审核文件，输出 findings.json、整改清单.xlsx 和 HTML 报告。"""
    try:
        chosen = api.parse_formats(formats)
    except ValueError as error:
        err.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    threshold = None
    if fail_on is not None:
        threshold = FAIL_ON_NAMES.get(fail_on.strip().lower())
        if threshold is None:
            err.print(f"[red]--fail-on 的取值 {escape(fail_on)!r} 无效，应为 high、medium 或 low[/red]", soft_wrap=True)
            raise typer.Exit(2)
    engine = _engine(rules, config)
    corpus = _load_index(index) if index is not None else None
    files = _inputs(paths, out)
    try:
        if chosen == ["json"]:
            # findings.json alone: streamed, the batch never all in memory (a province's 17,000 files)
            with _reading(len(files), quiet) as on_file:
                streamed = api.audit_to_json(files, out, engine, corpus=corpus, workers=workers, on_file=on_file)
            summaries, written, check_errors = streamed.files, [streamed.target], streamed.check_errors
            counts, waived = streamed.severities, streamed.waived
            failed = threshold is not None and streamed.fails(threshold)
        else:
            with _reading(len(files), quiet) as on_file:
                run = api.audit_with_corpus(api.read_batch(files, workers=workers, on_file=on_file), engine, corpus)
            written = api.write_reports(run, out, chosen)
            summaries, check_errors = [api.FileSummary.of(r) for r in run.batch.results], run.check_errors
            counts = {s: sum(1 for f in run.findings if f.severity == s) for s in SEVERITIES}
            waived = run.waived
            failed = threshold is not None and api.fails(run, threshold)
    except OSError as error:  # the output folder, or the spool in the temp folder (full, not writable)
        where = error.filename or out
        err.print(f"[red]无法读写 {escape(str(where))}：{escape(error.strerror or str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    _report_files(summaries, quiet)
    for error in check_errors:
        err.print(f"[red]{escape(error)}[/red]", soft_wrap=True)
    if not quiet:
        detail = "，".join(f"{SEVERITY_NAMES[s]} {n}" for s, n in counts.items() if n)
        err.print(f"共 {sum(counts.values())} 条问题" + (f"（{detail}）" if detail else "")
                  + (f"，另有 {waived} 条已豁免" if waived else ""))
        pages = sum(1 for p in written if p.parent.name == "reports" and p.suffix == ".html")
        shown = [p for p in written if not (p.parent.name == "reports" and p.suffix == ".html")]
        err.print("已写入 " + "、".join(escape(str(p)) for p in shown) + (f"（另有 {pages} 份逐份报告在 {escape(str(out / 'reports'))}）" if pages else ""),
                  soft_wrap=True)
        if failed:
            err.print(f"[red]有{SEVERITY_NAMES[threshold]}及以上严重程度的问题（--fail-on {threshold}）[/red]")
    if any(f.error is not None for f in summaries) or check_errors:
        raise typer.Exit(1)
    raise typer.Exit(3 if failed else 0)


def _load_index(path: Path):
    from .corpus import IndexFormatError

    import gc

    try:
        corpus = api.load_corpus(path)
    except IndexFormatError as error:
        err.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    # the index lives as long as the command: keep the garbage collector from walking its
    # millions of objects again at every full collection (a province index: seconds per run)
    gc.freeze()
    return corpus


index_app = typer.Typer(help="语料索引：全县（省）所有文本的文字索引，用于查找跨单位、跨项目照搬的文字。",
                        no_args_is_help=True)
app.add_typer(index_app, name="index")


@index_app.command("build")
def index_build(
    paths: PathsArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="索引文件（或文件夹，写入其中的 corpus-index.idx）", show_default=False)],
    quiet: QuietOpt = False,
    workers: WorkersOpt = None,
    rules: RulesOpt = None,
    config: ConfigOpt = None,
) -> None:
    """读取文件夹中的全部文本，建立语料索引并保存（供 audit --index 使用）。"""
    import time

    engine = _engine(rules, config)
    files = _inputs(paths, out)
    started = time.perf_counter()
    # read in the pool, only each file's text units sent back: a province's index is built
    # without holding its parsed submissions
    with _reading(len(files), quiet) as on_file:
        corpus, summaries = api.index_files(files, engine, workers=workers, on_file=on_file)
    try:
        target = corpus.save(out)
    except OSError as error:
        err.print(f"[red]无法写入索引 {escape(str(out))}：{escape(error.strerror or str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    _report_files(summaries, quiet)
    failed = any(f.error is not None for f in summaries)
    if not quiet:
        err.print(f"已建立索引：{sum(f.error is None for f in summaries)} 份文本，{len(corpus)} 个文本单元"
                  f"（{time.perf_counter() - started:.1f} 秒），写入 {escape(str(target))}", soft_wrap=True)
    raise typer.Exit(1 if failed else 0)


@app.command("rules")
def rules_command(
    rules: RulesOpt = None,
    config: ConfigOpt = None,
) -> None:
    """列出全部检查：代码、名称、严重程度、分组、按当前配置是否启用。"""
    engine = _engine(rules, config)
    rows = api.rule_rows(engine)
    table = Table(title=f"检查规则（{len(rows)} 条，启用 {sum(r.enabled for r in rows)} 条）", box=box.SIMPLE_HEAVY,
                  title_justify="left")
    table.add_column("代码", no_wrap=True, style="bold", min_width=max((len(r.code) for r in rows), default=4))
    table.add_column("名称", overflow="fold")
    table.add_column("严重程度", no_wrap=True)
    table.add_column("分组", no_wrap=True)
    table.add_column("启用", no_wrap=True)
    for row in rows:
        enabled = "是" if row.enabled else ("否（未实现）" if not row.implemented else "否")
        table.add_row(escape(row.code), escape(row.title), SEVERITY_NAMES.get(row.severity, row.severity),
                      escape(row.group), enabled)
    console = _stdout()
    console.print(table)
    if engine.config.path:
        console.print(f"配置文件：{escape(str(engine.config.path))}", soft_wrap=True)


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="检查代码，例如 GOAL_PLACEHOLDER（`auditor rules` 列出全部）", show_default=False)],
    rules: RulesOpt = None,
) -> None:
    """说明一条检查：为什么重要、如何整改、选项，以及反例和正例（含检查在反例上报出的问题）。"""
    from .config import ConfigError
    from .report.explain import render_explain
    from .rules import RuleError

    try:
        explanation = api.explain_rule(code, rules_folder=rules)
    except api.UnknownRule as error:
        err.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    except (ConfigError, RuleError) as error:
        err.print(f"[red]配置错误：{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    typer.echo(render_explain(explanation), nl=False)


# ---------------------------------------------------------------- summary and gallery (issue 6)



def _write_and_exit(run: api.AuditRun, files: dict[str, bytes], out: Path, quiet: bool) -> None:
    """Write the outputs (atomically), report unreadable files and crashed checks, exit as
    `audit` does: 1 when a file could not be read or a check crashed, 2 when `out` cannot be written."""
    try:
        written = api.write_files(files, out)
    except OSError as error:
        err.print(f"[red]无法写入输出文件夹 {escape(str(out))}：{escape(error.strerror or str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    _report_batch(run.batch, quiet)
    for error in run.check_errors:
        err.print(f"[red]{escape(error)}[/red]", soft_wrap=True)
    if not quiet:
        shown = [p for p in written if p.parent == Path(out)]
        pages = len(written) - len(shown)
        err.print(f"共 {len(run.findings)} 条问题；已写入 " + "、".join(escape(str(p)) for p in shown)
                  + (f"（另有 {pages} 份逐份报告在 {escape(str(Path(out) / 'reports'))}）" if pages else ""), soft_wrap=True)
    raise typer.Exit(1 if run.batch.failures or run.check_errors else 0)


def _batch_page_command(name: str, render, help_text: str) -> None:
    """Register `auditor NAME PATH…`: audit the batch as `audit` does, then write what
    `render(run, out, rules)` returns. One definition for summary and gallery, whose options are the same."""

    def command(
        paths: PathsArg,
        out: OutOpt = Path("reports"),
        quiet: QuietOpt = False,
        workers: WorkersOpt = None,
        rules: RulesOpt = None,
        config: ConfigOpt = None,
        index: IndexOpt = None,
    ) -> None:
        run = _audit_run(paths, out, quiet, workers, rules, config, index)
        _write_and_exit(run, render(run, out, rules), out, quiet)

    command.__doc__ = help_text
    app.command(name)(command)


_batch_page_command(
    "summary",
    lambda run, out, rules: api.render_summary_outputs(run, [n for n in api.SUMMARY_LINKED if (out / n).is_file()]),
    "全县（批次）汇总：单位排名、常见问题类别、复制最多的文字和图表（summary.html、summary.xlsx）。\n\n"
    "各单位按每张项目表的问题数和指标明确度排名，附条形图和“问题类别 × 单位”热力图；"
    "同时写出逐份报告（reports/）和 index.html，汇总页中的链接可直接打开。",
)
_batch_page_command(
    "gallery",
    lambda run, out, rules: api.render_gallery_outputs(run, rules),
    "培训图集：每类问题的说明、本批次的真实例子和改写（gallery.html、gallery_pairs.xlsx）。\n\n"
    "每类问题一节：是什么、为什么重要、怎样改，3–5 个真实例子（问题处标黄）和改写后的写法；"
    "gallery_pairs.xlsx 列出全部有问题的指标行及其改写。可打印为 PDF（每类问题一页起）。",
)

def _stdout() -> Console:
    # created per call so it writes to whatever stdout is current (tests capture it)
    return Console(highlight=False, soft_wrap=False)


def _engine(rules: Path | None, config_path: Path | None):
    from .config import ConfigError, load_config
    from .engine import Engine
    from .rules import RuleError

    try:
        return Engine(load_config(config_path), rules_folder=rules)
    except (ConfigError, RuleError) as error:
        err.print(f"[red]配置错误：{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error


# ---------------------------------------------------------------- classifiers (issue 5)


@app.command()
def train(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="已标注的材料（默认：corpus/ 下的全部文本）", show_default=False)] = None,
    labels: Annotated[Optional[Path], typer.Option("--labels", help="标注文件夹（默认：corpus/labels）")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="模型输出文件夹（默认：models/）")] = None,
    quiet: QuietOpt = False,
) -> None:
    """训练指标明确度模型和二级类别模型：按材料分组交叉验证，导出模型和模型卡片（model_card.json）。"""
    from .ml.train import train as train_models
    from .resources import models_dir

    root = Path.cwd()
    paths = paths or [root / "corpus"]
    labels = labels or root / "corpus" / "labels"
    if out is None:
        try:
            out = models_dir()
        except FileNotFoundError:  # an install without a models/ folder: write one here
            out = root / "models"
    if not labels.is_dir():
        err.print(f"[red]找不到标注文件夹 {escape(str(labels))}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    batch = _read(paths, out, quiet, None)
    try:
        card = train_models(batch.submissions, labels, out)
    except ValueError as error:
        err.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    _report_batch(batch, quiet)
    spec = card["models"]["specificity"]["metrics"]
    cat = card["models"]["category"]["metrics"]
    mismatch = card["models"]["category"]["level_mismatch"]
    err.print(
        f"已训练：{card['data']['rows']} 行（{len(card['data']['submissions'])} 份材料），按材料分组交叉验证——"
        f"明确度 AUC（不可考核 vs 其余）{spec['auc_unassessable_vs_rest']:.3f}；"
        f"二级类别 macro-F1 {cat['macro_f1']:.3f}，准确率 {cat['accuracy']:.3f}；"
        f"归类错误模型判断阈值 {mismatch['threshold']}。写入 {escape(str(out))}", soft_wrap=True)
    for name, metrics in (("明确度", spec), ("二级类别", cat)):
        if "temperature_note" in metrics:
            err.print(f"[yellow]! {name}模型的温度 T={metrics['temperature']} 落在搜索范围的端点，"
                      f"置信度未得到校准（{escape(metrics['temperature_note'])}）[/yellow]", soft_wrap=True)
    raise typer.Exit(1 if batch.failures else 0)


if __name__ == "__main__":  # pragma: no cover
    app()
