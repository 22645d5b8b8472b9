"""Chapter 13's coding exercises: grouped 1x1 convolution, and a ShuffleNet unit's multiply-adds."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays
from convkit.costs import shufflenet_unit_cost
from convkit.grouped import pointwise_grouped_conv2d


# --------------------------------------------------------------------------- #
# Grouped 1x1 convolution, one matrix multiply per group
# --------------------------------------------------------------------------- #
def _ref_pointwise_grouped(input: np.ndarray, weight: np.ndarray, groups: int) -> np.ndarray:
    return pointwise_grouped_conv2d(input, weight, groups=groups)


def _grouped_with_layout(input, weight, groups, inputs_interleaved=False, outputs_interleaved=False):
    """A grouped 1x1 convolution whose group members are taken with a stride instead of in a block."""
    n, c_in, h, w = input.shape
    c_out = weight.shape[0]
    per_in, per_out = c_in // groups, c_out // groups
    out = np.zeros((n, c_out, h, w), dtype=np.result_type(input, weight))
    for k in range(groups):
        ins = np.arange(k, c_in, groups) if inputs_interleaved else np.arange(k * per_in, (k + 1) * per_in)
        outs = np.arange(k, c_out, groups) if outputs_interleaved else np.arange(k * per_out, (k + 1) * per_out)
        rows = np.arange(k * per_out, (k + 1) * per_out)
        out[:, outs] = np.einsum("oc,nchw->nohw", weight[rows], input[:, ins])
    return out


def _cases_pointwise_grouped(rng: np.random.Generator) -> list[Case]:
    return [
        Case((*arrays(rng, (1, 6, 3, 3), (4, 3), dtype=np.int64), 2), "small integers, 2 groups"),
        Case((*arrays(rng, (2, 12, 4, 5), (6, 4)), 3), "3 groups, fewer outputs, a batch of 2"),
        Case((*arrays(rng, (1, 8, 2, 3), (16, 2)), 4), "4 groups, more outputs"),
        Case((*arrays(rng, (1, 4, 3, 3), (4, 1)), 4), "depthwise 1x1: as many groups as channels"),
        Case((*arrays(rng, (1, 5, 2, 2), (3, 5)), 1), "one group: an ordinary 1x1 convolution"),
        Case((*arrays(rng, (1, 12, 3, 2), (12, 6), dtype=np.float32), 2), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch13-pointwise-grouped",
        function_name="pointwise_grouped",
        arg_names=("input", "weight", "groups"),
        reference=_ref_pointwise_grouped,
        make_cases=_cases_pointwise_grouped,
        diagnoses=(
            Diagnosis(
                lambda x, w, g: _grouped_with_layout(x, w, g, inputs_interleaved=True),
                "each group read every g-th input channel: group k owns the consecutive input "
                "channels k * C_in/g to (k + 1) * C_in/g - 1, so view the channels as "
                "(groups, C_in // groups), not (C_in // groups, groups).",
            ),
            Diagnosis(
                lambda x, w, g: _grouped_with_layout(x, w, g, outputs_interleaved=True),
                "the outputs of each group were spread over every g-th channel: group k writes the "
                "consecutive output channels k * C_out/g to (k + 1) * C_out/g - 1 (a (groups, "
                "C_out // groups) layout, the same as the weight's rows).",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- #
# Stretch: the multiply-adds of a ShuffleNet unit
# --------------------------------------------------------------------------- #
def _ref_unit_macs(in_channels, out_channels, groups, stride, height, width) -> int:
    return shufflenet_unit_cost(in_channels, out_channels, groups, stride=stride,
                                input_size=(height, width)).macs


def _unit_macs_variant(c_in, c_out, g, stride, h, w, *, expand_to_out=False, halve=False,
                       all_at_input=False, dense_3x3=False, first_ungrouped=False):
    m = c_out // 4
    expand = c_out if (stride == 1 or expand_to_out) else c_out - c_in
    if halve:
        ho, wo = h // stride, w // stride
    else:
        ho, wo = (h - 1) // stride + 1, (w - 1) // stride + 1
    if all_at_input:
        ho, wo = h, w
    first = c_in * m // (1 if first_ungrouped else g) * h * w
    depthwise = (9 * m * m if dense_3x3 else 9 * m) * ho * wo
    last = m * expand // g * ho * wo
    return first + depthwise + last


def _cases_unit_macs(rng: np.random.Generator) -> list[Case]:
    del rng  # sizes only
    return [
        Case((240, 240, 3, 1, 28, 28), "stride 1, the paper's stage 2 with g = 3"),
        Case((384, 384, 8, 1, 14, 14), "stride 1, g = 8"),
        Case((240, 480, 3, 2, 28, 28), "stride 2, channels doubled"),
        Case((200, 400, 2, 2, 15, 15), "stride 2, odd input size"),
        Case((144, 288, 1, 2, 56, 56), "stride 2, one group"),
        Case((272, 272, 4, 1, 7, 9), "stride 1, a 7 x 9 input"),
        Case((480, 960, 3, 2, 7, 7), "stride 2, a 7 x 7 input"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch13-unit-macs",
        function_name="shufflenet_unit_macs",
        arg_names=("in_channels", "out_channels", "groups", "stride", "height", "width"),
        reference=_ref_unit_macs,
        make_cases=_cases_unit_macs,
        diagnoses=(
            Diagnosis(
                lambda *a: _unit_macs_variant(*a, expand_to_out=True),
                "at stride 2 the last 1x1 convolution produces only C_out - C_in channels: the "
                "pooled shortcut is concatenated and supplies the other C_in.",
            ),
            Diagnosis(
                lambda *a: _unit_macs_variant(*a, halve=True),
                "the output size at stride 2 is floor((H + 2 - 3) / 2) + 1 = floor((H - 1) / 2) + 1, "
                "which differs from H // 2 for odd H.",
            ),
            Diagnosis(
                lambda *a: _unit_macs_variant(*a, all_at_input=True),
                "the depthwise convolution carries the stride: it and the last 1x1 convolution run "
                "at the output resolution, only the first 1x1 at the input resolution.",
            ),
            Diagnosis(
                lambda *a: _unit_macs_variant(*a, dense_3x3=True),
                "the 3x3 convolution is depthwise: 9 multiply-adds per channel and pixel, not 9 m^2.",
            ),
            Diagnosis(
                lambda *a: _unit_macs_variant(*a, first_ungrouped=True),
                "both 1x1 convolutions are grouped: divide the first one's C_in * m by groups too.",
            ),
        ),
    )
)
