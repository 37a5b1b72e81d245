"""scripts/bench_rdf_export.py runs and reports throughput and memory (tiny sizes here)."""

from __future__ import annotations

import runpy
import subprocess
import sys

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "bench_rdf_export.py"


def test_bench_script_runs_on_a_tiny_input():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--events", "200", "--runs", "1", "--sizes", "100"],
        check=True, capture_output=True, text=True, timeout=300,
    ).stdout
    assert "triples/s" in out and "peak RSS" in out


def test_synthetic_records_are_deterministic():
    bench = runpy.run_path(str(SCRIPT), run_name="bench")
    first = [r.to_json() for r in bench["synthetic_records"](30)]
    second = [r.to_json() for r in bench["synthetic_records"](30)]
    assert first == second and len(first) == 3
    assert sum(len(r.events) for r in bench["synthetic_records"](25)) == 25
