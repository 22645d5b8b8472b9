"""Import rules of the convkit package and of ``tools/``, read from the source with ``ast``.

**No private name crosses a module.** No convkit module imports a name that
starts with an underscore from another module (``from .conv import
_conv_args``). What several modules share is an internal API: a module whose
file name starts with an underscore (``_validation``, ``_params``, ``_fast``,
``plotting/_grid``, ``checking/exercises/_cases``), which no user
imports, and whose shared names carry no underscore and a docstring. The
underscore on the module marks it internal; its names are its documented API.
So ``from ._validation import check_int`` is allowed and ``from .conv import
_conv_args`` is not. The scripts in ``tools/`` follow the same rule, which
also covers the attribute form (``import make_handouts as mh`` then
``mh._tags``): what two scripts share lives in a module of its own
(``notebook_format``, ``notebook_cells``) under public, documented names.

**A function-level import says why.** An ``import`` inside a function either
moves to the top of its module or carries a comment, on its line or the line
above, that names what it avoids: an import cycle (the comment says "cycle")
or an optional or heavy dependency that most uses of the module never need
(the comment says "optional" or "heavy", e.g. scikit-image, PIL, torch).

**A module-level import is a dependency.** Every third-party package a module
imports at module level, outside a ``try`` block, is in pyproject.toml's
``dependencies``: a chapter's install cell installs convkit and nothing else.
"""

from __future__ import annotations

import ast
import pathlib
import re
import sys

import pytest

import convkit

PACKAGE = pathlib.Path(convkit.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
TOOLS = sorted((PACKAGE.parent / "tools").glob("*.py"))
REASON = re.compile(r"#.*\b(cycle|optional|heavy)\b", re.IGNORECASE)


def relative(path):
    return path.relative_to(PACKAGE.parent).as_posix()


def _private(name):
    return name.startswith("_") and not name.startswith("__")


def private_imports(source):
    """``[(line, module, name)]`` of underscore names taken from another module.

    Both forms count: ``from module import _name`` and, for a module bound by
    ``import module [as alias]``, the attribute ``alias._name``.
    """
    tree = ast.parse(source)
    found = []
    modules = {}  # the name a module is bound to -> the module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, "." * node.level + (node.module or ""), alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules):
            found.append((node.lineno, modules[node.value.id], node.attr))
    return sorted(found)


def unexplained_local_imports(source):
    """``[(line, statement)]`` of imports inside a function with no reason in a comment."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    nearby = lines[inner.lineno - 2: inner.end_lineno]  # the line above to the last line
                    if not any(REASON.search(line) for line in nearby):
                        found.append((inner.lineno, ast.unparse(inner)))
    return found


@pytest.mark.parametrize("path", SOURCES + TOOLS, ids=relative)
def test_no_private_name_crosses_a_module(path):
    found = private_imports(path.read_text())
    assert not found, f"{relative(path)} imports private names: " + ", ".join(
        f"line {line}: {name} from {module}" for line, module, name in found)


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_a_function_level_import_names_its_reason(path):
    found = unexplained_local_imports(path.read_text())
    assert not found, (
        f"{relative(path)}: move these imports to the top of the module, or say in a comment which "
        "import cycle or optional/heavy dependency they avoid: "
        + "; ".join(f"line {line}: {statement}" for line, statement in found))


# Import names of the distributions in pyproject.toml's dependencies, where they differ.
IMPORT_NAMES = {"pillow": "PIL"}
PART_OF = {"mpl_toolkits": "matplotlib"}  # shipped inside another distribution


def unconditional_third_party_imports(source):
    """Top-level package names a module imports at module level, outside any try block."""
    found = set()
    for node in ast.parse(source).body:                  # module level only: not in try/def
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    found = {PART_OF.get(name, name) for name in found}
    return {name for name in found if name not in sys.stdlib_module_names and name != "convkit"}


def declared_dependencies():
    """Import names of pyproject.toml's [project] dependencies."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]}
    return {IMPORT_NAMES.get(name, name) for name in names}


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_a_module_level_import_is_a_declared_dependency(path):
    # `pip install convkit` must be enough to import every module (a chapter's Colab cell
    # installs only that); a guarded or function-level import is optional by construction.
    missing = unconditional_third_party_imports(path.read_text()) - declared_dependencies()
    assert not missing, f"{relative(path)} imports {sorted(missing)}, not in pyproject's dependencies"


def test_the_checks_can_fail():
    assert unconditional_third_party_imports(
        "import numpy as np\nfrom threadpoolctl import threadpool_limits\nimport os\n"
        "try:\n    import scipy\nexcept ImportError:\n    scipy = None\n"
        "from mpl_toolkits.mplot3d import Axes3D\nfrom . import conv\n"
    ) == {"numpy", "threadpoolctl", "matplotlib"}
    assert {"numpy", "PIL", "threadpoolctl"} <= declared_dependencies()
    bad = (
        "from .conv import _conv_args, conv2d\n"
        "def f():\n"
        "    from convkit.sizes import conv_output_size\n"
        "    return conv_output_size\n"
        "def g():\n"
        "    # scikit-image is optional: only this function needs it\n"
        "    from skimage.measure import marching_cubes\n"
        "    import PIL  # heavy, loaded on first use\n"
        "import make_handouts as mh\n"
        "tags = mh._tags(cell) + mh.tags(cell) + mh.__name__\n"
    )
    assert private_imports(bad) == [(1, ".conv", "_conv_args"), (10, "make_handouts", "_tags")]
    assert unexplained_local_imports(bad) == [(3, "from convkit.sizes import conv_output_size")]
