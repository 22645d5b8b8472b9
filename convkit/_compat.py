"""Old import paths that still work, with a warning that names the new place.

A module that gave up a name keeps it reachable through a module-level
``__getattr__`` (PEP 562) built here, as scipy's ``signaltools`` does:
``from convkit.arithmetic import conv_output_size`` still works and emits a
``DeprecationWarning`` saying ``use convkit.sizes.conv_output_size``.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any


def moved(old_module: str, new_homes: Mapping[str, str]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that forwards ``new_homes``' names, warning.

    ``new_homes`` maps each old name to the module that holds it now.
    """

    def __getattr__(name: str) -> Any:
        if name not in new_homes:
            raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
        new = f"{new_homes[name]}.{name}"
        warnings.warn(f"{old_module}.{name} is deprecated; use {new}",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(new_homes[name]), name)

    return __getattr__
