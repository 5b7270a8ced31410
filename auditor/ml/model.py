"""The trained classifiers as plain arrays, and scoring with numpy alone.

Training fits scikit-learn (TfidfVectorizer over `features.tagged_tokens` + StandardScaler over
the dense features + a linear classifier: LogisticRegression for specificity, RidgeClassifier for
the category; `ml/train.py`) and exports what prediction needs — vocabulary, idf, scaler,
coefficients, the temperature that turns the scores into calibrated probabilities — to one
`.npz` per model. Scoring a row is then a sparse dot product: loading takes milliseconds, scikit-
learn is never imported at audit time, and no pickle is ever loaded (an `.npz` read with
allow_pickle=False cannot run code).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from array import array
from itertools import repeat
from pathlib import Path

import numpy as np

from ..schema import Indicator
from .features import CATEGORY_FIELDS, SPECIFICITY_FIELDS, category_dense, field_tokens, row_text, specificity_dense

SPECIFICITY_FILE = "specificity.npz"
CATEGORY_FILE = "category.npz"
CARD_FILE = "model_card.json"

_FEATURES: dict[str, tuple[tuple[str, ...], Callable[..., list[float]]]] = {
    "specificity": (SPECIFICITY_FIELDS, specificity_dense),
    "category": (CATEGORY_FIELDS, category_dense),
}


class RowBatch:
    """Rows to score, with identical rows folded together and each distinct row's normalised
    cells and n-grams computed once for both models."""

    def __init__(self, indicators: Sequence[Indicator]):
        self.count = len(indicators)
        keys = [(i.level2, i.level3, i.description, i.value, i.basis) for i in indicators]
        first: dict[tuple, int] = {}
        for position, key in enumerate(keys):
            first.setdefault(key, position)
        self.unique = [indicators[p] for p in first.values()]
        self.slots: np.ndarray | None = None  # input row → distinct row, when any repeat
        if len(first) < len(keys):
            slot = {key: n for n, key in enumerate(first)}
            self.slots = np.fromiter((slot[k] for k in keys), dtype=np.int64, count=len(keys))
        self.texts = [row_text(ind) for ind in self.unique]

    def __len__(self) -> int:
        return self.count

    def expand(self, scores: np.ndarray) -> np.ndarray:
        """Per-distinct-row scores back to one row per input indicator."""
        return scores if self.slots is None else scores[self.slots]


class ModelMissing(FileNotFoundError):
    """No trained model where one was expected; the message says how to make one."""


@dataclass
class LinearTextModel:
    """TF-IDF text features and scaled dense features into a linear model: one score per class,
    softmax(scores / temperature) the calibrated probabilities."""

    kind: str  # specificity | category
    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_terms,)
    sublinear_tf: bool
    dense_mean: np.ndarray  # (n_dense,)
    dense_scale: np.ndarray
    dense_weight: float  # the dense block's weight next to the l2-normalised text block
    coef: np.ndarray  # (n_classes, n_terms + n_dense)
    intercept: np.ndarray  # (n_classes,)
    temperature: float = 1.0  # logits / T: probabilities calibrated on grouped out-of-fold data
    # category model: the calibrated confidence from which "predicted ≠ declared" was right often
    # enough out of fold to report (train.mismatch_threshold); above 1 = never report
    flag_threshold: float = 1.01
    _by_field: dict[str, dict[str, int]] | None = field(default=None, repr=False, compare=False)

    # -- features -------------------------------------------------------------------------------

    def _field_vocabularies(self, fields: Sequence[str]) -> dict[str, dict[str, int]]:
        """The vocabulary split by cell tag ("名|率" → {"名": {"率": j}}), built once per model."""
        if self._by_field is None:
            by_field: dict[str, dict[str, int]] = {tag: {} for tag in fields}
            for term, j in self.vocabulary.items():
                tag, _, gram = term.partition("|")
                if tag in by_field:
                    by_field[tag][gram] = j
            self._by_field = by_field
        return self._by_field

    def _text_logits(self, batch: RowBatch, fields: Sequence[str]) -> np.ndarray:
        """TF-IDF (sublinear tf, l2) of every row's tagged n-grams times the text coefficients, in
        numpy (scipy.sparse would cost a single-file audit 0.15 s of import). N-grams outside the
        vocabulary map to an extra column whose idf is 0, so they weigh nothing and need no
        filtering in Python."""
        n_terms = len(self.idf)
        lookups = [(tag, self._field_vocabularies(fields)[tag].get) for tag in fields]
        # one flat array of term ids (no list per row: millions of small lists would keep the
        # garbage collector busy), and where each row's ids start
        flat = array("q")
        indptr = array("q", [0])
        for text in batch.texts:
            for tag, get in lookups:
                flat.extend(map(get, field_tokens(text, tag), repeat(n_terms)))
            indptr.append(len(flat))
        rows = len(batch.texts)
        width = n_terms + 1
        row_of = np.repeat(np.arange(rows, dtype=np.int64), np.diff(np.frombuffer(indptr, dtype=np.int64)))
        cells, tf = np.unique(row_of * width + np.frombuffer(flat, dtype=np.int64), return_counts=True)
        row_of, term = np.divmod(cells, width)
        idf = np.append(self.idf, 0.0)
        weight = (1.0 + np.log(tf) if self.sublinear_tf else tf.astype(np.float64)) * idf[term]
        norms = np.sqrt(np.bincount(row_of, weights=weight * weight, minlength=rows))
        norms[norms == 0] = 1.0  # a row with no known n-gram keeps its zero vector
        weight /= norms[row_of]
        coef = np.hstack([self.coef[:, :n_terms], np.zeros((len(self.classes), 1))])
        return np.stack([np.bincount(row_of, weights=coef[c, term] * weight, minlength=rows)
                         for c in range(len(self.classes))], axis=1)

    def logits(self, rows: Sequence[Indicator] | RowBatch) -> np.ndarray:
        """Raw scores per class. Identical rows (copy-paste is the norm in these tables) are
        scored once; pass a RowBatch to share that work between the two models."""
        batch = rows if isinstance(rows, RowBatch) else RowBatch(rows)
        if not batch.unique:
            return np.zeros((0, len(self.classes)))
        fields, dense_of = _FEATURES[self.kind]
        n_terms = len(self.idf)
        dense = np.array([dense_of(ind, text) for ind, text in zip(batch.unique, batch.texts)],
                         dtype=np.float64).reshape(len(batch.unique), -1)
        scaled = (dense - self.dense_mean) / self.dense_scale * self.dense_weight
        scores = scaled @ self.coef[:, n_terms:].T + self.intercept
        if batch.unique:
            scores += self._text_logits(batch, fields)
        return batch.expand(scores)

    def probabilities(self, indicators: Sequence[Indicator] | RowBatch, calibrated: bool = True) -> np.ndarray:
        if not len(indicators):
            return np.zeros((0, len(self.classes)))
        z = self.logits(indicators) / (self.temperature if calibrated else 1.0)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    # -- persistence ----------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        from ..io_utils import atomic_file

        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        with atomic_file(path, "wb") as fh:
            np.savez_compressed(
                fh, kind=np.array(self.kind), classes=np.array(self.classes), terms=np.array(terms),
                idf=self.idf, sublinear_tf=np.array(self.sublinear_tf), dense_mean=self.dense_mean,
                dense_scale=self.dense_scale, dense_weight=np.array(self.dense_weight), coef=self.coef,
                intercept=self.intercept, temperature=np.array(self.temperature),
                flag_threshold=np.array(self.flag_threshold))

    @classmethod
    def load(cls, path: Path) -> LinearTextModel:
        if not path.is_file():
            raise ModelMissing(f"找不到模型文件 {path}；请先运行 `auditor train` 生成模型")
        with np.load(path, allow_pickle=False) as data:
            terms = data["terms"].tolist()
            return cls(
                kind=str(data["kind"]), classes=tuple(data["classes"].tolist()),
                vocabulary={t: i for i, t in enumerate(terms)}, idf=data["idf"],
                sublinear_tf=bool(data["sublinear_tf"]), dense_mean=data["dense_mean"],
                dense_scale=data["dense_scale"], dense_weight=float(data["dense_weight"]),
                coef=data["coef"], intercept=data["intercept"], temperature=float(data["temperature"]),
                flag_threshold=float(data["flag_threshold"]) if "flag_threshold" in data else 1.01)


# ------------------------------------------------------------------------------------------------
# What the rest of the tool calls
# ------------------------------------------------------------------------------------------------


def specificity_scores(model: LinearTextModel, indicators: Sequence[Indicator] | RowBatch) -> np.ndarray:
    """0–1 per row: the expected specificity label (0/1/2) divided by 2 — 0 unassessable, 1
    measurable and specific."""
    if not len(indicators):
        return np.zeros(0)
    p = model.probabilities(indicators)
    levels = np.array([float(c) for c in model.classes])
    return (p @ levels) / 2.0


@dataclass(frozen=True)
class CategoryPrediction:
    category: str  # canonical 二级 name
    confidence: float  # calibrated probability of that category


def predict_categories(model: LinearTextModel, indicators: Sequence[Indicator] | RowBatch) -> list[CategoryPrediction]:
    if not len(indicators):
        return []
    p = model.probabilities(indicators)
    best = p.argmax(axis=1)
    return [CategoryPrediction(model.classes[b], float(p[i, b])) for i, b in enumerate(best)]


@lru_cache(maxsize=4)
def load_models(folder: str) -> tuple[LinearTextModel, LinearTextModel]:
    """(specificity, category) from a models folder — cached: every check and every worker
    process loads them once."""
    base = Path(folder)
    return LinearTextModel.load(base / SPECIFICITY_FILE), LinearTextModel.load(base / CATEGORY_FILE)


def bundled_models() -> tuple[LinearTextModel, LinearTextModel] | None:
    """The models shipped in models/, or None when they have not been trained (the audit then
    runs without scores and says so)."""
    from ..resources import models_dir

    try:
        return load_models(str(models_dir()))
    except FileNotFoundError:  # ModelMissing, or no models/ folder at all
        return None
