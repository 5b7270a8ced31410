"""Benchmarks (`make bench`). Targets live here, never in timed tests.

bench_parse: ingest throughput on the bundled corpus — every seed read N times in one process
(the per-file cost an audit of a whole county pays), with peak memory.
bench_audit (bench_audit.py): 100 / 1,000 / 17,000 generated submissions audited end to end
(read → corpus index → all checks → findings.json): wall time, peak memory, rows/s.
bench_neardup (bench_neardup.py): the near-duplicate stage vs all-pairs rapidfuzz on 20,000 rows.
bench_ml (bench_ml.py): loading the classifiers; scoring 100,000 indicator rows.
bench_single_file (bench_audit.py): `auditor audit FILE --index INDEX` against a county index (and,
with --single-sizes / --single-index, a province's), wall time.

    python benchmarks/run.py                       # parse + audit 100,1000 + near-duplicates
    python benchmarks/run.py --sizes 100,1000,17000  # the province case takes many minutes
    python benchmarks/run.py --only audit --sizes 100 --no-index
    python benchmarks/run.py --only single --single-index province.idx  # an index built beforehand
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditor.ingest import read_submission  # noqa: E402

# A county batch is ~100 submissions; reading them must be a small part of a 10 s audit.
TARGET_FILES_PER_SECOND = 50


def bench_parse(rounds: int) -> bool:
    files = sorted((REPO / "corpus").glob("*.txt"))
    read_submission(files[0])  # warm imports
    start = time.perf_counter()
    rows = tables = 0
    for _ in range(rounds):
        for path in files:
            submission = read_submission(path)
            tables += len(submission.tables)
            rows += sum(len(t.indicators) for t in submission.tables)
    elapsed = time.perf_counter() - start
    count = rounds * len(files)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = count / elapsed
    print(f"parse: {count} files, {tables} tables, {rows} indicator rows in {elapsed:.2f} s "
          f"→ {rate:.0f} files/s, {rows / elapsed:.0f} rows/s, peak RSS {peak_mib:.0f} MiB "
          f"(target ≥ {TARGET_FILES_PER_SECOND} files/s)")
    return rate >= TARGET_FILES_PER_SECOND


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sizes", default="100,1000", help="submissions per audit run, comma-separated")
    parser.add_argument("--rows", type=int, default=20000, help="text units for the near-duplicate benchmark")
    parser.add_argument("--only", choices=("parse", "audit", "neardup", "ml", "single"), action="append",
                        help="run only these benchmarks (repeatable)")
    parser.add_argument("--no-index", action="store_true", help="audit without the corpus index stage")
    parser.add_argument("--naive-rows", type=int, default=None,
                        help="time the naive all-pairs loop on this many rows only (scaled; default: all)")
    parser.add_argument("--single-sizes", default="100,1000",
                        help="generated batches whose saved index one file is checked against, comma-separated")
    parser.add_argument("--single-index", type=Path, action="append", default=[],
                        help="also check one file against this saved index (repeatable)")
    args = parser.parse_args()
    chosen = set(args.only or ("parse", "audit", "neardup", "ml", "single"))
    sys.path.insert(0, str(REPO / "benchmarks"))
    ok = True
    if "parse" in chosen:
        ok &= bench_parse(args.rounds)
    if "audit" in chosen:
        from bench_audit import bench_audit

        ok &= bench_audit([int(s) for s in args.sizes.split(",") if s.strip()], index=not args.no_index)
    if "neardup" in chosen:
        from bench_neardup import bench_neardup

        ok &= bench_neardup(args.rows, naive_rows=args.naive_rows)
    if "ml" in chosen:
        from bench_ml import bench_ml

        ok &= bench_ml()
    if "single" in chosen:
        from bench_audit import bench_single_file

        sizes = tuple(int(s) for s in args.single_sizes.split(",") if s.strip())
        ok &= bench_single_file(sizes, saved=tuple(args.single_index))
    print("bench: all targets met" if ok else "bench: TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
