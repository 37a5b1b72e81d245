"""Shared fixtures: the hand-made record set and paths to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def small_records_path() -> Path:
    """Three hand-made records (see tests/fixtures/README.md for what they hold)."""
    return FIXTURES / "records_small.jsonl"


@pytest.fixture
def small_records(small_records_path):
    from kg.records import read_records

    return read_records(small_records_path)
