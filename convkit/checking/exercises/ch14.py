"""Chapter 14's coding exercises: the cost of any conv2d layer, and a table row for a stack."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.costs import conv_cost
from convkit.sizes import conv_output_size, receptive_field


# --------------------------------------------------------------------------- #
# ch14-conv2d-cost: conv2d_cost(in_channels, out_channels, kernel_size, input_size,
#                               stride, padding, dilation, groups) -> [params, macs]
# --------------------------------------------------------------------------- #
def _cost(c_in, c_out, k, i, s, p, d, g, *, per_group=True, size_from="output", dilated=True):
    o = conv_output_size(i, k, s, p, d if dilated else 1)
    weights = c_out * (c_in // g if per_group else c_in) * k * k
    positions = {"output": o * o, "input": i * i}[size_from]
    return np.array([weights, weights * positions])


def _ref_conv2d_cost(c_in, c_out, k, i, s, p, d, g):
    o = conv_output_size(i, k, s, p, d)
    cost = conv_cost(c_in, c_out, k, o, groups=g)
    return np.array([cost.params, cost.macs])


def _cases_conv2d_cost(rng: np.random.Generator) -> list[Case]:
    del rng  # fixed layers, each one a row of the chapter's table or a corner of the formula
    return [
        Case((64, 64, 3, 56, 1, 1, 1, 1), "the chapter's standard layer"),
        Case((64, 64, 1, 56, 1, 0, 1, 8), "pointwise grouped"),
        Case((32, 32, 3, 28, 1, 1, 1, 32), "depthwise (groups = channels)"),
        Case((16, 48, 3, 30, 1, 2, 2, 4), "dilated and grouped"),
        Case((3, 64, 7, 224, 2, 3, 1, 1), "a strided stem"),
        Case((8, 12, 4, 15, 3, 0, 1, 2), "even kernel, stride 3, the floor drops pixels"),
        Case((24, 24, 5, 13, 1, 0, 3, 1), "dilation 3, no padding"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch14-conv2d-cost",
        function_name="conv2d_cost",
        arg_names=("in_channels", "out_channels", "kernel_size", "input_size", "stride",
                   "padding", "dilation", "groups"),
        reference=_ref_conv2d_cost,
        make_cases=_cases_conv2d_cost,
        diagnoses=(
            Diagnosis(
                lambda *a: _cost(*a, per_group=False),
                "the groups are ignored: each filter sees only in_channels / groups channels, so "
                "a grouped layer has groups times fewer weights and multiply-adds.",
            ),
            Diagnosis(
                lambda ci, co, k, i, s, p, d, g: _cost(ci, co // g, k, i, s, p, d, g),
                "divided by groups twice: the weight has shape (C_out, C_in / g, k, k), so the "
                "count is C_out (C_in / g) k^2, not (C_out / g)(C_in / g) k^2.",
            ),
            Diagnosis(
                lambda *a: _cost(*a, size_from="input"),
                "the multiply-adds are counted at every input pixel: count them at the output "
                "pixels, whose number depends on the stride, padding and dilation.",
            ),
            Diagnosis(
                lambda *a: _cost(*a, dilated=False),
                "the output size ignores the dilation: a dilated kernel spans d(k - 1) + 1 pixels, "
                "which is what the output size formula subtracts.",
            ),
            Diagnosis(
                lambda ci, co, k, i, s, p, d, g: _ref_conv2d_cost(ci, co, k, i, s, p, d, g)
                + np.array([co, 0]),
                "the bias is counted: the exercise counts weights only (bias=False).",
            ),
            Diagnosis(
                lambda *a: _ref_conv2d_cost(*a) * np.array([1, 2]),
                "these are FLOPs, not multiply-adds: one multiply-add is one multiplication and one "
                "addition, so FLOPs are about twice the multiply-adds.",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- #
# ch14-block-row: block_row(in_channels, input_size, layers)
#                 -> [params, macs, receptive_field, output_size]
# layers: int array (L, 5), one row (out_channels, kernel_size, stride, padding, groups)
# --------------------------------------------------------------------------- #
def _block(c_in, i, layers, *, jumps=True, macs_at_input=False, jump_includes_own=False,
           groups=True):
    params = macs = 0
    field, jump = 1, 1
    size = i
    for c_out, k, s, p, g in np.asarray(layers).tolist():
        g = g if groups else 1
        out = conv_output_size(size, k, s, p)
        cost = conv_cost(c_in, c_out, k, i if macs_at_input else out, groups=g)
        params, macs = params + cost.params, macs + cost.macs
        if jump_includes_own:
            jump *= s
        field += (k - 1) * (jump if jumps else 1)
        if not jump_includes_own:
            jump *= s
        c_in, size = c_out, out
    return np.array([params, macs, field, size])


def _ref_block_row(c_in, i, layers):
    params = macs = 0
    size = i
    for c_out, k, s, p, g in np.asarray(layers).tolist():
        size_out = conv_output_size(size, k, s, p)
        cost = conv_cost(c_in, c_out, k, size_out, groups=g)
        params, macs = params + cost.params, macs + cost.macs
        c_in, size = c_out, size_out
    field = receptive_field([(k, s) for _, k, s, _, _ in np.asarray(layers).tolist()])
    return np.array([params, macs, field, size])


def _cases_block_row(rng: np.random.Generator) -> list[Case]:
    del rng
    layers = lambda rows: np.array(rows, dtype=np.int64)  # noqa: E731 - (L, 5)
    return [
        Case((16, 32, layers([[16, 3, 1, 1, 1]])), "one standard layer"),
        Case((16, 32, layers([[16, 3, 1, 1, 16], [32, 1, 1, 0, 1]])), "a depthwise separable pair"),
        Case((8, 40, layers([[8, 3, 2, 1, 1], [8, 3, 2, 1, 1], [8, 3, 1, 1, 1]])),
             "two stride-2 layers, then a stride-1 one"),
        Case((12, 48, layers([[12, 1, 1, 0, 3], [12, 3, 2, 1, 12], [24, 1, 1, 0, 3]])),
             "a ShuffleNet-like stride-2 bottleneck (without the shuffle)"),
        Case((3, 64, layers([[8, 7, 2, 3, 1], [8, 3, 2, 1, 1]])), "a stem: 7x7 stride 2, then stride 2"),
        Case((6, 33, layers([[6, 5, 3, 0, 2], [12, 3, 1, 0, 6]])), "stride 3, no padding, the floor"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch14-block-row",
        function_name="block_row",
        arg_names=("in_channels", "input_size", "layers"),
        reference=_ref_block_row,
        make_cases=_cases_block_row,
        diagnoses=(
            Diagnosis(
                lambda c, i, L: _block(c, i, L, jumps=False),
                "the receptive field ignores the strides: after a stride-s layer, one step of the "
                "next kernel moves s input pixels, so layer l adds (k_l - 1) times the product of "
                "the earlier strides.",
            ),
            Diagnosis(
                lambda c, i, L: _block(c, i, L, jump_includes_own=True),
                "the receptive field multiplies by the layer's own stride too: a layer's stride "
                "spaces its outputs, not its own taps; only the strides of the layers before it count.",
            ),
            Diagnosis(
                lambda c, i, L: _block(c, i, L, macs_at_input=True),
                "every layer's multiply-adds are counted at the block's input size: each layer "
                "runs at the size of its own output, which shrinks after a stride.",
            ),
            Diagnosis(
                lambda c, i, L: _block(c, i, L, groups=False),
                "the groups are ignored: a layer with groups g has g times fewer weights and "
                "multiply-adds.",
            ),
        ),
    )
)
