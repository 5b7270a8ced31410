"""Containers of the corpus index that can sit on a memory-mapped file.

A saved province index is hundreds of MB: millions of text units and tens of millions of
near-copy links. Unpickling it took seconds; checking one new file against it reads only a few
thousand of those entries. So each container has a frozen *base* — numpy arrays, read straight
from the mapped file, whose pages the system loads only when touched — and a small in-memory
*tail* for what is added after loading (the submissions of the run). An index built in memory is
the same containers with an empty base.

* `IntColumn`: ints by position.
* `StringColumn`: strings by position; the base as one UTF-8 blob of distinct strings with
  offsets, and a position → string id array (units share their texts).
* `IdLists`: int → list of ints (near-copy links, a key's units); the base as CSR arrays.
* `HashedLookup`: string → int (a key's id); the base as a sorted array of 64-bit hashes, each
  match confirmed against the string itself.
* `RecordMap`: hashable key → small picklable record (project tables); the base as sorted hashes
  and pickled records, a record unpickled only when asked for.

`write_arrays` / `read_arrays` hold them: a header, a pickled manifest of small objects and array
descriptors, then each array's raw bytes, aligned for direct mapping.
"""
from __future__ import annotations

import hashlib
import mmap
import pickle
import struct
from array import array
from collections.abc import Hashable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

ALIGN = 64
SMALL = 32  # fewer positions than this are read one by one (a numpy gather costs microseconds to set up)
_EMPTY_I32 = np.zeros(0, dtype=np.int32)
_EMPTY_I64 = np.zeros(1, dtype=np.int64)


def hash64(text: str) -> int:
    """A stable 64-bit hash of a string (Python's hash() changes from run to run)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def hashes64(texts: Iterable[str]) -> np.ndarray:
    return np.fromiter((hash64(t) for t in texts), dtype=np.uint64)


# ------------------------------------------------------------------------------------------------
# Columns
# ------------------------------------------------------------------------------------------------


class IntColumn:
    """Ints by position: a frozen numpy base, then an array of those added since."""

    __slots__ = ("base", "tail", "_frozen")

    def __init__(self, typecode: str = "i", base: np.ndarray | None = None):
        self.tail = array(typecode)
        self.base = base if base is not None else np.zeros(0, dtype=np.dtype(typecode))
        self._frozen = len(self.base)

    def append(self, value: int) -> None:
        self.tail.append(value)

    def extend(self, values: Iterable[int]) -> None:
        self.tail.extend(values)

    def __len__(self) -> int:
        return self._frozen + len(self.tail)

    def __getitem__(self, i: int) -> int:
        return int(self.base[i]) if i < self._frozen else self.tail[i - self._frozen]

    def values(self, positions: list[int]) -> list[int]:
        """The values at `positions`, as a list."""
        if len(positions) < SMALL:
            if not self._frozen:
                tail = self.tail
                return [tail[i] for i in positions]
            return [self[i] for i in positions]
        return self.take(np.asarray(positions, dtype=np.int64)).tolist()

    def take(self, positions: np.ndarray) -> np.ndarray:
        """The values at `positions` (an int array), as an array."""
        if not len(self.tail):
            return self.base[positions]
        tail = np.frombuffer(self.tail, dtype=self.base.dtype)
        if not self._frozen:
            return tail[positions]
        out = np.empty(len(positions), dtype=self.base.dtype)
        saved = positions < self._frozen
        out[saved] = self.base[positions[saved]]
        out[~saved] = tail[positions[~saved] - self._frozen]
        return out

    def numpy(self) -> np.ndarray:
        """The whole column as one array (a view when nothing was added, or nothing was frozen)."""
        if not len(self.tail):
            return self.base
        tail = np.frombuffer(self.tail, dtype=self.base.dtype)
        return tail if not self._frozen else np.concatenate((self.base, tail))


class StringPool:
    """Distinct strings as one UTF-8 blob with offsets (the frozen part of a StringColumn)."""

    __slots__ = ("blob", "offsets")

    def __init__(self, blob: Any = b"", offsets: np.ndarray | None = None):
        self.blob = memoryview(blob)
        self.offsets = offsets if offsets is not None else _EMPTY_I64

    @classmethod
    def of(cls, strings: list[str]) -> StringPool:
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, j: int) -> str:
        return str(self.blob[self.offsets[j]:self.offsets[j + 1]], "utf-8")


class StringColumn:
    """Strings (or None) by position: a frozen pool and position → pool id (-1: None; no id
    array: position = id), then a list of those added since."""

    __slots__ = ("pool", "ids", "tail", "_frozen")

    def __init__(self, pool: StringPool | None = None, ids: np.ndarray | None = None, frozen: int = 0):
        self.pool = pool or StringPool()
        self.ids = ids
        self.tail: list[str | None] = []
        self._frozen = frozen

    def append(self, text: str | None) -> None:
        self.tail.append(text)

    def extend(self, texts: Iterable[str | None]) -> None:
        self.tail.extend(texts)

    def __len__(self) -> int:
        return self._frozen + len(self.tail)

    def __getitem__(self, i: int) -> str | None:
        if i >= self._frozen:
            return self.tail[i - self._frozen]
        j = i if self.ids is None else int(self.ids[i])
        return None if j < 0 else self.pool[j]

    def __iter__(self) -> Iterator[str | None]:
        return (self[i] for i in range(len(self)))

    def reader(self) -> list[str | None] | StringColumn:
        """Something indexable like this column: the plain list when nothing is frozen (a list
        index costs no Python call; a batch reads millions)."""
        return self.tail if not self._frozen else self

    def many(self, positions: list[int]) -> list[str | None]:
        """The strings at `positions`: one gather per column, then the slices."""
        if not self._frozen:
            tail = self.tail
            return [tail[i] for i in positions]
        if len(positions) < SMALL:
            return [self[i] for i in positions]
        positions = np.asarray(positions, dtype=np.int64)
        out: list[str | None] = [None] * len(positions)
        listed = positions.tolist()
        saved = positions < self._frozen
        at = np.flatnonzero(saved)
        if len(at):
            ids = positions[at] if self.ids is None else self.ids[positions[at]].astype(np.int64)
            starts = self.pool.offsets[np.maximum(ids, 0)].tolist()
            ends = self.pool.offsets[np.maximum(ids, 0) + 1].tolist()
            blob = self.pool.blob
            for k, j, a, b in zip(at.tolist(), ids.tolist(), starts, ends):
                out[k] = None if j < 0 else str(blob[a:b], "utf-8")
        for k in np.flatnonzero(~saved).tolist():
            out[k] = self.tail[listed[k] - self._frozen]
        return out

    def frozen_parts(self) -> tuple[StringPool, np.ndarray]:
        """(pool of the distinct strings, position → pool id) of every position, for saving."""
        strings = list(self)
        numbers: dict[str | None, int] = {None: -1}
        ids = np.fromiter((numbers.setdefault(s, len(numbers) - 1) for s in strings), dtype=np.int32,
                          count=len(strings))
        return StringPool.of([s for s in numbers if s is not None]), ids


class IdLists:
    """int → list of ints: a frozen CSR base (offsets, values), then the ids appended since."""

    __slots__ = ("offsets", "values", "tail", "frozen")

    def __init__(self, offsets: np.ndarray | None = None, values: np.ndarray | None = None):
        self.offsets = offsets if offsets is not None else _EMPTY_I64
        self.values = values if values is not None else _EMPTY_I32
        self.tail: dict[int, array[int]] = {}
        self.frozen = len(self.offsets) - 1  # keys in the base

    def add(self, key: int, value: int) -> None:
        found = self.tail.get(key)
        if found is None:
            found = self.tail[key] = array("i")
        found.append(value)

    def extend(self, keys: np.ndarray, values: np.ndarray) -> None:
        """add(keys[i], values[i]) for every i, in order: grouped by key in numpy first, so a
        block of links costs one call per key it touches, not one per link (a province's index
        gets tens of millions)."""
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        values = np.ascontiguousarray(values[order], dtype=np.int32)  # the array typecode "i"
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        raw = memoryview(values).cast("B")
        size = values.itemsize
        tail = self.tail
        for key, start, end in zip(keys[starts].tolist(), (starts * size).tolist(), (ends * size).tolist()):
            found = tail.get(key)
            if found is None:
                found = tail[key] = array("i")
            found.frombytes(raw[start:end])

    def get(self, key: int, default: Any = ()) -> list[int] | Any:
        """The ids of `key` in the order they were added (`default` when it has none)."""
        if key >= self.frozen or key < 0:  # added since loading, or built in memory
            return self.tail.get(key) or default  # not copied: callers only read
        base = self.values[self.offsets[key]:self.offsets[key + 1]].tolist()
        more = self.tail.get(key)
        if more:
            return base + more.tolist()
        return base or default

    def keys(self) -> list[int]:
        with_base = np.flatnonzero(np.diff(self.offsets)).tolist() if self.frozen else []
        return sorted(set(with_base).union(k for k, v in self.tail.items() if v))

    def items(self) -> Iterator[tuple[int, list[int]]]:
        return ((key, self.get(key)) for key in self.keys())

    def as_dict(self) -> dict[int, list[int]]:
        return {key: list(ids) for key, ids in self.items()}

    def csr(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """(offsets, values) of keys 0 … size-1, for saving."""
        counts = np.zeros(size, dtype=np.int64)
        if self.frozen:
            counts[:self.frozen] = np.diff(self.offsets)
        for key, more in self.tail.items():
            counts[key] += len(more)
        offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        if not self.tail:
            return offsets, np.asarray(self.values, dtype=np.int32)
        values = np.empty(int(offsets[-1]), dtype=np.int32)
        for key in range(size):
            got = self.get(key)
            values[offsets[key]:offsets[key + 1]] = got if got else ()
        return offsets, values


class HashedLookup:
    """str → int: a frozen base (sorted 64-bit hashes of the strings and their ids; a match is
    confirmed against `strings`, so a hash collision can never give a wrong id), then a dict."""

    __slots__ = ("hashes", "ids", "strings", "tail")

    def __init__(self, strings: StringColumn | None = None, hashes: np.ndarray | None = None,
                 ids: np.ndarray | None = None):
        self.strings = strings
        self.hashes = hashes if hashes is not None else np.zeros(0, dtype=np.uint64)
        self.ids = ids if ids is not None else _EMPTY_I32
        self.tail: dict[str, int] = {}

    @classmethod
    def frozen_parts(cls, strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
        hashes = hashes64(strings)
        order = np.argsort(hashes, kind="stable")
        return hashes[order], order.astype(np.int32)

    def get(self, text: str, default: int | None = None) -> int | None:
        found = self.tail.get(text)
        if found is not None or not len(self.hashes):
            return default if found is None else found
        h = np.uint64(hash64(text))
        at = int(np.searchsorted(self.hashes, h))
        while at < len(self.hashes) and self.hashes[at] == h:
            candidate = int(self.ids[at])
            if self.strings[candidate] == text:
                return candidate
            at += 1
        return default

    def __getitem__(self, text: str) -> int:
        found = self.get(text)
        if found is None:
            raise KeyError(text)
        return found

    def __contains__(self, text: str) -> bool:
        return self.get(text) is not None

    def __setitem__(self, text: str, value: int) -> None:
        self.tail[text] = value

    def __len__(self) -> int:
        return len(self.hashes) + len(self.tail)


class RecordMap:
    """Hashable key → picklable record: a frozen base (sorted hashes of the keys' pickles, and
    each (key, record) pickled in one blob, unpickled on demand), then a dict."""

    __slots__ = ("hashes", "offsets", "blob", "tail", "_size")

    def __init__(self, hashes: np.ndarray | None = None, offsets: np.ndarray | None = None, blob: Any = b""):
        self.hashes = hashes if hashes is not None else np.zeros(0, dtype=np.uint64)
        self.offsets = offsets if offsets is not None else _EMPTY_I64
        self.blob = memoryview(blob)
        self.tail: dict[Hashable, Any] = {}

    @staticmethod
    def _hash(key: Hashable) -> int:
        return int.from_bytes(hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).digest(), "little")

    @classmethod
    def frozen_parts(cls, items: Iterable[tuple[Hashable, Any]]) -> tuple[np.ndarray, np.ndarray, bytes]:
        entries = sorted(((cls._hash(key), pickle.dumps((key, record), protocol=pickle.HIGHEST_PROTOCOL))
                          for key, record in items), key=lambda e: e[0])
        offsets = np.zeros(len(entries) + 1, dtype=np.int64)
        np.cumsum([len(blob) for _h, blob in entries], out=offsets[1:])
        return np.array([h for h, _b in entries], dtype=np.uint64), offsets, b"".join(b for _h, b in entries)

    def _record(self, at: int) -> tuple[Hashable, Any]:
        return pickle.loads(self.blob[self.offsets[at]:self.offsets[at + 1]])  # noqa: S301 - our own file

    def get(self, key: Hashable, default: Any = None) -> Any:
        if key in self.tail:
            return self.tail[key]
        h = np.uint64(self._hash(key))
        at = int(np.searchsorted(self.hashes, h))
        while at < len(self.hashes) and self.hashes[at] == h:
            stored, record = self._record(at)
            if stored == key:
                return record
            at += 1
        return default

    def __getitem__(self, key: Hashable) -> Any:
        found = self.get(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return found

    def __contains__(self, key: Hashable) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def __setitem__(self, key: Hashable, record: Any) -> None:
        self.tail[key] = record

    def items(self) -> Iterator[tuple[Hashable, Any]]:
        for at in range(len(self.hashes)):
            key, record = self._record(at)
            if key not in self.tail:
                yield key, record
        yield from self.tail.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RecordMap):
            other = dict(other.items())
        return isinstance(other, dict) and dict(self.items()) == other

    __hash__ = None  # type: ignore[assignment]


_MISSING = object()


# ------------------------------------------------------------------------------------------------
# The file
# ------------------------------------------------------------------------------------------------


def write_arrays(file: IO[bytes], header: bytes, manifest: dict[str, Any], arrays: dict[str, Any]) -> None:
    """`header`, the manifest length and pickle, then each array's bytes at an ALIGN-aligned
    offset. `arrays`: numpy arrays or bytes-like blobs (stored as uint8)."""
    layout: dict[str, tuple[str, tuple[int, ...], int]] = {}
    at = 0
    parts = []
    for name, value in arrays.items():
        data = np.ascontiguousarray(np.frombuffer(value, dtype=np.uint8) if not isinstance(value, np.ndarray) else value)
        layout[name] = (data.dtype.str, data.shape, at)
        parts.append((at, data))
        at += -(-data.nbytes // ALIGN) * ALIGN
    body = pickle.dumps({**manifest, "arrays": layout}, protocol=pickle.HIGHEST_PROTOCOL)
    start = len(header) + 8 + len(body)
    start += -start % ALIGN
    file.write(header + struct.pack("<Q", len(body)) + body)
    file.write(b"\0" * (start - len(header) - 8 - len(body)))
    written = 0
    for offset, data in parts:
        file.write(b"\0" * (offset - written))
        file.write(memoryview(data).cast("B") if data.nbytes else b"")
        written = offset + data.nbytes


def read_arrays(path: Path, header_length: int) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The manifest and the arrays of a file written by write_arrays, mapped read-only: pages are
    read when first touched, and the input file can never be written through them."""
    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    (length,) = struct.unpack_from("<Q", view, header_length)
    body_end = header_length + 8 + length
    if body_end > len(view):
        raise ValueError("truncated manifest")
    manifest = pickle.loads(view[header_length + 8:body_end])  # noqa: S301 - our own file, checked by its header
    start = body_end + (-body_end % ALIGN)
    arrays = {}
    for name, (dtype, shape, offset) in manifest.pop("arrays").items():
        count = int(np.prod(shape)) if shape else 1
        if start + offset + count * np.dtype(dtype).itemsize > len(view):
            raise ValueError(f"truncated array {name}")
        arrays[name] = np.frombuffer(mapped, dtype=dtype, count=count, offset=start + offset).reshape(shape)
    view.release()
    return manifest, arrays
