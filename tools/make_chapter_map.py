"""Draw the small pictures of the landing page's chapter map.

Usage::

    python tools/make_chapter_map.py            # every chapter in _toc.yml
    python tools/make_chapter_map.py --check    # exit 1 if a picture is stale

Each chapter listed in ``_toc.yml`` that has an entry in ``PICTURES`` gets
``chapters/images/chapter_map/<chapter>.png``, drawn with convkit's plotting
helpers in the course's colours and rendered with
:func:`convkit.plotting.figure_png` (identical bytes on every run, so the
committed pictures only change when a drawing does). ``intro.md`` shows them
with the alt text below; a test checks that the two agree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml
from matplotlib.figure import Figure

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "chapters" / "images" / "chapter_map"
DPI = 60


def _cross_correlation():
    from convkit.plotting import conv_step_figure

    x = np.arange(25).reshape(5, 5) % 4
    w = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])
    return conv_step_figure(5, 3, step=4, input=x, weight=w)


def _channels():
    from convkit.plotting import multichannel_figure

    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(3, 4, 4))
    w = rng.integers(-1, 2, size=(3, 2, 2))
    return multichannel_figure(x, w)


def _arithmetic():
    from convkit.plotting import conv_step_figure

    return conv_step_figure(5, 3, stride=2, padding=1, step=1)


def _conv3d():
    from convkit.plotting.colors import EDGE, FIGURE_FACE, INPUT, KERNEL

    fig = Figure(figsize=(3.2, 2.6), facecolor=FIGURE_FACE)
    ax = fig.add_subplot(projection="3d")
    volume = np.ones((5, 5, 5), dtype=bool)  # (D, H, W)
    kernel = np.zeros_like(volume)
    kernel[1:4, 1:4, 1:4] = True
    volume &= ~kernel
    ax.voxels(volume, facecolors=INPUT + "55", edgecolors=EDGE + "33", linewidth=0.3)
    ax.voxels(kernel, facecolors=KERNEL, edgecolors=EDGE, linewidth=0.8)
    ax.set_axis_off()
    ax.set_box_aspect((1, 1, 1))
    return fig


def _pointwise():
    from convkit.plotting import matrix_figure

    weight = np.array([[1, 0, -1, 2], [0, 2, 1, -1], [1, 1, 0, 0]])  # (C_out, C_in)
    return matrix_figure(weight, title="1x1 kernel = (C_out, C_in) matrix",
                         row_label="output channel", col_label="input channel")


def _dilated():
    from convkit.plotting.dilation import footprint_figure

    return footprint_figure([(2, 2, 2), (1, 2, 5)], 3)


def _depthwise_separable():
    from convkit.plotting.depthwise import separable_connections_figure

    return separable_connections_figure(3, 4, kernel_size=3)


def _flattened():
    from convkit.plotting.flattened import flattened_filter_figure

    return flattened_filter_figure([1, -2, 3], [1, 2, 1], [1, 0, -1])


def _grouped():
    from convkit.plotting import grouped_weight_figure

    return grouped_weight_figure(8, 8, 4)


def _spatially_separable():
    from convkit import SOBEL_COLUMN, SOBEL_ROW
    from convkit.plotting.low_rank import outer_product_figure

    return outer_product_figure(SOBEL_COLUMN, SOBEL_ROW)


def _shuffled_grouped():
    from convkit.plotting import channel_shuffle_figure

    return channel_shuffle_figure(6, 2)


def _pointwise_grouped():
    from convkit.plotting.shuffle import shufflenet_unit_figure

    return shufflenet_unit_figure(240, groups=3, stride=1)


def _side_by_side():
    from convkit.comparison import layer_table
    from convkit.plotting.side_by_side import ratio_bars_figure

    shown = ("standard", "1x1", "depthwise separable", "grouped", "depthwise")
    rows = [r for r in layer_table() if r.name in shown]
    fig = ratio_bars_figure([r.name for r in rows], {"parameters": [r.params for r in rows],
                                                     "multiply-adds": [r.macs for r in rows]})
    fig.set_size_inches(5.4, 3.2)
    fig.tight_layout()
    return fig


def _computing():
    from convkit import unfold
    from convkit.plotting import matrix_figure

    image = np.arange(1, 17).reshape(1, 4, 4)  # (C, H, W)
    return matrix_figure(unfold(image, 3), title="im2col: one column per window",
                         row_label="kernel tap", col_label="output position")


def _causal():
    from convkit.plotting.causal import causal_stack_figure

    return causal_stack_figure(2, [1, 2, 4, 8], length=16)


def _deformable():
    from convkit.plotting.deformable import deform_grid_figure

    rows, cols = np.mgrid[:11, :11]
    image = ((rows - 5) ** 2 + (cols - 5) ** 2 <= 12).astype(float)
    offset = np.zeros((18, 11, 11))
    for t in range(9):
        offset[2 * t], offset[2 * t + 1] = 1.5 * (t // 3 - 1), 1.5 * (t % 3 - 1) + 0.5 * (t // 3 - 1)
    return deform_grid_figure(image, offset, 3, padding=1, outputs=[(5, 5)], margin=1.0, size=2.6)


def _reparam_dynamic():
    from convkit.plotting.reparam import kernel_sum_figure

    kernels = [np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]), np.array([[3]]), np.array([[1]])]
    return kernel_sum_figure(kernels, ["3x3", "1x1", "identity"])


def _group_equivariant():
    from convkit.plotting.equivariant import p4_filters_figure

    return p4_filters_figure(np.array([[2, 1, 0], [1, 0, -1], [0, -1, -3]]))


def _graph():
    from convkit.plotting.graph import message_passing_figure

    return message_passing_figure(4, 4, (1, 1))


# chapter -> (drawing function, alt text). The alt text says what the picture
# shows, for a reader who cannot see it.
def _transposed():
    from convkit.plotting.transposed import stamps_figure

    return stamps_figure(np.array([[1, 2], [3, -1]]), np.array([[1, 2, 1], [0, 1, 0], [2, 0, 1]]), 2)


PICTURES = {
    "chapters/01_cross_correlation": (
        _cross_correlation,
        "A 3 by 3 kernel over a 5 by 5 input, and the output cell it produces.",
    ),
    "chapters/02_channels": (
        _channels,
        "A three-channel input, one kernel per channel, the three per-channel maps and their "
        "sum, the single output channel.",
    ),
    "chapters/03_arithmetic": (
        _arithmetic,
        "A 3 by 3 kernel sliding with stride 2 over a 5 by 5 input padded by one cell of "
        "zeros on each side, giving a 3 by 3 output.",
    ),
    "chapters/04_conv3d": (
        _conv3d,
        "A 3 by 3 by 3 kernel, in orange, inside a 5 by 5 by 5 volume, in blue: the kernel "
        "slides in depth, height and width.",
    ),
    "chapters/05_pointwise": (
        _pointwise,
        "The weight of a 1 by 1 convolution drawn as a matrix with one row per output "
        "channel and one column per input channel.",
    ),
    "chapters/07_dilated": (
        _dilated,
        "The input pixels that reach one output of three stacked dilated 3 by 3 layers: with "
        "dilations 2, 2, 2 a sparse lattice full of holes, with dilations 1, 2, 5 a larger field "
        "with no holes.",
    ),
    "chapters/09_depthwise_separable": (
        _depthwise_separable,
        "Left, a standard 3 by 3 convolution from 3 to 4 channels with a line from every input "
        "channel to every output channel; right, its depthwise separable version: one 3 by 3 kernel "
        "per input channel, then dashed 1 by 1 connections from every intermediate channel to every "
        "output channel, 108 against 39 weights.",
    ),
    "chapters/10_flattened": (
        _flattened,
        "Three 1D filters, across 3 channels, down a column and along a row, above the 3 by 3 "
        "by 3 filter they multiply into: each channel slice is the same kernel, scaled.",
    ),
    "chapters/11_grouped": (
        _grouped,
        "An 8 by 8 grid of output against input channels with four 2 by 2 blocks on the "
        "diagonal: the only weights a convolution with 4 groups has.",
    ),
    "chapters/06_transposed": (
        _transposed,
        "A 2 by 2 input upsampled to 5 by 5: each input pixel stamps a copy of a 3 by 3 kernel, "
        "scaled by its value, two cells from its neighbour's, and the overlapping stamps add up.",
    ),
    "chapters/08_spatially_separable": (
        _spatially_separable,
        "The 3 by 3 Sobel kernel drawn as a multiplication table: the column 1, 2, 1 times the "
        "row 1, 0, -1, each cell the product of the two.",
    ),
    "chapters/12_shuffled_grouped": (
        _shuffled_grouped,
        "Six channels in two groups before and after a channel shuffle: arrows reorder "
        "0, 1, 2, 3, 4, 5 into 0, 3, 1, 4, 2, 5, so the groups alternate.",
    ),
    "chapters/13_pointwise_grouped": (
        _pointwise_grouped,
        "A ShuffleNet unit: a 1 by 1 group convolution, a channel shuffle, a 3 by 3 depthwise "
        "convolution and a second 1 by 1 group convolution, with the input added back at the end.",
    ),
    "chapters/14_side_by_side": (
        _side_by_side,
        "Bars of parameters and multiply-adds relative to a standard 3 by 3 layer with 64 "
        "channels: 1x1 one ninth, depthwise separable and grouped about one eighth, depthwise "
        "one sixty-fourth.",
    ),
    "chapters/15_computing": (
        _computing,
        "The im2col matrix of a 4 by 4 input holding 1 to 16 for a 3 by 3 kernel: 9 rows, one "
        "per kernel tap, and 4 columns, one per window; the central values 6, 7, 10 and 11 "
        "appear in every column.",
    ),
    "chapters/16_causal": (
        _causal,
        "A causal stack of four layers with 2 taps and dilations 1, 2, 4 and 8: lines from the "
        "last output fan down to the 16 most recent inputs, one path each, and none reaches a "
        "later time.",
    ),
    "chapters/17_deformable": (
        _deformable,
        "A 3x3 window over a disc, drawn twice: the regular taps as open circles on a dashed "
        "grid, and the same taps moved by their offsets as diamonds on a solid grid, stretched "
        "and sheared to cover the disc, with an arrow from each tap to where it moved.",
    ),
    "chapters/18_reparam_dynamic": (
        _reparam_dynamic,
        "A 3x3 kernel, a 1x1 kernel and the identity, each padded with zeros to 3x3, added cell "
        "by cell into one 3x3 kernel whose centre is 4.",
    ),
    "chapters/19_group_equivariant": (
        _group_equivariant,
        "A 3 by 3 filter and its copies turned by 90, 180 and 270 degrees, values printed; a "
        "triangle marks the original top-left tap as it travels round the corners.",
    ),
    "chapters/20_graph": (
        _graph,
        "A 4 by 4 pixel grid drawn as a graph, twice: the 9 edges into one pixel carry 9 different "
        "weight matrices for conv2d, and one shared weight scaled by the degrees of the two ends "
        "for a graph convolution.",
    ),
}


def toc_chapters() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    chapters = []
    for part in toc.get("parts", []):
        chapters += [c["file"] for c in part.get("chapters", []) if c["file"].startswith("chapters/")]
    return chapters


def picture_path(chapter: str) -> Path:
    return OUT_DIR / f"{Path(chapter).name}.png"


def render(chapter: str) -> bytes:
    from convkit.plotting import figure_png

    draw, _alt = PICTURES[chapter]
    return figure_png(draw(), dpi=DPI)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a committed picture differs or is missing")
    args = parser.parse_args(argv)
    missing = [c for c in toc_chapters() if c not in PICTURES]
    if missing:
        print(f"no chapter-map picture defined for {missing}: add it to PICTURES", file=sys.stderr)
    stale = []
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for chapter in toc_chapters():
        if chapter not in PICTURES:
            continue
        png = render(chapter)
        path = picture_path(chapter)
        if args.check:
            if not path.is_file() or path.read_bytes() != png:
                stale.append(path.relative_to(REPO).as_posix())
        else:
            path.write_bytes(png)
            print(f"wrote {path.relative_to(REPO)} ({len(png) / 1000:.1f} kB)")
    if stale:
        print(f"stale chapter-map pictures: {stale}", file=sys.stderr)
    return 1 if (stale or missing) else 0


if __name__ == "__main__":
    sys.exit(main())
