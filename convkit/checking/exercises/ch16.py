"""Chapter 16's coding exercises: the dependency mask of a causal layer, and the cost of recomputing a stack."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.causal import causal_conv1d


# --------------------------------------------------------------------------- #
# ch16-dependencies: causal_dependencies(length, kernel_size, dilation)
# --------------------------------------------------------------------------- #
def _ref_dependencies(length, kernel_size, dilation):
    eye = np.eye(length, dtype=np.int64)[:, np.newaxis, :]        # (N = L, C = 1, L): one impulse each
    ones = np.ones((1, 1, kernel_size), dtype=np.int64)           # (C_out, C_in, k)
    responses = causal_conv1d(eye, ones, dilation=dilation)[:, 0, :]   # (j, u): impulse j -> output u
    return responses.T != 0                                       # (u, j)


def _mask_from_offsets(length, offsets):
    """mask[u, j] True when j = u + offset for one of the offsets, inside the sequence."""
    mask = np.zeros((length, length), dtype=bool)
    for u in range(length):
        for off in offsets:
            if 0 <= u + off < length:
                mask[u, u + off] = True
    return mask


def _cases_dependencies(rng: np.random.Generator) -> list[Case]:
    del rng  # fixed layers, each a kind of kernel
    return [
        Case((8, 3, 1), "three taps, no dilation"),
        Case((10, 3, 2), "three taps, dilation 2"),
        Case((12, 2, 4), "two taps, dilation 4 (WaveNet's kernel)"),
        Case((9, 4, 3), "even kernel, dilation 3"),
        Case((5, 3, 3), "the kernel reaches past the start for every output"),
        Case((6, 1, 2), "one tap: only the current input"),
        Case((16, 5, 2), "five taps, dilation 2"),
    ]


def _undilated(length, k, d):
    if d == 1 or k == 1:
        raise ValueError("the mistake cannot show without dilation")
    return _mask_from_offsets(length, [-(k - 1 - m) for m in range(k)])


register_exercise(
    Exercise(
        exercise_id="ch16-dependencies",
        function_name="causal_dependencies",
        arg_names=("length", "kernel_size", "dilation"),
        reference=_ref_dependencies,
        make_cases=_cases_dependencies,
        diagnoses=(
            Diagnosis(
                lambda n, k, d: _mask_from_offsets(n, [m * d - d * (k - 1) // 2
                                                       for m in range(k)]),
                "this is 'same' padding: the zeros are split between both ends, so output u reads "
                "inputs after u. A causal layer puts all d(k - 1) zeros on the left.",
            ),
            Diagnosis(
                _undilated,
                "the dilation is missing: tap m reads (k - 1 - m) * d steps back, not k - 1 - m.",
            ),
            Diagnosis(
                lambda n, k, d: _mask_from_offsets(n, [-(k - 1 - m) * d - 1 for m in range(k)]),
                "off by one: the last tap reads the current input, so output u depends on input u "
                "itself (the diagonal is True).",
            ),
            Diagnosis(
                lambda n, k, d: _ref_dependencies(n, k, d).T,
                "the mask is transposed: row u is output u and column j is input j, so a causal "
                "mask is lower-triangular.",
            ),
            Diagnosis(
                lambda n, k, d: np.tril(np.ones((n, n), dtype=bool)) & (
                    np.arange(n)[:, None] - np.arange(n)[None, :] <= d * (k - 1)),
                "every input of the window is marked: with dilation d only every d-th input, "
                "u, u - d, ..., u - (k - 1)d, is read.",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- #
# ch16-recompute-macs: recompute_macs(kernel_size, dilations, channels)
# --------------------------------------------------------------------------- #
def _ref_recompute(kernel_size, dilations, channels):
    field = 1 + sum(int(d) * (kernel_size - 1) for d in dilations)
    length, total = field, 0
    for d in dilations:
        length -= int(d) * (kernel_size - 1)          # a valid layer shortens the window
        total += length * channels * channels * kernel_size
    return total


def _cases_recompute(rng: np.random.Generator) -> list[Case]:
    del rng  # fixed stacks, each a kind of schedule
    return [
        Case((2, (1, 2, 4, 8), 1), "WaveNet-style, one channel"),
        Case((2, (1, 2, 4, 8), 16), "WaveNet-style, 16 channels"),
        Case((3, (1, 2, 4), 8), "three taps, doubling"),
        Case((3, (1, 1, 1), 4), "no dilation"),
        Case((4, (2,), 3), "a single layer"),
        Case((2, tuple(2 ** i for i in range(10)), 32), "one WaveNet block of ten layers"),
        Case((5, (3, 1), 2), "dilations not increasing"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch16-recompute-macs",
        function_name="recompute_macs",
        arg_names=("kernel_size", "dilations", "channels"),
        reference=_ref_recompute,
        make_cases=_cases_recompute,
        diagnoses=(
            Diagnosis(
                lambda k, ds, c: len(ds) * c * c * k,
                "this is the streaming cost (one output per layer): recomputing from the window "
                "of the last r inputs computes every intermediate output the last one needs.",
            ),
            Diagnosis(
                lambda k, ds, c: len(ds) * (1 + sum(d * (k - 1) for d in ds)) * c * c * k,
                "every layer is charged r outputs: without padding, layer l's output is shorter "
                "than its input by d_l(k - 1) samples.",
            ),
            Diagnosis(
                lambda k, ds, c: _ref_recompute(k, ds, c) // c,
                "one factor of the channels is missing: each output of a layer costs "
                "C_out * C_in * k multiply-adds.",
            ),
            Diagnosis(
                lambda k, ds, c: _ref_recompute(k, ds, c) // k,
                "the kernel size is missing: each output of a layer costs C_out * C_in * k "
                "multiply-adds.",
            ),
        ),
    )
)
