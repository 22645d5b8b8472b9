"""Sphinx extension: keep the ``<i>`` icon tags that Jupyter widgets look for.

The theme (pydata-sphinx-theme) loads Font Awesome's JavaScript, which by
default *replaces* every ``<i class="fa ...">`` with an ``<svg>``. The
ipywidgets ``Play`` widget keeps a reference to the ``<i>`` inside its play
button and sets its ``className`` when it starts or stops; once that tag is
gone, a click throws ``Cannot set properties of undefined (setting
'className')`` and the animation never moves (``convkit.explorer.Explorer``
with ``play=True`` has such a widget).

The inline script below sets ``FontAwesomeConfig.autoReplaceSvg = "nest"``,
which makes Font Awesome put the ``<svg>`` *inside* the ``<i>`` instead. It
is registered with ``add_js_file(None, body=...)`` as an inline script in the
page's head, so it runs before the theme's deferred ``fontawesome.js`` reads
the setting, in every build (default and ``--offline``). It is an inline
body, not a file in ``_static/``: Jupyter Book adds every ``.js`` file of
``_static/`` to every page by itself, which would list it a second time.

Works around: no upstream issue found (searched ipywidgets and
pydata-sphinx-theme for the Play button's ``className`` error); the clash is
between two projects that each behave as documented. Applies to:
pydata-sphinx-theme 0.15-0.17 (seen with 0.17.1 under sphinx-book-theme
1.3.0, which loads Font Awesome 6's JavaScript) with ipywidgets 8.1
(html-manager 1.0.x). Remove it if the theme stops loading Font Awesome's
JavaScript or the Play widget stops holding on to its ``<i>``.
"""

from __future__ import annotations

SCRIPT = (
    "window.FontAwesomeConfig = Object.assign({}, window.FontAwesomeConfig, "
    '{ autoReplaceSvg: "nest" });'
)


def setup(app):
    # Priority 100: ahead of every other script the extensions add (default 500).
    app.add_js_file(None, body=SCRIPT, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
