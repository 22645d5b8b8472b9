"""Upsampling without a transposed convolution: resize, then convolve.

A strided transposed convolution whose kernel size is not a multiple of its
stride covers some output pixels more often than others (see
``convkit.overlap_counts``), which shows as a checkerboard. Odena, Dumoulin
and Olah (2016) suggest separating the two jobs instead: first enlarge the
image with nearest-neighbour interpolation (every pixel becomes a uniform
block), then run an ordinary stride-1 convolution, where every output pixel
sees the same number of kernel taps. Chapter 6 explains both.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_array, check_real, split_batch, to_tuple
from .conv import conv2d

__all__ = ["upsample_nearest", "resize_conv2d"]


def _output_sizes(in_sizes, size, scale_factor):
    """Check ``size`` and ``scale_factor`` as ``F.interpolate`` does.

    Returns ``((H_out, W_out), (sH, sW))`` where the scales are None when
    ``size`` was given (PyTorch then indexes with ``in / out``).
    """
    if (size is None) == (scale_factor is None):
        raise ValueError(
            "give exactly one of size and scale_factor, got "
            f"size={size!r} and scale_factor={scale_factor!r}"
        )
    if size is not None:
        if isinstance(size, (tuple, list)) and len(size) != 2:
            raise ValueError(f"size must be an int or a tuple of 2 ints (H_out, W_out), "
                             f"got {len(size)} values")
        return to_tuple(size, 2, "size", minimum=1), (None, None)
    if isinstance(scale_factor, (tuple, list)):
        if len(scale_factor) != 2:
            raise ValueError(f"scale_factor must be a number or a tuple of 2 numbers (sH, sW), "
                             f"got {len(scale_factor)} values")
        factors = tuple(scale_factor)
    else:
        factors = (scale_factor, scale_factor)
    factors = tuple(check_real(f, "scale_factor", minimum=0, strict=True) for f in factors)
    if not all(math.isfinite(f) for f in factors):
        raise ValueError(f"scale_factor must be finite, got {scale_factor!r}")
    # PyTorch truncates in_size * scale_factor (in double precision) to get the output size
    products = [n * f for n, f in zip(in_sizes, factors)]
    if not all(math.isfinite(v) for v in products):
        raise ValueError(f"scale_factor {scale_factor!r} is too large for an output size")
    out_sizes = tuple(int(v) for v in products)
    if min(out_sizes) < 1:
        raise ValueError(
            f"scale_factor {scale_factor!r} shrinks the input of spatial size {tuple(in_sizes)} "
            f"to an empty output {out_sizes}"
        )
    return out_sizes, factors


def _nearest_index(in_size, out_size, scale_factor):
    """Source index of every output position along one axis, exactly as PyTorch computes it.

    ``floor(out_index * scale)`` clipped to the last input index, with
    ``scale = 1 / scale_factor`` when a factor was given and ``in / out``
    otherwise, both in float32 as in PyTorch's CPU kernel (which also takes
    the identity and the halving shortcuts below before any rounding).
    """
    positions = np.arange(out_size)
    if out_size == in_size:
        return positions
    if out_size == 2 * in_size:
        return positions // 2
    if scale_factor is not None:
        scale = np.float32(1.0 / scale_factor)
    else:
        scale = np.float32(in_size) / np.float32(out_size)
    source = np.floor(positions.astype(np.float32) * scale).astype(np.int64)
    return np.minimum(source, in_size - 1)


def upsample_nearest(input, size=None, scale_factor=None):
    """Resize images by nearest-neighbour indexing, as ``F.upsample_nearest``.

    ``F.upsample_nearest(input, size=None, scale_factor=None)`` is
    ``F.interpolate(input, size, scale_factor, mode='nearest')``: give the
    output size or the scale factor, not both.

    Parameters
    ----------
    input : array_like
        ``(N, C, H, W)`` batched or ``(C, H, W)`` unbatched.
    size : int or tuple of 2 ints, optional
        Output spatial size ``(H_out, W_out)`` (an int for both axes).
    scale_factor : float or tuple of 2 floats, optional
        Multiplier of the spatial size, ``(sH, sW)`` or one number for both
        axes; ``H_out = floor(H * sH)``, ``W_out = floor(W * sW)``. Need not
        be an integer, and may be below 1 (downsampling).

    Returns
    -------
    numpy.ndarray
        ``(N, C, H_out, W_out)`` (no batch axis for unbatched input), same
        dtype as ``input``; ``out[..., i, j] == input[..., r[i], c[j]]`` with
        ``r[i] = min(floor(i * scale_h), H - 1)`` and likewise for ``c``, where
        ``scale_h = 1 / sH`` if ``scale_factor`` was given and ``H / H_out``
        if ``size`` was. For an integer factor ``s`` every pixel becomes an
        ``s x s`` block.

    Raises
    ------
    TypeError
        If ``input`` is not numeric, ``size`` is not an int or a tuple of 2
        ints, or ``scale_factor`` is not a number or a tuple of 2 numbers.
    ValueError
        If ``input`` is not 3D or 4D, both or neither of ``size`` and
        ``scale_factor`` are given, ``size`` is not positive, ``scale_factor``
        is not positive and finite or gives an empty output, or a tuple has
        a length other than 2.

    Notes
    -----
    Equal to ``torch.nn.functional.upsample_nearest`` (and
    ``F.interpolate(mode='nearest')``) on ``(N, C, H, W)`` input, including
    PyTorch's float32 rounding of the index computation. An unbatched
    ``(C, H, W)`` array is treated here as one image, whereas PyTorch would
    read a 3D tensor as a batch of 1D signals. Chapter 6 uses it to
    upsample without checkerboard artifacts.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import upsample_nearest
    >>> x = np.array([[[1, 2], [3, 4]]])          # (C, H, W)
    >>> upsample_nearest(x, scale_factor=2)[0]
    array([[1, 1, 2, 2],
           [1, 1, 2, 2],
           [3, 3, 4, 4],
           [3, 3, 4, 4]])
    >>> upsample_nearest(x, size=(2, 3))[0]      # the second positional argument is size
    array([[1, 1, 2],
           [3, 3, 4]])
    """
    x = as_array(input, "input")
    x, unbatched = split_batch(x, 2, "input")
    n, c, h, w = x.shape
    (h_out, w_out), (sh, sw) = _output_sizes((h, w), size, scale_factor)
    rows = _nearest_index(h, h_out, sh)  # (H_out,)
    cols = _nearest_index(w, w_out, sw)  # (W_out,)
    kh, kw = h_out // h, w_out // w
    if (h_out == kh * h and w_out == kw * w and np.array_equal(rows, np.arange(h_out) // kh)
            and np.array_equal(cols, np.arange(w_out) // kw)):
        # every pixel becomes a kh x kw block: one broadcast copy, faster than gathering
        blocks = np.broadcast_to(
            x[:, :, :, np.newaxis, :, np.newaxis], (n, c, h, kh, w, kw)
        )  # (N, C, H, kH, W, kW)
        out = blocks.reshape(n, c, h_out, w_out)  # (N, C, H_out, W_out), a copy
    else:
        out = x[:, :, rows[:, np.newaxis], cols]  # (N, C, H_out, W_out), a copy
    return out[0] if unbatched else out


def resize_conv2d(input, weight, bias=None, scale_factor=2, padding="same"):
    """Nearest-neighbour upsampling followed by a stride-1 ``conv2d``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` batched or ``(C_in, H, W)`` unbatched.
    weight : array_like
        ``(C_out, C_in, kH, kW)``, an ordinary convolution weight.
    bias : array_like, optional
        ``(C_out,)``.
    scale_factor : float or tuple of 2 floats, default 2
        Upsampling factor ``(sH, sW)`` or one for both axes, as the
        ``scale_factor`` of :func:`upsample_nearest`.
    padding : int, tuple of 2 ints, 'same' or 'valid', default 'same'
        Padding of the convolution, as in :func:`~convkit.conv2d`; the
        default keeps the upsampled size ``(floor(H * sH), floor(W * sW))``.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)`` (no batch axis for unbatched input); with
        ``padding='same'``, ``H_out = floor(H * sH)`` and ``W_out = floor(W * sW)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`upsample_nearest` and :func:`~convkit.conv2d`.

    Notes
    -----
    The checkerboard-free alternative to a strided transposed convolution
    proposed by Odena, Dumoulin and Olah (2016): after a nearest-neighbour
    resize every output pixel is covered by the whole kernel, so there is
    no uneven overlap. Equal to ``F.conv2d(F.interpolate(x, scale_factor=s,
    mode='nearest'), weight, bias, padding=padding)``. Chapter 6 compares it
    with the transposed convolution.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import resize_conv2d
    >>> x = np.ones((1, 3, 3))                 # (C_in, H, W)
    >>> w = np.ones((1, 1, 3, 3)) / 9          # (C_out, C_in, kH, kW): a box blur
    >>> resize_conv2d(x, w, scale_factor=2).shape
    (1, 6, 6)
    """
    up = upsample_nearest(input, scale_factor=scale_factor)  # (N, C_in, H_out, W_out)
    return conv2d(up, weight, bias, stride=1, padding=padding)
