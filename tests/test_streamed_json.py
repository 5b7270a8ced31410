"""findings.json is streamed (io_utils.iter_json + JsonStream) yet byte-identical to json.dumps."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=5) | st.integers() | st.floats() | st.booleans() | st.none(), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_item_encoder_matches_json_dumps(value):
    """encode_item writes json's indented layout itself (json's indenting encoder is pure Python)."""
    from auditor.io_utils import encode_item

    expected = json.dumps(value, ensure_ascii=False, indent=2)
    assert encode_item(value, "") == expected
    assert encode_item(value) == "\n".join("    " + line for line in expected.split("\n"))


def test_item_encoder_edge_values_and_errors():
    import enum

    from auditor.io_utils import encode_item

    class Level(enum.IntEnum):
        HIGH = 3

    class Name(str):
        pass

    value = {"nan": float("nan"), "inf": [float("inf"), -float("inf"), -0.0, 1e16, 1e-7], 1: Level.HIGH,
             2.5: Name("引号\"与\\反斜杠\t\x01"), None: (), True: {}, False: [[]]}
    assert encode_item(value, "  ", first=False) == "\n".join(
        ("  " + line if n else line) for n, line in enumerate(json.dumps(value, ensure_ascii=False, indent=2).split("\n")))
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode_item({"a": {1, 2}})
    with pytest.raises(TypeError, match="keys must be"):
        encode_item({(1, 2): 3})
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        encode_item(loop)
