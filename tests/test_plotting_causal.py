"""convkit.plotting.causal: the reach against autograd, the figures against their counts."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

import convkit
from convkit.plotting.causal import (
    causal_reach, causal_stack_description, causal_stack_figure, dependency_description,
    dependency_figure,
)

SCHEDULES = [(1,), (2,), (1, 1, 1), (1, 2, 4), (1, 2, 4, 8), (2, 2), (4, 1)]


def autograd_reach(k, dilations, length):
    """Rows of units with a nonzero gradient of the last output (random positive weights)."""
    gen = torch.Generator().manual_seed(0)
    x = torch.zeros(1, 1, length, dtype=torch.float64, requires_grad=True)
    rows, y = [x], x
    for d in dilations:
        w = torch.rand(1, 1, k, generator=gen, dtype=torch.float64) + 0.5
        y = F.conv1d(F.pad(y, (d * (k - 1), 0)), w, dilation=d)
        y.retain_grad()
        rows.append(y)
    y[0, 0, -1].backward()
    return np.stack([r.grad[0, 0].numpy() != 0 for r in rows])


@pytest.mark.parametrize("dilations, k", itertools.product(SCHEDULES, [2, 3]))
def test_reach_is_the_autograd_pattern(dilations, k):
    for length in (6, 20):
        np.testing.assert_array_equal(causal_reach(k, dilations, length), autograd_reach(k, dilations, length))


@pytest.mark.parametrize("dilations, k", itertools.product(SCHEDULES, [2, 3]))
def test_stack_figure_draws_the_reach(dilations, k):
    length = 20
    fig = causal_stack_figure(k, dilations, length=length, max_layers=4)
    assert isinstance(fig, Figure)
    reached = [p for p in fig.axes[0].patches if p.get_gid() == "reached"]
    unreached = [p for p in fig.axes[0].patches if p.get_gid() == "unreached"]
    assert len(reached) == causal_reach(k, dilations, length).sum()
    assert len(reached) + len(unreached) == length * (len(dilations) + 1)
    assert tuple(fig.get_size_inches()) == tuple(causal_stack_figure(2, (1,), length, 4).get_size_inches())
    text = causal_stack_description(k, dilations, length)
    field = convkit.causal_receptive_field(k, dilations)
    assert f"Receptive field {field}" in text
    assert ("left padding" in text) == (field > length)


def test_wavenet_stack_every_input_once():
    reach = causal_reach(2, (1, 2, 4, 8), 16)
    assert reach[0].all()
    assert "to 16 input steps, from time 0 to time 15" in causal_stack_description(2, (1, 2, 4, 8), 16)


def test_dependency_figure_marks_the_future():
    causal = np.tril(np.ones((6, 6), dtype=bool))
    same = causal | np.eye(6, k=1, dtype=bool)
    fig = dependency_figure([causal, same], ["causal", "same"])
    gids = [[p.get_gid() for p in ax.patches] for ax in fig.axes]
    assert gids[0].count("future") == 0 and gids[0].count("depends") == 21
    assert gids[1].count("future") == 5
    text = dependency_description([causal, same], ["causal", "same"])
    assert "causal: 21 dependencies, 0 of them on a later input" in text
    assert "same: 26 dependencies, 5 of them on a later input" in text


@pytest.mark.parametrize("call, error", [
    (lambda: causal_reach(0, (1,), 5), ValueError),
    (lambda: causal_reach(2, (1, 0), 5), ValueError),
    (lambda: causal_reach(2, 3, 5), TypeError),
    (lambda: causal_stack_figure(2, (1, 2, 4), 8, max_layers=2), ValueError),
    (lambda: dependency_figure([np.ones(3)], ["a"]), ValueError),
    (lambda: dependency_figure([np.ones((3, 3))], ["a", "b"]), ValueError),
])
def test_bad_arguments(call, error):
    with pytest.raises(error):
        call()
