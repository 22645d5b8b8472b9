"""Chapter 15's checks: a right and a wrong answer for each, the references against torch."""

import numpy as np
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check


def weight_grad(input, grad_output, kernel_size):
    """Right: every tap is the sum over positions of input window times gradient."""
    c_in, c_out, k = input.shape[0], grad_output.shape[0], kernel_size
    h_out, w_out = grad_output.shape[1:]
    out = np.zeros((c_out, c_in, k, k))
    for m in range(k):
        for n in range(k):
            window = input[:, m:m + h_out, n:n + w_out]  # (C_in, H_out, W_out)
            out[:, :, m, n] = np.einsum("fuv,cuv->fc", grad_output, window)
    return out


def weight_grad_flipped(input, grad_output, kernel_size):
    return weight_grad(input, grad_output, kernel_size)[:, :, ::-1, ::-1]


def correlate2d_fft(image, kernel):
    """Right: the product of transforms with the flipped kernel, then the valid block."""
    (h, w), (kh, kw) = image.shape, kernel.shape
    grid = (h + kh - 1, w + kw - 1)
    full = np.fft.irfft2(np.fft.rfft2(image, s=grid) * np.fft.rfft2(kernel[::-1, ::-1], s=grid), s=grid)
    return full[kh - 1:h, kw - 1:w]


def correlate2d_fft_unflipped(image, kernel):
    (h, w), (kh, kw) = image.shape, kernel.shape
    grid = (h + kh - 1, w + kw - 1)
    full = np.fft.irfft2(np.fft.rfft2(image, s=grid) * np.fft.rfft2(kernel, s=grid), s=grid)
    return full[kh - 1:h, kw - 1:w]


def test_weight_grad_reference_is_autograd():
    for case in EXERCISES["ch15-weight-grad"].cases():
        x, g, k = case.args
        xt = torch.from_numpy(x.astype(np.float64))[None].requires_grad_()
        wt = torch.zeros(g.shape[0], x.shape[0], k, k, dtype=torch.float64, requires_grad=True)
        F.conv2d(xt, wt).backward(torch.from_numpy(g.astype(np.float64))[None])
        np.testing.assert_allclose(EXERCISES["ch15-weight-grad"].reference(*case.args), wt.grad.numpy(),
                                   rtol=1e-5, atol=1e-5, err_msg=case.label)


def test_weight_grad_right_and_wrong():
    assert check(weight_grad, "ch15-weight-grad", verbose=False).passed
    result = check(weight_grad_flipped, "ch15-weight-grad", verbose=False)
    assert not result.passed
    assert "reversed" in "\n".join(result.failures)


def test_fft_correlate_right_and_wrong():
    assert check(correlate2d_fft, "ch15-fft-correlate", verbose=False).passed
    result = check(correlate2d_fft_unflipped, "ch15-fft-correlate", verbose=False)
    assert not result.passed
    assert "flip the kernel" in "\n".join(result.failures)


def test_fft_correlate_reference_is_torch():
    for case in EXERCISES["ch15-fft-correlate"].cases():
        image, kernel = (torch.from_numpy(a.astype(np.float64)) for a in case.args)
        expected = F.conv2d(image[None, None], kernel[None, None])[0, 0].numpy()
        np.testing.assert_allclose(EXERCISES["ch15-fft-correlate"].reference(*case.args), expected,
                                   rtol=1e-12, atol=1e-12, err_msg=case.label)
