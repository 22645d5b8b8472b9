"""Group-equivariant convolution on p4: translations and rotations by 90 degrees (chapter 19).

Conventions (Cohen & Welling 2016, section 6.1, equations 10 and 11, written
for square pixel grids and numpy's index order):

* A rotation ``rho`` (0, 1, 2 or 3) acts on an image or a filter as
  ``np.rot90(a, rho, axes=(-2, -1))``: ``rho`` quarter turns counter-clockwise
  as the array is displayed (row 0 at the top). One quarter turn maps entry
  ``[m, n]`` of a ``k x k`` array to entry ``[k - 1 - n, m]``; equivalently
  ``np.rot90(a)[m, n] == a[n, k - 1 - m]``.
* A p4 feature map has shape ``(N, C, 4, H, W)``: axis 2 is the rotation axis.
  Rotating it (:func:`rotate_p4`) turns every ``H x W`` map *and* shifts that axis.
* One bias per output channel, shared by the four rotations (a bias that
  differed between rotations would break equivariance).

With these, for a square input, the same padding ``p`` on every side and a
stride ``s`` that divides ``H + 2p - k`` (stride 1 always does),
``lift_conv2d_p4(np.rot90(x, 1, axes=(-2, -1)), w) == rotate_p4(lift_conv2d_p4(x, w), 1)`` and
``group_conv2d_p4(rotate_p4(x, 1), w) == rotate_p4(group_conv2d_p4(x, w), 1)``,
exactly in integers; both layers refuse any other stride.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_bias, check_int, split_batch
from .conv import conv2d
from .costs import Cost, conv_params

__all__ = [
    "group_conv2d_p4",
    "group_conv2d_p4_naive",
    "lift_conv2d_p4",
    "lift_conv2d_p4_naive",
    "p4_conv_cost",
    "pool_rotations_p4",
    "rotate_p4",
    "rotated_filters_p4",
]

P4_ORDER = 4  # the number of rotations in p4


# ---------------------------------------------------------------------------
# rotations
# ---------------------------------------------------------------------------


def rotate_p4(input, rho=1):
    """Rotate a p4 feature map (or p4 filter) by ``rho`` quarter turns counter-clockwise.

    Every ``H x W`` map is rotated by ``np.rot90(., rho)`` and the rotation axis
    (third from last) is shifted cyclically by ``rho``:
    ``out[..., s, :, :] = np.rot90(input[..., (s - rho) % 4, :, :], rho)``.

    Parameters
    ----------
    input : array_like
        ``(..., 4, H, H)``: a p4 feature map ``(N, C, 4, H, H)`` or
        ``(C, 4, H, H)``, or a p4 filter ``(C_out, C_in, 4, k, k)``.
    rho : int, default 1
        Quarter turns; any int, taken modulo 4 (negative turns clockwise).

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``input``.

    Raises
    ------
    TypeError, ValueError
        If ``input`` is not numeric, has fewer than 3 axes, a rotation axis
        whose size is not 4, or is not square (``H != W``); if ``rho`` is not an int.

    See Also
    --------
    rotated_filters_p4 : The four rotated copies of each filter.
    group_conv2d_p4 : Rotating its input this way rotates its output the same way.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros((4, 2, 2), dtype=int)
    >>> y[0, 0, 1] = 7          # rotation 0, top right
    >>> np.argwhere(rotate_p4(y, 1)).tolist()   # moves to rotation 1, top left
    [[1, 0, 0]]
    """
    x = as_array(input, "input")
    rho = check_int(rho, "rho")
    if x.ndim < 3:
        raise ValueError(f"input must have a rotation axis and two spatial axes (..., 4, H, W), "
                         f"got shape {x.shape}")
    _check_rotation_axis(x.shape[-3], "input", x.ndim - 3)
    _check_square(x.shape[-2:], "input")
    rotated = np.rot90(x, rho, axes=(-2, -1))          # spatial quarter turns, shape unchanged
    return np.roll(rotated, rho % P4_ORDER, axis=-3)   # rotation axis: s -> s + rho (mod 4)


def rotated_filters_p4(weight):
    """The four rotated copies of each filter, rotation axis right after ``C_out``.

    Parameters
    ----------
    weight : array_like
        A lifting filter ``(C_out, C_in, k, k)`` or a p4 filter
        ``(C_out, C_in, 4, k, k)``.

    Returns
    -------
    numpy.ndarray
        ``(C_out, 4, C_in, k, k)`` with ``out[:, rho] = np.rot90(weight, rho)``
        for a lifting filter; ``(C_out, 4, C_in, 4, k, k)`` with
        ``out[:, rho] = rotate_p4(weight, rho)`` for a p4 filter.

    Raises
    ------
    TypeError, ValueError
        If ``weight`` is not numeric, not 4D or 5D, not square, or (5D) its
        rotation axis does not have size 4.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([[[[1, 2], [3, 4]]]])          # (1, 1, 2, 2)
    >>> rotated_filters_p4(w)[0, :, 0].tolist()
    [[[1, 2], [3, 4]], [[2, 4], [1, 3]], [[4, 3], [2, 1]], [[3, 1], [4, 2]]]
    """
    w = as_array(weight, "weight")
    if w.ndim == 4:
        _check_square(w.shape[-2:], "weight")
        turns = [np.rot90(w, rho, axes=(-2, -1)) for rho in range(P4_ORDER)]
    elif w.ndim == 5:
        _check_rotation_axis(w.shape[2], "weight", 2)
        _check_square(w.shape[-2:], "weight")
        turns = [rotate_p4(w, rho) for rho in range(P4_ORDER)]
    else:
        raise ValueError(f"weight must be 4D (C_out, C_in, k, k) or 5D (C_out, C_in, 4, k, k), "
                         f"got shape {w.shape}")
    return np.stack(turns, axis=1)   # (C_out, 4, C_in, [4,] k, k)


def pool_rotations_p4(input, mode="max"):
    """Pool a p4 feature map over its rotation axis: ``(N, C, 4, H, W) -> (N, C, H, W)``.

    Rotating the input of a lifting or group layer rotates every pooled map
    spatially and nothing else: the cyclic shift of the rotation axis is gone.

    Parameters
    ----------
    input : array_like
        ``(N, C, 4, H, W)`` or unbatched ``(C, 4, H, W)``.
    mode : {'max', 'mean'}, default 'max'
        ``'max'`` as ``torch.amax(input, dim=-3)``, ``'mean'`` as ``torch.mean``
        (a float result).

    Returns
    -------
    numpy.ndarray
        ``(N, C, H, W)`` or ``(C, H, W)``.

    Raises
    ------
    TypeError, ValueError
        If ``input`` is not numeric, not 4D or 5D, its rotation axis does not
        have size 4, or ``mode`` is not 'max' or 'mean'.

    Examples
    --------
    >>> import numpy as np
    >>> pool_rotations_p4(np.arange(4).reshape(1, 4, 1, 1)).tolist()
    [[[3]]]
    """
    x = as_array(input, "input")
    if x.ndim not in (4, 5):
        raise ValueError(f"input must be 5D (N, C, 4, H, W) or 4D (C, 4, H, W), got shape {x.shape}")
    _check_rotation_axis(x.shape[-3], "input", x.ndim - 3)
    if mode == "max":
        return x.max(axis=-3)
    if mode == "mean":
        return x.mean(axis=-3)
    raise ValueError(f"mode must be 'max' or 'mean', got {mode!r}")


# ---------------------------------------------------------------------------
# the two layers
# ---------------------------------------------------------------------------


def lift_conv2d_p4(input, weight, bias=None, stride=1, padding=0):
    """Lifting convolution: an image to a p4 feature map (Cohen & Welling 2016, eq. 10).

    ``y[n, f, rho] = b[f] + sum_c x[n, c] \u22c6 np.rot90(w[f, c], rho)``, with
    step ``stride`` and ``padding`` zeros on every side. Computed by one :func:`convkit.conv2d`
    whose ``4 C_out`` filters are the rotated copies of :func:`rotated_filters_p4`;
    equal to ``torch.nn.functional.conv2d`` with ``torch.rot90(weight, rho, (2, 3))``
    (and the same ``stride`` and ``padding``) for each ``rho``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, H)`` batched, or ``(C_in, H, H)`` unbatched. Square:
        rotations by 90 degrees must map the grid to itself.
    weight : array_like
        ``(C_out, C_in, k, k)``, square filters.
    bias : array_like, optional
        ``(C_out,)``, one value per output channel, the same for all four rotations.
    stride : int, default 1
        Step of the filter, the same along both axes. It must divide
        ``H + 2 padding - k``, so that rotations map the sampled positions to
        one another and the layer stays equivariant; any other is refused.
    padding : int, default 0
        Zeros added on every side (the same on all four sides, so that
        rotations keep mapping the padded grid to itself).

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, 4, H_out, H_out)`` with
        ``H_out = (H + 2 padding - k) / stride + 1``,
        or ``(C_out, 4, H_out, H_out)`` unbatched; integers stay integers.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: a non-numeric array, a wrong rank, a non-square
        input or weight, channels that do not match, a bias that is not
        ``(C_out,)``, a padding or stride out of range or a stride that does
        not divide ``H + 2 padding - k``.

    See Also
    --------
    lift_conv2d_p4_naive : The same computation as loops.
    group_conv2d_p4 : The next layer, from a p4 feature map to a p4 feature map.
    rotate_p4 : How the output moves when the input image is rotated.
    pool_rotations_p4 : Pools the output over its rotation axis.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[5]]])                    # (1, 1, 1): one pixel
    >>> w = np.array([[[[1, 0], [0, 0]]]])       # (1, 1, 2, 2): top-left tap; turned once, bottom left
    >>> lift_conv2d_p4(x, w, padding=1)[0, :, 0, 1].tolist()   # rotations 0..3, row 0, column 1
    [0, 5, 0, 0]
    """
    x, w, b, unbatched, stride, padding = _operands(input, weight, bias, stride, padding,
                                                    "lift_conv2d_p4", group=False)
    return _conv_rotated(x, w, b, unbatched, stride, padding)


def group_conv2d_p4(input, weight, bias=None, stride=1, padding=0):
    """Group convolution on p4: a p4 feature map to a p4 feature map (Cohen & Welling 2016, eq. 11).

    ``y[n, f, rho] = b[f] + sum_c sum_s x[n, c, s] \u22c6 rotate_p4(w[f, c], rho)[s]``:
    for output rotation ``rho`` the p4 filter is rotated spatially by ``rho``
    and its rotation axis shifted cyclically by ``rho``. Step ``stride``,
    ``padding`` zeros on every side. Computed by one :func:`convkit.conv2d` on the input
    seen as ``C_in * 4`` channels, with ``C_out * 4`` filters.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, 4, H, H)`` batched, or ``(C_in, 4, H, H)`` unbatched; axis
        ``-3`` is the rotation axis. Square.
    weight : array_like
        ``(C_out, C_in, 4, k, k)``: a p4 filter per pair of channels.
    bias : array_like, optional
        ``(C_out,)``, shared by the four rotations.
    stride, padding : int
        As in :func:`lift_conv2d_p4`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, 4, H_out, H_out)`` with
        ``H_out = (H + 2 padding - k) / stride + 1``,
        or ``(C_out, 4, H_out, H_out)`` unbatched.

    Raises
    ------
    TypeError, ValueError
        As :func:`lift_conv2d_p4`, and for a rotation axis that is not 4 long.

    See Also
    --------
    group_conv2d_p4_naive : The same computation as loops.
    lift_conv2d_p4 : The first layer, from an image to a p4 feature map.
    rotate_p4 : How input and output move under a quarter turn.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((1, 4, 1, 1), dtype=int); x[0, 2] = 5        # all mass on rotation 2
    >>> w = np.zeros((1, 1, 4, 1, 1), dtype=int); w[0, 0, 0] = 1  # reads rotation 0 only
    >>> group_conv2d_p4(x, w)[0, :, 0, 0].tolist()                # the filter turned twice reads it
    [0, 0, 5, 0]
    """
    x, w, b, unbatched, stride, padding = _operands(input, weight, bias, stride, padding,
                                                    "group_conv2d_p4", group=True)
    return _conv_rotated(x, w, b, unbatched, stride, padding)


def _conv_rotated(x, w, b, unbatched, stride, padding):
    """One conv2d whose ``4 C_out`` filters are the rotated copies of ``w``'s filters."""
    n_batch, c_out, k = x.shape[0], w.shape[0], w.shape[-1]
    bank = rotated_filters_p4(w).reshape(c_out * P4_ORDER, -1, k, k)  # (C_out*4, C_in[*4], k, k)
    # A group layer's input (N, C_in, 4, H, W) is read as C_in * 4 channels: channel c * 4 + s.
    flat = x.reshape(n_batch, -1, *x.shape[-2:])                      # (N, C_in[*4], H, W)
    b4 = None if b is None else np.repeat(b, P4_ORDER)                # (C_out*4,)
    out = conv2d(flat, bank, b4, stride=stride, padding=padding)      # (N, C_out*4, H_out, W_out)
    out = out.reshape(n_batch, c_out, P4_ORDER, *out.shape[-2:])      # (N, C_out, 4, H_out, W_out)
    return out[0] if unbatched else out


# ---------------------------------------------------------------------------
# loop references: the definitions, one product at a time
# ---------------------------------------------------------------------------


def _turned_tap(m, n, rho, k):
    """The tap of the unrotated filter that tap ``(m, n)`` of the filter turned ``rho`` times reads.

    One counter-clockwise quarter turn: ``rot(a)[m, n] = a[n, k - 1 - m]``.
    """
    for _ in range(rho % P4_ORDER):
        m, n = n, k - 1 - m
    return m, n


def lift_conv2d_p4_naive(input, weight, bias=None, stride=1, padding=0):
    """Loop reference for :func:`lift_conv2d_p4`: equation 10 with the rotation done on indices.

    ``y[n, f, rho, u, v] = b[f] + sum_{c, m, n} x_pad[n, c, s u + m, s v + n] * w[f, c, m', n']``
    where ``(m', n')`` is the tap that the filter turned ``rho`` times reads at
    ``(m, n)`` and ``s`` is the stride; no rotated array and no conv2d are used.

    Parameters
    ----------
    input, weight, bias, stride, padding
        As :func:`lift_conv2d_p4`.

    Returns
    -------
    numpy.ndarray
        As :func:`lift_conv2d_p4`.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9).reshape(1, 3, 3)
    >>> bool((lift_conv2d_p4_naive(x, np.ones((1, 1, 2, 2))) == lift_conv2d_p4(x, np.ones((1, 1, 2, 2)))).all())
    True
    """
    x, w, b, unbatched, stride, padding = _operands(input, weight, bias, stride, padding,
                                                    "lift_conv2d_p4_naive", group=False)
    # A lifting layer is a group layer whose input has one rotation (axis 2 of length 1).
    return _p4_loops(x[:, :, None], w[:, :, None], b, unbatched, stride, padding)


def group_conv2d_p4_naive(input, weight, bias=None, stride=1, padding=0):
    """Loop reference for :func:`group_conv2d_p4`: equation 11 with the rotation done on indices.

    ``y[n, f, rho, u, v] = b[f] + sum_{c, r, m, n} x_pad[n, c, r, t u + m, t v + n] * w[f, c, (r - rho) % 4, m', n']``
    where ``(m', n')`` is the tap that the filter turned ``rho`` times reads at
    ``(m, n)`` and ``t`` is the stride.

    Parameters
    ----------
    input, weight, bias, stride, padding
        As :func:`group_conv2d_p4`.

    Returns
    -------
    numpy.ndarray
        As :func:`group_conv2d_p4`.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(36).reshape(1, 4, 3, 3)
    >>> w = np.arange(16).reshape(1, 1, 4, 2, 2)
    >>> bool((group_conv2d_p4_naive(x, w) == group_conv2d_p4(x, w)).all())
    True
    """
    x, w, b, unbatched, stride, padding = _operands(input, weight, bias, stride, padding,
                                                    "group_conv2d_p4_naive", group=True)
    return _p4_loops(x, w, b, unbatched, stride, padding)


def _p4_loops(x, w, b, unbatched, stride, padding):
    """Equation 11 as loops on ``x`` ``(N, C_in, S, H, H)`` and ``w`` ``(C_out, C_in, S, k, k)``.

    ``S`` is 4 for a group layer and 1 for a lifting layer (equation 10), whose
    filter is then read at rotation ``(s - rho) % 1 = 0`` for every ``rho``.
    """
    xp = np.pad(x, ((0, 0), (0, 0), (0, 0), (padding, padding), (padding, padding)))
    n_batch, c_in, rotations_in, size, _ = xp.shape
    c_out, _, _, k, _ = w.shape
    h_out = (size - k) // stride + 1     # exact: stride divides size - k
    dtype = np.result_type(x, w, *([b] if b is not None else []))
    out = np.zeros((n_batch, c_out, P4_ORDER, h_out, h_out), dtype=dtype)
    for i in range(n_batch):
        for f in range(c_out):
            for rho in range(P4_ORDER):
                for u in range(h_out):
                    for v in range(h_out):
                        total = b[f] if b is not None else dtype.type(0)
                        for c in range(c_in):
                            for s in range(rotations_in):
                                for m in range(k):
                                    for n in range(k):
                                        mm, nn = _turned_tap(m, n, rho, k)
                                        r = (s - rho) % rotations_in   # the filter's rotation
                                        total = total + (xp[i, c, s, u * stride + m, v * stride + n]
                                                         * w[f, c, r, mm, nn])
                        out[i, f, rho, u, v] = total
    return out[0] if unbatched else out


# ---------------------------------------------------------------------------
# costs
# ---------------------------------------------------------------------------


def p4_conv_cost(in_channels, out_channels, kernel_size, output_size=1, lifting=False, bias=False):
    """Parameters and multiply-adds of a p4 layer, for one input image.

    A lifting layer holds ``C_out C_in k^2`` weights (those of an ordinary
    ``C_in -> C_out`` layer) and computes ``4 C_out`` maps. A group layer
    holds ``C_out C_in 4 k^2`` weights and computes ``4 C_out`` maps from
    ``4 C_in``: the ordinary layer ``4 C_in -> 4 C_out`` would need four
    times the weights for the same multiply-adds.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out``, counted as p4 channels (each holding 4 maps)
        except the input of a lifting layer.
    kernel_size : int
        ``k`` of the square filters.
    output_size : int, default 1
        ``H_out`` of the square output maps.
    lifting : bool, default False
        True for a lifting layer (image input), False for a group layer.
    bias : bool, default False
        Count ``C_out`` biases (one per output channel, shared by the rotations).

    Returns
    -------
    Cost
        ``params`` and ``macs``.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive int, or ``lifting`` or ``bias`` is not a bool.

    Examples
    --------
    >>> p4_conv_cost(3, 8, 3, output_size=10, lifting=True)
    Cost(params=216, macs=86400)
    >>> p4_conv_cost(8, 8, 3, output_size=10)
    Cost(params=2304, macs=921600)
    """
    c_in = check_int(in_channels, "in_channels", minimum=1)
    c_out = check_int(out_channels, "out_channels", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    size = check_int(output_size, "output_size", minimum=1)
    if not isinstance(lifting, bool):
        raise TypeError(f"lifting must be True or False, got {lifting!r}")
    rotations_in = 1 if lifting else P4_ORDER
    params = conv_params(c_in * rotations_in, c_out, k, bias=bias)   # it checks that bias is bool
    macs = P4_ORDER * c_out * c_in * rotations_in * k * k * size * size
    return Cost(params, macs)


# ---------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------


def _check_rotation_axis(size, name, axis):
    """Refuse a rotation axis whose length is not 4."""
    if size != P4_ORDER:
        raise ValueError(f"{name} must have a rotation axis (axis {axis}) of size 4, got {size}")


def _check_square(spatial, name):
    """Refuse a grid that rotations by 90 degrees would not map to itself."""
    height, width = spatial
    if height != width:
        raise ValueError(f"{name} must be square (H == W) so that rotations by 90 degrees map its "
                         f"grid to itself, got {height} x {width}")


def _operands(input, weight, bias, stride, padding, fname, group):
    """Check a lifting (``group`` False) or group layer's arguments; batch the input."""
    x = as_array(input, "input")
    w = as_array(weight, "weight")
    b = None if bias is None else as_array(bias, "bias")
    rank, layout = (5, "(C_out, C_in, 4, k, k)") if group else (4, "(C_out, C_in, k, k)")
    if w.ndim != rank:
        raise ValueError(f"weight of {fname} must be {rank}D {layout}, got shape {w.shape}")
    if group:
        _check_rotation_axis(w.shape[2], "weight", 2)
        if x.ndim not in (4, 5):
            raise ValueError(f"input must be 5D (N, C_in, 4, H, W) or 4D (C_in, 4, H, W), "
                             f"got shape {x.shape}")
        _check_rotation_axis(x.shape[-3], "input", x.ndim - 3)
    x, unbatched = split_batch(x, 3 if group else 2, "input")   # (N, C_in, [4,] H, W)
    if 0 in w.shape:
        raise ValueError(f"weight must not have an empty axis, got shape {w.shape}")
    if 0 in x.shape[1:]:
        raise ValueError(f"input must have non-zero channel and spatial sizes, got shape {x.shape}")
    _check_square(x.shape[-2:], "input")
    _check_square(w.shape[-2:], "weight")
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"weight has C_in = {w.shape[1]} (axis 1) but input has {x.shape[1]} "
                         "channels")
    check_bias(b, w.shape[0])
    padding = check_int(padding, "padding", minimum=0)
    if x.shape[-1] + 2 * padding < w.shape[-1]:
        raise ValueError(f"the padded input ({x.shape[-1] + 2 * padding}) is smaller than the "
                         f"kernel ({w.shape[-1]}): raise padding or use a smaller weight")
    stride = check_int(stride, "stride", minimum=1)
    span = x.shape[-1] + 2 * padding - w.shape[-1]   # H + 2p - k
    if span % stride != 0:
        raise ValueError(f"stride must divide H + 2 padding - k = {x.shape[-1]} + 2*{padding} - "
                         f"{w.shape[-1]} = {span} so that rotations by 90 degrees map the sampled "
                         f"positions to themselves (p4 equivariance), got stride {stride}")
    return x, w, b, unbatched, stride, padding
