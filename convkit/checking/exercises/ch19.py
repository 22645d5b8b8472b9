"""Chapter 19's coding exercises: rotating a p4 feature map, and a filter that rotation leaves unchanged."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.equivariant import rotate_p4, rotated_filters_p4


# --------------------------------------------------------------------------- #
# ch19-turn-p4: turn_p4(feature_map, rho), feature_map (C, 4, H, H)
# --------------------------------------------------------------------------- #
def _ref_turn(feature_map, rho):
    return rotate_p4(feature_map, rho)


def _cases_turn(rng: np.random.Generator) -> list[Case]:
    def fmap(c, h):
        return rng.integers(-9, 10, size=(c, 4, h, h))

    return [
        Case((fmap(1, 3), 1), "one channel, one quarter turn"),
        Case((fmap(2, 4), 1), "two channels, even size"),
        Case((fmap(1, 5), 2), "half a turn"),
        Case((fmap(3, 3), 3), "three quarter turns"),
        Case((fmap(2, 2), 0), "no turn: unchanged"),
        Case((fmap(1, 4), 5), "five quarter turns: the same as one"),
        Case((fmap(2, 3), -1), "minus one quarter turn: clockwise"),
    ]


def _turned(period, wrong):
    """``wrong(y, rho)``, refused on the turns (multiples of ``period``) where it is right."""
    def checked(y, rho):
        if rho % period == 0:
            raise ValueError("the mistake cannot show on this turn")
        return wrong(y, rho)
    return checked


register_exercise(
    Exercise(
        exercise_id="ch19-turn-p4",
        function_name="turn_p4",
        arg_names=("feature_map", "rho"),
        reference=_ref_turn,
        make_cases=_cases_turn,
        diagnoses=(
            Diagnosis(
                _turned(4, lambda y, r: np.rot90(y, r, axes=(-2, -1))),
                "each map is turned but the rotation axis is left alone: a p4 map also moves map "
                "s to position s + rho (mod 4), as a filter turned once more becomes the next copy.",
            ),
            Diagnosis(
                _turned(4, lambda y, r: np.roll(y, r, axis=-3)),
                "the rotation axis is shifted but the maps are not turned: each H x H map must "
                "also be turned by np.rot90(., rho, axes=(-2, -1)).",
            ),
            Diagnosis(
                _turned(2, lambda y, r: np.roll(np.rot90(y, r, axes=(-2, -1)), -r, axis=-3)),
                "the rotation axis is shifted the wrong way: map s goes to position s + rho, so "
                "out[:, s] reads in[:, s - rho] (np.roll by +rho).",
            ),
            Diagnosis(
                _turned(2, lambda y, r: np.roll(np.rot90(y, -r, axes=(-2, -1)), r, axis=-3)),
                "the maps are turned clockwise: the course's rotation is np.rot90's default, "
                "counter-clockwise as displayed.",
            ),
            Diagnosis(
                _turned(4, lambda y, r: np.roll(np.rot90(y, r), r, axis=-3)),
                "np.rot90 turned the first two axes (channels and rotations): pass "
                "axes=(-2, -1) to turn the spatial axes.",
            ),
        ),
    )
)


# --------------------------------------------------------------------------- #
# ch19-symmetrize: symmetrize_filter(weight), weight (C_out, C_in, k, k)
# --------------------------------------------------------------------------- #
def _ref_symmetrize(weight):
    return rotated_filters_p4(weight).sum(axis=1)     # (C_out, 4, C_in, k, k) -> (C_out, C_in, k, k)


def _cases_symmetrize(rng: np.random.Generator) -> list[Case]:
    return [
        Case((rng.integers(-5, 6, size=(1, 1, 3, 3)),), "one 3x3 filter"),
        Case((rng.integers(-5, 6, size=(2, 3, 3, 3)),), "two filters of three channels"),
        Case((rng.integers(-5, 6, size=(1, 2, 2, 2)),), "even kernel"),
        Case((rng.integers(-5, 6, size=(3, 1, 5, 5)),), "5x5 kernels"),
        Case((rng.integers(-5, 6, size=(2, 2, 1, 1)),), "1x1: every filter is already symmetric"),
        Case((rng.integers(-5, 6, size=(1, 1, 4, 4)),), "4x4"),
    ]


def _wrong_axes_sum(weight):
    if weight.shape[0] != weight.shape[1] or weight.shape[-1] == 1:
        raise ValueError("np.rot90 on the channel axes needs C_out == C_in to keep the shape")
    return sum(np.rot90(weight, r) for r in range(4))


register_exercise(
    Exercise(
        exercise_id="ch19-symmetrize",
        function_name="symmetrize_filter",
        arg_names=("weight",),
        reference=_ref_symmetrize,
        make_cases=_cases_symmetrize,
        diagnoses=(
            Diagnosis(
                lambda weight: weight + np.rot90(weight, 2, axes=(-2, -1)),
                "only the turns by 0 and 180 degrees are summed: add the copies turned by 90 and "
                "270 degrees too.",
            ),
            Diagnosis(
                lambda weight: _ref_symmetrize(weight) / 4,
                "this is the mean of the four copies; the exercise asks for their sum (it keeps "
                "integer filters integer).",
            ),
            Diagnosis(
                _wrong_axes_sum,
                "np.rot90 turned the channel axes: pass axes=(-2, -1) to turn the k x k taps.",
            ),
        ),
    )
)
