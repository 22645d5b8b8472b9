"""Turning a Figure into bytes, HTML or a notebook output that carries alt text.

Matplotlib has no notion of alt text, so the course attaches it when a figure
leaves Python: :func:`show` displays a PNG whose output metadata holds the alt
text (``tools/run_notebook.py`` copies it into the cell metadata that myst-nb
reads, so the page gets ``<img alt="...">``); :func:`png_img_tag` returns an
``<img>`` tag with the alt text inline, for widgets and raw HTML.
"""

from __future__ import annotations

import base64
import html
import io
import sys

from matplotlib.figure import Figure
from PIL import Image

from convkit._validation import check_colors, check_real

__all__ = ["figure_png", "png_img_tag", "show", "ALT_METADATA_KEY"]

#: Key of the output metadata where :func:`show` stores a figure's alt text.
ALT_METADATA_KEY = "convkit_alt"


def _check_alt(alt) -> str:
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a str, got {type(alt).__name__}")
    alt = " ".join(alt.split())
    if not alt:
        raise ValueError("alt must describe the figure, got an empty string")
    return alt


def figure_png(fig: Figure, dpi: float = 90, colors: int | None = None) -> bytes:
    """Render ``fig`` to PNG bytes, identically on every run.

    The PNG carries no software-version or date chunk and always an opaque
    white background, so the bytes depend only on the drawing (and the
    matplotlib/FreeType build) and the figure stays readable on a dark page.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render; it is not closed or modified.
    dpi : float, default 90
        Resolution; the course's frames use 80-100.
    colors : int, optional
        Store the PNG with a palette of at most this many colours (2 to
        256, no dithering), which makes diagrams of flat colour about three
        times smaller; keep None (full colour) for photographs and colour maps.

    Returns
    -------
    bytes
        The PNG file.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    dpi = check_real(dpi, "dpi", minimum=0, strict=True)
    check_colors(colors)
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=dpi,
        facecolor="white",
        metadata={"Software": None},
    )
    if colors is None:
        return buffer.getvalue()

    buffer.seek(0)
    with Image.open(buffer) as image:
        paletted = image.convert("RGB").quantize(colors=colors, dither=Image.Dither.NONE)
    out = io.BytesIO()
    paletted.save(out, format="PNG", optimize=True)
    return out.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("png must be PNG bytes")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def png_img_tag(png: bytes, alt: str) -> str:
    """An ``<img>`` tag embedding ``png`` as a data URI, with its alt text and size.

    Parameters
    ----------
    png : bytes
        A PNG file, for example from :func:`figure_png`.
    alt : str
        The image's alt text (not empty); HTML characters are escaped.

    Returns
    -------
    str
        ``<img src="data:image/png;base64,..." alt="..." width=... height=...>``, scaled down to
        the page's width when narrower.

    See Also
    --------
    show : Displays a figure with its alt text in a notebook.
    """
    alt = _check_alt(alt)
    width, height = png_size(png)
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
        f'width="{width}" height="{height}" style="max-width:100%;height:auto">'
    )


class _FigureOutput:
    """A displayable PNG whose text form is its alt text (what nbval compares)."""

    def __init__(self, png: bytes, alt: str):
        self.png = png
        self.alt = alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        width, height = png_size(self.png)
        data = {
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": f"[figure] {self.alt}",
        }
        metadata = {
            "image/png": {"width": width, "height": height},
            ALT_METADATA_KEY: self.alt,
        }
        return data, metadata

    def __repr__(self):
        return f"[figure] {self.alt}"


def show(fig: Figure, alt: str, dpi: float = 100, close: bool = True):
    """Show ``fig`` in a notebook with alt text, and return the displayable object.

    Use it as the last line of a figure cell (one figure per cell)::

        show(conv_step_figure(5, 3, stride=2), alt="A 3x3 kernel ...")

    The cell's text output is ``[figure] <alt>``, so nbval compares the
    description rather than pixels. ``tools/run_notebook.py`` copies the alt
    text into the cell's ``mystnb.image.alt`` metadata, which myst-nb turns
    into the ``alt`` attribute of the page's ``<img>``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to show.
    alt : str
        What the figure shows (the idea, not the colours only).
    dpi : float, default 100
        Resolution.
    close : bool, default True
        Close ``fig`` in pyplot (if pyplot manages it) so that the inline
        backend does not draw it a second time.

    Returns
    -------
    object
        An object with a ``_repr_mimebundle_`` (PNG plus alt text); Jupyter
        displays it when it is the cell's last expression.
    """
    alt = _check_alt(alt)
    output = _FigureOutput(figure_png(fig, dpi=dpi), alt)
    if close:
        close_figure(fig)
    return output


def close_figure(fig: Figure) -> None:
    """Forget ``fig`` in pyplot if pyplot created it; a no-op otherwise."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and getattr(fig.canvas, "manager", None) is not None:
        pyplot.close(fig)
