"""The category model against a spaCy text classifier trained here, on the same grouped folds.

Issue 5 welcomes a locally trained spaCy `textcat` as a comparison. This trains one per fold of
the category model's cross-validation (one held-out submission at a time, `train.grouped_folds`),
on the same rows and labels, and prints macro-F1 overall and per source kind beside the bundled
model card's figure. Nothing is downloaded: `spacy.blank("zh")` with character tokens (spaCy's
default for Chinese) or the jieba segmenter, and a textcat trained from scratch.

    .venv/bin/python benchmarks/textcat_comparison.py                      # bag of n-grams (≈ 1–2 min)
    .venv/bin/python benchmarks/textcat_comparison.py --arch ensemble      # + CNN tok2vec (≈ 4 min)
    .venv/bin/python benchmarks/textcat_comparison.py --segmenter jieba

The settings are fixed (10 epochs, dropout 0.2, rare classes repeated by the square root of their
rarity) and not tuned on these folds.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditor.ingest import read_submission  # noqa: E402
from auditor.ml import train as training  # noqa: E402
from auditor.ml.dataset import CATEGORIES, SOURCE_KINDS, LabelledRow, join_labels  # noqa: E402
from auditor.ml.model import CARD_FILE  # noqa: E402
from auditor.resources import models_dir  # noqa: E402


def row_text(row: LabelledRow) -> str:
    """What the category model reads: the name, the description and the value."""
    ind = row.indicator
    return f"{ind.level3}｜{ind.description}｜{ind.value}"


def blank_textcat(arch: str, segmenter: str):
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    bow = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True,
           "ngram_size": 3 if segmenter == "char" else 2, "no_output_layer": False, "length": 262144}
    if arch == "bow":
        model = bow
    else:
        model = {"@architectures": "spacy.TextCatEnsemble.v2", "linear_model": bow,
                 "tok2vec": {"@architectures": "spacy.Tok2Vec.v2",
                             "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 64,
                                       "attrs": ["ORTH", "PREFIX", "SUFFIX"], "rows": [5000, 1000, 1000],
                                       "include_static_vectors": False},
                             "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 64,
                                        "window_size": 1, "maxout_pieces": 3, "depth": 2}}}
    textcat = nlp.add_pipe("textcat", config={"model": model})
    for category in CATEGORIES:
        textcat.add_label(category)
    return nlp


def fit(rows: list[LabelledRow], arch: str, segmenter: str, epochs: int):
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(0)
    shuffle = random.Random(0).shuffle
    nlp = blank_textcat(arch, segmenter)
    examples = [Example.from_dict(nlp.make_doc(row_text(r)), {"cats": {c: float(c == r.category) for c in CATEGORIES}})
                for r in rows]
    optimizer = nlp.initialize(lambda: examples)
    counts = {c: sum(r.category == c for r in rows) for c in CATEGORIES}
    most = max(counts.values())
    # rare classes count more, as class_weight="balanced" does for the bundled model, but gently
    epoch_rows = [ex for r, ex in zip(rows, examples) for _ in range(max(1, round((most / counts[r.category]) ** 0.5)))]
    for _ in range(epochs):
        shuffle(epoch_rows)
        for batch in minibatch(epoch_rows, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2)
    return nlp


def main() -> int:
    from sklearn.metrics import f1_score

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", choices=("bow", "ensemble"), default="bow")
    parser.add_argument("--segmenter", choices=("char", "jieba"), default="char")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()

    submissions = [read_submission(p) for p in sorted((REPO / "corpus").glob("*.txt"))]
    rows, problems = join_labels(submissions, REPO / "corpus" / "labels")
    if problems:
        print("\n".join(problems[:20]))
        return 1
    rows = [r for r in rows if r.category is not None]
    started = time.perf_counter()
    predicted = np.empty(len(rows), dtype=object)
    for train, test in training.grouped_folds(rows):
        nlp = fit([rows[i] for i in train], args.arch, args.segmenter, args.epochs)
        for i, doc in zip(test, nlp.pipe(row_text(rows[i]) for i in test)):
            predicted[i] = max(doc.cats, key=doc.cats.get)
    y = np.array([r.category for r in rows])
    labels = [c for c in CATEGORIES if c in set(y.tolist())]
    kinds = np.array([r.source_kind for r in rows])
    card = json.loads((models_dir() / CARD_FILE).read_text(encoding="utf-8"))["models"]["category"]
    print(f"spaCy textcat ({args.arch}, {args.segmenter} tokens, {args.epochs} epochs), "
          f"{len(rows)} rows, {len(set(r.submission for r in rows))} grouped folds, {time.perf_counter() - started:.0f} s")
    print(f"{'macro-F1':24}{'all':>8}" + "".join(f"{k:>11}" for k in SOURCE_KINDS))
    by_kind = [f1_score(y[kinds == k], predicted[kinds == k], labels=labels, average="macro") for k in SOURCE_KINDS]
    print(f"{'spaCy textcat':24}{f1_score(y, predicted, labels=labels, average='macro'):8.4f}"
          + "".join(f"{f:11.4f}" for f in by_kind))
    print(f"{'bundled model (card)':24}{card['metrics']['macro_f1']:8.4f}"
          + "".join(f"{card['metrics_by_source'][k]['macro_f1']:11.4f}" for k in SOURCE_KINDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
