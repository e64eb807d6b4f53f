"""The browser app in a real headless Chromium, against a live server: the page loads, app.js runs,
fetches /health and fills in the status panel.

Chromium is optional on a developer machine (the tests skip with the reason), but CI sets
REALALGO_REQUIRE_BROWSER=1 so a missing browser fails instead of silently skipping.
"""

import html.parser
import os
import shutil
import struct
import subprocess

import pytest

from conftest import run, start_server

BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


@pytest.fixture(scope="module")
def chromium():
    """The path of a Chromium binary, or a skip (a failure with REALALGO_REQUIRE_BROWSER=1)."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    message = f"no headless browser found (looked for {', '.join(BROWSER_NAMES)} on PATH); install one, e.g. `apt-get install chromium`"
    if os.environ.get("REALALGO_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " — REALALGO_REQUIRE_BROWSER=1 requires the browser tests to run")
    pytest.skip(message)


def headless(chromium, profile, *args, url):
    """Runs headless Chromium on `url` and returns its stdout. The virtual time budget lets the
    page's scripts (and the fetch they start) finish before the DOM is dumped or the page shot.
    stderr is ignored on purpose: Chromium logs harmless D-Bus errors in containers."""
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
               # A throwaway profile: nothing is written to ~/.config, and parallel runs do not share a lock.
               f"--user-data-dir={profile}", *args, url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}\n{result.stderr[-2000:]}"
    return result.stdout


class TextByID(html.parser.HTMLParser):
    """The text content (and the attributes) of every element that has an id."""

    def __init__(self):
        super().__init__()
        self.text, self.attributes, self._open = {}, {}, []

    def handle_starttag(self, tag, attrs):
        identifier = dict(attrs).get("id")
        self._open.append((tag, identifier))
        if identifier:
            self.text[identifier] = ""
            self.attributes[identifier] = dict(attrs)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, identifier in self._open:
            if identifier:
                self.text[identifier] += data


@pytest.fixture
def live_server(data_dir):
    # A module list no default page could contain: the page can only show it by asking this server.
    server = start_server(data_dir, "--modules", "broker,strategies")
    yield server
    server.stop()


def test_the_page_shows_the_live_health_filled_in_by_app_js(chromium, live_server, tmp_path):
    dom = headless(chromium, tmp_path / "profile", "--dump-dom", url=live_server.url + "/")
    parser = TextByID()
    parser.feed(dom)
    fields = {key: value.strip() for key, value in parser.text.items() if key.startswith("health-")}

    # index.html ships "checking…" and dashes; each value below exists only after app.js fetched /health.
    assert fields["health-status"] == "ok", fields
    assert fields["health-version"] == run("--version").stdout.strip()
    assert fields["health-database"] == "ok (up to date)"
    assert fields["health-lua"].startswith("Lua 5.4"), fields
    assert fields["health-modules"] == "broker, strategies"
    assert parser.attributes["health-status"].get("class") == "ok"  # app.js also styles the status
    assert "http.path=/health" in live_server.log()  # the browser, not a cache, asked the server


def test_a_screenshot_of_the_page_is_a_real_png(chromium, live_server, tmp_path):
    screenshot = tmp_path / "realalgo.png"
    headless(chromium, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1000,700", url=live_server.url + "/")
    assert screenshot.is_file(), "Chromium wrote no screenshot"
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    assert (width, height) == (1000, 700)
    # A blank 1000x700 page compresses to a few kilobytes; the rendered text makes it far larger.
    assert len(data) > 10_000, f"the screenshot is only {len(data)} bytes: is the page blank?"
