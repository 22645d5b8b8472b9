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

Works around: executablebooks/sphinx-exercise issue 89 ("Gated directives
crash the build when the start directive is suppressed (hide_solutions or
:hidden:)"). Applies to: sphinx-exercise 1.0-1.2 (seen with 1.2.1, where the
orphaned end marker is a warning that the strict build turns into a
failure); keep it until a release hides gated solutions whole.

The pages are not the only way to the solutions: the download button hands
out the chapter's source notebook (copied to ``_sources/``), and the Binder,
Colab and Thebe (live code) buttons open the repository's notebook, all with
the solutions in. With ``course_hide_solutions`` the student edition
therefore also turns off the download button, the launch buttons, the
repository button, the source copy (``html_copy_source``) and the "show
source" link. Students get notebooks as handouts
(``python tools/make_handouts.py``), handed out by the instructor.
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


def student_edition_config(app, config) -> None:
    """Close every way to a notebook with solutions when ``course_hide_solutions`` is set."""
    if not config.course_hide_solutions:
        return
    options = dict(config.html_theme_options or {})
    options["use_download_button"] = False
    options["use_repository_button"] = False
    # No Binder, Colab or Thebe button: each opens the repository's notebook.
    options["launch_buttons"] = {}
    config.html_theme_options = options
    # Neither _sources/ (the notebooks themselves) nor a link to it.
    config.html_copy_source = False
    config.html_show_sourcelink = False


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_config_value("course_hide_solutions", False, "env")
    app.add_transform(RemoveSolutions)
    app.connect("config-inited", student_edition_config)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
