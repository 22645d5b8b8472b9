"""Build the course book strictly: the one entry point for readers, tests and CI.

Usage::

    python tools/build_book.py                    # the published site
    python tools/build_book.py --offline          # works with no network
    python tools/build_book.py --hide-solutions   # student edition
    python tools/build_book.py --out /tmp/site    # site in /tmp/site/_build/html

The script reads ``_config.yml``, writes a derived copy to a temporary file
(``_config.yml`` itself is never changed) and runs
``jupyter-book build --all -n -W --keep-going`` on the repository: any
warning (broken reference, missing image, undefined citation, unknown output
type) makes the build fail. ``--all`` rebuilds every page, because Sphinx
only reports the warnings of the pages it reads again.

``--offline`` serves the three scripts the site otherwise loads from public
CDNs from local copies installed from npm (``package.json`` at the repository
root; ``npm ci`` runs when they are missing):

* require.js and ``@jupyter-widgets/html-manager``'s ``embed-amd.js`` (the
  widget manager that brings the slider explorers to life with no kernel);
* MathJax 3 (the math renderer).

They are copied into ``_static/offline/`` of the built site through Sphinx's
``html_extra_path``, never into the repository's ``_static/``: Jupyter Book
adds every ``.js`` file found in a static folder to every page, which would
make each page load the 4 MB widget manager and all of MathJax's
components.

``--hide-solutions`` builds the student edition: every solution (its
markdown and its code cells) is left out of the site. It sets
``course_hide_solutions`` (``_ext/hide_solutions.py``), not sphinx-exercise's
``hide_solutions``, which leaves the content of gated solutions on the page.
The same option turns off what would hand out the full notebooks: the
download button and the copied sources (``_sources/``), the Binder, Colab
and Thebe launch buttons and the repository button. Students get their
notebooks from ``python tools/make_handouts.py``.

Both editions, online and offline, load ``_ext/font_awesome_nest.py``: the
theme's Font Awesome would otherwise swap the Play widget's icon tag for an
SVG, and the Play button would throw when clicked.
"""

from __future__ import annotations

import argparse
import copy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

# Where the offline copies live in the built site, below its _static/ folder.
OFFLINE_DIR = "offline"

# (npm package folder, files to copy, destination below _static/offline/).
# Only what the pages load: the widget manager with the icon fonts its CSS
# points to, require.js, and MathJax's combined TeX component with the fonts,
# extensions and accessibility modules it loads on demand. The widget manager
# keeps its npm path: require.js resolves it, and its fonts, against baseUrl.
HTML_MANAGER_DIST = "@jupyter-widgets/html-manager/dist"
OFFLINE_ASSETS = [
    ("requirejs", ["require.js"], "."),
    (HTML_MANAGER_DIST, ["embed-amd.js", "*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg"],
     HTML_MANAGER_DIST),
    # The controls and base modules inside embed-amd.js ask for the same
    # icon fonts next to their own module ids (baseUrl/@jupyter-widgets/).
    (HTML_MANAGER_DIST, ["*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg"], "@jupyter-widgets"),
    (
        "mathjax/es5",
        ["tex-mml-chtml.js", "input/**/*", "output/**/*", "a11y/**/*", "ui/**/*", "sre/**/*",
         "adaptors/**/*"],
        "mathjax",
    ),
]

# Loaded before require.js: make require.js resolve module ids (and the
# widget manager its fonts) against the folder of this script, wherever the
# site is hosted, instead of against the page's folder.
REQUIRE_CONFIG_JS = """\
// Written by tools/build_book.py --offline: where require.js finds the widget manager.
var require = { baseUrl: new URL(".", document.currentScript.src).href };
"""


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Build the course book strictly (jupyter-book build --all -n -W --keep-going)."
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="serve the widget manager, require.js and MathJax from local npm copies",
    )
    parser.add_argument(
        "--hide-solutions",
        action="store_true",
        help="leave every exercise solution out of the site (student edition)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO,
        help="output folder; the site is written to OUT/_build/html (default: the repository)",
    )
    parser.add_argument(
        "--toc",
        type=Path,
        default=None,
        help="another table of contents to build instead of _toc.yml (for trying a chapter out)",
    )
    parser.add_argument(
        "--node-modules",
        type=Path,
        default=REPO / "node_modules",
        help="where the npm packages of package.json are installed (default: ./node_modules)",
    )
    return parser.parse_args(argv)


def ensure_node_modules(node_modules: Path) -> None:
    """Install the npm packages of ``package.json`` if any offline asset is missing.

    Raises
    ------
    FileNotFoundError
        If the packages are still missing after ``npm ci``.
    """
    def missing() -> list[str]:
        return [pkg for pkg, _, _ in OFFLINE_ASSETS if not (node_modules / pkg).is_dir()]

    if missing() and node_modules == REPO / "node_modules":
        print("build_book: installing the offline assets with npm ci", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO, check=True)
    if missing():
        raise FileNotFoundError(
            f"node_modules is missing {', '.join(missing())}: run `npm ci` in {REPO}"
        )


def stage_offline_assets(node_modules: Path, staging: Path) -> Path:
    """Copy the offline scripts into ``staging/_static/offline/`` and return ``staging``.

    ``staging`` is given to Sphinx as ``html_extra_path``, whose content is
    merged into the root of the built site.
    """
    target_root = staging / "_static" / OFFLINE_DIR
    for package, patterns, destination in OFFLINE_ASSETS:
        source = node_modules / package
        for pattern in patterns:
            matches = [p for p in source.glob(pattern) if p.is_file() and p.suffix != ".map"]
            if not matches:
                raise FileNotFoundError(f"no file matches {pattern} in {source}")
            for path in matches:
                target = target_root / destination / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    (target_root / "require-config.js").write_text(REQUIRE_CONFIG_JS, encoding="utf-8")
    return staging


def offline_sphinx_settings(staging: Path) -> dict:
    """Sphinx settings that load the staged offline copies (see :func:`stage_offline_assets`).

    Returns ``html_extra_path`` (``staging``), ``nb_ipywidgets_js`` (require.js
    and the widget manager) and ``mathjax_path``, relative to the site's
    ``_static/``. The book's offline build and the browser tests' small test
    book (tests/browser/conftest.py) both use them.
    """
    return {
        "html_extra_path": [str(staging)],
        # Relative script paths are served from the site's _static/ folder.
        # No integrity hash (npm's require.js differs from the CDN's) and no
        # data-jupyter-widgets-cdn-only attribute (it switches cdn-only on
        # whatever its value).
        "nb_ipywidgets_js": {
            f"{OFFLINE_DIR}/require-config.js": {},
            f"{OFFLINE_DIR}/require.js": {},
            f"{OFFLINE_DIR}/{HTML_MANAGER_DIST}/embed-amd.js": {},
        },
        "mathjax_path": f"{OFFLINE_DIR}/mathjax/tex-mml-chtml.js",
    }


def derived_config(base: dict, *, offline: bool, hide_solutions: bool,
                   staging: Path | None) -> dict:
    """Return a copy of the ``_config.yml`` mapping with the build options applied."""
    config = copy.deepcopy(base)  # keeps key order: nb_ipywidgets_js loads in that order
    sphinx_section = config.setdefault("sphinx", {})
    # Jupyter Book resolves these paths against the config file's folder,
    # which is now a temporary one.
    for name, path in (sphinx_section.get("local_extensions") or {}).items():
        sphinx_section["local_extensions"][name] = str((REPO / path).resolve())
    sphinx_config = sphinx_section.setdefault("config", {})
    # Not sphinx-exercise's hide_solutions, which leaves the content of gated
    # solutions on the page (see _ext/hide_solutions.py).
    sphinx_config["course_hide_solutions"] = bool(hide_solutions)
    if offline:
        if staging is None:
            raise ValueError("staging must be given for an offline build")
        settings = offline_sphinx_settings(staging)
        extra = list(sphinx_config.get("html_extra_path", []))
        sphinx_config["html_extra_path"] = extra + settings.pop("html_extra_path")
        sphinx_config.update(settings)
    return config


def build(*, offline: bool = False, hide_solutions: bool = False, out: Path = REPO,
          toc: Path | None = None, node_modules: Path = REPO / "node_modules") -> int:
    """Build the book strictly and return jupyter-book's exit code (0: no warning)."""
    base = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="convkit-book-") as tmp:
        tmp_path = Path(tmp)
        staging = None
        if offline:
            ensure_node_modules(node_modules)
            staging = stage_offline_assets(node_modules, tmp_path / "extra")
        config = derived_config(base, offline=offline, hide_solutions=hide_solutions,
                                staging=staging)
        config_path = tmp_path / "_config.yml"
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        command = [
            # The same as the `jupyter-book` command, with this interpreter.
            sys.executable, "-c", "from jupyter_book.cli.main import main; main()",
            "build", str(REPO),
            "--config", str(config_path),
            "--path-output", str(Path(out).resolve()),
            "--all", "-n", "-W", "--keep-going",
        ]
        if toc is not None:
            command += ["--toc", str(Path(toc).resolve())]
        completed = subprocess.run(command, cwd=REPO)
    if completed.returncode == 0:
        print(f"build_book: site written to {Path(out).resolve() / '_build' / 'html'}")
    return completed.returncode


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    return build(offline=args.offline, hide_solutions=args.hide_solutions, out=args.out,
                 toc=args.toc, node_modules=args.node_modules)


if __name__ == "__main__":
    sys.exit(main())
