"""Text in figures: a line under an existing figure, or a figure that is only a message."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure

from convkit._validation import check_real
from convkit.plotting import colors

__all__ = ["add_note", "message_figure"]


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
    inches = check_real(inches, "inches", minimum=0, strict=True)
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


def message_figure(text: str, width: float = 3.4, height: float = 1.6, fontsize: float = 9) -> Figure:
    """A figure that holds only ``text``, centred and wrapped: the frame an explorer shows for an invalid setting.

    Parameters
    ----------
    text : str
        The message (for example the error a library raises for that setting); not empty.
    width, height : float, default 3.4 and 1.6
        Size of the figure in inches.
    fontsize : float, default 9
        Size of the text.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with no axes and one text, whose ``gid`` is ``"message"``.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    ValueError
        If ``text`` is empty or ``width`` or ``height`` is not positive.

    Examples
    --------
    >>> fig = message_figure("groups must divide both channel counts")
    >>> [t.get_text() for t in fig.texts]
    ['groups must divide both channel counts']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("text must not be empty")
    width = check_real(width, "width", minimum=0, strict=True)
    height = check_real(height, "height", minimum=0, strict=True)
    fig = Figure(figsize=(width, height), facecolor=colors.FIGURE_FACE)
    characters = max(12, int(width * 72 / (0.6 * fontsize)))    # about 0.6 em a character
    wrapped = "\n".join(textwrap.wrap(text, characters))
    fig.text(0.5, 0.5, wrapped, ha="center", va="center", fontsize=fontsize, gid="message")
    return fig
