"""Chapter 5's coding exercise: 1x1 convolution as one matrix multiply."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays
from convkit.conv import conv2d


def _ref_pointwise(input: np.ndarray, weight: np.ndarray) -> np.ndarray:
    # (C_out, C_in) -> (C_out, C_in, 1, 1): a 1x1 convolution
    return conv2d(input, weight[:, :, np.newaxis, np.newaxis])


def _pointwise_transposed_weight(input: np.ndarray, weight: np.ndarray) -> np.ndarray:
    c_in, h, w = input.shape
    return (weight.T @ input.reshape(c_in, h * w)).reshape(-1, h, w)


def _pointwise_pixels_as_rows(input: np.ndarray, weight: np.ndarray) -> np.ndarray:
    c_in, h, w = input.shape
    # the mistake: (C_in, H, W) read as (H*W, C_in) mixes pixels and channels
    return (weight @ input.reshape(h * w, c_in).T).reshape(-1, h, w)


def _cases_pointwise(rng: np.random.Generator) -> list[Case]:
    return [
        Case(arrays(rng, (3, 4, 4), (2, 3), dtype=np.int64), "small integers"),
        Case(arrays(rng, (4, 3, 5), (4, 4)), "as many output as input channels"),
        Case(arrays(rng, (2, 5, 3), (5, 2)), "more output than input channels"),
        Case(arrays(rng, (1, 2, 2), (3, 1)), "one input channel"),
        Case(arrays(rng, (5, 1, 1), (2, 5)), "a single pixel"),
        Case(arrays(rng, (6, 7, 3), (4, 6), dtype=np.float32), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch05-pointwise",
        function_name="pointwise_as_matmul",
        arg_names=("input", "weight"),
        reference=_ref_pointwise,
        make_cases=_cases_pointwise,
        diagnoses=(
            Diagnosis(
                _pointwise_transposed_weight,
                "you used the transposed weight: weight[o, c] multiplies input channel c "
                "into output channel o, so the product is weight @ X with X of shape (C_in, H*W).",
            ),
            Diagnosis(
                _pointwise_pixels_as_rows,
                "the reshape mixes pixels and channels: reshape (C_in, H, W) to (C_in, H*W), "
                "not to (H*W, C_in).",
            ),
        ),
    )
)


# ---------------------------------------------------------------------------
# Stretch exercise: a channels-last fully connected head as a convolution
# ---------------------------------------------------------------------------


def _ref_fc_to_conv(linear_weight: np.ndarray, channels: int, height: int, width: int) -> np.ndarray:
    c_out = linear_weight.shape[0]
    # input j of the linear layer is feature (h, w, c) of a channels-last (H, W, C) map, flattened
    return linear_weight.reshape(c_out, height, width, channels).transpose(0, 3, 1, 2)  # (C_out, C, H, W)


def _cases_fc_to_conv(rng: np.random.Generator) -> list[Case]:
    def case(c_out, c, h, w, label, dtype=np.int64):
        return Case((*arrays(rng, (c_out, h * w * c), dtype=dtype), c, h, w), label)

    return [
        case(4, 3, 2, 2, "integers, 3 channels, 2x2 map"),
        case(5, 2, 3, 4, "H != W"),
        case(3, 4, 1, 1, "a 1x1 map: the head is already a 1x1 convolution", np.float64),
        case(2, 1, 3, 5, "one channel", np.float64),
        case(6, 5, 2, 3, "more channels than rows", np.float64),
        case(3, 3, 4, 2, "float32", np.float32),
    ]


register_exercise(
    Exercise(
        exercise_id="ch05-fc-to-conv",
        function_name="fc_to_conv_weight",
        arg_names=("linear_weight", "channels", "height", "width"),
        reference=_ref_fc_to_conv,
        make_cases=_cases_fc_to_conv,
        diagnoses=(
            Diagnosis(
                lambda w, c, h, wd: w.reshape(w.shape[0], c, h, wd),
                "you reshaped the weight as if the features had been flattened channels-first, "
                "(C, H, W); they were flattened channels-last, (H, W, C): reshape to "
                "(C_out, H, W, C) first, then move the channel axis.",
            ),
            Diagnosis(
                lambda w, c, h, wd: w.reshape(w.shape[0], wd, h, c).transpose(0, 3, 2, 1),
                "height and width are swapped: a channels-last map flattens as (H, W, C), "
                "rows outermost.",
            ),
        ),
    )
)
