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
computed chapter number equals the written one.
"""

from __future__ import annotations

from docutils import nodes


def drop_section_numbers(app, env) -> list[str]:
    for toc in env.tocs.values():
        for reference in toc.findall(nodes.reference):
            reference.attributes.pop("secnumber", None)
    for title in env.titles.values():
        title.attributes.pop("secnumber", None)
    env.toc_secnumbers = {}
    return []


def setup(app):
    # After Sphinx's TocTreeCollector (priority 500) assigned section and
    # figure numbers.
    app.connect("env-get-updated", drop_section_numbers, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
