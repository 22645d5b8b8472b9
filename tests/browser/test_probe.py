"""The page probe the browser tests rely on: it sees what a page asks of the network.

Every browser test asserts ``external_requests == []`` and ``failed_requests
== []``; these tests show that the probe would notice otherwise. A page on
127.0.0.1 asks for a script by host name, an image by IP literal and a
missing local file: the first two are recorded as external and never reach
the network (they fail on the context's proxy, a closed local port), the third is a
failed request, and the page's own files load. A CDN URL of a pinned npm
package is answered from ``node_modules`` only when the probe is asked to.
"""

from __future__ import annotations

import json
import time

import pytest

from conftest import NPM_CDN, network_tracker, open_probe

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><title>probe</title>
<script src="here.js"></script>
<script src="https://cdn.invalid/lib.js"></script>
</head><body>
<img src="http://192.0.2.1/pixel.png" alt="external">
<img src="missing.png" alt="missing">
<script src="{cdn}"></script>
</body></html>
"""


@pytest.fixture
def probe_site(tmp_path, static_server, node_modules):
    """(base URL, CDN URL of require.js at the pinned version) for a page that asks for both."""
    package = json.loads((node_modules / "requirejs" / "package.json").read_text(encoding="utf-8"))
    cdn = f"{NPM_CDN}requirejs@{package['version']}/require.js"
    (tmp_path / "index.html").write_text(PAGE.format(cdn=cdn), encoding="utf-8")
    (tmp_path / "here.js").write_text("window.here = true;", encoding="utf-8")
    return static_server(tmp_path), cdn


def _load(browser, base, **options):
    """(probe, context, seconds, {failed URL: reason}) after loading the page."""
    probe, context = open_probe(browser, **options)
    reasons = {}
    probe.page.on("requestfailed", lambda request: reasons.setdefault(request.url, request.failure))
    start = time.monotonic()
    network = network_tracker(probe.page)
    probe.page.goto(f"{base}/index.html", wait_until="load")
    network.wait_until_quiet()
    return probe, context, time.monotonic() - start, reasons


def test_external_requests_are_recorded_and_blocked(browser, probe_site):
    base, cdn = probe_site
    probe, context, seconds, reasons = _load(browser, base)
    try:
        assert probe.page.evaluate("() => window.here") is True
        assert probe.page.evaluate("() => typeof window.requirejs") == "undefined"
        assert sorted(probe.external_requests) == sorted(
            ["https://cdn.invalid/lib.js", "http://192.0.2.1/pixel.png", cdn])
        assert probe.failed_requests == [f"404 {base}/missing.png"]
        # they failed on the closed local proxy, not on this machine's network
        assert {url: reasons.get(url) for url in probe.external_requests} == {
            url: "net::ERR_PROXY_CONNECTION_FAILED" for url in probe.external_requests}
        assert seconds < 20, "a blocked request waited on the network"
    finally:
        context.close()


def test_cdn_urls_come_from_npm_when_asked(browser, probe_site, node_modules):
    base, cdn = probe_site
    probe, context, _, _ = _load(browser, base, cdn_from_npm=node_modules)
    try:
        assert probe.page.evaluate("() => typeof window.requirejs") == "function"
        assert cdn not in probe.external_requests
        assert sorted(probe.external_requests) == sorted(
            ["https://cdn.invalid/lib.js", "http://192.0.2.1/pixel.png"])
        assert probe.failed_requests == [f"404 {base}/missing.png"]
    finally:
        context.close()
