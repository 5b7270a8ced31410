"""The corpus index: every text unit of every submission, and which of them are near copies of
each other (rapidfuzz ratio on the normalised text ≥ `threshold`), found without comparing all
pairs.

* Identical normalised texts share one key; only distinct keys are compared.
* Keys of `short_len` characters or more: MinHash over character 2–3-gram shingles (datasketch's
  permutations, fixed seed, so the same input always gives the same index) and LSH banding with
  the band shape datasketch's MinHashLSH chooses for the threshold; candidates are verified
  exactly with rapidfuzz. The band tables are sorted numpy arrays (a province's index in a few
  hundred MiB, and loadable without importing datasketch).
* Shorter keys (their few shingles make sketches collide): edit distance within blocks. At the
  default threshold a near copy of a short key is at most one edit away, so it shares its first
  or its last half with it (prefix/suffix blocks of the right length); for thresholds low enough
  to allow two edits the short keys are compared within their length window instead.
* Common formulas (rules/lexicons/common_formulas.yaml, and any text more than
  `formula_min_units` different units use) are legitimate shared wording, not copying.
"""
from __future__ import annotations

import hashlib
import heapq
import math
from itertools import chain
import pickle
import re
import zlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from ..io_utils import atomic_file
from ..resources import lexicon
from ..schema import Submission
from ..textsim import comparable
from .store import SMALL, HashedLookup, IdLists, IntColumn, RecordMap, StringColumn, StringPool, read_arrays, write_arrays
from .units import TextUnit, extract_units, fingerprint, normalise, shingles

FORMAT_VERSION = 6  # 2: slotted TextUnit; 3: LSH band tables as sorted arrays; 4: id arrays; 5: units by
# column; 6: memory-mapped arrays (store.py) and per-cluster summaries
MAGIC = b"JIXIAO-CORPUS-INDEX\n"
INDEX_FILE = "corpus-index.idx"
MERGE_AT = 1 << 14  # keys added before the LSH band dicts are merged into the sorted arrays
LOOKUP_BLOCK = 2048  # keys whose merged-table candidates are looked up together
_NO_IDS = np.zeros(0, dtype=np.int32)
_NO_IDS.setflags(write=False)  # shared by every empty lookup: nobody may fill it
PLACES_BLOCK = 256  # places of a key read at a time (a common formula stops after a few)


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


# MinHash over crc32 shingle hashes in datasketch's "affine32" scheme: MurmurHash3's 32-bit
# finaliser, then h → a·h + b mod 2^32 per permutation (datasketch ≥ 2.0). The permutations and
# the band shape come from datasketch when an index is built and are stored with it, so loading
# and querying a saved index imports neither datasketch nor (through it) scipy;
# tests/test_corpus.py checks these signatures equal datasketch's MinHash.bulk.
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
LSH_WEIGHTS = (0.2, 0.8)  # MinHashLSH's false-positive / false-negative weights: missing a copy costs more
# MinHashLSH's (bands, rows) for the (Jaccard threshold, num_perm) the default options give, so a
# run that builds its own index need not import datasketch and, through it, scipy (0.3 s);
# tests/test_corpus.py checks each entry and the permutations against datasketch
KNOWN_BAND_SHAPES = {(0.4, 128): (31, 3)}
# band hash: the r rows of a band folded into 64 bits (odd multipliers, wrapping); two different
# bands collide with probability ~2⁻⁶⁴, and a collision only adds a candidate that is verified
_BAND_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)
_SIGNATURE_BLOCK = 1 << 17  # shingles hashed at a time (× num_perm × 4 bytes of scratch)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> np.uint32(s1))
    hv = hv * np.uint32(m1)
    hv = hv ^ (hv >> np.uint32(s2))
    hv = hv * np.uint32(m2)
    return hv ^ (hv >> np.uint32(s3))


@dataclass(frozen=True, eq=False)  # numpy fields: compared by identity, never by value
class Sketch:
    """How keys become LSH band hashes: MinHash permutations (a, b), and `bands` × `rows`."""

    a: np.ndarray  # uint32, odd
    b: np.ndarray  # uint32
    bands: int
    rows: int

    @classmethod
    def for_options(cls, options: IndexOptions) -> Sketch:
        threshold = lsh_threshold(options)
        shape = KNOWN_BAND_SHAPES.get((threshold, options.num_perm))
        if shape is None:
            from datasketch import MinHashLSH

            lsh = MinHashLSH(threshold=threshold, num_perm=options.num_perm, weights=LSH_WEIGHTS)
            shape = (int(lsh.b), int(lsh.r))
        # datasketch's affine32 permutations (MinHash._init_permutations), drawn the same way
        generator = np.random.RandomState(options.seed)
        a = generator.randint(0, 1 << 31, options.num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = generator.randint(0, 1 << 32, options.num_perm, dtype=np.uint32)
        return cls(a, b, *shape)

    def signatures(self, shingle_sets: Sequence[Sequence[bytes]]) -> np.ndarray:
        """The MinHash signature (uint32 × num_perm) of each set of shingles, as datasketch's
        MinHash.bulk(sets, hashfunc=crc32, scheme="affine32") computes them, vectorised."""
        out = np.full((len(shingle_sets), len(self.a)), np.iinfo(np.uint32).max, dtype=np.uint32)
        start = 0
        while start < len(shingle_sets):
            stop, count = start, 0
            while stop < len(shingle_sets) and (count == 0 or count + len(shingle_sets[stop]) <= _SIGNATURE_BLOCK):
                count += len(shingle_sets[stop])
                stop += 1
            hashes = np.fromiter((zlib.crc32(g) for s in shingle_sets[start:stop] for g in s), dtype=np.uint32, count=count)
            if count:
                permuted = _fmix32(hashes)[:, None] * self.a + self.b
                sizes = np.fromiter((len(s) for s in shingle_sets[start:stop]), dtype=np.int64, count=stop - start)
                filled = sizes > 0
                offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))[filled]
                out[start:stop][filled] = np.minimum.reduceat(permuted, offsets, axis=0)
            start = stop
        return out

    def band_hashes(self, signatures: np.ndarray) -> np.ndarray:
        """(keys × bands) uint64: each band's rows folded into one number."""
        used = signatures[:, : self.bands * self.rows].astype(np.uint64).reshape(len(signatures), self.bands, self.rows)
        folded = np.zeros((len(signatures), self.bands), dtype=np.uint64)
        for row in range(self.rows):
            folded = folded * np.uint64(_BAND_MULTIPLIERS[row % 4]) + used[:, :, row] + np.uint64(row + 1)
        return folded


def _distinct_sorted(ids: np.ndarray) -> np.ndarray:
    """np.unique(ids), twice as fast here: a bucket's ids are ascending, and a stable sort
    (timsort) merges such runs."""
    ids = np.sort(ids, kind="stable")
    first = np.empty(len(ids), dtype=bool)
    first[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    return ids[first]


class BandTables:
    """The LSH buckets: for each band, which keys share that band's hash. Stored as one sorted
    (hash, key id) array pair per band — about 12 bytes per key and band, where dicts of bytes
    take ~200 — plus, while keys are being added, a dict per band for the keys added since the
    last merge, so a key is looked up among all keys before it."""

    def __init__(self, bands: int):
        self.hashes = [np.empty(0, dtype=np.uint64) for _ in range(bands)]
        self.ids = [np.empty(0, dtype=np.int32) for _ in range(bands)]
        self.pending: list[dict[int, list[int]]] = [{} for _ in range(bands)]
        self.pending_keys = 0

    def candidates(self, row: np.ndarray) -> np.ndarray:
        """Ids of the keys that share at least one band with the band hashes `row`."""
        return self.with_pending(self.merged_candidates(row[None, :])[0], row)

    def merged_candidates(self, rows: np.ndarray) -> list[np.ndarray]:
        """For each row of band hashes, the ids of the merged keys sharing a band with it,
        ascending (one vectorised lookup per band for all rows). Near copies share most of their
        bands, so a row's buckets hold each candidate several times: they are joined in numpy."""
        bands = [(self.ids[band], np.searchsorted(column, rows[:, band], "left"),
                  np.searchsorted(column, rows[:, band], "right"))
                 for band, column in enumerate(self.hashes) if len(column)]
        found: list[np.ndarray] = []
        for i in range(len(rows)):
            parts = [ids[low[i]:high[i]] for ids, low, high in bands if high[i] > low[i]]
            found.append(_distinct_sorted(np.concatenate(parts)) if parts else _NO_IDS)
        return found

    def pending_candidates(self, row: np.ndarray) -> set[int]:
        found: set[int] = set()
        for band, value in enumerate(row.tolist()):
            found.update(self.pending[band].get(value, ()))
        return found

    def with_pending(self, merged: np.ndarray, row: np.ndarray) -> np.ndarray:
        """`merged` (a row's merged candidates) and the row's candidates among the pending keys
        (a key is in the merged arrays or pending, never both: no id twice)."""
        pending = self.pending_candidates(row)
        if not pending:
            return merged
        return np.concatenate((merged, np.fromiter(pending, dtype=merged.dtype, count=len(pending))))

    @property
    def merged(self) -> int:
        return len(self.ids[0]) if self.ids else 0

    def insert(self, kid: int, row: np.ndarray) -> None:
        for band, value in enumerate(row.tolist()):
            self.pending[band].setdefault(value, []).append(kid)
        self.pending_keys += 1

    def merge(self) -> None:
        """Move the pending keys into the sorted arrays."""
        for band, table in enumerate(self.pending):
            if not table:
                continue
            ids = [kid for kids in table.values() for kid in kids]
            values = [value for value, kids in table.items() for _ in kids]
            hashes = np.concatenate((self.hashes[band], np.array(values, dtype=np.uint64)))
            order = np.argsort(hashes, kind="stable")
            self.hashes[band] = hashes[order]
            self.ids[band] = np.concatenate((self.ids[band], np.array(ids, dtype=np.int32)))[order]
            self.pending[band] = {}
        self.pending_keys = 0


class NearDuplicates:
    """Distinct normalised keys and their near-copy neighbours, built incrementally: each new
    key is looked up among the keys already in, then inserted."""

    def __init__(self, options: IndexOptions):
        self.options = options
        self.keys = StringColumn()
        self.ids = HashedLookup(self.keys)
        # key id → ids of its near copies: arrays, not sets — a province has millions of links,
        # and forked workers read arrays without writing to (and so copying) the parent's pages
        self.neighbours = IdLists()
        self.key_lengths = IntColumn()  # characters of each key
        self.linked: set[int] = set()  # keys of a loaded index that got new near copies since
        self.sketch = Sketch.for_options(options)
        self.tables = BandTables(self.sketch.bands)
        self.blocks: dict[tuple, list[int]] = defaultdict(list)  # short path: (side, h, text) → ids
        self.by_length: dict[int, list[int]] = defaultdict(list)  # short path fallback
        t = options.threshold
        self._cutoff = t * 100
        s = options.short_len - 1  # the longest short key
        # the longest key a short key can be a near copy of: 2·s / (s + l) ≥ t
        self._pool_max = math.floor(2 * s / t - s + 1e-9) if t > 0 else 10**9
        # one edit is all a short pair can differ by when (1 - t)·(la + lb) < 2
        self._one_edit = (1 - t) * (s + self._pool_max) < 2 - 1e-9

    # -- saving and loading -----------------------------------------------------------------------

    def frozen(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(manifest entries, arrays) of the saved form."""
        self.tables.merge()
        keys = list(self.keys)
        pool = StringPool.of(keys)
        hashes, order = HashedLookup.frozen_parts(keys)
        offsets, values = self.neighbours.csr(len(keys))
        arrays: dict[str, Any] = {
            "near.keys.blob": pool.blob, "near.keys.offsets": pool.offsets, "near.ids.hashes": hashes,
            "near.ids.order": order, "near.neighbours.offsets": offsets, "near.neighbours.values": values,
            "near.key_lengths": self.key_lengths.numpy()}
        for band, (column, ids) in enumerate(zip(self.tables.hashes, self.tables.ids)):
            arrays[f"near.band{band}.hashes"] = column
            arrays[f"near.band{band}.ids"] = ids
        return {"near.blocks": dict(self.blocks), "near.by_length": dict(self.by_length)}, arrays

    @classmethod
    def thaw(cls, options: IndexOptions, manifest: dict[str, Any], arrays: dict[str, np.ndarray]) -> NearDuplicates:
        near = cls(options)
        lengths = arrays["near.key_lengths"]
        near.keys = StringColumn(StringPool(arrays["near.keys.blob"], arrays["near.keys.offsets"]), None, len(lengths))
        near.ids = HashedLookup(near.keys, arrays["near.ids.hashes"], arrays["near.ids.order"])
        near.neighbours = IdLists(arrays["near.neighbours.offsets"], arrays["near.neighbours.values"])
        near.key_lengths = IntColumn("i", lengths)
        near.tables.hashes = [arrays[f"near.band{band}.hashes"] for band in range(near.sketch.bands)]
        near.tables.ids = [arrays[f"near.band{band}.ids"] for band in range(near.sketch.bands)]
        near.blocks = defaultdict(list, manifest["near.blocks"])
        near.by_length = defaultdict(list, manifest["near.by_length"])
        return near

    # -- lookup ---------------------------------------------------------------------------------

    def _band_rows(self, keys: Sequence[str]) -> np.ndarray:
        """(keys × bands) LSH band hashes of long keys."""
        sets = [[g.encode("utf-8") for g in shingles(k, words=self.options.word_shingles)] for k in keys]
        return self.sketch.band_hashes(self.sketch.signatures(sets))

    def _verify(self, key: str, candidates: Collection[int] | np.ndarray, short_only: bool = False) -> set[int]:
        """The candidates that are near copies of `key`. Lengths first, from the length column:
        most candidates fail on length alone (ratio ≤ 2·min / (la + lb)), and a loaded index would
        otherwise decode every candidate's text."""
        ids = candidates if isinstance(candidates, np.ndarray) else list(candidates)
        n = len(key)
        short = self.options.short_len if short_only else None
        if len(ids) < SMALL:
            ids = ids.tolist() if isinstance(ids, np.ndarray) else ids
            survivors = [other for other, length in zip(ids, self.key_lengths.values(ids))
                         if 2 * min(n, length) * 100 >= self._cutoff * (n + length) - 1e-9
                         and (short is None or min(n, length) < short)]
            return {other for other in survivors if fuzz.ratio(key, self.keys[other]) >= self._cutoff}
        at = np.asarray(ids, dtype=np.int64)
        lengths = self.key_lengths.take(at).astype(np.int64)
        shorter = np.minimum(lengths, n)
        possible = 2 * shorter * 100 >= self._cutoff * (lengths + n) - 1e-9
        if short is not None:
            possible &= shorter < short  # a pair of long keys is the LSH path's to find
        kept = at[possible]
        texts = self.keys.many(kept.tolist())
        scores = process.cdist([key], texts, scorer=fuzz.ratio, dtype=np.float64)[0] if texts else np.zeros(0)
        return set(kept[scores >= self._cutoff].tolist())

    @staticmethod
    def _block_keys(key: str) -> list[tuple]:
        """Keys of length m and m+1 one edit apart share the first or the last m//2 characters:
        a key of length n files under both n//2 and (n-1)//2."""
        n = len(key)
        return [(side, h, key[:h] if side == "p" else key[n - h:])
                for h in sorted({n // 2, max(0, (n - 1) // 2)}) for side in ("p", "s")]

    def _short_candidates(self, key: str) -> Collection[int]:
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

    def search(self, key: str, candidates: np.ndarray | None = None) -> set[int]:
        """Ids of the keys already in that are near copies of `key` (not `key` itself).
        `candidates`: its LSH candidates when already looked up (distinct ids, in no set order)."""
        found: set[int] = set()
        if len(key) >= self.options.short_len:
            if candidates is None:
                candidates = self.tables.candidates(self._band_rows([key])[0])
            found |= self._verify(key, candidates)
        if len(key) <= self._pool_max:
            found |= self._verify(key, self._short_candidates(key), short_only=True)
        found.discard(self.ids.get(key, -1))
        return found

    # -- insertion ------------------------------------------------------------------------------

    def _insert(self, block: list[str]) -> None:
        long_keys = [k for k in block if len(k) >= self.options.short_len]
        rows = self._band_rows(long_keys) if long_keys else np.empty((0, self.sketch.bands), dtype=np.uint64)
        merged = self.tables.merged_candidates(rows)
        at_row = {key: i for i, key in enumerate(long_keys)}
        # the block's links, both ways, in the order they are found: stored in one go at the end
        # (nothing reads a key's neighbours while the block is inserted)
        link_from: list[np.ndarray] = []
        link_to: list[np.ndarray] = []
        saved = self.neighbours.frozen
        for key in block:
            i = at_row.get(key)
            found = self.search(key, None if i is None else self.tables.with_pending(merged[i], rows[i]))
            kid = len(self.keys)
            self.keys.append(key)
            self.key_lengths.append(len(key))
            self.ids[key] = kid
            if found:
                others = np.array(sorted(found), dtype=np.int32)
                mine = np.full(len(others), kid, dtype=np.int32)
                link_from += (mine, others)
                link_to += (others, mine)
                if saved and others[0] < saved:
                    self.linked.update(others[others < saved].tolist())
            if i is not None:
                self.tables.insert(kid, rows[i])
            if len(key) <= self._pool_max:
                if self._one_edit:
                    for block_key in self._block_keys(key):
                        self.blocks[block_key].append(kid)
                else:
                    self.by_length[len(key)].append(kid)
        if link_from:
            self.neighbours.extend(np.concatenate(link_from), np.concatenate(link_to))

    def add(self, keys: Iterable[str]) -> list[int]:
        """Insert the keys not yet in (each compared with all before it); the ids of all."""
        keys = list(keys)
        new = list(dict.fromkeys(k for k in keys if k not in self.ids))
        for start in range(0, len(new), LOOKUP_BLOCK):
            # a block's candidates among the merged keys are looked up together, among the keys
            # added since the last merge key by key (pending dicts, merged once they grow: a merge
            # re-sorts every band, too costly for the few keys of one submission)
            self._insert(new[start : start + LOOKUP_BLOCK])
            if self.tables.pending_keys >= max(MERGE_AT, self.tables.merged // 4):
                self.tables.merge()
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
        # longest first (a formula inside a longer one must not cut it); ties by text, not set order
        texts = sorted({normalise(str(t)) for t in data.get("texts") or () if normalise(str(t))}, key=lambda t: (-len(t), t))
        return cls(tuple(texts), tuple(re.compile(str(p)) for p in data.get("patterns") or ()))

    @property
    def digest(self) -> str:
        """Identifies the list: flags saved with an index are stale once it changes."""
        return hashlib.sha256(repr((self.texts, tuple(p.pattern for p in self.patterns))).encode()).hexdigest()

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
class IndexEntry:
    """What the index keeps of one submission: its fingerprint, source, unit and year, its
    projects and its text units. Built where the submission was read (a pool worker), so the
    process that holds the index never needs the parsed submission."""

    fingerprint: str
    meta: dict[str, Any]  # source, unit_name, year
    projects: list[ProjectInfo]
    units: list[TextUnit]

    @classmethod
    def of(cls, submission: Submission) -> IndexEntry:
        units = extract_units(submission)
        projects = [ProjectInfo(submission.source, submission.unit_name, table.number, table.project, table.title,
                                table.fund_use, tuple(table.goals)) for table in submission.tables]
        return cls(fingerprint(submission, units),
                   {"source": submission.source, "unit_name": submission.unit_name, "year": submission.year},
                   projects, units)


@dataclass
class Copy:
    """A unit of the queried submission and the places elsewhere that hold (nearly) the same text."""

    unit: TextUnit
    others: list[tuple[TextUnit, float, str]]  # (the other place, ratio 0–100, its submission's
    # fingerprint), most similar first
    common: bool  # a common formula: shared wording, not copying


class UnitTable:
    """The index's text units, stored by column: a province's millions of units as a few int
    columns and pooled strings (store.py; about 40 bytes a unit, not 180), turned into TextUnit
    objects only when read."""

    KINDS = ("goal", "description", "value_basis", "fund_use", "narrative")
    _KIND_NUMBERS = {kind: number for number, kind in enumerate(KINDS)}
    INT_COLUMNS = ("owner", "table", "row", "kind", "index", "project")

    def __init__(self) -> None:
        self.owner = IntColumn()  # unit → owner number
        self.table = IntColumn()
        self.row = IntColumn()  # -1: no row
        self.kind = IntColumn("b")
        self.index = IntColumn()
        self.project = IntColumn()  # unit → number in `labels`
        self.text = StringColumn()
        self.evidence = StringColumn()  # None: the same as text
        self.owners: list[tuple[str, str, str]] = []  # owner number → (fingerprint, source, unit_name)
        self.labels: list[str] = []
        self._owner_ids: dict[str, int] = {}
        self._label_ids: dict[str, int] = {}
        self.loaded = False  # columns on a saved file's arrays (else plain arrays and lists)
        # the plain arrays and lists behind the columns, read directly while nothing is loaded
        self._owner, self._table, self._row, self._kind, self._index, self._project = (
            getattr(self, name).tail for name in self.INT_COLUMNS)
        self._text, self._evidence = self.text.tail, self.evidence.tail

    # -- saving and loading -----------------------------------------------------------------------

    def frozen(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(manifest entries, arrays) of the saved form."""
        arrays: dict[str, Any] = {f"units.{name}": getattr(self, name).numpy() for name in self.INT_COLUMNS}
        for name in ("text", "evidence"):
            pool, ids = getattr(self, name).frozen_parts()
            arrays.update({f"units.{name}.blob": pool.blob, f"units.{name}.offsets": pool.offsets,
                           f"units.{name}.ids": ids})
        return {"units.owners": self.owners, "units.labels": self.labels}, arrays

    @classmethod
    def thaw(cls, manifest: dict[str, Any], arrays: dict[str, np.ndarray]) -> UnitTable:
        table = cls()
        for name in cls.INT_COLUMNS:
            column = getattr(table, name)
            setattr(table, name, IntColumn(column.tail.typecode, arrays[f"units.{name}"]))
        for name in ("text", "evidence"):
            ids = arrays[f"units.{name}.ids"]
            pool = StringPool(arrays[f"units.{name}.blob"], arrays[f"units.{name}.offsets"])
            setattr(table, name, StringColumn(pool, ids, len(ids)))
        table.loaded = True
        table.owners = manifest["units.owners"]
        table.labels = manifest["units.labels"]
        table._owner_ids = {owner[0]: number for number, owner in enumerate(table.owners)}
        table._label_ids = {label: number for number, label in enumerate(table.labels)}
        return table

    # -- building and reading -------------------------------------------------------------------

    def extend(self, units: Sequence[TextUnit], fingerprint: str) -> None:
        """Append the units of one submission (column by column: a province has millions)."""
        if not units:
            return
        owner = self._owner_ids.get(fingerprint)
        if owner is None:
            owner = self._owner_ids[fingerprint] = len(self.owners)
            self.owners.append((fingerprint, units[0].source, units[0].unit_name))
        label_ids, labels = self._label_ids, self.labels
        for unit in units:
            if unit.project not in label_ids:
                label_ids[unit.project] = len(labels)
                labels.append(unit.project)
        kinds = self._KIND_NUMBERS
        self.owner.extend([owner] * len(units))
        self.table.extend([unit.table for unit in units])
        self.row.extend([-1 if unit.row is None else unit.row for unit in units])
        self.kind.extend([kinds[unit.kind] for unit in units])
        self.index.extend([unit.index for unit in units])
        self.project.extend([label_ids[unit.project] for unit in units])
        self.text.extend([unit.text for unit in units])
        self.evidence.extend([None if unit.evidence == unit.text else unit.evidence for unit in units])

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, u: int) -> TextUnit:
        if self.loaded:
            return self.units_at([u])[0]
        # built in memory: the columns' plain arrays and lists, read directly (a batch audit
        # reads millions of units)
        _fp, source, unit_name = self.owners[self._owner[u]]
        row = self._row[u]
        text = self._text[u]
        evidence = self._evidence[u]
        return TextUnit(source, unit_name, self._table[u], self.labels[self._project[u]], None if row < 0 else row,
                        self.KINDS[self._kind[u]], self._index[u], text, text if evidence is None else evidence)

    def __iter__(self) -> Iterator[TextUnit]:
        return (self[u] for u in range(len(self)))

    def places(self, positions: Sequence[int]) -> list[tuple[int, int, int, int, int, int]]:
        """(position, owner number, table, row (-1: none), kind number, index) of each unit, read
        column by column (a text's places in a province can be thousands)."""
        at = list(positions)
        if not self.loaded:  # built in memory: the columns are plain arrays
            owner, table, row, kind, index = self._owner, self._table, self._row, self._kind, self._index
            return [(u, owner[u], table[u], row[u], kind[u], index[u]) for u in at]
        return list(zip(at, *(getattr(self, name).values(at) for name in ("owner", "table", "row", "kind", "index"))))

    def read(self, positions: Sequence[int], step: int) -> Iterator[tuple[int, TextUnit]]:
        """(u, self[u]) for the units at `positions`, lazily (a reader may stop early); from a
        loaded index, `step` at a time read column by column."""
        if not self.loaded:
            return zip(positions, map(self.__getitem__, positions))
        return self._read_saved(positions, step)

    def _read_saved(self, positions: Sequence[int], step: int) -> Iterator[tuple[int, TextUnit]]:
        for start in range(0, len(positions), step):
            block = positions[start:start + step]
            yield from zip(block, self.units_at(block))

    def units_at(self, positions: Sequence[int]) -> list[TextUnit]:
        """[self[u] for u in positions]; from a loaded index, read column by column."""
        if not self.loaded:  # built in memory: plain arrays and lists
            return [self[u] for u in positions]
        at = list(positions)
        texts, evidence = self.text.many(at), self.evidence.many(at)
        owners, labels, kinds = self.owners, self.labels, self.KINDS
        return [TextUnit(owners[owner][1], owners[owner][2], table, labels[project], None if row < 0 else row,
                         kinds[kind], number, text, text if quote is None else quote)
                for owner, table, project, row, kind, number, text, quote in zip(
                    *(getattr(self, name).values(at) for name in ("owner", "table", "project", "row", "kind", "index")),
                    texts, evidence)]

    def owner_of(self, u: int) -> int:
        """The owner number (submission) of unit `u`."""
        return self.owner[u] if self.loaded else self._owner[u]

    def fingerprint(self, u: int) -> str:
        """The fingerprint of the submission unit `u` belongs to."""
        return self.owners[self.owner[u] if self.loaded else self._owner[u]][0]  # owner_of, inlined: called per place

    def unit_name(self, u: int) -> str:
        return self.owners[self.owner_of(u)][2]


@dataclass
class CorpusIndex:
    options: IndexOptions = field(default_factory=IndexOptions)
    units: UnitTable = field(default_factory=UnitTable)
    unit_keys: IntColumn = field(default_factory=IntColumn)  # unit → key id
    key_units: IdLists = field(default_factory=IdLists)  # key → unit positions
    projects: RecordMap = field(default_factory=RecordMap)  # (fingerprint, table) → ProjectInfo
    submissions: dict[str, dict[str, Any]] = field(default_factory=dict)  # fingerprint → source, unit, year
    near: NearDuplicates | None = None
    # a loaded index: per-cluster boilerplate counts as saved (stats.ClusterSummaries), and each
    # saved key's is_common; None when built in memory, or when the formula list changed since
    summaries: Any = None
    saved_common: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.near is None:
            self.near = NearDuplicates(self.options)
        self._formulas: Formulas | None = None
        self._common: dict[int, bool] = {}
        self._owner_orgs: dict[int, str] = {}
        self.grown: set[int] = set()  # keys of a loaded index that got new units since

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(cls, submissions: Iterable[Submission], options: IndexOptions | None = None, **overrides: Any) -> CorpusIndex:
        """The index of every text unit of `submissions`."""
        options = IndexOptions(**{**asdict(options or IndexOptions()), **overrides})
        index = cls(options)
        index.add_all(submissions)
        return index

    def add_all(self, submissions: Iterable[Submission]) -> None:
        self.add_entries(IndexEntry.of(submission) for submission in submissions)

    def add_entries(self, entries: Iterable[IndexEntry]) -> None:
        """Add submissions as IndexEntry (what a pool worker that read them sends back)."""
        batch = []
        for entry in entries:
            if entry.fingerprint in self.submissions:
                continue  # the same document read twice (under another path)
            self.submissions[entry.fingerprint] = dict(entry.meta)
            for info in entry.projects:
                self.projects[(entry.fingerprint, info.table)] = info
            batch.append((entry.fingerprint, entry.units))
        ids = self.near.add(u.key for _fp, units in batch for u in units)
        first = len(self.units)
        for fp, units in batch:
            self.units.extend(units, fp)
        self.unit_keys.extend(ids)
        kids = np.array(ids, dtype=np.int32)
        self.key_units.extend(kids, np.arange(first, first + len(ids), dtype=np.int32))
        saved_keys = self.key_units.frozen
        if saved_keys and len(kids):
            self.grown.update(kids[kids < saved_keys].tolist())
        self._common.clear()

    def add(self, submission: Submission) -> None:
        self.add_all([submission])

    def consolidate(self) -> None:
        """Merge the keys added since the last merge into the LSH's sorted arrays (compact, and
        shared page by page with forked workers that only read them)."""
        self.near.tables.merge()

    def __len__(self) -> int:
        return len(self.units)

    # -- persistence ----------------------------------------------------------------------------

    @staticmethod
    def _file(path: str | Path) -> Path:
        path = Path(path)
        return path / INDEX_FILE if path.is_dir() or str(path).endswith(("/", "\\")) else path

    def save(self, path: str | Path) -> Path:
        """Write the index (atomically) to `path`: a file, or INDEX_FILE inside a folder. Arrays
        a query maps straight from the file (store.py), and what a query would otherwise walk the
        province for: each key's is_common and each cluster's boilerplate counts."""
        from .stats import ClusterSummaries

        target = self._file(path)
        self.consolidate()
        near_manifest, arrays = self.near.frozen()
        unit_manifest, unit_arrays = self.units.frozen()
        arrays.update(unit_arrays)
        arrays["unit_keys"] = self.unit_keys.numpy()
        arrays["key_units.offsets"], arrays["key_units.values"] = self.key_units.csr(len(self.near.keys))
        arrays["projects.hashes"], arrays["projects.offsets"], arrays["projects.blob"] = \
            RecordMap.frozen_parts(self.projects.items())
        saved_common = np.fromiter((self.is_common(k) for k in range(len(self.near.keys))), dtype=bool,
                                   count=len(self.near.keys))
        arrays["saved_common"] = saved_common
        summaries = ClusterSummaries.build(
            self, (arrays["near.neighbours.offsets"], arrays["near.neighbours.values"]),
            StringPool(arrays["units.text.blob"], arrays["units.text.offsets"]), arrays["units.text.ids"], saved_common)
        arrays.update(summaries.arrays())
        manifest = {"options": asdict(self.options), "submissions": self.submissions,
                    "formulas": self.formulas.digest, **near_manifest, **unit_manifest}
        with atomic_file(target, "wb") as file:
            write_arrays(file, MAGIC + f"{FORMAT_VERSION}\n".encode(), manifest, arrays)
        return target

    @classmethod
    def load(cls, path: str | Path) -> CorpusIndex:
        """A saved index, its arrays mapped from the file (read-only): loading reads only the
        small manifest, and a query reads only the pages it touches."""
        from .stats import ClusterSummaries

        source = cls._file(path)
        try:
            with open(source, "rb") as file:
                head = file.read(len(MAGIC) + 32)
        except OSError as error:
            raise IndexFormatError(f"无法读取索引文件 {source}：{error.strerror or error}") from error
        if not head.startswith(MAGIC):
            raise IndexFormatError(f"{source} 不是 jixiao-auditor 的语料索引文件")
        end = head.find(b"\n", len(MAGIC))
        version_line = head[len(MAGIC):end] if end >= 0 else head[len(MAGIC):]
        if end < 0 or version_line.strip() != str(FORMAT_VERSION).encode():
            raise IndexFormatError(f"索引文件 {source} 的格式版本为 {version_line.decode(errors='replace')}，"
                                   f"本版本需要 {FORMAT_VERSION}，请用 `auditor index build` 重新生成")
        try:
            manifest, arrays = read_arrays(source, end + 1)
            options = IndexOptions(**manifest["options"])
            index = cls(options, units=UnitTable.thaw(manifest, arrays), unit_keys=IntColumn("i", arrays["unit_keys"]),
                        key_units=IdLists(arrays["key_units.offsets"], arrays["key_units.values"]),
                        projects=RecordMap(arrays["projects.hashes"], arrays["projects.offsets"],
                                           arrays["projects.blob"]),
                        submissions=manifest["submissions"], near=NearDuplicates.thaw(options, manifest, arrays))
            if manifest["formulas"] == index.formulas.digest:  # else: the saved flags are stale, recount
                index.saved_common = arrays["saved_common"]
                index.summaries = ClusterSummaries.thaw(arrays)
        except (OSError, ValueError, KeyError, TypeError, EOFError, pickle.UnpicklingError) as error:
            raise IndexFormatError(f"索引文件 {source} 已损坏，请用 `auditor index build` 重新生成（{error}）") from error
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
        owner_of = self.units.owner_of
        for kid in key_ids:  # any order: only the count decides, and it stops early
            for u in self.key_units.get(kid, ()):
                orgs.add(self.owner_org(owner_of(u)))
                if enough is not None and len(orgs) > enough:
                    return orgs
        return orgs

    def owner_org(self, owner: int) -> str:
        """The organisation of a submission (by owner number): its normalised unit name, or
        its fingerprint when it names none."""
        org = self._owner_orgs.get(owner)
        if org is None:
            fp, _source, name = self.units.owners[owner]
            org = self._owner_orgs[owner] = normalise(name) or fp
        return org

    def is_common(self, kid: int) -> bool:
        """Listed formula, or used (with its near copies) by more than formula_min_units units."""
        found = self._common.get(kid)
        if found is None:
            found = self._saved_is_common(kid) if self.saved_common is not None else None
            if found is None:
                units = self.key_units.get(kid)
                text = self.units.text[units[0]] if units else self.near.keys[kid]
                limit = self.options.formula_min_units
                keys = chain((kid,), self.near.neighbours.get(kid, ()))
                found = (self.formulas.covers(text, self.options.formula_residue)
                         or len(self._orgs(keys, limit)) > limit)
            self._common[kid] = found
        return found

    def _saved_is_common(self, kid: int) -> bool | None:
        """is_common as saved, unless it was False and what it counted changed since: the key or
        one of its near copies got units, or the key got new near copies (None: count again)."""
        saved = self.saved_common
        if saved is None or kid >= len(saved):
            return None
        if saved[kid]:
            return True  # additions only add units: a common text stays common
        if kid in self.grown or kid in self.near.linked:
            return None
        if self.grown and any(other in self.grown for other in self.near.neighbours.get(kid, ())):
            return None
        return bool(saved[kid])

    # -- queries --------------------------------------------------------------------------------

    def query(self, submission: Submission, max_places: int = 200, common_places: int = 3) -> list[Copy]:
        """Each text unit of `submission` that another project (of any submission in the index,
        this one's other tables included) holds the same or nearly the same text as, with at
        most `max_places` of those places, most similar first.

        A common formula is reported with only its first `common_places` places: it is shared
        wording (TEXT_REUSE does not report it; the boilerplate statistics count it from the
        index itself), and walking its occurrences for every submission would make a province
        audit quadratic."""
        mine = extract_units(submission)
        fp = fingerprint(submission, mine)
        limit = self.options.formula_min_units
        units = self.units
        texts = self.near.keys.reader()
        found: list[Copy] = []
        for unit in mine:
            key = unit.key
            kid = self.near.ids.get(key)
            near = self.near.neighbours.get(kid, ()) if kid is not None else self.near.search(key)
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
                    (100.0 if other_kid == kid else fuzz.ratio(key, texts[other_kid]), other_kid)
                    for other_kid in order)
            else:
                scored = sorted(((100.0 if other_kid == kid else fuzz.ratio(key, texts[other_kid]), other_kid)
                                 for other_kid in chain(own, near)), key=lambda item: (-item[0], item[1]))
            others: dict[tuple, tuple[TextUnit, float, str]] = {}
            # a common formula stops after a few places: read its places a few at a time
            step = min(PLACES_BLOCK, cap) if common else PLACES_BLOCK
            for score, other_kid in scored:
                if common and len(others) >= cap:
                    break
                for u, other in units.read(self.key_units.get(other_kid, ()), step):
                    owner = units.fingerprint(u)
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
