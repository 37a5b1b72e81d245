"""conflict-kg's spaCy components, one per module, each registered with ``@Language.factory``.

Importing this package registers them all; ``spacy.load`` also finds them through
the ``spacy_factories`` entry points declared in ``pyproject.toml``.

Order in a pipeline (after the base pipeline's parser and NER):
``conflict_entities`` -> ``conflict_linker`` -> ``conflict_dates`` -> ``conflict_events`` -> ``conflict_relations``;
``conflict_lines`` goes before the parser.
"""

from __future__ import annotations

from extractors.dates import ConflictDates, make_conflict_dates
from extractors.entities import ConflictEntities, make_conflict_entities
from extractors.events import ConflictEvents, make_conflict_events
from extractors.lines import mark_line_starts
from extractors.linking import ConflictLinker, make_conflict_linker
from extractors.relations import ConflictRelations, make_conflict_relations

__all__ = [
    "ConflictDates",
    "ConflictEntities",
    "ConflictEvents",
    "ConflictLinker",
    "ConflictRelations",
    "make_conflict_dates",
    "make_conflict_entities",
    "make_conflict_events",
    "make_conflict_linker",
    "make_conflict_relations",
    "mark_line_starts",
    "DOMAIN_COMPONENTS",
]

#: The domain components in pipeline order.
DOMAIN_COMPONENTS = ("conflict_entities", "conflict_linker", "conflict_dates", "conflict_events", "conflict_relations")
