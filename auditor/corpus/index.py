"""The corpus index: every text unit of every submission, and which of them are near copies of
each other (rapidfuzz ratio on the normalised text ≥ `threshold`), found without comparing all
pairs.

* Identical normalised texts share one key; only distinct keys are compared.
* Keys of `short_len` characters or more: MinHash (datasketch, fixed seed, so the same input
  always gives the same index) over character 2–3-gram shingles, MinHashLSH for candidates,
  each candidate verified exactly with rapidfuzz.
* Shorter keys (their few shingles make sketches collide): edit distance within blocks. At the
  default threshold a near copy of a short key is at most one edit away, so it shares its first
  or its last half with it (prefix/suffix blocks of the right length); for thresholds low enough
  to allow two edits the short keys are compared within their length window instead.
* Common formulas (rules/lexicons/common_formulas.yaml, and any text more than
  `formula_min_units` different units use) are legitimate shared wording, not copying.
"""
from __future__ import annotations

import heapq
import math
from itertools import chain
import pickle
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from ..io_utils import write_atomic
from ..resources import lexicon
from ..schema import Submission
from ..textsim import comparable
from .units import TextUnit, extract_units, fingerprint, normalise, shingles

FORMAT_VERSION = 2  # 2: slotted TextUnit
MAGIC = b"JIXIAO-CORPUS-INDEX\n"
INDEX_FILE = "corpus-index.pkl"


class IndexFormatError(ValueError):
    """The file is not a corpus index, or one written by an incompatible version."""


@dataclass(frozen=True)
class IndexOptions:
    threshold: float = 0.9  # near copy: rapidfuzz ratio of the normalised texts ≥ threshold × 100
    num_perm: int = 128  # MinHash permutations
    # Jaccard similarity of shingle sets at which LSH proposes a pair; None: derived from the
    # threshold (0.4 at 0.9), low enough that scattered edits still make candidates
    lsh_threshold: float | None = None
    short_len: int = 8  # keys shorter than this take the short-cell path
    seed: int = 1  # MinHash seed: fixed, so the index is deterministic
    word_shingles: bool = False  # add jieba words (budget-term dictionary) to the shingles
    formula_min_units: int = 5  # a text more than this many units use is a common formula
    formula_residue: int = 4  # characters a cell may add to a listed formula and still be one


# ------------------------------------------------------------------------------------------------
# Near-duplicate search over distinct keys
# ------------------------------------------------------------------------------------------------


def lsh_threshold(options: IndexOptions) -> float:
    """The LSH Jaccard threshold: as set, or derived from the ratio threshold. A near copy with
    ratio t differs in about (1 - t)·n characters, each breaking up to 2.5 shingles on average,
    so its shingle sets share about (1 - 2.5(1 - t)) / (1 + 2.5(1 - t)); 0.2 below that leaves
    room for edits spread out."""
    if options.lsh_threshold is not None:
        return options.lsh_threshold
    broken = 2.5 * (1 - options.threshold)
    return round(min(0.9, max(0.1, (1 - broken) / (1 + broken) - 0.2)), 2)


def _hash32(shingle: bytes) -> int:
    return zlib.crc32(shingle)


class NearDuplicates:
    """Distinct normalised keys and their near-copy neighbours, built incrementally: each new
    key is looked up among the keys already in, then inserted."""

    def __init__(self, options: IndexOptions):
        from datasketch import MinHashLSH

        self.options = options
        self.keys: list[str] = []
        self.ids: dict[str, int] = {}
        self.neighbours: dict[int, set[int]] = defaultdict(set)
        self.lsh = MinHashLSH(threshold=lsh_threshold(options), num_perm=options.num_perm, weights=(0.2, 0.8))
        self.blocks: dict[tuple, list[int]] = defaultdict(list)  # short path: (side, h, text) → ids
        self.by_length: dict[int, list[int]] = defaultdict(list)  # short path fallback
        t = options.threshold
        self._cutoff = t * 100
        s = options.short_len - 1  # the longest short key
        # the longest key a short key can be a near copy of: 2·s / (s + l) ≥ t
        self._pool_max = math.floor(2 * s / t - s + 1e-9) if t > 0 else 10**9
        # one edit is all a short pair can differ by when (1 - t)·(la + lb) < 2
        self._one_edit = (1 - t) * (s + self._pool_max) < 2 - 1e-9

    # -- lookup ---------------------------------------------------------------------------------

    def _minhashes(self, keys: Sequence[str]) -> list[Any]:
        from datasketch import MinHash

        sets = [[g.encode("utf-8") for g in sorted(shingles(k, words=self.options.word_shingles))] for k in keys]
        return MinHash.bulk(sets, num_perm=self.options.num_perm, seed=self.options.seed, hashfunc=_hash32)

    def _length_ok(self, a: int, b: int) -> bool:
        # ratio ≤ 2·min / (la + lb): pairs too different in length can never reach the threshold
        return 2 * min(a, b) * 100 >= self._cutoff * (a + b) - 1e-9

    def _verify(self, key: str, candidates: Iterable[int], short_only: bool = False) -> set[int]:
        found = set()
        n = len(key)
        short = self.options.short_len
        for other in candidates:
            text = self.keys[other]
            if short_only and min(n, len(text)) >= short:
                continue  # a pair of long keys is the LSH path's to find
            if self._length_ok(n, len(text)) and fuzz.ratio(key, text) >= self._cutoff:
                found.add(other)
        return found

    @staticmethod
    def _block_keys(key: str) -> list[tuple]:
        """Keys of length m and m+1 one edit apart share the first or the last m//2 characters:
        a key of length n files under both n//2 and (n-1)//2."""
        n = len(key)
        return [(side, h, key[:h] if side == "p" else key[n - h:])
                for h in sorted({n // 2, max(0, (n - 1) // 2)}) for side in ("p", "s")]

    def _short_candidates(self, key: str) -> Iterable[int]:
        n = len(key)
        if n > self._pool_max:
            return ()
        if self._one_edit:
            seen: set[int] = set()
            for block in self._block_keys(key):
                seen.update(self.blocks.get(block, ()))
            return seen
        low = max(0, math.ceil(n * self.options.threshold / (2 - self.options.threshold)) - 1)
        high = math.floor(n * (2 - self.options.threshold) / max(self.options.threshold, 1e-9)) + 1
        return [i for length in range(low, high + 1) for i in self.by_length.get(length, ())]

    def search(self, key: str, minhash: Any = None) -> set[int]:
        """Ids of the keys already in that are near copies of `key` (not `key` itself)."""
        found: set[int] = set()
        if len(key) >= self.options.short_len:
            if minhash is None:
                minhash = self._minhashes([key])[0]
            found |= self._verify(key, self.lsh.query(minhash))
        if len(key) <= self._pool_max:
            found |= self._verify(key, self._short_candidates(key), short_only=True)
        found.discard(self.ids.get(key, -1))
        return found

    # -- insertion ------------------------------------------------------------------------------

    def add(self, keys: Iterable[str]) -> list[int]:
        """Insert the keys not yet in (each compared with all before it); the ids of all."""
        keys = list(keys)
        new = list(dict.fromkeys(k for k in keys if k not in self.ids))
        long_keys = [k for k in new if len(k) >= self.options.short_len]
        hashes = dict(zip(long_keys, self._minhashes(long_keys))) if long_keys else {}
        for key in new:
            minhash = hashes.get(key)
            found = self.search(key, minhash)
            kid = len(self.keys)
            self.keys.append(key)
            self.ids[key] = kid
            for other in found:
                self.neighbours[kid].add(other)
                self.neighbours[other].add(kid)
            if minhash is not None:
                self.lsh.insert(kid, minhash, check_duplication=False)
            if len(key) <= self._pool_max:
                if self._one_edit:
                    for block in self._block_keys(key):
                        self.blocks[block].append(kid)
                else:
                    self.by_length[len(key)].append(kid)
        return [self.ids[k] for k in keys]


def near_duplicate_pairs(texts: list[str], threshold: float = 0.9, *, options: IndexOptions | None = None) -> set[tuple[int, int]]:
    """Every pair (i, j), i < j, of `texts` whose rapidfuzz ratio on the comparable text
    (textsim.comparable) is at least `threshold` × 100 — the pairs an all-pairs comparison
    would find, found without comparing all pairs. Pure."""
    options = IndexOptions(**{**asdict(options or IndexOptions()), "threshold": threshold})
    keys = [comparable(t) for t in texts]
    groups: dict[str, list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        groups[key].append(position)
    engine = NearDuplicates(options)
    engine.add(groups)
    pairs: set[tuple[int, int]] = set()
    for members in groups.values():
        pairs.update((a, b) for x, a in enumerate(members) for b in members[x + 1:])
    for kid, others in engine.neighbours.items():
        for other in others:
            if other > kid:
                for a in groups[engine.keys[kid]]:
                    for b in groups[engine.keys[other]]:
                        pairs.add((a, b) if a < b else (b, a))
    return pairs


# ------------------------------------------------------------------------------------------------
# Common formulas
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formulas:
    texts: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def load(cls) -> Formulas:
        data = lexicon("common_formulas")
        texts = sorted({normalise(str(t)) for t in data.get("texts") or () if normalise(str(t))}, key=len, reverse=True)
        return cls(tuple(texts), tuple(re.compile(str(p)) for p in data.get("patterns") or ()))

    def covers(self, text: str, residue: int) -> bool:
        """True when `text` is a listed formula, give or take `residue` characters of its own."""
        plain = text
        for pattern in self.patterns:
            plain = pattern.sub("", plain)
        key = normalise(plain)
        for formula in self.texts:
            key = key.replace(formula, "")
        return len(key) <= residue and len(key) < len(normalise(text))


# ------------------------------------------------------------------------------------------------
# The index
# ------------------------------------------------------------------------------------------------


@dataclass
class ProjectInfo:
    """What the index keeps of a project table besides its text units: enough to tell what the
    project is about (its name, fund use and goals)."""

    source: str
    unit_name: str
    table: int
    project: str
    title: str
    fund_use: str
    goals: tuple[str, ...]


@dataclass
class Copy:
    """A unit of the queried submission and the places elsewhere that hold (nearly) the same text."""

    unit: TextUnit
    others: list[tuple[TextUnit, float, str]]  # (the other place, ratio 0–100, its submission's
    # fingerprint), most similar first
    common: bool  # a common formula: shared wording, not copying


@dataclass
class CorpusIndex:
    options: IndexOptions = field(default_factory=IndexOptions)
    units: list[TextUnit] = field(default_factory=list)
    unit_keys: list[int] = field(default_factory=list)  # unit → key id
    unit_owner: list[str] = field(default_factory=list)  # unit → submission fingerprint
    key_units: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    projects: dict[tuple[str, int], ProjectInfo] = field(default_factory=dict)  # (fingerprint, table)
    submissions: dict[str, dict[str, Any]] = field(default_factory=dict)  # fingerprint → source, unit, year
    near: NearDuplicates | None = None

    def __post_init__(self) -> None:
        if self.near is None:
            self.near = NearDuplicates(self.options)
        self._formulas: Formulas | None = None
        self._common: dict[int, bool] = {}

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(cls, submissions: Iterable[Submission], options: IndexOptions | None = None, **overrides: Any) -> CorpusIndex:
        """The index of every text unit of `submissions`."""
        options = IndexOptions(**{**asdict(options or IndexOptions()), **overrides})
        index = cls(options)
        index.add_all(submissions)
        return index

    def add_all(self, submissions: Iterable[Submission]) -> None:
        batch = []
        for submission in submissions:
            units = extract_units(submission)
            fp = fingerprint(submission, units)
            if fp in self.submissions:
                continue  # the same document read twice (under another path)
            self.submissions[fp] = {"source": submission.source, "unit_name": submission.unit_name,
                                    "year": submission.year}
            for table in submission.tables:
                self.projects[(fp, table.number)] = ProjectInfo(
                    submission.source, submission.unit_name, table.number, table.project, table.title,
                    table.fund_use, tuple(table.goals))
            batch.append((fp, units))
        ids = self.near.add(u.key for _fp, units in batch for u in units)
        at = 0
        for fp, units in batch:
            for unit in units:
                kid = ids[at]
                at += 1
                self.key_units[kid].append(len(self.units))
                self.units.append(unit)
                self.unit_keys.append(kid)
                self.unit_owner.append(fp)
        self._common.clear()

    def add(self, submission: Submission) -> None:
        self.add_all([submission])

    def __len__(self) -> int:
        return len(self.units)

    # -- persistence ----------------------------------------------------------------------------

    @staticmethod
    def _file(path: str | Path) -> Path:
        path = Path(path)
        return path / INDEX_FILE if path.is_dir() or str(path).endswith(("/", "\\")) else path

    def save(self, path: str | Path) -> Path:
        """Write the index (atomically) to `path`: a file, or INDEX_FILE inside a folder."""
        target = self._file(path)
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["key_units"] = dict(state["key_units"])
        state["options"] = asdict(self.options)
        header = MAGIC + f"{FORMAT_VERSION}\n".encode()
        write_atomic(target, header + pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        return target

    @classmethod
    def load(cls, path: str | Path) -> CorpusIndex:
        source = cls._file(path)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise IndexFormatError(f"无法读取索引文件 {source}：{error.strerror or error}") from error
        if not data.startswith(MAGIC):
            raise IndexFormatError(f"{source} 不是 jixiao-auditor 的语料索引文件")
        version_line, _, payload = data[len(MAGIC):].partition(b"\n")
        if version_line.strip() != str(FORMAT_VERSION).encode():
            raise IndexFormatError(f"索引文件 {source} 的格式版本为 {version_line.decode(errors='replace')}，"
                                   f"本版本需要 {FORMAT_VERSION}，请用 `auditor index build` 重新生成")
        state = pickle.loads(payload)  # noqa: S301 - our own file, checked by its header
        state["options"] = IndexOptions(**state["options"])
        key_units = defaultdict(list)
        key_units.update(state.pop("key_units"))
        index = cls(**state)
        index.key_units = key_units
        return index

    # -- common formulas ------------------------------------------------------------------------

    @property
    def formulas(self) -> Formulas:
        if self._formulas is None:
            self._formulas = Formulas.load()
        return self._formulas

    def _orgs(self, key_ids: Iterable[int], enough: int | None = None) -> set[str]:
        """The units (organisations) holding these keys; stops once more than `enough` are
        seen — a text the whole province shares must not be walked occurrence by occurrence."""
        orgs: set[str] = set()
        for kid in key_ids:  # any order: only the count decides, and it stops early
            for u in self.key_units.get(kid, ()):
                orgs.add(normalise(self.units[u].unit_name) or self.unit_owner[u])
                if enough is not None and len(orgs) > enough:
                    return orgs
        return orgs

    def is_common(self, kid: int) -> bool:
        """Listed formula, or used (with its near copies) by more than formula_min_units units."""
        if kid not in self._common:
            text = self.units[self.key_units[kid][0]].text if self.key_units.get(kid) else self.near.keys[kid]
            limit = self.options.formula_min_units
            keys = chain((kid,), self.near.neighbours.get(kid, ()))
            self._common[kid] = (self.formulas.covers(text, self.options.formula_residue)
                                 or len(self._orgs(keys, limit)) > limit)
        return self._common[kid]

    # -- queries --------------------------------------------------------------------------------

    def query(self, submission: Submission, max_places: int = 200, common_places: int = 3) -> list[Copy]:
        """Each text unit of `submission` that another project (of any submission in the index,
        this one's other tables included) holds the same or nearly the same text as, with at
        most `max_places` of those places, most similar first.

        A common formula is reported with only its first `common_places` places: it is shared
        wording (TEXT_REUSE does not report it; the boilerplate statistics count it from the
        index itself), and walking its occurrences for every submission would make a province
        audit quadratic."""
        units = extract_units(submission)
        fp = fingerprint(submission, units)
        limit = self.options.formula_min_units
        found: list[Copy] = []
        for unit in units:
            key = unit.key
            kid = self.near.ids.get(key)
            near = self.near.neighbours.get(kid, set()) if kid is not None else self.near.search(key)
            if kid is not None:
                common = self.is_common(kid)
            else:
                orgs = self._orgs(near, limit) | {normalise(submission.unit_name) or fp}
                common = self.formulas.covers(unit.text, self.options.formula_residue) or len(orgs) > limit
            own = [kid] if kid is not None else []
            cap = min(max_places, common_places) if common else max_places
            if common:
                # shared wording: the exact text's places first, then the lowest-id near copies —
                # never more keys than places wanted (each key has a place). A province-wide formula
                # has thousands of near variants; ranking them all per query made the audit quadratic.
                order = own + heapq.nsmallest(2 * cap, near)
                scored: Iterable[tuple[float, int]] = (
                    (100.0 if other_kid == kid else fuzz.ratio(key, self.near.keys[other_kid]), other_kid)
                    for other_kid in order)
            else:
                scored = sorted(((100.0 if other_kid == kid else fuzz.ratio(key, self.near.keys[other_kid]), other_kid)
                                 for other_kid in chain(own, near)), key=lambda item: (-item[0], item[1]))
            others: dict[tuple, tuple[TextUnit, float, str]] = {}
            for score, other_kid in scored:
                if common and len(others) >= cap:
                    break
                for u in self.key_units.get(other_kid, ()):
                    owner = self.unit_owner[u]
                    other = self.units[u]
                    if owner == fp and (other.table == unit.table or "narrative" in (other.kind, unit.kind)):
                        continue  # the same project, or this submission's own Part 1
                    place = (owner, other.table, other.row, other.kind, other.index)
                    if place not in others:  # keys come best first: the first score is the best
                        others[place] = (other, score, owner)
                    if common and len(others) >= cap:
                        break
            if not others:
                continue
            ranked = heapq.nsmallest(cap, others.values(), key=lambda item: (
                -item[1], item[0].source, item[0].table, item[0].row or 0, item[0].index))
            found.append(Copy(unit, ranked, common))
        return found

    def project(self, fp: str, table: int) -> ProjectInfo | None:
        return self.projects.get((fp, table))
