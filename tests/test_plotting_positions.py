"""convkit.plotting.positions: kernel positions and unread cells against brute force and PyTorch."""

import itertools

import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit.plotting import colors
from convkit.plotting.positions import (
    _cells_never_read, _kernel_starts, positions_alt_text, positions_figure,
)

CONFIGS = [(i, k, s, p, d)
           for i, k, s, p, d in itertools.product(range(1, 9), range(1, 5), range(1, 4), range(0, 3), range(1, 3))
           if i + 2 * p >= d * (k - 1) + 1]


def brute_starts(i, k, s, p, d):
    """Every start from 0 in steps of s where the last tap is still on the padded axis."""
    return [t for t in range(0, i + 2 * p, s) if t + d * (k - 1) <= i + 2 * p - 1]


def torch_unread_input_cells(i, k, s, p, d):
    """Input cells (0-based, no padding) whose gradient is zero when every output is summed."""
    x = torch.ones(1, 1, i, dtype=torch.float64, requires_grad=True)
    y = F.conv1d(x, torch.ones(1, 1, k, dtype=torch.float64), stride=s, padding=p, dilation=d)
    y.sum().backward()
    return [c for c in range(i) if x.grad[0, 0, c] == 0], y.shape[-1]


@pytest.mark.parametrize("i, k, s, p, d", CONFIGS)
def test_starts_and_unread_cells_match_brute_force_and_torch(i, k, s, p, d):
    starts = _kernel_starts(i, k, s, p, d)
    assert starts == brute_starts(i, k, s, p, d)
    unread = _cells_never_read(i, k, s, p, d)
    read = {t + d * a for t in starts for a in range(k)}
    assert unread == sorted(set(range(i + 2 * p)) - read)
    unread_input, torch_length = torch_unread_input_cells(i, k, s, p, d)
    assert len(starts) == torch_length
    assert [c - p for c in unread if p <= c < p + i] == unread_input


def test_known_cases_by_hand():
    # 6 cells, k=3, s=2, no padding: starts 0 and 2; cell 5 is never read.
    assert _kernel_starts(6, 3, 2, 0, 1) == [0, 2]
    assert _cells_never_read(6, 3, 2, 0, 1) == [5]
    # With padding 1 the unread cell is the last padding zero (padded cell 7).
    assert _kernel_starts(6, 3, 2, 1, 1) == [0, 2, 4]
    assert _cells_never_read(6, 3, 2, 1, 1) == [7]
    # Dilation 2 skips every other cell: 5 cells, k=2, s=3 -> start 0 reads 0 and 2.
    assert _kernel_starts(5, 2, 3, 0, 2) == [0]
    assert _cells_never_read(5, 2, 3, 0, 2) == [1, 3, 4]


def test_alt_text_states_the_numbers():
    text = positions_alt_text(6, 3, 2, 0)
    assert "6 input cells" in text and "kernel 3" in text and "stride 2" in text and "padding 0" in text
    assert "2 positions" in text and "0, 2" in text and "output has 2 cells" in text
    assert "never read: 5." in text
    assert "Every input cell is read." in positions_alt_text(6, 3, 2, 1)
    assert "dilation 2" in positions_alt_text(5, 2, 3, 0, 2)


def _texts(fig):
    return [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]


def test_figure_rows_labels_and_formula():
    fig = positions_figure(6, 3, 2, 0, max_rows=4)
    assert isinstance(fig, Figure)
    texts = _texts(fig)
    assert fig._suptitle.get_text().endswith("⌊3/2⌋ + 1 = 2")
    assert [t for t in texts if t.startswith("output ")] == ["output 0", "output 1"]
    assert texts.count("×") == 1                       # only cell 5 is unread
    ax = fig.axes[0]
    kernel_face = Rectangle((0, 0), 1, 1, **colors.cell_style("kernel")).get_facecolor()
    output_face = Rectangle((0, 0), 1, 1, **colors.cell_style("output")).get_facecolor()
    kernel_cells = sorted(int(r.get_x()) for r in ax.patches if r.get_facecolor() == kernel_face)
    assert kernel_cells == [0, 1, 2, 2, 3, 4]          # two rows of 3 taps, from 0 and from 2
    assert sum(r.get_facecolor() == output_face for r in ax.patches) == 2
    others = next(t for t in texts if t.startswith("same k, s, p"))
    assert "5→2" in others and "7→3" in others          # floor((5-3)/2)+1, floor((7-3)/2)+1


def test_figure_height_depends_only_on_max_rows():
    a = positions_figure(5, 2, 1, 1, max_rows=8, other_sizes=None)
    b = positions_figure(7, 4, 3, 0, max_rows=8, other_sizes=None)
    assert tuple(a.get_size_inches()) == tuple(b.get_size_inches())
    clipped = positions_figure(8, 1, 1, 0, max_rows=3)
    assert any("5 more position" in t for t in _texts(clipped))


def test_dilated_formula_in_title():
    fig = positions_figure(7, 3, 1, 0, 2)
    assert fig._suptitle.get_text().endswith("= ⌊2/1⌋ + 1 = 3")   # 7 - 2*(3-1) - 1 = 2


@pytest.mark.parametrize("kwargs, error, match", [
    ({"input_size": 6.0, "kernel_size": 3}, TypeError, "input_size"),
    ({"input_size": 6, "kernel_size": 0}, ValueError, "kernel_size"),
    ({"input_size": 6, "kernel_size": 3, "stride": 0}, ValueError, "stride"),
    ({"input_size": 6, "kernel_size": 3, "padding": -1}, ValueError, "padding"),
    ({"input_size": 6, "kernel_size": 3, "dilation": True}, TypeError, "dilation"),
    ({"input_size": 2, "kernel_size": 3}, ValueError, "kernel_size"),
])
def test_bad_input_names_the_argument(kwargs, error, match):
    for function in (positions_alt_text, positions_figure):
        with pytest.raises(error, match=match):
            function(**kwargs)
    with pytest.raises(ValueError, match="max_rows"):
        positions_figure(6, 3, max_rows=0)

