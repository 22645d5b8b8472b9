"""The whole built site in a real browser (headless Chromium), with no network.

The book is built once per session with ``tools/build_book.py --offline``
(shared with tests/test_book.py through tests/book_site.py), served on
127.0.0.1 and opened page by page. Every request that leaves 127.0.0.1 is
recorded and aborted (fixtures of tests/browser/conftest.py).

Checked on every page: no console error, no request to the network, every
image has alt text and has loaded, all math is typeset (no raw ``$...$``
left). Checked on the site: the sidebar and the next/previous links walk the
table of contents, search finds pages, every slider of every explorer on
the chapters changes the frame its explorer shows, and each chapter page stays under
the page-weight budget below (the weights are printed).

Speed: the tests of one page share one load of it. Each worker of the run
opens one browser context per edition; :class:`Visits` loads a page once,
records everything the per-page tests ask about (console errors, failed and
network requests, images, math, icons, page weight) and each test asserts on
its part. The slider tests then use the same loaded page. Every per-page test
carries its page's ``xdist_group``, so one worker runs all of a page's tests
and the pages spread over the workers.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
from book_site import built_site, run_folder, toc_documents  # tests/ is on the pytest pythonpath
from conftest import network_tracker  # tests/browser/conftest.py

pytestmark = pytest.mark.browser

# Page weight of one chapter page, uncompressed: every byte the browser
# fetches to show it. The shared part (theme, widget manager about 4.4 MB,
# MathJax about 1.2 MB, fonts) is cached after the first page; a chapter's
# own content is its HTML (with the embedded widget state and explorer
# frames) and its images.
PAGE_WEIGHT_BUDGET = 12_000_000  # bytes, everything
CHAPTER_CONTENT_BUDGET = 3_000_000  # bytes, the page's HTML and its _images/

# Chapters' explorers render frames as <img> inside an HTML widget.
FRAME_SELECTOR = ".widget-html-content img"


@pytest.fixture(scope="session")
def site(tmp_path_factory, node_modules):
    built = built_site(run_folder(tmp_path_factory), offline=True)
    if built.returncode != 0:
        pytest.fail("the strict offline build failed:\n" + "\n".join(built.warnings()[:40]))
    return built


@pytest.fixture(scope="session")
def default_site(tmp_path_factory):
    """The published build: require.js, the widget manager and MathJax from the CDN."""
    built = built_site(run_folder(tmp_path_factory))
    if built.returncode != 0:
        pytest.fail("the strict default build failed:\n" + "\n".join(built.warnings()[:40]))
    return built


# The pages under test, known before the build (_toc.yml); that they are the
# site's pages is checked by test_the_pages_under_test_are_the_sites_pages.
TOC_PAGES = [f"{doc}.html" for doc in toc_documents()]
PAGES = TOC_PAGES + ["search.html", "genindex.html"]
CHAPTERS = [url for url in TOC_PAGES if url.startswith("chapters/")]
# Chapters with no explorer, and why (none now: chapter 15's explorer of
# measured times, which no static page can show truthfully on every machine,
# became one of counted operations and memory, issue 16).
WITHOUT_EXPLORER: dict[str, str] = {}


def _has_explorer(url: str) -> bool:
    notebook = REPO / url.replace(".html", ".ipynb")
    return "Explorer(" in notebook.read_text(encoding="utf-8")


EXPLORER_CHAPTERS = [url for url in CHAPTERS if url not in WITHOUT_EXPLORER]


def per_page(urls: list[str]) -> list:
    """One parameter per page, in the page's pytest-xdist group (one worker loads it once)."""
    return [pytest.param(url, id=url, marks=pytest.mark.xdist_group(f"site-page:{url}"))
            for url in urls]


def page_urls(site) -> list[str]:
    """Site-relative URLs of every content page, plus the search and index pages."""
    pages = [p.relative_to(site.html).as_posix() for p in site.pages()]
    return pages + ["search.html", "genindex.html"]


def chapter_urls(site) -> list[str]:
    return [u for u in page_urls(site) if u.startswith("chapters/")]


def visit(page, url: str) -> None:
    """Open ``url`` and wait until the page, its scripts and MathJax have settled."""
    network = network_tracker(page)
    network.forget()
    page.goto(url, wait_until="load")
    network.wait_until_quiet()
    page.evaluate(
        """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
                ? MathJax.startup.promise.then(() => true) : true"""
    )


PROBLEM_KINDS = ("console_errors", "external_requests", "failed_requests")

# Every image of the page, with its alt text and whether it has loaded.
IMAGES = """() => Array.from(document.images).map(img => ({
    src: img.getAttribute('src') || '',
    alt: (img.getAttribute('alt') || '').trim(),
    loaded: img.complete && img.naturalWidth > 0,
}))"""

# Math elements MathJax left untypeset, and TeX delimiters left in visible prose.
MATH = r"""() => {
    const math = Array.from(document.querySelectorAll('.math'));
    const untypeset = math.filter(el => !el.querySelector('mjx-container'))
                          .map(el => el.textContent.slice(0, 60));
    // Visible prose outside code: no TeX delimiters may be left.
    const walker = document.createTreeWalker(document.querySelector('main') || document.body,
                                             NodeFilter.SHOW_TEXT);
    const raw = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent.closest('pre, code, script, style, mjx-container, .widget-html-content')) continue;
        if (!parent.offsetParent && parent.tagName !== 'BODY') continue;  // hidden
        const match = node.textContent.match(/\$[^$\s][^$]*\$|\\\(|\\\[/);
        if (match) raw.push(match[0].slice(0, 60));
    }
    return {count: math.length, untypeset, raw,
            containers: document.querySelectorAll('mjx-container').length};
}"""

# Bytes fetched to show the page: everything, and its own content (HTML, _images/).
WEIGHT = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const images = resources.filter(r => r.name.includes('/_images/'));
    const sum = list => list.reduce((total, r) => total + r.encodedBodySize, 0);
    return {total: nav.encodedBodySize + sum(resources),
            content: nav.encodedBodySize + sum(images)};
}"""

# The theme's Font Awesome icons, and those whose <svg> replaced its tag.
FONT_AWESOME = """() => {
    const svgs = Array.from(document.querySelectorAll('svg.svg-inline--fa'));
    return {svgs: svgs.length,
            swapped: svgs.filter(s => !(['I', 'SPAN'].includes(s.parentElement.tagName)
                                       && s.parentElement.children.length === 1))
                         .map(s => s.parentElement.tagName + '.' + s.parentElement.className)};
}"""


class Visits:
    """One browser page of one edition, in one worker, and what each page showed on it.

    :meth:`of` loads a page once and records what it showed while loading
    (the :class:`~conftest.PageProbe` lists, filled from the load on) and
    what the per-page tests check; :meth:`sliders` moves the sliders of a
    chapter on a fresh load of it (the one :meth:`of` left, when the page
    still shows it untouched).
    """

    def __init__(self, probe, base: str, *, full: bool = True):
        self.probe, self.base, self.full = probe, base, full
        self.seen: dict[str, dict] = {}
        self.slid: dict[str, dict] = {}
        self.untouched: str | None = None  # the URL the page shows as loaded, if any

    def _counts(self) -> dict[str, int]:
        return {name: len(getattr(self.probe, name)) for name in PROBLEM_KINDS}

    def _since(self, counts: dict[str, int]) -> dict[str, list[str]]:
        return {name: getattr(self.probe, name)[count:] for name, count in counts.items()}

    def of(self, url: str) -> dict:
        """What loading ``url`` showed; a load that failed fails each test of the page
        with the same error (not a new 30-second wait per test)."""
        if url not in self.seen:
            try:
                self.seen[url] = self._load_and_record(url)
            except Exception as error:
                self.seen[url] = error
        return _result(self.seen[url])

    def _load_and_record(self, url: str) -> dict:
        page = self.probe.page
        self.untouched = None
        counts = self._counts()
        visit(page, f"{self.base}/{url}")
        record = {}
        if self.full:
            record["weight"] = page.evaluate(WEIGHT)
            record["math"] = page.evaluate(MATH)
            record["font_awesome"] = page.evaluate(FONT_AWESOME)
        page.wait_for_timeout(300)  # late errors (widget rendering, fonts)
        if self.full:
            # Bring every image into view once, in case one loads lazily.
            page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
            network_tracker(page).wait_until_quiet()
            record["images"] = page.evaluate(IMAGES)
        record["problems"] = self._since(counts)
        self.untouched = url
        return record

    def _as_loaded(self, url: str) -> None:
        """Leave the page showing ``url`` as loaded: a fresh load (recorded again) unless it
        already does."""
        if self.untouched != url:
            self.seen.pop(url, None)
            self.of(url)

    def dark(self, url: str) -> tuple[str, list[str]]:
        """The theme and the figures' computed backgrounds of ``url`` while the system's
        colour scheme is dark (the theme's "auto" mode follows it live); light again after."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self._as_loaded(url)
        page = self.probe.page
        page.emulate_media(color_scheme="dark")
        try:
            try:
                page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'",
                                       timeout=5_000)
            except PlaywrightTimeout:
                pass  # the theme did not turn: the caller sees the theme it kept
            return page.evaluate("() => document.documentElement.dataset.theme"), page.evaluate(
                """() => Array.from(document.querySelectorAll('main img'))
                       .filter(img => !img.closest('.navbar, .bd-header, .dropdown-menu'))
                       .map(img => getComputedStyle(img).backgroundColor)""")
        finally:
            page.emulate_media(color_scheme="light")

    def sliders(self, url: str) -> dict:
        """Move the sliders of chapter ``url``: see :func:`_slide`."""
        if url not in self.slid:
            self._as_loaded(url)
            self.untouched = None
            counts = self._counts()
            result = _slide(self.probe.page, url)
            # Leave the page here, so that errors of leaving it (widgets torn
            # down mid-message) count for this page, not the next one loaded.
            self.probe.page.goto("about:blank")
            during = self._since(counts)
            loading = self.of(url)["problems"]
            result["problems"] = {name: loading[name] + during[name] for name in PROBLEM_KINDS}
            self.slid[url] = result
        return self.slid[url]


@pytest.fixture(scope="session")
def offline_visits(site, session_server, session_probe):
    """The offline edition, served locally, in one page of this worker."""
    return Visits(session_probe(), session_server(site.html))


@pytest.fixture(scope="session")
def default_visits(default_site, session_server, session_probe, node_modules):
    """The published edition, its CDN URLs answered from the npm copies package.json pins."""
    return Visits(session_probe(cdn_from_npm=node_modules), session_server(default_site.html),
                  full=False)


def test_the_pages_under_test_are_the_sites_pages(site):
    """The per-page tests cover every page of the built site (their list comes from _toc.yml)."""
    assert sorted(page_urls(site)) == sorted(PAGES)


@pytest.mark.parametrize("url", per_page(PAGES))
@pytest.mark.parametrize("edition", ["offline", "default"])
def test_every_page_loads_without_console_errors_failed_requests_or_network(
        edition, url, request):
    """Both builds: no console error, no failed request (404 ...), nothing from the network.

    The default build's CDN URLs are answered from the npm copies of the
    versions package.json pins (any other version, or any other host, counts
    as a network request), so the pages run exactly as on the published site.
    """
    visits = request.getfixturevalue("offline_visits" if edition == "offline" else "default_visits")
    found = visits.of(url)["problems"]
    assert not any(found.values()), {url: found}


@pytest.mark.parametrize("url", per_page(PAGES))
def test_every_image_has_alt_text_and_has_loaded(offline_visits, url):
    problems = []
    for image in offline_visits.of(url)["images"]:
        if not image["alt"]:
            problems.append(f"{url}: no alt text on {image['src'][:80]}")
        if not image["loaded"]:
            problems.append(f"{url}: image did not load: {image['src'][:80]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("url", per_page(PAGES))
def test_all_math_is_typeset(offline_visits, url):
    result = offline_visits.of(url)["math"]
    problems = []
    if result["untypeset"]:
        problems.append(f"{url}: {len(result['untypeset'])} math not typeset, e.g. "
                        f"{result['untypeset'][:3]}")
    if result["raw"]:
        problems.append(f"{url}: raw TeX left in the text: {result['raw'][:3]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("url", per_page(CHAPTERS))
def test_math_is_typeset_on_chapters(offline_visits, url):
    """The chapters do have math, and MathJax (served locally) typesets it."""
    assert offline_visits.of(url)["math"]["containers"] > 0, f"{url}: no typeset math"


def test_sidebar_and_next_links_walk_the_table_of_contents(site, static_server, page_probe):
    base = static_server(site.html)
    page = page_probe.page
    order = [p.relative_to(site.html).as_posix() for p in site.pages()]
    visit(page, f"{base}/intro.html")
    sidebar = page.locator("nav.bd-docs-nav a.reference.internal")
    linked = {re.sub(r"#.*$", "", a) for a in sidebar.evaluate_all("els => els.map(e => e.href)")}
    expected = {f"{base}/{p}" for p in order}
    assert expected - {f"{base}/intro.html"} <= linked, expected - linked

    # Follow the "next" link from the landing page to the last page. The links are
    # static hrefs in the built HTML (no script moves them), so the chain is read from
    # the files: clicking through 25 pages of megabytes of widget state in the browser
    # took 40 s and followed the same hrefs. The click itself is checked below.
    visited = ["intro.html"]
    while True:
        html = (site.html / visited[-1]).read_text(encoding="utf-8")
        found = re.search(r'<a[^>]*class="[^"]*right-next[^"]*"[^>]*href="([^"#]+)', html) or re.search(
            r'<a[^>]*href="([^"#]+)"[^>]*class="[^"]*right-next', html)
        if not found:
            break
        target = (Path(visited[-1]).parent / found.group(1)).as_posix()
        visited.append(posixpath.normpath(target))
        assert len(visited) <= len(order) + 1, f"next links loop: {visited}"
    assert sorted(visited) == sorted(order), visited
    visit(page, f"{base}/intro.html")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("a.right-next").first.click()
    assert page.url.removeprefix(f"{base}/").split("#")[0] == visited[1]

    # A sidebar click opens the chapter it names.
    chapter = chapter_urls(site)[0]
    visit(page, f"{base}/intro.html")
    link = page.locator(f"nav.bd-docs-nav a[href$='{chapter}']").first
    title = link.inner_text().strip()
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(chapter)
    assert page.locator("h1").first.inner_text().strip().startswith(title.split("\n")[0])


@pytest.mark.parametrize("query, expected_page", [
    ("cross-correlation", "chapters/01_cross_correlation.html"),
    ("im2col", "glossary.html"),
    ("receptive field", "chapters/03_arithmetic.html"),
])
def test_search_finds_pages(site, static_server, page_probe, query, expected_page):
    base = static_server(site.html)
    page = page_probe.page
    visit(page, f"{base}/search.html?q={query.replace(' ', '+')}")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=20_000)
    hrefs = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(h.split("?")[0].split("#")[0].endswith(expected_page) for h in hrefs), hrefs
    assert page_probe.console_errors == []


# Resolves once the messages a slider move posted have run: Lumino, under the
# widget manager, delivers posted messages on an animation frame. A reader is
# never this fast, but a script moving the next slider before they run can
# make the widget manager deliver one to a view it has just disposed
# ("Cannot read properties of null (reading 'processLuminoMessage')"), seen
# in 3 of 48 and, with the earlier probe, 2 of 48 moves on a loaded machine.
SETTLE = """() => new Promise(resolve => requestAnimationFrame(
    () => requestAnimationFrame(() => setTimeout(() => resolve(true), 0))))"""


def _move_first_slider(page, explorer) -> tuple[str, str]:
    """Move the explorer's first slider one step; return (frame before, frame after)."""
    frames = explorer.locator(FRAME_SELECTOR)
    before = frames.first.get_attribute("src")
    slider = explorer.locator(".widget-slider").first
    readout = slider.locator(".widget-readout")
    start = readout.inner_text().strip()
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    if readout.inner_text().strip() == start:  # it was at its last value
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("([el, old]) => el.textContent.trim() !== old",
                           arg=[readout.element_handle(), start], timeout=10_000)
    page.wait_for_function(
        "([root, sel, old]) => { const img = root.querySelector(sel); return img && img.src !== old; }",
        arg=[explorer.element_handle(), FRAME_SELECTOR, before], timeout=10_000)
    page.evaluate(SETTLE)
    return before, explorer.locator(FRAME_SELECTOR).first.get_attribute("src")


# Every explorer of a page: the innermost widget boxes holding both a slider
# and a frame. Each gets a data attribute so Python can address it.
MARK_EXPLORERS = """(sel) => {
    const boxes = Array.from(document.querySelectorAll('.widget-vbox'))
        .filter(b => b.querySelector('.widget-slider') && b.querySelector(sel));
    const explorers = boxes.filter(b => !boxes.some(o => o !== b && b.contains(o)));
    explorers.forEach((b, i) => { b.dataset.explorerUnderTest = String(i); });
    return explorers.length;
}"""

# The frames an explorer shows right now (a stack hides the others).
VISIBLE_FRAMES = """([root, sel]) => Array.from(root.querySelectorAll(sel))
    .filter(img => img.offsetParent !== null)
    .map(img => ({src: img.getAttribute('src') || '', alt: (img.getAttribute('alt') || '').trim()}))"""


def _visible_frame(page, explorer) -> dict:
    frames = page.evaluate(VISIBLE_FRAMES, [explorer.element_handle(), FRAME_SELECTOR])
    assert len(frames) == 1, f"expected one visible frame, saw {len(frames)}"
    return frames[0]


def _slide(page, url: str) -> dict:
    """On the loaded chapter ``url``: the first slider of the page's last explorer box
    (``"first"``, or the exception it raised), then each slider of each explorer
    (``"every"``), each moved one step with the keyboard."""
    result = {}
    try:
        page.wait_for_selector(".widget-slider", timeout=30_000)
        # The innermost widget box holding both a slider and a frame.
        explorer = page.locator(".widget-vbox",
                                has=page.locator(".widget-slider")).filter(
                                    has=page.locator(FRAME_SELECTOR)).last
        before, after = _move_first_slider(page, explorer)
        result["first"] = {"before": before, "after": after,
                           "alt": explorer.locator(FRAME_SELECTOR).first.get_attribute("alt")}
    except Exception as error:  # re-raised by the test that asks
        result["first"] = error
    try:
        result["every"] = _move_every_slider(page, url)
    except Exception as error:
        result["every"] = error
    return result


def _move_every_slider(page, url: str) -> dict:
    dead, moved = [], 0
    page.wait_for_selector(".widget-slider", timeout=30_000)
    count = page.evaluate(MARK_EXPLORERS, FRAME_SELECTOR)
    assert count > 0, f"{url}: no explorer"
    in_explorers = page.locator("[data-explorer-under-test] .widget-slider").count()
    assert in_explorers == page.locator(".widget-slider").count(), \
        f"{url}: sliders outside any explorer found (explorer detection out of date?)"
    for number in range(count):
        explorer = page.locator(f"[data-explorer-under-test='{number}']")
        sliders = explorer.locator(".widget-slider")
        assert sliders.count() > 0, f"{url}: explorer {number} has no slider"
        for index in range(sliders.count()):
            where = f"{url}: explorer {number}, slider {index}"
            slider = sliders.nth(index)
            readout = slider.locator(".widget-readout")
            start = readout.inner_text().strip()
            before = _visible_frame(page, explorer)
            slider.locator(".noUi-handle").focus()
            page.keyboard.press("ArrowRight")
            if readout.inner_text().strip() == start:  # it was at its last value
                page.keyboard.press("ArrowLeft")
            page.evaluate(SETTLE)
            after_value = readout.inner_text().strip()
            if after_value == start:
                dead.append(f"{where}: the slider did not move from {start!r}")
                continue
            try:
                page.wait_for_function(
                    """([root, sel, old]) => Array.from(root.querySelectorAll(sel))
                           .some(img => img.offsetParent !== null && img.getAttribute('src') !== old)""",
                    arg=[explorer.element_handle(), FRAME_SELECTOR, before["src"]], timeout=5_000)
            except Exception:  # playwright's TimeoutError: record it, check the rest
                dead.append(f"{where}: {start!r} -> {after_value!r} left the frame as it was")
                continue
            after = _visible_frame(page, explorer)
            assert after["src"].startswith("data:image/png;base64,"), f"{where}: not a precomputed frame"
            assert after["alt"], f"{where}: frame without alt text"
            assert after["alt"] != before["alt"], f"{where}: the new frame has the old alt text"
            moved += 1
    return {"dead": dead, "moved": moved}


def _result(value):
    if isinstance(value, BaseException):
        raise value
    return value


def test_only_the_listed_chapters_have_no_explorer():
    assert sorted(url for url in CHAPTERS if not _has_explorer(url)) == sorted(WITHOUT_EXPLORER)


@pytest.mark.parametrize("url", per_page(CHAPTERS))
def test_figures_stay_readable_in_dark_mode(offline_visits, url):
    """With the reader's system in dark mode the theme turns dark, and figures keep an
    opaque light background (the theme's)."""
    theme, backgrounds = offline_visits.dark(url)
    assert theme == "dark", f"{url}: the theme did not follow the system's dark mode"
    assert backgrounds, f"{url}: no figure"
    for background in set(backgrounds):
        red, green, blue, alpha = _rgba(background)
        luminance = (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255
        assert alpha == 1 and luminance > 0.7, (url, background)


@pytest.mark.parametrize("url", per_page(EXPLORER_CHAPTERS))
def test_an_explorer_per_chapter_responds_to_its_slider(offline_visits, url):
    slid = offline_visits.sliders(url)
    first = _result(slid["first"])
    assert first["before"] != first["after"], f"explorers that ignore their slider: {[url]}"
    assert first["alt"], f"{url}: frame without alt"
    assert slid["problems"]["console_errors"] == []
    assert slid["problems"]["external_requests"] == []


@pytest.mark.parametrize("url", per_page(EXPLORER_CHAPTERS))
def test_every_slider_of_every_explorer_changes_its_frame(offline_visits, url):
    """On every chapter, each slider of each explorer, moved one step with the
    keyboard, swaps the visible frame for another precomputed one."""
    slid = offline_visits.sliders(url)
    every = _result(slid["every"])
    print(f"\nmoved {every['moved']} sliders")
    assert not every["dead"], ("sliders that do not change their explorer's frame:\n"
                               + "\n".join(every["dead"]))
    assert every["moved"] > 0
    assert slid["problems"]["console_errors"] == []
    assert slid["problems"]["external_requests"] == []


@pytest.mark.parametrize("url", per_page(CHAPTERS))
def test_chapter_page_weight_is_under_budget(offline_visits, url):
    weight = offline_visits.of(url)["weight"]
    print(f"\n  {url:45s} total {weight['total'] / 1e6:6.2f} MB, "
          f"own content {weight['content'] / 1e6:5.2f} MB")
    assert weight["total"] <= PAGE_WEIGHT_BUDGET and weight["content"] <= CHAPTER_CONTENT_BUDGET, (
        f"over budget ({PAGE_WEIGHT_BUDGET / 1e6:.0f} MB in all, "
        f"{CHAPTER_CONTENT_BUDGET / 1e6:.0f} MB own content): {url}: {weight}")


def _rgba(css_colour: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css_colour)]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


# --- the Play widget (convkit.explorer.Explorer(..., play=True)) -------------------------

WIDGET_STATE = re.compile(
    r'(<script type="application/vnd.jupyter.widget-state\+json">)(.*?)(</script>)', re.S)
WIDGET_VIEW = '<script type="application/vnd.jupyter.widget-view+json">{}</script>'


# The explorer a player drives: the first frame after it on the page (a stack
# swaps the <img> element itself, so it is looked up again every time).
FRAME_AFTER = """([play, attribute]) => {
    const img = Array.from(document.querySelectorAll('.widget-html-content img'))
        .find(i => play.compareDocumentPosition(i) & Node.DOCUMENT_POSITION_FOLLOWING);
    return img ? img.getAttribute(attribute) : null;
}"""


def _page_widget_state(text: str) -> dict:
    import json

    match = WIDGET_STATE.search(text)
    return json.loads(match.group(2))["state"] if match else {}


def _first_explorer_slider(text: str, state: dict) -> tuple[str, int]:
    """The model id of the page's first explorer's slider and its number of values."""
    import json

    for view in re.findall(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>',
                           text):
        pending = [json.loads(view)["model_id"]]
        while pending:
            model_id = pending.pop(0)
            model = state[model_id]
            if model["model_name"] == "SelectionSliderModel":
                return model_id, len(model["state"]["_options_labels"])
            pending += [c.removeprefix("IPY_MODEL_") for c in model["state"].get("children", [])]
    raise AssertionError("no explorer with a slider on the page")


def _with_play_widget(text: str) -> str:
    """``text`` (a built chapter page) with a Play widget linked to its first explorer's slider.

    The widget's state is made by ipywidgets itself, as an explorer's is in a
    notebook; the page keeps the site's own scripts (theme, Font Awesome,
    widget manager), which is what the test is about.
    """
    import json

    import ipywidgets as widgets

    state = _page_widget_state(text)
    slider_id, n_values = _first_explorer_slider(text, state)
    play = widgets.Play(min=0, max=n_values - 1, interval=150, description="play")
    stand_in = widgets.IntSlider()  # replaced by the page's slider in the link below
    link = widgets.jslink((play, "value"), (stand_in, "value"))
    added = widgets.Widget.get_manager_state(
        drop_defaults=False, widgets=[play, play.layout, play.style, link])["state"]
    added = json.loads(json.dumps(added).replace(
        f'["IPY_MODEL_{stand_in.model_id}", "value"]', f'["IPY_MODEL_{slider_id}", "index"]'))
    state.update(added)
    text = WIDGET_STATE.sub(lambda m: m.group(1) + json.dumps(
        {"state": state, "version_major": 2, "version_minor": 0}) + m.group(3), text, count=1)
    # The player goes at the top of the article, before everything else.
    view = WIDGET_VIEW.format(json.dumps({"model_id": play.model_id, "version_major": 2,
                                          "version_minor": 0}))
    marker = '<article class="bd-article">'
    assert marker in text, "the theme's article tag moved"
    return text.replace(marker, marker + view, 1)


def test_play_widget_steps_the_frames_on_chapter_pages(site, static_server, page_probe,
                                                       tmp_path):
    """Clicking a Play widget on a real chapter page steps its explorer, without errors.

    The theme's Font Awesome used to replace the widget's <i> icon with an
    <svg>, and the click then threw ``Cannot set properties of undefined
    (setting 'className')`` (fixed by _ext/font_awesome_nest.py). Chapters
    that have a Play widget (an Explorer with play=True) are clicked as
    they are; chapter 3 gets one linked to its first explorer when it has
    none, so the site's scripts are always tried with a player.
    """
    # A view of the site with the extra page: the same files, linked.
    served = tmp_path / "site"
    for item in site.html.iterdir():
        if item.name != "chapters":
            (served / item.name).parent.mkdir(parents=True, exist_ok=True)
            (served / item.name).symlink_to(item)
    (served / "chapters").mkdir()
    for item in (site.html / "chapters").iterdir():
        (served / "chapters" / item.name).symlink_to(item)
    pages = []
    for url in chapter_urls(site):
        text = (site.html / url).read_text(encoding="utf-8")
        if any(m["model_name"] == "PlayModel" for m in _page_widget_state(text).values()):
            pages.append(url)
    if "chapters/03_arithmetic.html" not in pages:
        text = (site.html / "chapters" / "03_arithmetic.html").read_text(encoding="utf-8")
        (served / "chapters" / "03_arithmetic_play.html").write_text(_with_play_widget(text),
                                                                     encoding="utf-8")
        pages.append("chapters/03_arithmetic_play.html")

    base = static_server(served)
    page = page_probe.page
    for url in pages:
        visit(page, f"{base}/{url}")
        page.wait_for_selector(".widget-play button", timeout=30_000)
        for number in range(page.locator(".widget-play").count()):
            player = page.locator(".widget-play").nth(number).element_handle()
            before = page.evaluate(FRAME_AFTER, [player, "src"])
            assert before, f"{url}: no frame after the player"
            player.query_selector("button").click()
            page.wait_for_function(f"([play, old]) => ({FRAME_AFTER})([play, 'src']) !== old",
                                   arg=[player, before], timeout=10_000)
            assert page.evaluate(FRAME_AFTER, [player, "alt"]), f"{url}: frame without alt text"
        assert page_probe.console_errors == [], url
    assert page_probe.external_requests == []


@pytest.mark.parametrize("url", per_page(["intro.html", *CHAPTERS]))
def test_font_awesome_keeps_the_icon_tags(offline_visits, url):
    """On the landing page and the chapters (where the widgets are) the theme's
    icons are <svg> nested in their <i>/<span>, never swapped.

    Nested, the <svg> sits in the emptied <i> or <span>; swapped, it would sit
    where the tag was (in a button, a link, ...). That every page carries the
    setting is checked without a browser in tests/test_book.py.
    """
    result = offline_visits.of(url)["font_awesome"]
    assert result["svgs"] > 0 and not result["swapped"], {url: result}
