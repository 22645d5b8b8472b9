"""A line of text under an existing figure, without redrawing it."""

from __future__ import annotations

from matplotlib.figure import Figure

__all__ = ["add_note"]


def add_note(fig: Figure, text: str, inches: float = 0.35, fontsize: float = 9) -> Figure:
    """Grow ``fig`` at the bottom by ``inches`` and write ``text`` in the new strip.

    The axes and figure legends keep their size in inches and their place
    relative to each other: the drawing above the note is unchanged.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure whose axes are placed explicitly (not by a layout engine,
        which would move them again).
    text : str
        The note, centred.
    inches : float, default 0.35
        Height of the added strip.
    fontsize : float, default 9
        Size of the note's text.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig`` itself, modified in place.

    Raises
    ------
    TypeError
        If ``fig`` is not a Figure or ``text`` not a str.
    ValueError
        If ``inches`` is not positive.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not inches > 0:
        raise ValueError(f"inches must be positive, got {inches}")
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height + inches)
    scale = height / (height + inches)           # old height as a fraction of the new one
    for ax in fig.axes:
        box = ax.get_position()
        ax.set_position([box.x0, box.y0 * scale + (1 - scale), box.width, box.height * scale])
    for legend in fig.legends:
        legend.set_bbox_to_anchor((0, 1 - scale, 1, scale), transform=fig.transFigure)
    fig.text(0.5, 0.5 * (1 - scale), text, ha="center", va="center", fontsize=fontsize, gid="note")
    return fig
