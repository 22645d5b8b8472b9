"""The geometry behind the drawings, checked against convkit's arithmetic and convolutions."""

import itertools

import numpy as np
import pytest

import convkit
from convkit.arithmetic import conv_output_size, conv_transpose_output_size, receptive_field
from convkit.plotting import geometry as geo

CONFIGS = [
    # (input_size, kernel_size, stride, padding, dilation)
    (4, 3, 1, 0, 1), (5, 4, 1, 2, 1), (5, 3, 1, 1, 1), (5, 3, 1, 2, 1),
    (5, 3, 2, 0, 1), (5, 3, 2, 1, 1), (6, 3, 2, 1, 1), (7, 3, 1, 0, 2),
    ((5, 6), (3, 2), (2, 1), (1, 0), (1, 2)),
]


@pytest.mark.parametrize("i, k, s, p, d", CONFIGS)
def test_output_shape_matches_arithmetic(i, k, s, p, d):
    expected = conv_output_size(i if isinstance(i, tuple) else (i, i), k if isinstance(k, tuple) else (k, k),
                                s if isinstance(s, tuple) else (s, s), p if isinstance(p, tuple) else (p, p),
                                d if isinstance(d, tuple) else (d, d))
    assert geo.conv_output_shape(i, k, s, p, d) == tuple(expected)


def test_padding_mask_counts_border_cells():
    mask = geo.padding_mask((3, 4), (1, 2))
    assert mask.shape == (5, 8)
    assert mask.sum() == 5 * 8 - 3 * 4
    assert not mask[1:4, 2:6].any()


@pytest.mark.parametrize("i, k, s, p, d", CONFIGS)
def test_input_cells_read_match_conv2d(i, k, s, p, d):
    """An output cell reads input cell (r, c) iff a one-hot input there changes it (all-ones kernel)."""
    h, w = (i, i) if isinstance(i, int) else i
    kh, kw = (k, k) if isinstance(k, int) else k
    weight = np.ones((1, 1, kh, kw), dtype=np.int64)
    oh, ow = geo.conv_output_shape(i, k, s, p, d)
    reads = {(a, b): set() for a in range(oh) for b in range(ow)}
    for r, c in itertools.product(range(h), range(w)):
        x = np.zeros((1, 1, h, w), dtype=np.int64)
        x[0, 0, r, c] = 1
        y = convkit.conv2d(x, weight, stride=s, padding=p, dilation=d)[0, 0]
        for a, b in zip(*np.nonzero(y)):
            reads[(int(a), int(b))].add((r, c))
    for (a, b), cells in reads.items():
        assert geo.input_cells_read(i, (a, b), k, s, p, d) == cells, (a, b)


def test_kernel_taps_order_matches_weight_layout():
    taps = geo.kernel_taps((1, 2), (2, 3), stride=(2, 1), dilation=(1, 2))
    # weight[a, b] lands on row 1*2 + a, column 2*1 + 2*b
    assert taps.tolist() == [[2, 2], [2, 4], [2, 6], [3, 2], [3, 4], [3, 6]]


@pytest.mark.parametrize("i, k, s, p, op, d", [
    (2, 3, 1, 0, 0, 1), (2, 3, 2, 0, 0, 1), (3, 3, 2, 1, 0, 1), (3, 3, 2, 1, 1, 1),
    (3, 3, 1, 0, 0, 2), (6, 4, 1, 2, 0, 1), (3, 4, 3, 1, 2, 1),
])
def test_transposed_grid_is_equivalent_to_conv_transpose2d(i, k, s, p, op, d):
    grid = geo.transposed_grid(i, k, s, p, op, d)
    expected_size = conv_transpose_output_size(i, k, s, p, op, d)
    assert grid.output_shape == (expected_size, expected_size)
    # Inserted-zero pattern: input cells exactly where convkit.zero_insert puts them.
    r0, c0 = grid.input_origin
    inner = grid.roles[r0:r0 + (i - 1) * s + 1, c0:c0 + (i - 1) * s + 1]
    spread = convkit.zero_insert(np.ones((1, 1, i, i)), s)[0, 0]
    np.testing.assert_array_equal(inner == geo.INPUT_CELL, spread == 1)
    assert (grid.roles == geo.INPUT_CELL).sum() == i * i
    # A stride-1 conv of the flipped kernel over the grid equals conv_transpose2d.
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, (i, i))
    kernel = rng.integers(-3, 4, (k, k))
    values = np.zeros(grid.roles.shape, dtype=np.int64)
    values[r0:r0 + (i - 1) * s + 1:s, c0:c0 + (i - 1) * s + 1:s] = x
    direct = convkit.conv2d(values[None, None], kernel[::-1, ::-1][None, None].copy(), dilation=d)[0, 0]
    reference = convkit.conv_transpose2d(x[None, None], kernel[None, None], stride=s, padding=p,
                                         output_padding=op, dilation=d)[0, 0]
    np.testing.assert_array_equal(direct, reference)


def test_transposed_grid_rejects_padding_beyond_kernel_span():
    with pytest.raises(ValueError, match="padding"):
        geo.transposed_grid(3, 3, 1, 3)
    with pytest.raises(ValueError, match="output_padding"):
        geo.transposed_grid(3, 3, 2, 0, output_padding=2)


@pytest.mark.parametrize("i, k, s, d", [(4, 3, 2, 1), (5, 4, 2, 1), (3, 3, 3, 1), (4, 3, 1, 2), (6, 5, 3, 1)])
def test_overlap_counts_match_convkit_and_transposed_conv(i, k, s, d):
    counts = geo.overlap_counts_1d(i, k, s, d)
    np.testing.assert_array_equal(counts, convkit.overlap_counts(i, k, s, d))
    ones = convkit.conv_transpose1d(np.ones((1, 1, i), dtype=np.int64), np.ones((1, 1, k), dtype=np.int64),
                                    stride=s, dilation=d)[0, 0]
    np.testing.assert_array_equal(counts, ones)
    np.testing.assert_array_equal(geo.overlap_counts_2d((i, i), k, s, d), convkit.overlap_counts((i, i), k, s, d))


@pytest.mark.parametrize("layers", [
    [(3, 1)], [(3, 1, 1), (3, 1, 2), (3, 1, 4)], [(2, 1, 1), (2, 1, 2), (2, 1, 4), (2, 1, 8)],
    [(3, 2), (3, 2), (3, 1)], [(5, 1, 3), (3, 2, 1)],
])
def test_receptive_field_matches_arithmetic_and_conv(layers):
    size = geo.receptive_field_size(layers)
    assert size == receptive_field(layers)
    masks = geo.receptive_field_units(layers)
    assert len(masks[0]) == size and masks[0].all()  # every input unit is seen
    assert len(masks[-1]) == 1
    # Input units that influence the output unit, by a chain of all-ones convolutions.
    for unit in range(size):
        x = np.zeros((1, 1, size), dtype=np.int64)
        x[0, 0, unit] = 1
        for k, s, *rest in layers:
            x = convkit.conv1d(x, np.ones((1, 1, k), dtype=np.int64), stride=s, dilation=rest[0] if rest else 1)
        assert x[0, 0, 0] > 0


def test_channel_shuffle_permutation_is_reshape_transpose():
    perm = geo.channel_shuffle_permutation(6, 2)
    assert perm.tolist() == [0, 3, 1, 4, 2, 5]
    # g != C/g: the (C/g, g) reshape gives the inverse, a different permutation.
    perm = geo.channel_shuffle_permutation(6, 3)
    assert perm.tolist() == [0, 2, 4, 1, 3, 5]
    assert perm.tolist() != np.arange(6).reshape(2, 3).T.reshape(6).tolist()


def test_group_connections_is_block_diagonal_like_grouped_conv():
    mask = geo.group_connections(4, 6, 2)
    # A grouped conv with all-ones weights: output channel o responds to input channel c iff connected.
    for c in range(4):
        x = np.zeros((1, 4, 1, 1))
        x[0, c] = 1
        y = convkit.conv2d(x, np.ones((6, 2, 1, 1)), groups=2)[0, :, 0, 0]
        np.testing.assert_array_equal(y > 0, mask[:, c])


@pytest.mark.parametrize("call, error", [
    (lambda: geo.conv_output_shape(3, 5), ValueError),
    (lambda: geo.conv_output_shape(3.0, 2), TypeError),
    (lambda: geo.padding_mask(3, -1), ValueError),
    (lambda: geo.output_position(9, (3, 3)), ValueError),
    (lambda: geo.channel_shuffle_permutation(6, 4), ValueError),
    (lambda: geo.receptive_field_size([]), ValueError),
])
def test_bad_arguments_raise(call, error):
    with pytest.raises(error):
        call()
