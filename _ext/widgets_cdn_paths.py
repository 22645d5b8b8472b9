"""Sphinx extension: the CDN-served widget manager finds its icon fonts on the CDN.

Works around: a behaviour of ``@jupyter-widgets/html-manager``'s
``embed-amd.js``, which computes webpack's public path from each AMD
module's ``uri`` (no upstream issue found; jupyter-widgets/ipywidgets issue
3849 mentions the manager's font discovery as an open problem). Applies to:
html-manager 1.0.x, checked with 1.0.6, the version pinned in
``_config.yml`` and ``package.json``. Its
``embed-amd.js`` defines the named AMD modules ``@jupyter-widgets/base``,
``@jupyter-widgets/controls``, ``@jupyter-widgets/html-manager`` and
``@jupyter-widgets/html-manager/dist/libembed-amd``, and each loads its icon
fonts from the folder of its own module URI. require.js resolves those ids
against its ``baseUrl``, which is the page's folder by default, so a chapter
page loaded from a CDN requested
``chapters/@jupyter-widgets/html-manager/dist/<hash>.woff2`` and 6-9 more
fonts from the book's own server, and got a 404 for each.

On every page that loads the widget manager from an absolute URL, the
script below (run before require.js) maps those module ids to the CDN's
``dist/`` folder, where the fonts are. The offline build
(``tools/build_book.py --offline``) serves the fonts next to the module ids
instead (its ``require-config.js`` sets ``baseUrl``) and gets no script from
here.
"""

from __future__ import annotations

import json

EMBED_SCRIPT = "embed-amd.js"
MODULE_IDS = (
    "@jupyter-widgets/base",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/html-manager",
)


def require_paths(embed_url: str) -> dict[str, str]:
    """require.js ``paths`` that put every module of ``embed_url`` in its ``dist/`` folder."""
    dist = embed_url.rsplit("/", 1)[0]
    paths = {module: f"{dist}/{module.rsplit('/', 1)[1]}" for module in MODULE_IDS}
    # libembed-amd and any other id below html-manager/dist/ resolve inside dist/.
    paths["@jupyter-widgets/html-manager/dist"] = dist
    return paths


def remote_embed_url(ipywidgets_js: dict) -> str | None:
    """The absolute URL of ``embed-amd.js`` in myst-nb's ``nb_ipywidgets_js``, if any."""
    for url in ipywidgets_js or {}:
        if url.endswith(EMBED_SCRIPT) and url.startswith(("https://", "http://", "//")):
            return url
    return None


def _add_paths(app, pagename, templatename, context, doctree):
    url = remote_embed_url(app.config.nb_ipywidgets_js)
    if url is None:
        return
    scripts = [getattr(s, "filename", s) for s in context.get("script_files", [])]
    if url not in scripts:
        return  # a page without widgets
    body = "var require = " + json.dumps({"paths": require_paths(url)}, sort_keys=True) + ";"
    # Priority 450: after the MathJax shim (400), before require.js (500),
    # which reads a global ``require`` object as its configuration. The
    # builder's list is this page's only (Sphinx resets it for every page).
    app.builder.add_js_file(None, body=body, priority=450)


def setup(app):
    # After myst-nb's own html-page-context handler, which adds the scripts.
    app.connect("html-page-context", _add_paths, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
