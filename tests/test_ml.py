"""The classifiers: labels join the parsed seeds, the numpy scorer reproduces scikit-learn, the
bundled models are the ones `auditor train` makes from the bundled labels, and the scores reach
findings.json and LEVEL_MISMATCH."""
from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from auditor.cases import submission_from_case
from auditor.config import Config
from auditor.engine import Engine
from auditor.ingest import read_submission
from auditor.ml import train as training
from auditor.ml.dataset import (CATEGORIES, CSV_COLUMNS, ORIGIN_COLUMN, LabelError, join_labels, label_data_hash,
                                 read_label_csv, skeleton_rows, submission_id, write_label_csv)
from auditor.ml.features import (CATEGORY_FIELDS, SPECIFICITY_FIELDS, category_dense, row_text, specificity_dense,
                                 tagged_tokens)
from auditor.ml.model import (CARD_FILE, CATEGORY_FILE, SPECIFICITY_FILE, LinearTextModel, RowBatch, load_models,
                              specificity_scores)
from auditor.ml.scoring import indicators_of
from auditor.resources import models_dir

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "corpus" / "labels"
SEEDS = sorted((REPO / "corpus").glob("*.txt"))


@pytest.fixture(scope="module")
def seeds():
    return [read_submission(p) for p in SEEDS]


@pytest.fixture(scope="module")
def labelled(seeds):
    rows, problems = join_labels(seeds, LABELS)
    return rows, problems


def _cell_only_records(seeds) -> list[dict[str, str]]:
    """The records of the bundled label files that no seed document backs: the cell-only rows."""
    documents = {submission_id(s.source) for s in seeds}
    return [rec for path in sorted(LABELS.glob("*.csv")) for rec in read_label_csv(path)
            if ORIGIN_COLUMN in rec and rec["submission"] not in documents]


def test_every_seed_row_is_labelled_once(seeds, labelled):
    rows, problems = labelled
    assert problems == []
    total = sum(len(t.indicators) for s in seeds for t in s.tables)
    assert len([r for r in rows if r.source_kind == "grid"]) == total
    assert len([r for r in rows if r.source_kind == "part1"]) == sum(len(s.part1.indicators) for s in seeds) > 0
    assert len([r for r in rows if r.source_kind == "cell_only"]) == len(_cell_only_records(seeds))
    assert len(rows) == len({r.key for r in rows})
    assert {r.category for r in rows} - {None} <= set(CATEGORIES)
    # only a Part 1 statement that names no 二级 may leave its category open (GUIDE.md §6)
    assert all(r.source_kind == "part1" and not r.indicator.level2 for r in rows if r.category is None)
    assert {r.specificity for r in rows} == {0, 1, 2}
    assert all(r.origin for r in rows if r.source_kind == "cell_only")


def test_a_label_whose_row_text_changed_is_refused(seeds, tmp_path):
    for path in LABELS.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "000_6ab5f2bce6e16cff.csv"
    with open(target, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # 000's first two labels are Part 1 statements: they join as strictly as grid rows
    assert rows[0]["table"] == rows[1]["table"] == "0"
    rows[0]["level3"] = "别的指标"
    rows[1]["table"] = "99"
    write_label_csv(target, rows)
    joined, problems = join_labels(seeds, tmp_path)
    assert len(problems) == 2
    assert "文字已变" in problems[0] and "别的指标" in problems[0]
    assert "找不到" in problems[1] and "表99" in problems[1]
    documents = sum(len(t.indicators) for s in seeds for t in s.tables) + sum(len(s.part1.indicators) for s in seeds)
    assert len([r for r in joined if r.source_kind != "cell_only"]) == documents - 2


def _with_label_files(tmp_path: Path, change) -> Path:
    """A copy of the bundled label files with `change(record)` applied to every record."""
    for path in sorted(LABELS.glob("*.csv")):
        records = [change(rec) for rec in read_label_csv(path)]
        write_label_csv(tmp_path / path.name, records, CSV_COLUMNS + ((ORIGIN_COLUMN,) if ORIGIN_COLUMN in records[0] else ()))
    return tmp_path


def test_only_a_part1_statement_without_a_second_level_may_leave_its_category_open(seeds, tmp_path):
    def open_category(rec):
        return {**rec, "category": ""} if rec["submission"].startswith(("001_", "003_")) and rec["table"] == "0" else rec

    with pytest.raises(LabelError, match=r"003_9c312dd3bf4e2b5d\.csv 第2行：category “”"):
        join_labels(seeds, _with_label_files(tmp_path, open_category))
    (tmp_path / "003_9c312dd3bf4e2b5d.csv").unlink()
    rows, _ = join_labels(seeds, tmp_path)
    statements = [r for r in rows if r.submission.startswith("001_") and r.source_kind == "part1"]
    assert len(statements) == 46 and all(r.category is None for r in statements)
    assert all(r.category for r in rows if r.source_kind != "part1")


def test_numpy_scorer_reproduces_scikit_learn(labelled):
    """The exported arrays give scikit-learn's own scores: the logistic model's probabilities, the
    ridge's decision function (temperature 1)."""
    rows, _ = labelled
    train_rows = [r for r in rows if r.submission != "001_283747494657e68c"]
    test_rows = [r for r in rows if r.submission == "001_283747494657e68c"]
    for kind, target, strength in (("specificity", lambda r: str(r.specificity), 4.0),
                                   ("category", lambda r: r.category, 0.3)):
        if kind == "category":  # the category model learns from the rows with a category label
            train_rows = [r for r in train_rows if r.category is not None]
            test_rows = [r for r in test_rows if r.category is not None]
        docs, dense = training._inputs(train_rows, kind)
        design, clf = training._fit(docs, dense, np.array([target(r) for r in train_rows]), kind, strength)
        model = training._export(kind, design, clf, temperature=1.0)
        test_docs, test_dense = training._inputs(test_rows, kind)
        x = design.transform(test_docs, test_dense)
        assert list(model.classes) == [str(c) for c in clf.classes_]
        if kind == "specificity":
            np.testing.assert_allclose(model.probabilities([r.indicator for r in test_rows]), clf.predict_proba(x),
                                       atol=1e-9)
        else:
            np.testing.assert_allclose(model.logits([r.indicator for r in test_rows]), clf.decision_function(x),
                                       atol=1e-9)
            assert any(term.startswith("题") for term in model.vocabulary)  # the topic tokens are scored too


def test_save_and_load_round_trip(tmp_path):
    spec, _ = load_models(str(models_dir()))
    spec.save(tmp_path / "m.npz")
    again = LinearTextModel.load(tmp_path / "m.npz")
    assert again.classes == spec.classes and again.vocabulary == spec.vocabulary
    np.testing.assert_array_equal(again.coef, spec.coef)
    assert (again.temperature, again.flag_threshold) == (spec.temperature, spec.flag_threshold)


def test_a_missing_model_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="auditor train"):
        LinearTextModel.load(tmp_path / "nothing.npz")


def test_duplicate_rows_score_like_single_rows(seeds):
    spec, _ = load_models(str(models_dir()))
    rows = [i for s in seeds for t in s.tables for i in t.indicators]
    together = specificity_scores(spec, rows + rows[:50])
    alone = np.array([specificity_scores(spec, [r])[0] for r in rows[:50]])
    np.testing.assert_allclose(together[:50], alone, atol=1e-12)
    np.testing.assert_allclose(together[-50:], alone, atol=1e-12)
    assert len(RowBatch(rows + rows[:50]).unique) == len(RowBatch(rows).unique)


def test_bundled_models_come_from_the_bundled_labels(tmp_path):
    """`auditor train` on the bundled corpus and labels writes the bundled models again (same
    data hash, same arrays) and the card's cross-validated metrics; a label edit without
    retraining fails here."""
    card = json.loads((models_dir() / CARD_FILE).read_text(encoding="utf-8"))
    assert card["data"]["sha256"] == label_data_hash(LABELS), "labels changed: run `auditor train`"
    from typer.testing import CliRunner

    from auditor.cli import app

    result = CliRunner().invoke(app, ["train", str(REPO / "corpus"), "--labels", str(LABELS), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    fresh = json.loads((tmp_path / CARD_FILE).read_text(encoding="utf-8"))
    assert fresh["data"]["sources"] == card["data"]["sources"]
    for kind in ("specificity", "category"):
        assert fresh["models"][kind]["metrics"] == card["models"][kind]["metrics"]
        assert fresh["models"][kind]["metrics_by_source"] == card["models"][kind]["metrics_by_source"]
    assert fresh["models"]["category"]["level_mismatch"] == card["models"]["category"]["level_mismatch"]
    for name in (SPECIFICITY_FILE, CATEGORY_FILE):
        new, old = LinearTextModel.load(tmp_path / name), LinearTextModel.load(models_dir() / name)
        assert new.vocabulary == old.vocabulary
        np.testing.assert_allclose(new.coef, old.coef, atol=1e-8)
    metrics = fresh["models"]["specificity"]["metrics"]
    assert 0.0 <= metrics["auc_unassessable_vs_rest"] <= 1.0
    assert set(fresh["models"]["category"]["metrics"]["per_class"]) <= set(CATEGORIES)


def test_train_refuses_labels_that_do_not_match(tmp_path):
    from typer.testing import CliRunner

    from auditor.cli import app

    (tmp_path / "labels").mkdir()
    shutil.copy(LABELS / "000_6ab5f2bce6e16cff.csv", tmp_path / "labels" / "000_6ab5f2bce6e16cff.csv")
    result = CliRunner().invoke(app, ["train", str(SEEDS[1]), "--labels", str(tmp_path / "labels"),
                                      "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2
    assert "找不到" in result.output and not (tmp_path / "out" / SPECIFICITY_FILE).exists()


def test_specificity_ranks_vague_rows_below_measurable_ones():
    spec, _ = load_models(str(models_dir()))
    case = {"table": {"project": "村庄环境整治", "indicators": [
        ["产出指标", "数量指标", "整治村庄数量", "完成人居环境整治的村庄个数", "≥12个", "整治方案"],
        ["效益指标", "社会效益指标", "社会稳定", "社会稳定", "有所提高", "工作需要"],
    ]}}
    rows = submission_from_case(case).tables[0].indicators
    measurable, vague = specificity_scores(spec, rows)
    assert measurable > 0.6 > 0.4 > vague


def test_every_audited_indicator_gets_a_score(seeds):
    submission = read_submission(SEEDS[1])  # 001: table rows and Part 1 statements
    result = Engine(Config(select=["VALUE_VAGUE"])).audit(submission)
    scores = [i.specificity for i in indicators_of(submission)]
    assert len(submission.part1.indicators) == 46 and result.scores == scores
    assert all(isinstance(s, float) and 0.0 <= s <= 1.0 for s in scores)
    assert Engine(Config(select=["VALUE_VAGUE"]), models=None).audit(read_submission(SEEDS[1])).scores == [None] * len(scores)


# ------------------------------------------------------------------------------------------------
# LEVEL_MISMATCH.model
# ------------------------------------------------------------------------------------------------

OPEN_ROW = {"table": {"project": "综治维稳经费", "indicators": [
    ["效益指标", "可持续影响指标", "重点人口管控率", "实际管控人口占应列管人口的比率", "≥95%", "工作方案"],
]}}


def _mismatch(models):
    engine = Engine(Config(select=["LEVEL_MISMATCH"]), models=models)
    return [f for f in engine.audit(submission_from_case(OPEN_ROW)).findings if f.rule == "LEVEL_MISMATCH.model"]


def test_model_opinion_reports_with_its_calibrated_confidence():
    spec, cat = load_models(str(models_dir()))
    eager = dataclasses.replace(cat, flag_threshold=0.0)
    findings = _mismatch((spec, eager))
    assert len(findings) == 1
    finding = findings[0]
    confidence = float(eager.probabilities(submission_from_case(OPEN_ROW).tables[0].indicators).max())
    assert finding.confidence == round(confidence, 2)
    assert "分类模型判断" in finding.message and f"{confidence:.2f}" in finding.message
    assert "可持续影响指标" in finding.message and finding.evidence == "重点人口管控率"


def test_model_opinion_stays_below_its_threshold():
    spec, cat = load_models(str(models_dir()))
    assert _mismatch((spec, dataclasses.replace(cat, flag_threshold=1.01))) == []
    assert _mismatch(None) == []


def test_model_opinion_defers_to_the_lexicon():
    """A row the topic model already reports, or whose words back its declared 二级, gets no
    second opinion even from an eager model."""
    spec, cat = load_models(str(models_dir()))
    eager = dataclasses.replace(cat, flag_threshold=0.0)
    case = {"table": {"project": "综合服务中心建设经费", "indicators": [
        ["效益指标", "生态效益指标", "森林覆盖率", "森林面积占国土面积比例", "≥30%", "林业统计"],
        ["效益指标", "经济效益指标", "补助金发放率", "补助金发放率", "≥90%", "组织部文件"],
    ]}}
    engine = Engine(Config(select=["LEVEL_MISMATCH"]), models=(spec, eager))
    rules = [f.rule for f in engine.audit(submission_from_case(case)).findings]
    assert "LEVEL_MISMATCH.model" not in rules
    assert rules == ["LEVEL_MISMATCH.subject"]


def test_model_opinion_threshold_is_a_boundary():
    spec, cat = load_models(str(models_dir()))
    confidence = float(cat.probabilities(submission_from_case(OPEN_ROW).tables[0].indicators).max())
    assert len(_mismatch((spec, dataclasses.replace(cat, flag_threshold=confidence - 1e-6)))) == 1
    assert _mismatch((spec, dataclasses.replace(cat, flag_threshold=confidence + 1e-6))) == []


def test_a_province_rule_file_without_the_model_options_still_runs(tmp_path):
    bundled = (REPO / "rules" / "LEVEL_MISMATCH.yaml").read_text(encoding="utf-8")
    older = "\n".join(line for line in bundled.splitlines()
                      if not line.strip().startswith(("model_opinion:", "model_confidence:", "model_severity:")))
    (tmp_path / "LEVEL_MISMATCH.yaml").write_text(older, encoding="utf-8")
    spec, cat = load_models(str(models_dir()))
    engine = Engine(Config(select=["LEVEL_MISMATCH"]), rules_folder=tmp_path,
                    models=(spec, dataclasses.replace(cat, flag_threshold=0.0)))
    result = engine.audit(submission_from_case(OPEN_ROW))
    assert result.errors == []
    assert [f.severity for f in result.findings if f.rule == "LEVEL_MISMATCH.model"] == ["medium"]


def test_a_broken_model_is_reported_and_the_audit_goes_on():
    spec, cat = load_models(str(models_dir()))
    broken = dataclasses.replace(spec, coef=spec.coef[:, :5])  # wrong shape: scoring raises
    submission = read_submission(SEEDS[2])
    result = Engine(Config(select=["VALUE_VAGUE"]), models=(broken, cat)).audit(submission)
    assert len(result.errors) == 1 and "明确度评分" in result.errors[0]
    assert result.findings and all(i.specificity is None for t in submission.tables for i in t.indicators)


def test_two_class_labels_export_a_working_model(labelled):
    rows = [r for r in labelled[0] if r.specificity != 1]
    docs, dense = training._inputs(rows, "specificity")
    design, clf = training._fit(docs, dense, np.array([str(r.specificity) for r in rows]), "specificity", 4.0)
    model = training._export("specificity", design, clf, temperature=1.0)
    expected = clf.predict_proba(design.transform(docs, dense))
    np.testing.assert_allclose(model.probabilities([r.indicator for r in rows]), expected, atol=1e-9)


def test_rows_without_a_parsed_value_score_like_parsed_ones(seeds):
    spec, _ = load_models(str(models_dir()))
    rows = [i for s in seeds for t in s.tables for i in t.indicators][:80]
    bare = [dataclasses.replace(i, parsed=None) for i in rows]
    np.testing.assert_allclose(specificity_scores(spec, bare), specificity_scores(spec, rows), atol=1e-12)
    assert len(specificity_scores(spec, [])) == 0 and spec.logits([]).shape == (0, len(spec.classes))


# ------------------------------------------------------------------------------------------------
# Cell-only rows: labelled from their CSV cells, no parsed document
# ------------------------------------------------------------------------------------------------

CELL_ONLY_COLUMNS = (*CSV_COLUMNS, ORIGIN_COLUMN)


def _write_labels(path: Path, records: list[dict[str, str]]) -> None:
    write_label_csv(path, records, CELL_ONLY_COLUMNS)


def test_a_cell_only_row_is_built_like_the_parsed_row(seeds, tmp_path):
    """Every seed row written as a cell-only row (another submission name, an origin) gives the
    parsed row's cells, parsed value and features; with its own submission name and an origin it
    still joins the parsed document strictly."""
    def grid_rows(sub):  # a cell-only row is a grid row (table ≥ 1); Part 1 statements are table 0
        return [rec for rec in skeleton_rows(sub) if rec["table"] != "0"]

    records = []
    for sub in seeds:
        for rec in grid_rows(sub):
            records.append({**rec, "submission": f"copy_{rec['submission']}", "specificity": "1",
                            "category": CATEGORIES[0], ORIGIN_COLUMN: "https://example.org/copy"})
    joined_rec = {**grid_rows(seeds[0])[0], "specificity": "2", "category": CATEGORIES[0], ORIGIN_COLUMN: "x"}
    changed_rec = {**grid_rows(seeds[0])[1], "value": "别的值", "specificity": "2", "category": CATEGORIES[0],
                   ORIGIN_COLUMN: "x"}
    _write_labels(tmp_path / "copies.csv", records + [joined_rec, changed_rec])
    rows, problems = join_labels(seeds, tmp_path)
    assert len(problems) == 1 and "文字已变" in problems[0] and "别的值" in problems[0]
    assert [r.key for r in rows if r.source_kind == "grid"] == [(joined_rec["submission"], 1, 1)]
    parsed = {(submission_id(s.source), t.number, i.row): (t, i) for s in seeds for t in s.tables for i in t.indicators}
    copies = [r for r in rows if r.source_kind == "cell_only"]
    assert len(copies) == len(records) == len(parsed)
    for row in copies:
        table, ind = parsed[(row.submission.removeprefix("copy_"), row.table, row.indicator.row)]
        got = row.indicator
        assert (row.project, row.origin) == (table.project, "https://example.org/copy")
        for name in ("row", "level1", "level2", "level3", "description", "value", "basis", "parsed"):
            assert getattr(got, name) == getattr(ind, name), (row.key, name)
        assert specificity_dense(got) == specificity_dense(ind)
        assert category_dense(got) == category_dense(ind)
        for fields in (SPECIFICITY_FIELDS, CATEGORY_FIELDS):
            assert tagged_tokens(row_text(got), fields) == tagged_tokens(row_text(ind), fields)


def _good_cell_only_rows() -> list[dict[str, str]]:
    base = {"submission": "other_region_excerpt", "table": "1", "project": "村级运转经费", "level1": "产出指标",
            "description": "", "basis": "", "note": "", ORIGIN_COLUMN: "https://example.org/excerpt"}
    return [
        {**base, "row": "1", "level2": "数量指标", "level3": "补助村数量", "value": "=8个", "specificity": "2",
         "category": "数量指标"},
        {**base, "row": "2", "level2": "时效指标", "level3": "经费到位及时性", "value": "及时", "specificity": "0",
         "category": "时效指标"},
        {**base, "row": "3", "level2": "成本指标", "level3": "项目总成本", "value": "≤202.6万元", "specificity": "2",
         "category": "成本指标"},
    ]


def test_good_cell_only_rows_are_used(seeds, tmp_path):
    _write_labels(tmp_path / "excerpts.csv", _good_cell_only_rows())
    rows, problems = join_labels(seeds, tmp_path)
    assert problems == [] and [r.key for r in rows] == [("other_region_excerpt", 1, n) for n in (1, 2, 3)]
    assert rows[2].indicator.parsed.kind == "money" and rows[2].indicator.parsed.comparator == "≤"


@pytest.mark.parametrize("line, change, message", [
    (3, {ORIGIN_COLUMN: " "}, "origin"),
    (4, {"category": "效益指标"}, "不是九个二级指标之一"),
    (2, {"specificity": "3"}, "specificity"),
    (4, {"row": "1"}, "重复"),
    (3, {"level3": "  "}, "三级指标"),
    (2, {"table": "一"}, "整数"),
])
def test_a_bad_cell_only_row_names_file_and_line(seeds, tmp_path, line, change, message):
    records = _good_cell_only_rows()
    records[line - 2].update(change)
    _write_labels(tmp_path / "excerpts.csv", records)
    with pytest.raises(LabelError, match=f"excerpts.csv 第{line}行：.*{message}"):
        join_labels(seeds, tmp_path)


def test_grouped_cv_holds_out_each_excerpt_alone(labelled):
    """One fold per submission: every excerpt of cell-only rows is its own group, like a seed; the
    out-of-fold scores of an excerpt come from a model fitted without any of its rows."""
    rows, _ = labelled
    excerpts = sorted({r.submission for r in rows if r.source_kind == "cell_only"})
    assert len(excerpts) >= 2
    folds = training.grouped_folds(rows)
    assert len(folds) == len({r.submission for r in rows})
    for train, test in folds:
        (held_out,) = {rows[i].submission for i in test}
        assert sorted(test) == [i for i, r in enumerate(rows) if r.submission == held_out]
        assert held_out not in {rows[i].submission for i in train}

    subset = [r for r in rows if r.source_kind == "cell_only"]
    y = np.array([str(r.specificity) for r in subset])
    docs, dense = training._inputs(subset, "specificity")
    logits, classes = training._out_of_fold(subset, docs, dense, "specificity", y, training.C_SPECIFICITY)
    mask = np.array([r.submission == excerpts[0] for r in subset])
    design, clf = training._fit([d for d, m in zip(docs, mask) if not m], dense[~mask], y[~mask],
                                "specificity", training.C_SPECIFICITY)
    expected = clf.decision_function(design.transform([d for d, m in zip(docs, mask) if m], dense[mask]))
    np.testing.assert_allclose(logits[mask][:, [classes.index(c) for c in clf.classes_]], expected, atol=1e-9)


def test_category_text_features_carry_the_topics_of_name_and_description():
    """大气污染 and 村容村貌 share no character; the topic lexicon puts both under ecological, and
    the category model reads that as a token. The specificity model does not."""
    from auditor.schema import Indicator

    for name in ("大气污染指数", "村容村貌"):
        tokens = tagged_tokens(row_text(Indicator(1, "", "", name, "", "下降", "")), CATEGORY_FIELDS)
        assert "题名|ecological" in tokens and not any(t.startswith("题述|") for t in tokens)
    both = Indicator(1, "", "", "补助人群生活改善情况", "补助资金发放后与发放前相比增收的比例", "≥20%", "")
    assert "题述|economic" in tagged_tokens(row_text(both), CATEGORY_FIELDS)
    assert not any(t.startswith("题") for t in tagged_tokens(row_text(both), SPECIFICITY_FIELDS))


def _naive_nested(docs, dense, y, groups):
    """Nested leave-one-submission-out written out plainly, refitting every fold: the reference
    the cached CategoryFolds must reproduce."""
    from sklearn.metrics import f1_score

    classes = sorted(set(y.tolist()))

    def logits(train, test, alpha):
        design, clf = training._fit([docs[i] for i in train], dense[train], y[train], "category", alpha)
        z = clf.decision_function(design.transform([docs[i] for i in test], dense[test]))
        full = np.full((len(test), len(classes)), -1e9)
        for j, cls in enumerate(clf.classes_):
            full[:, classes.index(cls)] = z[:, j]
        return full

    out, chosen = np.zeros((len(y), len(classes))), {}
    for held_out in sorted(set(groups.tolist())):
        others = np.flatnonzero(groups != held_out)
        scores = {}
        for alpha in training.CATEGORY_ALPHAS:
            predicted = np.empty(len(y), dtype=object)
            for inner in sorted(set(groups[others].tolist())):
                test = np.flatnonzero(groups == inner)
                train = np.flatnonzero((groups != inner) & (groups != held_out))
                predicted[test] = np.array(classes)[logits(train, test, alpha).argmax(axis=1)]
            scores[alpha] = f1_score(y[others], predicted[others], labels=sorted(set(y[others].tolist())),
                                     average="macro")
        chosen[held_out] = max(sorted(training.CATEGORY_ALPHAS, reverse=True), key=lambda a: scores[a])
        out[groups == held_out] = logits(others, np.flatnonzero(groups == held_out), chosen[held_out])
    return out, chosen


def test_nested_cross_validation_never_lets_a_submission_choose_its_own_alpha(labelled):
    """CategoryFolds (each training set fitted once) gives exactly what nested leave-one-submission-
    out written out plainly gives: for every held-out submission, alpha chosen by cross-validation
    over the other submissions alone, then a fit on those."""
    rows = [r for r in labelled[0] if r.source_kind == "cell_only"]
    docs, dense = training._inputs(rows, "category")
    y = np.array([r.category for r in rows])
    groups = np.array([r.submission for r in rows])
    folds = training.CategoryFolds(docs, dense, y, groups)
    logits, chosen = folds.nested()
    expected_logits, expected_chosen = _naive_nested(docs, dense, y, groups)
    assert chosen == expected_chosen and len(set(chosen.values())) > 1  # the choice does vary
    np.testing.assert_allclose(logits, expected_logits, atol=1e-9)
    # every training set fitted once: the 8 single submissions and the 28 pairs
    assert len(folds._fits) == 8 + 28


def test_alpha_ties_go_to_the_stronger_regularisation(monkeypatch):
    folds = training.CategoryFolds([[]] * 3, np.zeros((3, 1)), np.array(["a", "b", "a"]), np.array(["1", "2", "3"]))
    same = {alpha: np.eye(2)[[0, 1, 1]] for alpha in training.CATEGORY_ALPHAS}
    monkeypatch.setattr(folds, "out_of_fold", lambda excluded=frozenset(): (np.ones(3, dtype=bool), same))
    alpha, scores = folds.select()
    assert alpha == max(training.CATEGORY_ALPHAS) and len(set(scores.values())) == 1


def test_two_submissions_are_enough_to_train(seeds, tmp_path):
    """With two submissions the nested selection has one submission to choose alpha on: it takes
    the middle of the grid instead of failing."""
    from typer.testing import CliRunner

    from auditor.cli import app

    corpus = tmp_path / "corpus"
    (corpus / "labels").mkdir(parents=True)
    for prefix in ("000_", "003_"):
        seed = next(p for p in SEEDS if p.name.startswith(prefix))
        shutil.copy(seed, corpus / seed.name)
        shutil.copy(LABELS / f"{seed.stem}.csv", corpus / "labels" / f"{seed.stem}.csv")
    result = CliRunner().invoke(app, ["train", str(corpus), "--labels", str(corpus / "labels"), "--out",
                                      str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    card = json.loads((tmp_path / "out" / CARD_FILE).read_text(encoding="utf-8"))["models"]["category"]
    middle = training.CATEGORY_ALPHAS[len(training.CATEGORY_ALPHAS) // 2]
    assert set(card["metrics"]["alpha_by_held_out_submission"].values()) == {middle}
    assert card["alpha_selection"]["chosen"] in training.CATEGORY_ALPHAS


def test_two_class_category_model_exports_a_working_ridge(labelled):
    rows = [r for r in labelled[0] if r.category in ("数量指标", "质量指标")]
    docs, dense = training._inputs(rows, "category")
    y = np.array([r.category for r in rows])
    design, clf = training._fit(docs, dense, y, "category", 0.3)
    model = training._export("category", design, clf, temperature=1.0)
    z = clf.decision_function(design.transform(docs, dense))
    np.testing.assert_allclose(model.logits([r.indicator for r in rows]), np.column_stack([-z, z]) / 2, atol=1e-9)


def test_temperature_reaches_the_scale_of_ridge_scores():
    """Ridge scores live on a ±1 scale, so their temperature is far below 1: shrinking the logits
    tenfold must shrink the fitted temperature tenfold."""
    rng = np.random.default_rng(7)
    logits = rng.normal(scale=3.0, size=(2000, 4))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_index = np.array([rng.choice(4, p=row) for row in p])
    t = training.fit_temperature(logits, y_index)
    assert 0.9 < t < 1.1
    assert abs(training.fit_temperature(logits / 10, y_index) - t / 10) < 0.005
    # the fit is not held to grid points: the negative log-likelihood is at a minimum there
    nll = [training._temperature_nll(logits, y_index, np.log(t) + step) for step in (-0.01, 0.0, 0.01)]
    assert nll[1] <= min(nll[0], nll[2])
    assert not training.temperature_at_limit(t)


def test_a_temperature_stopped_at_its_limit_is_reported_not_passed_off_as_calibrated():
    """Scores that separate every row push T towards 0 without end: the fit stops at its limit and
    the card says the probabilities are not calibrated."""
    y_index = np.arange(300) % 3
    logits = np.eye(3)[y_index] * 2.0  # the true class always on top
    t = training.fit_temperature(logits, y_index)
    assert t == pytest.approx(training.TEMPERATURE_LIMITS[0], rel=0.02)
    assert training.temperature_at_limit(t)
    assert "temperature_note" in training._temperature_entry(t)
    assert "temperature_note" not in training._temperature_entry(0.27)
    # an optimum just inside the limit is found, not reported as the limit
    rng = np.random.default_rng(7)
    logits = rng.normal(scale=3.0, size=(2000, 4))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_index = np.array([rng.choice(4, p=row) for row in p])
    scale = 1.03e-3 / training.fit_temperature(logits, y_index)  # T scales with the logits
    near = training.fit_temperature(logits * scale, y_index)  # the optimum is near T = 1.03e-3
    assert 1.0e-3 < near < 1.07e-3 and not training.temperature_at_limit(near)


def test_the_spacy_comparison_trains_offline_on_the_labelled_rows(labelled):
    """benchmarks/textcat_comparison.py: a blank Chinese pipeline with a textcat trained here from
    the labels (nothing downloaded) learns the rows it was given and names a category for any row."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("textcat_comparison", REPO / "benchmarks" / "textcat_comparison.py")
    comparison = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(comparison)
    rows = [r for r in labelled[0] if r.source_kind == "cell_only"]
    nlp = comparison.fit(rows, "bow", "char", epochs=10)
    predicted = [max(doc.cats, key=doc.cats.get) for doc in nlp.pipe(comparison.row_text(r) for r in rows)]
    assert set(predicted) <= set(CATEGORIES)
    assert np.mean([p == r.category for p, r in zip(predicted, rows)]) > 0.8
