"""Precision and recall of the checks against independent reviewer annotations of the bundled
seeds (corpus/annotations/*.json, made without looking at the checks).

A finding matches an annotation when both name the same table, the same row (or both none)
and the same category. Recall is measured on the annotations of high and medium severity,
precision on all findings — the quality bar of issue 3 (≥ 85 % each).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditor.engine import Engine  # noqa: E402
from auditor.ingest import read_submission  # noqa: E402


def key(item: dict) -> tuple:
    return (item["table"], item["row"], item["category"])


def evaluate(show: int) -> int:
    engine = Engine()
    tp = Counter()
    fp = Counter()
    fn = Counter()
    misses: dict[str, list] = defaultdict(list)
    extras: dict[str, list] = defaultdict(list)
    annotated_files = sorted((REPO / "corpus" / "annotations").glob("*.json"))
    if not annotated_files:
        print("no annotations in corpus/annotations/")
        return 1
    for path in annotated_files:
        seed = REPO / "corpus" / f"{path.stem}.txt"
        annotations = json.loads(path.read_text(encoding="utf-8"))
        findings = [f.to_dict() for f in engine.audit(read_submission(seed)).findings]
        found = {key(f): f for f in findings}
        wanted = {key(a): a for a in annotations}
        for k, f in found.items():
            if k in wanted:
                tp[k[2]] += 1
            else:
                fp[k[2]] += 1
                extras[k[2]].append((path.stem[:3], f))
        for k, a in wanted.items():
            if k not in found and a["severity"] in ("high", "medium"):
                fn[k[2]] += 1
                misses[k[2]].append((path.stem[:3], a))
    print(f"{'category':18} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}")
    for category in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[category] / (tp[category] + fp[category]) if tp[category] + fp[category] else float("nan")
        r = tp[category] / (tp[category] + fn[category]) if tp[category] + fn[category] else float("nan")
        print(f"{category:18} {tp[category]:4} {fp[category]:4} {fn[category]:4} {p:9.2f} {r:7.2f}")
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = total_tp / max(1, total_tp + total_fp)
    recall = total_tp / max(1, total_tp + total_fn)
    print(f"{'ALL':18} {total_tp:4} {total_fp:4} {total_fn:4} {precision:9.2f} {recall:7.2f}")
    for title, items in (("missed (annotated, not found)", misses), ("extra (found, not annotated)", extras)):
        print(f"\n== {title}")
        for category, rows in sorted(items.items()):
            for seed, item in rows[:show]:
                text = item.get("note") or item.get("message", "")
                print(f"  {category:17} {seed} 表{item['table']} 行{item['row']}: {item['evidence'][:30]!r} — {text[:70]}")
    return 0 if precision >= 0.85 and recall >= 0.85 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", type=int, default=5, help="examples of misses/extras per category")
    sys.exit(evaluate(parser.parse_args().show))
