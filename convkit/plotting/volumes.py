"""Volumes and 3D convolution: box sketches, a volume and its slices, one depth slice (chapter 4).

The sketches are boxes in a cabinet projection (depth receding at
:data:`SLANT_ANGLE`); depths come from :func:`convkit.conv_output_size` and
responses from :func:`convkit.conv3d`. Each figure has a ``*_description``
companion that writes its alt text from the same numbers.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from convkit._validation import check_int, is_int
from convkit.sizes import conv_output_size
from convkit.conv import conv3d
from convkit.plotting import colors
from convkit.plotting._grid import no_ticks

__all__ = [
    "sliding_directions_figure",
    "sliding_directions_description",
    "volume_slices_figure",
    "volume_slices_description",
    "depth_slice_figure",
    "depth_slice_description",
    "response_projection_figure",
    "response_projection_description",
    "SLANT_ANGLE",
    "SLANT_SCALE",
    "FLAT_DEPTH",
]

#: Angle (degrees) of the receding depth axis of the box sketches.
SLANT_ANGLE = 35.0
#: Drawn length of one unit of depth, as a fraction of one unit of width.
SLANT_SCALE = 0.5
#: Drawn depth of a 2D map in :func:`sliding_directions_figure` (thin, not zero).
FLAT_DEPTH = 0.15

_KERNEL_EDGE = "#3b2a00"   # darker orange: the kernel's thick outline
_OUTPUT_EDGE = "#004d38"   # darker green
_MAX_SKETCH_DEPTH = 16


def _cabinet_project(points):
    """Page coordinates ``(..., 2)`` of ``(x, y, z)`` points ``(..., 3)``, depth receding."""
    points = np.asarray(points, dtype=float)
    angle = np.radians(SLANT_ANGLE)
    slant = SLANT_SCALE * np.array([np.cos(angle), np.sin(angle)])
    return points[..., :2] + points[..., 2:3] * slant   # (..., 2)


def _box_faces(origin, size):
    """Front, top and right faces of a box as corners ``(3, 4, 3)``; origin: front-bottom-left."""
    x0, y0, z0 = origin
    w, h, d = size
    x1, y1, z1 = x0 + w, y0 + h, z0 + d
    return np.array([
        [(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0)],   # front
        [(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)],   # top
        [(x1, y0, z0), (x1, y0, z1), (x1, y1, z1), (x1, y1, z0)],   # right side
    ])


def _draw_box(ax, origin, size, facecolor, alpha=1.0, edgecolor=colors.EDGE, linewidth=1.0,
              zorder=1, gid=None):
    """Draw a box in cabinet projection, top and side shaded darker; return its three faces."""
    patches = []
    for shade, corners in zip((1.0, 0.85, 0.7), _box_faces(origin, size)):
        patch = Polygon(_cabinet_project(corners), closed=True, facecolor=facecolor, alpha=alpha,
                        edgecolor=edgecolor, linewidth=linewidth, zorder=zorder)
        # Darker top and side faces give the box its depth without a second colour.
        rgb = np.array(patch.get_facecolor()[:3]) * shade
        patch.set_facecolor((*rgb, alpha))
        patch.set_gid(gid)
        ax.add_patch(patch)
        patches.append(patch)
    return patches


def _arrow(ax, start, end, text="", text_offset=(0.0, 0.0)):
    ax.annotate("", xy=end, xytext=start, zorder=5,
                arrowprops=dict(arrowstyle="-|>", lw=1.6, color="black"))
    if text:
        middle = (np.asarray(start, float) + np.asarray(end, float)) / 2 + np.asarray(text_offset)
        ax.text(*middle, text, fontsize=9, ha="center", va="center", zorder=5)


def _sketch_sizes(channels, depth, kernel_depth):
    channels = check_int(channels, "channels", minimum=1)
    depth = check_int(depth, "depth", minimum=1)
    kernel_depth = check_int(kernel_depth, "kernel_depth", minimum=1)
    for name, value in (("channels", channels), ("depth", depth)):
        if value > _MAX_SKETCH_DEPTH:
            raise ValueError(f"{name} must be at most {_MAX_SKETCH_DEPTH} to be drawn, "
                             f"got {value}")
    if kernel_depth >= depth:
        raise ValueError(f"kernel_depth must be smaller than depth ({depth}) for the kernel to "
                         f"slide along depth, got {kernel_depth}")
    # A filter as deep as the channels fits once: output depth 1, a 2D map.
    map_depth = conv_output_size(channels, channels)
    volume_out_depth = conv_output_size(depth, kernel_depth)
    return channels, depth, kernel_depth, map_depth, volume_out_depth


def sliding_directions_figure(channels=3, depth=8, kernel_depth=3):
    """Sketch why a multi-channel 2D convolution is 2D and a 3D convolution is 3D.

    Left: an input ``channels`` deep holds a filter just as deep; it slides
    along W and H and gives one flat map (output depth
    ``conv_output_size(channels, channels) == 1``). Right: a volume ``depth``
    slices deep holds a kernel ``kernel_depth`` deep; it slides along D too
    and gives a volume ``conv_output_size(depth, kernel_depth)`` deep. One
    drawn unit of depth is one channel or one slice (chapter 4).

    Parameters
    ----------
    channels : int, default 3
        Input channels of the 2D convolution (at most 16).
    depth : int, default 8
        Depth of the volume of the 3D convolution (at most 16).
    kernel_depth : int, default 3
        Depth of the 3D kernel, smaller than ``depth``.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes; the boxes' patches carry the gids ``"input"``, ``"kernel"``
        and ``"output"``.

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is not positive, too deep to draw, or
        ``kernel_depth >= depth``.
    """
    channels, depth, kernel_depth, map_depth, out_depth = _sketch_sizes(channels, depth,
                                                                        kernel_depth)
    fig = Figure(figsize=(9.6, 3.4), facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, 2)
    panels = [
        # (input depth, kernel depth, kernel z, output depth, labels)
        (channels, channels, 0, FLAT_DEPTH if map_depth == 1 else map_depth,
         f"C = {channels}\nchannels", f"filter: {channels} x k x k",
         "one filter gives\none 2D map", f"2D convolution of a {channels}-channel image"),
        (depth, kernel_depth, (depth - kernel_depth) // 2, out_depth,
         f"D = {depth}\nslices", f"kernel: {kernel_depth} x k x k",
         f"one filter gives\na volume {out_depth} deep", "3D convolution of a volume"),
    ]
    for ax, (in_d, k_d, k_z, out_d, depth_label, kernel_label, out_label, title) in zip(axes, panels):
        _draw_box(ax, (0, 0, 0), (6, 6, in_d), colors.INPUT, 0.35, gid="input")
        _draw_box(ax, (0.6, 3.0, k_z), (2.4, 2.4, k_d), colors.KERNEL, 1.0, edgecolor=_KERNEL_EDGE,
                 linewidth=2.2, zorder=3, gid="kernel")
        _arrow(ax, (0.6, -0.6), (3.6, -0.6), "slides along W", (0, -0.45))
        _arrow(ax, (-0.6, 5.4), (-0.6, 2.0), "along H", (-1.4, 0))
        if k_d < in_d:
            start = _cabinet_project((3.2, 5.6, k_z + 0.2))
            end = _cabinet_project((3.2, 5.6, min(in_d, k_z + k_d + 1.5)))
            _arrow(ax, start, end, "and along D", (0.2, 0.75))
        else:
            ax.text(*(_cabinet_project((1.8, 6.0, k_d)) + [0, 0.45]), kernel_label, fontsize=8,
                    ha="center")
        ax.text(*_cabinet_project((6.15, 0.2, in_d * 0.4)), depth_label, fontsize=8, va="bottom")
        right = _cabinet_project((6, 0, in_d))[0]
        _arrow(ax, (right + 0.3, 3.0), (right + 1.7, 3.0))
        _draw_box(ax, (right + 2.0, 1.0, 0), (4, 4, out_d), colors.OUTPUT, 1.0,
                 edgecolor=_OUTPUT_EDGE, linewidth=1.5, gid="output")
        ax.text(right + 4.0, 0.3, out_label, fontsize=8.5, ha="center", va="top")
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        ax.axis("off")
    # One scale for both panels, wide and tall enough for the deepest box.
    corners = np.concatenate([p.get_xy() for ax in axes for p in ax.patches])   # (n, 2) on the page
    x_max, y_max = np.maximum(corners.max(0) + 0.5, (16.5, 8.6))
    for ax in axes:
        ax.set_xlim(-3.0, x_max)
        ax.set_ylim(-1.6, y_max)
    fig.tight_layout()
    return fig


def sliding_directions_description(channels=3, depth=8, kernel_depth=3):
    """Alt text for :func:`sliding_directions_figure` with the same numbers.

    Parameters
    ----------
    channels, depth, kernel_depth
        As in :func:`sliding_directions_figure`.

    Returns
    -------
    str

    Raises
    ------
    TypeError, ValueError
        As :func:`sliding_directions_figure`.
    """
    channels, depth, kernel_depth, _, out_depth = _sketch_sizes(channels, depth, kernel_depth)
    return (f"Two sketches. Left: a light blue input block {channels} channels deep holds an orange "
            f"filter block exactly as deep as the input; arrows show it slides along W and H only, "
            f"and its result is a flat green square, one 2D map. Right: a light blue volume {depth} "
            f"slices deep holds an orange kernel only {kernel_depth} slices deep; arrows show it "
            f"slides along W, H and D, and its result is a green box {out_depth} slices deep, "
            f"a volume.")


def _volume(volume, name="volume"):
    if isinstance(volume, (str, bytes)) or volume is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(volume).__name__}")
    array = np.asarray(volume)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number)
                                     or array.dtype == np.bool_):
        raise TypeError(f"{name} must be an array of numbers, got dtype {array.dtype}")
    if array.ndim != 3:
        raise ValueError(f"{name} must have shape (D, H, W), got {array.shape}")
    if min(array.shape) < 1:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    return array.astype(np.float64)


def _slices(slices, depth):
    if is_int(slices):
        slices = [slices]
    try:
        slices = list(slices)
    except TypeError:
        raise TypeError(f"slices must be a list of ints, got {type(slices).__name__}") from None
    if not 1 <= len(slices) <= 4:
        raise ValueError(f"slices must hold 1 to 4 slice indices, got {len(slices)}")
    checked = []
    for z in slices:
        z = check_int(z, "slices")
        if not 0 <= z < depth:
            raise ValueError(f"slices must be in range(0, {depth}), got {z}")
        checked.append(int(z))
    return checked


def _frame(ax, color, linewidth=None):
    """Colour (and, given ``linewidth``, thicken) the four sides of an image's frame."""
    for side in ax.spines.values():
        side.set_edgecolor(color)
        if linewidth is not None:
            side.set_linewidth(linewidth)


_OBJECT_CMAP = ListedColormap(["white", colors.INPUT])      # empty voxel, object voxel
_PADDING_CMAP = ListedColormap([colors.PADDING, colors.PADDING])


def volume_slices_figure(volume, slices, level=0.5, elev=20, azim=-150):
    """A volume's surface in 3D beside up to four of its slices (chapter 4).

    The surface is the level set ``volume == level`` found by scikit-image's
    ``skimage.measure.marching_cubes`` (scikit-image is not a dependency of
    convkit: it is imported when this function runs; the course's
    requirements install it). The volume is padded by one slice of zeros on
    every side, so the surface is closed where an object touches the border.
    It is drawn with W to the right, D (slice index) into the page and H up,
    so the top row of a slice is at the top. The slices are drawn as images,
    0 white and 1 sky blue.

    Parameters
    ----------
    volume : array_like, shape (D, H, W)
        The volume, typically 0 (empty) and 1 (object).
    slices : int or sequence of int
        One to four depth indices in ``range(D)`` to show on the right.
    level : float, default 0.5
        The value of the drawn surface; it must lie strictly between the
        volume's smallest and largest value.
    elev, azim : float
        View angles of the 3D axes, in degrees.

    Returns
    -------
    matplotlib.figure.Figure
        The 3D axes first, then one axes per slice, titled ``slice ...``.

    Raises
    ------
    TypeError
        If ``volume`` is not numeric or ``slices`` not ints.
    ValueError
        If ``volume`` is not 3D, a slice is out of range, or ``level`` is
        outside the volume's values.
    ModuleNotFoundError
        If scikit-image is not installed.
    """
    scene = _volume(volume)
    shown = _slices(slices, scene.shape[0])
    if not scene.min() < level < scene.max():
        raise ValueError(f"level must lie between the volume's smallest ({scene.min()}) and "
                         f"largest ({scene.max()}) value, got {level}")
    # Only this function needs scikit-image (requirements.txt installs it; without it this
    # raises ModuleNotFoundError): an optional dependency, so it is imported here.
    from skimage.measure import marching_cubes

    depth, height, width = scene.shape
    fig = Figure(figsize=(9.5, 4.0), facecolor=colors.FIGURE_FACE)
    ax = fig.add_subplot(1, 2, 1, projection="3d")
    verts, faces, _, _ = marching_cubes(np.pad(scene, 1), level=level)
    verts -= 1                                                    # (n, 3) as (z, y, x), unpadded
    xyz = np.stack([verts[:, 2], verts[:, 0], height - 1 - verts[:, 1]], axis=1)  # (n, 3) W, D, H up
    ax.add_collection3d(Poly3DCollection(xyz[faces], facecolors=colors.INPUT, shade=True))
    ax.set_xlim(0, width)
    ax.set_ylim(0, depth)
    ax.set_zlim(0, height)
    ax.set_box_aspect((width, depth, height), zoom=0.82)
    ax.set_xlabel("W")
    ax.set_ylabel("D (slice)")
    ax.set_zlabel("H (up = top row)")
    ax.set_zticklabels([])
    ax.view_init(elev=elev, azim=azim)
    ax.set_title("the volume", fontsize=10)
    ax.tick_params(labelsize=7)
    for n, z in enumerate(shown):
        sub = fig.add_subplot(2, 4, 3 + (n // 2) * 4 + n % 2)
        sub.imshow(scene[z], cmap=_OBJECT_CMAP, vmin=0, vmax=1, interpolation="nearest")
        _frame(sub, colors.EDGE)
        sub.set_title(f"slice {z}", fontsize=9)
        no_ticks(sub)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.06, top=0.9, wspace=0.15, hspace=0.3)
    return fig


def volume_slices_description(volume, slices):
    """The numbers of :func:`volume_slices_figure` as the start of its alt text.

    Parameters
    ----------
    volume, slices
        As in :func:`volume_slices_figure`.

    Returns
    -------
    str
        The volume's shape, the slices shown and how many object voxels
        (values of at least 0.5) each slice holds.
    """
    scene = _volume(volume)
    shown = _slices(slices, scene.shape[0])
    counts = [int((scene[z] >= 0.5).sum()) for z in shown]
    depth, height, width = scene.shape
    listed = ", ".join(f"slice {z} ({c} object voxels)" for z, c in zip(shown, counts))
    return (f"Left: a 3D rendering of the surface of a volume of {depth} slices of "
            f"{height} by {width} voxels. Right: {listed}.")


def _depth_slice(volume, kernel, z):
    scene, weight, response, _ = _same_response(volume, kernel)
    z = check_int(z, "z")
    if not 0 <= z < scene.shape[0]:
        raise ValueError(f"z must be in range(0, {scene.shape[0]}), got {z}")
    return scene, weight, int(z), response


def depth_slice_figure(volume, kernel, z):
    """The input slices a 3D kernel reads, beside the output slice it writes (chapter 4).

    The output is ``conv3d(volume, kernel, padding=k // 2)`` (one channel,
    zero padding of half the kernel on every axis, so output slice ``z`` is
    centred on input slice ``z``), computed by :func:`convkit.conv3d`. The
    input panels show slices ``z - kD // 2`` to ``z + kD // 2``, framed in
    the kernel colour; a slice outside the volume is drawn as grey padding
    and labelled. The output slice is a ``RdBu`` heatmap with limits
    ``+-max|response|`` over the whole volume, so frames for different ``z``
    are comparable (blue positive, red negative).

    Parameters
    ----------
    volume : array_like, shape (D, H, W)
        The input volume (one channel), values typically 0 and 1.
    kernel : array_like, shape (kD, kH, kW)
        The 3D kernel; every size odd and at most the volume's.
    z : int
        The output slice, in ``range(D)``.

    Returns
    -------
    matplotlib.figure.Figure
        ``kD + 1`` axes: the input slices in depth order, then the output slice.

    Raises
    ------
    TypeError
        If ``volume`` or ``kernel`` is not numeric, or ``z`` is not an int.
    ValueError
        If a shape is wrong, a kernel size is even or larger than the
        volume, or ``z`` is out of range.
    """
    scene, weight, z, response = _depth_slice(volume, kernel, z)
    depth, height, width = scene.shape
    k_d = weight.shape[0]
    fig = Figure(figsize=(1.9 * (k_d + 1), 2.25), facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, k_d + 1)
    limit = float(np.abs(response).max()) or 1.0
    for ax, dz in zip(axes[:k_d], range(-(k_d // 2), k_d // 2 + 1)):
        if 0 <= z + dz < depth:
            ax.imshow(scene[z + dz], cmap=_OBJECT_CMAP, vmin=0, vmax=1, interpolation="nearest")
            ax.set_title(f"input slice {z + dz}", fontsize=9)
        else:
            ax.imshow(np.zeros((height, width)), cmap=_PADDING_CMAP, vmin=0, vmax=1)
            # Hatching as well as grey: padding never relies on colour alone.
            ax.add_patch(Rectangle((-0.5, -0.5), width, height, fill=False, hatch="//",
                                   edgecolor=colors.EDGE, linewidth=0, alpha=0.4, gid="padding"))
            ax.text(width / 2, height / 2, "padding\n(zeros)", ha="center", va="center", fontsize=8)
            ax.set_title(f"slice {z + dz} (outside)", fontsize=9)
        _frame(ax, colors.KERNEL, 2.5)
    axes[-1].imshow(response[z], cmap=colors.DIVERGING_CMAP, vmin=-limit, vmax=limit,
                    interpolation="nearest")
    axes[-1].set_title(f"output slice {z}", fontsize=9)
    _frame(axes[-1], colors.OUTPUT, 2.5)
    no_ticks(*axes)
    shape = "x".join(str(k) for k in weight.shape)
    fig.text(0.01, 0.03, f"Orange frames: the slices under the {shape} kernel; "
             "output: blue = positive (+), red = negative (-)", fontsize=8)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.88, bottom=0.12, wspace=0.08)
    return fig


def depth_slice_description(volume, kernel, z):
    """Alt text for :func:`depth_slice_figure` with the same numbers.

    Parameters
    ----------
    volume, kernel, z
        As in :func:`depth_slice_figure`.

    Returns
    -------
    str
        Which input slices are shown (and which are padding), and the
        smallest and largest value of output slice ``z`` (from :func:`convkit.conv3d`).

    Raises
    ------
    TypeError, ValueError
        As :func:`depth_slice_figure`.
    """
    scene, weight, z, response = _depth_slice(volume, kernel, z)
    half = weight.shape[0] // 2
    inside = [str(s) for s in range(z - half, z + half + 1) if 0 <= s < scene.shape[0]]
    outside = [str(s) for s in range(z - half, z + half + 1) if not 0 <= s < scene.shape[0]]
    listed = inside[0] if len(inside) == 1 else f"{', '.join(inside[:-1])} and {inside[-1]}"
    text = f"Input slice{'s' if len(inside) > 1 else ''} {listed}"
    if outside:
        text += f" (and padding zeros for slice {', '.join(outside)}, outside the volume)"
    low, high = response[z].min(), response[z].max()
    return (f"{text} and output slice {z} of the 3D convolution, whose values range from "
            f"{low:.1f} to {high:.1f} (negative red, positive blue).")


def _same_response(volume, kernel):
    scene = _volume(volume)
    weight = _volume(kernel, "kernel")
    if any(k % 2 == 0 for k in weight.shape):
        raise ValueError(f"kernel must have odd sizes, so that the output lines up with the "
                         f"input, got shape {weight.shape}")
    if any(k > n for k, n in zip(weight.shape, scene.shape)):
        raise ValueError(f"kernel must not be larger than volume, got shapes {weight.shape} "
                         f"and {scene.shape}")
    padding = tuple(k // 2 for k in weight.shape)   # 'same' output for odd sizes
    response = conv3d(scene[None, None], weight[None, None], padding=padding)[0, 0]  # (D, H, W)
    strongest = tuple(int(i) for i in np.unravel_index(np.argmax(response), response.shape))
    return scene, weight, response, strongest


def response_projection_figure(volume, kernel):
    """A volume and a 3D kernel's response to it, each seen as its largest value along depth.

    The response is ``conv3d(volume, kernel, padding=k // 2)`` from
    :func:`convkit.conv3d` (same size as the volume). Both panels are
    maximum projections along D in ``cividis``; the response panel has a
    colour bar and marks the voxel of the largest response (the first one in
    C order if there are ties) with a white cross and a label (chapter 4).

    Parameters
    ----------
    volume : array_like, shape (D, H, W)
        The input volume (one channel).
    kernel : array_like, shape (kD, kH, kW)
        The 3D kernel; every size odd and at most the volume's.

    Returns
    -------
    matplotlib.figure.Figure
        Two image axes (input, response) and the colour bar's axes.

    Raises
    ------
    TypeError
        If ``volume`` or ``kernel`` is not numeric.
    ValueError
        If a shape is wrong or a kernel size is even or larger than the volume.
    """
    scene, _, response, (_, y, x) = _same_response(volume, kernel)
    fig = Figure(figsize=(7.2, 3.3), facecolor=colors.FIGURE_FACE)
    axes = fig.subplots(1, 2)
    axes[0].imshow(scene.max(0), cmap=colors.SEQUENTIAL_CMAP)
    axes[0].set_title("input, brightest voxel along depth", fontsize=9)
    image = axes[1].imshow(response.max(0), cmap=colors.SEQUENTIAL_CMAP)
    axes[1].set_title("response, largest value along depth", fontsize=9)
    axes[1].plot(x, y, marker="x", color="white", markersize=10, mew=2.5)
    axes[1].annotate("strongest response", (x, y), xytext=(14, 6), textcoords="offset points",
                     color="white", fontsize=8, arrowprops=dict(arrowstyle="->", color="white"))
    fig.colorbar(image, ax=axes[1], fraction=0.046)
    no_ticks(*axes)
    fig.tight_layout()
    return fig


def response_projection_description(volume, kernel):
    """Alt text for :func:`response_projection_figure`: where and how large the strongest response is.

    Parameters
    ----------
    volume, kernel
        As in :func:`response_projection_figure`.

    Returns
    -------
    str

    Raises
    ------
    TypeError, ValueError
        As :func:`response_projection_figure`.
    """
    _, weight, response, strongest = _same_response(volume, kernel)
    shape = "x".join(str(k) for k in weight.shape)
    return (f"Left: the volume seen from the front, brightest voxel along depth. Right: the "
            f"response of the {shape} kernel, largest value along depth; a white cross labelled "
            f"strongest response marks its maximum, {response[strongest]:.1f} at (z, y, x) = "
            f"{strongest}.")
