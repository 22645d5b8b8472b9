"""The book builds strictly, offline, and holds what a reader needs.

One strict offline build (``tools/build_book.py --offline``, i.e.
``jupyter-book build --all -n -W --keep-going``) per session, in a temporary
folder; a second build with ``--hide-solutions`` for the student edition.
The tests read the built HTML: launch buttons, API reference, glossary,
bibliography, alt text, no script from the network, each script once.
"""

from __future__ import annotations

import html.parser
import importlib
import pkgutil
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

from book_site import REPO, built_site, install_node_modules, run_folder, toc_documents

pytestmark = pytest.mark.slow

CONFIG = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))

# Terms the glossary must define (issue 4 and the course brief).
REQUIRED_TERMS = [
    "kernel", "filter", "channel", "feature map", "stride", "padding", "dilation", "groups",
    "receptive field", "cross-correlation", "convolution", "transposed convolution",
    "output padding", "depthwise", "pointwise", "depth multiplier", "bias", "weight sharing",
    "translation equivariance", "im2col",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    return built_site(run_folder(tmp_path_factory), offline=True)


@pytest.fixture(scope="session")
def student_site(tmp_path_factory):
    return built_site(run_folder(tmp_path_factory), hide_solutions=True)


class Tags(html.parser.HTMLParser):
    """Every start tag of a page with its attributes, and inline script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script" and not dict(attrs).get("src")
        if self._in_script:
            self.inline_scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_scripts[-1] += data


def parse(page: Path) -> Tags:
    parser = Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def chapter_docs() -> list[str]:
    return [d for d in toc_documents() if d.startswith("chapters/")]


# --- the build ----------------------------------------------------------------


def test_strict_offline_build_passes_without_warnings(site):
    assert site.returncode == 0, "strict build failed:\n" + "\n".join(site.warnings()[:40])
    assert site.warnings() == []


def test_every_toc_document_is_a_page(site):
    missing = [d for d in toc_documents() if not (site.html / f"{d}.html").is_file()]
    assert not missing, f"no HTML page for {missing}"


def test_only_toc_documents_are_pages(site):
    expected = {f"{d}.html" for d in toc_documents()}
    built = {p.relative_to(site.html).as_posix() for p in site.pages()}
    assert built == expected, f"unexpected pages: {sorted(built - expected)}"


# --- configuration --------------------------------------------------------------


def test_config_is_a_strict_book_rendered_from_committed_outputs():
    assert CONFIG["only_build_toc_files"] is True
    assert CONFIG["execute"]["execute_notebooks"] == "off"
    excluded = set(CONFIG["exclude_patterns"])
    for folder in ("tests", "convkit", "handouts", "node_modules", "benchmarks", "_build"):
        assert folder in excluded, f"{folder} is not excluded from the book"
    assert CONFIG["bibtex_bibfiles"] == ["references.bib"]


def test_launch_buttons_use_the_one_repository_url(site):
    url = CONFIG["repository"]["url"]
    owner_repo = urlsplit(url).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    for doc in chapter_docs():
        hrefs = [attrs.get("href", "") for tag, attrs in parse(site.html / f"{doc}.html").tags
                 if tag == "a"]
        binder = [h for h in hrefs if h.startswith(CONFIG["launch_buttons"]["binderhub_url"])]
        colab = [h for h in hrefs if h.startswith(CONFIG["launch_buttons"]["colab_url"])]
        assert binder and colab, f"{doc}: missing Binder or Colab launch button"
        assert any(f"/gh/{owner_repo}/{branch}" in unquote(h) and f"{doc}.ipynb" in unquote(h)
                   for h in binder), f"{doc}: Binder link does not open this notebook: {binder}"
        assert any(f"/github/{owner_repo}/blob/{branch}/{doc}.ipynb" in h for h in colab), (
            f"{doc}: Colab link does not open this notebook: {colab}"
        )
        assert f'href="{url}"' in (site.html / f"{doc}.html").read_text(encoding="utf-8")


def test_thebe_live_code_is_configured_on_chapters(site):
    for doc in chapter_docs():
        page = parse(site.html / f"{doc}.html")
        configs = [s for s in page.inline_scripts if "THEBE_JS_URL" in s]
        assert len(configs) == 1, f"{doc}: thebe configured {len(configs)} times"
        assert any(tag == "script" and attrs.get("type") == "text/x-thebe-config"
                   for tag, attrs in page.tags), f"{doc}: no thebe configuration for the kernel"


# --- what the pages load --------------------------------------------------------


def test_offline_pages_load_no_script_or_style_from_the_network(site):
    for page_path in site.pages():
        for tag, attrs in parse(page_path).tags:
            url = attrs.get("src") if tag == "script" else (
                attrs.get("href") if tag == "link" and attrs.get("rel") == "stylesheet" else None)
            if url:
                assert "://" not in url and not url.startswith("//"), (
                    f"{page_path.relative_to(site.html)} loads {url} from the network"
                )


def test_each_script_appears_once_per_page(site):
    for page_path in site.pages():
        page = parse(page_path)
        sources = [a["src"].split("?")[0] for t, a in page.tags if t == "script" and a.get("src")]
        assert len(sources) == len(set(sources)), f"{page_path.name}: a script file loads twice"
        bodies = [b.strip() for b in page.inline_scripts if b.strip()]
        repeated = {b[:60] for b in bodies if bodies.count(b) > 1}
        assert not repeated, f"{page_path.name}: inline scripts repeated: {repeated}"


def test_font_awesome_nests_its_icons_in_both_editions(site, student_site):
    """Every page, offline or not, sets Font Awesome to nest its SVGs before the theme loads it.

    The browser tests check the effect (tests/browser/test_site.py: the Play
    widget steps its frames); this checks that the published, CDN-served
    edition (built here as the student edition) carries the setting too.
    """
    assert student_site.returncode == 0, "\n".join(student_site.warnings()[:40])
    for built in (site, student_site):
        for page_path in built.pages():
            page = parse(page_path)
            nesting = [b for b in page.inline_scripts
                       if "FontAwesomeConfig" in b and 'autoReplaceSvg: "nest"' in b]
            assert len(nesting) == 1, f"{page_path}: no Font Awesome nest setting"
            text = page_path.read_text(encoding="utf-8")
            head = text[:text.index("</head>")]
            assert "FontAwesomeConfig" in head, f"{page_path}: the setting is not in the head"


def test_cdn_scripts_are_the_versions_package_json_pins():
    """The published site's CDN scripts and the npm copies (offline build, tests) agree."""
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    pins = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["dependencies"]
    urls = [*config["nb_ipywidgets_js"], config["mathjax_path"]]
    found = {}
    for url in urls:
        match = re.match(r"https://cdn\.jsdelivr\.net/npm/(@?[^@/]+(?:/[^@/]+)?)@([^/]+)/", url)
        assert match, f"not an npm CDN URL with a version: {url}"
        found[match.group(1)] = match.group(2)
    assert found == {name: pins[name] for name in ("requirejs", "@jupyter-widgets/html-manager",
                                                   "mathjax")}


def test_cdn_widget_pages_find_the_icon_fonts_on_the_cdn(student_site):
    """_ext/widgets_cdn_paths.py: require.js maps the widget modules to the CDN's dist/.

    The browser suite checks the effect (no 404 on the default build); this
    checks the CDN-served student edition carries the mapping, before
    require.js, on exactly the pages with widgets.
    """
    assert student_site.returncode == 0, "\n".join(student_site.warnings()[:40])
    for page_path in student_site.pages():
        page = parse(page_path)
        sources = [a["src"] for t, a in page.tags if t == "script" and a.get("src")]
        embed = [s for s in sources if s.endswith("embed-amd.js")]
        mapping = [b for b in page.inline_scripts if "@jupyter-widgets/html-manager/dist" in b]
        if not embed:
            assert not mapping, f"{page_path.name}: a require.js mapping without widgets"
            continue
        assert len(mapping) == 1, f"{page_path.name}: widgets but no require.js mapping"
        dist = embed[0].rsplit("/", 1)[0]
        assert f'"@jupyter-widgets/html-manager/dist": "{dist}"' in mapping[0]
        text = page_path.read_text(encoding="utf-8")
        assert text.index("@jupyter-widgets/html-manager/dist\"") < text.index("require.js")


def test_widget_pages_load_the_local_widget_manager(site):
    for doc in chapter_docs():
        page_path = site.html / f"{doc}.html"
        page = parse(page_path)
        has_state = any(a.get("type") == "application/vnd.jupyter.widget-state+json"
                        for t, a in page.tags if t == "script")
        if not has_state:
            continue
        sources = [a["src"].split("?")[0] for t, a in page.tags if t == "script" and a.get("src")]
        for script in ("require.js", "embed-amd.js"):
            matching = [s for s in sources if s.endswith(script)]
            assert matching, f"{doc}: widget state but no {script}"
            assert (page_path.parent / matching[0]).resolve().is_file()


def test_every_image_has_alt_text_and_exists(site):
    for page_path in site.pages():
        for tag, attrs in parse(page_path).tags:
            if tag != "img":
                continue
            where = f"{page_path.relative_to(site.html)}: <img src={attrs.get('src', '')[:60]}>"
            assert (attrs.get("alt") or "").strip(), f"{where} has no alt text"
            src = attrs.get("src", "")
            if src and not src.startswith("data:") and "://" not in src:
                assert (page_path.parent / unquote(src.split("?")[0])).resolve().is_file(), (
                    f"{where} points to a missing file"
                )


def test_course_stylesheet_is_on_every_page(site):
    for page_path in site.pages():
        hrefs = [a.get("href", "") for t, a in parse(page_path).tags if t == "link"]
        assert any(h.split("?")[0].endswith("_static/course.css") for h in hrefs), page_path.name


# --- reference pages --------------------------------------------------------------


def public_modules() -> list:
    import convkit

    modules = []
    for info in pkgutil.walk_packages(convkit.__path__, prefix="convkit."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            modules.append(importlib.import_module(info.name))
    return modules


def test_api_page_documents_every_public_name(site):
    text = (site.html / "api.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="(convkit\.[\w.]+)"', text))
    missing = []
    for module in public_modules():
        for name in getattr(module, "__all__", []):
            # Documented once, in the module that defines it (a package's
            # re-exports appear under their own module).
            # An alias (a second name bound to a function) is
            # documented under the name it was defined with.
            obj = getattr(module, name)
            home = getattr(obj, "__module__", module.__name__)
            defined_as = getattr(obj, "__qualname__", name) if home != module.__name__ else name
            if f"{home}.{defined_as}" not in ids:
                missing.append(f"{module.__name__}.{name}")
    assert not missing, f"not on the API page: {missing}"
    import convkit

    exported = [n for n in vars(convkit) if not n.startswith("_") and callable(getattr(convkit, n))]
    undocumented = [n for n in exported if not any(i.endswith(f".{n}") for i in ids)]
    assert not undocumented, f"convkit exports names the API page lacks: {undocumented}"


def test_glossary_defines_the_course_terms(site):
    text = (site.html / "glossary.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="term-([^"]+)"', text))
    missing = [t for t in REQUIRED_TERMS if re.sub(r"[^a-z0-9]+", "-", t) not in ids]
    assert not missing, f"glossary lacks {missing}"


def contributing_keys() -> list[str]:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Bibliography keys", 1)[1]
    return re.findall(r"`([a-z]+\d{4}[a-z]+)`", section)


def bib_entries() -> dict[str, str]:
    text = (REPO / "references.bib").read_text(encoding="utf-8")
    starts = list(re.finditer(r"^@(\w+)\{([^,\s]+),", text, flags=re.MULTILINE))
    entries = {}
    for match, following in zip(starts, starts[1:] + [None]):
        end = following.start() if following else len(text)
        entries[match.group(2)] = text[match.start():end]
    return entries


def test_bibliography_has_every_key_of_contributing_with_full_fields():
    keys = contributing_keys()
    assert len(keys) >= 19, f"could not read the keys of CONTRIBUTING.md: {keys}"
    entries = bib_entries()
    assert not set(keys) - set(entries), f"missing from references.bib: {set(keys) - set(entries)}"
    for key, entry in entries.items():
        # A web post whose date no copy gives is cited undated, with its address, rather than
        # with a guessed year.
        web = entry.lstrip().lower().startswith("@misc") and re.search(r"^\s*url\s*=", entry, re.M)
        undated = web and re.search(r"^\s*note\s*=\s*\{undated", entry, re.M)
        for field in ("author", "title") + (() if undated else ("year",)):
            assert re.search(rf"^\s*{field}\s*=", entry, flags=re.MULTILINE), f"{key}: no {field}"
        venues = "journal|booktitle|publisher|school" + ("|howpublished" if web else "")
        assert re.search(rf"^\s*({venues})\s*=", entry, flags=re.MULTILINE), f"{key}: no venue"
        if undated:
            assert not re.search(r"^\s*year\s*=", entry, re.M), f"{key}: undated but has a year"
            assert not re.search(r"\d{4}", key), f"{key}: an undated entry's key has no year"
            continue
        year = int(re.search(r"year\s*=\s*\{(\d{4})\}", entry).group(1))
        key_year = int(re.search(r"(\d{4})", key).group(1))
        assert abs(year - key_year) <= 1, f"{key}: year {year} far from the key's year"


def test_references_page_lists_every_entry(site):
    text = (site.html / "bibliography.html").read_text(encoding="utf-8")
    listed = len(re.findall(r'<div class="citation" id=', text)) or len(
        re.findall(r'role="doc-biblioentry"', text))
    assert listed == len(bib_entries())


def test_exercises_and_figures_are_numbered_by_their_chapter(site):
    for doc in chapter_docs():
        number = int(Path(doc).name.split("_", 1)[0])
        text = (site.html / f"{doc}.html").read_text(encoding="utf-8")
        exercise_numbers = set(re.findall(r"Exercise (\d+(?:\.\d+)*)", text))
        assert exercise_numbers, f"{doc}: no numbered exercise"
        wrong = {n for n in exercise_numbers if n.split(".")[0] != str(number)}
        assert not wrong, f"{doc} is chapter {number}, its exercises are numbered {wrong}"
        wrong_figures = {n for n in re.findall(r"Fig\. (\d+(?:\.\d+)*)", text)
                         if n.split(".")[0] != str(number)}
        assert not wrong_figures, f"{doc}: figures numbered {wrong_figures}"
        # No second, Sphinx-made number in front of the written one.
        assert 'class="section-number"' not in text, f"{doc}: Sphinx section numbers shown"


# --- solutions -----------------------------------------------------------------------


def solution_count(doc: str) -> int:
    nb = nbformat.read(REPO / f"{doc}.ipynb", as_version=4)
    return sum(1 for c in nb.cells
               if c.cell_type == "markdown" and c.source.lstrip().startswith("```{solution-start}"))


def exercise_count(doc: str) -> int:
    nb = nbformat.read(REPO / f"{doc}.ipynb", as_version=4)
    return sum(1 for c in nb.cells
               if c.cell_type == "markdown" and c.source.lstrip().startswith("```{exercise-start}"))


def classes_on(page: Path, name: str) -> int:
    return sum(1 for tag, attrs in parse(page).tags
               if tag == "div" and name in (attrs.get("class") or "").split())


def test_solutions_are_on_the_site_behind_a_toggle(site):
    for doc in chapter_docs():
        page = site.html / f"{doc}.html"
        assert classes_on(page, "solution") == solution_count(doc), doc
        assert classes_on(page, "exercise") == exercise_count(doc), doc


def test_student_edition_has_exercises_but_no_solutions(student_site):
    assert student_site.returncode == 0, "\n".join(student_site.warnings()[:40])
    for doc in chapter_docs():
        page = student_site.html / f"{doc}.html"
        assert classes_on(page, "solution") == 0, f"{doc}: a solution is left in"
        assert classes_on(page, "exercise") == exercise_count(doc), doc
        text = page.read_text(encoding="utf-8")
        nb = nbformat.read(REPO / f"{doc}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
                first_line = next((l for l in cell.source.splitlines() if l.strip()), "")
                if len(first_line) > 20:
                    assert html_escape(first_line) not in text, (
                        f"{doc}: solution code is still on the student page: {first_line}"
                    )


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def solution_code_lines(doc: str) -> set[str]:
    """Lines of the chapter's ``solution``-tagged code cells that appear nowhere else in it.

    Lines also found in the chapter's other cells (an import, a call the
    exercise shows, a shape comment at the end of a shown line) or in
    convkit's source (whose docstrings the API page publishes) are public
    anyway; short lines (``return out``) would match by chance.
    """
    nb = nbformat.read(REPO / f"{doc}.ipynb", as_version=4)
    solution, public = set(), set()
    for cell in nb.cells:
        lines = {line.strip() for line in cell.source.splitlines()}
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            solution |= lines
        else:
            public |= lines | {line[line.index("#"):] for line in lines if "#" in line}
    library = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "convkit").rglob("*.py"))
    return {line for line in solution - public if len(line) >= 16 and line not in library}


def encodings_of(line: str) -> set[str]:
    """How a line of code can be written in a site file: as is, in HTML, in JSON."""
    import json

    return {line, html_escape(line), json.dumps(line)[1:-1]}


def test_student_edition_hands_out_no_solution_code(student_site):
    """No file of the student site holds solution code: not the pages, not the
    search index, no copied notebook (``_sources/``), and no button leads to
    the repository's notebooks (download, Binder, Colab, Thebe, repository)."""
    assert student_site.returncode == 0, "\n".join(student_site.warnings()[:40])
    wanted = {doc: solution_code_lines(doc) for doc in chapter_docs()}
    assert all(wanted.values()), f"a chapter without solution code: {wanted}"
    files = [p for p in student_site.html.rglob("*") if p.is_file()]
    texts = {p: p.read_bytes().decode("utf-8", errors="replace") for p in files
             if p.suffix in {".html", ".js", ".ipynb", ".txt", ".json", ".md", ".py", ".inv"}
             or "_sources" in p.parts}
    assert any(p.suffix == ".html" for p in texts) and any(p.name == "searchindex.js" for p in texts)
    leaks = []
    for doc, lines in wanted.items():
        for line in sorted(lines):
            for path, text in texts.items():
                if any(form in text for form in encodings_of(line)):
                    leaks.append(f"{path.relative_to(student_site.html)}: {doc}: {line}")
    assert not leaks, "solution code in the student site:\n" + "\n".join(leaks[:20])
    assert not [p for p in files if p.suffix == ".ipynb"], "a notebook is handed out"
    for doc in chapter_docs():
        page = parse(student_site.html / f"{doc}.html")
        labels = {a.get("aria-label", "") or a.get("title", "") for t, a in page.tags}
        hrefs = [a.get("href", "") for t, a in page.tags if t == "a"]
        bad = [h for h in hrefs if "_sources/" in h or "binder" in h or "colab" in h.lower()
               or h.rstrip("/") == CONFIG["repository"]["url"].rstrip("/")]
        assert not bad, f"{doc}: links to notebooks with solutions: {bad}"
        assert not any("launch-thebe" in l or "download-notebook" in l for l in labels), doc


# --- Binder ----------------------------------------------------------------------------


def test_binder_installs_cpu_torch_and_the_repository_requirements():
    environment = yaml.safe_load((REPO / "binder" / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("pytorch-cpu") for d in conda)
    post_build = (REPO / "binder" / "postBuild").read_text(encoding="utf-8")
    assert "requirements.txt" in post_build
    requirements = (REPO / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^torch==", requirements, flags=re.MULTILINE), "the torch pin moved"
    # The filter postBuild applies must drop the torch pin and keep the rest.
    pattern = re.search(r"grep -v -E '([^']+)'", post_build).group(1)
    kept = [line for line in requirements.splitlines() if not re.search(pattern, line)]
    assert not any(re.match(r"torch\s*([=<>!~]|$)", line) for line in kept)
    # packages whose names merely start with "torch" (torch_geometric) stay
    assert all(line in kept for line in requirements.splitlines() if line.startswith("torch_"))
    assert "-e ." in kept and any(line.startswith("numpy") for line in kept)


# --- landing page -------------------------------------------------------------------------


def test_landing_page_maps_every_chapter_with_a_picture_and_its_alt_text(site):
    import make_chapter_map  # tools/ is on the pytest pythonpath

    page_path = site.html / "intro.html"
    page = parse(page_path)
    cards = [a for t, a in page.tags if t == "a" and "sd-stretched-link" in (a.get("class") or "")]
    linked = {unquote(a["href"]).split("#")[0] for a in cards}
    images = {Path(unquote(a["src"])).name: a.get("alt", "")
              for t, a in page.tags if t == "img" and "sd-card-img-top" in (a.get("class") or "")}
    for doc in chapter_docs():
        assert f"{doc}.html" in linked, f"no chapter-map card links to {doc}"
        name = f"{Path(doc).name}.png"
        assert name in images, f"no chapter-map picture for {doc}"
        assert images[name] == make_chapter_map.PICTURES[doc][1], f"{doc}: alt text differs"


def test_chapter_map_pictures_are_up_to_date():
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, str(REPO / "tools" / "make_chapter_map.py"),
                                "--check"], capture_output=True, text=True, cwd=REPO)
    assert completed.returncode == 0, completed.stderr


# --- tools/build_book.py, without building ---------------------------------------------------


def _build_book_module():
    import build_book  # tools/ is on the pytest pythonpath

    return build_book


def test_derived_config_offline_serves_local_scripts(tmp_path):
    build_book = _build_book_module()
    derived = build_book.derived_config(CONFIG, offline=True, hide_solutions=False,
                                        staging=tmp_path)
    sphinx_config = derived["sphinx"]["config"]
    scripts = sphinx_config["nb_ipywidgets_js"]
    assert all("://" not in path for path in scripts)
    assert [Path(p).name for p in scripts][-2:] == ["require.js", "embed-amd.js"]
    assert all(attrs == {} for attrs in scripts.values()), "no integrity or cdn-only attributes"
    assert "://" not in sphinx_config["mathjax_path"]
    assert str(tmp_path) in sphinx_config["html_extra_path"]
    assert sphinx_config["course_hide_solutions"] is False
    for path in derived["sphinx"]["local_extensions"].values():
        assert Path(path).is_absolute() and Path(path).is_dir()
    # The configuration read from _config.yml is left as it was (CDN scripts).
    assert all(path.startswith("https://") for path in CONFIG["sphinx"]["config"]["nb_ipywidgets_js"])


def test_derived_config_student_edition_hides_solutions():
    build_book = _build_book_module()
    derived = build_book.derived_config(CONFIG, offline=False, hide_solutions=True, staging=None)
    assert derived["sphinx"]["config"]["course_hide_solutions"] is True
    # The student edition is served like the published site: the CDN scripts of _config.yml.
    assert derived["sphinx"]["config"]["nb_ipywidgets_js"] == CONFIG["sphinx"]["config"]["nb_ipywidgets_js"]


def test_offline_assets_are_staged_outside_static(tmp_path, tmp_path_factory):
    build_book = _build_book_module()
    node_modules = install_node_modules(run_folder(tmp_path_factory))  # npm ci when a package is missing
    staging = build_book.stage_offline_assets(node_modules, tmp_path / "extra")
    offline = staging / "_static" / build_book.OFFLINE_DIR
    derived = build_book.derived_config(CONFIG, offline=True, hide_solutions=False,
                                        staging=staging)
    sphinx_config = derived["sphinx"]["config"]
    for script in [*sphinx_config["nb_ipywidgets_js"], sphinx_config["mathjax_path"]]:
        assert (staging / "_static" / script).is_file(), script
    assert (offline / "@jupyter-widgets" / "1551f4f60c37af51121f.woff2").is_file()
    assert not (REPO / "_static" / build_book.OFFLINE_DIR).exists()
