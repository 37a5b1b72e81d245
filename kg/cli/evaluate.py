"""``kg eval``: score a records file against a folder of gold records (FORMAT.md matching).

Why: every extractor change is judged by these numbers, so the command prints
them per document and in total, names every prediction line it had to skip,
and can emit the whole report as JSON for scripts and CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kg.cli.app import command
from kg.errors import RecordError
from kg.evaluate import KINDS, Counts, DocScore, EvalReport, Macro, load_gold, score
from kg.records import iter_records

__all__ = ["evaluate", "render_report"]


@command("eval")
def evaluate(
    gold_dir: Path = typer.Argument(..., help="Folder of gold records (*.gold.json / *.json), or a gold .jsonl."),
    records: Path = typer.Argument(..., help="Predicted records (JSONL, one kg-docrecord/1 per line)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
    details: bool = typer.Option(False, "--details", help="Also list missed, spurious and mistyped items per document."),
) -> None:
    """Precision, recall and F1 of actors, places, events and relations per document and in total.

    Matching follows FORMAT.md (see docs/evaluation.md). Bad record lines are
    reported on stderr as FILE:LINE and skipped; the rest are scored.
    """
    gold = load_gold(gold_dir)
    bad: list[RecordError] = []
    predicted = list(iter_records(records, errors=bad))
    report = score(predicted, gold, details=details, problems=[str(e) for e in bad])
    for problem in report.problems:
        typer.echo(f"warning: {problem}", err=True)
    if as_json:
        typer.echo(report.to_json())
        return
    # Wide enough for the table when piped (rich assumes 80 columns off a terminal).
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)
    render_report(report, console, details=details)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _accuracy_cell(doc: DocScore | None, kind: str, macro: Macro | None = None) -> str:
    """Actor type accuracy on the actors row, event date accuracy on the events row."""
    if kind == "actors":
        return _num(macro.actor_types if macro else doc.actor_types.value) + " type"
    if kind == "events":
        return _num(macro.event_dates if macro else doc.event_dates.value) + " date"
    return ""


def _table(title: str, first: str = "document") -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(first, overflow="fold")
    table.add_column("kind")
    for name in ("tp", "fp", "fn", "P", "R", "F1"):
        table.add_column(name, justify="right")
    table.add_column("accuracy", justify="right")
    return table


def _add_doc(table: Table, doc: DocScore, label: str) -> None:
    for n, kind in enumerate(KINDS):
        counts: Counts = getattr(doc, kind)
        table.add_row(
            Text(label) if n == 0 else "",  # Text: a doc_id like "[/]x" is data, not rich markup
            kind,
            str(counts.tp), str(counts.fp), str(counts.fn),
            _num(counts.precision), _num(counts.recall), _num(counts.f1),
            _accuracy_cell(doc, kind),
            end_section=n == len(KINDS) - 1,
        )


def render_report(report: EvalReport, console: Console, *, details: bool = False) -> None:
    """Print the per-document table, notes, optional details, then the totals (last)."""
    docs = _table("Per document")
    for doc in report.documents:
        _add_doc(docs, doc, doc.doc_id + ("" if doc.predicted else " (no prediction)"))
    console.print(docs)
    if details:
        for doc in report.documents:
            if not doc.details:
                continue
            console.print(Text("\n" + doc.doc_id, style="bold"))
            for kind, groups in doc.details.items():
                for group, items in groups.items():
                    for item in items:
                        console.print(f"  {kind} {group}: {item}", markup=False)
    if report.missing:
        console.print(f"No prediction for {len(report.missing)} gold document(s), all their gold items "
                      f"counted as false negatives: {', '.join(report.missing)}", markup=False)
    if report.unscored:
        console.print(f"Not scored (no gold; not in totals): {len(report.unscored)} predicted document(s): "
                      f"{', '.join(report.unscored)}", markup=False)
    if report.problems:
        console.print(f"Skipped {len(report.problems)} bad prediction line(s) (listed on stderr).", markup=False)
    total = _table(f"Total over {len(report.documents)} gold document(s)", first="average")
    _add_doc(total, report.total, "micro")
    macro = report.macro
    for n, kind in enumerate(KINDS):
        m = getattr(macro, kind)
        total.add_row("macro" if n == 0 else "", kind, "", "", "",
                      _num(m["precision"]), _num(m["recall"]), _num(m["f1"]), _accuracy_cell(None, kind, macro))
    console.print(total)
    t = report.total
    console.print(f"micro = tp/fp/fn summed over gold documents; macro = mean of per-document values. "
                  f"Actor type accuracy {t.actor_types.correct}/{t.actor_types.total} matched actors, "
                  f"event date accuracy {t.event_dates.correct}/{t.event_dates.total} matched events.",
                  markup=False)
