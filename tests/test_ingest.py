"""Ingestion: every format, folder recursion, and every bad-input case.

The fixtures in ``tests/fixtures/ingest`` are hand-made: ``folder/`` holds good
inputs (an HTML page wrapped in site chrome, two .txt notes, a JSONL batch, a
hidden file and an unsupported .md that must be skipped); ``bad/`` holds one
file per problem and a JSONL file with one broken line per problem.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, SHARED
from kg.errors import InputError, KgError
from kg.ingest import (
    SUPPORTED_SUFFIXES,
    Article,
    discover,
    iter_articles,
    normalize_published,
    read_article,
    read_articles,
)

INGEST = FIXTURES / "ingest"
GOOD = INGEST / "folder"
BAD = INGEST / "bad"


# --------------------------------------------------------------------------- discovery


def test_discover_recurses_sorted_and_skips_hidden_and_unsupported():
    found = discover([GOOD])
    names = [p.relative_to(GOOD).as_posix() for p in found]
    assert names == sorted(names)
    assert set(names) == {
        "nested/batch.jsonl",
        "nested/crlf-note.txt",
        "nested/kidal-note.txt",
        "sahel-brief.html",
    }
    assert all(p.suffix in SUPPORTED_SUFFIXES for p in found)


def test_discover_lists_a_file_named_twice_once():
    f = GOOD / "nested" / "kidal-note.txt"
    found = discover([f, GOOD / "nested", f])
    assert found[0] == f  # arguments keep their order; a folder's contents are sorted
    assert sorted(found) == sorted(discover([GOOD / "nested"]))


@pytest.mark.parametrize(
    "path, problem",
    [(INGEST / "does-not-exist.txt", "no such file"), (GOOD / "notes.md", "unsupported file type '.md'")],
)
def test_discover_rejects_missing_and_unsupported_files(path, problem):
    with pytest.raises(InputError, match=problem) as info:
        discover([path])
    assert str(path) in str(info.value)


# --------------------------------------------------------------------------- formats


def test_txt_doc_id_is_stem_and_text_kept_exactly():
    path = GOOD / "nested" / "kidal-note.txt"
    art = read_article(path)
    assert art.doc_id == "kidal-note"
    assert art.text == path.read_text(encoding="utf-8")
    assert art.title is None and art.published is None
    assert art.source == str(path)


def test_txt_newlines_normalised_and_nothing_else():
    art = read_article(GOOD / "nested" / "crlf-note.txt")
    assert art.text == "Line one\nLine two\nOld Mac line\nend\n"


def test_txt_utf8_bom_accepted(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfGao, Mali.")
    assert read_article(p).text == "Gao, Mali."


def test_seed_articles_read_unchanged():
    seeds = SHARED / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared seeds not available")
    arts = read_articles([seeds])
    assert len(arts) == len(list(seeds.glob("*.txt")))
    for art in arts:
        assert art.text == Path(art.source).read_text(encoding="utf-8")


def test_html_main_text_extracted_and_chrome_dropped():
    art = read_article(GOOD / "sahel-brief.html")
    assert art.doc_id == "sahel-brief"
    assert "Armed men ambushed a supply convoy of the Malian Armed Forces" in art.text
    assert "traders were waiting in Gao" in art.text
    for chrome in ("menu item", "Subscribe", "Premium", "Related content", "recipes",
                   "footer text", "Privacy policy", "Contact us"):
        assert chrome not in art.text, chrome
    # paragraphs stay on their own lines
    lines = art.text.split("\n")
    assert any(line.startswith("According to the statement") for line in lines)
    assert art.title == "Convoy ambushed near Gao, army says"
    assert art.url == "https://sahelwire.example/2024/05/convoy-ambushed-near-gao"
    assert art.published == "2024-05-02"


def test_html_in_declared_charset(tmp_path):
    p = tmp_path / "latin.html"
    body = "<p>" + "Les forces maliennes sont entrées à Tombouctou après des combats. " * 8 + "</p>"
    html = f'<html><head><meta charset="windows-1252"><title>Tombouctou</title></head><body><article>{body}</article></body></html>'
    p.write_bytes(html.encode("cp1252"))
    art = read_article(p)
    assert "entrées à Tombouctou" in art.text


def test_jsonl_metadata_and_ids():
    arts = {a.doc_id: a for a in read_articles([GOOD / "nested" / "batch.jsonl"])}
    assert set(arts) == {"jsonl-alpha", "42", "l'équipe \"quoted\" {x}"}
    alpha = arts["jsonl-alpha"]
    assert alpha.title == "Boni under siege"
    assert alpha.url == "https://example.org/boni"
    assert alpha.published == "2024-05-01"
    assert alpha.source.endswith("batch.jsonl:1")
    assert arts["42"].published == "2024-05-01"
    assert arts["42"].source.endswith("batch.jsonl:3")  # blank line 2 skipped, numbering kept
    assert arts["l'équipe \"quoted\" {x}"].published == "2024-05-01"


def test_folder_recursion_yields_every_format():
    errors: list[KgError] = []
    arts = read_articles([GOOD], errors=errors)
    assert errors == []
    assert {a.doc_id for a in arts} == {
        "jsonl-alpha", "42", "l'équipe \"quoted\" {x}", "crlf-note", "kidal-note", "sahel-brief",
    }
    assert all(isinstance(a, Article) for a in arts)


def test_single_path_argument_accepted():
    assert [a.doc_id for a in iter_articles(GOOD / "nested" / "kidal-note.txt")] == ["kidal-note"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-01", "2024-05-01"),
        ("2024-05-01T10:00:00Z", "2024-05-01"),
        ("2024-05-01T23:30:00-05:00", "2024-05-01"),
        ("1 May 2024", "2024-05-01"),
        ("May 1, 2024", "2024-05-01"),
        ("Thu, 02 May 2024 08:30:00 GMT", "2024-05-02"),
        ("May 2024", "2024-05"),
        ("2024-05", "2024-05"),
        ("2024", "2024"),
        ("1 May 2024 10:00 WAT", "2024-05-01"),  # unknown zone: no warning escapes
    ],
)
def test_normalize_published(value, expected):
    assert normalize_published(value) == expected


@pytest.mark.parametrize("value", ["sometime soon", "2024-13-01", "May", ""])
def test_normalize_published_rejects(value):
    with pytest.raises(ValueError):
        normalize_published(value)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "name, problem",
    [
        ("empty.txt", "empty file"),
        ("whitespace.txt", "only whitespace"),
        ("binary.txt", "binary file"),
        ("latin1.txt", "not UTF-8"),
        ("chrome-only.html", "no main article text"),
    ],
)
def test_bad_file_raises_naming_file_and_problem(name, problem):
    path = BAD / name
    with pytest.raises(InputError, match=problem) as info:
        read_article(path)
    assert str(info.value).startswith(f"{path}: ")
    assert info.value.path == str(path) and info.value.line is None


BROKEN_LINES = {
    2: "not JSON",
    3: "expected a JSON object, got list",
    4: 'missing "id"',
    5: 'missing "text"',
    6: '"text" must be a string, got int',
    7: 'empty "text"',
    9: '"published" \'sometime soon\' is not a date',
    10: "not UTF-8",
    11: "duplicate doc_id 'good-1'",
    13: '"title" must be a string',
}


def test_bad_inputs_collected_and_other_documents_still_read():
    errors: list[KgError] = []
    arts = read_articles([BAD, GOOD], errors=errors)
    # the good documents of both folders, including good lines around broken ones
    assert {"good-1", "good-2", "sahel-brief", "kidal-note", "jsonl-alpha"} <= {a.doc_id for a in arts}
    # the first good-1 wins; the duplicate on line 11 does not overwrite it
    good1 = next(a for a in arts if a.doc_id == "good-1")
    assert good1.source.endswith("broken.jsonl:1") and good1.published == "2021-12"
    assert all(isinstance(e, InputError) for e in errors)
    by_where = {(Path(e.path).name, e.line): str(e) for e in errors}
    for line, problem in BROKEN_LINES.items():
        msg = by_where[("broken.jsonl", line)]
        assert msg.startswith(f"{BAD / 'broken.jsonl'}:{line}: "), msg
        assert problem in msg, msg
    for name in ("empty.txt", "whitespace.txt", "binary.txt", "latin1.txt", "chrome-only.html"):
        assert ("" + name, None) in by_where
    assert len(errors) == len(BROKEN_LINES) + 5


def test_without_error_list_first_problem_raises():
    with pytest.raises(InputError, match="binary file"):
        list(iter_articles([BAD / "binary.txt", GOOD]))


def test_jsonl_error_raises_with_line_when_no_error_list():
    it = iter_articles([BAD / "broken.jsonl"])
    assert next(it).doc_id == "good-1"
    with pytest.raises(InputError) as info:
        next(it)
    assert info.value.line == 2


def test_missing_path_reported_and_rest_read():
    errors: list[KgError] = []
    arts = read_articles([INGEST / "nope", GOOD / "nested" / "kidal-note.txt"], errors=errors)
    assert [a.doc_id for a in arts] == ["kidal-note"]
    assert len(errors) == 1 and "no such file" in str(errors[0]) and "nope" in str(errors[0])


def test_duplicate_doc_id_across_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "same.txt").write_text("first", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "same.txt").write_text("second", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "same", "text": "third"}) + "\n", encoding="utf-8")
    errors: list[KgError] = []
    arts = read_articles([tmp_path], errors=errors)
    assert [(a.doc_id, a.text) for a in arts] == [("same", "first")]
    assert len(errors) == 2
    assert all("duplicate doc_id 'same'" in str(e) for e in errors)
    assert any(e.line == 1 and e.path.endswith("c.jsonl") for e in errors)


def test_too_large_file_and_line_name_the_size(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 2048, encoding="utf-8")
    with pytest.raises(InputError, match=r"file is 2\.0 KiB, larger than the 1\.0 KiB limit"):
        read_article(big, max_bytes=1024)
    jl = tmp_path / "big.jsonl"
    jl.write_text(
        json.dumps({"id": "small", "text": "ok"}) + "\n" + json.dumps({"id": "big", "text": "y" * 2048}) + "\n",
        encoding="utf-8",
    )
    errors: list[KgError] = []
    arts = read_articles([jl], errors=errors, max_bytes=1024)
    assert [a.doc_id for a in arts] == ["small"]
    assert errors[0].line == 2 and "larger than the 1.0 KiB limit" in str(errors[0])


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("u16.txt", "Gao".encode("utf-16"), "UTF-16"),
        ("ctrl.txt", bytes(range(1, 32)) * 20, "binary data"),
        ("empty.jsonl", b"", "empty file"),
        ("blank.jsonl", b"\n  \n\n", "only whitespace"),
        ("nul.jsonl", b'{"id": "a", "text": "b"}\n\x00\x01\x02', "binary file"),
        ("empty.html", b"", "empty file"),
        ("latin.html", "<p>caf\u00e9</p>".encode("latin-1"), "not UTF-8"),
    ],
)
def test_more_bad_files(tmp_path, name, content, problem):
    p = tmp_path / name
    p.write_bytes(content)
    errors: list[KgError] = []
    assert read_articles([p], errors=errors) == []
    assert len(errors) == 1
    assert problem in str(errors[0]) and str(p) in str(errors[0])


def test_hostile_names_kept_as_data(tmp_path):
    name = "it's \"MATCH (n) DETACH DELETE n\" <urn:x#y> {x}"
    p = tmp_path / f"{name}.txt"
    p.write_text("JNIM attacked Kati.", encoding="utf-8")
    (art,) = read_articles([tmp_path])
    assert art.doc_id == name


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs POSIX FIFOs")
def test_folder_walk_skips_fifos_and_dangling_links(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block the run
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "ok.htm").write_text(
        "<html><head><title>Gao</title></head><body><article><p>Fighters attacked an army post "
        "near Gao on Monday, officials said.</p></article></body></html>",
        encoding="utf-8",
    )
    errors: list[KgError] = []
    arts = read_articles([tmp_path], errors=errors)
    assert [a.doc_id for a in arts] == ["ok"] and errors == []
    assert arts[0].text.endswith("near Gao on Monday, officials said.")
