"""Sphinx extension: load each script of a page once.

With Sphinx 7.4, a script that an extension registers with
``app.add_js_file(None, body=...)`` after the builder started (sphinx-thebe
does so on ``env-before-read-docs``) reaches the page twice: once with
filename ``None`` and once with filename ``''``. For sphinx-thebe the second
copy is a console error, ``Identifier 'THEBE_JS_URL' has already been
declared``. This handler runs after every other ``html-page-context`` handler
and keeps the first of identical scripts (same file or same inline body, same
attributes).

Works around: sphinx-doc/sphinx pull request 13402 ("Sphinx.add_js_file():
replace None filename with '' before passing to HTML builder"), which fixes
the double listing upstream. Applies to: Sphinx 7.4.x as pinned by Jupyter
Book 1.0.4 (seen with 7.4.7 and sphinx-thebe 0.3.1); remove it once the book
builds with a Sphinx release that contains that fix.
"""

from __future__ import annotations


def _script_key(script) -> tuple:
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), tuple(sorted((str(k), str(v)) for k, v in attributes.items())))


def dedupe_page_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    # A high priority number runs this after the handlers that add scripts.
    app.connect("html-page-context", dedupe_page_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
