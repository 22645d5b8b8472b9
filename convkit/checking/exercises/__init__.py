"""The exercise bank: one module per chapter, ``chNN.py``.

Each module registers its chapter's coding exercises with
:func:`convkit.checking.engine.register_exercise`. Every ``chNN`` module of
this package is imported here, so a new chapter's exercises need no other
edit: add ``chNN.py`` and they are registered.

References come from convkit's modules, imported at the top of each
chapter's module. The chapters commit the output of their check cells ("all 6
hidden cases pass." and the CheckResult repr) and nbval compares it: adding or
removing a case changes that output, so re-run the chapter
(``tools/run_notebook.py``) after changing its cases.
"""

import importlib
import pkgutil

CHAPTER_MODULES = sorted(
    info.name for info in pkgutil.iter_modules(__path__) if info.name.startswith("ch")
)

for _name in CHAPTER_MODULES:
    importlib.import_module(f"{__name__}.{_name}")
