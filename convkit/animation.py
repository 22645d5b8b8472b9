"""Sliding-window animations from one parameter table (chapters 3, 6, 7).

:data:`CLASSIC_CASES` lists the classic configurations of Dumoulin and Visin's
guide to convolution arithmetic (no padding and no strides, arbitrary, half
and full padding, strides with and without padding, the odd case where the
floor drops pixels, dilation) and the transposed counterpart of each, which
maps the direct case's output size back to its input size. One generator,
:func:`case_frames`, draws any case step by step; :func:`save_gif` writes a
GIF (Pillow) and :func:`step_player` makes an inline player (play button and
slider over precomputed frames) that runs on the static site with no kernel.

Example::

    from convkit.animation import CLASSIC_CASES, save_gif, step_player
    save_gif("padding_strides", "padding_strides.gif")
    step_player("padding_strides_transposed")   # last line of a notebook cell
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from convkit.arithmetic import conv_output_size, conv_transpose_output_size

__all__ = ["CLASSIC_CASES", "case_steps", "case_frames", "case_alt_text", "save_gif", "step_player"]

_DIRECT = {
    # name: (input_size, kernel_size, stride, padding, dilation)
    "no_padding_no_strides": (4, 3, 1, 0, 1),
    "arbitrary_padding_no_strides": (5, 4, 1, 2, 1),
    "same_padding_no_strides": (5, 3, 1, 1, 1),
    "full_padding_no_strides": (5, 3, 1, 2, 1),
    "no_padding_strides": (5, 3, 2, 0, 1),
    "padding_strides": (5, 3, 2, 1, 1),
    "padding_strides_odd": (6, 3, 2, 1, 1),
    "dilation": (7, 3, 1, 0, 2),
}


def _build_cases() -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = {}
    for name, (i, k, s, p, d) in _DIRECT.items():
        cases[name] = {"transposed": False, "input_size": i, "kernel_size": k, "stride": s,
                       "padding": p, "dilation": d}
    for name, (i, k, s, p, d) in _DIRECT.items():
        o = conv_output_size(i, k, s, p, d)
        # output_padding recovers the input size the floor dropped (the odd case):
        # what the transposed convolution falls short of i without it.
        dropped = i - conv_transpose_output_size(o, k, s, p, 0, d)
        cases[f"{name}_transposed"] = {"transposed": True, "input_size": o, "kernel_size": k, "stride": s,
                                       "padding": p, "dilation": d, "output_padding": dropped}
    return cases


#: Every classic case: name -> keyword arguments of the step figures, plus
#: ``transposed``. A ``*_transposed`` case takes the output size of its direct
#: case as input and gives back the direct case's input size.
CLASSIC_CASES: dict[str, dict[str, Any]] = _build_cases()


def _case(case: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(case, str):
        try:
            return dict(CLASSIC_CASES[case])
        except KeyError:
            raise ValueError(f"case must be one of {sorted(CLASSIC_CASES)}, got {case!r}") from None
    if isinstance(case, Mapping):
        params = dict(case)
        params.setdefault("transposed", False)
        return params
    raise TypeError(f"case must be a case name or a mapping of parameters, got {type(case).__name__}")


def _figure_args(params: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    params = dict(params)
    transposed = bool(params.pop("transposed"))
    return transposed, params


def case_steps(case: str | Mapping[str, Any]) -> int:
    """Number of frames of a case: one per output cell.

    Parameters
    ----------
    case : str or mapping
        A name of :data:`CLASSIC_CASES` or a mapping with the same keys
        (``transposed`` defaults to False).

    Returns
    -------
    int
    """
    from convkit.plotting.geometry import conv_output_shape, transposed_grid

    transposed, params = _figure_args(_case(case))
    if transposed:
        shape = transposed_grid(**params).output_shape
    else:
        shape = conv_output_shape(**params)
    return shape[0] * shape[1]


def case_frames(case: str | Mapping[str, Any], **figure_kwargs: Any) -> Iterator[Figure]:
    """Yield one figure per output cell of ``case``, in reading order.

    Parameters
    ----------
    case : str or mapping
        A name of :data:`CLASSIC_CASES` or a mapping with the same keys
        (``transposed`` defaults to False).
    **figure_kwargs
        Passed to :func:`convkit.plotting.conv_step_figure` or
        :func:`convkit.plotting.conv_transpose_step_figure` (e.g. ``input=``,
        ``weight=`` to print values).

    Returns
    -------
    collections.abc.Iterator of matplotlib.figure.Figure
        A generator of :func:`case_steps` figures, made one at a time as it
        is iterated (nothing is drawn before the first ``next``).

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
    from convkit.plotting.diagrams import conv_step_figure, conv_transpose_step_figure

    transposed, params = _figure_args(_case(case))
    draw = conv_transpose_step_figure if transposed else conv_step_figure
    for step in range(case_steps(case)):
        yield draw(**params, step=step, **figure_kwargs)


def case_alt_text(case: str | Mapping[str, Any], step: int | None = None) -> str:
    """A sentence describing the case (and the step), for alt text.

    Parameters
    ----------
    case : str or mapping
        A name of :data:`CLASSIC_CASES` or a mapping with the same keys
        (``transposed`` defaults to False).
    step : int, optional
        0-based step; adds which output cell the frame shows.

    Returns
    -------
    str
    """
    transposed, params = _figure_args(_case(case))
    kind = "Transposed convolution" if transposed else "Convolution"
    extra = f", output padding {params['output_padding']}" if params.get("output_padding") else ""
    text = (f"{kind} of a {params['input_size']}x{params['input_size']} input with a "
            f"{params['kernel_size']}x{params['kernel_size']} kernel, stride {params.get('stride', 1)}, "
            f"padding {params.get('padding', 0)}, dilation {params.get('dilation', 1)}{extra}")
    if transposed:
        text += ", drawn as a stride-1 convolution over the input with zeros inserted and implied padding"
    if step is not None:
        text += f"; step {step + 1} of {case_steps(case)}: the kernel covers the cells that make the outlined output cell"
    return text + "."


def save_gif(case: str | Mapping[str, Any], path: str | Path, dpi: float = 80,
             duration_ms: int = 600, *, colors: int = 64, optimize: bool = False,
             **figure_kwargs: Any) -> Path:
    """Write the animation of ``case`` as a looping GIF with Pillow.

    The frames are rendered as PNG without timestamps and share one palette,
    so the GIF is the same on every run with the same matplotlib.

    Parameters
    ----------
    case : str or mapping
        A name of :data:`CLASSIC_CASES` or a mapping with the same keys
        (``transposed`` defaults to False).
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
    from PIL import Image

    from convkit.plotting.render import figure_png

    if isinstance(colors, bool) or not isinstance(colors, int) or not 2 <= colors <= 256:
        raise ValueError(f"colors must be an int from 2 to 256, got {colors!r}")
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


def step_player(case: str | Mapping[str, Any], dpi: float = 72, interval: int = 700, **figure_kwargs: Any):
    """An inline player for ``case``: play button and step slider over precomputed frames.

    Works on the static site with no kernel once the notebook is run with
    ``tools/run_notebook.py``.

    Parameters
    ----------
    case : str or mapping
        A name of :data:`CLASSIC_CASES` or a mapping with the same keys
        (``transposed`` defaults to False).
    dpi : float, default 72
    interval : int, default 700
        Milliseconds per frame when playing.
    **figure_kwargs
        Passed to the step figure (e.g. ``cell_inches=``).

    Returns
    -------
    convkit.explorer.Explorer
        One parameter, ``step``, from 1 to the number of output cells.
    """
    from convkit.explorer import Explorer
    from convkit.plotting.diagrams import conv_step_figure, conv_transpose_step_figure

    transposed, params = _figure_args(_case(case))
    draw_step = conv_transpose_step_figure if transposed else conv_step_figure
    n_steps = case_steps(case)
    name = case if isinstance(case, str) else "custom case"

    def draw(step: int):
        fig = draw_step(**params, step=step - 1, **figure_kwargs)
        return fig, case_alt_text(case, step - 1)

    return Explorer(draw, {"step": list(range(1, n_steps + 1))}, title=name.replace("_", " "),
                    dpi=dpi, play=True, interval=interval)
