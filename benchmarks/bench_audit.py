"""End-to-end audit benchmark (issue 4): N generated submissions through the path `auditor
audit DIR -f json` takes — read (process pool), corpus index of the batch, all checks (process
pool), findings.json — with wall time per stage, peak memory and rows/s.

Each size runs in a fresh child process so its peak memory is its own: the child reports
ru_maxrss of itself plus that of its largest finished child (the pool workers), which is what
the 8 GiB target is measured against.
"""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# targets on the 2-core reference machine: {size: (seconds, GiB)}; sizes without one are reported only
TARGETS = {100: (10.0, None), 17000: (15 * 60.0, 8.0)}
CORPUS_SEED = 20240


def _peak_mib() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, children


class PssSampler:
    """Peak proportional set size (PSS) of this process plus its children, sampled every 0.2 s
    from /proc/PID/smaps_rollup. ru_maxrss counts the pages a forked pool worker shares with the
    parent once per process; PSS splits them, so the sum is the memory the run really occupies."""

    def __init__(self, interval: float = 0.2):
        import threading

        self.peak_kib = 0
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _pss_kib(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except OSError:
            return 0
        return 0

    def _tree(self) -> list[int]:
        import os

        me = os.getpid()
        pids = [me]
        try:
            with open(f"/proc/{me}/task/{me}/children") as fh:
                pids += [int(p) for p in fh.read().split()]
        except OSError:
            pass
        return pids

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_kib = max(self.peak_kib, sum(self._pss_kib(pid) for pid in self._tree()))

    def __enter__(self) -> "PssSampler":
        import os

        if os.path.exists("/proc/self/smaps_rollup"):
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()


def run_child(folder: str, out: str, index: bool = True) -> dict:
    """The measured part (runs in the child process)."""
    with PssSampler() as sampler:
        result = _measured(folder, out, index)
    result["peak_pss_mib"] = sampler.peak_kib / 1024
    return result


def _measured(folder: str, out: str, index: bool) -> dict:
    from auditor import api
    from auditor.engine import Engine

    stages: dict[str, float] = {}
    start = time.perf_counter()
    engine = Engine()
    if index:
        # what `auditor audit DIR -f json` runs: two passes, the batch never all in memory
        streamed = api.audit_to_json([folder], Path(out), engine)
        wall = time.perf_counter() - start
        me, children = _peak_mib()
        return {"files": len(streamed.files), "failures": len(streamed.failures), "rows": sum(f.rows for f in streamed.files),
                "findings": streamed.findings, "check_errors": len(streamed.check_errors), "wall": wall,
                "stages": dict(streamed.seconds), "peak_self_mib": me, "peak_children_mib": children,
                "json_mib": streamed.target.stat().st_size / 2**20}
    batch = api.read_batch([folder])
    stages["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    run = api.audit_batch(batch, engine)
    stages["checks"] = time.perf_counter() - mark
    mark = time.perf_counter()
    target = api.write_audit_output(run, Path(out))
    stages["write"] = time.perf_counter() - mark
    wall = time.perf_counter() - start
    me, children = _peak_mib()
    rows = sum(len(t.indicators) for s in batch.submissions for t in s.tables)
    return {"files": len(batch.results), "failures": len(batch.failures), "rows": rows,
            "findings": len(run.findings), "check_errors": len(run.check_errors), "wall": wall,
            "stages": stages, "peak_self_mib": me, "peak_children_mib": children,
            "json_mib": target.stat().st_size / 2**20}


def bench_audit(sizes: list[int], index: bool = True) -> bool:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate, load_seeds

    seeds = load_seeds()
    ok = True
    stages = ("pass 1: read → index; pass 2: checks → findings.json (auditor audit DIR -f json)" if index
              else "pass 1: read; pass 2: checks → findings.json, NO corpus index")
    print(f"\naudit end to end (generated corpus, seed {CORPUS_SEED}; {stages})")
    print("peak: PSS of the run's processes summed (shared pages split), sampled every 0.2 s; maxrss: the parent's "
          "plus its largest worker's ru_maxrss (counts pages shared after fork in each)")
    print(f"{'files':>7} {'rows':>9} {'findings':>9} {'wall s':>8} {'pass 1':>7} {'pass 2':>7} "
          f"{'rows/s':>7} {'peak MiB':>9} {'maxrss':>9} {'json MiB':>8}  target")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-audit-{size}-") as tmp:
            folder = Path(tmp) / "in"
            out = Path(tmp) / "out"
            generate(size, folder, seed=CORPUS_SEED, seeds=seeds)
            child = subprocess.run([sys.executable, __file__, "--child", str(folder), str(out), str(int(index))],
                                   capture_output=True, text=True, cwd=REPO)
            if child.returncode != 0:
                print(f"{size:>7}  FAILED: {child.stderr.strip()[-2000:]}")
                ok = False
                continue
            r = json.loads(child.stdout.strip().splitlines()[-1])
        maxrss = r["peak_self_mib"] + r["peak_children_mib"]
        peak = r.get("peak_pss_mib") or maxrss
        st = r["stages"]
        target = TARGETS.get(size)
        verdict = ""
        if target:
            seconds, gib = target
            met = r["wall"] < seconds and (gib is None or peak < gib * 1024)
            ok &= met
            verdict = f"< {seconds:.0f} s" + (f", < {gib:.0f} GiB" if gib else "") + (" ✓" if met else " MISSED")
        first, second = (st["read and index"], st["audit and write"]) if index else (st["read"], st["checks"] + st["write"])
        print(f"{r['files']:>7} {r['rows']:>9} {r['findings']:>9} {r['wall']:>8.1f} {first:>7.1f} {second:>7.1f} "
              f"{r['rows'] / r['wall']:>7.0f} {peak:>9.0f} {maxrss:>9.0f} {r['json_mib']:>8.0f}  {verdict}")
        if r["failures"] or r["check_errors"]:
            print(f"        ! {r['failures']} unreadable files, {r['check_errors']} check errors")
            ok = False
    return ok


SINGLE_TARGET_S = 2.0


def bench_single_file(index_sizes: tuple[int, ...] = (100, 1000), rounds: int = 5,
                      saved: tuple[Path, ...] = ()) -> bool:
    """`auditor audit FILE --index INDEX` as an auditor types it (a fresh process, all report
    formats): one seed submission checked against the saved index of generated batches of
    `index_sizes` submissions (a county is 100; `--single-sizes 100,17000` builds a province's,
    which takes minutes) and against indexes already `saved`; each best of `rounds`, with the
    median beside it; and the same file without an index, which shows the part that is start-up
    (imports, the jieba dictionary, spaCy) and checks, not the index.

    The package's bytecode is compiled first, as an installed package has it: an environment
    that forbids writing bytecode (PYTHONDONTWRITEBYTECODE) would otherwise recompile every
    module of the tool in every run and time that instead."""
    import compileall
    import statistics

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate, load_seeds

    compileall.compile_dir(REPO / "auditor", quiet=1)
    auditor = str(Path(sys.executable).with_name("auditor"))
    probe = REPO / "corpus" / "001_283747494657e68c.txt"
    ok = True
    print(f"\nsingle file against a saved index (`auditor audit FILE --index INDEX`, best and median of {rounds}; "
          f"target < {SINGLE_TARGET_S:.0f} s)")

    def timed(args: list[str]) -> tuple[float, float]:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            done = subprocess.run(args, check=False, capture_output=True, text=True, cwd=REPO)
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 3):  # a crash is fast, not a pass
                raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-1000:]}")
        return min(times), statistics.median(times)

    with tempfile.TemporaryDirectory(prefix="bench-single-") as tmp:
        one = Path(tmp) / "one"
        one.mkdir()
        (one / probe.name).write_bytes(probe.read_bytes())
        best, median = timed([auditor, "audit", str(one / probe.name), "--out", f"{tmp}/out", "-q"])
        print(f"  without an index:                      {best:5.2f} s (median {median:4.2f}; start-up and checks only)")
        indexes: list[tuple[str, Path]] = []
        for size in index_sizes:
            folder = Path(tmp) / f"county{size}"
            generate(size, folder, seed=CORPUS_SEED, seeds=load_seeds())
            index = Path(tmp) / f"index{size}.idx"
            subprocess.run([auditor, "index", "build", str(folder), "--out", str(index), "-q"], check=True, cwd=REPO)
            shutil.rmtree(folder)
            indexes.append((f"index of {size:>6} submissions", index))
        indexes += [(f"saved index {path.name}", path) for path in saved]
        for label, index in indexes:
            best, median = timed([auditor, "audit", str(one / probe.name), "--index", str(index), "--out",
                                  f"{tmp}/out", "-q"])
            met = best < SINGLE_TARGET_S
            ok &= met
            print(f"  {label} ({index.stat().st_size / 2**20:6.1f} MiB): {best:5.2f} s (median {median:4.2f}) "
                  f"{'✓' if met else 'MISSED'}")
    return ok


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(run_child(sys.argv[2], sys.argv[3], sys.argv[4] == "1")))
        sys.exit(0)
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "100").split(",")]
    sys.exit(0 if bench_audit(sizes, index="--no-index" not in sys.argv) else 1)
