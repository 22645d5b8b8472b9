"""Chapter 12's coding exercise: channel shuffle."""

from __future__ import annotations

import numpy as np

from convkit.checking.engine import Case, Diagnosis, Exercise, register_exercise
from convkit.checking.exercises._cases import floats, ints
from convkit.grouped import channel_shuffle, shuffle_permutation, stack_reachability


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
        reference=channel_shuffle,
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


# --------------------------------------------------------------------------- #
# Stretch: the reachability matrix of a shuffled stack
# --------------------------------------------------------------------------- #
def _ref_reachability(channels: int, groups: int, layers: int) -> np.ndarray:
    return stack_reachability(channels, groups, layers, shuffle=True).astype(np.int64)


def _reach_steps(channels: int, groups: int, layers: int, *, inverse: bool = False,
                 shuffle_last: bool = False) -> np.ndarray:
    """0/1 reachability with the shuffle (or its ``inverse``) between layers."""
    perm = shuffle_permutation(channels, groups)
    if inverse:
        perm = np.argsort(perm)
    per = channels // groups
    group = np.arange(channels) // per
    mask = (group[:, None] == group[None, :]).astype(np.int64)  # (C_out, C_in) block diagonal
    reach = mask
    for _ in range(layers - 1):
        step = mask @ np.eye(channels, dtype=np.int64)[perm]
        reach = (step @ reach > 0).astype(np.int64)
    if shuffle_last:
        reach = reach[perm]
    return reach


def _cases_reachability(rng: np.random.Generator) -> list[Case]:
    del rng  # the cases are sizes; nothing random
    return [
        Case((12, 3, 2), "12 channels, 3 groups, 2 layers"),
        Case((12, 4, 2), "12 channels, 4 groups, 2 layers (C/g < g)"),
        Case((12, 4, 3), "12 channels, 4 groups, 3 layers"),
        Case((8, 2, 1), "a single layer"),
        Case((18, 6, 2), "18 channels, 6 groups, 2 layers"),
        Case((24, 4, 2), "24 channels, 4 groups, 2 layers"),
        Case((12, 6, 3), "12 channels, 6 groups, 3 layers"),
        Case((6, 6, 3), "depthwise: as many groups as channels"),
        Case((5, 1, 2), "one group"),
    ]


register_exercise(
    Exercise(
        exercise_id="ch12-reachability",
        function_name="reachability",
        arg_names=("channels", "groups", "layers"),
        reference=_ref_reachability,
        make_cases=_cases_reachability,
        diagnoses=(
            Diagnosis(
                lambda c, g, layers: stack_reachability(c, g, layers, shuffle=False),
                "no output ever leaves its group: put the channel shuffle between consecutive "
                "layers.",
            ),
            Diagnosis(
                lambda c, g, layers: _reach_steps(c, g, layers, inverse=True),
                "this is the transpose of the answer, which is also the stack with the inverse "
                "shuffle: entry [f, c] says whether output channel f depends on input channel c "
                "(rows are outputs, like a weight (C_out, C_in)), and the shuffle views the "
                "channels as (groups, C // groups), not (C // groups, groups).",
            ),
            Diagnosis(
                lambda c, g, layers: _reach_steps(c, g, layers, shuffle_last=True),
                "the rows come out permuted: there is no channel shuffle after the last layer.",
            ),
        ),
    )
)
