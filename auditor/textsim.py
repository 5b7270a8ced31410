"""Text comparison for echo and copy-paste checks: a comparable form of a cell, word
segmentation (jieba by default; pkuseg optional, loaded lazily since it takes ~3 s and ~0.8 GiB),
and similarity scores (rapidfuzz)."""
from __future__ import annotations

import os
from collections.abc import Iterable
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .values import normalize_text

# punctuation, brackets and numbering carry no content when comparing two cells
_NOISE = re.compile(r"[\s，。、；：！？“”‘’（）()《》【】〔〕\[\]{}<>,.;:!?\"'·…—\-_/\\|%％]+")
_NUMBERING = re.compile(r"^\s*(?:[（(]?\d{1,2}[）)]?\s*[.．、:：]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


def comparable(text: str) -> str:
    """Lower-cased, folded text without numbering, punctuation or spaces."""
    try:
        return _comparable(text or "")
    except TypeError:  # unhashable input: compute it uncached
        return _comparable.__wrapped__(text or "")


@lru_cache(maxsize=1 << 17)
def _comparable(text: str) -> str:
    text = _NUMBERING.sub("", normalize_text(text))
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
    """The jieba module, its default dictionary loaded (see _load_default_dictionary)."""
    import jieba

    jieba.setLogLevel(60)  # silence the "Building prefix dict" banner
    _load_default_dictionary(jieba)
    return jieba


def jieba_module():
    """jieba with its dictionary loaded the fast way; call it before anything (spaCy's Chinese
    tokenizer) makes jieba load the dictionary itself."""
    return _jieba()


def _load_default_dictionary(jieba) -> None:
    """Load jieba's default prefix dictionary from jieba's own cache file, read whole and then
    unmarshalled: jieba's `marshal.load` on the open file takes 0.55 s, `marshal.loads` on its
    bytes 0.16 s — a quarter of a single-file audit. The file, its name and its validity rule
    are jieba's (Tokenizer.initialize); anything unexpected falls back to jieba's own loading,
    which also writes the cache the first time."""
    import marshal
    import tempfile

    tokenizer = jieba.dt
    if tokenizer.initialized:
        return
    if tokenizer.dictionary == jieba.DEFAULT_DICT:
        cache = os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), tokenizer.cache_file or "jieba.cache")
        try:
            with open(cache, "rb") as handle:
                freq, total = marshal.loads(handle.read())
            if not isinstance(freq, dict) or not isinstance(total, int) or not freq:
                raise ValueError("not a jieba prefix dictionary")
        except (OSError, ValueError, EOFError, TypeError):
            pass
        else:
            with tokenizer.lock:
                tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
            return
    tokenizer.initialize()


def private_tokenizer(words: Iterable[str] = ()):
    """A jieba tokenizer that also knows `words`, leaving the module-level jieba (used by
    `tokens`) untouched. It starts from a copy of the already loaded dictionary instead of
    loading it again (~0.6 s per tokenizer)."""
    jieba = _jieba()
    jieba.dt.check_initialized()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(jieba.dt.FREQ)
    tokenizer.total = jieba.dt.total
    tokenizer.initialized = True
    # shortest first, then by text: each suggest_freq depends on the frequencies set before it,
    # so the order must not be a set's (hash-seed dependent: the segmentation changed between runs)
    for word in sorted({str(w) for w in words if w}, key=lambda w: (len(w), w)):
        tokenizer.add_word(word)
        tokenizer.suggest_freq(word, tune=True)
    return tokenizer


@lru_cache(maxsize=1)
def _pkuseg():
    import pkuseg  # noqa: PLC0415 - optional and heavy: only when asked for

    return pkuseg.pkuseg()  # the bundled default model; domain models would download


SEGMENTERS = ("jieba", "pkuseg")
_chosen: list[str] = []  # set by the engine from the run's config ([tool.auditor] segmenter)


def set_segmenter(name: str | None) -> None:
    if name is not None and name not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {name!r}")
    _chosen[:] = [name] if name else []


def segmenter_name() -> str:
    """The run's choice, else AUDITOR_SEGMENTER, else jieba (fast; pkuseg takes ~3 s to load)."""
    return _chosen[0] if _chosen else os.environ.get("AUDITOR_SEGMENTER", "jieba")


def tokens(text: str, segmenter: str | None = None) -> tuple[str, ...]:
    """Words of a cell (punctuation dropped)."""
    return _tokens(text, segmenter or segmenter_name())


@lru_cache(maxsize=65536)
def _tokens(text: str, segmenter: str) -> tuple[str, ...]:
    text = normalize_text(text or "")
    if not text:
        return ()
    if segmenter == "pkuseg":
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


# --------------------------------------------------------------------------------------------
# Echo helpers: does one cell merely repeat another? (GOAL_ECHO, DESC_ECHO, BASIS_ECHO)
# --------------------------------------------------------------------------------------------


def strip_words(text: str, words) -> str:
    """`comparable(text)` with every listed word removed (longest words first, so "我单位" goes
    before "单位")."""
    key = words if isinstance(words, (tuple, frozenset)) else tuple(words)
    try:
        return _strip_words(text or "", key)
    except TypeError:  # unhashable input: compute it uncached
        return _strip_words.__wrapped__(text or "", key)


@lru_cache(maxsize=1 << 16)
def _strip_words(text: str, words: tuple[str, ...] | frozenset[str]) -> str:
    s = comparable(text)
    for word in _removal_order(words):
        s = s.replace(word, "")
    return s


@lru_cache(maxsize=256)
def _removal_order(words: tuple[str, ...] | frozenset[str]) -> tuple[str, ...]:
    """The comparable forms of a word list, longest first, without empties (the lexicons are
    the same few lists on every call, so this is computed once per list)."""
    # ties in length are broken by the words themselves, never by set order: overlapping words
    # of equal length ("甲乙", "乙丙") strip differently in different orders, and a frozenset's
    # order changes with the interpreter's hash seed, i.e. from run to run
    return tuple(w for w in sorted({comparable(w) for w in words if w}, key=lambda w: (-len(w), w)) if w)


def residue(text: str, reference: str) -> str:
    """The characters of `text` that never occur in `reference` (in order, with repeats)."""
    seen = set(reference)
    return "".join(ch for ch in text if ch not in seen)


def char_share(text: str, reference: str) -> float:
    """0–1: share of the characters of `text` that occur somewhere in `reference`."""
    if not text:
        return 0.0
    seen = set(reference)
    return sum(ch in seen for ch in text) / len(text)


def _longest_common_run(a: str, b: str, keep: str = "") -> tuple[int, int]:
    """(start in a, length) of the longest substring of `a` that also occurs in `b` but not in
    `keep`."""
    best = (0, 0)
    for i in range(len(a)):
        length = best[1] + 1
        while i + length <= len(a) and a[i : i + length] in b:
            if not (keep and a[i : i + length] in keep):
                best = (i, length)
            length += 1
    return best


def remove_shared_runs(text: str, other: str, min_len: int = 2, keep: str = "") -> str:
    """`text` without every run of at least `min_len` characters that also occurs in `other`
    (longest runs first); runs that also occur in `keep` stay. Used to drop the project's own
    words ("凤还巢大学生村干部") from a description before asking what else it says."""
    if len(text) < min_len or not other:
        return text
    start, length = _longest_common_run(text, other, keep)
    if length < min_len:
        return text
    return (remove_shared_runs(text[:start], other, min_len, keep)
            + remove_shared_runs(text[start + length :], other, min_len, keep))


@dataclass
class Echo:
    """How `text` repeats `reference` (see `echo_of`)."""

    kind: str  # "same": identical once punctuation is ignored; "reworded": nothing new said
    residue: str  # what `text` adds that `reference` does not contain ("" for same)
    share: float  # 0–1 share of text's remaining characters found in the reference
    cover: float  # 0–1 share of the reference's characters that text repeats


def echo_of(
    text: str,
    reference: str,
    *,
    ignore=(),
    scope: str = "",
    max_new: int = 2,
    min_share: float = 0.6,
    min_cover: float = 0.5,
    min_scope_run: int = 3,
) -> Echo | None:
    """Does `text` only repeat `reference`? Identical (punctuation, numbering and case aside) →
    kind "same". Otherwise both lose the `ignore` words (的, 情况, 我单位 …) and `text` loses the
    runs of at least `min_scope_run` characters it shares with `scope` (the project's own name
    and fund use) but not with `reference`; if what is left of `text` adds at most `max_new`
    characters that the reference lacks, mostly consists of the reference's characters
    (`min_share`) and repeats enough of it (`min_cover`), it is kind "reworded". None when
    `text` says something of its own."""
    a, b = comparable(text), comparable(reference)
    if not a or not b:
        return None
    if a == b:
        return Echo("same", "", 1.0, 1.0)
    a1, b1 = strip_words(a, ignore), strip_words(b, ignore)
    if not a1 or not b1:
        return None
    a2 = remove_shared_runs(a1, comparable(scope), min_len=min_scope_run, keep=b1) if scope else a1
    if not a2:
        return None
    new = residue(a2, b1)
    share = char_share(a2, b1)
    cover = char_share(b1, a1)
    if len(new) <= max_new and share >= min_share and cover >= min_cover:
        return Echo("reworded", new, share, cover)
    return None


def is_word(word: str) -> bool:
    """True when the segmenter's dictionary knows `word` (jieba's dictionary; used to tell a
    doubled character that belongs to a neighbouring word, "个数数", from a free one)."""
    if not word:
        return False
    jieba = _jieba()
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word, 0) > 0


def shares_run(a: str, b: str, min_len: int = 2, ignore=()) -> bool:
    """True when `a` and `b` (compared as `comparable`, without the `ignore` words) have a common
    substring of at least `min_len` characters: the two cells talk about the same thing."""
    x, y = strip_words(a, ignore), strip_words(b, ignore)
    if len(x) < min_len or len(y) < min_len:
        return False
    return any(x[i : i + min_len] in y for i in range(len(x) - min_len + 1))


def run_cover(text: str, other: str, min_len: int = 3) -> float:
    """0–1: share of the characters of `comparable(text)` that lie in runs of at least
    `min_len` characters also found in `comparable(other)` (how much of `text` is copied,
    in pieces, into `other`)."""
    a, b = comparable(text), comparable(other)
    if not a or not b or len(a) < min_len:
        return 0.0
    covered = [False] * len(a)
    for i in range(len(a) - min_len + 1):
        if a[i : i + min_len] not in b:
            continue
        j = i + min_len
        while j < len(a) and a[i : j + 1] in b:
            j += 1
        for k in range(i, j):
            covered[k] = True
    return sum(covered) / len(a)


def fold_synonyms(text: str, synonyms: dict[str, str]) -> str:
    """`text` with each listed long form replaced by its short form (环境保护 -> 环保), so that a
    restatement in other words compares equal. Longest forms first."""
    for long in sorted(synonyms, key=len, reverse=True):
        if long:
            text = text.replace(long, synonyms[long])
    return text
