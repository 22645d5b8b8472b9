"""conv2d_im2col against PyTorch, the fast path against conv2d_im2col, and choose_conv_method."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit import ConvMethod, choose_conv_method, conv2d, conv2d_fft, conv2d_im2col
from convkit import winograd_conv2d

# (C_in, C_out, groups, kernel, stride, padding, dilation)
SETTINGS = [
    (3, 4, 1, (3, 3), 1, 0, 1),
    (4, 6, 2, (3, 2), (2, 1), 1, 1),
    (6, 6, 6, (3, 3), 1, "same", 2),
    (4, 8, 4, (2, 2), 1, "same", 1),  # even kernel: PyTorch pads one more after
    (8, 4, 1, (1, 1), 2, 0, 1),
    (2, 3, 1, (5, 3), 3, (2, 1), (1, 2)),
]


@pytest.mark.parametrize("c_in, c_out, groups, kernel, stride, padding, dilation", SETTINGS)
@pytest.mark.parametrize("with_bias", [False, True])
def test_matches_torch_and_the_fast_path(c_in, c_out, groups, kernel, stride, padding, dilation,
                                         with_bias):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, c_in, 9, 8))  # (N, C_in, H, W)
    w = rng.standard_normal((c_out, c_in // groups) + kernel)  # (C_out, C_in/g, kH, kW)
    b = rng.standard_normal(c_out) if with_bias else None
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    ours = conv2d_im2col(x, w, b, **kw)
    theirs = F.conv2d(torch.from_numpy(x), torch.from_numpy(w),
                      None if b is None else torch.from_numpy(b), **kw).numpy()
    assert ours.shape == theirs.shape and ours.dtype == np.float64
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(conv2d(x, w, b, **kw), ours, rtol=1e-12, atol=1e-12)


def test_integers_are_exact_and_float32_stays_float32():
    rng = np.random.default_rng(1)
    x = rng.integers(-9, 9, size=(3, 7, 7))  # unbatched (C_in, H, W)
    w = rng.integers(-9, 9, size=(6, 1, 3, 3))
    assert (conv2d_im2col(x, w, padding=1, groups=3) == conv2d(x, w, padding=1, groups=3)).all()
    assert conv2d_im2col(x.astype(np.float32), w.astype(np.float32), groups=3).dtype == np.float32


def test_refuses_what_conv2d_refuses():
    x, w = np.ones((1, 4, 5, 5)), np.ones((4, 2, 3, 3))
    for kwargs, error in [(dict(groups=3), ValueError), (dict(stride=0, groups=2), ValueError),
                          (dict(stride=1.5, groups=2), TypeError)]:
        with pytest.raises(error) as ours:
            conv2d_im2col(x, w, **kwargs)
        with pytest.raises(error) as reference:
            conv2d(x, w, **kwargs)
        assert str(ours.value) == str(reference.value)


def test_chooser_reaches_every_method_and_the_method_computes_the_convolution():
    rng = np.random.default_rng(2)
    cases = {
        "direct": ((1, 8, 10, 10), (4, 8, 1, 1), dict(stride=2)),
        "winograd": ((1, 3, 10, 10), (2, 3, 3, 3), {}),
        "fft": ((1, 4, 40, 40), (4, 4, 21, 21), dict(padding=10)),
        "im2col": ((1, 4, 12, 12), (4, 2, 3, 3), dict(padding=1, groups=2)),
    }
    run = {"direct": conv2d, "im2col": conv2d_im2col, "fft": conv2d_fft,
           "winograd": lambda x, w: winograd_conv2d(x, w)}
    for method, (x_shape, w_shape, kw) in cases.items():
        answer = choose_conv_method(x_shape, w_shape, **kw)
        assert isinstance(answer, ConvMethod) and answer.method == method, answer
        assert len(answer.reason) > 20
        x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
        assert choose_conv_method(x, w, **kw) == answer  # arrays and shapes agree
        expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), **kw).numpy()
        np.testing.assert_allclose(run[method](x, w, **kw), expected, rtol=1e-9, atol=1e-9)


def test_chooser_follows_the_work_not_the_size():
    # The benchmark's pair: a 3x3 kernel is cheaper by im2col, a 31x31 one by FFT.
    assert choose_conv_method((1, 16, 64, 64), (16, 16, 3, 3), padding=1).method == "im2col"
    assert choose_conv_method((1, 16, 64, 64), (16, 16, 31, 31), padding=15).method == "fft"
    # Stride, dilation or groups rule out the transforms, whatever the kernel.
    for kw in (dict(stride=2), dict(dilation=2), dict(groups=2)):
        w_shape = (16, 8 if kw.get("groups") else 16, 31, 31)
        assert choose_conv_method((1, 16, 96, 96), w_shape, padding=15, **kw).method == "im2col"
    # Padding 1 (not valid) leaves 3x3 out of Winograd's reach, as winograd_conv2d does.
    assert choose_conv_method((3, 10, 10), (2, 3, 3, 3), padding=1).method != "winograd"


def test_chooser_checks_like_conv2d():
    with pytest.raises(ValueError, match="divisible by groups"):
        choose_conv_method((1, 4, 8, 8), (4, 2, 3, 3), groups=3)
    with pytest.raises(ValueError, match="kernel size"):
        choose_conv_method((1, 4, 2, 2), (4, 4, 3, 3))
    with pytest.raises(TypeError, match="stride"):
        choose_conv_method((1, 4, 8, 8), (4, 4, 3, 3), stride="2")
    # Shapes need no memory: a 10^5 x 10^5 image of 256 channels is answered at once.
    assert choose_conv_method((64, 256, 10**5, 10**5), (256, 256, 1, 1)).method == "direct"
