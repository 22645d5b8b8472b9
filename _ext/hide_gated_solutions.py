"""Make sphinx-exercise's ``hide_solutions`` work for gated solutions.

The chapters write their solutions in sphinx-exercise's gated form
(``solution-start`` ... ``solution-end``) so that a solution can hold code
cells. With ``hide_solutions: true``, sphinx-exercise 1.2 drops only the
``solution-start`` node: the solution's content stays on the page and the
left-over ``solution-end`` node stops the HTML build ("unknown node type:
solution_end_node").

This extension takes the setting over: when ``hide_solutions`` is true it
turns sphinx-exercise's own handling off, lets sphinx-exercise merge each
gated solution into one node as usual, and then removes every solution node
(gated or not) with all it contains. Enable it in ``_config.yml`` under
``sphinx.local_extensions`` (``hide_gated_solutions: _ext``).
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node


class RemoveSolutions(SphinxTransform):
    """Remove every solution from the document when solutions are hidden."""

    # sphinx-exercise merges a gated solution into one node at priority 10.
    default_priority = 11

    def apply(self) -> None:
        if not self.config.course_hide_solutions:
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def _take_over_hide_solutions(app: Sphinx, config: Config) -> None:
    config.course_hide_solutions = bool(config.hide_solutions)
    config.hide_solutions = False  # sphinx-exercise would half-remove gated solutions


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_exercise")
    app.add_config_value("course_hide_solutions", False, "env")
    app.connect("config-inited", _take_over_hide_solutions)
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
