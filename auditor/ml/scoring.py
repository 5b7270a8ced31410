"""The ml stage of the pipeline: a specificity score on every indicator of a submission, and the
category model's opinion for LEVEL_MISMATCH. Pure functions of the parsed rows and the models."""
from __future__ import annotations

from collections.abc import Sequence

from ..schema import Indicator, Submission
from .model import CategoryPrediction, LinearTextModel, predict_categories, specificity_scores


def indicators_of(submission: Submission) -> list[Indicator]:
    """Every indicator the model scores: Part 1's statements (table 0), then each table's rows."""
    return [*submission.part1.indicators, *(ind for table in submission.tables for ind in table.indicators)]


def score_submission(submission: Submission, model: LinearTextModel | None) -> list[float | None]:
    """Set `specificity` (0–1, three decimals) on every indicator and return the scores in the
    order of `indicators_of`; without a model every score is None."""
    rows = indicators_of(submission)
    if model is None:
        scores: list[float | None] = [None] * len(rows)
        apply_scores(submission, scores)  # no stale scores from an earlier run
        return scores
    scores = [round(float(s), 3) for s in specificity_scores(model, rows)]
    apply_scores(submission, scores)
    return scores


def apply_scores(submission: Submission, scores: Sequence[float | None]) -> None:
    """Copy scores computed elsewhere (a worker process) onto this copy of the submission."""
    for ind, score in zip(indicators_of(submission), scores):
        ind.specificity = score


def category_opinions(indicators: Sequence[Indicator], model: LinearTextModel | None) -> list[CategoryPrediction | None]:
    if model is None:
        return [None] * len(indicators)
    return list(predict_categories(model, indicators))
