"""Figures of the course: every helper returns a matplotlib ``Figure``.

Nothing here changes matplotlib's global state: figures are built with
``matplotlib.figure.Figure`` (not pyplot), styles are passed explicitly, and
the palette of :mod:`convkit.plotting.colors` is the course's colour
convention (Okabe-Ito, with a second cue for every role). Attach alt text
when showing a figure: :func:`show`.

==============================  =============================================
``conv_step_figure``            one step of a convolution (ch. 3, 7)
``conv_transpose_step_figure``  one step of a transposed convolution (ch. 6)
``multichannel_figure``         one filter over C channels, maps and sum (ch. 2)
``groups_figure``               which input channels each filter sees (ch. 9, 11)
``matrix_figure``               any small matrix as a heatmap
``conv_matrix_figure``          the convolution matrix C or C^T (ch. 6)
``grouped_weight_figure``       block-diagonal grouped weight (ch. 11)
``channel_shuffle_figure``      the shuffle permutation (ch. 12)
``receptive_field_figure``      stacked (dilated) layers (ch. 3, 7)
``sliding_step_figure``         1D window: correlation and convolution (ch. 1)
``output_step_figure``          one 2D output with its sum of products (ch. 2)
``edges_figure``                image, its correlation and convolution (ch. 1)
``equivariance_figure``         conv(shift(x)) against shift(conv(x)) (ch. 2)
``layer_shapes_figure``         input, filters and output of a layer (ch. 2)
``pointwise_figure``            1x1 convolution at one pixel (ch. 5)
``positions_figure``            every kernel position along one axis (ch. 3)
``add_note``                    a line of text under a figure
``sliding_directions_figure``   2D of C channels against 3D, as boxes (ch. 4)
``volume_slices_figure``        a volume's surface and some slices (ch. 4)
``depth_slice_figure``          input slices under a 3D kernel, output (ch. 4)
``response_projection_figure``  a volume and a 3D response along depth (ch. 4)
==============================  =============================================
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
