"""Docstring sections written once and shared by several functions.

Functions that take the same arguments in 1, 2 and 3 D (``conv1d``,
``conv2d``, ``conv3d`` and their loop references, the views of the transposed
convolution, the cost counters) describe those arguments with the same
sentences; only the shapes change. Each such function's docstring keeps its
own summary, Notes and Examples and names the shared part on a line of its
own, e.g. ``{parameters}``; :func:`fill_doc` puts the text in at import time,
so ``help()``, doctest and Sphinx autodoc all read a complete numpydoc
docstring. Nothing here is public API.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Callable, TypeVar

__all__ = ["fill_doc", "CONV2D_ARRAYS", "CONV2D_RETURNS"]

_F = TypeVar("_F", bound=Callable)


def fill_doc(**sections: str) -> Callable[[_F], _F]:
    """Decorator: replace each line ``{name}`` of the docstring by ``sections[name]``.

    Only a line holding nothing but ``{name}`` (after its indentation) is
    replaced, so braces elsewhere (LaTeX such as ``x_{pad}``) are left alone.
    The docstring's indentation is removed first (``inspect.cleandoc``) and
    the shared text is dedented, so the result reads the same in ``help()``
    and in Sphinx. Every given section must be used, and every placeholder
    line must be given, or the decorator raises ``ValueError`` at import time.
    """

    def decorate(func: _F) -> _F:
        if not func.__doc__:
            raise ValueError(f"{func.__name__} has no docstring to fill")
        used = set()
        lines = []
        for line in inspect.cleandoc(func.__doc__).splitlines():
            key = line.strip()
            if key.startswith("{") and key.endswith("}") and key[1:-1].isidentifier():
                if key[1:-1] not in sections:
                    raise ValueError(f"{func.__name__}: no text given for {key}")
                used.add(key[1:-1])
                lines.append(textwrap.dedent(sections[key[1:-1]]).strip("\n"))
            else:
                lines.append(line)
        unused = set(sections) - used
        if unused:
            raise ValueError(f"{func.__name__}: docstring has no line for {sorted(unused)}")
        func.__doc__ = "\n".join(lines) + "\n"
        return func

    return decorate


# Sections that several chapter modules share, for the functions that take and
# return what ``conv2d`` does (grouped, padded, separable, flattened variants).
CONV2D_ARRAYS = """
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_out, C_in / groups, kH, kW)
    bias : array_like, shape (C_out,), optional
"""

CONV2D_RETURNS = """
    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)
"""
