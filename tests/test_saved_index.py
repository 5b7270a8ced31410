"""A saved index (memory-mapped arrays and per-cluster summaries) answers exactly as the index
built in memory: the same copies, the same common formulas, the same boilerplate statistics,
whatever the run adds to it after loading — a new submission, one the index already holds, one
that bridges two saved clusters or pushes a shared text over the common-formula limit."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from auditor.corpus import CorpusIndex, normalise
from auditor.corpus.index import Formulas
from auditor.corpus.stats import boilerplate
from auditor.corpus.store import HashedLookup, IdLists, IntColumn, RecordMap, StringColumn, StringPool
from auditor.ingest import read_submission

from .conftest import generator


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Forty generated submissions (recombined seed rows across invented units: clusters many
    projects and units share), parsed."""
    out = tmp_path_factory.mktemp("generated")
    generator().generate(40, out, seed=11)
    return [read_submission(p) for p in sorted(out.iterdir())]


def _saved(submissions, tmp_path, name="saved.idx") -> CorpusIndex:
    return CorpusIndex.load(CorpusIndex.build(submissions).save(tmp_path / name))


def _same_as_in_memory(saved_part, added, tmp_path, asked=None):
    """Load an index of `saved_part`, add `added`; every figure equals the index built in memory
    from both, and the loaded index's own walk of its clusters agrees too."""
    loaded = _saved(saved_part, tmp_path)
    assert loaded.summaries is not None
    loaded.add_all(added)
    memory = CorpusIndex.build([*saved_part, *added])
    asked = added if asked is None else asked
    fast = boilerplate(loaded, asked)
    assert fast == boilerplate(memory, asked)
    summaries, loaded.summaries = loaded.summaries, None  # the walk, on the same loaded index
    assert fast == boilerplate(loaded, asked)
    loaded.summaries = summaries
    for submission in asked:
        got = [(c.unit, [(o, s) for o, s, _ in c.others], c.common) for c in loaded.query(submission)]
        want = [(c.unit, [(o, s) for o, s, _ in c.others], c.common) for c in memory.query(submission)]
        assert got == want
    return fast


def test_one_new_submission_against_a_saved_index(generated, tmp_path):
    stats = _same_as_in_memory(generated[:36], generated[36:37], tmp_path)
    assert stats["shared_texts"] and stats["units"][0]["copied_cells"] > 0


def test_several_new_submissions_and_the_seeds(generated, seeds, tmp_path):
    _same_as_in_memory(generated[:30], [*generated[30:], *seeds.values()], tmp_path)


def test_a_submission_the_index_already_holds(generated, tmp_path):
    """Re-auditing a file that is in the index: nothing is added, its own rows come from the
    saved summaries alone."""
    stats = _same_as_in_memory(generated[:36], generated[5:6], tmp_path)
    assert stats["units"][0]["source"] == generated[5].source


def test_no_max_places_beyond_what_was_saved_and_other_lengths_walk(generated, tmp_path):
    loaded = _saved(generated[:20], tmp_path)
    memory = CorpusIndex.build(generated[:20])
    for options in ({"max_places": 80}, {"min_chars": 4}, {"top": 3, "max_places": 2}):
        assert boilerplate(loaded, generated[:2], **options) == boilerplate(memory, generated[:2], **options)


def _with_goal(submission, unit_name: str, goal: str, source: str):
    made = copy.deepcopy(submission)
    made.unit_name, made.source = unit_name, source
    made.tables = made.tables[:1]
    made.tables[0].goals = [goal]
    made.tables[0].indicators = made.tables[0].indicators[:1]
    made.part1.paragraphs = []
    return made


BASE = "全面完成辖区内农村人居环境整治提升任务并建立长效管护机制"


def _variant(text: str, at: int, char: str) -> str:
    return text[:at] + char + text[at + 1:]


def test_a_new_text_bridging_two_saved_clusters(seeds, tmp_path):
    """Text A and text B are not near copies of each other, so they are two saved clusters; a
    new cell near both merges them — projects, units, wordings and places are counted once."""
    a = BASE
    b = _variant(_variant(_variant(BASE, 3, "甲"), 9, "乙"), 15, "丙")
    bridge = _variant(BASE, 9, "乙")
    template = seeds["003"]
    saved_part = [_with_goal(template, f"第{i}单位", text, f"s{i}.txt") for i, text in enumerate([a, a, b, b])]
    memory = CorpusIndex.build(saved_part)
    ka, kb = memory.near.ids.get(normalise(a)), memory.near.ids.get(normalise(b))
    assert ka is not None and kb is not None and kb not in memory.near.neighbours.get(ka, ())
    added = [_with_goal(template, "桥接单位", bridge, "bridge.txt")]
    stats = _same_as_in_memory(saved_part, added, tmp_path)
    merged = [t for t in stats["shared_texts"] if t["places_total"] >= 5]
    assert merged and merged[0]["units"] == 5


def test_a_new_unit_makes_a_shared_text_a_common_formula(seeds, tmp_path):
    """Five units share a text (not yet a common formula: more than formula_min_units = 5 make
    one); a sixth unit's copy makes it one, and its cells stop counting as copied."""
    template = seeds["003"]
    saved_part = [_with_goal(template, f"第{i}单位", BASE, f"s{i}.txt") for i in range(5)]
    before = boilerplate(CorpusIndex.build(saved_part), saved_part[:1])
    assert not before["shared_texts"][0]["common_formula"]
    stats = _same_as_in_memory(saved_part, [_with_goal(template, "第六单位", BASE, "six.txt")], tmp_path)
    shared = next(t for t in stats["shared_texts"] if t["text"] == BASE)
    assert shared["common_formula"] and shared["units"] == 6


def test_a_changed_formula_list_recounts(generated, tmp_path, monkeypatch):
    """Flags saved with an index are stale once rules/lexicons/common_formulas.yaml changes: the
    loaded index then counts again, and still answers as the index built in memory."""
    path = CorpusIndex.build(generated[:20]).save(tmp_path / "saved.idx")
    original = Formulas.load()
    changed = Formulas((*original.texts, "全面完成辖区内"), original.patterns)
    monkeypatch.setattr(Formulas, "load", classmethod(lambda cls: changed))
    loaded = CorpusIndex.load(path)
    assert loaded.summaries is None and loaded.saved_common is None
    loaded.add_all(generated[20:22])
    assert boilerplate(loaded, generated[20:22]) == boilerplate(CorpusIndex.build(generated[:22]), generated[20:22])


def test_the_mapped_arrays_are_read_only(generated, tmp_path):
    """The tool never writes to its inputs: a loaded index's arrays cannot be written."""
    loaded = _saved(generated[:5], tmp_path)
    with pytest.raises(ValueError):
        loaded.near.neighbours.values[:1] = 0
    with pytest.raises(ValueError):
        loaded.units.owner.base[:1] = 0


def test_truncated_index_file_is_reported(generated, tmp_path):
    from auditor.corpus import IndexFormatError

    path = CorpusIndex.build(generated[:5]).save(tmp_path / "saved.idx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexFormatError, match="已损坏"):
        CorpusIndex.load(path)


# ---------------------------------------------------------------- the containers


def test_columns_with_a_frozen_base_and_additions():
    column = IntColumn("i", np.array([5, 6], dtype=np.int32))
    column.append(7)
    assert [column[i] for i in range(len(column))] == [5, 6, 7] and column.numpy().tolist() == [5, 6, 7]
    pool = StringPool.of(["甲", "", "乙丙"])
    strings = StringColumn(pool, np.array([2, -1, 0, 2], dtype=np.int32), 4)
    strings.append("丁")
    assert list(strings) == ["乙丙", None, "甲", "乙丙", "丁"]
    lists = IdLists(np.array([0, 2, 2, 3]), np.array([4, 5, 6], dtype=np.int32))
    lists.add(1, 9)
    lists.add(0, 8)
    lists.add(5, 1)
    assert lists.get(0) == [4, 5, 8] and list(lists.get(1)) == [9] and lists.get(3) == () and list(lists.get(5)) == [1]
    assert lists.as_dict() == {0: [4, 5, 8], 1: [9], 2: [6], 5: [1]}
    offsets, values = lists.csr(6)
    assert offsets.tolist() == [0, 3, 4, 5, 5, 5, 6] and values.tolist() == [4, 5, 8, 9, 6, 1]
    # a block of links stored in one go: the same lists as one add each, in the same order
    pairs = [(5, 2), (0, 7), (5, 0), (1, 3), (0, 1), (5, 4), (7, 7)]
    one_by_one = IdLists(np.array([0, 2, 2, 3]), np.array([4, 5, 6], dtype=np.int32))
    grouped = IdLists(np.array([0, 2, 2, 3]), np.array([4, 5, 6], dtype=np.int32))
    for key, value in pairs:
        one_by_one.add(key, value)
    grouped.extend(np.array([k for k, _v in pairs]), np.array([v for _k, v in pairs]))
    grouped.extend(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
    assert grouped.as_dict() == one_by_one.as_dict() == {0: [4, 5, 7, 1], 1: [3], 2: [6], 5: [2, 0, 4], 7: [7]}
    keys = StringColumn(StringPool.of(["ab", "cd"]), None, 2)
    lookup = HashedLookup(keys, *HashedLookup.frozen_parts(["ab", "cd"]))
    lookup["ef"] = 2
    assert lookup.get("cd") == 1 and lookup["ef"] == 2 and lookup.get("zz") is None and "ab" in lookup
    records = RecordMap(*RecordMap.frozen_parts([(("x", 1), "one"), (("y", 2), "two")]))
    records[("z", 3)] = "three"
    assert records[("y", 2)] == "two" and records.get(("x", 2)) is None
    assert records == {("x", 1): "one", ("y", 2): "two", ("z", 3): "three"}


@pytest.mark.parametrize("added_copies", [1, 2])
def test_added_places_can_change_a_clusters_wording(seeds, tmp_path, added_copies):
    """The most frequent wording of a shared text, counted over saved and added places: two
    added copies of the rarer wording overtake the saved one; one only ties it, and then the
    wording seen first stays."""
    template = seeds["003"]
    rare = _variant(BASE, 9, "乙")
    saved_part = [_with_goal(template, f"第{i}单位", text, f"s{i}.txt") for i, text in enumerate([BASE, BASE, rare])]
    added = [_with_goal(template, f"新{i}单位", rare, f"n{i}.txt") for i in range(added_copies)]
    stats = _same_as_in_memory(saved_part, added, tmp_path, asked=added[:1])
    shared = next(t for t in stats["shared_texts"] if t["text"] in (BASE, rare))
    assert shared["places_total"] == 3 + added_copies
    assert shared["text"] == (rare if added_copies == 2 else BASE)
