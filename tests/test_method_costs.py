"""conv2d_method_costs: each count held to the arrays the method builds or to an independent count."""

import math

import numpy as np
import pytest

import convkit
from convkit import conv2d_method_costs, conv_macs, fft_size, unfold, winograd_matrices


LAYERS = [  # (C_in, C_out, k, size, padding, batch)
    (64, 64, 3, 56, 1, 1),
    (3, 8, 3, 9, 0, 2),
    (16, 16, 31, 64, 15, 1),
    (4, 6, 5, 13, 2, 3),
    (2, 3, (3, 5), (10, 7), (1, 2), 1),
]


@pytest.mark.parametrize("c_in, c_out, k, size, padding, batch", LAYERS)
def test_direct_and_im2col_do_the_definitions_multiply_adds(c_in, c_out, k, size, padding, batch):
    costs = conv2d_method_costs(c_in, c_out, k, size, padding=padding, batch=batch)
    x = np.zeros((batch, c_in) + ((size,) * 2 if isinstance(size, int) else size), dtype=np.float32)
    k2 = (k, k) if isinstance(k, int) else k
    y = convkit.conv2d(x, np.zeros((c_out, c_in) + k2, dtype=np.float32), padding=padding)
    macs = batch * conv_macs(c_in, c_out, k, y.shape[2:])
    assert costs["direct"].operations == costs["im2col"].operations == 2 * macs
    assert costs["direct"].extra_bytes == 0
    # im2col's extra memory is the matrix unfold builds, in float32.
    assert costs["im2col"].extra_bytes == unfold(x, k2, padding=padding).size * 4
    assert list(costs) == ["direct", "im2col", "fft", "winograd"]


@pytest.mark.parametrize("c_in, c_out, k, size, padding, batch", LAYERS)
def test_fft_memory_is_the_spectra_conv2d_fft_takes(c_in, c_out, k, size, padding, batch):
    hw = (size,) * 2 if isinstance(size, int) else size
    k2 = (k, k) if isinstance(k, int) else k
    pad = (padding,) * 2 if isinstance(padding, int) else padding
    grid = tuple(fft_size(s + 2 * p) for s, p in zip(hw, pad))
    one = np.fft.rfft2(np.zeros(grid, dtype=np.float32))       # complex64 in numpy 2
    spectra = batch * c_in + c_out * c_in + batch * c_out       # inputs, kernels, outputs
    assert conv2d_method_costs(c_in, c_out, k2, hw, padding=pad, batch=batch)["fft"].extra_bytes \
        == spectra * one.nbytes
    # float64 doubles every byte count but no operation count.
    wide = conv2d_method_costs(c_in, c_out, k2, hw, padding=pad, batch=batch, itemsize=8)
    narrow = conv2d_method_costs(c_in, c_out, k2, hw, padding=pad, batch=batch)
    for method in ("im2col", "fft"):
        assert wide[method].extra_bytes == 2 * narrow[method].extra_bytes
        assert wide[method].operations == narrow[method].operations


def test_fft_operations_by_hand():
    # One channel, 6x6 input, 3x3 kernel, padding 1: an 8x8 grid (fft_size(8) = 8), 8 x 5 frequencies.
    # 3 transforms of 2.5 * 64 * log2(64) = 960 operations, one product of 40 complex multiply-adds.
    assert conv2d_method_costs(1, 1, 3, 6, padding=1)["fft"].operations == 3 * 960 + 8 * 40
    # The X15-3 layer: 64 -> 64 channels, 56x56, padding 1; grid 60x60, 60 x 31 frequencies.
    fft = conv2d_method_costs(64, 64, 3, 56, padding=1)["fft"]
    assert fft.extra_bytes == (64 + 64 * 64 + 64) * 60 * 31 * 8
    assert fft.operations == round(4224 * 2.5 * 3600 * math.log2(3600) + 8 * 4096 * 1860)


def test_fft_work_does_not_grow_with_the_kernel_on_one_grid():
    # 'valid' kernels on a 64x64 input: the grid stays 64x64, the FFT's work stays, im2col's falls
    # only because there are fewer outputs.
    fft = {conv2d_method_costs(8, 8, k, 64)["fft"] for k in (1, 3, 9, 31)}
    assert len(fft) == 1


def _additions(matrix, columns):
    """Additions of matrix @ (a matrix with ``columns`` columns): (nonzeros - 1) per row and column."""
    nonzero = (np.asarray(matrix, dtype=float) != 0).sum(axis=1)
    return int(np.maximum(nonzero - 1, 0).sum()) * columns


def test_winograd_counts_from_the_transform_matrices():
    BT, G, AT = winograd_matrices(exact=True)
    input_transform = _additions(BT, 4) + _additions(BT, 4)        # B^T d, then (B^T d) B
    output_transform = _additions(AT, 4) + _additions(AT, 2)       # A^T M, then (A^T M) A
    halvings = sum(1 for row in G if any(v not in (0, 1, -1) for v in row))
    kernel_transform = (_additions(G, 3) + halvings * 3) + (_additions(G, 4) + halvings * 4)
    for c_in, c_out, size, padding, batch in [(64, 64, 56, 1, 1), (3, 5, 9, 0, 2), (1, 1, 4, 0, 1)]:
        out = size + 2 * padding - 2
        tiles = batch * math.ceil(out / 2) ** 2
        count = convkit.winograd_multiplies((out, out), c_in, c_out)
        expected = (2 * batch * count.winograd + input_transform * tiles * c_in
                    + output_transform * tiles * c_out + kernel_transform * c_out * c_in)
        cost = conv2d_method_costs(c_in, c_out, 3, size, padding=padding, batch=batch)["winograd"]
        assert cost.operations == expected
        # U (C_out, C_in, 4, 4), V (tiles, C_in, 4, 4), M (tiles, C_out, 4, 4), float32.
        assert cost.extra_bytes == 4 * 16 * (c_out * c_in + tiles * c_in + tiles * c_out)


def test_winograd_only_for_3x3_and_fewer_multiplies_than_direct():
    assert conv2d_method_costs(8, 8, 5, 20, padding=2)["winograd"] is None
    assert conv2d_method_costs(8, 8, (3, 1), 20)["winograd"] is None
    costs = conv2d_method_costs(64, 64, 3, 56, padding=1)
    assert costs["winograd"].operations < costs["direct"].operations


def test_bad_arguments_name_themselves():
    with pytest.raises(TypeError, match="in_channels"):
        conv2d_method_costs(2.0, 4, 3, 8)
    with pytest.raises(ValueError, match="out_channels"):
        conv2d_method_costs(2, 0, 3, 8)
    with pytest.raises(ValueError, match="padding"):
        conv2d_method_costs(2, 4, 3, 8, padding=-1)
    with pytest.raises(ValueError, match="kernel_size"):
        conv2d_method_costs(2, 4, 9, 8)
    with pytest.raises(TypeError, match="itemsize"):
        conv2d_method_costs(2, 4, 3, 8, itemsize="4")
    with pytest.raises(ValueError, match="batch"):
        conv2d_method_costs(2, 4, 3, 8, batch=-1)
