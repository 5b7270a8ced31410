"""Benchmarks (`make bench`). Targets live here, never in timed tests.

bench_parse: ingest throughput on the bundled corpus — every seed read N times in one process
(the per-file cost an audit of a whole county pays), with peak memory.
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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    ok = bench_parse(args.rounds)
    print("bench: all targets met" if ok else "bench: TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
