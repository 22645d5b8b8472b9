"""Chapter 12's coding exercise: channel shuffle."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import floats, ints
from convkit.grouped import channel_shuffle


def _ref_channel_shuffle(input: np.ndarray, groups: int) -> np.ndarray:
    return channel_shuffle(input, groups)


def _inverse_shuffle(input: np.ndarray, groups: int) -> np.ndarray:
    n, c = input.shape[:2]
    # the mistake: (N, C/g, g, ...) instead of (N, g, C/g, ...)
    split = input.reshape(n, c // groups, groups, *input.shape[2:])
    return split.swapaxes(1, 2).reshape(input.shape)


def _cases_channel_shuffle(rng: np.random.Generator) -> list[Case]:
    return [
        Case((ints(rng, (1, 6, 2, 2)), 2), "2 groups of 3 channels"),
        Case((floats(rng, (2, 6, 3, 1)), 3), "3 groups of 2 channels, a batch of 2"),
        Case((floats(rng, (1, 12, 2, 3)), 3), "3 groups of 4 channels"),
        Case((floats(rng, (1, 12, 1, 1)), 4), "4 groups of 3 channels"),
        Case((floats(rng, (2, 8, 2, 2), np.float32), 2), "float32"),
        Case((floats(rng, (1, 5, 2, 2)), 1), "one group (nothing moves)"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch12-channel-shuffle",
        function_name="channel_shuffle",
        arg_names=("input", "groups"),
        reference=_ref_channel_shuffle,
        make_cases=_cases_channel_shuffle,
        diagnoses=(
            Diagnosis(
                _inverse_shuffle,
                "this is the inverse shuffle: split the channels as (groups, C // groups), "
                "then swap those two axes; a (C // groups, groups) split undoes the shuffle.",
            ),
            Diagnosis(
                lambda x, g: x,
                "the channels did not move: reshaping alone keeps their order; swap the "
                "two channel axes before flattening them back.",
            ),
        ),
    )
)
