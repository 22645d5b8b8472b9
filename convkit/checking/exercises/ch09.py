"""Chapter 9's coding exercises: a depthwise separable convolution, a MobileNetV2 block."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays
from convkit.correlation import correlate2d
from convkit.separable import depthwise_conv2d, depthwise_separable_conv2d, pointwise_conv2d


# --- ch09-depthwise-separable ----------------------------------------------------------------

def _separable_with(input, depthwise_weight, pointwise_weight, source=None, kernel=lambda w: w):
    """Depthwise step where hidden channel ``h`` reads ``source(input, h)``, then pointwise.

    By default hidden channel ``h`` reads its own input channel, ``h // K``.
    """
    k = depthwise_weight.shape[0] // input.shape[0]
    source = source or (lambda x, h: x[h // k])
    hidden = np.stack([correlate2d(source(input, h), kernel(depthwise_weight[h, 0]))
                       for h in range(depthwise_weight.shape[0])])    # (C_in * K, H_out, W_out)
    return np.einsum("oh,hij->oij", pointwise_weight, hidden)         # (C_out, H_out, W_out)


def _transposed_pointwise(input, depthwise_weight, pointwise_weight):
    if pointwise_weight.shape[0] != pointwise_weight.shape[1]:
        raise ValueError("the transposed weight does not fit")
    return _separable_with(input, depthwise_weight, pointwise_weight.T)


def _cases_depthwise_separable(rng: np.random.Generator) -> list[Case]:
    def case(c_in, k_mult, c_out, size, kernel, label, dtype=np.int64):
        shapes = (c_in, *size), (c_in * k_mult, 1, *kernel), (c_out, c_in * k_mult)
        return Case(arrays(rng, *shapes, dtype=dtype), label)

    return [
        case(3, 1, 4, (5, 5), (3, 3), "small integers, K = 1"),
        case(2, 1, 2, (6, 5), (3, 3), "as many output as input channels", dtype=float),
        case(3, 2, 5, (5, 6), (3, 3), "depth multiplier K = 2"),
        case(2, 3, 6, (4, 7), (2, 3), "K = 3 and a 2x3 kernel", dtype=float),
        case(1, 1, 3, (4, 4), (3, 3), "one input channel", dtype=float),
        case(4, 1, 6, (3, 3), (1, 1), "1x1 depthwise kernels", dtype=float),
        case(3, 2, 4, (7, 6), (3, 3), "float32", dtype=np.float32),
    ]


register_exercise(
    Exercise(
        exercise_id="ch09-depthwise-separable",
        function_name="depthwise_separable",
        arg_names=("input", "depthwise_weight", "pointwise_weight"),
        reference=depthwise_separable_conv2d,
        make_cases=_cases_depthwise_separable,
        diagnoses=(
            Diagnosis(
                lambda x, d, p: _separable_with(x, d, p, source=lambda x, h: x.sum(axis=0)),
                "your depthwise step mixes channels: each depthwise kernel must slide over one "
                "input channel only, not over all of them summed; the pointwise step does the mixing.",
            ),
            Diagnosis(
                lambda x, d, p: _separable_with(x, d, p, source=lambda x, h: x[h % len(x)]),
                "with a depth multiplier K the kernels are grouped by input channel: "
                "depthwise_weight[c * K + j] filters input channel c (channel h // K), "
                "not channel h % C_in.",
            ),
            Diagnosis(
                lambda x, d, p: _separable_with(x, d, p, kernel=lambda w: w[::-1, ::-1]),
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


def _inverted_residual(input, expand_weight, depthwise_weight, project_weight, *, act=_relu6,
                       project_act=lambda y: y, residual=True) -> np.ndarray:
    """The MobileNetV2 block; the keywords give the usual mistakes."""
    k = depthwise_weight.shape[-1]
    hidden = act(pointwise_conv2d(input, expand_weight))                        # (C_mid, H, W)
    hidden = act(depthwise_conv2d(hidden, depthwise_weight, padding=k // 2))   # (C_mid, H, W)
    out = project_act(pointwise_conv2d(hidden, project_weight))                 # (C_out, H, W)
    if residual and out.shape == input.shape:
        out = out + input
    return out


def _cases_inverted_residual(rng: np.random.Generator) -> list[Case]:
    def case(c_in, c_mid, c_out, size, k, label, dtype=np.int64):
        shapes = (c_in, *size), (c_mid, c_in), (c_mid, 1, k, k), (c_out, c_mid)
        return Case(arrays(rng, *shapes, dtype=dtype), label)

    return [
        case(2, 6, 2, (5, 5), 3, "small integers, expansion 3, residual"),
        case(4, 12, 4, (6, 5), 3, "expansion 3, residual", dtype=float),
        case(3, 9, 5, (5, 4), 3, "C_out != C_in: no residual"),
        case(2, 12, 2, (4, 4), 3, "expansion 6, integers large enough for ReLU6 to clip"),
        case(3, 6, 3, (7, 7), 5, "a 5x5 depthwise kernel", dtype=float),
        case(4, 8, 4, (5, 6), 3, "float32", dtype=np.float32),
    ]


register_exercise(
    Exercise(
        exercise_id="ch09-inverted-residual",
        function_name="inverted_residual",
        arg_names=("input", "expand_weight", "depthwise_weight", "project_weight"),
        reference=_inverted_residual,
        make_cases=_cases_inverted_residual,
        diagnoses=(
            Diagnosis(
                lambda x, e, d, p: _inverted_residual(x, e, d, p, project_act=_relu6),
                "the projection must stay linear (the linear bottleneck): no ReLU6 after the last "
                "1x1 convolution.",
            ),
            Diagnosis(
                lambda x, e, d, p: _inverted_residual(x, e, d, p, residual=False),
                "the shortcut is missing: when the block keeps the shape (C_out == C_in, stride 1) "
                "add the input to the projection.",
            ),
            Diagnosis(
                lambda x, e, d, p: _inverted_residual(x, e, d, p, act=lambda y: np.maximum(y, 0)),
                "MobileNetV2 uses ReLU6, min(max(x, 0), 6): your activation does not clip at 6.",
            ),
            Diagnosis(
                lambda x, e, d, p: _inverted_residual(x, e, d, p, act=lambda y: y),
                "there is no non-linearity after the expansion and the depthwise step: apply "
                "ReLU6 after each of them.",
            ),
        ),
    )
)
