"""convkit.plotting.graph: what the figures draw against independent counts (scipy, loops)."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.sparse.csgraph import shortest_path

from convkit.graph import example_graph
from convkit.plotting.graph import (
    graph_signal_description, graph_signal_figure, message_passing_description,
    message_passing_figure, response_curve_description, response_curve_figure,
)


def gids(ax, gid):
    return [p for p in list(ax.patches) + list(ax.lines) + list(ax.texts) if p.get_gid() == gid]


def grid_degree(height, width, u, v):
    """Pixels in the 3x3 window of (u, v) that lie inside the grid (itself included)."""
    return (min(u + 1, height - 1) - max(u - 1, 0) + 1) * (min(v + 1, width - 1) - max(v - 1, 0) + 1)


@pytest.mark.parametrize("height,width,pixel", [(4, 4, (1, 1)), (4, 4, (0, 0)), (3, 5, (0, 2)),
                                                (5, 5, (2, 2))])
def test_message_passing_figure_edges_and_coefficients(height, width, pixel):
    fig = message_passing_figure(height, width, pixel)
    assert isinstance(fig, Figure)
    left, right = fig.axes
    u, v = pixel
    neighbours = [(u + du, v + dv) for du in (-1, 0, 1) for dv in (-1, 0, 1)
                  if 0 <= u + du < height and 0 <= v + dv < width]
    assert len(gids(left, "edge")) == len(gids(right, "edge")) == len(neighbours) - 1
    assert len(gids(left, "receiver")) == 1 and len(gids(left, "source")) == len(neighbours) - 1
    tap_labels = sorted(t.get_text() for t in gids(left, "label"))
    assert tap_labels == sorted(f"w[:,:,{a - u + 1},{b - v + 1}]" for a, b in neighbours)
    expected = sorted(f"{1 / np.sqrt(grid_degree(height, width, u, v) * grid_degree(height, width, a, b)):.3f} \u0398"
                      for a, b in neighbours)
    assert sorted(t.get_text() for t in gids(right, "label")) == expected
    text = message_passing_description(height, width, pixel)
    assert f"the {len(neighbours)} edges" in text
    for label in set(expected):
        assert label[:-2] in text


def test_graph_signal_figure_prints_every_value_and_the_hops():
    adjacency, positions = example_graph()
    values = np.array([0.5, 0, -0.25, 0, 1.0, 0, 0, 0.125, 0, 0])
    fig = graph_signal_figure(adjacency, positions, values, source=2, vmax=1)
    ax = fig.axes[0]
    assert len(gids(ax, "zero")) == 6 and len(gids(ax, "nonzero")) == 4
    assert len(gids(ax, "graph-edge")) == np.count_nonzero(np.triu(adjacency))
    texts = [t.get_text() for t in ax.texts]
    for value in values:
        assert ("0" if value == 0 else f"{value:.2f}") in texts
    hops = shortest_path(adjacency, unweighted=True)[2].astype(int)
    assert sorted(t for t in texts if t.startswith("h=")) == sorted(f"h={h}" for h in hops)
    text = graph_signal_description(adjacency, positions, values, source=2)
    assert "4 nodes are nonzero, all within 3 hops of the marked node 2" in text
    assert "the largest magnitude, 1.00, is at node 4" in text


def test_response_curve_figure_draws_each_curve_and_eigenvalue():
    lam = np.linspace(0, 2, 21)
    curves = {"exact": (lam, np.exp(-lam)), "order 1": (lam, 1 - lam / 2), "order 2": (lam, lam**2)}
    fig = response_curve_figure(curves, eigenvalues=[0, 0.5, 1.5])
    ax = fig.axes[0]
    lines = gids(ax, "curve")
    assert [line.get_label() for line in lines] == list(curves)
    assert len({(line.get_marker(), str(line.get_linestyle())) for line in lines}) == 3
    assert len(gids(ax, "eigenvalue")) == 3
    text = response_curve_description(curves, [0, 0.5, 1.5])
    assert "order 1 goes from 1.00 at 0.00 to 0.00 at 2.00" in text and "3 eigenvalues" in text


@pytest.mark.parametrize("call, error", [
    (lambda: message_passing_figure(4, 4, (4, 0)), ValueError),
    (lambda: message_passing_figure(4, 4, [1, 1]), TypeError),
    (lambda: graph_signal_figure(np.ones((3, 4)), np.zeros((3, 2)), np.zeros(3)), ValueError),
    (lambda: graph_signal_figure(np.ones((3, 3)), np.zeros((2, 2)), np.zeros(3)), ValueError),
    (lambda: graph_signal_figure(np.ones((3, 3)), np.zeros((3, 2)), np.zeros(4)), ValueError),
    (lambda: response_curve_figure({}), ValueError),
    (lambda: response_curve_figure({"a": ([0, 1], [1])}), ValueError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()
