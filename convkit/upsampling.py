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

import numpy as np

from ._validation import as_array, split_batch, to_tuple

__all__ = ["upsample_nearest", "resize_conv2d"]


def upsample_nearest(input, scale_factor):
    """Enlarge images by repeating every pixel, as ``F.interpolate(mode='nearest')``.

    Parameters
    ----------
    input : array_like
        ``(N, C, H, W)`` batched or ``(C, H, W)`` unbatched.
    scale_factor : int or tuple of 2 ints
        Positive integer factor for both spatial axes, or ``(sH, sW)``.

    Returns
    -------
    numpy.ndarray
        ``(N, C, H * sH, W * sW)`` (no batch axis for unbatched input), same
        dtype as ``input``; ``out[..., h, w] == input[..., h // sH, w // sW]``.

    Raises
    ------
    TypeError
        If ``input`` is not numeric or ``scale_factor`` is not an int or a
        tuple of 2 ints (fractional factors are not supported).
    ValueError
        If ``input`` is not 3D or 4D or ``scale_factor`` is not positive.

    Notes
    -----
    Equal to ``torch.nn.functional.interpolate(input, scale_factor=s,
    mode='nearest')`` for integer ``s`` (PyTorch's ``(N, C, H, W)`` input;
    an unbatched ``(C, H, W)`` array is treated as one image here, whereas
    ``interpolate`` would read a 3D tensor as a batch of 1D signals).
    Chapter 6 uses it to upsample without checkerboard artifacts.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import upsample_nearest
    >>> upsample_nearest(np.array([[[1, 2], [3, 4]]]), 2)[0]
    array([[1, 1, 2, 2],
           [1, 1, 2, 2],
           [3, 3, 4, 4],
           [3, 3, 4, 4]])
    """
    x = as_array(input, "input")
    x, unbatched = split_batch(x, 2, "input")
    sh, sw = to_tuple(scale_factor, 2, "scale_factor", minimum=1)
    n, c, h, w = x.shape
    blocks = np.broadcast_to(
        x[:, :, :, np.newaxis, :, np.newaxis], (n, c, h, sh, w, sw)
    )  # (N, C, H, sH, W, sW): each pixel seen sH * sW times
    out = blocks.reshape(n, c, h * sh, w * sw)  # (N, C, H * sH, W * sW), a copy
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
    scale_factor : int or tuple of 2 ints, default 2
        Upsampling factor, as in :func:`upsample_nearest`.
    padding : int, tuple of 2 ints, 'same' or 'valid', default 'same'
        Padding of the convolution, as in :func:`~convkit.conv2d`; the
        default keeps the upsampled size ``(H * sH, W * sW)``.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)`` (no batch axis for unbatched input); with
        ``padding='same'``, ``H_out = H * sH`` and ``W_out = W * sW``.

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
    from .conv import conv2d

    up = upsample_nearest(input, scale_factor)  # (N, C_in, H * sH, W * sW)
    return conv2d(up, weight, bias, stride=1, padding=padding)
