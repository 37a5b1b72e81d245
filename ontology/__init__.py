"""The project's ontology and gazetteers, as data files shipped with the package.

Why a package: ``pip install .`` must carry the Turtle, SHACL and YAML files, and
code finds them with ``ontology.path("event_types.yaml")`` wherever it is installed.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ONTOLOGY_DIR", "path"]

ONTOLOGY_DIR = Path(__file__).resolve().parent


def path(name: str) -> Path:
    """Absolute path of a data file in ``ontology/`` (e.g. ``"gazetteer/actors.yaml"``)."""
    return ONTOLOGY_DIR / name
