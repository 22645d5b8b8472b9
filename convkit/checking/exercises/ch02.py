"""Chapter 2's coding exercise: multi-channel 2D convolution."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays, ints
from convkit.conv import conv2d


def _unsummed_maps(input, weight):
    """Each filter's per-channel maps before the sum over channels, (C_out, C_in, H_out, W_out)."""
    c_out, c_in, kh, kw = weight.shape
    h_out, w_out = input.shape[1] - kh + 1, input.shape[2] - kw + 1
    maps = np.zeros((c_out, c_in, h_out, w_out))
    for o in range(c_out):
        for c in range(c_in):
            for y in range(h_out):
                for x in range(w_out):
                    maps[o, c, y, x] = np.sum(input[c, y : y + kh, x : x + kw] * weight[o, c])
    return maps


def _cases_conv2d_multichannel(rng: np.random.Generator) -> list[Case]:
    return [
        Case((ints(rng, (3, 5, 5), 0, 5), ints(rng, (2, 3, 3, 3), -2, 3), np.array([1, -2])), "small integers"),
        Case(arrays(rng, (2, 7, 6), (3, 2, 3, 2), (3,)), "odd sizes, non-square kernel"),
        Case(arrays(rng, (1, 4, 4), (2, 1, 2, 2), (2,)), "one input channel"),
        Case(arrays(rng, (4, 3, 5), (2, 4, 1, 1), (2,)), "1x1 kernel"),
        Case(arrays(rng, (2, 3, 3), (1, 2, 3, 3), (1,)), "kernel as large as the input"),
        Case(arrays(rng, (3, 6, 5), (4, 3, 3, 3), (4,), dtype=np.float32), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch02-conv2d-multichannel",
        function_name="conv2d_multichannel",
        arg_names=("input", "weight", "bias"),
        reference=conv2d,  # unbatched: (C_in, H, W) -> (C_out, H_out, W_out)
        make_cases=_cases_conv2d_multichannel,
        diagnoses=(
            Diagnosis(
                lambda i, w, b: _unsummed_maps(i, w).sum(axis=1),
                "your result is right except for the bias: add bias[o] once to every pixel "
                "of output channel o.",
            ),
            Diagnosis(
                lambda i, w, b: (_unsummed_maps(i, w) + b[:, None, None, None]).sum(axis=1),
                "the bias is added once per input channel; add it once per output channel, "
                "after summing the input channels.",
            ),
            Diagnosis(
                lambda i, w, b: _unsummed_maps(i, w) + b[:, None, None, None],
                "you kept one map per input channel: a filter's per-channel results are "
                "summed over the input channels into a single output channel.",
            ),
            Diagnosis(
                lambda i, w, b: _unsummed_maps(i, w).mean(axis=1) + b[:, None, None],
                "you averaged the input channels' maps; a filter sums them.",
            ),
            Diagnosis(
                lambda i, w, b: _unsummed_maps(i, w)[:, 0] + b[:, None, None],
                "only the first input channel counts in your result: every input channel "
                "has its own kernel in the filter, and all of them contribute.",
            ),
            Diagnosis(
                lambda i, w, b: (_unsummed_maps(i, w[:, :, ::-1, ::-1]).sum(axis=1)
                                 + b[:, None, None]),
                "you flipped the kernels: deep-learning convolution is cross-correlation, "
                "with no flip.",
            ),
        ),
    )
)


# ---------------------------------------------------------------------------
# Stretch exercise: a strided convolution layer as one matrix product (im2col)
# ---------------------------------------------------------------------------


def _cases_im2col(rng: np.random.Generator) -> list[Case]:
    return [
        Case((*arrays(rng, (2, 5, 5), (3, 2, 3, 3), (3,), dtype=np.int64), 1),
             "stride 1, integers"),
        Case((*arrays(rng, (3, 7, 9), (2, 3, 3, 3), (2,), dtype=np.int64), 2), "stride 2, H != W"),
        Case((*arrays(rng, (2, 8, 6), (4, 2, 2, 3), (4,)), 3),
             "stride 3, kH != kW, the floor drops a row"),
        Case((*arrays(rng, (4, 6, 10), (1, 4, 3, 2), (1,)), 2), "one output channel"),
        Case((*arrays(rng, (1, 6, 6), (2, 1, 1, 1), (2,)), 2), "1x1 kernel, stride 2"),
        Case((*arrays(rng, (3, 9, 7), (5, 3, 3, 3), (5,), dtype=np.float32), 2), "float32"),
    ]


def _tap_order_mismatch(input, weight, bias, stride):
    """Weights flattened as (kH, kW, C_in) against patches flattened as (C_in, kH, kW)."""
    scrambled = weight.transpose(0, 2, 3, 1).reshape(weight.shape)
    return conv2d(input, scrambled, bias, stride)


def _positions_column_major(input, weight, bias, stride):
    """Patches listed column by column, then reshaped as if row by row."""
    right = conv2d(input, weight, bias, stride)
    return right.transpose(0, 2, 1).reshape(right.shape)


register_exercise(
    Exercise(
        exercise_id="ch02-conv2d-im2col",
        function_name="conv2d_im2col",
        arg_names=("input", "weight", "bias", "stride"),
        reference=conv2d,
        make_cases=_cases_im2col,
        diagnoses=(
            Diagnosis(
                lambda x, w, b, s: conv2d(x, w, b, 1),
                "your output is the stride-1 convolution: with stride s, output (u, v) reads "
                "the window whose top-left corner is (u * s, v * s), and there are "
                "(H - kH) // s + 1 rows of them.",
            ),
            Diagnosis(
                _tap_order_mismatch,
                "the weights and the patches are flattened in different orders: flatten both "
                "as (C_in, kH, kW), e.g. weight.reshape(C_out, -1) and a patch "
                "input[:, u*s:u*s+kH, v*s:v*s+kW].reshape(-1).",
            ),
            Diagnosis(
                _positions_column_major,
                "the output positions are scrambled: list the patches row by row (u outer, "
                "v inner) so that the product reshapes to (C_out, H_out, W_out).",
            ),
            Diagnosis(
                lambda x, w, b, s: conv2d(x, w, np.zeros_like(b), s),
                "your result is off by the bias: add bias[f] to every position of output channel f.",
            ),
        ),
    )
)
