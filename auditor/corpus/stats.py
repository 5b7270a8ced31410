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
    # per-unit columns as numpy views (no copies): a province's texts are walked in arrays
    owner_of = np.frombuffer(units.owner, dtype=np.int32) if len(units) else np.zeros(0, np.int32)
    table_of = np.frombuffer(units.table, dtype=np.int32) if len(units) else np.zeros(0, np.int32)
    key_of = np.frombuffer(index.unit_keys, dtype=np.int32) if len(units) else np.zeros(0, np.int32)
    fps = [owner[0] for owner in units.owners]
    # an owner's organisation (its unit name, else the submission) and its rank by source path
    org_names: dict[str, int] = {}
    org_of = np.array([org_names.setdefault(normalise(owner[2]) or owner[0], len(org_names)) for owner in units.owners],
                      dtype=np.int64)
    source_rank = np.argsort(np.argsort(np.array([owner[1] for owner in units.owners], dtype=object), kind="stable"),
                             kind="stable") if units.owners else np.zeros(0, np.int64)
    members: dict[int, np.ndarray] = {}  # cluster → unit positions, ascending
    if submissions is not None:
        fingerprints = [fingerprint(s) for s in submissions]
    wanted_owners: np.ndarray | None = None
    if fingerprints is None:
        cluster_of = _clusters(index)
        lists: dict[int, list[int]] = defaultdict(list)
        for position, kid in enumerate(index.unit_keys):
            if len(index.near.keys[kid]) >= min_chars:
                lists[cluster_of[kid]].append(position)
        members = {cluster: np.array(positions, dtype=np.int64) for cluster, positions in lists.items()}
    else:
        wanted = set(fingerprints)
        wanted_owners = np.array([fp in wanted for fp in fps], dtype=bool)
        own = set(np.unique(key_of[wanted_owners[owner_of]]).tolist()) if len(units) else set()
        cluster_of = _clusters_around(index, own)
        lists = defaultdict(list)
        for kid, cluster in cluster_of.items():
            if len(index.near.keys[kid]) >= min_chars:
                lists[cluster].append(kid)
        for cluster, kids in lists.items():
            positions = [index.key_units.get(kid, ()) for kid in kids]
            members[cluster] = np.sort(np.concatenate([np.frombuffer(p, dtype=np.int32) if len(p) else
                                                       np.zeros(0, np.int32) for p in positions]).astype(np.int64))

    width = int(table_of.max()) + 2 if len(table_of) else 1
    shared: dict[int, dict[str, Any]] = {}
    common_cluster: dict[int, bool] = {}
    project_count: dict[int, int] = {}
    for cluster, positions in members.items():
        projects = np.unique(owner_of[positions].astype(np.int64) * width + table_of[positions])
        project_count[cluster] = len(projects)
        if len(projects) < 2:
            continue
        common_cluster[cluster] = any(index.is_common(k) for k in np.unique(key_of[positions]).tolist())
        if wanted_owners is not None and not wanted_owners[owner_of[positions]].any():
            continue
        wording = Counter(units.text[p] for p in positions.tolist()).most_common(1)[0][0]
        order = np.lexsort((np.frombuffer(units.index, dtype=np.int32)[positions],
                            np.maximum(np.frombuffer(units.row, dtype=np.int32)[positions], 0),
                            table_of[positions], source_rank[owner_of[positions]]))
        shared[cluster] = {
            "text": wording,
            "projects": int(np.count_nonzero(projects % width != 0)),
            "units": len(np.unique(org_of[owner_of[positions]])),
            "common_formula": common_cluster[cluster],
            "places_total": len(positions),
            "places": [units[int(p)].to_dict() for p in positions[order[:max_places]]],
        }
    texts = sorted(shared.values(), key=lambda t: (-t["units"], -t["projects"], -t["places_total"], t["text"]))[:top]

    cells = np.zeros(len(fps), dtype=np.int64)
    copied = np.zeros(len(fps), dtype=np.int64)
    for cluster, positions in members.items():
        owners = owner_of[positions]
        if wanted_owners is not None:
            owners = owners[wanted_owners[owners]]
        cells += np.bincount(owners, minlength=len(fps))
        if project_count[cluster] > 1 and not common_cluster.get(cluster, False):
            copied += np.bincount(owners, minlength=len(fps))
    rows: dict[str, dict[str, Any]] = {}
    for number in np.flatnonzero(cells).tolist():
        fp, source, unit_name = units.owners[number]
        meta = index.submissions.get(fp, {})
        rows[fp] = {"unit_name": meta.get("unit_name", unit_name), "source": meta.get("source", source),
                    "cells": int(cells[number]), "copied_cells": int(copied[number]), "share": 0.0}
    for fp in (fps[n] for n in np.flatnonzero(wanted_owners).tolist()) if wanted_owners is not None else ():
        if fp in index.submissions and fp not in rows:
            meta = index.submissions[fp]
            rows[fp] = {"unit_name": meta["unit_name"], "source": meta["source"], "cells": 0,
                        "copied_cells": 0, "share": 0.0}
    for row in rows.values():
        row["share"] = round(row["copied_cells"] / row["cells"], 3) if row["cells"] else 0.0
    units_rows = sorted(rows.values(), key=lambda r: (-r["share"], -r["copied_cells"], r["source"]))
    return {"shared_texts": texts, "units": units_rows}
