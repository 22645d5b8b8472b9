"""Import rules of the convkit package, read from its source with ``ast``.

**No private name crosses a module.** No convkit module imports a name that
starts with an underscore from another module (``from .conv import
_conv_args``). What several modules share is an internal API: a module whose
file name starts with an underscore (``_validation``, ``_params``, ``_fast``,
``_compat``, ``plotting/_grid``, ``checking/exercises/_cases``), which no user
imports, and whose shared names carry no underscore and a docstring. The
underscore on the module marks it internal; its names are its documented API.
So ``from ._validation import check_int`` is allowed and ``from .conv import
_conv_args`` is not.

"""

from __future__ import annotations

import ast
import pathlib

import pytest

import convkit

PACKAGE = pathlib.Path(convkit.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def relative(path):
    return path.relative_to(PACKAGE.parent).as_posix()


def private_imports(source):
    """``[(line, module, name)]`` of underscore names imported from another module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append((node.lineno, "." * node.level + (node.module or ""), alias.name))
    return found


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_no_private_name_crosses_a_module(path):
    found = private_imports(path.read_text())
    assert not found, f"{relative(path)} imports private names: " + ", ".join(
        f"line {line}: {name} from {module}" for line, module, name in found)


def test_the_checks_can_fail():
    bad = "from .conv import _conv_args, conv2d\nfrom ._validation import check_int\n"
    assert private_imports(bad) == [(1, ".conv", "_conv_args")]
