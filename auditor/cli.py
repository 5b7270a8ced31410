"""Command line: a thin layer over `auditor.api`.

Exit codes: 0 every file was read; 1 at least one file could not be read (the others were
still processed and written); 2 usage error (no input files found, bad option).
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__, api
from .ingest import ReadResult, collect_inputs

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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jixiao-auditor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="显示版本")] = None,
) -> None:
    """jixiao-auditor"""


def _read(paths: list[Path], out: Path, quiet: bool, workers: int | None) -> api.BatchResult:
    files = collect_inputs(paths, exclude=[out])
    if not files:
        err.print(f"[red]没有找到可读取的文件：{' '.join(map(str, paths))}[/red]")
        raise typer.Exit(2)
    if quiet:
        return api.read_batch(files, workers=workers)
    with Progress(
        TextColumn("[bold]读取[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=err, transient=True,
    ) as progress:
        task = progress.add_task("", total=len(files))

        def advance(result: ReadResult) -> None:
            progress.update(task, advance=1, description=Path(result.source).name)

        return api.read_batch(files, workers=workers, on_file=advance)


def _report_batch(batch: api.BatchResult, quiet: bool) -> None:
    for failure in batch.failures:
        # failures are shown even with --quiet: a script still needs to know which file and why
        err.print(f"[red]✗ {failure.source}：{failure.error}[/red]", soft_wrap=True)
    if quiet:
        return
    for submission in batch.submissions:
        rows = sum(len(t.indicators) for t in submission.tables)
        warnings = submission.to_dict()["warnings"]
        err.print(
            f"✓ {submission.source}：{submission.unit_name or '（单位未识别）'} "
            f"{submission.year or '年度未识别'}，{len(submission.tables)} 张表，{rows} 行指标"
            + (f"，{len(warnings)} 条解析提示" if warnings else ""),
            soft_wrap=True,
        )
        for warning in warnings[:MAX_WARNINGS_SHOWN]:
            err.print(f"    [yellow]! {warning}[/yellow]", soft_wrap=True)
        if len(warnings) > MAX_WARNINGS_SHOWN:
            err.print(f"    …另有 {len(warnings) - MAX_WARNINGS_SHOWN} 条，见输出文件的 warnings", soft_wrap=True)


@app.command()
def parse(paths: PathsArg, out: OutOpt = Path("reports"), quiet: QuietOpt = False, workers: WorkersOpt = None) -> None:
    """读取文件，输出解析结果 submissions.json（检查解析是否正确）。"""
    batch = _read(paths, out, quiet, workers)
    target = api.write_parse_output(batch, out)
    _report_batch(batch, quiet)
    if not quiet:
        err.print(f"已写入 {target}")
    raise typer.Exit(1 if batch.failures else 0)


@app.command()
def audit(
    paths: PathsArg,
    out: OutOpt = Path("reports"),
    quiet: QuietOpt = False,
    workers: WorkersOpt = None,
    rules: Annotated[Optional[Path], typer.Option("--rules", help="使用本省的规则文件夹（覆盖同名规则）")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="配置文件（默认：当前目录的 auditor.toml 或 pyproject.toml）")] = None,
) -> None:
    """审核文件，输出 findings.json。"""
    engine = _engine(rules, config)
    batch = _read(paths, out, quiet, workers)
    run = api.audit_batch(batch, engine)
    target = api.write_audit_output(run, out)
    _report_batch(batch, quiet)
    for error in run.check_errors:
        err.print(f"[red]{error}[/red]", soft_wrap=True)
    if not quiet:
        err.print(f"共 {len(run.findings)} 条问题" + (f"（另有 {run.waived} 条已豁免）" if run.waived else ""))
        err.print(f"已写入 {target}")
    raise typer.Exit(1 if batch.failures or run.check_errors else 0)


def _engine(rules: Path | None, config_path: Path | None):
    from .config import ConfigError, load_config
    from .engine import Engine
    from .rules import RuleError

    try:
        return Engine(load_config(config_path), rules_folder=rules)
    except (ConfigError, RuleError) as error:
        err.print(f"[red]配置错误：{error}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error


if __name__ == "__main__":  # pragma: no cover
    app()
