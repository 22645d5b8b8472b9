"""Graphs, the signals on them and the filters' responses (chapter 20).

:func:`message_passing_figure` (the edges into one pixel, as conv2d and as GCN
weight them), :func:`graph_signal_figure` (a signal on a small graph, values
printed) and :func:`response_curve_figure` (spectral responses against the
eigenvalue). Each figure has a ``*_description`` giving its alt text.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from convkit._validation import check_int
from convkit.graph import gcn_norm, grid_graph, hop_distances
from convkit.plotting import colors
from convkit.plotting._grid import plain_axes

__all__ = [
    "graph_signal_description",
    "graph_signal_figure",
    "message_passing_description",
    "message_passing_figure",
    "response_curve_description",
    "response_curve_figure",
]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_DASHES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (3, 2)))


def _grid_pixel(height, width, pixel) -> tuple[int, int, int, int]:
    """``(height, width, u, v)`` checked: a grid of positive size and a pixel inside it."""
    height = check_int(height, "height", minimum=1)
    width = check_int(width, "width", minimum=1)
    if not (isinstance(pixel, tuple) and len(pixel) == 2):
        raise TypeError(f"pixel must be a (row, column) tuple, got {pixel!r}")
    u, v = check_int(pixel[0], "pixel[0]"), check_int(pixel[1], "pixel[1]")
    if not (0 <= u < height and 0 <= v < width):
        raise ValueError(f"pixel must lie inside the {height} x {width} grid, got {pixel!r}")
    return height, width, u, v


def _incoming(height: int, width: int, pixel: tuple[int, int]):
    """Edges into ``pixel`` of the 3x3 grid graph: (source node, tap m, tap n, GCN coefficient)."""
    edge_index, tap = grid_graph(height, width, 3)
    adjacency = np.zeros((height * width,) * 2)
    adjacency[edge_index[1], edge_index[0]] = 1.0          # the self-loops are edges already
    coefficient = gcn_norm(adjacency, add_self_loops=False)
    target = pixel[0] * width + pixel[1]
    into = edge_index[1] == target
    return [(int(s), int(t) // 3, int(t) % 3, float(coefficient[target, s]))
            for s, t in zip(edge_index[0, into], tap[into])]


def message_passing_figure(height=4, width=4, pixel=(1, 1)) -> Figure:
    """The edges into one pixel of the grid graph, as conv2d and as GCN weight them.

    Parameters
    ----------
    height, width : int, default 4
        The grid.
    pixel : tuple of int, default (1, 1)
        ``(u, v)``, the receiving pixel.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels. Left: each incoming edge (gid ``"edge"``) labelled ``w[:,:,m,n]``,
        its own weight matrix. Right: the same edges labelled with the number that
        multiplies the one shared weight matrix ``Theta``, ``1/sqrt(deg_i deg_j)`` for the grid
        graph with self-loops. Pixels are circles (the receiver vermillion with a
        thick outline, its neighbours sky blue, the rest hollow), each with its
        degree printed in the right panel.
    """
    height, width, u, v = _grid_pixel(height, width, pixel)
    incoming = _incoming(height, width, (u, v))
    sources = {s for s, _, _, _ in incoming}
    edge_index, _ = grid_graph(height, width, 3)
    degree = np.bincount(edge_index[1], minlength=height * width)
    fig = Figure(figsize=(8.4, 4.3), facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, 2)
    titles = ("conv2d: 9 taps, 9 weight matrices", "GCN: one matrix \u0398, scaled per edge")
    for panel, (ax, title) in enumerate(zip(axes, titles)):
        plain_axes(ax, (-0.7, width - 0.3), (height - 0.3, -0.9))
        ax.set_title(title, fontsize=10)
        for node in range(height * width):
            nu, nv = divmod(node, width)
            receiver = node == u * width + v
            fill = (colors.HIGHLIGHT if receiver else colors.INPUT if node in sources
                    else colors.FIGURE_FACE)
            ax.add_patch(Circle((nv, nu), 0.17, facecolor=fill, edgecolor=colors.EDGE,
                                lw=2.2 if receiver else 0.8, zorder=3,
                                gid="receiver" if receiver else "source" if node in sources else "node"))
            if panel == 1:
                ax.text(nv + 0.2, nu - 0.2, f"deg {degree[node]}", fontsize=6, color=colors.EDGE,
                        ha="left", va="bottom", zorder=4)
        for source, m, n, coefficient in incoming:
            su, sv = divmod(source, width)
            label = f"w[:,:,{m},{n}]" if panel == 0 else f"{coefficient:.3f} \u0398"
            if source == u * width + v:
                ax.text(v, u + 0.3, label, ha="center", va="top", fontsize=7, color=colors.EDGE,
                        zorder=5, bbox=dict(boxstyle="round,pad=0.1", fc=colors.FIGURE_FACE,
                                            ec="none"), gid="label")
                continue
            ax.add_patch(FancyArrowPatch((sv, su), (v, u), arrowstyle="-|>", mutation_scale=8,
                                         shrinkA=7, shrinkB=7, color=colors.EDGE, lw=1.0,
                                         gid="edge", zorder=2))
            ax.text(sv + 0.45 * (v - sv), su + 0.45 * (u - su), label, ha="center", va="center",
                    fontsize=6.5, color=colors.EDGE, zorder=5, gid="label",
                    bbox=dict(boxstyle="round,pad=0.1", fc=colors.FIGURE_FACE, ec="none"))
    fig.tight_layout()
    return fig


def message_passing_description(height=4, width=4, pixel=(1, 1)) -> str:
    """Alt text for :func:`message_passing_figure` with the same arguments.

    Parameters
    ----------
    height, width, pixel
        As in :func:`message_passing_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    height, width, u, v = _grid_pixel(height, width, pixel)
    incoming = _incoming(height, width, (u, v))
    values = sorted({round(c, 3) for _, _, _, c in incoming}, reverse=True)
    return (f"Two copies of a {height} by {width} pixel grid drawn as a graph, with the "
            f"{len(incoming)} edges that carry messages into pixel ({u}, {v}), its own self-loop "
            f"included. Left, for conv2d, each edge is labelled with its own weight matrix "
            f"w[:,:,m,n], one per kernel tap. Right, for a GCN, every edge uses the same weight matrix Theta, "
            f"multiplied by one over the square root of the two end degrees: "
            f"{', '.join(f'{c:.3f}' for c in values)}, larger for neighbours of lower degree.")


def _graph_args(adjacency, positions, values, source):
    """Check a graph signal's arrays; return them with the hops from ``source`` (or None)."""
    a = np.asarray(adjacency)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"adjacency must be square (V, V), got shape {a.shape}")
    pos = np.asarray(positions, dtype=float)
    if pos.shape != (a.shape[0], 2):
        raise ValueError(f"positions must have shape ({a.shape[0]}, 2), got {pos.shape}")
    vals = np.asarray(values, dtype=float)
    if vals.shape != (a.shape[0],):
        raise ValueError(f"values must have shape ({a.shape[0]},), one per node, got {vals.shape}")
    hops = None if source is None else hop_distances(a, source)
    return a, pos, vals, hops


def graph_signal_figure(adjacency, positions, values, source=None, title=None, vmax=None,
                        decimals=2) -> Figure:
    """A signal on a small graph: each node's value printed in it and shown by its colour.

    Parameters
    ----------
    adjacency : array_like
        ``(V, V)``, non-zero where an edge joins two nodes.
    positions : array_like
        ``(V, 2)``: drawing coordinates.
    values : array_like
        ``(V,)``: the signal.
    source : int, optional
        A node to mark (a double outline) and measure hops from; each node then shows
        ``h=`` its hop distance.
    title : str, optional
        Drawn above the graph.
    vmax : float, optional
        Colour scale ``[-vmax, vmax]`` (diverging, white at 0); default the largest
        absolute value. Fix it across explorer frames.
    decimals : int, default 2
        Digits printed in the nodes.

    Returns
    -------
    matplotlib.figure.Figure
        Edges as grey lines; nodes as circles, exact zeros hollow with a dashed outline
        (gid ``"zero"``), other nodes filled (gid ``"nonzero"``); the printed values
        carry the meaning without colour.
    """
    a, pos, vals, hops = _graph_args(adjacency, positions, values, source)
    scale = float(np.abs(vals).max()) if vmax is None else float(vmax)
    norm = Normalize(-scale or -1.0, scale or 1.0)
    cmap = colormaps[colors.DIVERGING_CMAP]
    fig = Figure(figsize=(6.4, 3.2), facecolor=colors.FIGURE_FACE)
    span = pos.max(axis=0) - pos.min(axis=0)
    ax = plain_axes(fig.add_axes((0.02, 0.02, 0.96, 0.84 if title else 0.96)),
                    (pos[:, 0].min() - 0.5, pos[:, 0].min() + max(span[0], 2 * span[1]) + 0.5),
                    (pos[:, 1].min() - 0.6, pos[:, 1].max() + 0.5))
    for i, j in zip(*np.nonzero(np.triu((a != 0) | (a.T != 0), 1))):
        ax.plot(pos[[i, j], 0], pos[[i, j], 1], color="#888888", lw=1.2, zorder=1, gid="graph-edge")
    for node, (x, y) in enumerate(pos):
        value = vals[node]
        zero = value == 0
        ax.add_patch(Circle((x, y), 0.34, facecolor=colors.FIGURE_FACE if zero else cmap(norm(value)),
                            edgecolor=colors.EDGE, lw=0.8, ls="--" if zero else "-", zorder=2,
                            gid="zero" if zero else "nonzero"))
        if source is not None and node == source:
            ax.add_patch(Circle((x, y), 0.42, facecolor="none", edgecolor=colors.EDGE, lw=1.6,
                                zorder=2, gid="source"))
        text = "0" if zero else f"{value:.{decimals}f}"
        dark = not zero and abs(norm(value) - 0.5) > 0.35
        ax.text(x, y, text, ha="center", va="center", fontsize=9, zorder=3,
                color=colors.FIGURE_FACE if dark else colors.EDGE)
        if hops is not None:
            ax.text(x, y - 0.46, f"h={hops[node]}" if hops[node] >= 0 else "h=inf", ha="center",
                    va="top", fontsize=8, color=colors.EDGE, zorder=3)
    if title:
        fig.text(0.5, 0.95, title, ha="center", va="top", fontsize=11, color=colors.EDGE)
    return fig


def graph_signal_description(adjacency, positions, values, source=None, title=None) -> str:
    """Alt text for :func:`graph_signal_figure` with the same arguments.

    Parameters
    ----------
    adjacency, positions, values, source, title
        As in :func:`graph_signal_figure`; the positions are checked, not
        described, and the title starts the text.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    a, _, vals, hops = _graph_args(adjacency, positions, values, source)
    edges = int(np.count_nonzero(np.triu((a != 0) | (a.T != 0), 1)))
    nonzero = np.flatnonzero(vals != 0)
    text = (f"{title + ': ' if title else ''}a graph of {a.shape[0]} nodes and {edges} edges with a "
            f"value printed in every node; {nonzero.size} nodes are nonzero")
    if hops is not None and nonzero.size:
        text += (f", all within {int(hops[nonzero].max())} hops of the marked node {source}, "
                 f"and the {int(np.sum(vals == 0))} nodes farther away are exactly 0 (hollow)")
    if nonzero.size:
        top = int(np.argmax(np.abs(vals)))
        text += f"; the largest magnitude, {vals[top]:.2f}, is at node {top}"
    return text + "."


def response_curve_figure(curves: Mapping, eigenvalues=None, xlabel="eigenvalue lambda",
                          ylabel="response h(lambda)") -> Figure:
    """Spectral responses against the eigenvalue, told apart by marker and dash pattern.

    Parameters
    ----------
    curves : mapping of str to (array_like, array_like)
        Label -> ``(lambdas, responses)``; at most 7 curves.
    eigenvalues : array_like, optional
        The graph's eigenvalues, drawn as ticks on the horizontal axis (gid ``"eigenvalue"``).
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        One line per curve (gid ``"curve"``), in the legend by label.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty mapping of label -> (lambdas, responses)")
    if len(curves) > len(_MARKERS):
        raise ValueError(f"curves must hold at most {len(_MARKERS)} curves, got {len(curves)}")
    fig = Figure(figsize=(6.0, 3.4), facecolor=colors.FIGURE_FACE)
    ax = fig.add_subplot()
    for i, (label, (lam, g)) in enumerate(curves.items()):
        lam, g = np.asarray(lam, dtype=float), np.asarray(g, dtype=float)
        if lam.shape != g.shape or lam.ndim != 1:
            raise ValueError(f"curve {label!r}: lambdas and responses must be 1D of one length")
        ax.plot(lam, g, color=colors.GROUP_COLORS[(i + 4) % len(colors.GROUP_COLORS)] if i else colors.EDGE,
                ls=_DASHES[i], marker=_MARKERS[i], markevery=max(len(lam) // 8, 1), ms=5, lw=1.6,
                label=label, gid="curve")
    if eigenvalues is not None:
        for lam in np.asarray(eigenvalues, dtype=float):
            ax.axvline(lam, ymin=0, ymax=0.04, color=colors.EDGE, lw=1.0, gid="eigenvalue")
    ax.axhline(0, color="#888888", lw=0.6)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def response_curve_description(curves: Mapping, eigenvalues=None) -> str:
    """Alt text for :func:`response_curve_figure` with the same arguments.

    Parameters
    ----------
    curves, eigenvalues
        As in :func:`response_curve_figure`.

    Returns
    -------
    str
        The figure's content in words, for its alt text.
    """
    parts = []
    for label, (lam, g) in curves.items():
        lam, g = np.asarray(lam, dtype=float), np.asarray(g, dtype=float)
        parts.append(f"{label} goes from {g[0]:.2f} at {lam[0]:.2f} to {g[-1]:.2f} at {lam[-1]:.2f}")
    text = f"{len(parts)} response curves against the eigenvalue: " + "; ".join(parts)
    if eigenvalues is not None:
        text += f". Ticks on the axis mark the graph's {len(np.asarray(eigenvalues))} eigenvalues"
    return text + "."
