"""Brown-cluster features of the base pipeline's tok2vec (kg/brown_clusters.py)."""

from __future__ import annotations

import numpy
import pytest
import spacy
from spacy.lookups import Lookups
from spacy.util import registry

from kg.brown_clusters import CLUSTER_TABLE, brown_clusters, cluster_features, cluster_hash_embed, cluster_paths


def _nlp_with(table: dict[str, int]):
    nlp = spacy.blank("en")
    lookups = Lookups()
    lookups.add_table(CLUSTER_TABLE, table)
    nlp.vocab.lookups = lookups
    return nlp


def test_paths_cut_at_each_prefix_and_keep_lengths_apart():
    # path 0,1,1,0,1 (least significant bit first) under the leading 1
    cluster = 0b110110
    assert cluster_paths(cluster, [2, 4, 10]) == [0b110, 0b10110, cluster]
    # a path that shares the first four steps shares the 4-prefix
    assert cluster_paths(0b10110, [4]) == cluster_paths(cluster, [4])
    # paths shorter than the prefix stay apart by length: "01" is not "011"
    assert cluster_paths(0b110, [4]) != cluster_paths(0b1110, [4])
    assert cluster_paths(0, [4, 6]) == [0, 0]


@pytest.mark.slow
def test_table_keeps_only_words_with_a_cluster():
    table = brown_clusters("en").get_table(CLUSTER_TABLE)
    assert 100_000 < len(table) < 1_000_000
    assert all(value > 0 for value in list(table.values())[:1000])
    # place names share the first steps of their path; a function word does not
    paris, timbuktu, the = (cluster_paths(table.get(w), [6])[0] for w in ("Paris", "Timbuktu", "the"))
    assert paris == timbuktu != the


def test_features_are_spacy_columns_then_one_column_per_prefix():
    nlp = _nlp_with({"Gao": 0b1100110, "gao": 0b1100110, "in": 0b1011})
    doc = nlp.make_doc("Fighting in GAO and Gao")
    model = cluster_features(["NORM", "SHAPE"], [2, 4])
    (features,), _ = model([doc], is_train=False)
    assert features.shape == (len(doc), 4)
    assert numpy.array_equal(features[:, :2], doc.to_array(["NORM", "SHAPE"]).astype("uint64"))
    fighting, in_, gao_caps, and_, gao = features[:, 2:].tolist()
    assert fighting == and_ == [0, 0]  # no cluster
    assert gao_caps == gao == cluster_paths(0b1100110, [2, 4])  # GAO found by its lower case
    assert in_ == cluster_paths(0b1011, [2, 4])


def test_empty_doc_gives_an_empty_feature_array():
    nlp = _nlp_with({"x": 3})
    (features,), _ = cluster_features(["NORM"], [4])([nlp.make_doc("")], is_train=False)
    assert features.shape == (0, 2)


def test_features_say_when_the_vocab_has_no_cluster_table():
    doc = spacy.blank("en").make_doc("Gao")
    with pytest.raises(ValueError, match=CLUSTER_TABLE):
        cluster_features(["NORM"], [4])([doc], is_train=False)


def test_embedding_gives_one_vector_of_width_per_token():
    nlp = _nlp_with({"Gao": 0b1100110})
    docs = [nlp.make_doc("Attack near Gao"), nlp.make_doc("Kidal")]
    model = cluster_hash_embed(16, ["NORM", "PREFIX"], [100, 50], [4, 20], 8, [16, 64])
    model.initialize(X=docs)
    vectors = model.predict(docs)
    assert [v.shape for v in vectors] == [(3, 16), (1, 16)]
    with pytest.raises(ValueError, match="must match"):
        cluster_hash_embed(16, ["NORM"], [100, 50], [4], 8, [16])


def test_registered_for_spacy_configs():
    assert registry.architectures.get("conflict_kg.ClusterHashEmbed.v1") is cluster_hash_embed
    assert registry.misc.get("conflict_kg.brown_clusters.v1") is brown_clusters
