"""Chapter 9's coding exercises: a depthwise separable convolution, a MobileNetV2 block."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import floats, ints
from convkit.separable import depthwise_conv2d, depthwise_separable_conv2d, pointwise_conv2d


# --- ch09-depthwise-separable ----------------------------------------------------------------

def _ref_depthwise_separable(input: np.ndarray, depthwise_weight: np.ndarray,
                             pointwise_weight: np.ndarray) -> np.ndarray:
    return depthwise_separable_conv2d(input, depthwise_weight, pointwise_weight)


def _correlate_valid(channel: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    windows = np.lib.stride_tricks.sliding_window_view(channel, kernel.shape)  # (H_out, W_out, kH, kW)
    return np.einsum("ijmn,mn->ij", windows, kernel)


def _separable_with(input, depthwise_weight, pointwise_weight, source, kernel=lambda w: w) -> np.ndarray:
    """Depthwise step where hidden channel ``h`` reads ``source(h)``, then the right pointwise step."""
    hidden = np.stack([_correlate_valid(source(input, h), kernel(depthwise_weight[h, 0]))
                       for h in range(depthwise_weight.shape[0])])    # (C_in * K, H_out, W_out)
    return np.einsum("oh,hij->oij", pointwise_weight, hidden)         # (C_out, H_out, W_out)


def _mixes_channels(input, depthwise_weight, pointwise_weight):
    # the mistake: every depthwise kernel slides over all input channels and sums them
    return _separable_with(input, depthwise_weight, pointwise_weight, lambda x, h: x.sum(axis=0))


def _wrong_multiplier_layout(input, depthwise_weight, pointwise_weight):
    c_in = input.shape[0]
    # the mistake: hidden channel h read from input channel h % C_in instead of h // K
    return _separable_with(input, depthwise_weight, pointwise_weight, lambda x, h: x[h % c_in])


def _flipped_kernels(input, depthwise_weight, pointwise_weight):
    k = depthwise_weight.shape[0] // input.shape[0]
    return _separable_with(input, depthwise_weight, pointwise_weight, lambda x, h: x[h // k],
                           kernel=lambda w: w[::-1, ::-1])


def _transposed_pointwise(input, depthwise_weight, pointwise_weight):
    k = depthwise_weight.shape[0] // input.shape[0]
    if pointwise_weight.shape[0] != pointwise_weight.shape[1]:
        raise ValueError("the transposed weight does not fit")
    return _separable_with(input, depthwise_weight, pointwise_weight.T, lambda x, h: x[h // k])


def _cases_depthwise_separable(rng: np.random.Generator) -> list[Case]:
    def case(c_in, k_mult, c_out, size, kernel, label, make=ints, dtype=None):
        extra = () if dtype is None else (dtype,)
        return Case((make(rng, (c_in, *size), *extra), make(rng, (c_in * k_mult, 1, *kernel), *extra),
                     make(rng, (c_out, c_in * k_mult), *extra)), label)

    return [
        case(3, 1, 4, (5, 5), (3, 3), "small integers, K = 1"),
        case(2, 1, 2, (6, 5), (3, 3), "as many output as input channels", make=floats),
        case(3, 2, 5, (5, 6), (3, 3), "depth multiplier K = 2"),
        case(2, 3, 6, (4, 7), (2, 3), "K = 3 and a 2x3 kernel", make=floats),
        case(1, 1, 3, (4, 4), (3, 3), "one input channel", make=floats),
        case(4, 1, 6, (3, 3), (1, 1), "1x1 depthwise kernels", make=floats),
        case(3, 2, 4, (7, 6), (3, 3), "float32", make=floats, dtype=np.float32),
    ]


register_exercise(
    Exercise(
        exercise_id="ch09-depthwise-separable",
        function_name="depthwise_separable",
        arg_names=("input", "depthwise_weight", "pointwise_weight"),
        reference=_ref_depthwise_separable,
        make_cases=_cases_depthwise_separable,
        diagnoses=(
            Diagnosis(
                _mixes_channels,
                "your depthwise step mixes channels: each depthwise kernel must slide over one "
                "input channel only, not over all of them summed; the pointwise step does the mixing.",
            ),
            Diagnosis(
                _wrong_multiplier_layout,
                "with a depth multiplier K the kernels are grouped by input channel: "
                "depthwise_weight[c * K + j] filters input channel c (channel h // K), "
                "not channel h % C_in.",
            ),
            Diagnosis(
                _flipped_kernels,
                "your depthwise step flips the kernels (a true convolution): deep-learning "
                "layers compute the cross-correlation.",
            ),
            Diagnosis(
                _transposed_pointwise,
                "you used the transposed pointwise weight: pointwise_weight[f, h] carries "
                "depthwise channel h into output channel f.",
            ),
        ),
    )
)


# --- ch09-inverted-residual ------------------------------------------------------------------

def _relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0, 6)


def _block(input, expand_weight, depthwise_weight, project_weight, *, act=_relu6,
           project_act=lambda y: y, residual=True) -> np.ndarray:
    k = depthwise_weight.shape[-1]
    hidden = act(pointwise_conv2d(input, expand_weight))                        # (C_mid, H, W)
    hidden = act(depthwise_conv2d(hidden, depthwise_weight, padding=k // 2))   # (C_mid, H, W)
    out = project_act(pointwise_conv2d(hidden, project_weight))                 # (C_out, H, W)
    if residual and out.shape == input.shape:
        out = out + input
    return out


def _ref_inverted_residual(input, expand_weight, depthwise_weight, project_weight):
    return _block(input, expand_weight, depthwise_weight, project_weight)


def _cases_inverted_residual(rng: np.random.Generator) -> list[Case]:
    def case(c_in, c_mid, c_out, size, k, label, make=ints, dtype=None):
        extra = () if dtype is None else (dtype,)
        return Case((make(rng, (c_in, *size), *extra), make(rng, (c_mid, c_in), *extra),
                     make(rng, (c_mid, 1, k, k), *extra), make(rng, (c_out, c_mid), *extra)), label)

    return [
        case(2, 6, 2, (5, 5), 3, "small integers, expansion 3, residual"),
        case(4, 12, 4, (6, 5), 3, "expansion 3, residual", make=floats),
        case(3, 9, 5, (5, 4), 3, "C_out != C_in: no residual"),
        case(2, 12, 2, (4, 4), 3, "expansion 6, integers large enough for ReLU6 to clip"),
        case(3, 6, 3, (7, 7), 5, "a 5x5 depthwise kernel", make=floats),
        case(4, 8, 4, (5, 6), 3, "float32", make=floats, dtype=np.float32),
    ]


register_exercise(
    Exercise(
        exercise_id="ch09-inverted-residual",
        function_name="inverted_residual",
        arg_names=("input", "expand_weight", "depthwise_weight", "project_weight"),
        reference=_ref_inverted_residual,
        make_cases=_cases_inverted_residual,
        diagnoses=(
            Diagnosis(
                lambda x, e, d, p: _block(x, e, d, p, project_act=_relu6),
                "the projection must stay linear (the linear bottleneck): no ReLU6 after the last "
                "1x1 convolution.",
            ),
            Diagnosis(
                lambda x, e, d, p: _block(x, e, d, p, residual=False),
                "the shortcut is missing: when the block keeps the shape (C_out == C_in, stride 1) "
                "add the input to the projection.",
            ),
            Diagnosis(
                lambda x, e, d, p: _block(x, e, d, p, act=lambda y: np.maximum(y, 0)),
                "MobileNetV2 uses ReLU6, min(max(x, 0), 6): your activation does not clip at 6.",
            ),
            Diagnosis(
                lambda x, e, d, p: _block(x, e, d, p, act=lambda y: y),
                "there is no non-linearity after the expansion and the depthwise step: apply "
                "ReLU6 after each of them.",
            ),
        ),
    )
)
