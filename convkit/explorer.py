"""Slider explorers that keep working on the static website.

An explorer draws every frame it can show in advance (one PNG per combination
of its 1 to 4 slider values), puts the frames in nested
``ipywidgets.Stack`` containers and links each slider to the stacks in the
browser (``jsdlink``). Moving a slider then only changes which frame is
visible: no Python runs, so the page works without a kernel once the notebook
was executed with its widget state stored (``tools/run_notebook.py``), and in
a live notebook it responds instantly.

Drawing every frame is most of the time a chapter takes to run. A test run
that re-executes a chapter only for its printed outputs (the second numerical
environment, the handouts, the graded course) sets the environment variable
``CONVKIT_EXPLORER_FRAMES=first``: each explorer then draws only the frame it
shows first and draws any other on demand (:meth:`Explorer.frame`); the
widget keeps its sliders and stacks, with a placeholder in each undrawn
frame. Recording (``tools/run_notebook.py``) and the tests' main run of each
chapter draw every frame.

Usage::

    from convkit.explorer import Explorer

    def draw(kernel_size, stride):
        fig = conv_step_figure(6, kernel_size, stride=stride)
        return fig, f"A {kernel_size}x{kernel_size} kernel with stride {stride} ..."

    Explorer(draw, {"kernel_size": [1, 2, 3], "stride": [1, 2]},
             title="Output size")
"""

from __future__ import annotations

import html
import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle

from convkit._validation import check_colors, check_int
from convkit.plotting.render import close_figure, figure_png, png_img_tag

__all__ = ["Explorer"]

MAX_PARAMETERS = 4

#: Environment variable: ``first`` draws only the frame shown first (see the module's docstring).
FRAMES_VARIABLE = "CONVKIT_EXPLORER_FRAMES"


def _format_value(value: Any) -> str:
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


class Explorer(widgets.VBox):
    """A slider explorer with precomputed frames, alive without a kernel.

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` returns a matplotlib ``Figure`` or a pair
        ``(Figure, alt_text)`` for one combination of parameter values. Keep
        the figure size fixed across values so that frames do not jump.
    params : mapping of str to sequence
        One to four parameters, in slider order, each with its discrete
        values (e.g. ``{"kernel_size": [1, 2, 3], "stride": [1, 2]}``). The
        explorer draws ``len(values_1) * len(values_2) * ...`` frames.
    title : str, optional
        Shown above the sliders and used in the text representation.
    labels : mapping of str to str, optional
        Slider labels; default: the parameter names.
    alt : str or callable, optional
        Alt text of each frame when ``draw`` returns only a figure: a format
        string filled with the parameter values (``"k = {kernel_size}"``) or a
        callable ``alt(**values)``. The default names the title and values.
    initial : mapping of str to value, optional
        Values shown first; default: the first value of each parameter.
    dpi : float, default 90
        Frame resolution; keep frames small (a few dozen per explorer).
    max_frames : int, default 64
        Refuse to draw more frames than this (page weight grows linearly).
    play : bool, default False
        Add a play button that steps through the values (one parameter
        only); it also runs in the browser without a kernel.
    interval : int, default 700
        Milliseconds per frame when playing.
    colors : int, optional
        Palette size of the frames' PNGs (see
        :func:`convkit.plotting.render.figure_png`); 32 keeps diagrams
        unchanged to the eye at about a third of the page weight. Default:
        full colour.

    Attributes
    ----------
    names : tuple of str
        Parameter names in slider order.
    values : dict of str to tuple
        The values of each parameter.
    sliders : tuple of ipywidgets.SelectionSlider
        One slider per parameter; its ``index`` is the 0-based position of the
        chosen value.
    stack : ipywidgets.Stack
        The outermost stack (selected by the first slider).
    links : tuple of ipywidgets.DirectionalLink
        Browser-side links ``(slider, "index") -> (stack, "selected_index")``.

    Notes
    -----
    In a kernel-less page the links run in the browser only: setting
    ``slider.index`` from Python does not move the stacks unless a front end
    is connected. :meth:`shown_values` reads what the stacks show;
    :meth:`frame` gives the frame precomputed for given values.
    """

    def __init__(
        self,
        draw: Callable[..., Any],
        params: Mapping[str, Sequence[Any]],
        *,
        title: str | None = None,
        labels: Mapping[str, str] | None = None,
        alt: str | Callable[..., str] | None = None,
        initial: Mapping[str, Any] | None = None,
        dpi: float = 90,
        max_frames: int = 64,
        play: bool = False,
        interval: int = 700,
        colors: int | None = None,
    ):
        if not callable(draw):
            raise TypeError(f"draw must be callable, got {type(draw).__name__}")
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be a mapping of name to values, got {type(params).__name__}")
        if not 1 <= len(params) <= MAX_PARAMETERS:
            raise ValueError(f"params must hold 1 to {MAX_PARAMETERS} parameters, got {len(params)}")
        values: dict[str, tuple] = {}
        for name, options in params.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise ValueError(f"params keys must be identifiers, got {name!r}")
            if isinstance(options, (str, bytes)) or not isinstance(options, Sequence):
                raise TypeError(f"params[{name!r}] must be a sequence of values, got {type(options).__name__}")
            if len(options) == 0:
                raise ValueError(f"params[{name!r}] must hold at least one value")
            labels_of = [_format_value(v) for v in options]
            if len(set(labels_of)) != len(labels_of):
                raise ValueError(f"params[{name!r}] must hold distinct values, got {list(options)!r}")
            values[name] = tuple(options)
        if title is not None and not isinstance(title, str):
            raise TypeError(f"title must be a str, got {type(title).__name__}")
        if not (alt is None or isinstance(alt, str) or callable(alt)):
            raise TypeError(f"alt must be a str, a callable or None, got {type(alt).__name__}")
        max_frames = check_int(max_frames, "max_frames", minimum=1)
        shape = tuple(len(v) for v in values.values())
        n_frames = math.prod(shape)
        if n_frames > max_frames:
            raise ValueError(
                f"params give {n_frames} frames, more than max_frames={max_frames}; "
                "use fewer values per parameter"
            )

        self.names: tuple[str, ...] = tuple(values)
        self.values = values
        self.title = title
        self.shape = shape
        self._alt = alt
        self._draw = draw
        self._dpi = dpi
        self._colors = check_colors(colors)

        start = self._indices_of({**{n: values[n][0] for n in self.names}, **dict(initial or {})})
        label_of = dict(labels or {})
        unknown = set(label_of) - set(self.names)
        if unknown:
            raise ValueError(f"labels names unknown parameters: {sorted(unknown)}")

        # Every frame, in row-major order of the parameter indices.
        self._drawings: dict[tuple[int, ...], tuple[bytes, str]] = {}  # (PNG, alt text)
        self._frames: dict[tuple[int, ...], widgets.HTML] = {}
        # One layout and style shared by all frames and stacks: each model
        # costs about 1 KB of page weight.
        frame_layout = widgets.Layout()
        frame_style = HTMLStyle()
        stack_layout = widgets.Layout()
        draw_all = os.environ.get(FRAMES_VARIABLE, "all") != "first"
        for indices in itertools.product(*(range(n) for n in shape)):
            if draw_all or indices == start:
                png, alt_text = self._drawn(indices)
                value = png_img_tag(png, alt_text)
            else:
                value = f"<em>frame not drawn ({FRAMES_VARIABLE}=first)</em>"
            self._frames[indices] = widgets.HTML(value=value, layout=frame_layout, style=frame_style)

        # Nested stacks: level 0 is chosen by slider 0, and so on; the
        # innermost stacks hold the frames.
        stacks_by_level: list[list[widgets.Stack]] = [[] for _ in shape]

        def build(prefix: tuple[int, ...]) -> widgets.Stack:
            level = len(prefix)
            if level == len(shape) - 1:
                children = [self._frames[prefix + (i,)] for i in range(shape[level])]
            else:
                children = [build(prefix + (i,)) for i in range(shape[level])]
            stack = widgets.Stack(
                children=children, selected_index=start[level], layout=stack_layout
            )
            stacks_by_level[level].append(stack)
            return stack

        self.stack = build(())
        self._stacks_by_level = tuple(tuple(level) for level in stacks_by_level)

        self.sliders = tuple(
            widgets.SelectionSlider(
                options=[(_format_value(v), i) for i, v in enumerate(values[name])],
                value=start[level],
                description=label_of.get(name, name),
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="360px"),
            )
            for level, name in enumerate(self.names)
        )
        self.links = tuple(
            widgets.jsdlink((slider, "index"), (stack, "selected_index"))
            for slider, level_stacks in zip(self.sliders, self._stacks_by_level)
            for stack in level_stacks
        )
        self.play = None
        controls: list[widgets.Widget] = list(self.sliders)
        if play:
            if len(self.names) != 1:
                raise ValueError(f"play needs exactly one parameter, got {len(self.names)}")
            self.play = widgets.Play(
                value=start[0], min=0, max=shape[0] - 1, step=1, interval=interval,
                description="play", show_repeat=True,
            )
            # Both directions: playing moves the slider, dragging moves the player.
            self.links += (widgets.jslink((self.play, "value"), (self.sliders[0], "index")),)
            controls = [widgets.HBox([self.play, self.sliders[0]])]
        header = [widgets.HTML(value=f"<strong>{html.escape(title)}</strong>")] if title else []
        super().__init__(children=[*header, *controls, self.stack])

    # ------------------------------------------------------------------ frames
    def _drawn(self, indices: tuple[int, ...]) -> tuple[bytes, str]:
        """The frame's PNG and alt text, drawn now if not drawn before."""
        if indices not in self._drawings:
            self._drawings[indices] = self._render(indices)
        return self._drawings[indices]

    def _render(self, indices: tuple[int, ...]) -> tuple[bytes, str]:
        kwargs = self._kwargs(indices)
        result = self._draw(**kwargs)
        if isinstance(result, tuple):
            if len(result) != 2 or not isinstance(result[1], str):
                raise TypeError("draw must return a Figure or a (Figure, alt_text) pair")
            fig, alt_text = result
        else:
            fig, alt_text = result, self._default_alt(kwargs)
        try:
            png = figure_png(fig, dpi=self._dpi, colors=self._colors)
        except TypeError:
            raise TypeError(
                f"draw must return a matplotlib Figure, got {type(fig).__name__}"
            ) from None
        close_figure(fig)
        return png, alt_text

    def _default_alt(self, kwargs: dict[str, Any]) -> str:
        if isinstance(self._alt, str):
            return self._alt.format(**kwargs)
        if callable(self._alt):
            return str(self._alt(**kwargs))
        settings = ", ".join(f"{k} = {_format_value(v)}" for k, v in kwargs.items())
        return f"{self.title or 'Explorer frame'} for {settings}"

    def _kwargs(self, indices: tuple[int, ...]) -> dict[str, Any]:
        return {name: self.values[name][i] for name, i in zip(self.names, indices)}

    @property
    def frame_count(self) -> int:
        """Number of frames (the product of the value counts)."""
        return len(self._frames)

    def index_of(self, **values: Any) -> tuple[int, ...]:
        """Slider indices (0-based, one per parameter) that select ``values``.

        Parameters
        ----------
        **values
            One value per parameter, by parameter name, each among the values
            the explorer was built with.

        Returns
        -------
        tuple of int
            One index per parameter, in the order of :attr:`names`.
        """
        return self._indices_of(values)

    def _indices_of(self, values: Mapping[str, Any]) -> tuple[int, ...]:
        """:meth:`index_of` for a mapping (whose keys may be any objects)."""
        unknown = set(values) - set(self.names)
        if unknown:
            raise ValueError(f"unknown parameters {sorted(unknown)}; this explorer has {list(self.names)}")
        missing = [n for n in self.names if n not in values]
        if missing:
            raise ValueError(f"values missing for parameters {missing}")
        indices = []
        for name in self.names:
            try:
                indices.append(self.values[name].index(values[name]))
            except ValueError:
                raise ValueError(
                    f"{name} must be one of {list(self.values[name])}, got {values[name]!r}"
                ) from None
        return tuple(indices)

    def frame(self, **values: Any) -> bytes:
        """PNG bytes of the frame precomputed for ``values`` (all parameters).

        Parameters
        ----------
        **values
            As in :meth:`index_of`.

        Returns
        -------
        bytes
            The PNG image.
        """
        return self._drawn(self._indices_of(values))[0]

    def alt_text(self, **values: Any) -> str:
        """Alt text of the frame for ``values``.

        Parameters
        ----------
        **values
            As in :meth:`index_of`.

        Returns
        -------
        str
            The description the frame's image carries.
        """
        return self._drawn(self._indices_of(values))[1]

    def frame_widget(self, **values: Any) -> widgets.HTML:
        """The ``HTML`` widget holding the frame for ``values``.

        Parameters
        ----------
        **values
            As in :meth:`index_of`.

        Returns
        -------
        ipywidgets.HTML
            The widget whose value is the frame's ``<img>`` tag.
        """
        return self._frames[self._indices_of(values)]

    def shown_values(self) -> dict[str, Any]:
        """Parameter values of the frame the stacks currently show, following the nesting.

        Returns
        -------
        dict
            ``{parameter name: value}``, read from the selected stack at each level.
        """
        indices: list[int] = []
        node: widgets.Widget = self.stack
        while isinstance(node, widgets.Stack):
            indices.append(node.selected_index)
            node = node.children[node.selected_index]
        return self._kwargs(tuple(indices))

    def stacks(self, level: int) -> tuple[widgets.Stack, ...]:
        """All stacks selected by slider number ``level`` (0-based).

        Parameters
        ----------
        level : int
            The slider's position among the parameters, 0 for the first.

        Returns
        -------
        tuple of ipywidgets.Stack
            Every stack at that nesting depth, which the slider drives together.
        """
        return self._stacks_by_level[level]

    def __repr__(self) -> str:
        counts = " x ".join(f"{name} ({n})" for name, n in zip(self.names, self.shape))
        title = f"{self.title!r}: " if self.title else ""
        return f"Explorer({title}{counts} = {self.frame_count} frames)"
