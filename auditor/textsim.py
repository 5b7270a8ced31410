"""Text comparison for echo and copy-paste checks: a comparable form of a cell, word
segmentation (jieba by default; pkuseg optional, loaded lazily since it takes ~3 s and ~0.8 GiB),
and similarity scores (rapidfuzz)."""
from __future__ import annotations

import os
import re
from functools import lru_cache

from rapidfuzz import fuzz

from .values import normalize_text

# punctuation, brackets and numbering carry no content when comparing two cells
_NOISE = re.compile(r"[\s，。、；：！？“”‘’（）()《》【】〔〕\[\]{}<>,.;:!?\"'·…—\-_/\\|%％]+")
_NUMBERING = re.compile(r"^\s*(?:[（(]?\d{1,2}[）)]?\s*[.．、:：]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


def comparable(text: str) -> str:
    """Lower-cased, folded text without numbering, punctuation or spaces."""
    text = _NUMBERING.sub("", normalize_text(text or ""))
    return _NOISE.sub("", text).lower()


def similarity(a: str, b: str) -> float:
    """0–100: how alike two cells read once punctuation and numbering are ignored."""
    a, b = comparable(a), comparable(b)
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b)


def containment(short: str, long: str) -> float:
    """0–100: how much of the shorter text appears in the longer one (partial match)."""
    a, b = comparable(short), comparable(long)
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return fuzz.partial_ratio(a, b)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)  # silence the "Building prefix dict" banner
    return jieba


@lru_cache(maxsize=1)
def _pkuseg():
    import pkuseg  # noqa: PLC0415 - optional and heavy: only when asked for

    return pkuseg.pkuseg()  # the bundled default model; domain models would download


def segmenter_name() -> str:
    return os.environ.get("AUDITOR_SEGMENTER", "jieba")


@lru_cache(maxsize=65536)
def tokens(text: str, segmenter: str | None = None) -> tuple[str, ...]:
    """Words of a cell (punctuation dropped)."""
    text = normalize_text(text or "")
    if not text:
        return ()
    if (segmenter or segmenter_name()) == "pkuseg":
        words = _pkuseg().cut(text)
    else:
        words = _jieba().lcut(text)
    return tuple(w for w in words if w.strip() and not _NOISE.fullmatch(w))


def token_overlap(a: str, b: str) -> float:
    """0–1: share of the shorter cell's words that also occur in the longer one."""
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))
