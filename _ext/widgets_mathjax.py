"""Sphinx extension: let the embedded widget manager typeset with MathJax 3.

``@jupyter-widgets/html-manager`` 1.0.x typesets widget labels with the
MathJax 2 call ``MathJax.Hub.Queue(["Typeset", MathJax.Hub, element])``
whenever ``window.MathJax`` exists. The book loads MathJax 3, which has no
``Hub``, so every page with both math and a slider threw ``Cannot read
properties of undefined (reading 'Queue')`` and left the labels untypeset.

The script below, loaded before MathJax's configuration, gives every object
assigned to ``window.MathJax`` (Sphinx's configuration, then MathJax 3
itself) a ``Hub.Queue`` that forwards to MathJax 3's ``typesetPromise`` once
MathJax is ready. Pages without math never define ``window.MathJax`` and the
widget manager then skips typesetting, as before.

Works around: jupyter-widgets/ipywidgets issue 3829 ("MathJax3 in
Jupyterlab4": the controls' ``typeset`` calls MathJax 2's ``Hub.Queue``),
with the follow-up issue 3849 and pull request 3847. Applies to:
``@jupyter-widgets/html-manager`` 1.0.x (pinned 1.0.6, from ipywidgets 8.1)
under MathJax 3 (the book loads 3.2.2); remove it once the pinned
html-manager typesets through MathJax 3.
"""

from __future__ import annotations

SHIM = """\
(function () {
  var current = window.MathJax;
  var hub = {
    Queue: function (job) {
      var element = Array.isArray(job) ? job[2] : undefined;
      var mathjax = window.MathJax;
      if (!mathjax || !mathjax.startup || !mathjax.startup.promise) { return; }
      mathjax.startup.promise
        .then(function () { return mathjax.typesetPromise(element ? [element] : undefined); })
        .catch(function (error) { console.warn("MathJax typeset of a widget failed:", error); });
    }
  };
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) { value.Hub = hub; }
    return value;
  }
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); }
  });
  withHub(current);
})();
"""


def setup(app):
    # Priority 400: before Sphinx's MathJax configuration script (500).
    app.add_js_file(None, body=SHIM, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
