"""Name normalisation shared by alias linking and scoring.

Why: FORMAT.md defines how two names are "the same" ("al-Qaeda", "al Qaeda"
and "Al Qaeda" are one name). The extractor links aliases and the scorer
matches records with this one function, so the two can never disagree.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_name", "slugify"]

_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4"
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)


def normalize_name(name: str) -> str:
    """Normalise a name as FORMAT.md scores it.

    NFKD with diacritics removed, casefolded, apostrophes dropped, other
    punctuation turned into spaces, a leading "the" dropped, then all
    whitespace removed.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    for ch in _APOSTROPHES:
        text = text.replace(ch, "")
    text = _PUNCT.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return re.sub(r"\s+", "", text)


def slugify(name: str) -> str:
    """A readable ASCII id for a name: ``Jama'at Nusrat`` -> ``jamaat-nusrat``."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    for ch in _APOSTROPHES:
        text = text.replace(ch, "")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "x"
