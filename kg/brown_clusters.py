"""Brown-cluster features for the base pipeline's tok2vec.

Why: the shipped pipeline has no pretrained word vectors, and its NER learns from
about 3,000 sentences, so a name it never saw in training ("Timbuktu", "Gao") is
only a shape and a few affixes to it. spacy-lookups-data ships the English Brown
clusters spaCy's own v2 models used (``en_lexeme_cluster``: 1,000 clusters of
words learned from a large corpus). A word's cluster path says what company it
keeps, which is what a name's context cannot teach from 3,000 sentences: place
names share the first steps of their paths ("Paris" and "Timbuktu" do). Prefixes of the path at several depths
(the classic NER feature set, Ratinov and Roth 2009) are embedded beside spaCy's
NORM/PREFIX/SUFFIX/SHAPE features.

The table lives in the pipeline's own ``vocab/lookups.bin`` (only words with a
cluster: 190k of the table's 1M), so the shipped pipeline needs nothing but spaCy
and this module, which spaCy finds by entry point (``spacy_architectures``,
``spacy_misc``) once the project is installed.
"""

from __future__ import annotations

from typing import Callable, List, Tuple

import numpy

from spacy.attrs import LOWER, ORTH
from spacy.lookups import Lookups, load_lookups
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.types import Floats2d, Ints2d

__all__ = ["CLUSTER_TABLE", "brown_clusters", "cluster_paths", "cluster_features", "cluster_hash_embed"]

#: The vocab lookups table the features read (spaCy's own name, so ``Lexeme.cluster`` sees it too).
CLUSTER_TABLE = "lexeme_cluster"


@registry.misc("conflict_kg.brown_clusters.v1")
def brown_clusters(lang: str = "en") -> Lookups:
    """The Brown-cluster table of spacy-lookups-data, only the words that have a cluster.

    Used as ``[initialize.lookups]``, so training stores the table in the pipeline's vocab.
    """
    table = load_lookups(lang, [CLUSTER_TABLE]).get_table(CLUSTER_TABLE)
    lookups = Lookups()
    lookups.add_table(CLUSTER_TABLE, {key: cluster for key, cluster in table.items() if cluster})
    return lookups


def cluster_paths(cluster: int, prefixes: List[int]) -> List[int]:
    """The cluster's path cut at each prefix length, as distinct ints (0: no cluster).

    spaCy stores a path of bits least significant first under a leading 1, so
    the first ``k`` steps are the low ``k`` bits; the 1 put above them keeps
    paths of different lengths apart (``0b10`` is not ``0b100``).
    """
    if not cluster:
        return [0] * len(prefixes)
    depth = cluster.bit_length() - 1
    return [cluster if depth <= k else (cluster & ((1 << k) - 1)) | (1 << k) for k in prefixes]


def cluster_features(attrs: List[str], prefixes: List[int]) -> Model[List[Doc], List[Ints2d]]:
    """spaCy's feature columns for ``attrs``, then one column per prefix length.

    A cluster column holds the token's cluster path (``cluster_paths``), found by
    its form or else its lower case (an all-capitals headline word is found by
    its lower case).
    """
    return Model("brown_cluster_features", _features_forward, attrs={"columns": list(attrs), "prefixes": list(prefixes)})


#: cluster -> its paths, per prefix set (1,000 clusters: small; kept out of model.attrs, which are serialised)
_PATHS: dict[tuple[int, ...], dict[int, List[int]]] = {}


def _features_forward(model: Model, docs: List[Doc], is_train: bool) -> Tuple[List[Ints2d], Callable]:
    columns = model.attrs["columns"]
    prefixes = model.attrs["prefixes"]
    paths = _PATHS.setdefault(tuple(prefixes), {})
    features = []
    for doc in docs:
        doc = doc if isinstance(doc, Doc) else doc.as_doc()
        if not doc.vocab.lookups.has_table(CLUSTER_TABLE):
            raise ValueError(
                f"the pipeline's vocab has no {CLUSTER_TABLE!r} table: it was not initialised "
                "with [initialize.lookups] = conflict_kg.brown_clusters.v1"
            )
        table = doc.vocab.lookups.get_table(CLUSTER_TABLE)
        # one pass over the tokens: spaCy's columns, then the two keys the clusters are found by
        array = doc.to_array([*columns, ORTH, LOWER]).reshape((len(doc), len(columns) + 2))
        rows = []
        for orth, lower in array[:, len(columns):].tolist():
            cluster = dict.get(table, orth) or dict.get(table, lower) or 0
            row = paths.get(cluster)
            if row is None:
                row = paths[cluster] = cluster_paths(cluster, prefixes)
            rows.append(row)
        clusters = numpy.asarray(rows, dtype="uint64").reshape((len(doc), len(prefixes)))
        features.append(model.ops.asarray2i(numpy.hstack([array[:, : len(columns)].astype("uint64"), clusters]), dtype="uint64"))
    return features, lambda d_features: []


@registry.architectures("conflict_kg.ClusterHashEmbed.v1")
def cluster_hash_embed(
    width: int,
    attrs: List[str],
    rows: List[int],
    prefixes: List[int],
    cluster_width: int,
    cluster_rows: List[int],
) -> Model[List[Doc], List[Floats2d]]:
    """spaCy's ``MultiHashEmbed`` (no static vectors) with Brown-cluster path columns added.

    The token attributes embed at ``width`` exactly as in ``spacy.MultiHashEmbed.v2``
    (same seeds); each cluster prefix embeds at ``cluster_width`` (it has at most
    a few thousand values); one Maxout mixes them all down to ``width``.
    """
    if len(rows) != len(attrs) or len(cluster_rows) != len(prefixes):
        raise ValueError(f"rows ({len(rows)}, {len(cluster_rows)}) must match attrs ({len(attrs)}) and prefixes ({len(prefixes)})")
    seed = 7
    embeddings = []
    for index, (size, n_rows) in enumerate([(width, r) for r in rows] + [(cluster_width, r) for r in cluster_rows]):
        seed += 1
        embeddings.append(HashEmbed(size, n_rows, column=index, seed=seed, dropout=0.0))
    concat_size = width * len(attrs) + cluster_width * len(prefixes)
    return chain(
        cluster_features(attrs, prefixes),
        list2ragged(),
        with_array(concatenate(*embeddings)),
        with_array(Maxout(width, concat_size, nP=3, dropout=0.0, normalize=True)),
        ragged2list(),
    )
