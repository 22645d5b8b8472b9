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

Sphinx numbers each numbered toctree from 1, and Jupyter Book makes one
toctree per part: the first chapter of Part II would be chapter 1 again
("Exercise 1.1" in chapter 6). So before the section numbers go, each
document's chapter number is set to the one its title is written with, and
the figure and exercise numbers are assigned again from those.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.environment.collectors.toctree import TocTreeCollector

WRITTEN_NUMBER = re.compile(r"^(\d+)\.\s")


def number_chapters_as_written(app, env) -> list[str]:
    """Give every numbered document the chapter number of its title, then renumber figures."""
    changed = False
    for docname, numbers in env.toc_secnumbers.items():
        title = env.titles.get(docname)
        match = WRITTEN_NUMBER.match(title.astext()) if title is not None else None
        if match is None:
            continue
        chapter = int(match.group(1))
        for anchor, secnum in numbers.items():
            if secnum and secnum[0] != chapter:
                numbers[anchor] = (chapter, *secnum[1:])
                changed = True
    if changed:
        return TocTreeCollector().assign_figure_numbers(env)
    return []


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
    app.connect("env-get-updated", number_chapters_as_written, priority=800)
    app.connect("env-get-updated", drop_section_numbers, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
