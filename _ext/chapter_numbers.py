"""Sphinx extension: number figures and exercises per chapter, keep titles as written.

Chapter titles carry their own number (``# 3. Convolution arithmetic``,
CONTRIBUTING.md). Without a numbered table of contents, Sphinx numbers
figures and exercises across the whole book ("Exercise 11" in chapter 4);
with one, it also prefixes every title, giving "3. 3. Convolution
arithmetic" in the headings and the navigation.

The chapter parts of ``_toc.yml`` are numbered, so Sphinx computes section
numbers and, from them, the numbers of figures, tables and exercises
(``Exercise 3.2``, ``Fig. 3.1``). This handler then removes the section
numbers themselves from the pages (the headings, the navigation and the
previous/next links), after the figure numbers are assigned: the titles show
only the numbers their authors wrote. ``tests/test_book.py`` checks that the
computed chapter number equals the written one. Sphinx restarts its numbers
in every numbered part; :func:`continue_numbering_across_parts` makes them
run on across the parts, so that chapter 8, the first of Part III, is 8.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.environment.collectors.toctree import TocTreeCollector


_assign_section_numbers = TocTreeCollector.assign_section_numbers


def _shift(numbers: tuple, offset: int) -> tuple:
    return (numbers[0] + offset, *numbers[1:]) if numbers else numbers


def continue_numbering_across_parts(self, env) -> list[str]:
    """Sphinx's section numbering, continued from one numbered part to the next.

    Sphinx restarts the numbers in every numbered toctree, and each part of
    ``_toc.yml`` is one: without this, chapter 8, the first of Part III,
    would be numbered 1 ("Exercise 1.1"). The chapters of each numbered
    part after the first are shifted by the number of chapters before it,
    before Sphinx numbers figures and exercises from these section numbers.
    """
    rewrite_needed = _assign_section_numbers(self, env)
    offset = 0
    for docname in sorted(env.numbered_toctrees):
        for toctree in env.get_doctree(docname).findall(addnodes.toctree):
            if not toctree.get("numbered"):
                continue
            chapters = [ref for _title, ref in toctree["entries"] if ref in env.toc_secnumbers]
            if offset:
                for ref in chapters:
                    env.toc_secnumbers[ref] = {anchor: _shift(numbers, offset)
                                               for anchor, numbers in env.toc_secnumbers[ref].items()}
                    if ref not in rewrite_needed:
                        rewrite_needed.append(ref)
            offset += len(chapters)
    return rewrite_needed


def drop_section_numbers(app, env) -> list[str]:
    for toc in env.tocs.values():
        for reference in toc.findall(nodes.reference):
            reference.attributes.pop("secnumber", None)
    for title in env.titles.values():
        title.attributes.pop("secnumber", None)
    env.toc_secnumbers = {}
    return []


def setup(app):
    TocTreeCollector.assign_section_numbers = continue_numbering_across_parts
    # After Sphinx's TocTreeCollector (priority 500) assigned section and
    # figure numbers.
    app.connect("env-get-updated", drop_section_numbers, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
