"""Chapter 4's figures: projected box corners, which slices are shown, values against torch,
alt text, bad input, no global matplotlib state."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from convkit.plotting import depth_slice_figure, sliding_directions_figure, volume_slices_figure
from convkit.plotting import colors
from convkit.plotting.volumes import (
    FLAT_DEPTH,
    _box_faces,
    _cabinet_project,
    _draw_box,
    depth_slice_description,
    response_projection_description,
    response_projection_figure,
    sliding_directions_description,
    volume_slices_description,
)

COS35, SIN35 = 0.8191520443, 0.5735764364   # cos and sin of 35 degrees


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def boxes(ax, gid):
    """The (front, top, right) polygons of each box with this gid, as page coordinates."""
    faces = [p.get_xy() for p in ax.patches if p.get_gid() == gid]
    assert len(faces) % 3 == 0
    return [faces[i:i + 3] for i in range(0, len(faces), 3)]


def drawn_depth(box):
    """Depth of a box read off its right face: its x extent is depth * 0.5 * cos 35."""
    right = box[2]
    return (right[:, 0].max() - right[:, 0].min()) / (0.5 * COS35)


def torch_same(volume, kernel):
    pad = tuple(k // 2 for k in kernel.shape)
    return F.conv3d(torch.tensor(volume[None, None], dtype=torch.float64),
                    torch.tensor(kernel[None, None], dtype=torch.float64), padding=pad)[0, 0].numpy()


# --- geometry ---------------------------------------------------------------------------------

def test_cabinet_project_known_points():
    points = np.array([[0, 0, 0], [1, 2, 0], [0, 0, 2], [3, -1, 4]])
    expected = np.array([[0, 0], [1, 2], [COS35, SIN35], [3 + 2 * COS35, -1 + 2 * SIN35]])
    np.testing.assert_allclose(_cabinet_project(points), expected, atol=1e-9)
    assert _cabinet_project(np.zeros((2, 4, 3))).shape == (2, 4, 2)


def test_box_faces_corners():
    faces = _box_faces((1, 2, 3), (4, 5, 6))
    assert faces.shape == (3, 4, 3)
    front, top, right = faces
    np.testing.assert_array_equal(front, [(1, 2, 3), (5, 2, 3), (5, 7, 3), (1, 7, 3)])
    np.testing.assert_array_equal(top, [(1, 7, 3), (5, 7, 3), (5, 7, 9), (1, 7, 9)])
    np.testing.assert_array_equal(right, [(5, 2, 3), (5, 2, 9), (5, 7, 9), (5, 7, 3)])


def test_draw_box_projects_corners_and_shades_faces():
    ax = Figure().subplots()
    front, top, right = _draw_box(ax, (1, 0, 2), (2, 3, 4), colors.KERNEL, gid="kernel")
    assert [p.get_gid() for p in ax.patches] == ["kernel"] * 3
    # Polygon closes itself: the first corner comes back at the end.
    # The front face sits at depth 2, drawn 2 * 0.5 = 1 unit along the 35-degree slant.
    np.testing.assert_allclose(front.get_xy()[:4], [(1 + COS35, SIN35), (3 + COS35, SIN35),
                                                    (3 + COS35, 3 + SIN35), (1 + COS35, 3 + SIN35)],
                               atol=1e-9)
    # Corner (x + w, y, z + d) = (3, 0, 6) of the right face.
    np.testing.assert_allclose(right.get_xy()[1], (3 + 3 * COS35, 3 * SIN35), atol=1e-9)
    kernel_rgb = np.array(matplotlib.colors.to_rgb(colors.KERNEL))
    np.testing.assert_allclose(front.get_facecolor()[:3], kernel_rgb)
    np.testing.assert_allclose(top.get_facecolor()[:3], 0.85 * kernel_rgb)
    np.testing.assert_allclose(right.get_facecolor()[:3], 0.7 * kernel_rgb)


# --- the box sketch ---------------------------------------------------------------------------

@pytest.mark.parametrize("channels, depth, kernel_depth", [(3, 8, 3), (5, 12, 4), (1, 2, 1)])
def test_sliding_directions_depths(channels, depth, kernel_depth):
    fig = sliding_directions_figure(channels, depth, kernel_depth)
    assert isinstance(fig, Figure)
    left, right = fig.axes
    (in_2d,), (k_2d,), (out_2d,) = boxes(left, "input"), boxes(left, "kernel"), boxes(left, "output")
    (in_3d,), (k_3d,), (out_3d,) = boxes(right, "input"), boxes(right, "kernel"), boxes(right, "output")
    # 2D: the filter is as deep as the input, and the output is a flat map.
    assert drawn_depth(in_2d) == pytest.approx(channels)
    assert drawn_depth(k_2d) == pytest.approx(channels)
    assert drawn_depth(out_2d) == pytest.approx(FLAT_DEPTH)
    # 3D: the kernel is shallower, and the output depth is torch's.
    torch_depth = F.conv3d(torch.zeros(1, 1, depth, 4, 4), torch.zeros(1, 1, kernel_depth, 1, 1)).shape[2]
    assert drawn_depth(in_3d) == pytest.approx(depth)
    assert drawn_depth(k_3d) == pytest.approx(kernel_depth)
    assert drawn_depth(out_3d) == pytest.approx(torch_depth)
    labels = texts(fig)
    assert f"C = {channels}\nchannels" in labels
    assert f"D = {depth}\nslices" in labels
    assert f"one filter gives\na volume {torch_depth} deep" in labels
    assert "and along D" in labels
    # Every box fits in its axes.
    for ax in fig.axes:
        corners = np.concatenate([p.get_xy() for p in ax.patches])
        assert corners[:, 0].max() <= ax.get_xlim()[1] and corners[:, 1].max() <= ax.get_ylim()[1]


def test_sliding_directions_description_numbers():
    alt = sliding_directions_description(4, 10, 3)
    assert "4 channels deep" in alt and "10 slices deep" in alt and "only 3 slices deep" in alt
    assert "8 slices deep, a volume" in alt   # 10 - 3 + 1


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(channels=0), ValueError, "channels"),
    (dict(channels=2.0), TypeError, "channels"),
    (dict(channels=True), TypeError, "channels"),
    (dict(depth=40), ValueError, "depth"),
    (dict(depth=8, kernel_depth=8), ValueError, "kernel_depth"),
    (dict(kernel_depth="3"), TypeError, "kernel_depth"),
])
def test_sliding_directions_bad_input(kwargs, error, name):
    with pytest.raises(error, match=name):
        sliding_directions_figure(**kwargs)
    with pytest.raises(error, match=name):
        sliding_directions_description(**kwargs)


# --- a volume and its slices ------------------------------------------------------------------

def small_scene():
    scene = np.zeros((6, 8, 7))
    scene[1:4, 2:5, 1:4] = 1        # a 3x3x3 cube in slices 1..3
    scene[5, 0, :2] = 1             # two voxels in the last slice
    return scene


def test_volume_slices_shows_the_asked_slices():
    scene = small_scene()
    fig = volume_slices_figure(scene, [0, 2, 5])
    surface_ax, *slice_axes = fig.axes
    assert len(slice_axes) == 3
    for ax, z in zip(slice_axes, [0, 2, 5]):
        assert ax.get_title() == f"slice {z}"
        np.testing.assert_array_equal(ax.images[0].get_array(), scene[z])
    # One drawn triangle per triangle of the level-0.5 surface of the zero-padded volume.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from skimage.measure import marching_cubes

    FigureCanvasAgg(fig).draw()
    (surface,) = surface_ax.collections
    _, faces, _, _ = marching_cubes(np.pad(scene, 1), level=0.5)
    assert len(surface.get_paths()) == len(faces) > 0
    assert surface_ax.get_xlim() == (0, 7) and surface_ax.get_ylim() == (0, 6)


def test_volume_slices_description_counts():
    alt = volume_slices_description(small_scene(), [0, 2, 5])
    assert "6 slices of 8 by 7 voxels" in alt
    assert "slice 0 (0 object voxels)" in alt
    assert "slice 2 (9 object voxels)" in alt
    assert "slice 5 (2 object voxels)" in alt


@pytest.mark.parametrize("args, kwargs, error, name", [
    ((np.zeros((4, 4)), [0]), {}, ValueError, "volume"),
    (("abc", [0]), {}, TypeError, "volume"),
    ((small_scene(), [6]), {}, ValueError, "slices"),
    ((small_scene(), [0, 1, 2, 3, 4]), {}, ValueError, "slices"),
    ((small_scene(), [1.0]), {}, TypeError, "slices"),
    ((small_scene(), [1]), dict(level=1.5), ValueError, "level"),
])
def test_volume_slices_bad_input(args, kwargs, error, name):
    with pytest.raises(error, match=name):
        volume_slices_figure(*args, **kwargs)


def test_scikit_image_is_imported_only_when_drawing_a_volume():
    code = ("import sys, convkit, convkit.plotting, convkit.plotting.volumes; "
            "print('skimage' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- one depth slice --------------------------------------------------------------------------

@pytest.fixture
def scene_and_kernel():
    rng = np.random.default_rng(4)
    return (rng.integers(0, 2, size=(7, 9, 8)).astype(float),
            rng.integers(-2, 3, size=(3, 3, 3)).astype(float))


def test_depth_slice_panels_and_values(scene_and_kernel):
    scene, kernel = scene_and_kernel
    expected = torch_same(scene, kernel)
    fig = depth_slice_figure(scene, kernel, 4)
    assert len(fig.axes) == 4
    for ax, z in zip(fig.axes[:3], (3, 4, 5)):
        assert ax.get_title() == f"input slice {z}"
        np.testing.assert_array_equal(ax.images[0].get_array(), scene[z])
    out_ax = fig.axes[3]
    assert out_ax.get_title() == "output slice 4"
    np.testing.assert_allclose(out_ax.images[0].get_array(), expected[4], atol=1e-12)
    # One colour scale for every z: symmetric around zero, the largest |value| of the whole output.
    limit = np.abs(expected).max()
    assert out_ax.images[0].get_clim() == pytest.approx((-limit, limit))
    assert any("3x3x3 kernel" in t for t in texts(fig))


def test_depth_slice_at_the_border_shows_padding(scene_and_kernel):
    scene, kernel = scene_and_kernel
    first = depth_slice_figure(scene, kernel, 0)
    assert first.axes[0].get_title() == "slice -1 (outside)"
    assert [p.get_gid() for p in first.axes[0].patches] == ["padding"]
    assert first.axes[0].patches[0].get_hatch() == "//"
    assert "padding\n(zeros)" in [t.get_text() for t in first.axes[0].texts]
    np.testing.assert_array_equal(first.axes[1].images[0].get_array(), scene[0])
    last = depth_slice_figure(scene, kernel, 6)
    assert last.axes[2].get_title() == "slice 7 (outside)"
    assert last.axes[1].get_title() == "input slice 6"


def test_depth_slice_deeper_kernel(scene_and_kernel):
    scene, _ = scene_and_kernel
    kernel = np.arange(45, dtype=float).reshape(5, 3, 3) - 22
    fig = depth_slice_figure(scene, kernel, 3)
    assert [ax.get_title() for ax in fig.axes] == [
        "input slice 1", "input slice 2", "input slice 3", "input slice 4", "input slice 5", "output slice 3"]
    np.testing.assert_allclose(fig.axes[-1].images[0].get_array(), torch_same(scene, kernel)[3],
                               atol=1e-9)


def test_depth_slice_description_numbers(scene_and_kernel):
    scene, kernel = scene_and_kernel
    expected = torch_same(scene, kernel)[2]
    alt = depth_slice_description(scene, kernel, 2)
    assert alt.startswith("Input slices 1, 2 and 3 and output slice 2")
    assert f"from {expected.min():.1f} to {expected.max():.1f}" in alt
    border = depth_slice_description(scene, kernel, 0)
    assert border.startswith("Input slices 0 and 1 (and padding zeros for slice -1")
    deep = depth_slice_description(scene[:1], np.ones((1, 3, 3)), 0)
    assert deep.startswith("Input slice 0 and output slice 0")


@pytest.mark.parametrize("volume, kernel, z, error, name", [
    (np.zeros((5, 5, 5)), np.zeros((2, 3, 3)), 1, ValueError, "kernel"),
    (np.zeros((5, 5, 5)), np.zeros((3, 7, 3)), 1, ValueError, "kernel"),
    (np.zeros((5, 5, 5)), np.zeros((3, 3)), 1, ValueError, "kernel"),
    (np.zeros((5, 5)), np.zeros((3, 3, 3)), 1, ValueError, "volume"),
    (np.zeros((5, 5, 5)), np.zeros((3, 3, 3)), 5, ValueError, "z"),
    (np.zeros((5, 5, 5)), np.zeros((3, 3, 3)), -1, ValueError, "z"),
    (np.zeros((5, 5, 5)), np.zeros((3, 3, 3)), 1.0, TypeError, "z"),
    (None, np.zeros((3, 3, 3)), 1, TypeError, "volume"),
])
def test_depth_slice_bad_input(volume, kernel, z, error, name):
    with pytest.raises(error, match=name):
        depth_slice_figure(volume, kernel, z)
    with pytest.raises(error, match=name):
        depth_slice_description(volume, kernel, z)


# --- maximum projections of a response ----------------------------------------------------------

def test_response_projection_images_and_marker(scene_and_kernel):
    scene, kernel = scene_and_kernel
    expected = torch_same(scene, kernel)
    z, y, x = np.unravel_index(np.argmax(expected), expected.shape)
    fig = response_projection_figure(scene, kernel)
    input_ax, response_ax = fig.axes[:2]
    np.testing.assert_array_equal(input_ax.images[0].get_array(), scene.max(0))
    np.testing.assert_allclose(response_ax.images[0].get_array(), expected.max(0), atol=1e-12)
    (cross,) = response_ax.lines
    assert (cross.get_xdata()[0], cross.get_ydata()[0]) == (x, y)
    (label,) = [t for t in response_ax.texts if t.get_text() == "strongest response"]
    assert tuple(label.xy) == (x, y)
    assert len(fig.axes) == 3   # and the colour bar
    alt = response_projection_description(scene, kernel)
    assert f"{expected.max():.1f} at (z, y, x) = ({z}, {y}, {x})" in alt
    assert "3x3x3 kernel" in alt


@pytest.mark.parametrize("volume, kernel, error, name", [
    (np.zeros((5, 5, 5)), np.zeros((3, 4, 3)), ValueError, "kernel"),
    (np.zeros((5, 5, 5, 1)), np.zeros((3, 3, 3)), ValueError, "volume"),
    (np.zeros((5, 5, 5)), [["a"]], TypeError, "kernel"),
])
def test_response_projection_bad_input(volume, kernel, error, name):
    with pytest.raises(error, match=name):
        response_projection_figure(volume, kernel)
    with pytest.raises(error, match=name):
        response_projection_description(volume, kernel)


# --- no global state --------------------------------------------------------------------------

def test_helpers_change_no_global_matplotlib_state(scene_and_kernel):
    import matplotlib.pyplot as plt

    scene, kernel = scene_and_kernel
    before = dict(matplotlib.rcParams)
    figures_before = plt.get_fignums()
    sliding_directions_figure()
    volume_slices_figure((scene > 0).astype(float), [1, 2])
    depth_slice_figure(scene, kernel, 3)
    response_projection_figure(scene, kernel)
    assert plt.get_fignums() == figures_before
    assert dict(matplotlib.rcParams) == before
