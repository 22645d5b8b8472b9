"""Costs of many layer types relative to one, as bars on a log scale (chapter 14).

Each quantity has its own colour *and* hatch and every bar is labelled with
its ratio, so no cue rests on colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from convkit.plotting import colors

__all__ = ["format_ratio", "ratios", "ratio_bars_figure", "ratio_bars_description"]

# One (colour, hatch) per quantity, in the order the quantities are given.
_STYLES = (
    (colors.KERNEL, ""),            # parameters: the weights, the kernel's colour
    (colors.OUTPUT, "//"),          # multiply-adds
    (colors.INPUT, ".."),           # first measured time
    (colors.GROUP_COLORS[6], "xx"),  # second measured time
    (colors.GROUP_COLORS[4], "\\\\"),
)


def format_ratio(ratio: float) -> str:
    """A ratio as the course prints it: ``"1/64"`` below 1, ``"x3"`` above, ``"x1"`` for 1.

    Parameters
    ----------
    ratio : float
        A positive ratio.

    Returns
    -------
    str
        Three significant digits, whole numbers from 100 on.

    Examples
    --------
    >>> format_ratio(1 / 64), format_ratio(3.0), format_ratio(1.0), format_ratio(1 / 1024)
    ('1/64', 'x3', 'x1', '1/1024')
    """
    if not ratio > 0 or not math.isfinite(ratio):
        raise ValueError(f"ratio must be a positive finite number, got {ratio!r}")
    def digits(value: float) -> str:
        return f"{value:.0f}" if value >= 100 else f"{value:.3g}"

    if ratio >= 1 or math.isclose(ratio, 1.0, rel_tol=1e-9):
        return f"x{digits(ratio)}"
    return f"1/{digits(1 / ratio)}"


def ratios(names: Sequence[str], series: Mapping[str, Sequence[float]],
           reference: str) -> dict[str, np.ndarray]:
    """Every series divided by its value at the ``reference`` row.

    Parameters
    ----------
    names : sequence of str
        The row (layer type) names.
    series : mapping of str to sequence of float
        Quantity name -> one positive value per row.
    reference : str
        The row every value is divided by.

    Returns
    -------
    dict of str to numpy.ndarray
        Quantity name -> ratios, in row order.
    """
    names = list(names)
    if reference not in names:
        raise ValueError(f"reference must be one of names, got {reference!r}")
    if not series:
        raise ValueError("series must hold at least one quantity")
    out = {}
    for label, values in series.items():
        values = np.asarray(values, dtype=float)
        if values.shape != (len(names),):
            raise ValueError(f"series {label!r} must have one value per name ({len(names)}), "
                             f"got shape {values.shape}")
        if not np.all(values > 0):
            raise ValueError(f"series {label!r} must be positive (a log scale)")
        out[label] = values / values[names.index(reference)]
    return out


def ratio_bars_figure(names: Sequence[str], series: Mapping[str, Sequence[float]],
                      reference: str = "standard", title: str | None = None,
                      limits: tuple[float, float] | None = None) -> Figure:
    """Grouped horizontal bars: each quantity of each row relative to the reference row.

    Parameters
    ----------
    names : sequence of str
        Row names, drawn top to bottom.
    series : mapping of str to sequence of float
        Quantity name (the legend label) -> one positive value per row; at
        most five quantities.
    reference : str, default "standard"
        The row whose values become 1 (its bars have length 0 on the log
        axis; a vertical line marks it).
    title : str, optional
        The axes title.
    limits : (float, float), optional
        The ratio axis range; default: from the data, in powers of 2. Fix it
        in an explorer so the frames share one scale.

    Returns
    -------
    matplotlib.figure.Figure
        Bars start at ratio 1 and end at the row's ratio; each is labelled
        with :func:`format_ratio`.
    """
    names = list(names)
    relative = ratios(names, series, reference)
    if len(relative) > len(_STYLES):
        raise ValueError(f"at most {len(_STYLES)} quantities, got {len(relative)}")
    logs = {label: np.log2(r) for label, r in relative.items()}
    if limits is None:
        every = np.concatenate(list(logs.values()))
        low, high = math.floor(min(every.min(), 0)) - 1.5, math.ceil(max(every.max(), 0)) + 1.5
    else:
        low, high = math.log2(limits[0]), math.log2(limits[1])
    n_series = len(logs)
    height = 0.8 / n_series
    fig = Figure(figsize=(7.2, 0.42 * len(names) * (1 + 0.25 * max(n_series - 2, 0)) + 1.3),
                 facecolor=colors.FIGURE_FACE)
    ax = fig.add_subplot()
    for j, (label, values) in enumerate(logs.items()):
        colour, hatch = _STYLES[j]
        y = np.arange(len(names)) + (j - (n_series - 1) / 2) * height
        ax.barh(y, values, height=height * 0.92, color=colour, hatch=hatch,
                edgecolor=colors.EDGE, linewidth=0.6, label=label)
        for yi, v, r in zip(y, values, relative[label]):
            text = format_ratio(r)
            inside = abs(v) > (high - low) * 0.12
            x = v / 2 if inside else v + (0.08 if v >= 0 else -0.08) * (high - low) / 4
            ha = "center" if inside else ("left" if v >= 0 else "right")
            ax.text(x, yi, text, va="center", ha=ha, fontsize=7.5, color=colors.EDGE,
                    bbox=dict(boxstyle="square,pad=0.05", facecolor="white", edgecolor="none",
                              alpha=0.8) if inside else None)
    ax.axvline(0, color=colors.EDGE, linewidth=1.2)
    ax.set_yticks(np.arange(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(low, high)
    ticks = np.arange(math.ceil(low), math.floor(high) + 1)
    step = max(1, math.ceil(len(ticks) / 8))
    ticks = ticks[ticks % step == 0] if step > 1 else ticks
    ax.set_xticks(ticks, [format_ratio(2.0 ** t) for t in ticks], fontsize=8)
    ax.set_xlabel(f"relative to {reference} (log scale)")
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [Patch(facecolor=_STYLES[j][0], hatch=_STYLES[j][1], edgecolor=colors.EDGE, label=label)
               for j, label in enumerate(logs)]
    ax.legend(handles=handles, loc="best", fontsize=8, framealpha=0.95)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def ratio_bars_description(names: Sequence[str], series: Mapping[str, Sequence[float]],
                           reference: str = "standard") -> str:
    """Alt text for :func:`ratio_bars_figure`: every row's ratios, in words.

    Parameters
    ----------
    names, series, reference
        As in :func:`ratio_bars_figure`.

    Returns
    -------
    str
        One sentence naming the quantities, then one clause per row.
    """
    names = list(names)
    relative = ratios(names, series, reference)
    quantities = ", ".join(relative)
    rows = []
    for i, name in enumerate(names):
        if name == reference:
            continue
        parts = ", ".join(f"{label} {format_ratio(r[i])}" for label, r in relative.items())
        rows.append(f"{name}: {parts}")
    return (f"Bars on a log scale of {quantities} for each layer type, relative to the "
            f"{reference} layer. " + "; ".join(rows) + ".")
