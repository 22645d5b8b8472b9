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
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
from book_site import built_site, run_folder  # tests/ is on the pytest pythonpath (pyproject.toml)

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


def page_urls(site) -> list[str]:
    """Site-relative URLs of every content page, plus the search and index pages."""
    pages = [p.relative_to(site.html).as_posix() for p in site.pages()]
    return pages + ["search.html", "genindex.html"]


def chapter_urls(site) -> list[str]:
    return [u for u in page_urls(site) if u.startswith("chapters/")]


def visit(page, url: str) -> None:
    """Open ``url`` and wait until the page, its scripts and MathJax have settled."""
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
                ? MathJax.startup.promise.then(() => true) : true"""
    )


@pytest.mark.parametrize("edition", ["offline", "default"])
def test_every_page_loads_without_console_errors_failed_requests_or_network(
        edition, request, node_modules, static_server, page_probe):
    """Both builds: no console error, no failed request (404 ...), nothing from the network.

    The default build's CDN URLs are answered from the npm copies of the
    versions package.json pins (any other version, or any other host, counts
    as a network request), so the pages run exactly as on the published site.
    """
    site = request.getfixturevalue("site" if edition == "offline" else "default_site")
    if edition == "default":
        page_probe.serve_cdn_from_npm(node_modules)
    base = static_server(site.html)
    problems = {}
    for url in page_urls(site):
        before = {name: len(getattr(page_probe, name))
                  for name in ("console_errors", "external_requests", "failed_requests")}
        visit(page_probe.page, f"{base}/{url}")
        page_probe.page.wait_for_timeout(300)  # late errors (widget rendering, fonts)
        found = {name: getattr(page_probe, name)[count:] for name, count in before.items()}
        if any(found.values()):
            problems[url] = found
    assert not problems, problems


def test_every_image_has_alt_text_and_has_loaded(site, static_server, page_probe):
    base = static_server(site.html)
    page = page_probe.page
    problems = []
    for url in page_urls(site):
        visit(page, f"{base}/{url}")
        # Bring every image into view once, in case one loads lazily.
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        images = page.evaluate(
            """() => Array.from(document.images).map(img => ({
                   src: img.getAttribute('src') || '',
                   alt: (img.getAttribute('alt') || '').trim(),
                   loaded: img.complete && img.naturalWidth > 0,
               }))"""
        )
        for image in images:
            if not image["alt"]:
                problems.append(f"{url}: no alt text on {image['src'][:80]}")
            if not image["loaded"]:
                problems.append(f"{url}: image did not load: {image['src'][:80]}")
    assert not problems, "\n".join(problems)


def test_all_math_is_typeset(site, static_server, page_probe):
    base = static_server(site.html)
    page = page_probe.page
    problems = []
    for url in page_urls(site):
        visit(page, f"{base}/{url}")
        result = page.evaluate(
            r"""() => {
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
                return {count: math.length, untypeset, raw};
            }"""
        )
        if result["untypeset"]:
            problems.append(f"{url}: {len(result['untypeset'])} math not typeset, e.g. "
                            f"{result['untypeset'][:3]}")
        if result["raw"]:
            problems.append(f"{url}: raw TeX left in the text: {result['raw'][:3]}")
    assert not problems, "\n".join(problems)


def test_math_is_typeset_on_chapters(site, static_server, page_probe):
    """The chapters do have math, and MathJax (served locally) typesets it."""
    base = static_server(site.html)
    page = page_probe.page
    for url in chapter_urls(site):
        visit(page, f"{base}/{url}")
        assert page.locator("mjx-container").count() > 0, f"{url}: no typeset math"


def test_sidebar_and_next_links_walk_the_table_of_contents(site, static_server, page_probe):
    base = static_server(site.html)
    page = page_probe.page
    order = [p.relative_to(site.html).as_posix() for p in site.pages()]
    visit(page, f"{base}/intro.html")
    sidebar = page.locator("nav.bd-docs-nav a.reference.internal")
    linked = {re.sub(r"#.*$", "", a) for a in sidebar.evaluate_all("els => els.map(e => e.href)")}
    expected = {f"{base}/{p}" for p in order}
    assert expected - {f"{base}/intro.html"} <= linked, expected - linked

    # Follow the "next" link from the landing page to the last page.
    visited = ["intro.html"]
    while True:
        next_link = page.locator("a.right-next")
        if next_link.count() == 0:
            break
        next_link.first.click()
        page.wait_for_load_state("load")
        visited.append(page.url.removeprefix(f"{base}/").split("#")[0])
        assert len(visited) <= len(order) + 1, f"next links loop: {visited}"
    assert sorted(visited) == sorted(order), visited

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
    return before, explorer.locator(FRAME_SELECTOR).first.get_attribute("src")


def test_an_explorer_per_chapter_responds_to_its_slider(site, static_server, page_probe):
    base = static_server(site.html)
    page = page_probe.page
    dead = []
    for url in chapter_urls(site):
        visit(page, f"{base}/{url}")
        page.wait_for_selector(".widget-slider", timeout=30_000)
        # The innermost widget box holding both a slider and a frame.
        explorer = page.locator(".widget-vbox",
                                has=page.locator(".widget-slider")).filter(
                                    has=page.locator(FRAME_SELECTOR)).last
        before, after = _move_first_slider(page, explorer)
        if before == after:
            dead.append(url)
        assert explorer.locator(FRAME_SELECTOR).first.get_attribute("alt"), f"{url}: frame without alt"
    assert not dead, f"explorers that ignore their slider: {dead}"
    assert page_probe.console_errors == []
    assert page_probe.external_requests == []


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


def test_every_slider_of_every_explorer_changes_its_frame(site, static_server, page_probe):
    """On every chapter, each slider of each explorer, moved one step with the
    keyboard, swaps the visible frame for another precomputed one."""
    base = static_server(site.html)
    page = page_probe.page
    dead, moved = [], 0
    for url in chapter_urls(site):
        visit(page, f"{base}/{url}")
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
    print(f"\nmoved {moved} sliders")
    assert not dead, "sliders that do not change their explorer's frame:\n" + "\n".join(dead)
    assert moved > 0
    assert page_probe.console_errors == []
    assert page_probe.external_requests == []


def test_chapter_page_weight_is_under_budget(site, static_server, page_probe):
    base = static_server(site.html)
    page = page_probe.page
    weights = {}
    for url in chapter_urls(site):
        visit(page, f"{base}/{url}")
        weights[url] = page.evaluate(
            """() => {
                const nav = performance.getEntriesByType('navigation')[0];
                const resources = performance.getEntriesByType('resource');
                const images = resources.filter(r => r.name.includes('/_images/'));
                const sum = list => list.reduce((total, r) => total + r.encodedBodySize, 0);
                return {total: nav.encodedBodySize + sum(resources),
                        content: nav.encodedBodySize + sum(images)};
            }"""
        )
    print("\nPage weight of each chapter (uncompressed bytes fetched to show it):")
    for url, weight in weights.items():
        print(f"  {url:45s} total {weight['total'] / 1e6:6.2f} MB, "
              f"own content {weight['content'] / 1e6:5.2f} MB")
    over = {url: w for url, w in weights.items()
            if w["total"] > PAGE_WEIGHT_BUDGET or w["content"] > CHAPTER_CONTENT_BUDGET}
    assert not over, (f"over budget ({PAGE_WEIGHT_BUDGET / 1e6:.0f} MB in all, "
                      f"{CHAPTER_CONTENT_BUDGET / 1e6:.0f} MB own content): {over}")


def _rgba(css_colour: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css_colour)]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def test_figures_stay_readable_in_dark_mode(site, static_server, browser):
    """In the dark theme, figures keep an opaque light background (the theme's)."""
    base = static_server(site.html)
    context = browser.new_context(color_scheme="dark", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
               or route.request.url.startswith("data:") else route.abort())
    try:
        for url in chapter_urls(site):
            visit(page, f"{base}/{url}")
            assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
            backgrounds = page.evaluate(
                """() => Array.from(document.querySelectorAll('main img'))
                       .filter(img => !img.closest('.navbar, .bd-header, .dropdown-menu'))
                       .map(img => getComputedStyle(img).backgroundColor)"""
            )
            assert backgrounds, f"{url}: no figure"
            for background in set(backgrounds):
                red, green, blue, alpha = _rgba(background)
                luminance = (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255
                assert alpha == 1 and luminance > 0.7, (url, background)
    finally:
        context.close()


# --- the Play widget (convkit.animation.step_player) -------------------------------------

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

    The widget's state is made by ipywidgets itself, as step_player's is in a
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
    that have a Play widget (convkit.animation.step_player) are clicked as
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


def test_font_awesome_keeps_the_icon_tags(site, static_server, page_probe):
    """On the landing page and the chapters (where the widgets are) the theme's
    icons are <svg> nested in their <i>/<span>, never swapped.

    Nested, the <svg> sits in the emptied <i> or <span>; swapped, it would sit
    where the tag was (in a button, a link, ...). That every page carries the
    setting is checked without a browser in tests/test_book.py.
    """
    base = static_server(site.html)
    page = page_probe.page
    problems = {}
    for url in ["intro.html", *chapter_urls(site)]:
        visit(page, f"{base}/{url}")
        result = page.evaluate(
            """() => {
                const svgs = Array.from(document.querySelectorAll('svg.svg-inline--fa'));
                return {svgs: svgs.length,
                        swapped: svgs.filter(s => !(['I', 'SPAN'].includes(s.parentElement.tagName)
                                                   && s.parentElement.children.length === 1))
                                     .map(s => s.parentElement.tagName + '.' + s.parentElement.className)};
            }""")
        if result["svgs"] == 0 or result["swapped"]:
            problems[url] = result
    assert not problems, problems
