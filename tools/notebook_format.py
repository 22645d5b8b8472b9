"""What the notebook tools agree on: the widget and alt-text fields of a notebook.

``tools/run_notebook.py`` writes these fields and ``tools/check_notebooks.py``
checks them; both import them from here, so the two cannot drift apart.
"""

from __future__ import annotations

import re
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
# convkit.explorer.FRAMES_VARIABLE: set to "first", explorers leave placeholders in undrawn frames.
FRAMES_VARIABLE = "CONVKIT_EXPLORER_FRAMES"
# Cell metadata written by execution that only records when or how long.
TIMING_KEYS = ("execution", "ExecuteTime")
# A cell whose outputs nbval does not compare: tagged, or marked by a comment.
UNCOMPARED_TAGS = ("nbval-ignore-output", "nbval-skip", "skip-execution")
UNCOMPARED_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")
# Output fields nbval leaves out of its comparison (pictures are compared
# only under --nbdime; widget views carry random model ids).
UNCOMPARED_MIME = ("image/png", "image/jpeg", "image/svg+xml", WIDGET_VIEW_MIME)

# What a machine-dependent number looks like in printed text.
# A float in scientific notation: its exponent decides.
SCIENTIFIC = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d*)?[eE]([-+]?\d+)(?![\w.])")
# Below 1e-4 a printed value is a float32 (about 1e-7 relative) or float64
# (about 1e-16) rounding error, which changes with the CPU, BLAS kernel and
# thread count, unless it is a bound: a threshold printed right after a
# comparison or a tolerance word ("< 1e-12", "atol 1e-5", "within 1e-6").
NOISE_EXPONENT = -5
BOUND_BEFORE = re.compile(
    r"(?:<|<=|\u2264|\batol|\brtol|\btol|\btolerance|\bwithin|\bbelow|\bless than|\bunder|\(to)\s*[=:]?\s*$")
# A long run of 0s or 9s in a decimal fraction followed by other digits:
# 1.0000000000000002, 0.30000000000000004, 0.9999999999999998.
LONG_FRACTION = re.compile(r"(?<![\w.])[-+]?\d+\.\d*?(?:0{6,}[1-9]|9{6,}[0-8])\d*")
# A measured time: a number with a sub-second unit, a decimal number of
# seconds, a rate per second, or a speed-up ratio.
TIMING = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s?(?:ns|\u00b5s|\u03bcs|us|ms)\b"
    r"|(?<![\w.])\d+\.\d+\s?(?:s|sec|secs|seconds)\b"
    r"|(?<![\w.])\d+(?:\.\d+)?\s?[kMGT]?FLOP/s"
    r"|(?<![\w.])\d+\.\d+\s?(?:x|times) (?:faster|slower)\b"
)
# A memory address (an object's repr): differs on every run.
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")


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


def machine_dependent_text(text: str) -> list[tuple[str, str, str]]:
    """Every piece of ``text`` that another machine or run would print differently.

    Returns ``(kind, match, line)`` triples in order of appearance, ``kind``
    being ``"rounding noise"``, ``"timing"`` or ``"memory address"``. A float
    in scientific notation counts as noise when its exponent is at most
    ``NOISE_EXPONENT`` and it is not a bound (see ``BOUND_BEFORE``).
    """
    found: list[tuple[str, str, str]] = []
    for line in text.splitlines():
        hits: list[tuple[int, str, str]] = []
        for match in SCIENTIFIC.finditer(line):
            if int(match.group(1)) <= NOISE_EXPONENT and not BOUND_BEFORE.search(line[:match.start()]):
                hits.append((match.start(), "rounding noise", match.group()))
        for match in LONG_FRACTION.finditer(line):
            hits.append((match.start(), "rounding noise", match.group()))
        for match in TIMING.finditer(line):
            hits.append((match.start(), "timing", match.group()))
        for match in ADDRESS.finditer(line):
            hits.append((match.start(), "memory address", match.group()))
        found.extend((kind, text_, line) for _, kind, text_ in sorted(hits))
    return found
