"""Boilerplate statistics (findings.json "boilerplate", the reports' 复制粘贴 section): the
texts many projects and units share, and each submission's share of copied cells.

A cluster is a text with its near copies, transitively; its places are the units of its keys of
`min_chars` characters or more. Two ways to the same figures:

* walking: group the places of the clusters the asked submissions touch (whole-array numpy);
* from a saved index's `ClusterSummaries` (per-cluster project, organisation and wording counts
  computed when it was saved), merged with what the run added since. Checking one file against a
  province touches clusters with millions of places, which the summaries count in a few reads.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..schema import Submission
from .index import CorpusIndex
from .store import StringPool, hash64, hashes64
from .units import fingerprint

TOP_PLACES = 50  # places a summary keeps per cluster (boilerplate's max_places at most this)


def _clusters_around(index: CorpusIndex, keys: set[int]) -> dict[int, int]:
    """key id → cluster id for the clusters that hold `keys` only: a breadth-first walk of the
    neighbour graph from those keys, so one submission's statistics against a province index do
    not label every key of the province. A cluster's id is its smallest key, as in _clusters."""
    cluster_of: dict[int, int] = {}
    for start in sorted(keys):
        if start in cluster_of:
            continue
        component, frontier = {start}, [start]
        while frontier:
            kid = frontier.pop()
            for other in index.near.neighbours.get(kid, ()):
                if other not in component:
                    component.add(other)
                    frontier.append(other)
        root = min(component)
        for kid in component:
            cluster_of[kid] = root
    return cluster_of


def _clusters(index: CorpusIndex) -> dict[int, int]:
    """key id → cluster id: near copies, transitively (union-find over the neighbour graph)."""
    parent = list(range(len(index.near.keys)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for kid, others in index.near.neighbours.items():
        for other in others:
            a, b = find(kid), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {kid: find(kid) for kid in range(len(parent))}


@dataclass
class ClusterCounts:
    """What the ranking needs of each cluster shown or counted (one entry per cluster)."""

    roots: np.ndarray  # cluster id (its smallest key), ascending
    projects: np.ndarray  # distinct (submission, table) pairs, Part 1 included
    named: np.ndarray  # distinct project tables (Part 1 not counted)
    orgs: np.ndarray  # distinct organisations
    places_total: np.ndarray
    common: np.ndarray  # a common formula (only asked where two projects share the text)
    wanted: np.ndarray  # holds a place of an asked submission
    describe: Callable[[int, int], tuple[str, list[dict[str, Any]]]]  # (cluster number, places) → text, places


def boilerplate(index: CorpusIndex, submissions: Iterable[Submission] | None = None, *,
                fingerprints: Iterable[str] | None = None, min_chars: int | None = None, top: int = 100,
                max_places: int = 50) -> dict[str, Any]:
    """{"shared_texts": [...], "units": [...]}.

    shared_texts: each text (with its near copies) that two or more projects hold — its most
    frequent wording, how many projects and units use it, where (at most `max_places` places;
    `places_total` counts them all), and whether it is a common formula — most units first
    (at most `top`). units: for each submission, its cells (of at least `min_chars` characters,
    default the index's short_len), how many of them are copied (shared with another project,
    common formulas aside) and the share. With `submissions`, only the texts those submissions
    hold and only their rows; `fingerprints` names them by fingerprint instead."""
    min_chars = index.options.short_len if min_chars is None else min_chars
    if submissions is not None:
        fingerprints = [fingerprint(s) for s in submissions]
    fingerprints = list(fingerprints) if fingerprints is not None else None
    summaries: ClusterSummaries | None = index.summaries
    if (summaries is not None and fingerprints is not None and min_chars == summaries.min_chars
            and max_places <= TOP_PLACES):
        counts, cells, copied = _from_summaries(index, summaries, fingerprints)
    else:
        counts, cells, copied = _walked(index, fingerprints, min_chars)
    return {"shared_texts": _shared_texts(counts, top, max_places), "units": _unit_rows(index, fingerprints, cells, copied)}


def _shared_texts(counts: ClusterCounts, top: int, max_places: int) -> list[dict[str, Any]]:
    """The most widely shared texts: only the clusters that can reach the first `top` need their
    wording and places."""
    shown = (counts.projects >= 2) & counts.wanted
    candidates = np.flatnonzero(shown)
    orgs, named, total = counts.orgs, counts.named, counts.places_total
    ranked = candidates[np.lexsort((-total[candidates], -named[candidates], -orgs[candidates]))].tolist()
    if len(ranked) > top:
        last = ranked[top - 1]
        bound = (-orgs[last], -named[last], -total[last])
        ranked = [g for g in ranked if (-orgs[g], -named[g], -total[g]) <= bound]
    texts = []
    for g in ranked:
        text, places = counts.describe(g, max_places)
        texts.append({"text": text, "projects": int(named[g]), "units": int(orgs[g]),
                      "common_formula": bool(counts.common[g]), "places_total": int(total[g]), "places": places})
    return sorted(texts, key=lambda t: (-t["units"], -t["projects"], -t["places_total"], t["text"]))[:top]


def _unit_rows(index: CorpusIndex, fingerprints: list[str] | None, cells: np.ndarray,
               copied: np.ndarray) -> list[dict[str, Any]]:
    """Each submission's cells and copied cells (owner number → count arrays)."""
    fps = [owner[0] for owner in index.units.owners]
    rows: dict[str, dict[str, Any]] = {}
    for number in np.flatnonzero(cells).tolist():
        fp = fps[number]
        meta = index.submissions.get(fp, {})
        rows[fp] = {"unit_name": meta.get("unit_name", ""), "source": meta.get("source", ""),
                    "cells": int(cells[number]), "copied_cells": int(copied[number]), "share": 0.0}
    for fp in fingerprints or ():  # a submission without any text still has its row
        if fp in index.submissions and fp not in rows:
            meta = index.submissions[fp]
            rows[fp] = {"unit_name": meta["unit_name"], "source": meta["source"], "cells": 0,
                        "copied_cells": 0, "share": 0.0}
    for row in rows.values():
        row["share"] = round(row["copied_cells"] / row["cells"], 3) if row["cells"] else 0.0
    return sorted(rows.values(), key=lambda r: (-r["share"], -r["copied_cells"], r["source"]))


def _source_ranks(index: CorpusIndex) -> np.ndarray:
    """owner number → rank of its source path (equal paths, equal ranks)."""
    owners = index.units.owners
    if not owners:
        return np.zeros(0, np.int64)
    return np.unique(np.array([owner[1] for owner in owners], dtype=object), return_inverse=True)[1].astype(np.int64)


def _place_order(index: CorpusIndex, places: np.ndarray, ranks: np.ndarray,
                 group: np.ndarray | None = None) -> np.ndarray:
    """The order places are listed in: by source path, table, row and field number (ties: by
    position); with `group`, by group first."""
    units = index.units
    keys = [units.index.numpy()[places], np.maximum(units.row.numpy()[places], 0), units.table.numpy()[places],
            ranks[units.owner.numpy()[places]]]
    return np.lexsort(keys if group is None else [*keys, group])


# ------------------------------------------------------------------------------------------------
# Walking the places
# ------------------------------------------------------------------------------------------------


def _distinct(group: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """How many distinct values each group's places have."""
    return np.diff(_distinct_csr(group, values, groups)[0])


def _org_ids(index: CorpusIndex) -> tuple[np.ndarray, list[str]]:
    """owner number → organisation number, and the organisations."""
    names: dict[str, int] = {}
    ids = np.array([names.setdefault(index.owner_org(owner), len(names)) for owner in range(len(index.units.owners))],
                   dtype=np.int64)
    return ids, list(names)


def _walked(index: CorpusIndex, fingerprints: list[str] | None,
            min_chars: int) -> tuple[ClusterCounts, np.ndarray, np.ndarray]:
    units = index.units
    owner_of, table_of, key_of = units.owner.numpy(), units.table.numpy(), index.unit_keys.numpy()
    fps = [owner[0] for owner in units.owners]
    wanted_owner: np.ndarray | None = None
    if fingerprints is None:
        cluster_of = _clusters(index)
    else:
        wanted = set(fingerprints)
        wanted_owner = np.array([fp in wanted for fp in fps], dtype=bool)
        own = set(np.unique(key_of[wanted_owner[owner_of]]).tolist()) if len(owner_of) else set()
        cluster_of = _clusters_around(index, own)
    # the cluster of each key in the statistics (-1: outside the walked clusters, or too short)
    cluster_by_key = np.full(len(index.near.keys), -1, dtype=np.int64)
    if cluster_of:
        kids = np.fromiter(cluster_of.keys(), dtype=np.int64, count=len(cluster_of))
        roots = np.fromiter(cluster_of.values(), dtype=np.int64, count=len(cluster_of))
        long = index.near.key_lengths.numpy()[kids] >= min_chars
        cluster_by_key[kids[long]] = roots[long]
    unit_cluster = cluster_by_key[key_of] if len(key_of) else np.zeros(0, np.int64)
    positions = np.flatnonzero(unit_cluster >= 0)
    positions = positions[np.argsort(unit_cluster[positions], kind="stable")]  # by cluster, ascending within
    clusters = unit_cluster[positions]
    starts = np.flatnonzero(np.r_[True, clusters[1:] != clusters[:-1]]) if len(positions) else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], len(positions)].astype(np.int64)
    groups = len(starts)
    group = np.repeat(np.arange(groups), ends - starts)  # position → its cluster's number here
    owners = owner_of[positions].astype(np.int64)
    tables = table_of[positions].astype(np.int64)
    width = int(tables.max()) + 2 if len(tables) else 1
    project = owners * width + tables
    projects = _distinct(group, project, groups)
    named = _distinct(group, np.where(tables != 0, project, -1), groups) - (
        np.bincount(group[tables == 0], minlength=groups) > 0)
    org_of, _names = _org_ids(index)
    orgs = _distinct(group, org_of[owners], groups) if len(owners) else np.zeros(0, np.int64)
    # common formula: any key of the cluster is one (asked only where two projects share the text)
    kids_in = np.flatnonzero(cluster_by_key >= 0)
    kids_in = kids_in[np.argsort(cluster_by_key[kids_in], kind="stable")]
    kid_starts = np.searchsorted(cluster_by_key[kids_in], clusters[starts]) if groups else starts
    kid_ends = np.searchsorted(cluster_by_key[kids_in], clusters[starts], side="right") if groups else starts
    common = np.zeros(groups, dtype=bool)
    for g in np.flatnonzero(projects >= 2).tolist():
        common[g] = any(index.is_common(k) for k in kids_in[kid_starts[g]:kid_ends[g]].tolist())
    wanted_place = wanted_owner[owners] if wanted_owner is not None else np.ones(len(positions), dtype=bool)
    ranks = _source_ranks(index)

    def describe(g: int, max_places: int) -> tuple[str, list[dict[str, Any]]]:
        places = positions[starts[g]:ends[g]]
        order = _place_order(index, places, ranks)
        texts = units.text.reader()
        text = Counter(texts[p] for p in places.tolist()).most_common(1)[0][0]
        return text, [units[int(p)].to_dict() for p in places[order[:max_places]]]

    counts = ClusterCounts(clusters[starts], projects, named, orgs, (ends - starts).astype(np.int64), common,
                           np.bincount(group[wanted_place], minlength=groups) > 0, describe)
    copied_place = np.repeat((projects >= 2) & ~common, ends - starts)
    cells = np.bincount(owners[wanted_place], minlength=len(fps))
    copied = np.bincount(owners[wanted_place & copied_place], minlength=len(fps))
    return counts, cells, copied


# ------------------------------------------------------------------------------------------------
# Summaries saved with an index
# ------------------------------------------------------------------------------------------------


def _csr_of(group: np.ndarray, values: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, values) with each group's values in the order given (`group` ascending)."""
    offsets = np.zeros(groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(group, minlength=groups), out=offsets[1:])
    return offsets, values


def _distinct_csr(group: np.ndarray, values: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Each group's distinct values, sorted, as CSR."""
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    first = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])] if len(g) else np.zeros(0, bool)
    return _csr_of(g[first], v[first], groups)


def _components(offsets: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """key → its cluster's smallest key (connected components of the neighbour graph)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    if not size:
        return np.zeros(0, np.int64)
    graph = csr_matrix((np.ones(len(values), dtype=np.int8), values, offsets), shape=(size, size))
    _n, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1, size, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(size, dtype=np.int64))
    return smallest[labels]


@dataclass
class ClusterSummaries:
    """Per cluster with at least one place (clusters as in `boilerplate`, over every unit of the
    index when it was saved): its places, distinct projects and organisations, its wordings with
    their counts, its first TOP_PLACES places in listing order, and whether any of its keys is a
    common formula."""

    min_chars: int
    key_root: np.ndarray  # saved key → its cluster id (smallest key)
    roots: np.ndarray  # cluster number → cluster id, ascending
    places_total: np.ndarray
    named: np.ndarray
    common: np.ndarray  # bool
    project_offsets: np.ndarray
    project_values: np.ndarray  # owner << 32 | table, sorted per cluster
    org_offsets: np.ndarray
    org_values: np.ndarray  # organisation numbers, sorted per cluster
    org_names: StringPool
    text_offsets: np.ndarray
    text_hashes: np.ndarray  # hash64 of each wording, sorted per cluster
    text_ids: np.ndarray  # the wording's id in the saved unit texts
    text_counts: np.ndarray
    text_first: np.ndarray  # the wording's first place (unit position)
    top_offsets: np.ndarray
    top_values: np.ndarray  # unit positions in listing order

    FIELDS = ("key_root", "roots", "places_total", "named", "common", "project_offsets", "project_values",
              "org_offsets", "org_values", "text_offsets", "text_hashes", "text_ids", "text_counts", "text_first",
              "top_offsets", "top_values")

    @classmethod
    def build(cls, index: CorpusIndex, neighbours: tuple[np.ndarray, np.ndarray], text_pool: StringPool,
              text_ids: np.ndarray, saved_common: np.ndarray) -> ClusterSummaries:
        """From a whole index: its neighbour graph as CSR, its unit texts as pool + ids (as saved)
        and each key's is_common."""
        units = index.units
        min_chars = index.options.short_len
        size = len(index.near.keys)
        key_root = _components(*neighbours, size)
        key_of = index.unit_keys.numpy().astype(np.int64)
        owner_of, table_of = units.owner.numpy().astype(np.int64), units.table.numpy().astype(np.int64)
        positions = np.flatnonzero(index.near.key_lengths.numpy()[key_of] >= min_chars) if len(key_of) \
            else np.zeros(0, np.int64)
        cluster = key_root[key_of[positions]]
        order = np.argsort(cluster, kind="stable")
        positions, cluster = positions[order], cluster[order]
        starts = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]]) if len(cluster) else np.zeros(0, np.int64)
        roots = cluster[starts]
        groups = len(roots)
        group = np.repeat(np.arange(groups), np.diff(np.r_[starts, len(cluster)]))
        places_total = np.bincount(group, minlength=groups).astype(np.int64)
        owners, tables = owner_of[positions], table_of[positions]
        project_offsets, project_values = _distinct_csr(group, (owners << 32) | tables, groups)
        project_group = np.repeat(np.arange(groups), np.diff(project_offsets))
        named = np.bincount(project_group[(project_values & 0xFFFFFFFF) != 0], minlength=groups).astype(np.int64)
        org_of, org_names = _org_ids(index)
        org_offsets, org_values = _distinct_csr(group, org_of[owners] if len(owners) else owners, groups)
        # wordings: count and first place per (cluster, text), then sorted by hash within a cluster
        tids = text_ids[positions].astype(np.int64)
        order = np.lexsort((tids, group))  # stable: a text's first entry is its first place
        g, t, p = group[order], tids[order], positions[order]
        first = np.r_[True, (g[1:] != g[:-1]) | (t[1:] != t[:-1])] if len(g) else np.zeros(0, bool)
        entry_starts = np.flatnonzero(first)
        counts = np.diff(np.r_[entry_starts, len(g)]).astype(np.int32)
        entry_group, entry_text, entry_first = g[first], t[first], p[first]
        pool_hashes = hashes64(text_pool[j] for j in range(len(text_pool)))
        entry_hash = pool_hashes[entry_text] if len(entry_text) else np.zeros(0, np.uint64)
        by_hash = np.lexsort((entry_hash, entry_group))
        text_offsets, _ = _csr_of(entry_group, None, groups)
        # listing order within each cluster, first TOP_PLACES kept
        order = _place_order(index, positions, _source_ranks(index), group)
        rank_in_group = np.arange(len(order)) - starts[group[order]] if len(order) else order
        kept = order[rank_in_group < TOP_PLACES]
        top_offsets, top_values = _csr_of(group[kept], positions[kept], groups)
        # common: any long key of the cluster
        long_keys = np.flatnonzero(index.near.key_lengths.numpy() >= min_chars)
        at = np.searchsorted(roots, key_root[long_keys])
        inside = at < groups
        inside[inside] = roots[at[inside]] == key_root[long_keys[inside]]
        common = np.zeros(groups, dtype=bool)
        np.logical_or.at(common, at[inside], saved_common[long_keys[inside]])
        return cls(min_chars, key_root.astype(np.int32), roots, places_total, named, common, project_offsets,
                   project_values, org_offsets, org_values.astype(np.int32), StringPool.of(org_names), text_offsets,
                   entry_hash[by_hash], entry_text[by_hash].astype(np.int32), counts[by_hash],
                   entry_first[by_hash], top_offsets, top_values)

    def arrays(self) -> dict[str, Any]:
        found: dict[str, Any] = {f"summary.{name}": getattr(self, name) for name in self.FIELDS}
        found["summary.min_chars"] = np.array([self.min_chars], dtype=np.int64)
        found["summary.org_names.blob"] = self.org_names.blob
        found["summary.org_names.offsets"] = self.org_names.offsets
        return found

    @classmethod
    def thaw(cls, arrays: dict[str, np.ndarray]) -> ClusterSummaries:
        return cls(int(arrays["summary.min_chars"][0]),
                   **{name: arrays[f"summary.{name}"] for name in cls.FIELDS},
                   org_names=StringPool(arrays["summary.org_names.blob"], arrays["summary.org_names.offsets"]))

    def group(self, root: int) -> int | None:
        """The cluster number of a cluster id (None: a cluster without places)."""
        at = int(np.searchsorted(self.roots, root))
        return at if at < len(self.roots) and int(self.roots[at]) == root else None

    def slice(self, name: str, g: int) -> np.ndarray:
        offsets = getattr(self, f"{name}_offsets")
        return getattr(self, f"{name}_values" if name in ("project", "org", "top") else "text_hashes")[
            offsets[g]:offsets[g + 1]]


class _Overlay:
    """The clusters of a loaded index as changed by what was added since it was saved: new keys
    join (and may bridge) saved clusters; new units add places."""

    def __init__(self, index: CorpusIndex, summaries: ClusterSummaries):
        self.summaries = summaries
        self.saved_keys = len(summaries.key_root)
        self.parent: dict[int, int] = {}
        for kid, others in index.near.neighbours.tail.items():
            if kid >= self.saved_keys:  # every added link has a new key at one end (and is listed at both)
                for other in others:
                    self._union(self.node(kid), self.node(other))

    def node(self, kid: int) -> int:
        return int(self.summaries.key_root[kid]) if kid < self.saved_keys else kid

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def _union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def cluster(self, kid: int) -> int:
        return self.find(self.node(kid))

    def members(self) -> dict[int, list[int]]:
        """cluster id → the saved cluster ids it merged (only clusters the additions changed)."""
        merged: dict[int, list[int]] = defaultdict(list)
        for node in self.parent:
            if node < self.saved_keys:
                merged[self.find(node)].append(node)
        for root in list(merged):
            if root < self.saved_keys and root not in merged[root]:
                merged[root].append(root)
        return merged


def _from_summaries(index: CorpusIndex, summaries: ClusterSummaries,
                    fingerprints: list[str]) -> tuple[ClusterCounts, np.ndarray, np.ndarray]:
    units = index.units
    s = summaries
    min_chars = s.min_chars
    overlay = _Overlay(index, s)
    saved_units = len(units.owner.base)
    lengths = index.near.key_lengths
    owner_ids = units._owner_ids
    wanted = sorted({owner_ids[fp] for fp in fingerprints if fp in owner_ids})
    saved_owner = units.owner.base
    # the asked submissions' places: saved ones (a submission's units are contiguous) and added ones
    added_owner = np.frombuffer(units.owner.tail, dtype=np.int32) if len(units.owner.tail) else np.zeros(0, np.int32)
    wanted_places: list[int] = []
    for owner in wanted:
        low, high = np.searchsorted(saved_owner, [owner, owner + 1])
        wanted_places += range(int(low), int(high))
        wanted_places += (saved_units + np.flatnonzero(added_owner == owner)).tolist()
    unit_key = index.unit_keys
    place_cluster: dict[int, int] = {}
    for p in wanted_places:
        kid = unit_key[p]
        if lengths[kid] >= min_chars:
            place_cluster[p] = overlay.cluster(kid)
    # the places added since saving, by cluster
    added: dict[int, list[int]] = defaultdict(list)
    for at, kid in enumerate(index.unit_keys.tail):
        if lengths[kid] >= min_chars:
            added[overlay.cluster(kid)].append(saved_units + at)
    merged = overlay.members()
    roots = sorted(set(place_cluster.values()))
    groups = len(roots)
    projects = np.zeros(groups, np.int64)
    named = np.zeros(groups, np.int64)
    orgs = np.zeros(groups, np.int64)
    total = np.zeros(groups, np.int64)
    common = np.zeros(groups, dtype=bool)
    saved_groups: list[list[int]] = []
    org_numbers: dict[str, int] = {}
    table_of, owner_of = units.table, units.owner

    def org_number(owner: int) -> int:
        name = index.owner_org(owner)
        if not org_numbers:
            org_numbers.update((s.org_names[j], j) for j in range(len(s.org_names)))
        return org_numbers.setdefault(name, len(org_numbers))

    for g, root in enumerate(roots):
        numbers = [n for n in map(s.group, merged.get(root, [root] if root < overlay.saved_keys else []))
                   if n is not None]
        saved_groups.append(numbers)
        new = added.get(root, [])
        new_projects = {(owner_of[p] << 32) | table_of[p] for p in new}
        new_orgs = {org_number(owner_of[p]) for p in new}
        saved_projects = np.unique(np.concatenate([s.slice("project", n) for n in numbers])) if len(numbers) > 1 \
            else (s.slice("project", numbers[0]) if numbers else np.zeros(0, np.int64))
        saved_orgs = np.unique(np.concatenate([s.slice("org", n) for n in numbers])) if len(numbers) > 1 \
            else (s.slice("org", numbers[0]) if numbers else np.zeros(0, np.int32))
        # added places belong to submissions added since saving: their projects are new ones
        projects[g] = len(saved_projects) + len(new_projects)
        named[g] = int(np.count_nonzero(saved_projects & 0xFFFFFFFF)) + sum(1 for code in new_projects if code & 0xFFFFFFFF)
        orgs[g] = len(saved_orgs) + sum(1 for o in new_orgs if not _contains(saved_orgs, o))
        total[g] = sum(int(s.places_total[n]) for n in numbers) + len(new)
        common[g] = any(bool(s.common[n]) for n in numbers)
    # common formulas the additions may have made (a text only ever gains units): in the shared
    # clusters not yet common, the keys that are new, got units or near copies, or whose near
    # copies got units (those are in the same cluster)
    at_root = {root: g for g, root in enumerate(roots)}
    undecided = {roots[g] for g in np.flatnonzero((projects >= 2) & ~common).tolist()}
    if undecided:
        changed = sorted(index.grown | index.near.linked | set(range(overlay.saved_keys, len(index.near.keys))))
        for kid in changed:
            root = overlay.cluster(kid)
            if root not in undecided:
                continue
            around = [kid, *index.near.neighbours.get(kid, ())] if kid in index.grown else [kid]
            if any(lengths[k] >= min_chars and index.is_common(k) for k in around):
                common[at_root[root]] = True
                undecided.discard(root)

    def describe(g: int, max_places: int) -> tuple[str, list[dict[str, Any]]]:
        numbers, new = saved_groups[g], added.get(roots[g], [])
        return _wording(units, s, numbers, new), _listing(index, s, numbers, new, max_places)

    counts = ClusterCounts(np.array(roots, dtype=np.int64), projects, named, orgs, total, common,
                           np.ones(groups, dtype=bool), describe)
    cells = np.zeros(len(units.owners), np.int64)
    copied = np.zeros(len(units.owners), np.int64)
    copies = (projects >= 2) & ~common
    for p, root in place_cluster.items():
        owner = owner_of[p]
        cells[owner] += 1
        copied[owner] += bool(copies[at_root[root]])
    return counts, cells, copied


def _contains(sorted_values: np.ndarray, value: int) -> bool:
    at = int(np.searchsorted(sorted_values, value))
    return at < len(sorted_values) and int(sorted_values[at]) == value


def _wording(units: Any, s: ClusterSummaries, numbers: list[int], new: list[int]) -> str:
    """The most frequent wording of a cluster (ties: the one whose first place comes first)."""
    pool = units.text.pool
    spans = [(int(s.text_offsets[n]), int(s.text_offsets[n + 1])) for n in numbers]
    tally: dict[int | str, list[int]] = {}  # saved text id, or an added text → [count, first place]
    if len(spans) == 1:
        # one saved cluster: its saved winner, and the wordings the added places use (no other
        # saved wording can overtake the winner)
        a, b = spans[0]
        best = a + int(np.lexsort((s.text_first[a:b], -s.text_counts[a:b].astype(np.int64)))[0])
        tally[int(s.text_ids[best])] = [int(s.text_counts[best]), int(s.text_first[best])]
        hashes = s.text_hashes[a:b]
        for p in new:
            text = units.text[p]
            key: int | str = text
            h = np.uint64(hash64(text))
            at = a + int(np.searchsorted(hashes, h))
            while at < b and s.text_hashes[at] == h:
                if pool[int(s.text_ids[at])] == text:
                    key = int(s.text_ids[at])
                    tally.setdefault(key, [int(s.text_counts[at]), int(s.text_first[at])])
                    break
                at += 1
            tally.setdefault(key, [0, p])[0] += 1
        best_key = min(tally, key=lambda k: (-tally[k][0], tally[k][1]))
        return best_key if isinstance(best_key, str) else pool[best_key]
    by_hash: dict[int, list[int]] = defaultdict(list)
    for a, b in spans:
        for h, j, count, first in zip(s.text_hashes[a:b].tolist(), s.text_ids[a:b].tolist(),
                                      s.text_counts[a:b].tolist(), s.text_first[a:b].tolist()):
            entry = tally.get(j)
            if entry is None:
                tally[j] = [count, first]
                by_hash[h].append(j)
            else:  # the same wording in two saved clusters the additions merged
                entry[0] += count
                entry[1] = min(entry[1], first)
    for p in new:
        text = units.text[p]
        key = next((j for j in by_hash.get(hash64(text), ()) if pool[j] == text), text)
        tally.setdefault(key, [0, p])[0] += 1
    best_key = min(tally, key=lambda k: (-tally[k][0], tally[k][1]))
    return best_key if isinstance(best_key, str) else pool[best_key]


def _listing(index: CorpusIndex, s: ClusterSummaries, numbers: list[int], new: list[int],
             max_places: int) -> list[dict[str, Any]]:
    """A cluster's first `max_places` places in listing order: the saved clusters' first places
    and the added places, merged."""
    units = index.units
    candidates = [p for n in numbers for p in s.slice("top", n).tolist()] + list(new)
    owners = units.owners
    keyed = sorted((owners[owner][1], table, max(row, 0), number, p)
                   for p, owner, table, row, _kind, number in units.places(candidates))
    return [unit.to_dict() for unit in units.units_at([item[-1] for item in keyed[:max_places]])]
