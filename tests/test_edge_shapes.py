"""Edge shapes against PyTorch: every torch-mirroring function accepts what torch accepts.

Empty batches, empty channel axes, unbatched inputs and the smallest sizes,
for conv*, conv_transpose*, pad, upsample_nearest, channel_shuffle and
unfold. Where PyTorch gives a result, convkit gives the same shape and
values; where PyTorch refuses, convkit raises TypeError or ValueError.
"""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import convkit

TORCH_ERRORS = (RuntimeError, ValueError, TypeError, IndexError, NotImplementedError)


def arange(shape):
    """Distinct small values, so that a misplaced entry shows."""
    return np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) % 7 - 3


def same_as_torch(ours, theirs, *arrays, **kwargs):
    """convkit and torch both succeed with equal results, or both refuse."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            expected = theirs(*(torch.from_numpy(a) for a in arrays), **kwargs).numpy()
        except TORCH_ERRORS:
            expected = None
    if expected is None:
        with pytest.raises((TypeError, ValueError)):
            ours(*arrays, **kwargs)
        return
    result = ours(*arrays, **kwargs)
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)


def _conv_cases(n):
    sp, k = (4,) * n, (3,) * n
    return [
        ("empty batch", (0, 2) + sp, (3, 2) + k, {}),
        ("empty batch, padded and strided", (0, 2) + sp, (3, 2) + k, dict(padding=1, stride=2)),
        ("empty batch, grouped", (0, 4) + sp, (4, 2) + k, dict(groups=2)),
        ("empty batch, 'same'", (0, 2) + sp, (3, 2) + k, dict(padding="same")),
        ("no output channels", (1, 2) + sp, (0, 2) + k, {}),
        ("empty spatial axis, padded", (1, 2) + (0,) * n, (3, 2) + k, dict(padding=2)),
        ("one pixel, 1x1 kernel", (1, 2) + (1,) * n, (3, 2) + (1,) * n, {}),
        ("unbatched, kernel as large as the input", (2,) + sp, (3, 2) + sp, {}),
    ]


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("naive", [False, True])
@pytest.mark.parametrize("label, x_shape, w_shape, kwargs", _conv_cases(3), ids=lambda v: v if isinstance(v, str) else None)
def test_conv(n, naive, label, x_shape, w_shape, kwargs):
    x_shape = x_shape[: len(x_shape) - 3 + n]
    w_shape = w_shape[: len(w_shape) - 3 + n]
    ours = getattr(convkit, f"conv{n}d" + ("_naive" if naive else ""))
    same_as_torch(ours, getattr(F, f"conv{n}d"), arange(x_shape), arange(w_shape), **kwargs)


def test_conv_refuses_empty_input_channels_where_torch_returns_the_wrong_shape():
    """For C_in = 0 PyTorch returns an (N, 0, ...) output although the weight asks for
    C_out = 3 channels; convkit refuses the empty weight instead of copying that."""
    x, w = np.zeros((1, 0, 4, 4)), np.zeros((3, 0, 3, 3))
    assert F.conv2d(torch.from_numpy(x), torch.from_numpy(w)).shape[1] == 0
    with pytest.raises(ValueError, match="weight"):
        convkit.conv2d(x, w)


def _transpose_cases(n):
    sp, k = (3,) * n, (3,) * n
    return [
        ("empty batch", (0, 2) + sp, (2, 3) + k, dict(stride=2)),
        ("empty batch, grouped, output_padding", (0, 4) + sp, (4, 1) + k,
         dict(groups=2, stride=2, output_padding=1)),
        ("no input channels", (1, 0) + sp, (0, 3) + k, {}),
        ("no output channels", (1, 2) + sp, (2, 0) + k, {}),
        ("empty spatial axis", (1, 2) + (0,) * n, (2, 3) + k, {}),
        ("one pixel, unbatched", (2,) + (1,) * n, (2, 3) + k, {}),
    ]


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("naive", [False, True])
@pytest.mark.parametrize("label, x_shape, w_shape, kwargs", _transpose_cases(3), ids=lambda v: v if isinstance(v, str) else None)
def test_conv_transpose(n, naive, label, x_shape, w_shape, kwargs):
    x_shape = x_shape[: len(x_shape) - 3 + n]
    w_shape = w_shape[: len(w_shape) - 3 + n]
    ours = getattr(convkit, f"conv_transpose{n}d" + ("_naive" if naive else ""))
    same_as_torch(ours, getattr(F, f"conv_transpose{n}d"), arange(x_shape), arange(w_shape), **kwargs)


PAD_CASES = [
    ((0, 2, 4, 4), (1, 1, 1, 1)),  # empty batch (issue 9: replicate and circular refused it)
    ((0, 2, 4), (1, 2)),
    ((0, 2, 3, 4, 4), (1, 1, 1, 1, 1, 1)),
    ((0, 2, 4, 4), (-1, -1, 0, 0)),  # empty batch, cropping
    ((2, 0, 4, 4), (1, 1, 1, 1)),  # empty channels: only 'constant' and 'circular' accept them
    ((0, 0, 4, 4), (1, 1, 1, 1)),
    ((1, 0, 4), (1, 1)),
    ((0, 4), (1, 1)),
    ((0, 4, 4), (1, 1, 1, 1)),
    ((1, 2, 0, 4), (1, 1)),  # an empty padded axis
    ((1, 2, 4, 0), (1, 1)),
    ((1, 2, 4, 4), (0, 0, 0, 0)),
    ((1, 1, 1, 1), (0, 0, 0, 0)),
    ((3, 4), (1, 1)),
    ((4,), (1, 1)),
]


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("naive", [False, True])
@pytest.mark.parametrize("shape, pad", PAD_CASES, ids=str)
def test_pad(mode, naive, shape, pad):
    ours = convkit.pad_naive if naive else convkit.pad
    same_as_torch(lambda x, **kw: ours(x, pad, mode=mode), lambda x, **kw: F.pad(x, pad, mode=mode), arange(shape))


@pytest.mark.parametrize("shape, kwargs", [
    ((0, 2, 3, 3), dict(scale_factor=2)),
    ((0, 2, 3, 3), dict(size=5)),
    ((1, 2, 1, 1), dict(scale_factor=3)),
    ((1, 2, 3, 3), dict(size=(2, 7))),
    ((1, 2, 3, 3), dict(scale_factor=1.5)),
    ((1, 2, 0, 3), dict(scale_factor=2)),
], ids=str)
def test_upsample_nearest(shape, kwargs):
    """4D inputs only: a 3D input is one unbatched image here, a batch of 1D signals in torch."""
    same_as_torch(convkit.upsample_nearest, F.upsample_nearest, arange(shape), **kwargs)


@pytest.mark.parametrize("naive", [False, True])
@pytest.mark.parametrize("shape, groups", [
    ((0, 4, 3, 3), 2), ((2, 0, 3, 3), 2), ((0, 0, 3), 2), ((0, 4), 2), ((2, 4), 2), ((2, 4, 3), 2),
    ((2, 4, 0, 3), 2), ((2, 4, 3, 3, 3, 3), 2), ((2, 4, 3, 3), 1), ((2, 4, 3, 3), 4), ((4,), 2),
], ids=str)
def test_channel_shuffle(naive, shape, groups):
    ours = convkit.channel_shuffle_naive if naive else convkit.channel_shuffle
    same_as_torch(lambda x: ours(x, groups), lambda x: F.channel_shuffle(x, groups), arange(shape))


@pytest.mark.parametrize("shape, kwargs", [
    ((0, 2, 4, 4), dict(kernel_size=2)),
    ((0, 2, 4, 4), dict(kernel_size=3, padding=1, stride=2)),
    ((1, 1, 1, 1), dict(kernel_size=1)),
    ((2, 3, 2), dict(kernel_size=1, padding=(0, 1))),
    ((1, 0, 4, 4), dict(kernel_size=2)),
    ((1, 2, 0, 4), dict(kernel_size=1, padding=1)),
], ids=str)
def test_unfold(shape, kwargs):
    same_as_torch(convkit.unfold, F.unfold, arange(shape), **kwargs)
