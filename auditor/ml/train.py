"""`auditor train`: fit the specificity and category classifiers on corpus/labels/, measure them
with cross-validation grouped by submission, export them to models/ and write the model card.

Grouping: every fold holds out one whole submission (leave-one-submission-out: each parsed seed and
each excerpt of cell-only rows is its own group), so a model is never tested on rows of a document
it was trained on — rows of one submission share templates, and mixing them would measure memory,
not skill. The card reports the metrics over all rows and, from the same out-of-fold predictions,
per source kind (grid rows alone compare with models trained before cell-only rows existed).
"""
from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..io_utils import write_atomic
from ..schema import Submission
from .dataset import CATEGORIES, SOURCE_KINDS, LabelledRow, join_labels, label_data_hash
from .features import (CATEGORY_DENSE, CATEGORY_FIELDS, NGRAM_RANGE, SPECIFICITY_DENSE, SPECIFICITY_FIELDS,
                       category_dense, row_text, specificity_dense, tagged_tokens)
from .model import CARD_FILE, CATEGORY_FILE, SPECIFICITY_FILE, LinearTextModel

# Specificity: logistic regression with C chosen from a small grid (C 1–32, dense weight 0–4,
# n-grams 1–2 … 1–4, min_df 1–3; about 25 settings) on the same grouped cross-validation of the seed
# rows, so its card figures are mildly optimistic; deliberately not re-tuned since.
# A low dense weight regularises the dense block harder than the text;
# min_df 2 drops n-grams one row alone has; class weights make rare categories (生态效益) count.
C_SPECIFICITY = 8.0
# Category: one ridge regression per class on ±1 targets (RidgeClassifier). With 600 rows and
# nine classes, four of them under 30 rows, least squares shrinks the rare classes' weights less
# erratically than the logistic loss, which fits the training rows almost exactly at any useful C.
# Its strength is chosen inside training, by grouped cross-validation of the training rows alone,
# from this grid; the card's figures come from the same choice made again without each held-out
# submission (nested), so alpha is not tuned on the rows it is measured on. (The estimator and the
# topic tokens were compared on these same folds.)
CATEGORY_ALPHAS = (0.1, 0.3, 1.0)
DENSE_WEIGHT = 0.1
MIN_DF = 2
# LEVEL_MISMATCH's model variant flags a row only when its calibrated confidence in another
# category reaches this share of precision on the grouped out-of-fold predictions.
TARGET_MISMATCH_PRECISION = 0.8


@dataclass
class Design:
    """One model's training matrix and the fitted transforms that made it."""

    vectorizer: Any
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, docs: list[list[str]], dense: np.ndarray) -> Design:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=MIN_DF, norm="l2")
        vectorizer.fit(docs)
        mean = dense.mean(axis=0)
        scale = dense.std(axis=0)
        scale[scale == 0] = 1.0
        return cls(vectorizer, mean, scale)

    def transform(self, docs: list[list[str]], dense: np.ndarray) -> Any:
        from scipy.sparse import csr_matrix, hstack

        scaled = (dense - self.mean) / self.scale * DENSE_WEIGHT
        return hstack([self.vectorizer.transform(docs), csr_matrix(scaled)]).tocsr()


def _identity(doc: list[str]) -> list[str]:
    return doc


def _inputs(rows: list[LabelledRow], kind: str) -> tuple[list[list[str]], np.ndarray]:
    fields, dense_of = ((SPECIFICITY_FIELDS, specificity_dense) if kind == "specificity"
                        else (CATEGORY_FIELDS, category_dense))
    docs = [tagged_tokens(row_text(r.indicator), fields) for r in rows]
    dense = np.array([dense_of(r.indicator) for r in rows], dtype=np.float64)
    return docs, dense


def _estimator(kind: str, strength: float) -> Any:
    """The category model's ridge (strength = alpha) or the specificity model's logistic
    regression (strength = C)."""
    if kind == "category":
        from sklearn.linear_model import RidgeClassifier

        return RidgeClassifier(alpha=strength, class_weight="balanced")
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=strength, class_weight="balanced", max_iter=5000)


def _fit(docs: list[list[str]], dense: np.ndarray, y: np.ndarray, kind: str, strength: float) -> tuple[Design, Any]:
    design = Design.fit(docs, dense)
    clf = _estimator(kind, strength)
    clf.fit(design.transform(docs, dense), y)
    return design, clf


def _export(kind: str, design: Design, clf: Any, temperature: float) -> LinearTextModel:
    vocabulary = {term: int(i) for term, i in design.vectorizer.vocabulary_.items()}
    # a two-class ridge keeps a 1-D coef_, a two-class logistic regression one row
    coef, intercept = np.atleast_2d(clf.coef_).astype(np.float64), np.atleast_1d(clf.intercept_).astype(np.float64)
    if coef.shape[0] == 1 and len(clf.classes_) == 2:
        # two classes: one row (the second class's score); as softmax logits that is (-z/2, z/2),
        # the form _held_out_logits uses too
        coef, intercept = np.vstack([-coef / 2, coef / 2]), np.concatenate([-intercept / 2, intercept / 2])
    return LinearTextModel(
        kind=kind, classes=tuple(str(c) for c in clf.classes_), vocabulary=vocabulary,
        idf=design.vectorizer.idf_.astype(np.float64), sublinear_tf=True, dense_mean=design.mean,
        dense_scale=design.scale, dense_weight=DENSE_WEIGHT, coef=coef, intercept=intercept,
        temperature=temperature)


def grouped_folds(rows: list[LabelledRow]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices of the cross-validation: one fold per submission, seed or excerpt."""
    from sklearn.model_selection import LeaveOneGroupOut

    groups = np.array([r.submission for r in rows])
    return list(LeaveOneGroupOut().split(np.zeros((len(rows), 1)), groups=groups))


def _out_of_fold(rows: list[LabelledRow], docs: list[list[str]], dense: np.ndarray, kind: str, y: np.ndarray,
                 strength: float) -> tuple[np.ndarray, list[str]]:
    """Grouped out-of-fold logits (one fold per submission) and the class order."""
    classes = sorted(set(y.tolist()))
    logits = np.zeros((len(y), len(classes)))
    for train, test in grouped_folds(rows):
        (logits[test],) = _held_out_logits(docs, dense, y, train, test, kind, (strength,), classes)
    return logits, classes


def _held_out_logits(docs: list[list[str]], dense: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray,
                     kind: str, strengths: tuple[float, ...], classes: list[str]) -> list[np.ndarray]:
    """Fit on the train rows, once per strength (the features are built once: they cost more than
    a fit); the test rows' logits in `classes` order."""
    design = Design.fit([docs[i] for i in train], dense[train])
    fitted = design.transform([docs[i] for i in train], dense[train])
    held_out = design.transform([docs[i] for i in test], dense[test])
    out = []
    for strength in strengths:
        clf = _estimator(kind, strength).fit(fitted, y[train])
        z = clf.decision_function(held_out)
        if z.ndim == 1:  # binary: scikit-learn returns one column
            z = np.column_stack([-z, z]) / 2
        # a class absent from the training folds gets no column: it can never be predicted there
        full = np.full((len(test), len(classes)), -1e9)
        for j, cls in enumerate(clf.classes_):
            full[:, classes.index(cls)] = z[:, j]
        out.append(full)
    return out


class CategoryFolds:
    """The category ridge fitted without some submissions, at every alpha of the grid: grouped
    cross-validation, the choice of alpha, and that choice nested. Each training set is fitted
    once: nested selection asks for the same one from both sides (outer k with inner j, and outer j
    with inner k, both leave out {j, k})."""

    def __init__(self, docs: list[list[str]], dense: np.ndarray, y: np.ndarray, groups: np.ndarray):
        self.docs, self.dense, self.y, self.groups = docs, dense, y, groups
        self.classes = sorted(set(y.tolist()))
        self._fits: dict[frozenset[str], dict[float, np.ndarray]] = {}

    def without(self, left_out: frozenset[str]) -> dict[float, np.ndarray]:
        """Per alpha, logits of the left-out submissions' rows from a fit on all the other rows
        (the other rows' entries are not filled)."""
        if left_out not in self._fits:
            out = np.isin(self.groups, list(left_out))
            per_alpha = _held_out_logits(self.docs, self.dense, self.y, np.flatnonzero(~out), np.flatnonzero(out),
                                         "category", CATEGORY_ALPHAS, self.classes)
            fits = {}
            for alpha, z in zip(CATEGORY_ALPHAS, per_alpha):
                fits[alpha] = np.zeros((len(self.y), len(self.classes)))
                fits[alpha][out] = z
            self._fits[left_out] = fits
        return self._fits[left_out]

    def out_of_fold(self, excluded: frozenset[str] = frozenset()) -> tuple[np.ndarray, dict[float, np.ndarray]]:
        """(the rows outside `excluded`, per-alpha logits): leave-one-submission-out over those rows,
        every fit also without the excluded submissions."""
        inside = ~np.isin(self.groups, list(excluded))
        logits = {alpha: np.zeros((len(self.y), len(self.classes))) for alpha in CATEGORY_ALPHAS}
        for group in sorted(set(self.groups[inside].tolist())):
            rows = self.groups == group
            for alpha, z in self.without(excluded | {group}).items():
                logits[alpha][rows] = z[rows]
        return inside, logits

    def select(self, excluded: frozenset[str] = frozenset()) -> tuple[float, dict[str, float]]:
        """The alpha with the best grouped out-of-fold macro-F1 over the submissions outside
        `excluded` (ties go to the stronger regularisation), and every alpha's score. With fewer
        than two such submissions there is nothing to cross-validate: the middle of the grid."""
        from sklearn.metrics import f1_score

        if len(set(self.groups[~np.isin(self.groups, list(excluded))].tolist())) < 2:
            return CATEGORY_ALPHAS[len(CATEGORY_ALPHAS) // 2], {}
        inside, logits = self.out_of_fold(excluded)
        y = self.y[inside]
        labels = sorted(set(y.tolist()))
        predicted = {alpha: np.array(self.classes)[z[inside].argmax(axis=1)] for alpha, z in logits.items()}
        scores = {alpha: float(f1_score(y, predicted[alpha], labels=labels, average="macro")) for alpha in CATEGORY_ALPHAS}
        best = max(sorted(CATEGORY_ALPHAS, reverse=True), key=lambda a: scores[a])
        return best, {str(a): round(v, 4) for a, v in scores.items()}

    def nested(self) -> tuple[np.ndarray, dict[str, float]]:
        """Out-of-fold logits where each submission is scored at the alpha chosen without it, and
        that alpha per submission."""
        _, full = self.out_of_fold()
        logits = np.zeros((len(self.y), len(self.classes)))
        chosen = {}
        for group in sorted(set(self.groups.tolist())):
            alpha, _ = self.select(frozenset({group}))
            rows = self.groups == group
            logits[rows] = full[alpha][rows]
            chosen[str(group)] = alpha
        return logits, chosen


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


# The widest temperature the fit may return. Ridge scores live on the ±1 scale of their targets,
# so their T is well below 1; logistic logits sit near 1. An optimum at either limit means the
# scores are degenerate (all alike, or every training row separated): the card says so.
TEMPERATURE_LIMITS = (1e-3, 1e3)


def _temperature_nll(logits: np.ndarray, y_index: np.ndarray, log_t: float) -> float:
    p = _softmax(logits / np.exp(log_t))
    return -float(np.mean(np.log(np.clip(p[np.arange(len(y_index)), y_index], 1e-12, 1.0))))


def fit_temperature(logits: np.ndarray, y_index: np.ndarray) -> float:
    """The T minimising the out-of-fold negative log-likelihood of softmax(logits / T): a grid over
    log T within TEMPERATURE_LIMITS, then a bounded search between the best point's neighbours."""
    from scipy.optimize import minimize_scalar

    grid = np.linspace(np.log(TEMPERATURE_LIMITS[0]), np.log(TEMPERATURE_LIMITS[1]), 121)
    nll = [_temperature_nll(logits, y_index, g) for g in grid]
    best = int(np.argmin(nll))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    found = minimize_scalar(lambda g: _temperature_nll(logits, y_index, g), bounds=(low, high), method="bounded",
                            options={"xatol": 1e-4})
    # nothing better than a limit itself (scores that keep improving as T shrinks or grows): that
    # limit, which temperature_at_limit reports
    return float(np.exp(found.x if found.fun < nll[best] else grid[best]))


def temperature_at_limit(temperature: float) -> bool:
    """True when the fit stopped at a limit of its range: the optimum may lie beyond it."""
    return not (TEMPERATURE_LIMITS[0] * 1.01 < temperature < TEMPERATURE_LIMITS[1] / 1.01)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            ece += inside.mean() * abs(float(correct[inside].mean()) - float(confidence[inside].mean()))
    return float(ece)


def _reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 5) -> list[dict[str, float]]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    out = []
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            out.append({"bin": f"{low:.1f}–{high:.1f}", "rows": int(inside.sum()),
                        "mean_confidence": round(float(confidence[inside].mean()), 3),
                        "accuracy": round(float(correct[inside].mean()), 3)})
    return out


# ------------------------------------------------------------------------------------------------
# The two evaluations
# ------------------------------------------------------------------------------------------------


def _by_source(rows: list[LabelledRow]) -> dict[str, np.ndarray]:
    """Row mask per source kind present (grid rows, cell-only rows, Part 1 statements)."""
    kinds = np.array([r.source_kind for r in rows])
    return {kind: kinds == kind for kind in SOURCE_KINDS if (kinds == kind).any()}


def _subset(rows: list[LabelledRow], mask: np.ndarray) -> list[LabelledRow]:
    return [r for r, keep in zip(rows, mask) if keep]


def _auc(y: np.ndarray, score: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(y, score)), 4) if len(set(y.tolist())) == 2 else None


def evaluate_specificity(rows: list[LabelledRow], docs: list[list[str]],
                         dense: np.ndarray) -> tuple[dict[str, Any], dict[str, Any], float]:
    """(metrics over all rows, the same metrics per source kind, temperature)."""
    y = np.array([str(r.specificity) for r in rows])
    logits, classes = _out_of_fold(rows, docs, dense, "specificity", y, C_SPECIFICITY)
    y_index = np.array([classes.index(v) for v in y])
    temperature = fit_temperature(logits, y_index)
    p = _softmax(logits / temperature)
    metrics = {**_specificity_metrics(rows, y, p, classes), **_temperature_entry(temperature)}
    by_source = {kind: _specificity_metrics(_subset(rows, mask), y[mask], p[mask], classes)
                 for kind, mask in _by_source(rows).items()}
    return metrics, by_source, temperature


def _specificity_metrics(rows: list[LabelledRow], y: np.ndarray, p: np.ndarray, classes: list[str]) -> dict[str, Any]:
    from sklearn.metrics import confusion_matrix, f1_score

    score = p @ np.array([float(c) for c in classes]) / 2.0
    predicted = np.array(classes)[p.argmax(axis=1)]
    assessable = (y != "0").astype(int)
    p_zero = p[:, classes.index("0")]
    return {
        "rows": len(rows),
        "auc_unassessable_vs_rest": _auc(assessable, score),
        "macro_f1_3_levels": round(float(f1_score(y, predicted, average="macro")), 4),
        "accuracy_3_levels": round(float((predicted == y).mean()), 4),
        "brier_unassessable": round(float(np.mean((p_zero - (1 - assessable)) ** 2)), 4),
        "ece_top_class": round(expected_calibration_error(p.max(axis=1), predicted == y), 4),
        "reliability_top_class": _reliability(p.max(axis=1), predicted == y),
        "confusion_matrix": {"labels": classes, "rows_true_cols_predicted":
                             confusion_matrix(y, predicted, labels=classes).tolist()},
        "per_submission_auc": _per_group_auc(rows, assessable, score),
    }


def _per_group_auc(rows: list[LabelledRow], y: np.ndarray, score: np.ndarray) -> dict[str, float | None]:
    groups = np.array([r.submission for r in rows])
    return {sub: _auc(y[groups == sub], score[groups == sub]) for sub in sorted(set(groups.tolist()))}


@dataclass
class CategoryEvaluation:
    metrics: dict[str, Any]  # over all rows, nested out of fold
    by_source: dict[str, Any]  # the same metrics per source kind
    temperature: float
    probabilities: np.ndarray  # nested out of fold, calibrated
    classes: list[str]
    alpha: float  # the strength the shipped model is fitted with
    alpha_scores: dict[str, float]  # grouped out-of-fold macro-F1 of each alpha on all rows


def evaluate_category(rows: list[LabelledRow], docs: list[list[str]], dense: np.ndarray) -> CategoryEvaluation:
    """Choose alpha on all rows and measure that choice nested: each held-out submission is scored
    at the alpha chosen without it. The temperature is fitted on the out-of-fold logits at the
    chosen alpha, the scale of the shipped model's scores."""
    y = np.array([r.category for r in rows])
    folds = CategoryFolds(docs, dense, y, np.array([r.submission for r in rows]))
    classes = folds.classes
    alpha, alpha_scores = folds.select()
    logits, chosen = folds.nested()
    y_index = np.array([classes.index(v) for v in y])
    temperature = fit_temperature(folds.out_of_fold()[1][alpha], y_index)
    p = _softmax(logits / temperature)
    metrics = {**_category_metrics(y, logits, p, classes), **_temperature_entry(temperature),
               "alpha_by_held_out_submission": chosen}
    by_source = {kind: _category_metrics(y[mask], logits[mask], p[mask], classes)
                 for kind, mask in _by_source(rows).items()}
    return CategoryEvaluation(metrics, by_source, temperature, p, classes, alpha, alpha_scores)


def _temperature_entry(temperature: float) -> dict[str, Any]:
    entry: dict[str, Any] = {"temperature": round(temperature, 4)}
    if temperature_at_limit(temperature):
        entry["temperature_note"] = (f"the fit stopped at a limit of {list(TEMPERATURE_LIMITS)}: the scores are "
                                     "degenerate and their probabilities are not calibrated")
    return entry


def _category_metrics(y: np.ndarray, logits: np.ndarray, p: np.ndarray, classes: list[str]) -> dict[str, Any]:
    """Scores over the categories the rows' labels hold (a class no row has is not averaged in)."""
    from sklearn.metrics import classification_report, confusion_matrix, f1_score

    y_index = np.array([classes.index(v) for v in y])
    predicted = np.array(classes)[p.argmax(axis=1)]
    confidence = p.max(axis=1)
    raw_p = _softmax(logits)
    order = [c for c in CATEGORIES if c in set(y.tolist())]
    report = classification_report(y, predicted, labels=order, output_dict=True, zero_division=0)
    return {
        "rows": len(y),
        "macro_f1": round(float(f1_score(y, predicted, labels=order, average="macro")), 4),
        "accuracy": round(float((predicted == y).mean()), 4),
        "per_class": {c: {"precision": round(report[c]["precision"], 3), "recall": round(report[c]["recall"], 3),
                          "f1": round(report[c]["f1-score"], 3), "support": int(report[c]["support"])} for c in order},
        "ece_uncalibrated": round(expected_calibration_error(raw_p.max(axis=1), raw_p.argmax(axis=1) == y_index), 4),
        "ece_calibrated": round(expected_calibration_error(confidence, predicted == y), 4),
        "reliability": _reliability(confidence, predicted == y),
        "confusion_matrix": {"labels": order, "rows_true_cols_predicted":
                             confusion_matrix(y, predicted, labels=order).tolist()},
    }


def mismatch_threshold(rows: list[LabelledRow], p: np.ndarray, classes: list[str]) -> dict[str, Any]:
    """The lowest calibrated confidence at which "predicted ≠ declared" flags are right (the label
    also differs from the declared 二级) at least TARGET_MISMATCH_PRECISION of the time, out of fold,
    among the rows LEVEL_MISMATCH lets the model judge (domain.open_to_second_opinion)."""
    from ..domain import level2_key, open_to_second_opinion
    from .features import category_key

    predicted = [classes[i] for i in p.argmax(axis=1)]
    confidence = p.max(axis=1)
    flags = []
    for row, pred, conf in zip(rows, predicted, confidence):
        declared = level2_key(row.indicator.level2)
        if declared is None or category_key(pred) == declared or not open_to_second_opinion(row.indicator, category_key(pred)):
            continue
        truly_misfiled = category_key(row.category) != declared
        flags.append((float(conf), truly_misfiled, pred == row.category))
    misfiled_total = sum(1 for r in rows if level2_key(r.indicator.level2) not in (None, category_key(r.category))
                         and open_to_second_opinion(r.indicator, category_key(r.category)))
    best = None
    for threshold in sorted({round(c, 2) for c, _, _ in flags}):
        chosen = [f for f in flags if f[0] >= threshold]
        if len(chosen) < 3:
            break
        precision = sum(f[1] for f in chosen) / len(chosen)
        if precision >= TARGET_MISMATCH_PRECISION:
            best = {"threshold": threshold, "flags": len(chosen), "precision": round(precision, 3),
                    "exact_category_precision": round(sum(f[2] for f in chosen) / len(chosen), 3),
                    "recall_of_misfiled_rows_open_to_it": round(sum(f[1] for f in chosen) / max(1, misfiled_total), 3),
                    "misfiled_rows": sum(1 for r in rows if level2_key(r.indicator.level2) not in (None, category_key(r.category)))}
            break
    return best or {"threshold": 1.01, "flags": 0, "precision": None, "note": "目标精度无法达到，模型变体不报告"}


# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    import scipy
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__}


def _card_entry(file: str, target: str, estimator: str, fields: tuple[str, ...], dense: tuple[str, ...],
                model: LinearTextModel, metrics: dict[str, Any], by_source: dict[str, Any]) -> dict[str, Any]:
    return {
        "file": file, "target": target,
        "estimator": estimator,
        "text_features": {"analyzer": "character n-grams per cell" + ("; the names of the lexicon topics in the "
                                                                      "name and the description (tags 题名, 题述)"
                                                                      if "题名" in fields else ""),
                          "ngram_range": list(NGRAM_RANGE),
                          "cells": list(fields), "weighting": "TF-IDF, sublinear tf, l2", "min_df": MIN_DF,
                          "terms": len(model.vocabulary)},
        "dense_features": list(dense), "dense_weight": DENSE_WEIGHT,
        "metrics": metrics,
        "metrics_by_source": by_source,
    }


def _sources(rows: list[LabelledRow]) -> dict[str, Any]:
    """Rows and cross-validation groups per source kind; where cell-only rows were copied from."""
    out: dict[str, Any] = {}
    for kind, mask in _by_source(rows).items():
        subset = _subset(rows, mask)
        out[kind] = {"rows": len(subset), "groups": len({r.submission for r in subset})}
        if kind == "cell_only":
            out[kind]["origins"] = {sub: sorted({r.origin for r in subset if r.submission == sub})
                                    for sub in sorted({r.submission for r in subset})}
    return out


def train(submissions: list[Submission], label_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Evaluate, fit on all rows, export both models and the card; returns the card."""
    started = time.perf_counter()
    rows, problems = join_labels(submissions, label_dir)
    if problems:
        raise ValueError("标注与当前解析结果不一致：\n" + "\n".join(problems[:20]))
    # Part 1 statements whose category cannot be told (GUIDE.md §6) are specificity examples only
    cat_rows = [r for r in rows if r.category is not None]
    if len({r.submission for r in rows}) < 2 or len({r.submission for r in cat_rows}) < 2:
        raise ValueError(f"{label_dir} 中的标注少于两份材料，无法按材料分组做交叉验证")
    spec_docs, spec_dense = _inputs(rows, "specificity")
    spec_metrics, spec_by_source, spec_t = evaluate_specificity(rows, spec_docs, spec_dense)
    docs, dense = _inputs(cat_rows, "category")
    evaluation = evaluate_category(cat_rows, docs, dense)
    # LEVEL_MISMATCH judges table rows only: its threshold is fitted on them alone
    on_tables = np.array([r.source_kind != "part1" for r in cat_rows])
    mismatch = mismatch_threshold(_subset(cat_rows, on_tables), evaluation.probabilities[on_tables], evaluation.classes)

    design, clf = _fit(docs, dense, np.array([r.category for r in cat_rows]), "category", evaluation.alpha)
    category = _export("category", design, clf, evaluation.temperature)
    design, clf = _fit(spec_docs, spec_dense, np.array([str(r.specificity) for r in rows]), "specificity",
                       C_SPECIFICITY)
    specificity = _export("specificity", design, clf, spec_t)
    category.flag_threshold = float(mismatch["threshold"])
    out_dir.mkdir(parents=True, exist_ok=True)
    specificity.save(out_dir / SPECIFICITY_FILE)
    category.save(out_dir / CATEGORY_FILE)

    counts = {str(k): sum(1 for r in rows if r.specificity == k) for k in (0, 1, 2)}
    card = {
        "trained_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {"labels": str(label_dir), "sha256": label_data_hash(label_dir), "rows": len(rows),
                 "submissions": sorted({r.submission for r in rows}), "sources": _sources(rows),
                 "specificity_counts": counts,
                 "category_rows": len(cat_rows),
                 "category_counts": {c: sum(1 for r in cat_rows if r.category == c) for c in CATEGORIES}},
        "libraries": _versions(),
        "evaluation": "leave-one-submission-out cross-validation (grouped by submission: each parsed seed and "
                      "each excerpt of cell-only rows is one group); temperatures fitted on the out-of-fold "
                      "logits of all rows; metrics_by_source: the same out-of-fold predictions restricted to "
                      "one source kind (grid: 绩效目标表 rows of a parsed submission, cell_only: rows built from "
                      "their cells, part1: statements in a parsed submission's Part 1 prose); the category "
                      "model uses the rows with a category label (category_rows), and its metrics are "
                      "nested: the alpha each held-out submission is scored with was chosen by the same "
                      "grouped cross-validation on the other submissions alone; its temperature is fitted "
                      "on the (not nested) out-of-fold logits at the alpha the shipped model uses",
        "models": {
            "specificity": _card_entry(SPECIFICITY_FILE, "specificity label 0/1/2; score = E[label] / 2 in 0–1",
                                       f"LogisticRegression(C={C_SPECIFICITY}, class_weight=balanced, multinomial)",
                                       SPECIFICITY_FIELDS, SPECIFICITY_DENSE, specificity, spec_metrics, spec_by_source),
            "category": {**_card_entry(CATEGORY_FILE, "the 二级 the row really belongs to (9 classes)",
                                       f"RidgeClassifier(alpha={evaluation.alpha}, class_weight=balanced)",
                                       CATEGORY_FIELDS, CATEGORY_DENSE, category, evaluation.metrics,
                                       evaluation.by_source),
                         "alpha_selection": {"grid": list(CATEGORY_ALPHAS), "macro_f1_by_alpha": evaluation.alpha_scores,
                                             "chosen": evaluation.alpha,
                                             "by": "grouped out-of-fold macro-F1 on all rows"},
                         "level_mismatch": mismatch},
        },
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    write_atomic(out_dir / CARD_FILE, (json.dumps(card, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return card
