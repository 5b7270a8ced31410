"""The HTML pages in a real browser: headless Chromium renders summary.html, gallery.html,
index.html and one per-submission report of an audit of corpus/ — a screenshot that is not
blank, the expected sections in the DOM, nothing logged to the console, nothing fetched from the
network. Skipped when Chromium is not installed (`make browser-test` installs it).

AUDITOR_KEEP_SCREENSHOTS=1 keeps the screenshots in reports/screenshots/.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from auditor import api

from .conftest import CORPUS, REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (`make browser-test` installs it)"),
]
WINDOW = (1366, 900)
# what the page itself logs: console messages and uncaught exceptions (`--enable-logging=stderr`)
CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)\]|Uncaught")
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster)\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)(?:https?:)?//""", re.I)
REPORT = "reports/000_6ab5f2bce6e16cff.html"
PAGES = {
    # page → what its DOM must hold
    "summary.html": ['id="ranking"', 'class="chart bar-chart"', 'class="chart heat-map"', 'id="categories"',
                     'id="copied"', 'href="reports/'],
    "gallery.html": ['class="block category"', '<article class="example', "<mark>", "<ins>", "为什么重要", "怎样改"],
    "index.html": ["各单位", "问题类别统计", 'href="reports/', 'href="summary.html"'],
    REPORT: ['id="part1"', 'class="block table-block', "finding-list", 'href="../index.html"'],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One audit of corpus/ → every page `audit`, `summary` and `gallery` write, in one folder."""
    out = tmp_path_factory.mktemp("site")
    run = api.audit_with_corpus(api.read_batch([CORPUS]))
    api.write_reports(run, out)
    api.write_files(api.render_gallery_outputs(run), out)
    api.write_files(api.render_summary_outputs(run, present=[p.name for p in out.iterdir()]), out)
    return out


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("AUDITOR_KEEP_SCREENSHOTS"):
        folder = REPO / "reports" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


def render(page: Path, screenshot: Path, profile: Path) -> tuple[str, list[str]]:
    """Load `page` in headless Chromium: (the DOM after load, the page's console lines)."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
               f"--screenshot={screenshot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", "--dump-dom", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, [line for line in done.stderr.splitlines() if CONSOLE.search(line)]


def assert_not_blank(png: Path) -> None:
    assert png.is_file() and png.stat().st_size > 20_000, f"{png} is missing or tiny"
    with Image.open(png) as image:
        assert image.size == WINDOW
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 50, "the screenshot is (nearly) one colour"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_offline_without_console_errors(site, shots, tmp_path, name):
    page = site / name
    html = page.read_text(encoding="utf-8")
    assert not EXTERNAL.search(html), f"{name} refers to an external URL: {EXTERNAL.search(html).group(0)}"
    png = shots / (name.replace("/", "_").removesuffix(".html") + ".png")
    dom, console = render(page, png, tmp_path / "profile")
    assert console == [], f"{name} logged to the console: {console}"
    assert_not_blank(png)
    for expected in PAGES[name]:
        assert expected in dom, f"{name}: {expected!r} not in the rendered page"
    assert '<html lang="zh-CN">' in dom
    assert not EXTERNAL.search(dom)
    for link in re.findall(r'href="([^"#:]+)(?:#[^"]*)?"', dom):  # every relative link resolves to a file written
        assert (page.parent / link).resolve().is_file(), f"{name}: broken link {link}"


def test_the_checks_catch_a_broken_page(tmp_path):
    """The console, external-URL and blank-screenshot checks above do fail on a page that errs,
    calls a CDN or shows nothing (the CDN reference is checked as text: nothing is fetched)."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>console.error('boom'); missing();</script></body></html>",
                    encoding="utf-8")
    dom, console = render(page, tmp_path / "broken.png", tmp_path / "profile")
    assert any("boom" in line for line in console) and any("Uncaught" in line for line in console)
    with pytest.raises(AssertionError):
        assert_not_blank(tmp_path / "broken.png")
    for reference in ('<script src="https://cdn.example.com/x.js">', "<link href='//fonts.example.com/a.css'>",
                      "body { background: url(http://example.com/a.png) }", '@import "https://example.com/b.css";'):
        assert EXTERNAL.search(reference), reference
    assert not EXTERNAL.search('<a href="reports/a.html">甲</a> <a href="#f-1">1</a>')
