"""``kg``: one CLI for the whole job.

Each sub-command module registers itself on the shared app when imported.
"""

from __future__ import annotations

from kg.cli.app import app

# Imported for their side effect: each registers its commands on ``app``.
from kg.cli import info as _info  # noqa: F401,E402
from kg.cli import extract as _extract  # noqa: F401,E402
from kg.cli import export as _export  # noqa: F401,E402
from kg.cli import store as _store  # noqa: F401,E402
from kg.cli import build as _build  # noqa: F401,E402
from kg.cli import evaluate as _evaluate  # noqa: F401,E402

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``kg`` console script."""
    app()
