"""The process-pool paths of the batch API give exactly what the serial paths give."""
from __future__ import annotations

import sys

import pytest

from auditor import api
from auditor.engine import Engine

from .conftest import generator


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    generator().generate(6, out, seed=5)
    return out


def _rows(run: api.AuditRun) -> list[dict]:
    return [f.to_dict() for f in run.findings]


def test_pool_paths_match_serial(folder):
    engine = Engine()
    serial_batch = api.read_batch([folder], workers=1)
    pooled_batch = api.read_batch([folder], workers=2)
    assert [r.submission.to_dict() for r in pooled_batch.results] == [r.submission.to_dict() for r in serial_batch.results]
    serial = api.audit_batch(serial_batch, engine, workers=1)
    pooled = api.audit_batch(pooled_batch, engine, workers=2)
    assert _rows(pooled) == _rows(serial) and serial.findings
    # the specificity scores computed in the workers reach the parent's submissions
    scored = [r.submission.to_dict() for r in pooled_batch.results]
    assert scored == [r.submission.to_dict() for r in serial_batch.results]
    assert all(i["specificity"] is not None for s in scored for t in s["tables"] for i in t["indicators"])
    assert (pooled.check_errors, pooled.waived) == (serial.check_errors, serial.waived)
    combined = api.audit_files([folder], engine, workers=2)
    assert [r.source for r in combined.batch.results] == [r.source for r in serial_batch.results]
    assert _rows(combined) == _rows(serial)
    assert _rows(api.audit_files([folder], engine, workers=1)) == _rows(serial)


def test_shared_strings_keep_values():
    first, second = "".join(["群众", "满意"]), "".join(["群众", "满意"])
    assert first is not second
    pool: dict[str, str] = {}
    data = api._share_strings([first, {"k": (second, 1)}], pool)
    assert data == ["群众满意", {"k": ("群众满意", 1)}]
    assert data[0] is data[1]["k"][0]


def test_shared_strings_reach_slotted_records():
    from auditor.schema import Finding, Indicator

    name = "".join(["群众", "满意度"])
    first = Indicator(row=1, level1="满意度指标", level2="服务对象满意度指标", level3="".join(["群众", "满意度"]),
                      description="", value="≥90%", basis="")
    finding = Finding(source="a", table=1, project="p", row=1, field="value", category="VALUE_VAGUE",
                      rule="VALUE_VAGUE.x", severity="low", evidence="".join(["群众", "满意度"]), message="m", suggestion="s")
    assert not hasattr(first, "__dict__") and first.level3 is not name
    pool = {name: name}
    api._share_strings([first, finding], pool)
    assert first.level3 is name and finding.evidence is name


def test_word_stripping_does_not_depend_on_the_hash_seed():
    """Overlapping words of equal length from a frozenset are removed in one order whatever
    PYTHONHASHSEED is (a province run once differed by a finding between two runs)."""
    code = ("from auditor.textsim import strip_words; "
            "print(strip_words('甲乙丙丁戊己', frozenset({'甲乙', '乙丙', '丙丁', '丁戊', '戊己', '己庚'})))")
    outputs = _outputs_under_hash_seeds(code, range(8))
    assert len(outputs) == 1, outputs


def _outputs_under_hash_seeds(code: str, seeds) -> set[str]:
    """What `python -c code` prints under each PYTHONHASHSEED."""
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in seeds:
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outputs.add(result.stdout.strip())
    return outputs


@pytest.mark.parametrize("workers", [1, 2])
def test_streamed_audit_writes_the_in_memory_findings_json(folder, tmp_path, workers):
    """`audit DIR -f json` at province scale (api.audit_to_json: two passes, the batch spooled to
    disk, findings encoded in the workers) writes the very bytes of the in-memory path — an
    unreadable file and a document read twice included."""
    batch_dir = tmp_path / "in"
    batch_dir.mkdir()
    for path in sorted(folder.iterdir()):
        (batch_dir / path.name).write_bytes(path.read_bytes())
    first = sorted(batch_dir.iterdir())[0]
    (batch_dir / ("zz_again_" + first.name)).write_bytes(first.read_bytes())
    (batch_dir / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    memory = api.audit_with_corpus(api.read_batch([batch_dir], workers=workers), Engine())
    expected = api.write_audit_output(memory, tmp_path / "memory").read_bytes()
    streamed = api.audit_to_json([batch_dir], tmp_path / "streamed", Engine(), workers=workers)
    assert streamed.target.read_bytes() == expected
    assert [p.name for p in (tmp_path / "streamed").iterdir()] == ["findings.json"]  # spool removed
    assert streamed.findings == len(memory.findings) and streamed.waived == memory.waived
    assert [f.source for f in streamed.failures] == [r.source for r in memory.batch.failures]
    assert streamed.severities == {s: sum(f.severity == s for f in memory.findings) for s in streamed.severities}


def test_streamed_audit_against_a_saved_index(folder, tmp_path):
    from auditor.corpus import CorpusIndex

    files = sorted(folder.iterdir())
    saved = api.build_corpus([api.read_batch(files[:3]).submissions[i] for i in range(3)]).save(tmp_path / "county.idx")
    memory = api.audit_with_corpus(api.read_batch(files[3:]), Engine(), CorpusIndex.load(saved))
    expected = api.write_audit_output(memory, tmp_path / "memory").read_bytes()
    streamed = api.audit_to_json(files[3:], tmp_path / "streamed", Engine(), corpus=CorpusIndex.load(saved), workers=2)
    assert streamed.target.read_bytes() == expected
    assert any(f.rule.startswith("TEXT_REUSE") for f in memory.findings)


def test_lexicon_segmentation_does_not_depend_on_the_hash_seed():
    """The private jieba dictionary of the lexicon matcher tunes each lexicon word's frequency
    after the words before it; a set's order made "改善生态环境质量" match 改善生态环境 in one run and
    生态环境质量 in another (a 1,000-file audit differed by two findings)."""
    code = ("import hashlib; from auditor.checks.text_reuse import _JiebaSegmenter, lexicons; "
            "lex = lexicons(); "
            "words = [t for g in lex.groups.values() for t in g.terms] + [t for d in lex.domains.values() for t in d.terms]; "
            "seg = _JiebaSegmenter(words); "
            "print(hashlib.sha1(repr(sorted((w, seg.frequency(w)) for w in words)).encode()).hexdigest(), "
            "'/'.join(seg.cut('改善生态环境质量')))")
    outputs = _outputs_under_hash_seeds(code, range(6))
    assert len(outputs) == 1, outputs


def test_index_files_builds_the_index_of_the_read_batch(folder, tmp_path):
    """`auditor index build` reads in the pool and keeps only each file's text units; the index
    is the one built from the whole parsed batch."""
    batch_dir = tmp_path / "in"
    batch_dir.mkdir()
    for path in sorted(folder.iterdir()):
        (batch_dir / path.name).write_bytes(path.read_bytes())
    (batch_dir / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    expected = api.build_corpus(api.read_batch([batch_dir], workers=1).submissions)
    corpus, files = api.index_files([batch_dir], workers=2)
    assert [f.source for f in files if f.error] == [str(batch_dir / "broken.docx")]
    assert list(corpus.units) == list(expected.units)
    assert list(corpus.near.keys) == list(expected.near.keys)
    assert corpus.near.neighbours.as_dict() == expected.near.neighbours.as_dict()
    assert corpus.projects == expected.projects and corpus.submissions == expected.submissions
