"""The corpus index (issue 4): near-duplicate search, persistence, cross-submission TEXT_REUSE,
common formulas, boilerplate statistics and the `index build` / `audit --index` commands."""
from __future__ import annotations

import copy
import json
import random

import pytest
from rapidfuzz import fuzz
from typer.testing import CliRunner

from auditor import api
from auditor.cli import app
from auditor.config import Config
from auditor.corpus import CorpusIndex, IndexFormatError, IndexOptions, NearDuplicates, extract_units, near_duplicate_pairs
from auditor.corpus.index import Formulas
from auditor.corpus.index import FORMAT_VERSION
from auditor.corpus.stats import boilerplate
from auditor.engine import Engine
from auditor.ingest import read_submission
from auditor.textsim import comparable

from .conftest import CORPUS, seed_path

COPIED = "工资发放后，我单位凤还巢大学生村干部办公效率提高的比率"  # 001 表1 第6行 (and 表2 第6行)
SHORT = ["满意度", "满意率", "满意度。", "群众满意度", "群众满意率", "完成率", "完成率%", "及时率", "100%",
         "≥90%", "≥95%", "12月底前", "12月底", "问卷调查", "调查问卷", "计划标准", "历史标准", "行业标准",
         "", "。", "a", "ab", "abc", "abd", "满意度调查", "满意度调查表"]


def _brute(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    keys = [comparable(t) for t in texts]
    return {(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys))
            if fuzz.ratio(keys[i], keys[j]) >= threshold * 100}


def _perturb(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        at = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.4 and chars:
            chars[min(at, len(chars) - 1)] = rng.choice("的和及村镇人")
        elif op < 0.7:
            chars.insert(at, rng.choice("的和及村镇人"))
        elif chars:
            del chars[min(at, len(chars) - 1)]
    return "".join(chars)


@pytest.fixture(scope="module")
def seed_texts(seeds) -> list[str]:
    """A few hundred texts derived from the seeds: real cells, perturbed copies, short cells."""
    rng = random.Random(20240607)
    real = [u.text for s in seeds.values() for u in extract_units(s)]
    texts = rng.sample(real, 200) + [_perturb(rng.choice(real), rng) for _ in range(200)]
    texts += SHORT + [_perturb(rng.choice(SHORT), rng) for _ in range(40)]
    rng.shuffle(texts)
    return texts


@pytest.mark.parametrize("threshold", [0.9, 0.8])
def test_near_duplicate_pairs_equal_brute_force(seed_texts, threshold):
    assert near_duplicate_pairs(seed_texts, threshold) == _brute(seed_texts, threshold)


def test_near_duplicate_pairs_short_cells_are_exact():
    texts = SHORT + [t + "率" for t in SHORT] + [t[1:] for t in SHORT] + ["x" + t for t in SHORT]
    for threshold in (0.95, 0.9, 0.85, 0.75):
        assert near_duplicate_pairs(texts, threshold) == _brute(texts, threshold), threshold


def test_near_duplicate_pairs_is_deterministic_and_pure(seed_texts):
    before = list(seed_texts)
    assert near_duplicate_pairs(seed_texts) == near_duplicate_pairs(seed_texts)
    assert seed_texts == before
    assert all(i < j for i, j in near_duplicate_pairs(seed_texts))


def test_signatures_and_band_shape_are_datasketchs(seed_texts):
    """The index's vectorised MinHash is datasketch's (affine32, crc32, the index's seed), and its
    bands are the (b, r) MinHashLSH picks for the threshold — so the LSH stage is datasketch's
    MinHash-LSH, stored as sorted arrays instead of dicts of bytes."""
    import zlib

    from datasketch import MinHash, MinHashLSH

    import numpy as np

    from auditor.corpus.index import KNOWN_BAND_SHAPES, LSH_WEIGHTS, Sketch, lsh_threshold
    from auditor.corpus.units import shingles

    options = IndexOptions()
    sketch = Sketch.for_options(options)
    sets = [[g.encode("utf-8") for g in shingles(comparable(t))] for t in seed_texts[:150]]
    expected = MinHash.bulk(sets, num_perm=options.num_perm, seed=options.seed, hashfunc=zlib.crc32)
    assert all((mine == theirs.hashvalues).all() for mine, theirs in zip(sketch.signatures(sets), expected))
    lsh = MinHashLSH(threshold=lsh_threshold(options), num_perm=options.num_perm, weights=(0.2, 0.8))
    assert (sketch.bands, sketch.rows) == (lsh.b, lsh.r)
    for (threshold, num_perm), shape in KNOWN_BAND_SHAPES.items():
        known = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
        assert shape == (known.b, known.r)
    for seed, num_perm in ((1, 128), (7, 64)):
        theirs = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        mine = Sketch.for_options(IndexOptions(seed=seed, num_perm=num_perm))
        assert (mine.a == theirs[0]).all() and (mine.b == theirs[1]).all() and mine.a.dtype == np.uint32
    # the same candidates as datasketch's own tables
    mine = NearDuplicates(options)
    long_texts = [k for k in dict.fromkeys(comparable(t) for t in seed_texts) if len(k) >= options.short_len]
    rows = mine._band_rows(long_texts)
    hashes = MinHash.bulk([[g.encode("utf-8") for g in shingles(k)] for k in long_texts],
                          num_perm=options.num_perm, seed=options.seed, hashfunc=zlib.crc32)
    for kid, (row, minhash) in enumerate(zip(rows, hashes)):
        found = mine.tables.candidates(row).tolist()
        assert len(found) == len(set(found)), kid  # each candidate once, merged and pending joined
        assert set(found) == set(lsh.query(minhash)), kid
        mine.tables.insert(kid, row)
        lsh.insert(kid, minhash)
        if kid % 50 == 0:
            mine.tables.merge()  # sorted part and pending dicts answer alike


def test_merging_band_tables_midway_changes_nothing(seed_texts, monkeypatch):
    import auditor.corpus.index as index_module

    expected = near_duplicate_pairs(seed_texts)
    monkeypatch.setattr(index_module, "MERGE_AT", 7)
    assert near_duplicate_pairs(seed_texts) == expected


# ---------------------------------------------------------------- index: build, save, load


@pytest.fixture(scope="module")
def county(seeds) -> CorpusIndex:
    return CorpusIndex.build(seeds.values())


def test_units_cover_every_kind_with_verbatim_evidence(seeds):
    units = extract_units(seeds["001"])
    kinds = {u.kind for u in units}
    assert {"goal", "description", "value_basis", "fund_use", "narrative"} <= kinds
    row = next(u for u in units if u.table == 1 and u.row == 6 and u.kind == "description")
    assert row.text == COPIED and row.field == "description"
    vb = next(u for u in units if u.table == 1 and u.row == 6 and u.kind == "value_basis")
    assert vb.text == "≥50%｜根据县委、县政府工作安排" and vb.evidence == "根据县委、县政府工作安排"


def test_save_load_round_trip(county, seeds, tmp_path):
    for target in (tmp_path / "county.idx", tmp_path):  # a file, or a folder
        written = county.save(target)
        assert written.is_file()
        loaded = CorpusIndex.load(target)
        assert list(loaded.units) == list(county.units) and len(loaded.units) == len(county.units)
        assert list(loaded.near.keys) == list(county.near.keys)
        assert loaded.near.neighbours.as_dict() == county.near.neighbours.as_dict()
        assert loaded.options == county.options
        for submission in seeds.values():
            got = [(c.unit, [(o, s) for o, s, _ in c.others], c.common) for c in loaded.query(submission)]
            want = [(c.unit, [(o, s) for o, s, _ in c.others], c.common) for c in county.query(submission)]
            assert got == want
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically


def test_a_saved_index_is_queried_without_datasketch(county, tmp_path):
    """`audit FILE --index` start-up: loading and querying (new keys included) needs neither
    datasketch nor scipy, which datasketch imports (a quarter of a second); nor does building
    an index with the default options."""
    import subprocess
    import sys

    target = county.save(tmp_path / "county.idx")
    probe = (
        "import sys\n"
        "from auditor.corpus import CorpusIndex\n"
        "from auditor.ingest import read_submission\n"
        f"index = CorpusIndex.load({str(target)!r})\n"
        f"submission = read_submission({str(seed_path('003'))!r})\n"
        "submission.tables[0].goals.append('一个从未出现过的全新目标文字用于检验近似查找')\n"
        "assert index.query(submission)\n"
        "assert len(CorpusIndex.build([submission])) > 0  # a fresh index with the default options\n"
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_load_rejects_other_files_and_versions(county, tmp_path):
    junk = tmp_path / "junk.idx"
    junk.write_bytes(b"not an index")
    with pytest.raises(IndexFormatError):
        CorpusIndex.load(junk)
    path = county.save(tmp_path / "old.idx")
    current = f"INDEX\n{FORMAT_VERSION}\n".encode()
    assert current in path.read_bytes()[:64]
    data = path.read_bytes().replace(current, b"INDEX\n0\n", 1)
    path.write_bytes(data)
    with pytest.raises(IndexFormatError, match="格式版本"):
        CorpusIndex.load(path)
    with pytest.raises(IndexFormatError):
        CorpusIndex.load(tmp_path / "missing.idx")


def test_build_is_deterministic(seeds, county):
    again = CorpusIndex.build(seeds.values())
    assert list(again.near.keys) == list(county.near.keys)
    assert again.near.neighbours.as_dict() == county.near.neighbours.as_dict()


def test_a_submission_is_not_its_own_copy(county, seeds):
    """Querying a file the index holds (even read from another path) does not match the file's
    own cells with themselves."""
    moved = copy.deepcopy(seeds["004"])
    moved.source = "elsewhere/004.txt"
    for found in county.query(moved):
        assert all(not (o.source == seeds["004"].source and o.table == found.unit.table) for o, _s, _fp in found.others)


# ---------------------------------------------------------------- TEXT_REUSE across submissions


def _modified_004(seeds):
    """004 (石门镇) with its 环保经费 row 5 description replaced by 001's 凤还巢 description."""
    submission = copy.deepcopy(seeds["004"])
    submission.source = "tmp/004_modified.txt"
    table = next(t for t in submission.tables if t.project == "环保经费")
    row = table.indicators[4]
    row.description = COPIED
    row.raw["description"] = COPIED
    return submission, table


def _reuse(submission, corpus, **options):
    engine = Engine(Config(select=["TEXT_REUSE"], options={"TEXT_REUSE": options} if options else {}), corpus=corpus)
    return [f for f in engine.audit(submission).findings if f.rule == "TEXT_REUSE.copied-text"]


def test_copy_from_an_unrelated_project_of_another_unit(seeds):
    modified, table = _modified_004(seeds)
    corpus = CorpusIndex.build([seeds["001"], seeds["002"], modified])
    found = _reuse(modified, corpus)
    assert len(found) == 1
    finding = found[0]
    assert (finding.table, finding.row, finding.field) == (table.number, 5, "description")
    assert finding.severity == "high"  # it names the other project's beneficiaries
    assert finding.category == "TEXT_REUSE" and finding.evidence == COPIED
    assert "与《巨鹿县张王疃乡 表1 “凤还巢”大学生村干部工资及保险》第6行绩效指标描述相同" in finding.message
    assert "凤还巢大学生村干部" in finding.message
    # the unmodified seeds have no such copy, and 001 is not reported for its own text
    assert _reuse(seeds["004"], CorpusIndex.build([seeds["001"], seeds["004"]])) == []
    assert all(f.source != seeds["001"].source or f.table != 1 for f in _reuse(seeds["001"], corpus))


def test_copy_found_through_a_saved_index(seeds, tmp_path):
    modified, table = _modified_004(seeds)
    CorpusIndex.build(seeds.values()).save(tmp_path / "county.idx")
    corpus = CorpusIndex.load(tmp_path / "county.idx")
    corpus.add(modified)
    found = _reuse(modified, corpus)
    assert [(f.table, f.row) for f in found] == [(table.number, 5)]


def test_no_finding_without_a_corpus(seeds):
    modified, _table = _modified_004(seeds)
    assert _reuse(modified, None) == []


def test_common_formulas_are_not_reuse(seeds):
    formulas = Formulas.load()
    assert formulas.covers("满意和较满意的人数占调查人数的比率", 4)
    assert formulas.covers("（1）满意和较满意的人数占调查总人数的比例。", 4)
    assert formulas.covers("依据财预〔2021〕101号", 4)
    assert not formulas.covers(COPIED, 4)
    # a copied formula with the other project's beneficiaries around it would be reuse, but the
    # listed formula alone is not
    modified, table = _modified_004(seeds)
    formula = "满意和较满意的人数占调查人数的比率"
    modified.tables[0].indicators[0].description = formula
    modified.tables[0].indicators[0].raw["description"] = formula
    other = copy.deepcopy(seeds["001"])
    other.tables[0].indicators[6].description = formula
    other.tables[0].indicators[6].raw["description"] = formula
    corpus = CorpusIndex.build([other, modified])
    copies = {(c.unit.table, c.unit.row, c.unit.kind): c for c in corpus.query(modified)}
    assert copies[(modified.tables[0].number, 1, "description")].common
    # learned from frequency: wording more than formula_min_units units use
    found = _reuse(modified, CorpusIndex.build([seeds["001"], modified], formula_min_units=1))
    assert found == []
    assert _reuse(modified, CorpusIndex.build([seeds["001"], modified], formula_min_units=2))


def test_copy_between_related_projects_is_not_reported(seeds):
    """The same kind of project in two units (001 凤还巢 → a 凤还巢 table elsewhere) may share text."""
    modified = copy.deepcopy(seeds["004"])
    modified.source = "tmp/004_fhc.txt"
    table = next(t for t in modified.tables if t.project == "环保经费")
    table.project = table.title = "“凤还巢”大学生村干部工资"
    table.fund_use = "用于发放凤还巢大学生村干部工资"
    table.indicators[4].description = COPIED
    assert _reuse(modified, CorpusIndex.build([seeds["001"], modified])) == []


# ---------------------------------------------------------------- boilerplate statistics


def test_boilerplate_statistics(county, seeds):
    stats = boilerplate(county)
    texts, units = stats["shared_texts"], stats["units"]
    assert texts and units
    assert [t["units"] for t in texts] == sorted((t["units"] for t in texts), reverse=True)
    top = texts[0]
    assert {"text", "projects", "units", "places", "places_total", "common_formula"} <= set(top)
    assert top["places"] and {"source", "unit_name", "table", "row", "field", "text"} <= set(top["places"][0])
    assert {u["source"] for u in units} == {s.source for s in seeds.values()}
    for unit in units:
        assert 0 <= unit["copied_cells"] <= unit["cells"]
        assert unit["share"] == round(unit["copied_cells"] / unit["cells"], 3)
    only = boilerplate(county, [seeds["003"]])
    assert [u["source"] for u in only["units"]] == [seeds["003"].source]
    assert all(any(p["source"] == seeds["003"].source for p in t["places"]) or t["places_total"] > len(t["places"])
               for t in only["shared_texts"])
    # one submission's statistics walk only its own clusters, with the same result as the whole
    assert only["units"] == [u for u in units if u["source"] == seeds["003"].source]
    assert all(t in texts or t["units"] <= texts[-1]["units"] for t in only["shared_texts"])
    assert boilerplate(county, list(seeds.values())) == stats


def test_boilerplate_keeps_a_textless_submission_and_orders_places_by_path(seeds):
    """A file read without any text (a scanned PDF) still has its row, at 0 cells; places of
    two submissions that share a path sort by table, whichever was indexed first."""
    from auditor.schema import Submission

    empty = Submission(source="scan-only.pdf", unit_name="某某乡", year=2024, warnings=["没有文字"])
    later, earlier = copy.deepcopy(seeds["003"]), copy.deepcopy(seeds["003"])
    later.unit_name, earlier.unit_name = "甲单位", "乙单位"
    for table in later.tables:
        table.number += 100
    index = CorpusIndex.build([later, earlier, empty])
    rows = {u["source"]: u for u in boilerplate(index, [later, empty])["units"]}
    assert rows["scan-only.pdf"] == {"unit_name": "某某乡", "source": "scan-only.pdf", "cells": 0, "copied_cells": 0,
                                     "share": 0.0}
    places = boilerplate(index)["shared_texts"][0]["places"]
    assert [p["table"] for p in places] == sorted(p["table"] for p in places)  # same path: table decides


# ---------------------------------------------------------------- CLI and reports

runner = CliRunner()


def test_cli_index_build_and_audit_with_index(tmp_path):
    index = tmp_path / "county.idx"
    result = runner.invoke(app, ["index", "build", str(CORPUS), "--out", str(index), "--quiet"])
    assert result.exit_code == 0, result.output
    assert index.is_file()

    text = seed_path("004").read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(text) if line.startswith("效益指标\t社会效益指标\t保障日常办公需要"))
    cells = text[at].split("\t")
    cells[3] = COPIED
    text[at] = "\t".join(cells)
    new = tmp_path / "in" / "004_modified.txt"
    new.parent.mkdir()
    new.write_text("".join(text), encoding="utf-8")
    table = next(t for t in read_submission(new).tables if t.project == "环保经费")

    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", str(new), "--index", str(index), "--out", str(out), "--quiet"])
    assert result.exit_code in (0, 3), result.output
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    copied = [f for f in document["findings"] if f["rule"] == "TEXT_REUSE.copied-text"]
    assert [(f["table"], f["row"], f["field"], f["severity"]) for f in copied] == [(table.number, 5, "description", "high")]
    assert "巨鹿县张王疃乡 表1" in copied[0]["message"]
    assert [u["source"] for u in document["boilerplate"]["units"]] == [str(new)]
    assert "复制粘贴统计" in (out / "index.html").read_text(encoding="utf-8")

    # without the index the file alone has no such copy
    alone = tmp_path / "alone"
    runner.invoke(app, ["audit", str(new), "--out", str(alone), "--quiet", "--format", "json"])
    document = json.loads((alone / "findings.json").read_text(encoding="utf-8"))
    assert not [f for f in document["findings"] if f["rule"] == "TEXT_REUSE.copied-text"]


def test_cli_rejects_a_bad_index(tmp_path):
    bad = tmp_path / "bad.idx"
    bad.write_text("nope", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(seed_path("003")), "--index", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2


def test_folder_audit_reports_boilerplate_in_every_output(tmp_path):
    batch = api.read_batch([CORPUS])
    run = api.audit_with_corpus(batch, Engine())
    files = api.render_outputs(run)
    document = json.loads(files["findings.json"])
    assert document["boilerplate"]["shared_texts"] and len(document["boilerplate"]["units"]) == 5
    assert "复制粘贴统计" in files["index.html"].decode("utf-8")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(files["整改清单.xlsx"]))["总览"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "复制粘贴统计：被复制最多的文字" in values and "复制粘贴统计：各单位复制文字占比" in values


def test_index_options_come_from_the_rule_options():
    options = api.corpus_options(Engine(Config(options={"TEXT_REUSE": {"corpus_threshold": 0.85, "formula_min_units": 9}})))
    assert options == IndexOptions(threshold=0.85, formula_min_units=9)


def test_segmenter_knows_budget_terms_and_leaves_global_jieba_alone(seed_texts):
    import jieba

    from auditor.corpus.units import segmenter, shingles

    before = jieba.dt.FREQ.get("指标值确定依据")
    assert "指标值确定依据" in segmenter().words("指标值确定依据为计划标准")
    assert jieba.dt.FREQ.get("指标值确定依据") == before
    assert "\x00服务对象满意度" in shingles("服务对象满意度调查", words=True)
    with_words = IndexOptions(word_shingles=True)
    assert near_duplicate_pairs(seed_texts, 0.9, options=with_words) == _brute(seed_texts, 0.9)
