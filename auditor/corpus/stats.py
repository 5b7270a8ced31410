"""Boilerplate statistics (findings.json "boilerplate", the reports' 复制粘贴 section): the
texts many projects and units share, and each submission's share of copied cells."""
from __future__ import annotations

from collections import Counter, defaultdict
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
    wanted: set[str] | None = None
    members: dict[int, list[int]] = defaultdict(list)  # cluster → unit positions
    if submissions is not None:
        fingerprints = [fingerprint(s) for s in submissions]
    if fingerprints is None:
        cluster_of = _clusters(index)
        for position, kid in enumerate(index.unit_keys):
            if len(index.near.keys[kid]) >= min_chars:
                members[cluster_of[kid]].append(position)
    else:
        wanted = set(fingerprints)
        own = {kid for kid, owner in zip(index.unit_keys, index.unit_owner) if owner in wanted}
        cluster_of = _clusters_around(index, own)
        for kid, cluster in cluster_of.items():
            if len(index.near.keys[kid]) >= min_chars:
                members[cluster].extend(index.key_units.get(kid, ()))
        for positions in members.values():
            positions.sort()

    def project(position: int) -> tuple[str, int]:
        return (index.unit_owner[position], index.units[position].table)

    def org(position: int) -> str:
        return normalise(index.units[position].unit_name) or index.unit_owner[position]

    shared: dict[int, dict[str, Any]] = {}
    common_cluster: dict[int, bool] = {}
    for cluster, positions in members.items():
        projects = {project(p) for p in positions}
        if len(projects) < 2:
            continue
        common_cluster[cluster] = any(index.is_common(k) for k in {index.unit_keys[p] for p in positions})
        if wanted is not None and not any(index.unit_owner[p] in wanted for p in positions):
            continue
        wording = Counter(index.units[p].text for p in positions).most_common(1)[0][0]
        places = sorted(positions, key=lambda p: (index.units[p].source, index.units[p].table,
                                                  index.units[p].row or 0, index.units[p].index))
        shared[cluster] = {
            "text": wording,
            "projects": len({q for q in projects if q[1] != 0}),
            "units": len({org(p) for p in positions}),
            "common_formula": common_cluster[cluster],
            "places_total": len(places),
            "places": [index.units[p].to_dict() for p in places[:max_places]],
        }
    texts = sorted(shared.values(), key=lambda t: (-t["units"], -t["projects"], -t["places_total"], t["text"]))[:top]

    rows: dict[str, dict[str, Any]] = {}
    for cluster, positions in members.items():
        projects = {project(p) for p in positions}
        for p in positions:
            fp = index.unit_owner[p]
            if wanted is not None and fp not in wanted:
                continue
            meta = index.submissions.get(fp, {})
            row = rows.setdefault(fp, {"unit_name": meta.get("unit_name", ""), "source": meta.get("source", ""),
                                       "cells": 0, "copied_cells": 0, "share": 0.0})
            row["cells"] += 1
            if len(projects) > 1 and not common_cluster.get(cluster, False):
                row["copied_cells"] += 1
    for fp in wanted or ():
        if fp in index.submissions and fp not in rows:
            meta = index.submissions[fp]
            rows[fp] = {"unit_name": meta["unit_name"], "source": meta["source"], "cells": 0,
                        "copied_cells": 0, "share": 0.0}
    for row in rows.values():
        row["share"] = round(row["copied_cells"] / row["cells"], 3) if row["cells"] else 0.0
    units = sorted(rows.values(), key=lambda r: (-r["share"], -r["copied_cells"], r["source"]))
    return {"shared_texts": texts, "units": units}

