"""Sphinx extension: the ``convkit-api`` directive, one section per convkit module.

The API page must follow the library as engineers add modules, without
anyone editing the page: the directive walks the ``convkit`` package and
writes, for each public module (no leading underscore in any part of its
name), a section titled with the module name: the module's docstring, then
every member the module defines (``__all__`` without re-exports, see
``defined_members``), documented or not, classes with their methods.
Modules come in the order of the course (``COURSE_ORDER``), then any other
module alphabetically.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

# Modules in the order a reader meets them; unknown modules follow, sorted.
COURSE_ORDER = [
    "correlation", "conv", "channels", "sizes", "padding", "cases", "conv_transpose",
    "transposed", "upsampling", "costs", "separable", "spatially_separable", "flattened",
    "grouped", "fft_conv", "winograd", "gradients", "causal", "deformable", "reparam", "dynamic",
    "equivariant", "graph", "checking", "explorer",
    "animation", "plotting",
]


def public_modules(package_name: str = "convkit") -> list[str]:
    """Names of the public modules of ``package_name``, subpackages' modules included."""
    package = importlib.import_module(package_name)
    names = []
    for info in pkgutil.walk_packages(package.__path__, prefix=package_name + "."):
        parts = info.name.split(".")[1:]
        if any(part.startswith("_") for part in parts):
            continue
        names.append(info.name)
    return names


def defined_members(module_name: str) -> list[str]:
    """Public names of a module that the module itself defines.

    ``__all__`` (or, without it, every public name) minus re-exports: a
    package such as ``convkit.plotting`` re-exports its submodules'
    functions, which are documented once, in the submodule that defines
    them. Constants (strings, tuples, dicts) have no ``__module__`` and
    count as defined where they are assigned.
    """
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    defined = []
    for name in names:
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            continue
        if getattr(obj, "__module__", module_name) == module_name:
            defined.append(name)
    return defined


def _course_rank(name: str) -> tuple:
    parts = name.split(".")[1:]
    top = parts[0]
    rank = COURSE_ORDER.index(top) if top in COURSE_ORDER else len(COURSE_ORDER)
    return (rank, parts)


class ConvkitApi(SphinxDirective):
    """Insert one section per public convkit module."""

    has_content = False
    required_arguments = 0

    def run(self) -> list[nodes.Node]:
        lines = []
        for name in sorted(public_modules(), key=_course_rank):
            # The module's docstring, then one directive per member: an
            # explicit directive documents constants without docstrings too,
            # and lets a class document its own methods.
            lines += [f"``{name}``", "-" * (len(name) + 4), "", f".. automodule:: {name}", ""]
            module = importlib.import_module(name)
            for member in defined_members(name):
                obj = getattr(module, member)
                if inspect.isclass(obj):
                    lines += [f".. autoclass:: {name}.{member}", "   :members:", ""]
                elif callable(obj):
                    lines += [f".. autofunction:: {name}.{member}", ""]
                else:
                    lines += [f".. autodata:: {name}.{member}"]
                    if len(repr(obj)) > 80:
                        lines.append("   :no-value:")
                    lines.append("")
        container = nodes.section()
        container.document = self.state.document
        source = self.get_source_info()[0]
        content = StringList(lines, source=source)
        nested_parse_with_titles(self.state, content, container)
        return container.children


def _import_object(dotted: str):
    """The object named ``dotted`` (``package.module.attr``), or None."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def resolve_reexported(app, env, node, contnode):
    """Resolve a Python reference to a convkit name re-exported elsewhere.

    Docstrings say ``:func:`convkit.conv2d``` (the name readers import) or,
    inside ``convkit.plotting``, ``:func:`show```, while the API page
    documents each object once, in the module that defines it
    (``convkit.conv.conv2d``). Find the object, take its defining module and
    qualified name, and link there if that is documented.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    module = node.get("py:module") or ""
    candidates = [target] + ([f"{module}.{target}"] if module else [])
    domain = env.get_domain("py")
    for candidate in candidates:
        if not candidate.startswith("convkit"):
            continue
        obj = _import_object(candidate)
        qualname = getattr(obj, "__qualname__", None)
        defining_module = getattr(obj, "__module__", None)
        if not qualname or not defining_module:
            continue
        canonical = f"{defining_module}.{qualname}"
        if canonical in domain.objects:
            return domain.resolve_xref(env, node["refdoc"], app.builder, "obj", canonical,
                                       node, contnode)
    return None


def setup(app):
    app.add_directive("convkit-api", ConvkitApi)
    app.connect("missing-reference", resolve_reexported)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
