"""convkit.plotting.shuffle: reachability against torch autograd, and what the figures draw."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from convkit.grouped import stack_reachability
from convkit.plotting.shuffle import (
    cost_access_description, cost_access_figure, reachability_description, reachability_figure,
    shufflenet_unit_description, shufflenet_unit_figure,
)

CONFIGS = [(c, g, layers, shuffle)
           for c, g, layers, shuffle in itertools.product((4, 6, 8, 12), (1, 2, 3, 4, 6), (1, 2, 3), (False, True))
           if c % g == 0]


def torch_reachability(channels, groups, layers, shuffle):
    """reach[f, c]: the gradient of output channel f's sum w.r.t. input channel c is non-zero.

    Positive weights and no activation, so no two paths can cancel.
    """
    torch.manual_seed(0)
    weights = [torch.rand(channels, channels // groups, 3, 3, dtype=torch.float64) + 0.1
               for _ in range(layers)]
    reach = np.zeros((channels, channels), dtype=bool)
    for f in range(channels):
        x = torch.ones(1, channels, 5, 5, dtype=torch.float64, requires_grad=True)
        y = x
        for index, w in enumerate(weights):
            if index > 0 and shuffle:
                y = F.channel_shuffle(y, groups)
            y = F.conv2d(y, w, padding=1, groups=groups)
        y[0, f].sum().backward()
        reach[f] = (x.grad[0].abs().sum(dim=(1, 2)) > 0).numpy()
    return reach


@pytest.mark.parametrize("channels, groups, layers, shuffle", CONFIGS)
def test_reachability_matches_autograd(channels, groups, layers, shuffle):
    np.testing.assert_array_equal(stack_reachability(channels, groups, layers, shuffle),
                                  torch_reachability(channels, groups, layers, shuffle))


def test_known_patterns():
    # Without a shuffle a stack stays block diagonal, however deep.
    for layers in (1, 2, 5):
        reach = stack_reachability(12, 3, layers, shuffle=False)
        assert reach.sum() == 3 * 4 * 4
    # With n = C/g >= g two shuffled layers connect everything; with n < g they do not.
    assert stack_reachability(12, 3, 2).all()
    assert not stack_reachability(12, 4, 2).all()
    assert stack_reachability(12, 4, 3).all()
    # Depthwise (g = C): the shuffle with n = 1 is the identity.
    assert (stack_reachability(6, 6, 4) == np.eye(6, dtype=bool)).all()


def test_bad_arguments():
    with pytest.raises(ValueError, match="divisible"):
        stack_reachability(6, 4, 2)
    with pytest.raises(ValueError, match="layers must be positive"):
        stack_reachability(6, 2, 0)
    with pytest.raises(TypeError, match="groups must be an int"):
        stack_reachability(6, 2.0, 1)
    with pytest.raises(ValueError, match="square"):
        reachability_figure(np.ones((3, 4), dtype=bool), 1)
    with pytest.raises(ValueError, match="divisor"):
        reachability_figure(np.ones((6, 6), dtype=bool), 4)
    # its alt text refuses the same inputs, and names its own arguments
    with pytest.raises(ValueError, match="square"):
        reachability_description(np.ones((3, 4), dtype=bool), 1, 1, False)
    with pytest.raises(ValueError, match="divisor"):
        reachability_description(np.ones((6, 6), dtype=bool), 4, 1, False)
    with pytest.raises(ValueError, match="layers must be positive"):
        reachability_description(np.ones((6, 6), dtype=bool), 2, 0, False)
    with pytest.raises(TypeError, match="shuffle must be a bool"):
        reachability_description(np.ones((6, 6), dtype=bool), 2, 1, "on")


@pytest.mark.parametrize("shuffle", [False, True])
def test_figure_draws_one_dotted_cell_per_connected_pair(shuffle):
    reach = stack_reachability(12, 3, 2, shuffle)
    fig = reachability_figure(reach, 3, title="t", marked_input=0)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    mesh = [artist for artist in ax.collections if artist.get_gid() == "reached"]
    assert len(mesh) == 1
    np.testing.assert_array_equal(np.asarray(mesh[0].get_array()).reshape(12, 12), reach.astype(float))
    dots = [artist for artist in ax.collections if artist.get_gid() == "dots"]
    drawn = {(int(y - 0.5), int(x - 0.5)) for x, y in dots[0].get_offsets()}
    assert drawn == {tuple(map(int, rc)) for rc in np.argwhere(reach)}
    assert len(dots[0].get_offsets()) == reach.sum()
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 2 * (3 - 1)
    assert [p for p in ax.patches if p.get_gid() == "marked-input"]
    assert f"{int(reach.sum())} of 144" in fig._suptitle.get_text()


def test_description_states_the_counts():
    text = reachability_description(stack_reachability(12, 3, 2, False), 3, 2, False)
    assert "48 of 144" in text and "each input channel reaches 4 of the 12" in text and "without" in text
    uneven = np.zeros((4, 4), dtype=bool)
    uneven[:, 0] = uneven[0, 1] = True
    assert "between 0 and 4 of the 4" in reachability_description(uneven, 1, 1, True)  # columns 2, 3 empty
    full = reachability_description(stack_reachability(12, 3, 2, True), 3, 2, True)
    assert "144 of 144" in full and "every output channel depends on every input channel" in full


def test_cost_access_figure_bars_are_the_data():
    labels = ["1x1 a", "shuffle", "3x3 dw"]
    macs, accesses = [2.0e6, 0.0, 5.0e5], [1.5e6, 2.5e5, 7.5e5]
    fig = cost_access_figure(labels, macs, accesses, title="x", macs_max=4e6, access_max=3e6)
    left, right = fig.axes
    widths = [p.get_width() for p in left.patches if p.get_gid() == "macs"]
    np.testing.assert_allclose(widths, np.array(macs) / 1e6)
    np.testing.assert_allclose([p.get_width() for p in right.patches if p.get_gid() == "access"],
                               np.array(accesses) / 1e6)
    assert left.get_xlim()[1] == pytest.approx(4.0 * 1.3)
    assert right.get_xlim()[1] == pytest.approx(3.0 * 1.3)
    texts = [t.get_text() for t in left.texts] + [t.get_text() for t in right.texts]
    assert {"2.0", "0.0", "0.5", "1.50", "0.25", "0.75"} <= set(texts)
    assert [t.get_text() for t in left.get_yticklabels()] == labels
    assert "memory access" in right.get_xlabel() and "multiply-adds" in left.get_xlabel()
    hatches = {p.get_hatch() for p in left.patches}, {p.get_hatch() for p in right.patches}
    assert hatches[0].isdisjoint(hatches[1])  # the panels differ by more than colour
    unscaled = cost_access_figure(labels, macs, accesses)  # default limits: the largest value
    assert unscaled.axes[1].get_xlim()[1] == pytest.approx(1.5 * 1.3)
    with pytest.raises(ValueError, match="same non-zero length"):
        cost_access_figure(labels, macs[:2], accesses)
    with pytest.raises(ValueError, match="negative"):
        cost_access_figure(labels, [-1, 0, 0], accesses)


def test_cost_access_description_lists_each_layer():
    text = cost_access_description(["a", "b"], [3e6, 0], [1.0e6, 1.25e5], title="g = 2")
    assert text.startswith("g = 2. ")
    assert "a: 3.0 million multiply-adds, 1.00 million values moved" in text
    assert "b: 0.0 million multiply-adds, 0.12 million values moved" in text


@pytest.mark.parametrize("in_channels, groups, stride", [(240, 3, 1), (240, 3, 2), (384, 8, 1), (24, 1, 2)])
def test_unit_figure_channel_counts_match_convkit_unit(in_channels, groups, stride):
    from convkit import shufflenet_unit, shufflenet_unit_cost

    c_out = in_channels if stride == 1 else 2 * in_channels
    m, expand = c_out // 4, (c_out if stride == 1 else c_out - in_channels)
    x = np.zeros((1, in_channels, 5, 5))
    y = shufflenet_unit(x, np.zeros((m, in_channels // groups)), np.zeros((m, 1, 3, 3)),
                        np.zeros((expand, m // groups)), groups, stride=stride)
    fig = shufflenet_unit_figure(in_channels, groups, stride)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"input: {in_channels} channels" in texts
    assert any(t.startswith(f"1x1 group conv, g = {groups}: {in_channels} → {m}") for t in texts)
    assert any(t.endswith(f"{m} → {expand}") for t in texts)
    merged = [t for t in texts if t.startswith(("add", "concat"))]
    assert len(merged) == 1 and f"{y.shape[1]}, ReLU" in merged[0]
    assert ("add" in merged[0]) == (stride == 1)
    assert len([p for p in fig.axes[0].patches if p.get_gid() == "conv"]) == 3
    assert len([p for p in fig.axes[0].patches if p.get_gid() == "shuffle"]) == 1
    # the bottleneck the figure labels is the one the cost function assumes
    cost = shufflenet_unit_cost(in_channels, c_out, groups, stride=stride)
    assert cost.params == in_channels * m // groups + 9 * m + m * expand // groups
    text = shufflenet_unit_description(in_channels, groups, stride)
    assert f"{in_channels} → {m}" in text and ("identity" in text) == (stride == 1)


def test_unit_figure_refuses_impossible_units():
    with pytest.raises(ValueError, match="stride"):
        shufflenet_unit_figure(240, 3, 3)
    with pytest.raises(ValueError, match="keeps its channels"):
        shufflenet_unit_figure(240, 3, 1, out_channels=480)
    with pytest.raises(ValueError, match="must exceed"):
        shufflenet_unit_figure(240, 3, 2, out_channels=240)
    with pytest.raises(ValueError, match="groups"):
        shufflenet_unit_figure(240, 7, 1)
