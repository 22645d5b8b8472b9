"""Chapter 11's coding exercises: the block-diagonal weight of a grouped convolution, and a
grouped convolution with no loop over the groups."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays, floats, ints
from convkit.conv import conv2d
from convkit.grouped import block_diagonal_weight


# --- ch11-block-diagonal ------------------------------------------------------------------

def _placed_blocks(weight, groups, first_column):
    """A dense weight with the filters of group k from input channel ``first_column(k)`` on."""
    c_out, per_in = weight.shape[:2]
    per_out = c_out // groups
    dense = np.zeros((c_out, per_in * groups) + weight.shape[2:], dtype=weight.dtype)
    for k in range(groups):
        rows, start = slice(k * per_out, (k + 1) * per_out), first_column(k)
        dense[rows, start:start + per_in] = weight[rows]
    return dense


def _blocks_repeated_everywhere(weight, groups):
    # every filter connected to every group, with the same weights repeated
    return np.concatenate([weight] * groups, axis=1)


def _cases_block_diagonal(rng: np.random.Generator) -> list[Case]:
    return [
        Case((ints(rng, (4, 2, 3, 3)), 2), "4 filters, 2 groups, integers"),
        Case((floats(rng, (6, 1, 3, 3)), 6), "depthwise: 6 groups of one channel"),
        Case((floats(rng, (6, 4, 1, 1)), 3), "C_out = 6, C_in = 12, groups = 3 (C_in != C_out)"),
        Case((floats(rng, (3, 5, 2, 2)), 1), "groups = 1: nothing to split"),
        Case((floats(rng, (8, 1, 3, 3)), 2), "C_out = 8, C_in = 2, groups = 2"),
        Case((floats(rng, (4, 3, 3, 3), np.float32), 4), "float32, 4 groups"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch11-block-diagonal",
        function_name="block_diagonal",
        arg_names=("weight", "groups"),
        reference=block_diagonal_weight,  # (C_out, C_in, kH, kW)
        make_cases=_cases_block_diagonal,
        diagnoses=(
            Diagnosis(
                lambda w, g: _placed_blocks(w, g, lambda k: k * (w.shape[0] // g)),
                "block k starts at input channel k * C_in / g, where C_in / g = weight.shape[1]; "
                "you stepped by C_out / g.",
            ),
            Diagnosis(
                _blocks_repeated_everywhere,
                "filter o must see only the input channels of its own group: the weights of the "
                "other groups' channels are zero, not copies.",
            ),
            Diagnosis(
                lambda w, g: _placed_blocks(w, g, lambda k: (g - 1 - k) * w.shape[1]),
                "the blocks are in the wrong places: the first C_out / g filters belong to the "
                "first C_in / g input channels (group 0), and so on down the diagonal.",
            ),
        ),
    )
)


# --- ch11-grouped-einsum ------------------------------------------------------------------

def _ref_grouped_einsum(input: np.ndarray, weight: np.ndarray, groups: int) -> np.ndarray:
    return conv2d(input, weight, groups=groups)  # (C_out, H_out, W_out)


def _windows(input, kh, kw):
    return np.lib.stride_tricks.sliding_window_view(input, (kh, kw), axis=(1, 2))  # (C_in, H_out, W_out, kH, kW)


def _grouped_interleaved(input, weight, groups, *, channels=False, filters=False):
    """Grouped sums whose input ``channels`` or output ``filters`` are split as j * g + k."""
    c_out, per_in, kh, kw = weight.shape
    win = _windows(input, kh, kw)
    if channels:  # group k takes every g-th input channel
        win = win.reshape(per_in, groups, *win.shape[1:]).swapaxes(0, 1)  # (g, C_in/g, ...)
    else:
        win = win.reshape(groups, per_in, *win.shape[1:])  # (g, C_in/g, H_out, W_out, kH, kW)
    w = weight.reshape(groups, c_out // groups, per_in, kh, kw)
    order = "oguv" if filters else "gouv"  # interleaved filters: filter axis first, o = j * g + k
    out = np.einsum(f"gcuvmn,gocmn->{order}", win, w)  # (C_out/g, g, ...) or (g, C_out/g, ...)
    return out.reshape(c_out, *out.shape[2:])


def _grouped_dense(input, weight, groups):
    # every filter applied to the first C_in / g channels only
    c_out, per_in, kh, kw = weight.shape
    win = _windows(input[:per_in], kh, kw)
    return np.einsum("cuvmn,ocmn->ouv", win, weight)


def _cases_grouped_einsum(rng: np.random.Generator) -> list[Case]:
    return [
        Case((*arrays(rng, (4, 5, 5), (4, 2, 3, 3), dtype=np.int64), 2), "integers, 2 groups"),
        Case((*arrays(rng, (6, 6, 7), (6, 1, 3, 3)), 6), "depthwise (groups = C_in)"),
        Case((*arrays(rng, (6, 4, 4), (9, 2, 2, 2)), 3), "6 -> 9 channels, 3 groups, 2x2"),
        Case((*arrays(rng, (3, 5, 4), (2, 3, 3, 1)), 1), "groups = 1, a 3x1 kernel"),
        Case((*arrays(rng, (8, 5, 5), (4, 2, 1, 1)), 4), "8 -> 4 channels, 4 groups, 1x1"),
        Case((*arrays(rng, (4, 6, 6), (8, 2, 3, 3), dtype=np.float32), 2), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch11-grouped-einsum",
        function_name="grouped_conv2d_einsum",
        arg_names=("input", "weight", "groups"),
        reference=_ref_grouped_einsum,
        make_cases=_cases_grouped_einsum,
        diagnoses=(
            Diagnosis(
                lambda x, w, g: _grouped_interleaved(x, w, g, channels=True),
                "the input channels are split the wrong way: group k holds the contiguous "
                "channels [k C_in/g, (k+1) C_in/g), so reshape (C_in, ...) to (g, C_in/g, ...), "
                "not to (C_in/g, g, ...).",
            ),
            Diagnosis(
                lambda x, w, g: _grouped_interleaved(x, w, g, filters=True),
                "the output channels come out interleaved: the filters of group k are the "
                "contiguous rows [k C_out/g, (k+1) C_out/g) of the weight, and the result must "
                "keep that order (group axis first when you flatten).",
            ),
            Diagnosis(
                _grouped_dense,
                "every filter read the first group's channels: each group of filters must read "
                "its own slice of the input.",
            ),
        ),
    )
)
