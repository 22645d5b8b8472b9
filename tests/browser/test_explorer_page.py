"""The explorers work on a static page: a real book page, a real browser, no kernel.

A small Jupyter Book is built in a temporary folder from one notebook holding
a 1-, a 2- and a 3-parameter explorer (executed with tools/run_notebook.py),
served on 127.0.0.1 and opened in headless Chromium. Each slider is moved
with the keyboard and with the mouse, and the frame the page then shows must
be the PNG precomputed for the new values, computed independently here by
drawing the same figure in this process; the player's button plays it to
its last frame. The book loads the widget manager from the same offline
staging as the course book (tools/build_book.py, through the
``widget_assets`` fixture) and the same extensions from _ext/
(dedupe_scripts, font_awesome_nest). Four explorers of 21 frames in all at
dpi 60 keep it small: built and executed in about 8 s.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

# The drawing module the notebook imports and this test imports too.
FRAMES_MODULE = '''\
"""Frames for the browser test: each shows its parameter values as text."""
from matplotlib.figure import Figure

EXPLORERS = {
    "one parameter": {"kernel_size": [1, 2, 3, 4]},
    "two parameters": {"kernel_size": [1, 3, 5], "stride": [1, 2]},
    "three parameters": {"kernel_size": [1, 3], "stride": [1, 2], "padding": [0, 1]},
}


def draw(**values):
    fig = Figure(figsize=(2.4, 0.9), facecolor="white")
    text = ", ".join(f"{name}={value}" for name, value in values.items())
    fig.text(0.05, 0.4, text, fontsize=10)
    return fig, f"Frame for {text}"
'''

NOTEBOOK_CELLS = [
    "from convkit.explorer import Explorer\nfrom explorer_frames import EXPLORERS, draw",
    'Explorer(draw, EXPLORERS["one parameter"], title="one parameter", dpi=60)',
    'Explorer(draw, EXPLORERS["two parameters"], title="two parameters", dpi=60)',
    'Explorer(draw, EXPLORERS["three parameters"], title="three parameters", dpi=60)',
    'Explorer(draw, {"step": [1, 2, 3]}, title="player", dpi=60, play=True, interval=150)',
]

# The course's own extensions the widgets need, loaded from _ext/ as the book
# loads them: one copy of each script per page (sphinx-thebe declares
# THEBE_JS_URL twice otherwise), and Font Awesome nesting its SVG icons in
# the <i> tags the Play widget switches (it throws on click otherwise).
BOOK_EXTENSIONS = ["dedupe_scripts", "font_awesome_nest"]


def _write_book(root: Path, offline_settings: dict) -> None:
    import nbformat

    (root / "explorer_frames.py").write_text(FRAMES_MODULE, encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Explorers")] + [
        nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "explorers.ipynb")
    (root / "_toc.yml").write_text("format: jb-book\nroot: explorers\n", encoding="utf-8")
    config = {
        "title": "Explorer page test",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "sphinx": {
            "local_extensions": {name: str(REPO / "_ext") for name in BOOK_EXTENSIONS},
            "config": {
                **offline_settings,
                "html_context": {"default_mode": "auto"},
            },
        },
    }
    # YAML is a superset of JSON: no yaml writer needed.
    (root / "_config.yml").write_text(json.dumps(config, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def explorer_site(tmp_path_factory, widget_assets):
    """Build the book once; return (html folder, drawing module)."""
    root = tmp_path_factory.mktemp("explorer_book")
    offline_settings = widget_assets(tmp_path_factory.mktemp("explorer_book_offline"))
    _write_book(root, offline_settings)
    run = subprocess.run(
        [sys.executable, str(REPO / "tools" / "run_notebook.py"), str(root / "explorers.ipynb")],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    build = subprocess.run(
        [_jupyter_book(), "build", str(root), "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    spec = importlib.util.spec_from_file_location("explorer_frames", root / "explorer_frames.py")
    frames = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(frames)
    return root / "_build" / "html", frames


def _jupyter_book() -> str:
    """The jupyter-book command of this Python environment."""
    beside = Path(sys.executable).with_name("jupyter-book")
    return str(beside) if beside.is_file() else (shutil.which("jupyter-book") or "jupyter-book")


def _expected_png(frames, values: dict) -> bytes:
    from convkit.plotting.render import figure_png

    fig, _ = frames.draw(**values)
    return figure_png(fig, dpi=60)


def _shown_png(explorer) -> bytes:
    images = explorer.locator(".widget-html-content img")
    assert images.count() == 1, "a stack must show exactly one frame"
    src = images.first.get_attribute("src")
    match = re.fullmatch(r"data:image/png;base64,(.+)", src)
    assert match, src[:60]
    return base64.b64decode(match.group(1))


def _assert_frame(page, explorer, expected: bytes, context) -> None:
    """The explorer shows ``expected``, allowing the page up to 5 s to swap frames."""
    for _ in range(100):
        if _shown_png(explorer) == expected:
            return
        page.wait_for_timeout(50)
    assert _shown_png(explorer) == expected, context


def _values(params: dict, indices: list[int]) -> dict:
    return {name: values[i] for (name, values), i in zip(params.items(), indices)}


def test_sliders_change_frames_without_kernel(explorer_site, static_server, page_probe):
    from playwright.sync_api import expect

    html_dir, frames = explorer_site
    page = page_probe.page
    page.goto(f"{static_server(html_dir)}/explorers.html")
    page.wait_for_selector(".widget-slider", timeout=30_000)

    for title, params in frames.EXPLORERS.items():
        explorer = page.locator(".widget-vbox", has=page.locator("strong", has_text=title)).first
        sliders = explorer.locator(".widget-slider")
        assert sliders.count() == len(params), title
        indices = [0] * len(params)
        _assert_frame(page, explorer, _expected_png(frames, _values(params, indices)), title)

        for number, (name, options) in enumerate(params.items()):
            slider = sliders.nth(number)
            handle = slider.locator(".noUi-handle")
            last = len(options) - 1

            # Keyboard: one step to the right.
            handle.focus()
            page.keyboard.press("ArrowRight")
            indices[number] = 1
            expected = _values(params, indices)
            page.wait_for_function(
                "([el, text]) => el.textContent.trim() === text",
                arg=[slider.locator(".widget-readout").element_handle(), str(options[1])],
            )
            _assert_frame(page, explorer, _expected_png(frames, expected), (title, expected))

            # Mouse: drag the handle to the far left end of the track...
            track = slider.locator(".noUi-base").bounding_box()
            box = handle.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.mouse.move(track["x"] - 20, track["y"] + track["height"] / 2, steps=5)
            page.mouse.up()
            indices[number] = 0
            expected = _values(params, indices)
            expect(slider.locator(".widget-readout")).to_have_text(str(options[0]))
            _assert_frame(page, explorer, _expected_png(frames, expected), (title, expected))

            # ...then click the track's right end.
            page.mouse.click(track["x"] + track["width"] - 1, track["y"] + track["height"] / 2)
            indices[number] = last
            expected = _values(params, indices)
            expect(slider.locator(".widget-readout")).to_have_text(str(options[last]))
            _assert_frame(page, explorer, _expected_png(frames, expected), (title, expected))
            alt = explorer.locator(".widget-html-content img").get_attribute("alt")
            assert alt == frames.draw(**expected)[1]

    # The play button steps through the frames in the browser, no kernel involved.
    player = page.locator(".widget-vbox", has=page.locator("strong", has_text="player")).first
    _assert_frame(page, player, _expected_png(frames, {"step": 1}), "player start")
    player.locator(".widget-play button").first.click()
    readout = player.locator(".widget-readout")
    page.wait_for_function("el => el.textContent.trim() === '3'", arg=readout.element_handle(), timeout=5_000)
    _assert_frame(page, player, _expected_png(frames, {"step": 3}), "player end")

    assert page_probe.external_requests == []
    assert page_probe.console_errors == []
