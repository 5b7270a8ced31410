"""The text readers never raise, whatever a damaged extraction looks like: random mutations of
real seed text (deleted lines, swapped cells, duplicated rows, inserted garbage, cut-offs)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.ingest import parse_bytes
from auditor.ingest.layout import build_submission
from auditor.ingest.pdf_text import read_pdf_text
from auditor.ingest.word_text import read_word_text

from .conftest import seed_path

WORD_LINES = seed_path("001").read_text(encoding="utf-8").splitlines()[40:700]
PDF_LINES = seed_path("004").read_text(encoding="utf-8").splitlines()[100:300]

garbage = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\t", "\t\t\t", "", " ", "\t一级指标", "\t≥", "1.绩效目标表", "\t资金支出计划（%）",
                     "\t3月底", "\t项目编码", "\t预算数", "\x00", "\ufeff", "第二部分", "12 月底\t100%\t"]),
)


@st.composite
def mutated(draw, lines: list[str]) -> str:
    lines = list(lines)
    for _ in range(draw(st.integers(0, 12))):
        if not lines:
            break
        op = draw(st.sampled_from(["delete", "swap", "insert", "duplicate", "split_cell", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, draw(garbage))
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "split_cell":
            cut = draw(st.integers(0, len(lines[i])))
            lines[i : i + 1] = [lines[i][:cut], lines[i][cut:]]
        else:
            del lines[i:]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(WORD_LINES))
def test_word_text_never_raises(text):
    submission = build_submission(read_word_text(text), "fuzz.txt", "word-text")
    for table in submission.tables:
        assert [i.row for i in table.indicators] == list(range(1, len(table.indicators) + 1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(PDF_LINES))
def test_pdf_text_never_raises(text):
    build_submission(read_pdf_text(text), "fuzz.txt", "pdf-text")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_escape_as_unexpected_errors(data):
    from auditor.ingest import InputRejected

    try:
        parse_bytes(data, "fuzz.bin")
    except InputRejected:
        pass
