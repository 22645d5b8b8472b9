"""Chapter 1's coding exercise: true convolution in 1D."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays, floats, ints
from convkit.conv import conv1d


def _ref_convolve1d(signal: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    flipped = np.ascontiguousarray(kernel[::-1])  # true convolution = correlation with the flipped kernel
    return conv1d(signal[np.newaxis], flipped[np.newaxis, np.newaxis])[0]  # (1, L) -> (1, L_out) -> (L_out,)


def _cases_convolve1d(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([1, 2, 3, 4, 5]), np.array([1, 0, -1])), "small integers"),
        Case((ints(rng, (8,)), np.array([2, -1, 0, 3])), "even-length kernel, integers"),
        Case((floats(rng, (11,)), floats(rng, (5,))), "odd lengths"),
        Case((floats(rng, (6,)), floats(rng, (1,))), "kernel of length 1"),
        Case((floats(rng, (4,)), floats(rng, (4,))), "kernel as long as the signal"),
        Case((floats(rng, (9,), np.float32), floats(rng, (2,), np.float32)), "float32"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch01-convolve1d",
        function_name="convolve1d",
        arg_names=("signal", "kernel"),
        reference=_ref_convolve1d,
        make_cases=_cases_convolve1d,
        diagnoses=(
            Diagnosis(
                lambda s, k: np.correlate(s, k, mode="valid"),
                "your result is the cross-correlation: true convolution flips the kernel "
                "(kernel[::-1]) before sliding it along the signal.",
            ),
            Diagnosis(
                lambda s, k: np.convolve(s, k, mode="full"),
                "your result has the 'full' length len(signal) + len(kernel) - 1; "
                "'valid' keeps only the positions where the kernel fits inside the signal.",
            ),
            Diagnosis(
                lambda s, k: np.convolve(s, k, mode="same"),
                "your result has the 'same' length as the signal; 'valid' keeps only the "
                "positions where the kernel fits inside the signal.",
            ),
        ),
    )
)


# ---------------------------------------------------------------------------
# Stretch exercise: the input gradient of a strided cross-correlation
# ---------------------------------------------------------------------------


def _ref_input_grad(grad_output: np.ndarray, kernel: np.ndarray, length: int,
                    stride: int) -> np.ndarray:
    """Each grad_output[u] stamps grad_output[u] * kernel at u * stride, clipped to ``length``."""
    # dloss/dx = C^T g: row u of C holds the kernel from column u * stride (chapter 1).
    out = np.zeros(max(length, 0), dtype=np.float64)
    for u, g_u in enumerate(grad_output):
        start = u * stride
        stop = min(start + len(kernel), length)
        if start < stop:
            out[start:stop] += g_u * kernel[: stop - start]
    return out


def _cases_input_grad(rng: np.random.Generator) -> list[Case]:
    def case(length, k, stride, label, dtype=np.int64):
        o = (length - k) // stride + 1
        return Case((*arrays(rng, (o,), (k,), dtype=dtype), length, stride), label)

    return [
        case(9, 3, 1, "stride 1, integers"),
        case(9, 3, 2, "stride 2, every input covered"),
        case(10, 3, 2, "stride 2, the last input is never read"),
        case(8, 2, 3, "kernel shorter than the stride: gaps between windows"),
        case(12, 4, 4, "stride equal to the kernel size"),
        case(11, 5, 2, "float64, odd kernel", np.float64),
        case(13, 3, 3, "float32", np.float32),
    ]


register_exercise(
    Exercise(
        exercise_id="ch01-backward-strided",
        function_name="correlate1d_input_grad",
        arg_names=("grad_output", "kernel", "length", "stride"),
        reference=_ref_input_grad,
        make_cases=_cases_input_grad,
        diagnoses=(
            Diagnosis(
                lambda g, k, n, s: _ref_input_grad(g, k[::-1], n, s),
                "each output gradient stamps the kernel flipped: input x[u * stride + m] met "
                "kernel[m] in the forward pass, so it receives grad_output[u] * kernel[m], in the "
                "kernel's own order (the flip appears only when you write it as a convolution).",
            ),
            Diagnosis(
                lambda g, k, n, s: _ref_input_grad(g, k, n, 1),
                "your gradient looks like the stride-1 answer: with stride s, output u's window "
                "starts at input u * s, so its gradient lands there (equivalently, put s - 1 zeros "
                "between the entries of grad_output before convolving).",
            ),
            Diagnosis(
                lambda g, k, n, s: _ref_input_grad(g, k, length=(len(g) - 1) * s + len(k),
                                                   stride=s),
                "your result stops at the last input a window reaches; the gradient has the "
                "input's length, with zeros for the inputs the floor leaves out.",
            ),
        ),
    )
)
