"""Write the corpus graph as files other tools open: GraphML, GEXF, GeoJSON, CSV.

Why: users look at the graph in Gephi, at events in QGIS or a web map, and at
the table next to ACLED data; each tool wants its own format. The in-memory
graph holds lists and None (aliases, sources, unknown tolls); GraphML and GEXF
hold only scalars, so lists are joined with ``"; "`` and None values dropped.
Every writer is atomic: it writes a temporary file beside the target and
renames it into place, so an interrupted build never leaves a half file where
a good one was.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx

from kg.corpus import nodes_of_kind

__all__ = [
    "CSV_COLUMNS",
    "atomic_path",
    "scalar_graph",
    "write_graphml",
    "write_gexf",
    "event_features",
    "write_geojson",
    "write_csv",
]

CSV_COLUMNS = [
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "latitude",
    "longitude",
    "fatalities",
    "source",
    "notes",
]

_DROP = {"sources"}  # full source dicts: their doc ids and evidence are kept as strings
_RENAME = {"key": "event_key"}  # GEXF reserves "key" for multigraph edge keys


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    The temporary name keeps the suffix, so writers that pick a format from it
    (matplotlib) still work. On an exception the temporary file is removed and
    the old ``path`` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.tmp-{os.getpid()}{target.suffix}")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _scalar_attrs(data: dict[str, Any]) -> dict[str, Any]:
    return {_RENAME.get(k, k): _scalar(v) for k, v in data.items() if v is not None and k not in _DROP}


def scalar_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the graph whose attributes are all str, int, float or bool.

    Lists become ``"; "``-joined strings, dicts JSON, None values are dropped,
    and the full ``sources`` list of event nodes is left out (``doc_ids`` and
    ``evidence`` carry it). Edge keys become ``source|key|target``, unique
    across the graph, since GraphML edge ids must be (Gephi drops repeats).
    """
    out = nx.MultiDiGraph(**_scalar_attrs(graph.graph))
    for node, data in graph.nodes(data=True):
        out.add_node(node, **_scalar_attrs(data))
    for u, v, k, data in graph.edges(keys=True, data=True):
        # Edge keys become GraphML edge ids, which Gephi needs unique.
        attrs = _scalar_attrs(data)
        attrs.setdefault("label", str(k))  # Gephi shows it on the edge
        out.add_edge(u, v, key=f"{u}|{k}|{v}", **attrs)
    return out


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike) -> Path:
    """Write the graph as GraphML (opens in Gephi, yEd, Cytoscape); returns the path."""
    with atomic_path(path) as tmp:
        nx.write_graphml(scalar_graph(graph), tmp, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return Path(path)


def _rgb(hex_color: str) -> dict[str, int]:
    h = hex_color.lstrip("#")
    return {"r": int(h[0:2], 16), "g": int(h[2:4], 16), "b": int(h[4:6], 16), "a": 1.0}


def write_gexf(graph: nx.MultiDiGraph, path: str | os.PathLike) -> Path:
    """Write the graph as GEXF 1.2 for Gephi, nodes coloured as in the pictures."""
    from kg.plots import node_color

    g = scalar_graph(graph)
    for node, data in g.nodes(data=True):
        size = 4.0 + 2.0 * float(data.get("event_count", data.get("source_count", 1)) or 1)
        data["viz"] = {"color": _rgb(node_color(data)), "size": min(size, 40.0)}
    with atomic_path(path) as tmp:
        nx.write_gexf(g, tmp, encoding="utf-8", prettyprint=True, version="1.2draft")
    return Path(path)


def _names(graph: nx.MultiDiGraph, ids: list[str], kind: str | None = None) -> list[str]:
    out = []
    for i in ids:
        data = graph.nodes.get(i, {})
        if kind is None or data.get("kind") == kind:
            out.append(data.get("name") or i)
    return out


def _point(graph: nx.MultiDiGraph, event: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The place that locates an event: its location, else a place it targets."""
    candidates = [event.get("location"), *event.get("targets", [])]
    for pid in candidates:
        data = graph.nodes.get(pid) if pid else None
        if data and data.get("kind") == "place" and data.get("lat") is not None and data.get("lon") is not None:
            return pid, data
    return None


def event_features(graph: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], int]:
    """GeoJSON Point features for the located events, and how many had no coordinates."""
    features, unlocated = [], 0
    for node, ev in nodes_of_kind(graph, "event"):
        located = _point(graph, ev)
        if located is None:
            unlocated += 1
            continue
        pid, place = located
        features.append(
            {
                "type": "Feature",
                "id": ev["key"],
                "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
                "properties": {
                    "id": ev["key"],
                    "type": ev["type"],
                    "date": ev["date"],
                    "label": ev["label"],
                    "actors": _names(graph, ev["agents"]),
                    "targets": _names(graph, ev["targets"]),
                    "place": place.get("name"),
                    "place_id": pid,
                    "place_type": place.get("type"),
                    "fatalities": ev["fatalities"],
                    "fatalities_min": ev["fatalities_min"],
                    "fatalities_max": ev["fatalities_max"],
                    "modality": ev["modality"],
                    "sources": ev["doc_ids"],
                    "source_count": ev["source_count"],
                    "evidence": ev["evidence"],
                },
            }
        )
    features.sort(key=lambda f: (f["properties"]["date"] or "9999", f["id"]))
    return features, unlocated


def write_geojson(graph: nx.MultiDiGraph, path: str | os.PathLike) -> tuple[int, int]:
    """Write located events as a GeoJSON FeatureCollection (coordinates lon, lat).

    Returns:
        tuple[int, int]: features written, events left out for want of coordinates.
    """
    features, unlocated = event_features(graph)
    collection = {"type": "FeatureCollection", "features": features}
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(features), unlocated


def _acled(graph: nx.MultiDiGraph, ev: dict[str, Any]) -> tuple[str, str]:
    from kg.taxonomy import acled_category

    event_type, sub = acled_category(ev["type"])
    if ev["type"] == "territory_capture":
        state = {"StateForce", "State", "PrivateMilitary"}
        if any(graph.nodes.get(a, {}).get("type") in state for a in ev["agents"]):
            sub = "Government regains territory"
    return event_type or ev["type"], sub or ""


def write_csv(graph: nx.MultiDiGraph, path: str | os.PathLike) -> int:
    """Write every event as one row of an ACLED-style CSV; returns the row count.

    Columns: ``CSV_COLUMNS``. ``event_type``/``sub_event_type`` are ACLED's where
    ACLED has a home for the type, else our type. ``actor1`` is the agents,
    ``actor2`` the targeted actors (``"; "``-joined). ``fatalities`` is empty
    when no source states a toll (unknown is not zero). ``source`` names the
    documents (title, else id); ``notes`` is the evidence, one clause per source.
    """
    rows = []
    for _node, ev in nodes_of_kind(graph, "event"):
        event_type, sub = _acled(graph, ev)
        located = _point(graph, ev)  # location and coordinates always name the same place
        place = located[1] if located else (graph.nodes[ev["location"]] if ev.get("location") in graph else {})
        lat = located[1]["lat"] if located else None
        lon = located[1]["lon"] if located else None
        docs = [graph.nodes.get(f"doc:{d}", {}).get("title") or d for d in ev["doc_ids"]]
        rows.append(
            {
                "event_date": ev["date"] or "",
                "event_type": event_type,
                "sub_event_type": sub,
                "actor1": "; ".join(_names(graph, ev["agents"])),
                "actor2": "; ".join(_names(graph, ev["targets"], kind="actor")),
                "location": place.get("name", ""),
                "latitude": "" if lat is None else lat,
                "longitude": "" if lon is None else lon,
                "fatalities": "" if ev["fatalities"] is None else ev["fatalities"],
                "source": "; ".join(docs),
                "notes": " | ".join(e for e in ev["evidence"] if e),
            }
        )
    rows.sort(key=lambda r: (r["event_date"] or "9999", r["event_type"], r["actor1"], r["location"]))
    with atomic_path(path) as tmp:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    return len(rows)
