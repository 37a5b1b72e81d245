"""Draw the corpus graph: a timeline of events and a map of actors and relations.

Why: the two pictures are what a user looks at first after ``kg build``; they
must be readable without tuning (labels that do not pile up, legends, honest
about what is left out) and reproducible (the actor-map layout is seeded).
Figures are made with ``matplotlib.figure.Figure`` directly (no pyplot state,
no GUI backend), so the functions are safe in scripts, servers and notebooks.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
from matplotlib import patheffects, rc_context
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from kg.corpus import date_bounds, filter_events
from kg.models import EventType
from kg.outputs import atomic_path

__all__ = [
    "ACTOR_COLORS",
    "EVENT_COLORS",
    "PREDICATE_STYLES",
    "node_color",
    "draw_timeline",
    "actor_map_graph",
    "draw_actor_map",
    "save_figure",
]

ACTOR_COLORS: dict[str, str] = {
    "ArmedGroup": "#e6550d",
    "StateForce": "#1f78b4",
    "PrivateMilitary": "#6a3d9a",
    "State": "#b8a000",
    "InternationalOrg": "#17becf",
    "Person": "#e7298a",
    "Other": "#969696",
}

EVENT_COLORS: dict[str, str] = {
    "armed_clash": "#d62728",
    "territory_capture": "#ff7f0e",
    "attack": "#8c564b",
    "air_strike": "#17becf",
    "bombing": "#9467bd",
    "abduction": "#7f0000",
    "killing": "#e377c2",
    "siege_blockade": "#a6a600",
    "coup": "#111111",
    "withdrawal": "#1f77b4",
    "deployment": "#2ca02c",
    "arrest": "#7f7f7f",
    "agreement": "#005a32",
    "organization_change": "#c51b7d",
    "evacuation_advisory": "#4292c6",
    "designation_sanction": "#525252",
    "protest": "#fd8d3c",
}

# predicate -> (colour, linestyle, directed)
PREDICATE_STYLES: dict[str, tuple[str, str, bool]] = {
    "allied_with": ("#2ca02c", "solid", False),
    "hostile_to": ("#d62728", "dashed", False),
    "affiliated_with": ("#636363", "dotted", True),
    "part_of": ("#969696", "dotted", True),
    "supports": ("#1f77b4", "solid", True),
    "leads": ("#8c564b", "dashdot", True),
    "merged_into": ("#9467bd", "dashdot", True),
    "split_from": ("#ff7f0e", "dashdot", True),
    "successor_of": ("#7f7f7f", "dashdot", True),
}
_ACTED_AGAINST = ("#f4a582", "solid", True)
_VIOLENT = {"armed_clash", "territory_capture", "attack", "air_strike", "bombing", "abduction", "killing", "siege_blockade"}


def node_color(data: dict[str, Any]) -> str:
    """The colour of a graph node in every picture (and in the GEXF file)."""
    kind = data.get("kind")
    if kind == "actor":
        return ACTOR_COLORS.get(data.get("type"), ACTOR_COLORS["Other"])
    if kind == "event":
        return EVENT_COLORS.get(data.get("type"), "#7f7f7f")
    if kind == "place":
        return "#66a61e"
    return "#bdbdbd"


def _text(s: str) -> str:
    """Escape what matplotlib would read as mathtext."""
    return s.replace("$", r"\$")


def save_figure(fig: Figure, output: str | os.PathLike) -> Path:
    """Save a figure atomically; the format comes from the suffix (.png, .svg, .pdf)."""
    path = Path(output)
    fmt = path.suffix.lstrip(".").lower() or "png"
    # A fixed SVG hash salt and no date: the same corpus gives the same bytes.
    metadata = {"Date": None} if fmt in {"svg", "pdf"} else None
    with atomic_path(path) as tmp, warnings.catch_warnings(), rc_context({"svg.hashsalt": "conflict-kg"}):
        # Names in scripts the default font lacks must not stop a build.
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph .* missing from")
        fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight", facecolor="white", metadata=metadata)
    return path


# ------------------------------------------------------------------ timeline
def _short(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes.get(node, {})
    return data.get("short") or data.get("name") or node


def _event_text(graph: nx.MultiDiGraph, ev: dict[str, Any], limit: int = 44) -> str:
    who = " & ".join(_short(graph, a) for a in ev["agents"][:2])
    whom = [_short(graph, t) for t in ev["targets"] if graph.nodes.get(t, {}).get("kind") == "actor"][:1]
    where = _short(graph, ev["location"]) if ev.get("location") else ""
    text = who
    if whom:
        text += f" \u2192 {whom[0]}" if text else whom[0]
    if where and where not in text:
        text += f", {where}" if text else where
    if ev.get("fatalities"):
        text += f" ({ev['fatalities']}\u2020)"
    text = text or ev["type"].replace("_", " ")
    return _text(text if len(text) <= limit else text[: limit - 1] + "\u2026")


def _window_text(date_from: Any, date_to: Any, at: Any = None) -> str:
    if at is not None:
        return f"as of {at}"
    if date_from is not None and date_to is not None:
        return f"{date_from} to {date_to}" if str(date_from) != str(date_to) else str(date_from)
    if date_from is not None:
        return f"from {date_from}"
    if date_to is not None:
        return f"to {date_to}"
    return ""


def draw_timeline(
    graph: nx.MultiDiGraph,
    output: str | os.PathLike | None = None,
    *,
    actor: str | None = None,
    place: str | None = None,
    date_from: str | _dt.date | None = None,
    date_to: str | _dt.date | None = None,
    title: str | None = None,
    max_labels: int = 60,
) -> Figure:
    """Draw events on a time axis, one lane and one colour per event type.

    A filled marker is an event dated to the day; an open marker one dated to
    the month or year, with a faint bar over the period it may fall in. Marker
    size grows with the number of sources. Labels (who -> whom, where, deaths)
    are placed above and below the lane only where they fit, most-sourced
    events first; undated events cannot be placed and are counted in the note.

    Args:
        graph (MultiDiGraph): a corpus graph (``build_corpus_graph``).
        output (str | PathLike | None): file to write (.png, .svg, .pdf). Defaults to None.
        actor, place, date_from, date_to: filters, as in ``kg.corpus.filter_events``.
        title (str | None): title. Defaults to one built from the filters.
        max_labels (int): at most this many labels. Defaults to 60.

    Returns:
        Figure: the figure (already saved when ``output`` is given).
    """
    events = filter_events(graph, actor=actor, place=place, date_from=date_from, date_to=date_to, include_undated=True)
    dated = [e for e in events if e["date"]]
    undated = len(events) - len(dated)
    types = [t.value for t in EventType if any(e["type"] == t.value for e in dated)]

    fig = Figure(figsize=(_TIMELINE_WIDTH, max(3.2, 0.62 * len(types) + 2.0)))
    ax = fig.add_axes((0.14, 0.2 if len(types) < 4 else 0.13, _TIMELINE_AXES_WIDTH, 0.72 if len(types) >= 4 else 0.62))
    labelled = 0
    if dated:
        placed = _timeline_markers(ax, dated, types)
        labelled = _timeline_labels(ax, graph, placed, max_labels=max_labels)
        _timeline_axes(ax, dated, types)
    else:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no dated events match", ha="center", va="center", transform=ax.transAxes, fontsize=11, color="#555555")

    window = _window_text(date_from, date_to)
    filters = ", ".join(x for x in (actor and f"actor: {actor}", place and f"place: {place}", window) if x)
    ax.set_title(_text(title or ("Timeline of events" + (f" \u2014 {filters}" if filters else ""))), loc="left", fontsize=12, fontweight="bold")
    note = f"{len(dated)} dated events, {labelled} labelled"
    if undated:
        note += f"; {undated} undated event{'s' if undated != 1 else ''} not shown"
    g = graph.graph
    note += f".  Corpus: {g.get('reports', '?')} event reports from {g.get('documents', '?')} documents, merged into {g.get('events', '?')} events."
    ax.annotate(note, xy=(0, 0), xycoords="axes fraction", xytext=(0, -30), textcoords="offset points", fontsize=8, color="#555555", ha="left", va="top")
    if output is not None:
        save_figure(fig, output)
    return fig


_TIMELINE_WIDTH = 13.0  # inches
_TIMELINE_AXES_WIDTH = 0.68  # fraction of the figure; the legend takes the right margin


def _timeline_markers(ax, dated: list[dict[str, Any]], types: list[str]) -> list[tuple[float, int, dict[str, Any]]]:
    """Draw one marker per event in its type's lane; returns ``(x, lane, event)``."""
    lane = {t: i for i, t in enumerate(reversed(types))}
    starts = [date_bounds(e["date"]) for e in dated]
    ends = [date_bounds(e["date"], end=True) + _dt.timedelta(days=1) for e in dated]
    lo, hi = min(starts), max(ends)
    pad = max(_dt.timedelta(days=20), (hi - lo) * 0.03)
    ax.set_xlim(date2num(lo - pad), date2num(hi + pad))
    ax.set_ylim(-0.7, len(types) - 0.3)
    for y in range(len(types)):
        ax.axhline(y, color="#eeeeee", lw=0.8, zorder=0)
    placed = []
    for e, s, t in zip(dated, starts, ends):
        y = lane[e["type"]]
        color = EVENT_COLORS.get(e["type"], "#7f7f7f")
        x0, x1 = date2num(s), date2num(t)
        day = len(e["date"]) == 10
        x = x0 if day else (x0 + x1) / 2
        if not day:  # the period a month- or year-dated event may fall in
            ax.plot([x0, x1], [y, y], color=color, lw=5, alpha=0.22, solid_capstyle="butt", zorder=1)
        size = 28 + 30 * (min(e["source_count"], 6) - 1)
        ax.scatter([x], [y], s=size, zorder=3, facecolors=color if day else "white", edgecolors=color, linewidths=1.4)
        placed.append((x, y, e))
    return placed


def _timeline_labels(ax, graph: nx.MultiDiGraph, placed: list[tuple[float, int, dict[str, Any]]], *, max_labels: int) -> int:
    """Label events above or below their lane where the text fits; returns how many."""
    xmin, xmax = ax.get_xlim()
    char_w = 0.056 * (xmax - xmin) / (_TIMELINE_WIDTH * _TIMELINE_AXES_WIDTH)  # one 7-pt character, in data units
    taken: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    # Most-sourced, deadliest and most precisely dated first.
    order = sorted(placed, key=lambda p: (-p[2]["source_count"], -(p[2]["fatalities"] or 0), -len(p[2]["date"]), p[2]["date"], p[2]["id"]))
    labelled = 0
    for x, y, e in order:
        if labelled >= max_labels:
            break
        text = _event_text(graph, e)
        width = len(text) * char_w
        x_left = min(x - 0.5 * char_w, xmax - width)
        span = (x_left - char_w, x_left + width + char_w)
        for side in (1, -1):
            if all(span[1] < a or span[0] > b for a, b in taken[(y, side)]):
                taken[(y, side)].append(span)
                ax.annotate(
                    text, xy=(x, y), xytext=(x_left, y + side * 0.3), textcoords="data",
                    fontsize=7, va="center", ha="left", color="#222222", zorder=4,
                    arrowprops={"arrowstyle": "-", "color": "#bbbbbb", "lw": 0.5, "shrinkA": 0, "shrinkB": 3},
                )
                labelled += 1
                break
    return labelled


def _timeline_axes(ax, dated: list[dict[str, Any]], types: list[str]) -> None:
    """Date axis, coloured lane names and the legend (type counts, marker meanings)."""
    locator = AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_yticks(range(len(types)))
    ax.set_yticklabels([t.replace("_", " ") for t in reversed(types)], fontsize=9)
    for tick, t in zip(ax.get_yticklabels(), reversed(types)):
        tick.set_color(EVENT_COLORS[t])
        tick.set_fontweight("bold")
    counts = Counter(e["type"] for e in dated)
    handles = [
        Line2D([], [], marker="o", ls="", color=EVENT_COLORS[t], markersize=7, label=f"{t.replace('_', ' ')} ({counts[t]})")
        for t in types
    ]
    handles += [
        Line2D([], [], marker="o", ls="", color="#555555", markersize=6, label="dated to the day"),
        Line2D([], [], marker="o", ls="", markerfacecolor="white", color="#555555", markersize=6, label="month or year only"),
        Line2D([], [], marker="o", ls="", color="#555555", markersize=10, label="bigger: more sources"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, title="event type (count)", title_fontsize=8)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.tick_params(axis="y", length=0)


# ----------------------------------------------------------------- actor map
def _relation_in_window(data: dict[str, Any], end: _dt.date | None) -> bool:
    return end is None or data.get("date") is None or date_bounds(data["date"]) <= end


def actor_map_graph(
    graph: nx.MultiDiGraph,
    *,
    at: str | _dt.date | None = None,
    date_from: str | _dt.date | None = None,
    date_to: str | _dt.date | None = None,
    max_actors: int = 40,
    event_edges: bool = True,
) -> tuple[nx.MultiDiGraph, int]:
    """The actors and relations an actor map shows, and how many actors were left out.

    With ``at``: events on or before that date, relations stated for a date on
    or before it (undated relations count). With ``date_from``/``date_to``:
    events in that window, relations dated up to its end. Node attribute
    ``events`` is how many of those events the actor acts in or is targeted by.
    Shown are the actors with events in the window, both ends of relations
    dated inside it, and the other end of any relation that touches an actor
    with events (a parent organisation, a backer). Without a date every actor
    with an event or a relation is shown.
    With ``event_edges``, violent events add ``acted_against`` edges from agents
    to targeted actors where no relation joins them already.
    """
    if at is not None:
        date_from, date_to = None, at
    events = filter_events(graph, date_from=date_from, date_to=date_to, include_undated=at is None and date_from is None and date_to is None)
    end = date_bounds(date_to, end=True) if isinstance(date_to, str) else date_to
    counts: Counter[str] = Counter()
    for e in events:
        for a in {*e["agents"], *e["targets"]}:
            if graph.nodes.get(a, {}).get("kind") == "actor":
                counts[a] += 1

    relations = [
        (u, v, d) for u, v, d in graph.edges(data=True)
        if d.get("kind") == "relation" and _relation_in_window(d, end)
    ]
    windowed = at is not None or date_from is not None or date_to is not None
    active = set(counts)
    if not windowed:
        active |= {n for u, v, _ in relations for n in (u, v)}
    else:
        for u, v, d in relations:
            if d.get("date") is not None and (date_from is None or date_bounds(d["date"], end=True) >= date_bounds(date_from)):
                active |= {u, v}
        for u, v, _d in relations:
            if (u in counts) != (v in counts):
                active.add(v if u in counts else u)
    ranked = sorted(active, key=lambda a: (-counts[a], -graph.degree(a), a))
    shown = set(ranked[:max_actors])
    m = nx.MultiDiGraph()
    for a in sorted(shown):
        m.add_node(a, **graph.nodes[a], events=counts[a])
    for u, v, d in relations:
        if u in shown and v in shown:
            m.add_edge(u, v, key=d["predicate"], **d)
    if event_edges:
        against: Counter[tuple[str, str]] = Counter()
        for e in events:
            if e["type"] not in _VIOLENT:
                continue
            for a in e["agents"]:
                for t in e["targets"]:
                    if a != t and a in shown and t in shown and graph.nodes[t].get("kind") == "actor":
                        against[(a, t)] += 1
        # The most repeated pairs only, so a busy corpus does not become a hairball.
        pairs = [(p, n) for p, n in against.items() if not (m.has_edge(*p) or m.has_edge(p[1], p[0]))]
        pairs.sort(key=lambda pn: (-pn[1], pn[0]))
        for (a, t), n in pairs[: max(12, m.number_of_nodes())]:
            m.add_edge(a, t, key="acted_against", kind="derived", predicate="acted_against", count=n)
    return m, len(active) - len(shown)


def draw_actor_map(
    graph: nx.MultiDiGraph,
    output: str | os.PathLike | None = None,
    *,
    at: str | _dt.date | None = None,
    date_from: str | _dt.date | None = None,
    date_to: str | _dt.date | None = None,
    title: str | None = None,
    max_actors: int = 40,
    event_edges: bool = True,
    seed: int = 7,
) -> Figure:
    """Draw actors as nodes and their relations as edges.

    Nodes are coloured by actor type and sized by how many events the actor
    takes part in; edges are styled by predicate (alliance green solid,
    hostility red dashed, affiliation and membership grey dotted arrows,
    support blue arrows, ...). The layout is seeded, so the same corpus gives
    the same picture. See ``actor_map_graph`` for what ``at`` and the window select.

    Args:
        graph (MultiDiGraph): a corpus graph (``build_corpus_graph``).
        output (str | PathLike | None): file to write (.png, .svg, .pdf). Defaults to None.
        at (str | date | None): the map as of this date. Defaults to None (everything).
        date_from, date_to (str | date | None): a window instead of ``at``. Defaults to None.
        title (str | None): title. Defaults to one built from the window.
        max_actors (int): keep the most active actors only. Defaults to 40.
        event_edges (bool): draw "acted against" edges derived from violent events. Defaults to True.
        seed (int): layout seed. Defaults to 7.

    Returns:
        Figure: the figure (already saved when ``output`` is given).
    """
    m, left_out = actor_map_graph(graph, at=at, date_from=date_from, date_to=date_to, max_actors=max_actors, event_edges=event_edges)
    n = m.number_of_nodes()
    pos: dict[str, tuple[float, float]] = {}
    if n:
        simple = nx.Graph()
        simple.add_nodes_from(sorted(m.nodes))
        simple.add_edges_from((u, v) for u, v in m.edges())
        pos = _packed_layout(simple, seed=seed)
    # The drawing takes the layout's shape (never too flat for the legends).
    side = 9.0 if n <= 15 else 11.0 if n <= 30 else 13.0
    if pos:
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        aspect = (max(ys) - min(ys) + 2.0) / (max(xs) - min(xs) + 2.0)
    else:
        aspect = 0.6
    height = max(7.5, min(side * 1.1, side * aspect))
    fig = Figure(figsize=(side + 3.2, height))
    ax = fig.add_axes((0.01, 0.04, side / (side + 3.2) - 0.01, 0.9))
    ax.set_axis_off()

    if n:
        _draw_actor_graph(ax, m, pos)
    else:
        ax.text(0.5, 0.5, "no actors match", ha="center", va="center", transform=ax.transAxes, fontsize=11, color="#555555")
    _actor_map_legends(fig, m, x0=side / (side + 3.2) + 0.005, height=height)

    window = _window_text(date_from, date_to, at)
    rel_count = sum(1 for *_e, d in m.edges(data=True) if d.get("kind") == "relation")
    ax.set_title(_text(title or ("Actor map" + (f" \u2014 {window}" if window else ""))), loc="left", fontsize=13, fontweight="bold")
    note = f"{n} actors, {rel_count} stated relations"
    if left_out:
        note += f"; {left_out} less active actor{'s' if left_out != 1 else ''} not shown"
    fig.text(0.02, 0.015, note + ".", fontsize=8, color="#555555")
    if output is not None:
        save_figure(fig, output)
    return fig


def _edge_style(d: dict[str, Any]) -> tuple[str, str, bool, float]:
    """Colour, line style, arrow or not, and width of one actor-map edge."""
    if d.get("kind") == "derived":
        color, ls, directed = _ACTED_AGAINST
        return color, ls, directed, 0.8 + 0.4 * min(d.get("count", 1) - 1, 4)
    color, ls, directed = PREDICATE_STYLES.get(d["predicate"], ("#999999", "solid", True))
    return color, ls, directed, 1.4 + 0.5 * min(d.get("source_count", 1) - 1, 4)


def _draw_actor_graph(ax, m: nx.MultiDiGraph, pos: dict[str, tuple[float, float]]) -> None:
    """Edges (parallel ones bent apart), nodes and labels of the actor map."""
    sizes = {a: _node_area(m.nodes[a]["events"]) for a in m.nodes}
    pair_count: Counter[frozenset] = Counter()
    for u, v, _k, d in sorted(m.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        color, ls, directed, width = _edge_style(d)
        i = pair_count[frozenset((u, v))]
        pair_count[frozenset((u, v))] += 1
        rad = 0.0 if i == 0 else (0.18 * ((i + 1) // 2) * (1 if i % 2 else -1))
        ax.add_patch(
            FancyArrowPatch(
                pos[u], pos[v], arrowstyle="-|>" if directed else "-", mutation_scale=11,
                connectionstyle=f"arc3,rad={rad}", color=color, linestyle=ls, linewidth=width,
                shrinkA=math.sqrt(sizes[u]) / 2 + 1, shrinkB=math.sqrt(sizes[v]) / 2 + 1,
                alpha=0.9, zorder=1,
            )
        )
    nodes = sorted(m.nodes)
    ax.scatter(
        [pos[a][0] for a in nodes], [pos[a][1] for a in nodes],
        s=[sizes[a] for a in nodes], c=[node_color(m.nodes[a]) for a in nodes],
        edgecolors="white", linewidths=1.2, zorder=2,
    )
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    padx, pady = 0.12 * (max(xs) - min(xs) or 1), 0.12 * (max(ys) - min(ys) or 1)
    ax.set_xlim(min(xs) - padx, max(xs) + padx)
    ax.set_ylim(min(ys) - pady, max(ys) + pady)
    labels = {a: _text(m.nodes[a].get("short") or m.nodes[a].get("name") or a) for a in nodes}
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for a, (dx, dy, ha, va) in _label_offsets(ax, pos, sizes, labels, fontsize=8.5).items():
        ax.annotate(
            labels[a], xy=pos[a], xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
            fontsize=8.5, zorder=3, path_effects=halo, color="#111111",
        )


def _actor_map_legends(fig: Figure, m: nx.MultiDiGraph, *, x0: float, height: float) -> None:
    """Actor types, the predicates drawn, and node sizes, stacked in the right margin."""
    types_present = [t for t in ACTOR_COLORS if any(d.get("type") == t for _, d in m.nodes(data=True))]
    type_handles = [Line2D([], [], marker="o", ls="", color=ACTOR_COLORS[t], markersize=9, label=t) for t in types_present]
    preds = [p for p in PREDICATE_STYLES if any(d.get("predicate") == p for *_e, d in m.edges(data=True))]
    pred_handles = [
        Line2D([], [], color=PREDICATE_STYLES[p][0], ls=PREDICATE_STYLES[p][1], lw=2,
               marker=">" if PREDICATE_STYLES[p][2] else None, markersize=5, label=p.replace("_", " "))
        for p in preds
    ]
    if any(d.get("kind") == "derived" for *_e, d in m.edges(data=True)):
        pred_handles.append(Line2D([], [], color=_ACTED_AGAINST[0], lw=1.5, marker=">", markersize=5, label="acted against (events)"))
    size_handles = [
        Line2D([], [], marker="o", ls="", color="#999999", markersize=math.sqrt(_node_area(k)), label=f"{k} event{'s' if k != 1 else ''}")
        for k in (1, 5, 20)
    ]
    row = 0.24 / height  # one legend line, as a fraction of the figure height
    y = 0.95
    for handles, heading, extra in (
        (type_handles, "actor type", {}),
        (pred_handles, "relation", {}),
        (size_handles, "size: events taken part in", {"labelspacing": 1.6, "borderpad": 0.8, "handletextpad": 1.4}),
    ):
        if handles:
            fig.legend(handles=handles, title=heading, loc="upper left", bbox_to_anchor=(x0, y), fontsize=9, title_fontsize=9, frameon=False, **extra)
            y -= row * (len(handles) + 2.2)


def _label_offsets(ax, pos, sizes, labels, *, fontsize: float) -> dict[str, tuple[float, float, str, str]]:
    """Put each node label below, above, right or left of its node, wherever it overlaps least.

    Works in points from the axes' current limits; bigger nodes choose first.
    """
    to_pt = 72.0 / ax.figure.dpi
    centre = {a: ax.transData.transform(pos[a]) * to_pt for a in pos}
    obstacles = []
    for a in pos:
        r = math.sqrt(sizes[a]) / 2
        x, y = centre[a]
        obstacles.append((a, (x - r, y - r, x + r, y + r)))

    def overlap(b1, b2) -> float:
        w = min(b1[2], b2[2]) - max(b1[0], b2[0])
        h = min(b1[3], b2[3]) - max(b1[1], b2[1])
        return w * h if w > 0 and h > 0 else 0.0

    out = {}
    for a in sorted(pos, key=lambda a: (-sizes[a], a)):
        x, y = centre[a]
        r = math.sqrt(sizes[a]) / 2 + 3
        w, h = 0.58 * fontsize * len(labels[a]), 1.25 * fontsize
        options = [
            ((0, -r, "center", "top"), (x - w / 2, y - r - h, x + w / 2, y - r)),
            ((0, r, "center", "bottom"), (x - w / 2, y + r, x + w / 2, y + r + h)),
            ((r, 0, "left", "center"), (x + r, y - h / 2, x + r + w, y + h / 2)),
            ((-r, 0, "right", "center"), (x - r - w, y - h / 2, x - r, y + h / 2)),
        ]
        best = min(
            range(len(options)),
            key=lambda i: (sum(overlap(options[i][1], b) for owner, b in obstacles if owner != a), i),
        )
        out[a] = options[best][0]
        obstacles.append((None, options[best][1]))
    return out


def _packed_layout(g: nx.Graph, *, seed: int) -> dict[str, tuple[float, float]]:
    """Lay out each connected component on its own and pack them in rows.

    A force layout of the whole graph pushes small components to the edges and
    crushes the big one in the middle; laying components out separately, each
    scaled by the square root of its size, keeps the node density even.
    Isolated actors go last, in a grid. Deterministic for a given seed.
    """
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    blocks: list[dict[str, tuple[float, float]]] = []
    singles = [c[0] for c in comps if len(c) == 1]
    for comp in (c for c in comps if len(c) > 1):
        if len(comp) == 2:
            local = {comp[0]: (-0.5, 0.0), comp[1]: (0.5, 0.0)}
        else:
            # A fresh graph, not g.subgraph(): a subgraph view may iterate its
            # nodes in set (hash) order, which would change the layout per run.
            sub = nx.Graph()
            sub.add_nodes_from(comp)
            sub.add_edges_from(sorted((u, v) if u < v else (v, u) for u, v in g.edges(comp)))
            raw = nx.spring_layout(sub, seed=seed, k=2.0 / math.sqrt(len(comp)), iterations=500, weight=None)
            local = _spread({a: (float(x), float(y)) for a, (x, y) in raw.items()}, min_dist=1.4 / math.sqrt(len(comp)))
        scale = math.sqrt(len(comp))
        xs, ys = [p[0] for p in local.values()], [p[1] for p in local.values()]
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        half = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
        blocks.append({a: ((x - cx) / half * scale, (y - cy) / half * scale) for a, (x, y) in local.items()})
    if singles:  # a flat grid (two rows up to 16 actors) fits under the components
        cols = max(math.ceil(math.sqrt(len(singles))), min(math.ceil(len(singles) / 2), 8))
        blocks.append({a: (2.0 * (i % cols), -2.0 * (i // cols)) for i, a in enumerate(singles)})

    def extent(block):
        xs, ys = [p[0] for p in block.values()], [p[1] for p in block.values()]
        return min(xs), max(xs), min(ys), max(ys)

    widths = [extent(b)[1] - extent(b)[0] + 2.0 for b in blocks]
    row_limit = max(max(widths), 1.3 * math.sqrt(sum(w * w for w in widths)))
    pos: dict[str, tuple[float, float]] = {}
    x_cursor = y_cursor = row_height = 0.0
    for block, width in zip(blocks, widths):
        x0, x1, y0, y1 = extent(block)
        if x_cursor > 0 and x_cursor + width > row_limit:
            x_cursor, y_cursor, row_height = 0.0, y_cursor - row_height, 0.0
        for a, (x, y) in block.items():
            pos[a] = (x - x0 + x_cursor, y - y1 + y_cursor)
        x_cursor += width
        row_height = max(row_height, y1 - y0 + 2.0)
    return pos


def _node_area(events: int) -> float:
    """Marker area (points squared) of an actor taking part in ``events`` events."""
    return 90.0 + 200.0 * math.sqrt(events)


def _spread(pos: dict[str, tuple[float, float]], *, min_dist: float, rounds: int = 200) -> dict[str, tuple[float, float]]:
    """Push apart nodes closer than ``min_dist`` (force layouts clump around hubs)."""
    import numpy as np

    names = sorted(pos)
    xy = np.array([pos[a] for a in names], dtype=float)
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((delta**2).sum(-1))
        np.fill_diagonal(dist, min_dist)  # a node does not push itself
        short = dist < min_dist
        if not short.any():
            break
        push = np.zeros_like(dist)
        push[short] = (min_dist - dist[short]) / 2 / np.maximum(dist[short], 1e-9)
        xy += (delta * push[:, :, None]).sum(1)
    return {a: (float(x), float(y)) for a, (x, y) in zip(names, xy)}
