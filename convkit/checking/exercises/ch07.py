"""Chapter 7's coding exercises: a dilated 1D convolution, and the footprint of a dilated stack."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import arrays, ints
from convkit.conv import conv1d


# --------------------------------------------------------------------------- #
# ch07-dilated-conv1d: dilated_conv1d(signal, kernel, dilation)
# --------------------------------------------------------------------------- #
def _correlate(signal: np.ndarray, kernel: np.ndarray, dilation: int) -> np.ndarray:
    out = conv1d(signal[np.newaxis], np.ascontiguousarray(kernel)[np.newaxis, np.newaxis], dilation=dilation)
    return out[0]  # (1, L_out) -> (L_out,)


def _cases_dilated_conv1d(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.arange(10), np.array([1, 0, -1]), 2), "small integers, dilation 2"),
        Case((ints(rng, (9,)), np.array([2, -1, 3]), 1), "dilation 1: an ordinary kernel"),
        Case((*arrays(rng, (15,), (4,)), 3), "even kernel, dilation 3"),
        Case((ints(rng, (13,)), np.array([1, -2]), 5), "two taps, dilation 5"),
        Case((*arrays(rng, (9,), (3,)), 4), "the dilated kernel spans the whole signal"),
        Case((*arrays(rng, (7,), (1,)), 3), "one tap: dilation changes nothing"),
        Case((*arrays(rng, (20,), (3,), dtype=np.float32), 3), "float32"),
    ]


def _wrong_span(signal, kernel, dilation):
    """The output length computed from a span of k*d instead of d(k-1)+1."""
    length = len(signal) - len(kernel) * dilation + 1
    if length < 1:
        raise ValueError("no output")
    return _correlate(signal, kernel, dilation)[:length]


register_exercise(
    Exercise(
        exercise_id="ch07-dilated-conv1d",
        function_name="dilated_conv1d",
        arg_names=("signal", "kernel", "dilation"),
        reference=_correlate,
        make_cases=_cases_dilated_conv1d,
        diagnoses=(
            Diagnosis(
                lambda s, k, d: _correlate(s, k, 1),
                "the dilation is ignored: tap m reads signal[t + m * dilation], not signal[t + m].",
            ),
            Diagnosis(
                lambda s, k, d: _correlate(s, k, d + 1),
                "dilation counted from 0: in PyTorch's convention dilation d puts the taps d apart "
                "(d - 1 skipped samples), so dilation 1 is an ordinary kernel.",
            ),
            Diagnosis(
                _wrong_span,
                "too few outputs: the dilated kernel spans d(k - 1) + 1 samples, not d * k, so "
                "there are len(signal) - d(k - 1) outputs.",
            ),
            Diagnosis(
                lambda s, k, d: _correlate(s, np.ascontiguousarray(k[::-1]), d),
                "the kernel is flipped: deep-learning convolution is a cross-correlation, "
                "y[t] = sum over m of kernel[m] * signal[t + m * dilation].",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- #
# ch07-footprint: receptive_field_mask(dilations, kernel_size)
# --------------------------------------------------------------------------- #
def _path_counts(dilations, kernel_size: int) -> np.ndarray:
    counts = np.ones(1, dtype=np.int64)
    ones = np.ones((1, 1, kernel_size), dtype=np.int64)  # (C_out=1, C_in=1, k)
    for d in dilations:
        d = int(d)
        # A 'full' correlation with the layer's taps spreads every path one layer further.
        counts = conv1d(counts[np.newaxis], ones, padding=d * (kernel_size - 1), dilation=d)[0]  # (r,)
    return counts


def _ref_footprint(dilations, kernel_size: int) -> np.ndarray:
    return _path_counts(dilations, kernel_size) > 0


def _cases_footprint(rng: np.random.Generator) -> list[Case]:
    del rng  # fixed schedules, each one a kind of stack
    return [
        Case(((1, 2, 4), 3), "doubling dilations, 3 taps"),
        Case(((2, 2, 2), 3), "equal dilations"),
        Case(((1, 2, 5), 3), "a hybrid schedule"),
        Case(((1, 1, 1), 3), "no dilation"),
        Case(((1, 2, 4, 8), 2), "WaveNet-style, 2 taps"),
        Case(((3, 3), 2), "equal dilations, 2 taps"),
        Case(((4,), 3), "a single dilated layer"),
        Case(((2, 5), 3), "two layers with different dilations"),
    ]


def _wrong_each_layer_alone(dilations, kernel_size):
    """Each layer's own taps marked from 0, as if the paths did not add up."""
    mask = np.zeros(len(_path_counts(dilations, kernel_size)), dtype=bool)
    for d in dilations:
        mask[int(d) * np.arange(kernel_size)] = True
    return mask


register_exercise(
    Exercise(
        exercise_id="ch07-footprint",
        function_name="receptive_field_mask",
        arg_names=("dilations", "kernel_size"),
        reference=_ref_footprint,
        make_cases=_cases_footprint,
        diagnoses=(
            Diagnosis(
                lambda ds, k: _ref_footprint([d + 1 for d in ds], k),
                "dilation counted from 0: dilation d puts a layer's taps d apart, at 0, d, 2d, ..., "
                "(k - 1)d.",
            ),
            Diagnosis(
                lambda ds, k: np.ones(len(_path_counts(ds, k)), dtype=bool),
                "every pixel of the field is marked: the field's width is right, but with some "
                "schedules pixels inside it never reach the output (the holes of gridding).",
            ),
            Diagnosis(
                lambda ds, k: _path_counts(ds, k),
                "these are the numbers of paths, not a mask: return True (or 1) where at least one "
                "path reaches the output and False (or 0) elsewhere.",
            ),
            Diagnosis(
                lambda ds, k: _ref_footprint(ds, k)[:-1],
                "one pixel short: the field is 1 + sum of d(k - 1) pixels wide (the output pixel "
                "itself already sees one input pixel).",
            ),
            Diagnosis(
                _wrong_each_layer_alone,
                "each layer's taps are marked on their own: offsets add up along a path, so a pixel "
                "is reached when it is a sum of one tap offset m * d per layer.",
            ),
        ),
    )
)
