"""Sliding-window animations from one parameter table (chapters 3, 6, 7).

One generator, :func:`case_frames`, draws any case of
:data:`convkit.cases.CLASSIC_CASES` step by step; :func:`save_gif` writes a
GIF (Pillow), as ``tools/make_animations.py`` does for the book.

Example::

    from convkit.animation import save_gif
    save_gif("padding_strides", "padding_strides.gif")
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from PIL import Image

from convkit._validation import check_colors
from convkit.cases import case_parameters, case_steps
from convkit.plotting.diagrams import conv_step_figure, conv_transpose_step_figure
from convkit.plotting.render import figure_png

__all__ = ["case_frames", "save_gif"]


def case_frames(case: str | Mapping[str, Any], **figure_kwargs: Any) -> Iterator[Figure]:
    """Yield one figure per output cell of ``case``, in reading order.

    Nothing is drawn before the first ``next``; the count is :func:`case_steps`.

    Parameters
    ----------
    case : str or mapping
        A name of :data:`~convkit.cases.CLASSIC_CASES` or a mapping with the same keys
        (``transposed`` defaults to False).
    **figure_kwargs
        Passed to :func:`convkit.plotting.conv_step_figure` or
        :func:`convkit.plotting.conv_transpose_step_figure` (e.g. ``input=``,
        ``weight=`` to print values).

    Yields
    ------
    matplotlib.figure.Figure
        The step figure of the next output cell in reading order: frame
        ``t`` outlines output cell ``divmod(t, W_out)``.

    Raises
    ------
    TypeError, ValueError
        On the first ``next``, if ``case`` is not a known name or a mapping,
        or the step figure refuses its parameters.
    """
    transposed, params = case_parameters(case)
    draw = conv_transpose_step_figure if transposed else conv_step_figure
    for step in range(case_steps(case)):
        yield draw(**params, step=step, **figure_kwargs)


def save_gif(case: str | Mapping[str, Any], path: str | Path, dpi: float = 80,
             duration_ms: int = 600, *, colors: int = 64, optimize: bool = False,
             **figure_kwargs: Any) -> Path:
    """Write the animation of ``case`` as a looping GIF with Pillow.

    The frames are rendered as PNG without timestamps and share one palette,
    so the GIF is the same on every run with the same matplotlib.

    Parameters
    ----------
    case : str or mapping
        As in :func:`case_frames`.
    path : str or pathlib.Path
        Where to write the GIF.
    dpi : float, default 80
    duration_ms : int, default 600
        Time per frame.
    colors : int, default 64
        Size of the palette shared by all frames (2 to 256); fewer colours
        make a smaller file but blend the anti-aliased edges.
    optimize : bool, default False
        Let Pillow drop unused palette entries and shrink each frame's
        stored difference; often halves the file.
    **figure_kwargs
        Passed to the step figure.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If ``colors`` is not an int from 2 to 256.
    """
    if colors is None:
        raise TypeError("colors must be an int, got None")
    check_colors(colors)
    frames = [Image.open(io.BytesIO(figure_png(fig, dpi=dpi))).convert("RGB")
              for fig in case_frames(case, **figure_kwargs)]
    # One palette for all frames (the drawings use few colours) lets
    # Pillow store each frame as its difference from the previous one.
    palette = frames[-1].quantize(colors=colors)
    images = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    path = Path(path)
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:],
                   duration=duration_ms, loop=0, optimize=bool(optimize))
    return path
