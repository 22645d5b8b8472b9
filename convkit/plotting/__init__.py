"""Figures of the course: every helper returns a matplotlib ``Figure``.

Nothing here changes matplotlib's global state: figures are built with
``matplotlib.figure.Figure`` (not pyplot), styles are passed explicitly, and
the palette of :mod:`convkit.plotting.colors` is the course's colour
convention (Okabe-Ito, with a second cue for every role). Attach alt text
when showing a figure: :func:`show`.

The names in ``__all__`` are re-exported from the submodules that define
and document them.
"""

from convkit.plotting.channels import groups_figure, multichannel_figure
from convkit.plotting.diagrams import conv_step_figure, conv_transpose_step_figure
from convkit.plotting.fields import receptive_field_figure
from convkit.plotting.images import edges_figure, equivariance_figure
from convkit.plotting.layers import layer_shapes_figure, pointwise_figure
from convkit.plotting.notes import add_note
from convkit.plotting.positions import positions_alt_text, positions_figure
from convkit.plotting.sliding import output_step_figure, sliding_step_figure
from convkit.plotting.matrices import (
    channel_shuffle_figure,
    conv_matrix_figure,
    grouped_weight_figure,
    matrix_figure,
)
from convkit.plotting.render import figure_png, show
from convkit.plotting.volumes import (
    depth_slice_figure,
    response_projection_figure,
    sliding_directions_figure,
    volume_slices_figure,
)

__all__ = [
    "add_note",
    "positions_alt_text",
    "positions_figure",
    "edges_figure",
    "equivariance_figure",
    "layer_shapes_figure",
    "output_step_figure",
    "pointwise_figure",
    "sliding_step_figure",
    "channel_shuffle_figure",
    "conv_matrix_figure",
    "conv_step_figure",
    "conv_transpose_step_figure",
    "figure_png",
    "grouped_weight_figure",
    "groups_figure",
    "matrix_figure",
    "multichannel_figure",
    "receptive_field_figure",
    "show",
    "depth_slice_figure",
    "response_projection_figure",
    "sliding_directions_figure",
    "volume_slices_figure",
]
