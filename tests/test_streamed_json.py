"""findings.json is streamed (io_utils.iter_json + JsonStream) yet byte-identical to json.dumps."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor import api
from auditor.io_utils import JsonStream, iter_json, write_json_atomic

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("document", [
    {},
    {"a": []},
    {"a": 1, "b": [1, {"x": "多\n行", "y": []}], "c": {"d": None}},
    {"s": [{"k": [1, 2]}, {}, "文本"], "t": "末尾"},
])
def test_streams_match_json_dumps(document):
    lazy = {k: JsonStream(iter(v)) if isinstance(v, list) else v for k, v in document.items()}
    assert "".join(iter_json(lazy)) == json.dumps(document, ensure_ascii=False, indent=2)


def test_findings_json_is_streamed_byte_for_byte(tmp_path):
    run = api.audit_with_corpus(api.read_batch([REPO / "corpus"], workers=1))
    written = api.write_reports(run, tmp_path, ["json", "html"])
    expected = json.dumps(api.findings_document(run), ensure_ascii=False, indent=2) + "\n"
    assert (tmp_path / api.FINDINGS_JSON).read_text(encoding="utf-8") == expected
    assert tmp_path / api.FINDINGS_JSON in written
    # the HTML overview still links the streamed file
    assert api.FINDINGS_JSON in (tmp_path / api.INDEX_HTML).read_text(encoding="utf-8")


def test_a_failing_stream_leaves_no_file(tmp_path):
    def broken():
        yield {"ok": 1}
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_json_atomic(tmp_path / "f.json", {"items": JsonStream(broken())})
    assert list(tmp_path.iterdir()) == []


def test_document_writer_with_pre_encoded_items_matches_json_dumps():
    import io

    from auditor.io_utils import DocumentWriter, encode_items

    document = {"tool": {"name": "x"}, "items": [{"a": [1, 2]}, {"b": "换行\n"}], "spooled": [{"c": 1}, 3, "x"],
                "empty": [], "tail": None}
    handle = io.StringIO()
    writer = DocumentWriter(handle)
    writer.value("tool", document["tool"])
    writer.begin_list("items")
    writer.encoded(encode_items(document["items"][:1]))
    writer.encoded("")
    writer.item(document["items"][1])
    writer.end_list()
    writer.begin_list("spooled")
    spooled = encode_items(document["spooled"])  # read back from a spool file in arbitrary pieces
    writer.encoded_stream(["", spooled[:5], spooled[5:9], spooled[9:]])
    writer.end_list()
    writer.begin_list("empty")
    writer.encoded_stream(iter(()))
    writer.end_list()
    writer.value("tail", None)
    writer.close()
    assert handle.getvalue() == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
