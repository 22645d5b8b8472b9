"""The geometry behind the drawings, checked against PyTorch and brute-force counts.

geometry.py takes its sizes, overlaps, receptive fields and channel patterns
from convkit's arithmetic, so comparing it with that arithmetic would compare
code with itself. The oracles here are torch.nn.functional (output shapes,
one-hot probes, autograd supports) and loops written in the test.
"""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import convkit
from convkit.plotting import geometry as geo

CONFIGS = [
    # (input_size, kernel_size, stride, padding, dilation)
    (4, 3, 1, 0, 1), (5, 4, 1, 2, 1), (5, 3, 1, 1, 1), (5, 3, 1, 2, 1),
    (5, 3, 2, 0, 1), (5, 3, 2, 1, 1), (6, 3, 2, 1, 1), (7, 3, 1, 0, 2),
    ((5, 6), (3, 2), (2, 1), (1, 0), (1, 2)),
]


def pair(value):
    return tuple(value) if isinstance(value, tuple) else (value, value)


def test_padding_mask_counts_border_cells():
    mask = geo.padding_mask((3, 4), (1, 2))
    assert mask.shape == (5, 8)
    assert mask.sum() == 5 * 8 - 3 * 4
    assert not mask[1:4, 2:6].any()
    assert mask[0].all() and mask[:, :2].all() and mask[:, -2:].all() and mask[-1].all()


@pytest.mark.parametrize("i, k, s, p, d", CONFIGS)
def test_input_cells_read_match_torch_one_hot_probes(i, k, s, p, d):
    """An output cell reads input cell (r, c) iff a one-hot input there changes it (all-ones kernel)."""
    h, w = pair(i)
    weight = torch.ones((1, 1) + pair(k), dtype=torch.float64)
    probe = torch.zeros((1, 1, h, w), dtype=torch.float64)
    oh, ow = F.conv2d(probe, weight, stride=s, padding=p, dilation=d).shape[2:]
    reads = {(a, b): set() for a in range(oh) for b in range(ow)}
    for r, c in itertools.product(range(h), range(w)):
        x = torch.zeros((1, 1, h, w), dtype=torch.float64)
        x[0, 0, r, c] = 1
        y = F.conv2d(x, weight, stride=s, padding=p, dilation=d)[0, 0].numpy()
        assert y.shape == (oh, ow)
        for a, b in zip(*np.nonzero(y)):
            reads[(int(a), int(b))].add((r, c))
    for (a, b), cells in reads.items():
        assert geo.input_cells_read(i, (a, b), k, s, p, d) == cells, (a, b)


def test_input_cells_read_refuses_cells_outside_the_output():
    with pytest.raises(ValueError, match="output_index"):
        geo.input_cells_read(5, (3, 0), 3)


def test_kernel_taps_order_matches_weight_layout():
    taps = geo.kernel_taps((1, 2), (2, 3), stride=(2, 1), dilation=(1, 2))
    # weight[a, b] lands on row 1*2 + a, column 2*1 + 2*b
    assert taps.tolist() == [[2, 2], [2, 4], [2, 6], [3, 2], [3, 4], [3, 6]]


def test_output_position_is_reading_order():
    assert [geo.output_position(t, (2, 3)) for t in range(6)] == [
        (0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


@pytest.mark.parametrize("i, k, s, p, op, d", [
    (2, 3, 1, 0, 0, 1), (2, 3, 2, 0, 0, 1), (3, 3, 2, 1, 0, 1), (3, 3, 2, 1, 1, 1),
    (3, 3, 1, 0, 0, 2), (6, 4, 1, 2, 0, 1), (3, 4, 3, 1, 2, 1),
    ((2, 3), (3, 2), (2, 1), (1, 0), (1, 0), (1, 2)),
])
def test_transposed_grid_is_equivalent_to_torch_conv_transpose2d(i, k, s, p, op, d):
    grid = geo.transposed_grid(i, k, s, p, op, d)
    (h, w), (kh, kw), (sh, sw), (dh, dw) = pair(i), pair(k), pair(s), pair(d)
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, (h, w))
    kernel = rng.integers(-3, 4, (kh, kw))
    reference = F.conv_transpose2d(torch.tensor(x[None, None], dtype=torch.float64),
                                   torch.tensor(kernel[None, None], dtype=torch.float64),
                                   stride=s, padding=p, output_padding=op, dilation=d)[0, 0].numpy()
    assert grid.output_shape == reference.shape
    # Inserted-zero pattern: input cells exactly where convkit.zero_insert puts them.
    r0, c0 = grid.implied_padding
    inner = grid.roles[r0:r0 + (h - 1) * sh + 1, c0:c0 + (w - 1) * sw + 1]
    spread = convkit.zero_insert(np.ones((1, 1, h, w)), (sh, sw))[0, 0]
    np.testing.assert_array_equal(inner == geo.INPUT_CELL, spread == 1)
    assert (grid.roles == geo.INPUT_CELL).sum() == h * w
    # A stride-1 conv of the flipped kernel over the grid equals conv_transpose2d.
    values = np.zeros(grid.roles.shape)
    values[r0:r0 + (h - 1) * sh + 1:sh, c0:c0 + (w - 1) * sw + 1:sw] = x
    direct = F.conv2d(torch.tensor(values[None, None]),
                      torch.tensor(kernel[::-1, ::-1].copy()[None, None], dtype=torch.float64),
                      dilation=(dh, dw))[0, 0].numpy()
    np.testing.assert_array_equal(direct, reference)


def test_transposed_grid_refusals():
    with pytest.raises(ValueError, match="padding"):
        geo.transposed_grid(3, 3, 1, 3)
    with pytest.raises(ValueError, match="padding"):
        geo.transposed_grid(3, 2, 1, 2)  # torch would crop; this picture does not draw cropping
    with pytest.raises(ValueError, match="output_padding"):
        geo.transposed_grid(3, 3, 2, 0, output_padding=2)


@pytest.mark.parametrize("layers", [
    [(3, 1)], [(3, 1, 1), (3, 1, 2), (3, 1, 4)], [(2, 1, 1), (2, 1, 2), (2, 1, 4), (2, 1, 8)],
    [(3, 2), (3, 2), (3, 1)], [(5, 1, 3), (3, 2, 1)], [(2, 3), (1, 1), (3, 2, 2)],
])
def test_receptive_field_units_are_the_autograd_supports(layers):
    """masks[l] marks the units of level l whose gradient w.r.t. the top output unit is non-zero."""
    masks = geo.receptive_field_units(layers)
    assert len(masks) == len(layers) + 1
    assert convkit.receptive_field(layers) == len(masks[0])
    levels = [torch.ones((1, 1, len(masks[0])), dtype=torch.float64, requires_grad=True)]
    for k, s, *rest in layers:
        out = F.conv1d(levels[-1], torch.ones((1, 1, k), dtype=torch.float64), stride=s,
                       dilation=rest[0] if rest else 1)
        out.retain_grad()
        levels.append(out)
    assert levels[-1].shape[-1] == 1
    levels[-1][0, 0, 0].backward()
    for level, mask in zip(levels[:-1], masks[:-1]):
        np.testing.assert_array_equal(level.grad[0, 0].numpy() != 0, mask)
    assert masks[0][0] and masks[0][-1]  # the input is exactly as long as the field (inside it a stride
    # larger than the kernel leaves units unseen, as in the last case)
    assert masks[-1].tolist() == [True]


def test_receptive_field_of_no_layers_is_one_unit():
    # The library's rule: an empty stack is the identity.
    assert [m.tolist() for m in geo.receptive_field_units([])] == [[True]]


@pytest.mark.parametrize("c_in, c_out, groups", [(4, 6, 2), (6, 3, 3), (4, 4, 4), (3, 5, 1), (8, 4, 2)])
def test_group_connections_match_torch_grouped_conv(c_in, c_out, groups):
    mask = geo.group_connections(c_in, c_out, groups)
    assert mask.shape == (c_out, c_in) and mask.dtype == bool
    weight = torch.ones((c_out, c_in // groups, 1, 1), dtype=torch.float64)
    # A grouped conv with all-ones weights: output channel o responds to input channel c iff connected.
    for c in range(c_in):
        x = torch.zeros((1, c_in, 1, 1), dtype=torch.float64)
        x[0, c] = 1
        y = F.conv2d(x, weight, groups=groups)[0, :, 0, 0].numpy()
        np.testing.assert_array_equal(y != 0, mask[:, c])
    assert mask.sum() == c_out * c_in // groups


@pytest.mark.parametrize("call, error, match", [
    (lambda: geo.input_cells_read(3, (0, 0), 5), ValueError, "kernel_size"),
    (lambda: geo.input_cells_read(3.0, (0, 0), 2), TypeError, "input_size"),
    (lambda: geo.input_cells_read(5, (0, 0), 3, padding="same"), TypeError, "padding"),
    (lambda: geo.input_cells_read(5, (0, 0), 3, stride=0), ValueError, "stride"),
    (lambda: geo.padding_mask(3, -1), ValueError, "padding"),
    (lambda: geo.output_position(9, (3, 3)), ValueError, "step"),
    (lambda: geo.output_position(True, (3, 3)), TypeError, "step"),
    (lambda: geo.kernel_taps((0, -1), 3), ValueError, "output_index"),
    (lambda: geo.group_connections(5, 6, 2), ValueError, "in_channels"),
    (lambda: geo.group_connections(4, 6, 0), ValueError, "groups"),
    (lambda: geo.group_connections(4, 6.0, 2), TypeError, "out_channels"),
    (lambda: geo.receptive_field_units([(3,)]), TypeError, r"layers\[0\]"),
    (lambda: geo.receptive_field_units([(3, 1), (3, 0)]), ValueError, r"layers\[1\] stride"),
    (lambda: geo.receptive_field_units("33"), TypeError, "layers"),
])
def test_bad_arguments_raise_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("geometry_call, library_call", [
    (lambda: geo.receptive_field_units([(3, 1), [2]]), lambda: convkit.receptive_field([(3, 1), [2]])),
    (lambda: geo.receptive_field_units([(3, 1, 0)]), lambda: convkit.receptive_field([(3, 1, 0)])),
    (lambda: geo.transposed_grid(2, 3, 1, 0, 1), lambda: convkit.conv_transpose_output_size(2, 3, 1, 0, 1)),
])
def test_geometry_refuses_like_the_library(geometry_call, library_call):
    """The reviewer found the copies disagreeing on error types; the same bad input gets the same error."""
    with pytest.raises((TypeError, ValueError)) as library_error:
        library_call()
    with pytest.raises(library_error.type):
        geometry_call()
