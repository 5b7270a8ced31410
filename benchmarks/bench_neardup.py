"""Near-duplicate stage vs the naive all-pairs baseline (issue 4), on the same N text units
(goals, descriptions, value + basis, fund use and Part 1 sentences, in document order) of a
generated corpus.

* naive (the issue's baseline): every pair i < j compared with rapidfuzz
  `fuzz.ratio(comparable(a), comparable(b)) ≥ threshold × 100` in a Python double loop — what
  "compare everything with rapidfuzz" costs; N(N-1)/2 calls (~2 min at 20,000 rows);
* vectorised: the same pairs with `rapidfuzz.process.cdist` on all cores (workers=-1), upper
  triangle only, in row blocks — as fast as all-pairs honestly gets, reported for scale;
* fast: `auditor.corpus.index.near_duplicate_pairs(texts, threshold)`.
Reported: the three times, the speed ratio against the naive baseline (target ≥ 50×) and against
the vectorised one, and the share of the exact pairs the fast method finds (target ≥ 95 %).
`--naive-rows N` times the naive loop on the first N rows only and scales by the pair count
(quadratic), for a quick run.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_SPEEDUP = 50.0
TARGET_RECALL = 0.95
CORPUS_SEED = 20240
BLOCK = 512


def text_units(rows: int) -> list[str]:
    """The first `rows` non-empty text units of a generated corpus (generated into a temporary
    folder and read with the real reader)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate, load_seeds

    from auditor.ingest import read_submission
    from auditor.textsim import comparable

    try:
        from auditor.corpus.units import extract_units
    except ImportError:  # the index package is not there: collect the same cells directly
        extract_units = None
    seeds = load_seeds()
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-neardup-") as tmp:
        index = 0
        while len(texts) < rows:
            batch = generate(20, Path(tmp) / str(index), seed=CORPUS_SEED + index, seeds=seeds)
            for item in batch:
                submission = read_submission(Path(tmp) / str(index) / item.name)
                if extract_units is not None:
                    cells = [u.text for u in extract_units(submission)]
                else:
                    cells = [*submission.part1.all_paragraphs]
                    for table in submission.tables:
                        cells += [table.fund_use, *table.goals]
                        cells += [c for i in table.indicators for c in (i.description, f"{i.value}｜{i.basis}")]
                texts.extend(c for c in cells if comparable(c))
            index += 1
    return texts[:rows]


def exact_pairs(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    import numpy as np
    from rapidfuzz import fuzz, process

    from auditor.textsim import comparable

    keys = [comparable(t) for t in texts]
    cutoff = threshold * 100
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(keys), BLOCK):
        block = keys[start:start + BLOCK]
        scores = process.cdist(block, keys[start:], scorer=fuzz.ratio, score_cutoff=cutoff,
                               dtype=np.float32, workers=-1)
        rows, cols = np.nonzero(scores >= cutoff)
        for r, c in zip(rows.tolist(), cols.tolist()):
            i, j = start + r, start + c
            if i < j:
                pairs.add((i, j))
    return pairs


def naive_pairs(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    from rapidfuzz import fuzz

    from auditor.textsim import comparable

    keys = [comparable(t) for t in texts]
    cutoff = threshold * 100
    ratio = fuzz.ratio
    pairs: set[tuple[int, int]] = set()
    for i, a in enumerate(keys):
        for j in range(i + 1, len(keys)):
            if ratio(a, keys[j]) >= cutoff:
                pairs.add((i, j))
    return pairs


def bench_neardup(rows: int = 20000, threshold: float = 0.9, naive_rows: int | None = None) -> bool:
    print(f"\nnear-duplicate stage: {rows} text units of a generated corpus, threshold {threshold}")
    texts = text_units(rows)
    try:
        from auditor.corpus.index import near_duplicate_pairs
    except ImportError:
        near_duplicate_pairs = None
    comparisons = len(texts) * (len(texts) - 1) // 2
    start = time.perf_counter()
    exact = exact_pairs(texts, threshold)
    vector_s = time.perf_counter() - start
    print(f"  all pairs, vectorised (cdist, workers=-1): {vector_s:8.2f} s, {len(exact)} pairs ({comparisons} comparisons)")
    sample = texts if not naive_rows or naive_rows >= len(texts) else texts[:naive_rows]
    start = time.perf_counter()
    naive = naive_pairs(sample, threshold)
    naive_s = time.perf_counter() - start
    if len(sample) == len(texts):
        if naive != exact:  # the two exact methods must agree, or the baseline is wrong
            print(f"  naive and vectorised pair sets differ ({len(naive)} vs {len(exact)}) — baseline broken")
            return False
        print(f"  all pairs, naive (Python loop, fuzz.ratio): {naive_s:8.2f} s, same {len(naive)} pairs")
    else:
        sampled = len(sample) * (len(sample) - 1) // 2
        naive_s *= comparisons / sampled
        print(f"  all pairs, naive (Python loop, fuzz.ratio): {naive_s:8.2f} s (timed on the first {len(sample)} rows, "
              f"scaled by the pair count)")
    if near_duplicate_pairs is None:
        print("  fast method: SKIPPED — auditor.corpus.index.near_duplicate_pairs does not exist yet")
        return True
    start = time.perf_counter()
    fast = near_duplicate_pairs(texts, threshold)
    fast_s = time.perf_counter() - start
    found = len(exact & fast)
    recall = found / len(exact) if exact else 1.0
    speedup = naive_s / fast_s if fast_s else float("inf")
    extra = len(fast - exact)
    ok = speedup >= TARGET_SPEEDUP and recall >= TARGET_RECALL
    print(f"  near_duplicate_pairs:                      {fast_s:8.2f} s, {len(fast)} pairs "
          f"({extra} not in the exact set)")
    print(f"  speed ratio {speedup:.1f}× vs naive (target ≥ {TARGET_SPEEDUP:.0f}×), {vector_s / fast_s:.1f}× vs vectorised; "
          f"finds {recall:.1%} of the exact pairs (target ≥ {TARGET_RECALL:.0%}) {'✓' if ok else 'MISSED'}")
    return ok


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", type=int, nargs="?", default=20000)
    parser.add_argument("--naive-rows", type=int, default=None)
    args = parser.parse_args()
    sys.exit(0 if bench_neardup(args.rows, naive_rows=args.naive_rows) else 1)
