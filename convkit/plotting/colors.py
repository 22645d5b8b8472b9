"""The course's colour convention (Okabe-Ito), each colour paired with a second cue.

Every role has a fill colour from the Okabe-Ito palette, readable with every
common colour-vision deficiency, and a cue that survives greyscale: an outline
style, a hatch pattern or printed values. Helpers take their styles from
:data:`ROLE_STYLES`; nothing here touches matplotlib's global settings.
"""

from __future__ import annotations

__all__ = [
    "INPUT", "KERNEL", "OUTPUT", "PADDING", "INSERTED_ZERO", "EDGE", "HIGHLIGHT",
    "GROUP_COLORS", "GROUP_HATCHES", "ROLE_STYLES", "SEQUENTIAL_CMAP",
    "DIVERGING_CMAP", "FIGURE_FACE", "cell_style",
]

INPUT = "#56B4E9"          # sky blue
KERNEL = "#E69F00"         # orange
OUTPUT = "#009E73"         # bluish green
PADDING = "#DDDDDD"        # light grey
INSERTED_ZERO = "#FFFFFF"  # white
EDGE = "#222222"           # near-black outlines and text
HIGHLIGHT = "#D55E00"      # vermillion: the output cell being computed
FIGURE_FACE = "#FFFFFF"    # opaque light background, readable in dark mode

#: Colours for channel groups (Okabe-Ito order), paired with GROUP_HATCHES.
GROUP_COLORS = ("#56B4E9", "#E69F00", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
GROUP_HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")

SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "RdBu"

#: Patch keyword arguments per role: colour plus the second cue.
ROLE_STYLES = {
    "input": {"facecolor": INPUT, "edgecolor": EDGE, "linestyle": "-", "linewidth": 1.0, "hatch": None},
    "kernel": {"facecolor": KERNEL, "edgecolor": EDGE, "linestyle": "-", "linewidth": 2.5, "hatch": None},
    "output": {"facecolor": OUTPUT, "edgecolor": EDGE, "linestyle": "-", "linewidth": 1.0, "hatch": None},
    "padding": {"facecolor": PADDING, "edgecolor": "#555555", "linestyle": "--", "linewidth": 1.0, "hatch": "//"},
    "inserted": {"facecolor": INSERTED_ZERO, "edgecolor": "#555555", "linestyle": ":", "linewidth": 1.0, "hatch": ".."},
    "empty": {"facecolor": FIGURE_FACE, "edgecolor": "#888888", "linestyle": "-", "linewidth": 0.8, "hatch": None},
}


def cell_style(role: str) -> dict:
    """A fresh copy of the patch style of a role.

    Parameters
    ----------
    role : str
        One of :data:`ROLE_STYLES` (``"input"``, ``"kernel"``, ``"output"``,
        ``"padding"``, ``"inserted"``, ``"empty"``).

    Returns
    -------
    dict
        Keyword arguments for a matplotlib patch (colour and second cue).
    """
    try:
        return dict(ROLE_STYLES[role])
    except KeyError:
        raise ValueError(f"role must be one of {sorted(ROLE_STYLES)}, got {role!r}") from None
