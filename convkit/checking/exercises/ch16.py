"""Chapter 16's coding exercises: a causal dilated 1D convolution, and the cost of recomputing a stack."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import floats, ints


# --------------------------------------------------------------------------- #
# ch16-causal-conv1d: causal_filter(signal, kernel, dilation)
# --------------------------------------------------------------------------- #
def _padded(signal, kernel, dilation, left, right):
    from convkit.conv import conv1d

    signal = np.asarray(signal)
    padded = np.pad(signal, (left, right))                                   # (left + L + right,)
    out = conv1d(padded[np.newaxis], np.ascontiguousarray(kernel)[np.newaxis, np.newaxis],
                 dilation=dilation)                                          # (1, L_out)
    return out[0]


def _ref_causal(signal, kernel, dilation):
    return _padded(signal, kernel, dilation, dilation * (len(kernel) - 1), 0)


def _cases_causal(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.arange(1, 9), np.array([1, 2, 3]), 2), "small integers, dilation 2"),
        Case((ints(rng, (10,)), np.array([2, -1, 3]), 1), "dilation 1"),
        Case((floats(rng, (16,)), floats(rng, (4,)), 3), "even kernel, dilation 3"),
        Case((ints(rng, (12,)), np.array([1, -2]), 4), "two taps, dilation 4 (WaveNet's kernel)"),
        Case((floats(rng, (5,)), floats(rng, (3,)), 3), "the dilated kernel is longer than the signal"),
        Case((floats(rng, (7,)), floats(rng, (1,)), 5), "one tap: a scaled copy"),
        Case((floats(rng, (20,), np.float32), floats(rng, (3,), np.float32), 2), "float32"),
    ]


def _symmetric(signal, kernel, dilation):
    total = dilation * (len(kernel) - 1)
    return _padded(signal, kernel, dilation, total // 2, total - total // 2)


def _undilated_padding(signal, kernel, dilation):
    """Left padding k - 1, as if the kernel were not dilated (the same mistake as none for d = 1)."""
    if dilation == 1:
        raise ValueError("the mistake cannot show at dilation 1")
    return _padded(signal, kernel, dilation, len(kernel) - 1, 0)


register_exercise(
    Exercise(
        exercise_id="ch16-causal-conv1d",
        function_name="causal_filter",
        arg_names=("signal", "kernel", "dilation"),
        reference=_ref_causal,
        make_cases=_cases_causal,
        diagnoses=(
            Diagnosis(
                _symmetric,
                "the padding is split between both ends ('same' padding): output t then reads "
                "inputs after t. Put all d(k - 1) zeros on the left.",
            ),
            Diagnosis(
                _undilated_padding,
                "the left padding ignores the dilation: a dilated kernel spans d(k - 1) + 1 "
                "samples, so it needs d(k - 1) zeros on the left, not k - 1.",
            ),
            Diagnosis(
                lambda s, k, d: _padded(s, k, d, 0, d * (len(k) - 1)),
                "the zeros went on the right: output t then reads inputs t .. t + d(k - 1), the "
                "future. Pad on the left.",
            ),
            Diagnosis(
                lambda s, k, d: _padded(s, k, d, d * (len(k) - 1) + 1, 0)[: len(s)],
                "off by one: output t must include input t itself (the last tap reads the "
                "current sample), so pad d(k - 1) zeros, not d(k - 1) + 1.",
            ),
            Diagnosis(
                lambda s, k, d: _ref_causal(s, np.ascontiguousarray(np.asarray(k)[::-1]), d),
                "the kernel is flipped: as in PyTorch, tap m multiplies the input "
                "(k - 1 - m) * d steps back, so the last tap reads the current sample.",
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


def _wrong_full_window(kernel_size, dilations, channels):
    field = 1 + sum(d * (kernel_size - 1) for d in dilations)
    return len(dilations) * field * channels * channels * kernel_size


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
                _wrong_full_window,
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
