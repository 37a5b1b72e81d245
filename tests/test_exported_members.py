"""Every module says what it exports, and the package re-exports what it promises (httpx's pattern)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import extractors
import kg

MODULES = sorted(
    {m.name for m in pkgutil.walk_packages(kg.__path__, "kg.")}
    | {m.name for m in pkgutil.walk_packages(extractors.__path__, "extractors.")}
)


def test_package_exports_resolve():
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        kg.no_such_thing  # noqa: B018


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_all_and_it_resolves(name):
    module = importlib.import_module(name)
    if name.endswith("__main__"):
        pytest.skip("entry point")
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    for member in module.__all__:
        assert hasattr(module, member), f"{name}.__all__ names missing {member!r}"
