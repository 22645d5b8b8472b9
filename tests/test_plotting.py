"""Figures: right number of cells and labels, values, alt text, no global state."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from convkit.plotting import (
    channel_shuffle_figure, conv_matrix_figure, conv_step_figure, conv_transpose_step_figure,
    figure_png, grouped_weight_figure, groups_figure, multichannel_figure, receptive_field_figure, show,
)
from convkit.plotting.render import ALT_METADATA_KEY, png_img_tag, png_size


def patches(fig, gid):
    return [p for ax in fig.axes for p in ax.patches if p.get_gid() == gid]


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_step_figure_cells_and_values():
    x = np.arange(25).reshape(5, 5)
    k = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])
    fig = conv_step_figure(5, 3, stride=2, padding=1, step=4, input=x, weight=k)
    assert isinstance(fig, Figure)
    assert len(patches(fig, "input")) == 25
    assert len(patches(fig, "padding")) == 7 * 7 - 25
    assert len(patches(fig, "kernel")) == 9
    assert len(patches(fig, "output-current")) == 1
    assert len(patches(fig, "output")) == 4 and len(patches(fig, "output-pending")) == 4
    # The outputs computed so far (steps 0..4 in reading order) are printed and equal torch's conv2d.
    y = F.conv2d(torch.tensor(x[None, None]), torch.tensor(k[None, None]), stride=2, padding=1)[0, 0]
    current = patches(fig, "output-current")[0]
    out_ax = current.axes
    printed = {(round(t.get_position()[1] - 0.5), round(t.get_position()[0] - 0.5)): t.get_text()
               for t in out_ax.texts}
    assert printed == {divmod(step, 3): str(int(y[divmod(step, 3)])) for step in range(5)}


def test_step_figure_dilated_kernel_has_gaps():
    fig = conv_step_figure(7, 3, dilation=2, step=0)
    corners = sorted((p.get_x(), p.get_y()) for p in patches(fig, "kernel"))
    assert corners == [(c, r) for c in (0, 2, 4) for r in (0, 2, 4)]


def test_transposed_figure_cells():
    fig = conv_transpose_step_figure(3, 3, stride=2, padding=1, step=0)
    assert len(patches(fig, "input")) == 9
    assert len(patches(fig, "inserted")) == 5 * 5 - 9
    assert len(patches(fig, "padding")) == 7 * 7 - 25
    assert len(patches(fig, "output-current")) == 1
    assert len(patches(fig, "output-pending")) == 24


def test_transposed_figure_values_match_conv_transpose2d():
    x = np.arange(4).reshape(2, 2) + 1
    k = np.array([[1, 0, 2], [0, 1, 0], [3, 0, 1]])
    o = 5
    fig = conv_transpose_step_figure(2, 3, stride=2, step=o * o - 1, input=x, weight=k)
    out_ax = patches(fig, "output-current")[0].axes
    printed = {(round(t.get_position()[1] - 0.5), round(t.get_position()[0] - 0.5)): int(t.get_text())
               for t in out_ax.texts}
    expected = F.conv_transpose2d(torch.tensor(x[None, None]), torch.tensor(k[None, None]), stride=2)[0, 0]
    assert printed == {(r, c): int(expected[r, c]) for r in range(o) for c in range(o)}


def test_multichannel_figure_sum_is_conv2d():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, (3, 4, 4))
    w = rng.integers(-1, 2, (3, 2, 2))
    fig = multichannel_figure(x, w, bias=1)
    assert len(patches(fig, "input")) == 3 * 16
    assert len(patches(fig, "kernel")) == 3 * 4
    assert len(patches(fig, "channel-map")) == 3 * 9
    sums = patches(fig, "output-sum")
    assert len(sums) == 9
    expected = F.conv2d(torch.tensor(x[None]), torch.tensor(w[None]), bias=torch.tensor([1]))[0, 0]
    ax = sums[0].axes

    def printed_at(cells):
        x0 = min(p.get_x() for p in cells)
        y0 = min(p.get_y() for p in cells)
        return {(round(t.get_position()[1] - 0.5 - y0), round(t.get_position()[0] - 0.5 - x0)): t.get_text()
                for t in ax.texts if x0 < t.get_position()[0] < x0 + 3 and y0 < t.get_position()[1] < y0 + 3}

    assert printed_at(sums) == {(r, c): str(int(expected[r, c])) for r in range(3) for c in range(3)}
    # Each channel's map is torch's single-channel correlation of that channel with its kernel.
    maps = patches(fig, "channel-map")
    for channel in range(3):
        cells = maps[9 * channel:9 * channel + 9]
        expected_map = F.conv2d(torch.tensor(x[None, channel:channel + 1]), torch.tensor(w[None, channel:channel + 1]))[0, 0]
        assert printed_at(cells) == {(r, c): str(int(expected_map[r, c])) for r in range(3) for c in range(3)}


def test_groups_figure_connections():
    fig = groups_figure(6, 4, 2)
    assert len(patches(fig, "input-channel")) == 6
    assert len(patches(fig, "filter")) == 4
    lines = [line for ax in fig.axes for line in ax.lines if line.get_gid() == "connection"]
    assert len(lines) == 4 * 3
    assert any("groups = 2" in t for t in [fig._suptitle.get_text()])


def test_grouped_weight_and_shuffle_figures():
    fig = grouped_weight_figure(8, 6, 2)
    assert len(patches(fig, "weight")) == 6 * 4
    assert len(patches(fig, "absent")) == 6 * 8 - 24
    assert len(patches(fig, "block")) == 2
    fig = channel_shuffle_figure(6, 3)
    assert len(patches(fig, "channel")) == 12
    labels = [t for t in texts(fig) if t.isdigit()]
    assert labels[6:] == ["0", "2", "4", "1", "3", "5"]
    # the title names the reshape with the notation page's symbols (n is a kernel tap)
    assert fig._suptitle.get_text().endswith("(g, C/g) → (C/g, g)")


def test_conv_matrix_figure_shape_in_title():
    fig = conv_matrix_figure(4, np.ones((3, 3)))
    assert "4×16" in fig.axes[0].get_title()
    fig = conv_matrix_figure(4, np.ones((3, 3)), transpose=True)
    assert "16×4" in fig.axes[0].get_title()


def test_receptive_field_figure():
    fig = receptive_field_figure([(3, 1, 1), (3, 1, 2), (3, 1, 4)])
    assert len(patches(fig, "input-unit")) == 15
    assert "15 input units" in fig._suptitle.get_text()
    fig = receptive_field_figure([])  # no layers: the output unit is the input unit (convkit.receptive_field)
    assert len(patches(fig, "input-unit")) == 1
    assert fig._suptitle.get_text().startswith("receptive field: 1 input unit\n")


def test_figures_have_opaque_light_background():
    fig = conv_step_figure(4, 3)
    png = figure_png(fig)
    from PIL import Image
    import io
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    assert image.getpixel((0, 0)) == (255, 255, 255, 255)


def test_png_is_deterministic():
    assert figure_png(conv_step_figure(5, 3, padding=1)) == figure_png(conv_step_figure(5, 3, padding=1))


def test_show_and_png_img_tag_carry_alt_text():
    fig = conv_step_figure(4, 3)
    html = png_img_tag(figure_png(fig), alt='A 3x3 kernel "sliding"')
    assert 'alt="A 3x3 kernel &quot;sliding&quot;"' in html and html.startswith("<img ")
    out = show(fig, alt="A kernel.")
    data, metadata = out._repr_mimebundle_()
    assert data["text/plain"] == "[figure] A kernel."
    assert metadata[ALT_METADATA_KEY] == "A kernel."
    assert png_size(out.png) == (metadata["image/png"]["width"], metadata["image/png"]["height"])
    with pytest.raises(ValueError):
        show(fig, alt="  ")
    with pytest.raises(TypeError):
        show("not a figure", alt="x")


def test_plotting_changes_no_global_state():
    import subprocess
    import sys

    code = (
        # dict.items reads the raw values: rcParams["backend"] would import pyplot itself.
        "import matplotlib as mpl, sys; before = dict(dict.items(mpl.rcParams));"
        "import convkit.plotting as p, convkit.explorer, convkit.animation;"
        "p.conv_step_figure(5, 3, padding=1); p.receptive_field_figure([(3, 1, 2)]);"
        "after = dict(dict.items(mpl.rcParams));"
        "changed = [k for k in before if before[k] != after[k]];"
        "print(changed, 'matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] False"


def test_importing_convkit_does_not_import_plotting_libraries():
    import subprocess
    import sys

    code = "import sys, convkit; print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"
