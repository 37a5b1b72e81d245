"""``conflict_lines``: a line break ends a sentence.

Why: headings, list items and bylines in scraped articles have no final full
stop, so a parser glues them to the next sentence ("Scope of attacks According
to available data..."). Setting sentence starts after line breaks before the
parser runs keeps facts from leaking across lines; the parser respects them.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["mark_line_starts"]


@Language.component("conflict_lines", assigns=["token.is_sent_start"])
def mark_line_starts(doc: Doc) -> Doc:
    """Mark the first token after a line break as a sentence start."""
    for i, tok in enumerate(doc[:-1]):
        if "\n" in tok.text_with_ws and not tok.is_space:
            doc[i + 1].is_sent_start = True
        elif tok.is_space and "\n" in tok.text:
            doc[i + 1].is_sent_start = True
    return doc
