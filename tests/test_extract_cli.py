"""``kg extract`` through typer's CliRunner: records written, bad inputs reported, exit codes.

The runs need a real parser: see ``extractor_helpers.pipeline_or_skip``.
The argument checks run without one.
"""

from __future__ import annotations

import json

import pytest
from extractor_helpers import make_inputs, pipeline_or_skip
from typer.testing import CliRunner

from kg.cli import app
from kg.models import DocRecord

runner = CliRunner()


def invoke(*args: str, model: str | None = None):
    extra = ["--model", model] if model else []
    return runner.invoke(app, ["extract", *args, "--no-progress", *extra])


def test_output_option_is_required(tmp_path):
    result = invoke(str(tmp_path))
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_unknown_pipeline_is_one_error_line_and_no_records_file(tmp_path):
    out = tmp_path / "records.jsonl"
    (tmp_path / "a.txt").write_text("JNIM attacked Gao.", encoding="utf-8")
    result = invoke(str(tmp_path / "a.txt"), "-o", str(out), model="en_no_such_pipeline")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "en_no_such_pipeline" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.slow
def test_extract_writes_records_reports_bad_inputs_and_exits_2(tmp_path):
    model = pipeline_or_skip()
    files = make_inputs(tmp_path / "in")
    out = tmp_path / "out" / "records.jsonl"

    result = invoke(str(tmp_path / "in"), "-o", str(out), model=model)

    assert result.exit_code == 2, result.output
    records = [DocRecord.model_validate(json.loads(line)) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r.doc_id for r in records) == ["good", "j1", "j3"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 4
    for name in ("empty.txt", "binary.txt", "latin1.txt"):
        assert any(str(files[name.split(".")[0]]) in w for w in warnings), name
    assert any(f"{files['jsonl']}:2:" in w for w in warnings)
    assert "wrote 3 record(s)" in result.stderr and "skipped 4 bad input(s)" in result.stderr


@pytest.mark.slow
def test_extract_of_good_inputs_only_exits_0(tmp_path):
    model = pipeline_or_skip()
    files = make_inputs(tmp_path / "in")
    out = tmp_path / "records.jsonl"

    result = invoke(str(files["good"]), "-o", str(out), model=model)

    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert "warning" not in result.stderr


@pytest.mark.slow
def test_extract_with_only_bad_inputs_fails(tmp_path):
    model = pipeline_or_skip()
    files = make_inputs(tmp_path / "in")
    out = tmp_path / "records.jsonl"

    result = invoke(str(files["empty"]), str(files["binary"]), "-o", str(out), model=model)

    assert result.exit_code == 1
    assert "error: no article could be processed" in result.stderr
