"""Find and load the base spaCy pipeline (tokens, tags, parse, lemmas, names).

Why: spaCy's published English pipelines cannot be installed everywhere, so the
project trains and ships its own (``scripts/train_base_pipeline.py``) as package
data under ``kg/pipelines/``. Any installed spaCy pipeline (``en_core_web_sm``,
``en_core_web_trf``...) or a pipeline directory is accepted by name instead.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import PipelineError

__all__ = ["DEFAULT_PIPELINE", "PIPELINES_DIR", "resolve_pipeline", "load_base", "describe_pipeline"]

#: Name of the pipeline the project trains and ships; ``--model`` overrides it.
DEFAULT_PIPELINE = "en_conflict_kg_base"
PIPELINES_DIR = Path(__file__).resolve().parent / "pipelines"


def resolve_pipeline(name: str | None = None) -> str | Path:
    """Where to load a pipeline from: a shipped directory, a pipeline directory, or a package name.

    Args:
        name (str | None): ``en_conflict_kg_base`` (or ``conflict_kg_base``), the name
            of another pipeline under ``kg/pipelines/``, a directory written by
            ``nlp.to_disk``/``spacy train`` (e.g. ``training/.../model-best``), or
            an installed package such as ``en_core_web_sm``. Defaults to
            DEFAULT_PIPELINE.

    Returns:
        Path | str: the directory to load, or the package name for ``spacy.load``.

    Raises:
        PipelineError: the default pipeline is not shipped, or a directory is not a pipeline.
    """
    name = name or DEFAULT_PIPELINE
    if name == DEFAULT_PIPELINE.removeprefix("en_"):
        name = DEFAULT_PIPELINE
    shipped = PIPELINES_DIR / name
    if (shipped / "meta.json").is_file():
        return shipped
    as_path = Path(name)
    if as_path.is_dir():
        if not (as_path / "config.cfg").is_file():
            raise PipelineError(f"{as_path}: not a spaCy pipeline directory (no config.cfg)")
        return as_path
    if name == DEFAULT_PIPELINE:
        raise PipelineError(
            f"the shipped pipeline {name!r} is missing from {PIPELINES_DIR}; "
            "run scripts/train_base_pipeline.py or pass --model en_core_web_sm"
        )
    return name


@lru_cache(maxsize=4)
def load_base(name: str | None = None, *, exclude: tuple[str, ...] = ()) -> Any:
    """Load the base pipeline (cached per name): a ``spacy.Language``.

    The shipped pipeline's tok2vec uses this project's Brown-cluster embedding;
    importing it here registers it even where the package's spaCy entry points
    are not installed (a source checkout on ``sys.path``).
    """
    import spacy

    import kg.brown_clusters  # noqa: F401  (registers conflict_kg.ClusterHashEmbed.v1)

    target = resolve_pipeline(name)
    try:
        return spacy.load(target, exclude=list(exclude))
    except OSError as exc:
        raise PipelineError(
            f"cannot load spaCy pipeline {name!r}: not shipped, not a directory and not an installed package"
        ) from exc


def describe_pipeline(name: str | None = None) -> dict[str, Any]:
    """Name, on-disk path, version, components and licence of a pipeline, for ``kg info``.

    ``pipeline_path`` is the directory to give ``spacy evaluate``; ``pipeline_name``
    is the name spaCy's meta gives it (``en_conflict_kg_base`` for the shipped one).
    """
    import spacy
    from spacy.util import get_package_path, is_package

    target = resolve_pipeline(name)
    if isinstance(target, Path):
        path = target
    elif is_package(target):
        path = get_package_path(target)
    else:
        raise PipelineError(f"spaCy pipeline {target!r} is not installed")
    meta = spacy.util.load_meta(path / "meta.json") if (path / "meta.json").is_file() else {}
    return {
        "pipeline": name or DEFAULT_PIPELINE,
        "pipeline_name": f"{meta['lang']}_{meta['name']}" if "lang" in meta and "name" in meta else None,
        "pipeline_path": str(path),
        "pipeline_version": meta.get("version"),
        "spacy_version": meta.get("spacy_version"),
        "components": list(meta.get("pipeline", [])),
        "license": meta.get("license"),
        "sources": [source.get("name") for source in meta.get("sources", []) if isinstance(source, dict)],
    }
