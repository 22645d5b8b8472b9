"""Convolution through the FFT: the convolution theorem, with PyTorch's conv2d signature.

The convolution theorem says that a (circular) convolution is a pointwise
product of Fourier transforms: ``DFT(x * w) = DFT(x) DFT(w)``. A deep-learning
"convolution" is a cross-correlation, which is a convolution with the kernel
flipped, so ``conv2d(x, w)`` can be computed as

1. pad the input, insert the dilation's zeros into the kernel and flip it;
2. take the 2D real FFT of every input channel and of every kernel, on a grid
   at least as large as the padded input (no circular wrap-around reaches the
   positions that are kept);
3. multiply the transforms, summing over the input channels of each group
   (one small matrix product per frequency);
4. transform back and keep the valid positions, every ``stride``-th one.

``conv2d_fft_naive`` writes these steps with loops over the batch, the filters
and the channels; ``conv2d_fft`` does the same with one batched product.
Chapter 15 (how a convolution is computed) explains the method and measures
where it beats im2col.
"""

from __future__ import annotations

import numpy as np

from ._params import ConvArgs, conv_args
from ._validation import check_int, finish

__all__ = ["conv2d_fft", "conv2d_fft_naive", "fft_size"]


def conv2d_fft(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2D convolution (a cross-correlation) computed with the FFT, as ``conv2d``.

    Same arguments, checks, output shape and (within floating-point
    tolerance) values as :func:`~convkit.conv2d` and
    ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    input, weight, bias
        As in :func:`~convkit.conv2d`.
    stride : int or tuple of 2 ints, default 1
        Step between neighbouring outputs: the stride-1 result, subsampled.
    padding : int, tuple of 2 ints, 'valid' or 'same', default 0
        Zeros added around the input, as in :func:`~convkit.conv2d`.
    dilation : int or tuple of 2 ints, default 1
        Spacing between the kernel's taps: ``dilation - 1`` zeros are inserted
        between them before the transform.
    groups : int, default 1
        Independent channel groups; the channels of each group are multiplied
        only with the filters of that group.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)`` (no batch axis for unbatched input), with
        ``o = floor((i + 2p - d (k - 1) - 1) / s) + 1`` along each axis.
        float32 operands give float32 and float64 give float64; the FFT is
        not exact, so integer operands give a float64 result.

    Raises
    ------
    TypeError, ValueError
        Exactly as :func:`~convkit.conv2d` (the same checks run).

    See Also
    --------
    convkit.conv.conv2d : Im2col and a matrix multiply (exact for integers).
    conv2d_fft_naive : The same steps with loops over filters and channels.
    fft_size : The transform size used along one axis.

    Notes
    -----
    The cost model is that of :func:`convkit.conv2d_method_costs`: transforms
    of the input channels, the kernels and the output channels on the
    ``F_H x F_W`` grid (:func:`fft_size`), and one complex multiply-add per
    frequency and channel pair. None of it grows with the kernel size,
    whereas im2col's multiply-adds grow with ``kH kW``; but the FFT pays for
    the whole padded grid, for complex arithmetic and for the transforms, so
    it wins only for large kernels. Where depends on the machine:
    ``benchmarks/bench.py`` and chapter 15's timing cell measure it. A
    stride wastes the FFT's work: it computes every stride-1 output and
    keeps one in ``s_H s_W``.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv2d, conv2d_fft
    >>> x = np.arange(16.0).reshape(1, 4, 4)          # (C_in, H, W)
    >>> w = np.ones((1, 1, 2, 2))                      # (C_out, C_in, kH, kW)
    >>> conv2d_fft(x, w, stride=2).round(10)
    array([[[10., 18.],
            [42., 50.]]])
    >>> bool(np.allclose(conv2d_fft(x, w, padding=1), conv2d(x, w, padding=1)))
    True
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d_fft")
    x, w, grid, _, out_dtype = _prepared(args)
    n_batch = x.shape[0]
    c_out, per_group_in = w.shape[:2]
    g = args.groups
    per_group_out = c_out // g

    x_f = np.fft.rfft2(x, s=grid)  # (N, C_in, F_H, F_W/2 + 1), complex
    w_f = np.fft.rfft2(w, s=grid)  # (C_out, C_in/G, F_H, F_W/2 + 1)
    freq = x_f.shape[2:]
    positions = freq[0] * freq[1]
    # One (C_out/G, C_in/G) @ (C_in/G, N) product per group and frequency.
    x_f = x_f.reshape(n_batch, g, per_group_in, positions)  # (N, G, C_in/G, P)
    x_f = x_f.transpose(1, 3, 2, 0)  # (G, P, C_in/G, N)
    w_f = w_f.reshape(g, per_group_out, per_group_in, positions)  # (G, C_out/G, C_in/G, P)
    w_f = w_f.transpose(0, 3, 1, 2)  # (G, P, C_out/G, C_in/G)
    y_f = w_f @ x_f  # (G, P, C_out/G, N)
    y_f = y_f.transpose(3, 0, 2, 1)  # (N, G, C_out/G, P)
    y_f = y_f.reshape((n_batch, c_out) + freq)  # (N, C_out, F_H, F_W/2 + 1)
    full = np.fft.irfft2(y_f, s=grid)  # (N, C_out, F_H, F_W): the full convolution
    out = _valid(full, w.shape[2:], args).astype(out_dtype)
    return finish(out, args.bias, args.unbatched)


def conv2d_fft_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Loop reference for :func:`conv2d_fft`: one transform product per filter and channel.

    Parameters
    ----------
    input, weight, bias, stride, padding, dilation, groups
        As in :func:`conv2d_fft`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv2d_fft(...)`` within rounding: same shape and dtype.

    See Also
    --------
    conv2d_fft : The same transforms, vectorised over filters and channels.

    Notes
    -----
    For every image ``n`` and filter ``f``, the sum over the input channels
    ``c`` of its group of ``irfft2(rfft2(x[n, c]) * rfft2(flip(w[f, c])))``,
    then the valid positions at the stride. Chapter 15 explains it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv2d_fft_naive
    >>> x = np.arange(16.0).reshape(1, 4, 4)          # (C_in, H, W)
    >>> conv2d_fft_naive(x, np.ones((1, 1, 2, 2)), stride=2).round(10)
    array([[[10., 18.],
            [42., 50.]]])
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d_fft")
    x, w, grid, work, out_dtype = _prepared(args)
    n_batch = x.shape[0]
    c_out, per_group_in = w.shape[:2]
    per_group_out = c_out // args.groups
    full = np.zeros((n_batch, c_out) + grid, dtype=work)
    for n in range(n_batch):
        for f in range(c_out):
            g = f // per_group_out  # the group of filter f
            spectrum = 0
            for c in range(per_group_in):
                channel = g * per_group_in + c
                x_f = np.fft.rfft2(x[n, channel], s=grid)  # (F_H, F_W/2 + 1)
                w_f = np.fft.rfft2(w[f, c], s=grid)  # the flipped, dilated kernel's spectrum
                spectrum = spectrum + x_f * w_f
            full[n, f] = np.fft.irfft2(spectrum, s=grid)
    out = _valid(full, w.shape[2:], args).astype(out_dtype)
    return finish(out, args.bias, args.unbatched)


def fft_size(n):
    """The smallest length ``>= n`` whose only prime factors are 2, 3 and 5.

    numpy's FFT is fastest on such lengths; zeros fill the rest of the grid.

    Parameters
    ----------
    n : int
        A positive length.

    Returns
    -------
    int

    Examples
    --------
    >>> from convkit import fft_size
    >>> [fft_size(n) for n in (7, 31, 58, 97)]
    [8, 32, 60, 100]
    """
    n = check_int(n, "n", minimum=1)
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


# ---------------------------------------------------------------------------
# the steps shared by both
# ---------------------------------------------------------------------------


def _prepared(args: ConvArgs):
    """Step 1: the padded input and the dilated, flipped kernel, in the working dtype.

    Returns ``(x, w, grid, work_dtype, out_dtype)`` with ``x`` of shape ``(N,
    C_in, H + padding, W + padding)``, ``w`` of shape ``(C_out, C_in/G, e_H,
    e_W)``, where ``e = d (k - 1) + 1`` is the dilated extent, and ``grid``
    the transforms' size ``(F_H, F_W)``.
    """
    dtype = args.input.dtype
    float_result = dtype.kind == "f"
    work = dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)
    out_dtype = dtype if float_result else np.dtype(np.float64)
    pad = [(0, 0), (0, 0)] + list(zip(args.pad_before, args.pad_after))
    x = np.pad(args.input.astype(work, copy=False), pad)  # (N, C_in, H_p, W_p)
    c_out, per_group_in, k_h, k_w = args.weight.shape
    d_h, d_w = args.dilation
    extent = (d_h * (k_h - 1) + 1, d_w * (k_w - 1) + 1)
    w = np.zeros((c_out, per_group_in) + extent, dtype=work)  # (C_out, C_in/G, e_H, e_W)
    w[:, :, ::d_h, ::d_w] = args.weight  # the taps, with d - 1 zeros between them
    w = w[:, :, ::-1, ::-1]  # flipped: correlation is convolution with the flipped kernel
    return x, w, tuple(fft_size(n) for n in x.shape[2:]), work, out_dtype


def _valid(full: np.ndarray, extent: tuple[int, int], args: ConvArgs) -> np.ndarray:
    """Step 4: the outputs of the full convolution where the kernel lies inside.

    Output ``(u, v)`` of the correlation is entry ``(e_H - 1 + u s_H, e_W - 1
    + v s_W)`` of the full convolution with the flipped kernel.
    """
    (e_h, e_w), (s_h, s_w), (h_out, w_out) = extent, args.stride, args.out_size
    rows = slice(e_h - 1, e_h - 1 + s_h * (h_out - 1) + 1, s_h)
    cols = slice(e_w - 1, e_w - 1 + s_w * (w_out - 1) + 1, s_w)
    return full[:, :, rows, cols]  # (N, C_out, H_out, W_out)
