"""Assemble the extraction pipeline: a base spaCy pipeline plus the conflict-kg components.

Why: extraction needs tokens, tags, lemmas, a parse and names from a base
pipeline (the project's own by default, or any installed spaCy pipeline by
name), then the domain components in a fixed order. Keeping the assembly in
one place means ``kg extract``, ``kg build`` and the benchmarks run the same thing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import extractors  # noqa: F401  (registers the component factories)
from extractors import DOMAIN_COMPONENTS
from kg.base_pipeline import DEFAULT_PIPELINE, resolve_pipeline
from kg.errors import PipelineError

__all__ = ["build_pipeline", "DOMAIN_COMPONENTS", "pipeline_label"]

#: Articles longer than this (characters) are refused with a clear error rather than crashing spaCy.
MAX_CHARS = 2_000_000


@lru_cache(maxsize=4)
def build_pipeline(model: str | None = None, *, domain: bool = True) -> Any:
    """A ``spacy.Language`` for extraction (cached per model and flag).

    Args:
        model: base pipeline: None for the shipped ``en_conflict_kg_base``, an installed
            package name (``en_core_web_sm``) or a pipeline directory.
        domain: add the conflict-kg components (False gives the base pipeline alone,
            for benchmarks).
    """
    import spacy

    target = resolve_pipeline(model)
    try:
        nlp = spacy.load(target)
    except OSError as exc:
        raise PipelineError(f"cannot load spaCy pipeline {model or DEFAULT_PIPELINE!r}: {exc}") from exc
    missing = {"parser"} - set(nlp.pipe_names)
    if missing:
        raise PipelineError(f"pipeline {model or DEFAULT_PIPELINE!r} lacks {sorted(missing)}; extraction needs a dependency parser")
    nlp.max_length = MAX_CHARS
    _split_glued_quotes(nlp)
    _abbreviations(nlp)
    # Sentences from punctuation and line breaks, fixed before parsing: a parser trained on
    # web text splits news sentences at commas and quotes, and a fact cut in two is lost.
    nlp.add_pipe("sentencizer", before="parser")
    nlp.add_pipe("conflict_lines", before="parser")
    if domain:
        for name in DOMAIN_COMPONENTS:
            nlp.add_pipe(name)
    return nlp


def _abbreviations(nlp: Any) -> None:
    """Keep "U.N.", "U.K."... one token, as spaCy already does for "U.S."."""
    from spacy.symbols import ORTH

    for abbr in ("U.N.", "U.K.", "E.U.", "A.U.", "U.A.E.", "D.C.", "N.G.O."):
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])


def _split_glued_quotes(nlp: Any) -> None:
    """Split words glued to a quotation mark by bad extraction ('Korps”associated' -> 'Korps', '”', 'associated'),
    and a dash glued to a closing bracket or quote ('(AAD)—a group' -> 'AAD', ')', '—', 'a'): spaCy
    splits a dash only between letters, so "AAD)—a" stayed one token and the NER took it for a name."""
    from spacy.util import compile_infix_regex

    infixes = list(nlp.Defaults.infixes) + [r"(?<=[A-Za-z])[”“\"](?=[A-Za-z])", r"(?<=\w)[)\]”’\"](?=[—–])", r"(?<=[)\]”’\"])[—–]"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def pipeline_label(nlp: Any) -> str:
    """``lang_name-version`` of the base pipeline, recorded in every document record."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"
