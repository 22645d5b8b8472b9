"""Figures of the course: every helper returns a matplotlib ``Figure``.

Nothing here changes matplotlib's global state: figures are built with
``matplotlib.figure.Figure`` (not pyplot), styles are passed explicitly, and
the palette of :mod:`convkit.plotting.colors` is the course's colour
convention (Okabe-Ito, with a second cue for every role). Attach alt text
when showing a figure: :func:`show` or :func:`figure_html`.
"""

from convkit.plotting.render import figure_html, figure_png, show
