"""Shared fixtures for tests that open pages in a real browser (headless Chromium).

Fixtures (all usable from any test under ``tests/browser/``):

``node_modules``
    Path of the repository's ``node_modules``; runs ``npm ci`` (or ``npm
    install`` without a lock file) once when the pinned packages of
    ``package.json`` are missing.
``widget_assets``
    A function ``install(dest)`` that stages require.js, the widget manager
    (``@jupyter-widgets/html-manager``, with its icon fonts) and MathJax from
    ``node_modules`` into ``dest`` with the book's own
    ``tools/build_book.stage_offline_assets`` and returns the Sphinx settings
    that load them (``html_extra_path``, ``nb_ipywidgets_js``,
    ``mathjax_path``), as the book's ``--offline`` build does.
``static_server``
    A function ``serve(directory)`` that serves a folder over HTTP on
    127.0.0.1 (a free port) and returns the base URL; stopped after the test.
``browser``
    A Playwright Chromium browser (``/usr/bin/chromium``, headless). Skips
    with a reason when Chromium or Playwright is missing, except under
    ``CI=true``, where it fails instead.
``page_probe``
    A fresh page plus what it did: ``probe.console_errors`` (console errors
    and uncaught exceptions, as text) and ``probe.external_requests`` (every
    request whose host is not 127.0.0.1; such requests fail at once on a
    closed local proxy, so a test never waits on the network).

Every test here carries ``@pytest.mark.browser``.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}
HTML_MANAGER_DIST = Path("@jupyter-widgets") / "html-manager" / "dist"

# One copy of the offline staging: the book's build tool (tools/ is on the
# pytest pythonpath, pyproject.toml).
import build_book
from book_site import run_folder
from filelock import FileLock


def in_ci() -> bool:
    """True when running under CI (``CI=true``), where browser tests may not skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason`` locally; fail under CI, where everything must run."""
    if in_ci():
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def node_modules(tmp_path_factory) -> Path:
    """The repository's ``node_modules`` with the packages of ``package.json`` installed
    (by one pytest-xdist worker at a time: the lock of ``book_site.install_node_modules``)."""
    with FileLock(str(run_folder(tmp_path_factory) / "npm.lock")):
        return _node_modules()


def _node_modules() -> Path:
    modules = REPO / "node_modules"
    needed = [
        modules / HTML_MANAGER_DIST / "embed-amd.js",
        modules / "requirejs" / "require.js",
    ]
    if not all(p.is_file() for p in needed):
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("npm is not installed, cannot install the widget manager from package.json")
        command = [npm, "ci" if (REPO / "package-lock.json").is_file() else "install",
                   "--no-audit", "--no-fund"]
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
        if result.returncode != 0 or not all(p.is_file() for p in needed):
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return modules


def install_widget_assets(node_modules: Path, dest: Path) -> dict:
    """Stage the offline scripts in ``dest``; return the Sphinx settings that load them.

    The same code as the book's ``--offline`` build
    (``tools/build_book.stage_offline_assets`` and ``offline_sphinx_settings``):
    require.js, the widget manager with its icon fonts (in both folders it
    requests them from) and MathJax land in ``dest/_static/offline/``, which
    Sphinx merges into the site through ``html_extra_path``. ``dest`` is not
    a ``_static`` folder of the book: Jupyter Book adds every ``.js`` file
    found there to every page.
    """
    staging = build_book.stage_offline_assets(Path(node_modules), Path(dest))
    return build_book.offline_sphinx_settings(staging)


@pytest.fixture(scope="session")
def widget_assets(node_modules):
    """``install(dest) -> Sphinx settings``: see :func:`install_widget_assets`."""
    return functools.partial(install_widget_assets, node_modules)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, no request log; an absent ``/favicon.ico`` answers 204."""

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def do_GET(self):
        if self.path == "/favicon.ico" and not Path(self.translate_path(self.path)).exists():
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()


def start_server(directory: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; return (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def stop_server(server: http.server.ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture
def static_server():
    """``serve(directory) -> "http://127.0.0.1:PORT"``; every server stops after the test."""
    servers = []

    def serve(directory: Path) -> str:
        base, server = start_server(directory)
        servers.append(server)
        return base

    yield serve
    for server in servers:
        stop_server(server)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright (skips or, under CI, fails when missing)."""
    if not CHROMIUM.is_file():
        skip_or_fail(f"{CHROMIUM} not found: install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python package is not installed")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken install must be visible, not skipped silently in CI
        manager.stop()
        skip_or_fail(f"Chromium did not start: {exc}")
    yield chromium
    chromium.close()
    manager.stop()


@dataclass
class PageProbe:
    """A page and the problems it showed while a test used it.

    ``failed_requests`` lists every response with an error status (404 ...)
    and every request that failed on the wire, except those the probe
    blocked (they are in ``external_requests``). With ``npm_modules`` set
    (:func:`open_probe`'s ``cdn_from_npm``), the CDN URLs of the published
    site are answered from the npm copies instead of being blocked.
    """

    page: object
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    npm_modules: Path | None = None


# The published (default) build loads require.js, the widget manager and
# MathJax from this CDN, which serves npm packages as
# <CDN>/<package>@<version>/<path>.
NPM_CDN = "https://cdn.jsdelivr.net/npm/"


def npm_file_for(url: str, node_modules: Path) -> Path | None:
    """The file of ``node_modules`` a CDN ``url`` stands for, or None.

    Only a URL naming the version installed from ``package.json`` maps to a
    file: a page asking for another version is a mismatch the test must see.
    """
    if not url.startswith(NPM_CDN):
        return None
    spec = urlsplit(url).path[len(urlsplit(NPM_CDN).path):]
    scoped = spec.startswith("@")
    parts = spec.split("/")
    name_at_version = "/".join(parts[:2]) if scoped else parts[0]
    rest = parts[2:] if scoped else parts[1:]
    if "@" not in name_at_version.lstrip("@"):
        return None
    name, version = name_at_version.rsplit("@", 1)
    package_json = Path(node_modules) / name / "package.json"
    if not package_json.is_file():
        return None
    import json

    if json.loads(package_json.read_text(encoding="utf-8")).get("version") != version:
        return None
    path = Path(node_modules) / name / "/".join(rest)
    return path if path.is_file() else None


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOCAL_HOSTS


class NetworkTracker:
    """The requests a page has in flight, to wait until its network is quiet.

    Playwright's own ``wait_for_load_state("networkidle")`` can be lost for
    good when requests finish before DOMContentLoaded, which the HTTP cache
    makes common here (microsoft/playwright#42598): it then waits its full
    timeout on a quiet page. This counts the page's request events instead.
    """

    def __init__(self, page):
        self.page = page
        self.in_flight: set = set()
        self.changed = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self.in_flight.add(request)
        self.changed = time.monotonic()

    def _ended(self, request) -> None:
        self.in_flight.discard(request)
        self.changed = time.monotonic()

    def forget(self) -> None:
        """Drop what is in flight (before a navigation, which cancels it)."""
        self.in_flight.clear()
        self.changed = time.monotonic()

    def wait_until_quiet(self, quiet: float = 0.5, timeout: float = 30.0) -> None:
        """Return once no request has been in flight for ``quiet`` seconds, as
        Playwright's "networkidle" does; raise TimeoutError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while self.in_flight or time.monotonic() - self.changed < quiet:
            if time.monotonic() > deadline:
                urls = sorted(request.url for request in self.in_flight)[:5]
                raise TimeoutError(f"the network was not quiet within {timeout} s; "
                                   f"in flight: {urls}")
            self.page.wait_for_timeout(50)


_TRACKERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def network_tracker(page) -> NetworkTracker:
    """The :class:`NetworkTracker` of ``page`` (attached on the first call)."""
    if page not in _TRACKERS:
        _TRACKERS[page] = NetworkTracker(page)
    return _TRACKERS[page]


@functools.lru_cache(maxsize=1)
def _closed_socket() -> socket.socket:
    """A socket of 127.0.0.1 bound by this process and never listening: every
    connection to its port is refused at once (the cache keeps it open)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def blocking_proxy() -> dict:
    """A context's ``proxy`` setting under which only 127.0.0.1 is reached: every
    other request goes to a closed local port and fails there at once."""
    port = _closed_socket().getsockname()[1]
    return {"server": f"http://127.0.0.1:{port}", "bypass": ",".join(LOCAL_HOSTS)}


def open_probe(browser, *, cdn_from_npm: Path | None = None,
               **context_options) -> tuple[PageProbe, object]:
    """A new context and page recording what :class:`PageProbe` lists; returns (probe, context).

    Requests leaving 127.0.0.1 are recorded, and the context's proxy (a
    closed port of 127.0.0.1; only 127.0.0.1 bypasses it) makes them fail at
    once, IP literals included. With ``cdn_from_npm`` (a ``node_modules``
    folder), CDN URLs are answered from its npm copies instead. Only then
    are requests intercepted: Playwright's interception turns the browser's
    HTTP cache off and passes every request through this process, which made
    each page load about a second slower. The caller closes the context.
    """
    context = browser.new_context(**{"viewport": {"width": 1200, "height": 900},
                                     "proxy": blocking_proxy(), **context_options})
    page = context.new_page()
    probe = PageProbe(page=page, npm_modules=cdn_from_npm)

    def on_console(message):
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            probe.console_errors.append(f"{message.text} ({location})" if location else message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: probe.console_errors.append(f"uncaught: {error}"))

    def on_request(request):
        url = request.url
        if not _is_local(url) and not (probe.npm_modules and npm_file_for(url, probe.npm_modules)):
            probe.external_requests.append(url)

    page.on("request", on_request)
    if probe.npm_modules is not None:
        def route(route_):
            local = npm_file_for(route_.request.url, probe.npm_modules)
            if local is not None:
                route_.fulfill(path=str(local), headers={"Access-Control-Allow-Origin": "*"})
            else:
                route_.abort()

        page.route(NPM_CDN + "**", route)
    page.on("response", lambda response: response.status >= 400 and probe.failed_requests.append(
        f"{response.status} {response.url}"))
    page.on("requestfailed", lambda request: request.url not in probe.external_requests
            and probe.failed_requests.append(f"failed {request.url}"))
    return probe, context


@pytest.fixture
def page_probe(browser):
    """A new page recording console errors and every request leaving 127.0.0.1 (aborted)."""
    probe, context = open_probe(browser)
    yield probe
    context.close()


@pytest.fixture(scope="session")
def session_server():
    """``serve(directory) -> "http://127.0.0.1:PORT"``; the servers stop when the worker ends."""
    servers = []

    def serve(directory: Path) -> str:
        base, server = start_server(directory)
        servers.append(server)
        return base

    yield serve
    for server in servers:
        stop_server(server)


@pytest.fixture(scope="session")
def session_probe(browser):
    """``new(**context_options) -> PageProbe``: a page of its own context (see
    :func:`open_probe`), kept open until the worker ends."""
    contexts = []

    def new(**context_options) -> PageProbe:
        probe, context = open_probe(browser, **context_options)
        contexts.append(context)
        return probe

    yield new
    for context in contexts:
        context.close()
