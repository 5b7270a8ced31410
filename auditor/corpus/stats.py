"""Boilerplate statistics (findings.json "boilerplate", the reports' 复制粘贴 section): the
texts many projects and units share, and each submission's share of copied cells."""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from collections.abc import Iterable
from typing import Any

from ..schema import Submission
from .index import CorpusIndex
from .units import fingerprint, normalise


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
    units = index.units
    owner_of, table_of, key_of = _column(units.owner), _column(units.table), _column(index.unit_keys)
    fps = [owner[0] for owner in units.owners]
    if submissions is not None:
        fingerprints = [fingerprint(s) for s in submissions]
    wanted_owner: np.ndarray | None = None
    if fingerprints is None:
        cluster_of = _clusters(index)
    else:
        fingerprints = list(fingerprints)
        wanted = set(fingerprints)
        wanted_owner = np.array([fp in wanted for fp in fps], dtype=bool)
        own = set(np.unique(key_of[wanted_owner[owner_of]]).tolist()) if len(owner_of) else set()
        cluster_of = _clusters_around(index, own)
    # the cluster of each key in the statistics (-1: outside the walked clusters, or too short)
    cluster_by_key = np.full(len(index.near.keys), -1, dtype=np.int64)
    for kid, cluster in cluster_of.items():
        if len(index.near.keys[kid]) >= min_chars:
            cluster_by_key[kid] = cluster
    unit_cluster = cluster_by_key[key_of] if len(key_of) else np.zeros(0, np.int64)
    positions = np.flatnonzero(unit_cluster >= 0)
    positions = positions[np.argsort(unit_cluster[positions], kind="stable")]  # by cluster, ascending within
    clusters = unit_cluster[positions]
    starts = np.flatnonzero(np.r_[True, clusters[1:] != clusters[:-1]]) if len(positions) else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], len(positions)].astype(np.int64)
    group = np.repeat(np.arange(len(starts)), ends - starts)  # position → its cluster's number here
    owners = owner_of[positions].astype(np.int64)
    tables = table_of[positions].astype(np.int64)

    def distinct(values: np.ndarray) -> np.ndarray:
        """How many distinct values each cluster's places have."""
        order = np.lexsort((values, group))
        g, v = group[order], values[order]
        first = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])] if len(g) else np.zeros(0, bool)
        return np.bincount(g[first], minlength=len(starts))

    width = int(tables.max()) + 2 if len(tables) else 1
    project = owners * width + tables
    projects = distinct(project)  # (submission, table) pairs, Part 1 included
    named = distinct(np.where(tables != 0, project, -1)) - (np.bincount(group[tables == 0], minlength=len(starts)) > 0)
    org_names: dict[str, int] = {}
    org_of = np.array([org_names.setdefault(normalise(owner[2]) or owner[0], len(org_names)) for owner in units.owners],
                      dtype=np.int64)
    orgs = distinct(org_of[owners]) if len(owners) else np.zeros(0, np.int64)
    places_total = ends - starts
    # common formula: any key of the cluster is one (asked only where two projects share the text)
    kids_in = np.flatnonzero(cluster_by_key >= 0)
    kids_in = kids_in[np.argsort(cluster_by_key[kids_in], kind="stable")]
    kid_starts = np.searchsorted(cluster_by_key[kids_in], clusters[starts]) if len(starts) else starts
    kid_ends = np.searchsorted(cluster_by_key[kids_in], clusters[starts], side="right") if len(starts) else starts
    shared_by_two = projects >= 2
    common = np.zeros(len(starts), dtype=bool)
    for g in np.flatnonzero(shared_by_two).tolist():
        common[g] = any(index.is_common(k) for k in kids_in[kid_starts[g]:kid_ends[g]].tolist())
    wanted_place = wanted_owner[owners] if wanted_owner is not None else np.ones(len(positions), dtype=bool)
    shown = shared_by_two & (np.bincount(group[wanted_place], minlength=len(starts)) > 0)

    # the most widely shared texts: only the clusters that can reach the first `top` need their wording
    candidates = np.flatnonzero(shown)
    ranked = candidates[np.lexsort((-places_total[candidates], -named[candidates], -orgs[candidates]))]
    if len(ranked) > top:
        last = ranked[top - 1]
        bound = (-orgs[last], -named[last], -places_total[last])
        ranked = [g for g in ranked.tolist() if (-orgs[g], -named[g], -places_total[g]) <= bound]
    sources = np.unique(np.array([owner[1] for owner in units.owners], dtype=object), return_inverse=True)[1] \
        if units.owners else np.zeros(0, np.int64)
    rows_of, numbers_of = _column(units.row), _column(units.index)
    texts = []
    for g in list(ranked):
        places = positions[starts[g]:ends[g]]
        order = np.lexsort((numbers_of[places], np.maximum(rows_of[places], 0), table_of[places],
                            sources[owner_of[places]]))
        texts.append({
            "text": Counter(units.text[p] for p in places.tolist()).most_common(1)[0][0],
            "projects": int(named[g]),
            "units": int(orgs[g]),
            "common_formula": bool(common[g]),
            "places_total": int(places_total[g]),
            "places": [units[int(p)].to_dict() for p in places[order[:max_places]]],
        })
    texts = sorted(texts, key=lambda t: (-t["units"], -t["projects"], -t["places_total"], t["text"]))[:top]

    copied_place = np.repeat(shared_by_two & ~common, ends - starts)
    cells = np.bincount(owners[wanted_place], minlength=len(fps))
    copied = np.bincount(owners[wanted_place & copied_place], minlength=len(fps))
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
    units_rows = sorted(rows.values(), key=lambda r: (-r["share"], -r["copied_cells"], r["source"]))
    return {"shared_texts": texts, "units": units_rows}


def _column(values: Any) -> np.ndarray:
    """An array('i') column as a numpy view (no copy)."""
    return np.frombuffer(values, dtype=np.int32) if len(values) else np.zeros(0, np.int32)
