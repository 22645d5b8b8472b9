"""The book for the tests: its table of contents, and one strict build per session.

``tests/test_book.py`` and ``tests/browser/test_site.py`` both need the
strictly built site; building it takes tens of seconds, so the first caller
builds it with ``tools/build_book.py`` into the run's temporary folder
(:func:`run_folder`, shared by all pytest-xdist workers of the run) and
records the exit code and the output next to it; later callers in the same
run, in any worker, read that record. A file lock per edition makes a
worker that needs an edition another worker is building wait for it, so
each edition is built once per run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def toc_documents() -> list[str]:
    """Every document of ``_toc.yml``, root first, in reading order."""
    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("sections"))
            yield from walk(entry.get("chapters"))

    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"], *walk(toc.get("parts")), *walk(toc.get("chapters"))]


@dataclass
class BuiltSite:
    """A strict build's outcome: the HTML folder, the exit code and the output."""

    html: Path
    returncode: int
    log: str

    def warnings(self) -> list[str]:
        """Lines of the build output that report a warning or an error.

        A build that failed without such a line (an exception while reading
        a page) gives the last 30 lines of its output instead.
        """
        lines = [line for line in self.log.splitlines()
                 if re.search(r"\bWARNING\b|\bERROR\b|Extension error", line)]
        if not lines and self.returncode != 0:
            lines = self.log.splitlines()[-30:]
        return lines

    def pages(self) -> list[Path]:
        """Every HTML page of the site except generated ones (index.html only redirects)."""
        generated = {"genindex.html", "search.html", "py-modindex.html", "index.html"}
        return sorted(p for p in self.html.rglob("*.html")
                      if p.name not in generated and "_static" not in p.parts)


def run_folder(tmp_path_factory) -> Path:
    """The test run's temporary folder: the session's, or under pytest-xdist the
    folder that holds every worker's (``.../pytest-N/popen-gwK`` -> ``.../pytest-N``)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_site(base: Path, *, offline: bool = False, hide_solutions: bool = False) -> BuiltSite:
    """Build (once per ``base`` and options, whichever process asks first) and return the site."""
    name = "book" + ("-offline" if offline else "") + ("-student" if hide_solutions else "")
    out = base / name
    record = out / "build-result.json"
    if offline:
        install_node_modules(base)
    with FileLock(str(base / f"{name}.lock")):
        if not record.is_file():
            _build(out, record, offline=offline, hide_solutions=hide_solutions)
    data = json.loads(record.read_text(encoding="utf-8"))
    return BuiltSite(out / "_build" / "html", data["returncode"], data["log"])


def install_node_modules(base: Path) -> Path:
    """The repository's ``node_modules``, installed (``npm ci``) by one process at a time."""
    import build_book  # tools/ is on the pytest pythonpath (pyproject.toml)

    with FileLock(str(base / "npm.lock")):
        build_book.ensure_node_modules(REPO / "node_modules")
    return REPO / "node_modules"


def _build(out: Path, record: Path, *, offline: bool, hide_solutions: bool) -> None:
    """Run ``tools/build_book.py`` into ``out`` and write its exit code and output to ``record``."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(REPO / "tools" / "build_book.py"), "--out", str(out)]
    if offline:
        command.append("--offline")
    if hide_solutions:
        command.append("--hide-solutions")
    completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                               timeout=1800)
    log = ANSI.sub("", completed.stdout + "\n" + completed.stderr)
    record.write_text(json.dumps({"returncode": completed.returncode, "log": log}),
                      encoding="utf-8")
