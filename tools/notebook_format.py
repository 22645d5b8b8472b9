"""What the notebook tools agree on: the widget and alt-text fields of a notebook.

``tools/run_notebook.py`` writes these fields and ``tools/check_notebooks.py``
checks them; both import them from here, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

# Where a notebook keeps its widgets: the state (what the static site
# renders) in its metadata, and one view per widget output.
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
# How one widget model names another inside the state.
MODEL_REF_PREFIX = "IPY_MODEL_"
# The output metadata key under which convkit.plotting.show stores a
# figure's alt text; must equal convkit.plotting.render.ALT_METADATA_KEY.
ALT_METADATA_KEY = "convkit_alt"
# Cell metadata written by execution that only records when or how long.
TIMING_KEYS = ("execution", "ExecuteTime")


def model_refs(value: Any) -> list[str]:
    """Every widget model id referenced inside ``value``, in a stable order.

    Strings starting with ``IPY_MODEL_`` are references; dictionaries are
    walked in sorted key order, lists in order.
    """
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, str):
            if item.startswith(MODEL_REF_PREFIX):
                found.append(item[len(MODEL_REF_PREFIX):])
        elif isinstance(item, dict):
            for key in sorted(item):
                walk(item[key])
        elif isinstance(item, list):
            for element in item:
                walk(element)

    walk(value)
    return found
