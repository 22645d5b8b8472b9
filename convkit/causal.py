"""Causal 1D convolution, its loop reference, streaming, and the receptive field of a stack (chapter 16).

A causal convolution pads ``dilation * (k - 1)`` zeros on the left of the
sequence and none on the right, so output ``t`` reads inputs ``0 .. t`` only
and the output is as long as the input. :class:`CausalConv1dStream` computes
the same outputs one time step at a time from a ring buffer of the last
``dilation * (k - 1)`` inputs of each channel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validation import (
    as_array, as_nd_array, check_bias, check_groups, check_int, check_ints, conv_operands, is_int,
    result_dtype,
)
from .conv import conv1d

__all__ = [
    "CausalConv1dStream",
    "causal_conv1d",
    "causal_conv1d_naive",
    "causal_receptive_field",
]


def causal_receptive_field(kernel_size, dilations):
    """Receptive field of a stack of stride-1 causal layers: ``1 + sum(d_l * (k_l - 1))``.

    Parameters
    ----------
    kernel_size : int or sequence of int
        Taps per layer: one int for every layer, or one per layer.
    dilations : sequence of int
        Dilation of each layer, input side first.

    Returns
    -------
    int
        How many consecutive inputs, ending at time ``t``, reach output ``t``.

    Raises
    ------
    TypeError, ValueError
        If a kernel size or dilation is not a positive int, or the two
        sequences differ in length.

    Examples
    --------
    >>> causal_receptive_field(2, [1, 2, 4, 8])
    16
    """
    dilations = check_ints(dilations, "dilations", minimum=1)
    if is_int(kernel_size):
        sizes = [check_int(kernel_size, "kernel_size", minimum=1)] * len(dilations)
    elif isinstance(kernel_size, Sequence) and not isinstance(kernel_size, (str, bytes)):
        sizes = check_ints(kernel_size, "kernel_size", minimum=1)
        if len(sizes) != len(dilations):
            raise ValueError(
                f"kernel_size and dilations must have the same length, got {len(sizes)} and "
                f"{len(dilations)}"
            )
    else:
        raise TypeError(f"kernel_size must be an int or a sequence of ints, got {kernel_size!r}")
    return 1 + sum(d * (k - 1) for k, d in zip(sizes, dilations))


def _operands(input, weight, bias, dilation, groups, fname):
    """The arrays (input batched), dilation and groups of a causal convolution, checked."""
    x, w, b, unbatched = conv_operands(input, weight, bias, 1, fname, "C_out, C_in/groups")
    dilation = check_int(dilation, "dilation", minimum=1)
    groups = check_int(groups, "groups", minimum=1)
    return x, w, b, unbatched, dilation, groups


def causal_conv1d(input, weight, bias=None, dilation=1, groups=1):
    """Causal 1D convolution: left padding ``dilation * (k - 1)``, stride 1, output as long as the input.

    ``out[n, o, t] = bias[o] + sum_c sum_m weight[o, c, m] * input[n, c', t - (k - 1 - m) * dilation]``
    with zeros for negative times, so output ``t`` depends on inputs ``0 .. t`` only. It equals
    ``torch.nn.functional.conv1d(F.pad(input, (dilation * (k - 1), 0)), weight, bias,
    dilation=dilation, groups=groups)``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, L)`` batched, or ``(C_in, L)`` unbatched.
    weight : array_like
        ``(C_out, C_in/groups, k)``.
    bias : array_like, optional
        ``(C_out,)``.
    dilation : int, default 1
        Spacing between taps, at least 1.
    groups : int, default 1
        Channel groups; must divide ``C_in`` and ``C_out``.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, L)``, or ``(C_out, L)`` for unbatched input.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: a non-numeric array, a weight that is not 3D,
        a dilation or groups below 1, groups that do not divide the channels,
        a weight whose channel axis is not ``C_in/groups``.

    See Also
    --------
    causal_conv1d_naive : The same computation as plain loops.
    CausalConv1dStream : The same convolution one time step at a time.
    convkit.conv1d : The convolution this one pads on the left.

    Examples
    --------
    >>> import numpy as np
    >>> causal_conv1d(np.array([[1, 2, 3, 4]]), np.array([[[1, 1]]]))
    array([[1, 3, 5, 7]])
    """
    x, w, b, unbatched, dilation, groups = _operands(input, weight, bias, dilation, groups,
                                                     "causal_conv1d")
    left = dilation * (w.shape[-1] - 1)
    padded = np.pad(x, ((0, 0), (0, 0), (left, 0)))  # (N, C_in, L) -> (N, C_in, left + L)
    out = conv1d(padded, w, b, dilation=dilation, groups=groups)  # (N, C_out, L)
    return out[0] if unbatched else out


def causal_conv1d_naive(input, weight, bias=None, dilation=1, groups=1):
    """Loop reference for :func:`causal_conv1d`: the definition, one product at a time.

    Output ``t`` sums ``weight[o, c, m] * input[n, c', t - (k - 1 - m) * dilation]`` over the
    taps that read a time ``>= 0``; no padded array is built.

    Parameters
    ----------
    input, weight, bias, dilation, groups
        As in :func:`causal_conv1d`.

    Returns
    -------
    numpy.ndarray
        As :func:`causal_conv1d`.

    Raises
    ------
    TypeError, ValueError
        As :func:`causal_conv1d`.

    See Also
    --------
    causal_conv1d : The same convolution, padded and passed to ``conv1d``.

    Examples
    --------
    >>> import numpy as np
    >>> causal_conv1d_naive(np.array([[1, 2, 3, 4]]), np.array([[[1, 1]]]))
    array([[1, 3, 5, 7]])
    """
    x, w, b, unbatched, dilation, groups = _operands(input, weight, bias, dilation, groups,
                                                     "causal_conv1d_naive")
    # One output of conv1d checks the channels and groups with the messages of convkit.
    conv1d(x[:, :, :1], w[:, :, :1], b, groups=groups)
    n_batch, _, length = x.shape
    c_out, c_per_group, k = w.shape
    out_per_group = c_out // groups
    dtype = result_dtype(x, w, b)
    out = np.zeros((n_batch, c_out, length), dtype=dtype)
    for n in range(n_batch):
        for o in range(c_out):
            g = o // out_per_group
            for t in range(length):
                total = b[o] if b is not None else dtype.type(0)
                for c in range(c_per_group):
                    for m in range(k):
                        s = t - (k - 1 - m) * dilation   # the input time tap m reads
                        if s >= 0:
                            total = total + w[o, c, m] * x[n, g * c_per_group + c, s]
                out[n, o, t] = total
    return out[0] if unbatched else out


class CausalConv1dStream:
    """One causal layer run one time step at a time from a ring buffer.

    Each ``step`` takes the inputs ``x_t`` of one time step and returns the
    outputs of that step, equal to column ``t`` of :func:`causal_conv1d` on the
    whole sequence. The layer keeps the last ``dilation * (k - 1)`` inputs of
    every channel (the ``buffer`` property), overwriting the oldest in place.

    Parameters
    ----------
    weight : array_like
        ``(C_out, C_in/groups, k)``.
    bias : array_like, optional
        ``(C_out,)``.
    dilation : int, default 1
        Spacing between taps.
    groups : int, default 1
        Channel groups; ``C_in = groups * weight.shape[1]``.
    batch_size : int, optional
        ``N`` for batched steps ``(N, C_in)``; ``None`` for unbatched
        steps ``(C_in,)``.

    Attributes
    ----------
    macs : int
        Multiply-adds done so far (``C_out * C_in/groups * k`` per step and batch item).
    t : int
        Steps taken since construction or ``reset``.

    Examples
    --------
    >>> import numpy as np
    >>> stream = CausalConv1dStream(np.array([[[1, 1]]]))
    >>> [int(stream.step(np.array([v]))[0]) for v in (1, 2, 3, 4)]
    [1, 3, 5, 7]
    """

    def __init__(self, weight, bias=None, dilation=1, groups=1, batch_size=None):
        w = as_nd_array(weight, "weight", "C_out, C_in/groups, k", nonempty=True)
        self.dilation = check_int(dilation, "dilation", minimum=1)
        c_out, c_per_group, k = w.shape
        self.groups = check_int(groups, "groups", minimum=1)
        check_groups(self.groups, c_per_group * self.groups, c_out)   # C_in = groups * C_in/groups
        b = None if bias is None else as_array(bias, "bias")
        check_bias(b, c_out)
        if batch_size is not None:
            batch_size = check_int(batch_size, "batch_size", minimum=1)
        self.weight, self.bias, self.batch_size = w, b, batch_size
        self.kernel_size = k
        self.in_channels = c_per_group * self.groups
        self.out_channels = c_out
        self.dtype = result_dtype(w, b)
        self.reset()

    @property
    def buffer_length(self) -> int:
        """The number of past inputs kept per channel, ``dilation * (k - 1)``."""
        return self.dilation * (self.kernel_size - 1)

    @property
    def macs_per_step(self) -> int:
        """The multiply-adds of one step for one batch item, ``C_out * C_in/groups * k``."""
        return int(self.weight.size)

    def reset(self) -> None:
        """Empty the buffer (zeros: the left padding) and start again at ``t = 0``."""
        n = 1 if self.batch_size is None else self.batch_size
        self._buffer = np.zeros((n, self.in_channels, self.buffer_length), dtype=self.dtype)
        self.t = 0
        self.macs = 0

    @property
    def buffer(self) -> np.ndarray:
        """The ring buffer of past inputs, ``(N, C_in, dilation * (k - 1))``, without ``N`` when unbatched.

        Slot ``s mod (dilation * (k - 1))`` holds the input of time ``s``.
        """
        return self._buffer[0] if self.batch_size is None else self._buffer

    def step(self, x_t):
        """Consume the inputs of one time step and return that step's outputs.

        Parameters
        ----------
        x_t : array_like
            ``(C_in,)`` unbatched, or ``(N, C_in)`` with ``N = batch_size``.

        Returns
        -------
        numpy.ndarray
            ``(C_out,)`` unbatched, or ``(N, C_out)``.
        """
        x = as_array(x_t, "x_t")
        expected = ((self.in_channels,) if self.batch_size is None
                    else (self.batch_size, self.in_channels))
        if x.shape != expected:
            raise ValueError(f"x_t must have shape {expected}, got {x.shape}")
        x = x.reshape(-1, self.in_channels)                       # (N, C_in)
        k, d, size = self.kernel_size, self.dilation, self.buffer_length
        dtype = np.result_type(self.dtype, x)
        if self._buffer.dtype != dtype:
            self._buffer = self._buffer.astype(dtype)
        window = np.empty((x.shape[0], self.in_channels, k), dtype=dtype)  # (N, C_in, k)
        window[:, :, k - 1] = x
        for m in range(k - 1):                 # tap m reads time t - (k - 1 - m) * d
            window[:, :, m] = self._buffer[:, :, (self.t - (k - 1 - m) * d) % size]
        c_per_group = self.weight.shape[1]
        out_per_group = self.out_channels // self.groups
        grouped = window.reshape(x.shape[0], self.groups, c_per_group, k)             # (N, G, C_in/G, k)
        weights = self.weight.reshape(self.groups, out_per_group, c_per_group, k)     # (G, C_out/G, C_in/G, k)
        out = np.einsum("ngck,gock->ngo", grouped, weights).reshape(x.shape[0], -1)   # (N, C_out)
        if self.bias is not None:
            out = out + self.bias
        if size:
            self._buffer[:, :, self.t % size] = x    # overwrite the oldest input, time t - size
        self.t += 1
        self.macs += self.macs_per_step * x.shape[0]
        return out[0] if self.batch_size is None else out
