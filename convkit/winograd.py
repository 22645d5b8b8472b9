"""Winograd's minimal filtering F(2, 3) and F(2x2, 3x3): fewer multiplies per output.

A teaching module: it computes a valid, stride-1 correlation with a 3x3
kernel tile by tile with Winograd's transforms, counts the multiplies in the
transformed domain and shows that the result is the correlation's. Lavin
and Gray brought the method to convolutional networks; the matrices here are
theirs. For two outputs of a 3-tap correlation,

.. math::

    y = A^\\top \\left[ (G w) \\odot (B^\\top d) \\right],

where ``d`` holds the 4 inputs the two outputs read, ``w`` the 3 taps and
``\\odot`` the elementwise product: 4 multiplies instead of 2 x 3 = 6. In
2D the same matrices act on both axes of a 4x4 input tile,

.. math::

    Y = A^\\top \\left[ (G w G^\\top) \\odot (B^\\top d B) \\right] A,

16 multiplies for a 2x2 output tile instead of 4 x 9 = 36. ``B^T`` and
``A^T`` hold only 0 and +-1 (additions); ``G`` has halves, but the kernel is
transformed once and reused for every tile and every image.

Chapter 15 (how a convolution is computed) explains it.
"""

from __future__ import annotations

from fractions import Fraction
import math
from typing import NamedTuple

import numpy as np

from ._params import conv_args
from ._validation import check_int, to_tuple

__all__ = [
    "WinogradMatrices",
    "WinogradCount",
    "winograd_conv2d",
    "winograd_matrices",
    "winograd_multiplies",
]

_BT = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
_G = [[1, 0, 0], ["1/2", "1/2", "1/2"], ["1/2", "-1/2", "1/2"], [0, 0, 1]]
_AT = [[1, 1, 1, 0], [0, 1, -1, -1]]


class WinogradMatrices(NamedTuple):
    """The three transforms of F(2, 3).

    Parameters
    ----------
    BT : numpy.ndarray
        ``(4, 4)``, the input transform ``B^T`` (entries 0 and +-1).
    G : numpy.ndarray
        ``(4, 3)``, the kernel transform (entries 0, +-1/2 and 1).
    AT : numpy.ndarray
        ``(2, 4)``, the output transform ``A^T`` (entries 0 and +-1).
    """

    BT: np.ndarray
    G: np.ndarray
    AT: np.ndarray


class WinogradCount(NamedTuple):
    """Multiplies of a Winograd correlation against the direct method.

    Parameters
    ----------
    winograd : int
        Elementwise products in the transformed domain (the transforms of
        input and output are additions; the kernel's is done once, ahead).
    direct : int
        Multiplies of the direct method (``k`` per output and channel pair
        in 1D, ``k^2`` in 2D) for the same outputs.
    """

    winograd: int
    direct: int


def winograd_matrices(exact=False, dtype=np.float64):
    """The transform matrices ``B^T``, ``G`` and ``A^T`` of F(2, 3).

    Parameters
    ----------
    exact : bool, default False
        Return arrays of ``fractions.Fraction`` (dtype object), the exact
        rational values, instead of floats.
    dtype : numpy dtype, default float64
        The dtype of the float arrays (the values, 0, +-1 and +-1/2, are exact in
        every float type).

    Returns
    -------
    WinogradMatrices
        ``(BT, G, AT)`` of shapes ``(4, 4)``, ``(4, 3)`` and ``(2, 4)``.

    Examples
    --------
    >>> from convkit import winograd_matrices
    >>> winograd_matrices().G
    array([[ 1. ,  0. ,  0. ],
           [ 0.5,  0.5,  0.5],
           [ 0.5, -0.5,  0.5],
           [ 0. ,  0. ,  1. ]])
    """
    if not isinstance(exact, (bool, np.bool_)):
        raise TypeError(f"exact must be a bool, got {exact!r}")

    def build(rows):
        fractions = np.array([[Fraction(v) for v in row] for row in rows], dtype=object)
        return fractions if exact else fractions.astype(dtype)

    return WinogradMatrices(build(_BT), build(_G), build(_AT))


def winograd_conv2d(input, weight):
    """Valid, stride-1 ``conv2d`` with 3x3 kernels, by Winograd's F(2x2, 3x3).

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` batched, or ``(C_in, H, W)`` unbatched.
    weight : array_like
        ``(C_out, C_in, 3, 3)``.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H - 2, W - 2)`` (no batch axis for unbatched input),
        equal to ``conv2d(input, weight)``: within rounding for floats
        (float32 stays float32), exactly for integers (computed with
        ``2 G``, whose entries are integers, and divided by 4 at the end).

    Raises
    ------
    TypeError, ValueError
        As :func:`~convkit.conv2d`, and if the kernel is not 3x3.

    See Also
    --------
    winograd_matrices : The transform matrices ``B^T``, ``G`` and ``A^T``.
    winograd_multiplies : Its multiplies against the direct method.
    convkit.conv.conv2d : The direct convolution this one equals.

    Notes
    -----
    Written as a loop over the 2x2 output tiles to show the method; each
    tile is ``Y = A^T [sum_c (G w G^T) * (B^T d B)] A``, the sum over input
    channels taken in the transformed domain so that each output tile is
    transformed back once: 16 multiplies per (filter, channel) pair instead
    of 36 (:func:`winograd_multiplies`). Tiles at the bottom and right edges
    are padded with zeros when an output size is odd. A production kernel
    batches the tiles into 16 matrix products, one per transformed position.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import winograd_conv2d
    >>> x = np.arange(16).reshape(1, 4, 4)            # (C_in, H, W)
    >>> winograd_conv2d(x, np.ones((1, 1, 3, 3), dtype=int))
    array([[[45, 54],
            [81, 90]]])
    """
    args = conv_args(input, weight, None, 1, 0, 1, 1, 2, "winograd_conv2d")
    x, w, (BT, G, AT), scale = _working(args)
    n_batch, c_in, height, width = x.shape
    c_out = w.shape[0]
    h_out, w_out = args.out_size
    tiles_h, tiles_w = -(-h_out // 2), -(-w_out // 2)
    x = np.pad(x, [(0, 0), (0, 0), (0, 2 * tiles_h + 2 - height), (0, 2 * tiles_w + 2 - width)])
    U = G @ w @ G.T  # (C_out, C_in, 4, 4): the kernels, transformed once
    out = np.empty((n_batch, c_out, 2 * tiles_h, 2 * tiles_w), dtype=x.dtype)
    for n in range(n_batch):
        for i in range(tiles_h):
            for j in range(tiles_w):
                d = x[n, :, 2 * i:2 * i + 4, 2 * j:2 * j + 4]  # (C_in, 4, 4): one input tile
                V = BT @ d @ BT.T  # (C_in, 4, 4): additions only
                M = np.einsum("fcab,cab->fab", U, V)  # (C_out, 4, 4): 16 multiplies per (f, c)
                out[n, :, 2 * i:2 * i + 2, 2 * j:2 * j + 2] = AT @ M @ AT.T  # (C_out, 2, 2)
    out = _unscaled(out[:, :, :h_out, :w_out], scale ** 2)
    return out[0] if args.unbatched else out


def winograd_multiplies(output_size, in_channels=1, out_channels=1):
    """Multiplies of F(2, 3) (1D) or F(2x2, 3x3) (2D) against the direct method.

    Parameters
    ----------
    output_size : int or tuple of 2 ints
        Number of outputs ``L_out`` (1D) or ``(H_out, W_out)`` (2D) of one
        image and filter.
    in_channels, out_channels : int, default 1
        ``C_in`` and ``C_out``.

    Returns
    -------
    WinogradCount
        ``winograd``: 4 (1D) or 16 (2D) per output tile and channel pair,
        tiles of 2 or 2x2 outputs, the last ones padded; ``direct``: 3 or 9
        per output and channel pair.

    Examples
    --------
    >>> from convkit import winograd_multiplies
    >>> winograd_multiplies((2, 2))
    WinogradCount(winograd=16, direct=36)
    >>> winograd_multiplies(56 * 2, 64, 64).winograd / winograd_multiplies(112, 64, 64).direct
    0.6666666666666666
    """
    sizes = to_tuple(output_size, len(output_size) if isinstance(output_size, (tuple, list)) else 1,
                     "output_size", minimum=1)
    if len(sizes) not in (1, 2):
        raise ValueError(f"output_size must be an int or a tuple of 2 ints, got {output_size!r}")
    pairs = check_int(in_channels, "in_channels", minimum=1) * check_int(
        out_channels, "out_channels", minimum=1)
    tiles = math.prod(-(-s // 2) for s in sizes)
    winograd = tiles * 4 ** len(sizes) * pairs
    direct = math.prod(sizes) * 3 ** len(sizes) * pairs
    return WinogradCount(winograd, direct)


def _working(args):
    """Input, weight, transforms and scale in the working dtype, after the kernel-size check.

    Floats keep their dtype (float32 or float64) and ``G`` has halves;
    integers use ``2 G``, an integer matrix, so that every product is exact,
    and the result is divided by ``scale ** 2`` at the end.
    """
    if args.weight.shape[2:] != (3, 3):
        raise ValueError(
            f"weight must have a 3x3 kernel for F(2x2, 3x3), got shape {args.weight.shape}"
        )
    dtype = args.input.dtype
    if dtype.kind in "iu":
        BT, G, AT = winograd_matrices(exact=True)
        matrices = WinogradMatrices(BT.astype(dtype), (2 * G).astype(dtype), AT.astype(dtype))
        return args.input, args.weight, matrices, 2
    work = dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)
    return (args.input.astype(work, copy=False), args.weight.astype(work, copy=False),
            winograd_matrices(dtype=work), 1)


def _unscaled(out: np.ndarray, scale: int) -> np.ndarray:
    """Undo the integer scaling of ``G`` (exact: the true result is an integer)."""
    return out if scale == 1 else out // scale
