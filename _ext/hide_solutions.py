"""Sphinx extension: leave every exercise solution out of the site (student edition).

sphinx-exercise 1.2's own ``hide_solutions`` drops only the opening
directive of a *gated* solution (``solution-start``): the cells up to
``solution-end``, the solution's text and code, stay on the page, and the
orphaned end marker is an "unknown node type" warning. The course uses gated
solutions everywhere, so the student edition uses this transform instead:
with ``course_hide_solutions = True`` it runs after sphinx-exercise has
merged each gated solution into one ``solution_node`` (its transform has
priority 10) and removes those nodes, content included.
``tools/build_book.py --hide-solutions`` sets the option.
"""

from __future__ import annotations

from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node


class RemoveSolutions(SphinxTransform):
    """Remove every solution, gated or not, when ``course_hide_solutions`` is set."""

    default_priority = 20  # after sphinx-exercise's MergeGatedSolutions (10)

    def apply(self, **kwargs) -> None:
        if not self.config.course_hide_solutions:
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_config_value("course_hide_solutions", False, "env")
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
