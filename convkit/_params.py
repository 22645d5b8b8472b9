"""The checked arguments of a convolution and of a transposed convolution.

Internal API of the modules that compute convolutions: :func:`conv_args` and
:func:`transpose_args` check a call's arguments once, the way PyTorch does,
and return the one :class:`ConvArgs` the algorithms read.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._validation import (
    cast_to_result, check_bias, check_groups, conv_operands, to_tuple,
)
from .sizes import conv_transpose_output_size, output_sizes, padding_pairs

__all__ = ["ConvArgs", "conv_args", "transpose_args"]


class ConvArgs(NamedTuple):
    """Checked, normalised arguments of a convolution or a transposed convolution.

    One struct for both, as PyTorch's ``ConvParams``: :func:`conv_args` fills
    it for ``conv1d``/``2d``/``3d`` and the functions built on them,
    :func:`transpose_args` for ``conv_transpose1d``/``2d``/``3d`` (then
    ``transposed`` is True, the weight is laid out ``(C_in, C_out / groups,
    *kernel)``, ``pad_before == pad_after`` and ``output_padding`` is set).
    """

    input: np.ndarray  # (N, C_in, *spatial), already in the result dtype
    weight: np.ndarray  # (C_out, C_in / groups, *kernel), transposed: (C_in, C_out / groups, *kernel)
    bias: np.ndarray | None  # (C_out,) in the result dtype, or None
    stride: tuple[int, ...]
    pad_before: tuple[int, ...]
    pad_after: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int
    out_size: tuple[int, ...]
    unbatched: bool
    output_padding: tuple[int, ...] = ()  # transposed only
    transposed: bool = False


def conv_args(
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: Any,
    n: int,
    fname: str,
) -> ConvArgs:
    """Check the arguments of an ``n``-D convolution the way PyTorch does, and normalise them.

    ``input`` to ``groups`` as ``conv2d`` documents them; ``fname``, the
    public function's name, is used in error messages.
    """
    x, weight, bias, unbatched = conv_operands(
        input, weight, bias, n, fname, "C_out, C_in/groups"
    )

    c_in = x.shape[1]
    c_out = weight.shape[0]
    groups = check_groups(groups, c_in, c_out)
    if weight.shape[1] * groups != c_in:
        raise ValueError(
            f"input has {c_in} channels but weight of shape {weight.shape} with "
            f"groups={groups} expects {weight.shape[1] * groups} input channels "
            f"(weight.shape[1] * groups)"
        )
    check_bias(bias, c_out)

    stride = to_tuple(stride, n, "stride", minimum=1)
    dilation = to_tuple(dilation, n, "dilation", minimum=1)
    kernel = weight.shape[2:]
    pairs = padding_pairs(padding, kernel, stride, dilation)
    pad_before, pad_after = zip(*pairs)
    # The formula of chapter 3 on the tuples checked above (no second round of
    # checks); it refuses a kernel larger than the padded input.
    totals = tuple(before + after for before, after in pairs)
    out_size = output_sizes(x.shape[2:], kernel, stride, totals, dilation, "weight's kernel size")

    x, weight, bias = cast_to_result(x, weight, bias)
    return ConvArgs(
        x, weight, bias, stride, pad_before, pad_after, dilation, groups, out_size, unbatched
    )


def transpose_args(
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: Any,
    dilation: Any,
    n: int,
    fname: str,
) -> ConvArgs:
    """Check the arguments of an ``n``-D transposed convolution as PyTorch does.

    As :func:`conv_args`, for the arguments of ``conv_transpose2d`` (note the
    order: ``output_padding`` and ``groups`` come before ``dilation``).
    """
    x, weight, bias, unbatched = conv_operands(
        input, weight, bias, n, fname, "C_in, C_out/groups"
    )

    c_in = x.shape[1]
    # Axis 1 of a transposed weight already holds C_out / groups, so only
    # axis 0 (C_in) can fail to divide: it is checked for both counts.
    groups = check_groups(groups, weight.shape[0], weight.shape[0])
    if c_in != weight.shape[0]:
        raise ValueError(
            f"input has {c_in} channels but weight of shape {weight.shape} expects "
            f"{weight.shape[0]} (weight.shape[0] is C_in for a transposed convolution)"
        )
    c_out = weight.shape[1] * groups
    check_bias(bias, c_out)

    stride = to_tuple(stride, n, "stride", minimum=1)
    padding = to_tuple(padding, n, "padding", minimum=0)
    output_padding = to_tuple(output_padding, n, "output_padding", minimum=0)
    dilation = to_tuple(dilation, n, "dilation", minimum=1)
    # The formula of chapter 6, which also refuses an output_padding not smaller
    # than stride or dilation, and a padding that leaves no output.
    out_size = conv_transpose_output_size(
        x.shape[2:], weight.shape[2:], stride, padding, output_padding, dilation
    )

    x, weight, bias = cast_to_result(x, weight, bias)
    return ConvArgs(
        x, weight, bias, stride, padding, padding, dilation, groups, out_size, unbatched,
        output_padding, transposed=True,
    )
