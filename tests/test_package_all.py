"""convkit.__all__ (built from the package's globals) is exactly the public names that
convkit/__init__.py imports."""

import ast
import inspect
from pathlib import Path

import pytest

import convkit


def imported_public_names():
    """Names bound by the ``from .module import ...`` lines of convkit/__init__.py (its source)."""
    tree = ast.parse(Path(convkit.__file__).read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names.extend(alias.asname or alias.name for alias in node.names)
    return [n for n in names if not n.startswith("_")]


def test_all_equals_the_public_names_imported_in_init():
    imported = imported_public_names()
    assert len(imported) > 50  # the parser found the import lines
    assert set(convkit.__all__) == set(imported), (
        f"missing from __all__: {sorted(set(imported) - set(convkit.__all__))}; "
        f"not imported: {sorted(set(convkit.__all__) - set(imported))}"
    )


def test_no_public_attribute_is_left_out():
    """Whatever else the package binds at import (other than submodules) is listed too."""
    public = {
        n for n in dir(convkit)
        if not n.startswith("_") and not inspect.ismodule(getattr(convkit, n))
    }
    assert public == set(convkit.__all__)


@pytest.mark.parametrize("name", convkit.__all__)
def test_each_name_is_importable(name):
    namespace = {}
    exec(f"from convkit import {name}", namespace)  # noqa: S102 - the statement under test
    assert namespace[name] is getattr(convkit, name)


def test_star_import_gives_exactly_all():
    namespace = {}
    exec("from convkit import *", namespace)  # noqa: S102
    assert set(namespace) - {"__builtins__"} == set(convkit.__all__)
