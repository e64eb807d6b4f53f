"""The browser app's "Live price" panel in a real headless Chromium, against a live server with the
simulated market: the page opens the market-data WebSocket at `/ws` on its own host, authenticates
with the key typed into the form, subscribes in Quote mode and shows a price that moves.

The browser is driven over the Chrome DevTools Protocol (CDP) with the `websockets` package the
suite already uses: Runtime.evaluate reads the DOM, Input.* types and clicks like a user, and the
Network domain reports every WebSocket the page opens. Every wait polls with a timeout; the only
fixed waits are the windows in which a retry must *not* happen.

Chromium is optional on a developer machine (the tests skip with the reason), but CI sets
REALALGO_REQUIRE_BROWSER=1 so a missing browser fails instead of silently skipping.
"""

import contextlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from websockets.sync.client import connect

from conftest import SIMULATOR_FLAGS, create_user_with_key, http, run, start_server
from test_browser import chromium  # noqa: F401 (the fixture: a Chromium binary, or a skip)

# Records Content-Security-Policy violations before any of the page's own scripts run.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (event) => window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`));
"""

# Mirrors web/live-price.js's number formats (en-IN: "1,500.05", "+1.20 (+0.08%)").
NUMBER = r"[+-]?[\d,]+(?:\.\d+)?"


def number(text):
    return float(text.replace(",", ""))


class CDPError(AssertionError):
    pass


class Browser:
    """One headless Chromium with one page, driven over the DevTools protocol. `close()` stops the
    process whatever state it is in."""

    def __init__(self, binary, profile, log_path):
        profile.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "w")
        self._connections = contextlib.ExitStack()
        # Its own process group, so close() can also end the renderer and helper processes it forks.
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={profile}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True)
        self.socket = None
        self.events = []
        self._next_id = 0
        try:
            self._attach(profile, log_path)
        except BaseException:
            self.close()
            raise

    def _attach(self, profile, log_path):
        # With port 0 Chromium picks a free port and writes it to DevToolsActivePort in the profile.
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().count("\n") >= 1):
            if self.process.poll() is not None:
                raise AssertionError(f"Chromium exited with {self.process.returncode}:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"Chromium opened no DevTools port within 60 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.05)
        port = int(port_file.read_text().split("\n")[0])
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with no_proxy.open(f"http://127.0.0.1:{port}/json/list", timeout=30) as response:
            targets = json.load(response)
        page = next(target for target in targets if target["type"] == "page")
        self.socket = self._connections.enter_context(
            connect(page["webSocketDebuggerUrl"], max_size=None, proxy=None, open_timeout=30))
        for domain in ("Page", "Runtime", "Network"):
            self.call(f"{domain}.enable")
        self.call("Page.addScriptToEvaluateOnNewDocument", source=CSP_RECORDER)

    def call(self, method, timeout=30, **params):
        """Sends one command and returns its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        identifier = self._next_id
        self.socket.send(json.dumps({"id": identifier, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline - time.monotonic())
            if message is None:
                raise CDPError(f"{method}: no answer within {timeout} s")
            if message.get("id") == identifier:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                return message["result"]

    def _receive(self, timeout):
        """The next message (events are also recorded), or None after `timeout` seconds."""
        try:
            message = json.loads(self.socket.recv(timeout=max(timeout, 0)))
        except TimeoutError:
            return None
        if "method" in message:
            self.events.append(message)
        return message

    def pump(self, seconds):
        """Records events for `seconds`: for the windows in which something must NOT happen."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._receive(deadline - time.monotonic())

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise CDPError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30, what=None):
        """Polls `expression` until it is truthy and returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} s for {what or expression}; page state: {self.panel()}")
            self.pump(0.1)

    def open(self, url):
        self.call("Page.navigate", url=url)
        # Module scripts run before the load event, so the panel is wired once the page is complete.
        self.wait_for("document.readyState === 'complete' && document.getElementById('live-form') !== null",
                      what=f"{url} to load")

    def type_into(self, element_id, text):
        """Focuses a field, selects what it holds and types `text` over it, as a user would."""
        self.evaluate(f"(() => {{ const e = document.getElementById({element_id!r}); e.focus(); e.select(); }})()")
        self.call("Input.insertText", text=text)

    def click(self, element_id):
        """A real mouse click in the middle of the element."""
        box = self.evaluate(f"""(() => {{ const e = document.getElementById({element_id!r}); e.scrollIntoView();
            const r = e.getBoundingClientRect(); return {{x: r.x + r.width / 2, y: r.y + r.height / 2}}; }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)

    def panel(self):
        """Everything the live-price panel shows, read in one go (so from one tick)."""
        return self.evaluate("""(() => {
            const text = (id) => document.getElementById(id)?.textContent.trim() ?? null;
            const fields = ['state', 'toggle', 'instrument', 'ltp', 'change', 'open', 'high', 'low', 'prev-close',
                            'volume', 'updated'];
            const panel = Object.fromEntries(fields.map((name) => [name, text(`live-${name}`)]));
            panel.stateName = document.getElementById('live-state')?.dataset.state;
            panel.ltpClass = document.getElementById('live-ltp')?.className;
            panel.changeClass = document.getElementById('live-change')?.className;
            panel.fieldsDisabled = document.getElementById('live-fields')?.disabled;
            panel.location = location.href;
            return panel; })()""")

    def websockets_opened(self):
        """URLs of the WebSockets the page opened, as the network stack saw them."""
        return [event["params"]["url"] for event in self.events if event["method"] == "Network.webSocketCreated"]

    def exceptions(self):
        return [event["params"]["exceptionDetails"] for event in self.events if event["method"] == "Runtime.exceptionThrown"]

    def close(self):
        try:
            self._connections.close()
        finally:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            with contextlib.suppress(ProcessLookupError):  # helpers that outlived the browser, if any
                os.killpg(self.process.pid, signal.SIGKILL)
            self._log.close()


@pytest.fixture
def browser(chromium, tmp_path):  # noqa: F811 (the imported fixture)
    running = Browser(chromium, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        yield running
    finally:
        running.close()


class Market:
    """A hub with user `trader` and one key, served with the simulator ticking every 100 ms."""

    def __init__(self, root):
        self.data_dir = root / "data"
        run("migrate", data_dir=self.data_dir)
        self.key = create_user_with_key(self.data_dir)
        self.server = start_server(self.data_dir, *SIMULATOR_FLAGS)
        self.url = self.server.url

    def restart(self):
        """Stops the server and starts it again on the same HTTP port (so the page's origin stays)."""
        self.server.stop()
        port = urllib.parse.urlsplit(self.url).port
        self.server = start_server(self.data_dir, "--port", port, *SIMULATOR_FLAGS)
        assert self.server.url == self.url

    def quote(self, symbol="RELIANCE", exchange="NSE"):
        status, _, body = http("POST", self.url + "/api/v1/quotes", {"apikey": self.key, "symbol": symbol, "exchange": exchange})
        assert status == 200, body
        return body["data"]

    def feed_clients(self):
        status, _, body = http("POST", self.url + "/api/v1/websocket/status", {"apikey": self.key})
        assert status == 200, body
        return body["data"]["clients"]

    def wait_for_clients(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while (clients := self.feed_clients()) != count:
            assert time.monotonic() < deadline, f"the server still has {clients} WebSocket clients, expected {count}"
            time.sleep(0.1)


@pytest.fixture
def market(tmp_path):
    running = Market(tmp_path)
    try:
        yield running
    finally:
        running.server.stop()


def connect_panel(browser, market, key, symbol=None, exchange=None):
    browser.open(market.url + "/")
    browser.type_into("live-key", key)
    if exchange is not None:
        browser.evaluate(f"document.getElementById('live-exchange').value = {exchange!r}")
    if symbol is not None:
        browser.type_into("live-symbol", symbol)
    browser.click("live-toggle")


def test_the_panel_streams_a_live_price_that_matches_the_rest_quote(browser, market):
    browser.open(market.url + "/")
    form = browser.evaluate("""(() => { const key = document.getElementById('live-key');
        return {type: key.type, autocomplete: key.autocomplete, label: document.querySelector('label[for=live-key]').textContent,
                exchange: document.getElementById('live-exchange').value, symbol: document.getElementById('live-symbol').value,
                live: document.getElementById('live-ltp').getAttribute('aria-live')}; })()""")
    assert form == {"type": "password", "autocomplete": "off", "label": "API key", "exchange": "NSE", "symbol": "RELIANCE",
                    "live": "polite"}
    assert browser.panel()["state"] == "Not connected"

    browser.type_into("live-key", market.key)
    browser.click("live-toggle")
    browser.wait_for("document.getElementById('live-state').dataset.state === 'streaming'", what="the feed to stream")
    browser.wait_for("document.getElementById('live-ltp').dataset.value !== undefined", what="a first price")

    shown = browser.panel()
    rest = market.quote()
    ltp = number(shown["ltp"])
    assert re.fullmatch(r"[\d,]+\.\d\d", shown["ltp"]), shown
    assert ltp > 0
    assert abs(ltp - rest["ltp"]) <= 0.02 * rest["ltp"], (shown, rest)  # live: a few ticks apart at most
    assert shown["state"] == "Streaming" and shown["toggle"] == "Disconnect" and shown["fieldsDisabled"], shown
    assert shown["instrument"] == "NSE:RELIANCE"

    # The day's figures, consistent with each other and with the server's.
    high, low, previous_close = number(shown["high"]), number(shown["low"]), number(shown["prev-close"])
    assert 0 < low <= ltp <= high and number(shown["open"]) > 0, shown
    assert previous_close == rest["prev_close"], (shown, rest)
    assert number(shown["volume"]) > 0
    change = re.fullmatch(rf"({NUMBER}) \(({NUMBER})%\)", shown["change"])
    assert change, shown
    assert number(change[1]) == pytest.approx(ltp - previous_close, abs=0.006), shown
    assert number(change[2]) == pytest.approx((ltp - previous_close) / previous_close * 100, abs=0.006), shown
    expected_colour = "up" if ltp > previous_close else "down" if ltp < previous_close else ""
    assert shown["changeClass"] == expected_colour, shown
    assert re.fullmatch(r"\d\d:\d\d:\d\d IST", shown["updated"]), shown

    # It is live: the price moves within a few seconds (the simulator steps every 100 ms).
    moved = browser.wait_for(f"(() => {{ const t = document.getElementById('live-ltp').textContent; return t !== {shown['ltp']!r} && t; }})()",
                             timeout=30, what="the price to change")
    assert number(moved) > 0
    browser.wait_for("/^(up|down)$/.test(document.getElementById('live-ltp').className)", what="a tick direction colour")
    later = market.quote()
    assert abs(number(browser.panel()["ltp"]) - later["ltp"]) <= 0.02 * later["ltp"]

    # The page reached the server's /ws on its own host, with the key only inside the socket.
    host = urllib.parse.urlsplit(market.url).netloc
    assert browser.websockets_opened() == [f"ws://{host}/ws"]
    assert market.key not in browser.evaluate("location.href")
    assert browser.evaluate("sessionStorage.getItem('realalgo.apiKey')") == market.key
    assert browser.evaluate("localStorage.length") == 0
    assert market.feed_clients() == 1

    # The server's CSP lets the page connect, and nothing on the page failed.
    _, headers, _ = http("GET", market.url + "/")
    assert "connect-src" in headers["Content-Security-Policy"]
    assert browser.evaluate("window.__cspViolations") == []
    assert browser.exceptions() == []

    # Disconnect closes the socket for good: no retry follows.
    browser.click("live-toggle")
    browser.wait_for("document.getElementById('live-state').dataset.state === 'disconnected'", what="the disconnect")
    market.wait_for_clients(0)
    after = browser.panel()
    assert after["state"] == "Disconnected" and after["toggle"] == "Connect" and not after["fieldsDisabled"], after
    browser.pump(2.5)  # a retry would have opened a second socket after 1 s
    assert len(browser.websockets_opened()) == 1
    assert market.feed_clients() == 0


@pytest.mark.parametrize("key, symbol, message", [
    ("not-a-real-key", None, "Error: Invalid API key (AUTHENTICATION_ERROR)"),
    (None, "NOPE", "Error: Symbol NOPE not found on NSE"),
])
def test_a_refusal_shows_the_servers_error_and_is_not_retried(browser, market, key, symbol, message):
    connect_panel(browser, market, key or market.key, symbol=symbol)
    browser.wait_for("document.getElementById('live-state').dataset.state === 'error'", what="the server's refusal")
    shown = browser.panel()
    assert shown["state"] == message, shown
    assert shown["toggle"] == "Connect" and not shown["fieldsDisabled"], shown
    assert shown["ltp"] == "–"
    market.wait_for_clients(0)  # the page closed the socket itself (the server keeps it open after an error)
    # A retry loop would have opened a second socket after 1 s and a third after 3 s.
    browser.pump(3.5)
    assert len(browser.websockets_opened()) == 1, browser.websockets_opened()
    assert browser.panel()["state"] == message
    assert market.feed_clients() == 0


def test_the_panel_reconnects_after_the_server_restarts(browser, market):
    connect_panel(browser, market, market.key)
    browser.wait_for("document.getElementById('live-state').dataset.state === 'streaming'", what="the feed to stream")
    browser.wait_for("document.getElementById('live-ltp').dataset.value !== undefined", what="a first price")

    market.server.stop()
    state = browser.wait_for("""(() => { const e = document.getElementById('live-state');
        return e.dataset.state === 'reconnecting' && e.textContent; })()""", what="the page to notice the close")
    assert re.fullmatch(r"Connection closed \(code \d+(: .*)?\); reconnecting in 1 s…", state), state
    assert browser.panel()["toggle"] == "Disconnect"  # still on: it is retrying
    assert browser.evaluate("document.getElementById('live-quote').classList.contains('stale')")

    market.restart()
    browser.wait_for("document.getElementById('live-state').dataset.state === 'streaming'", timeout=60,
                     what="the feed to stream again")
    first = browser.panel()["ltp"]
    browser.wait_for(f"document.getElementById('live-ltp').textContent !== {first!r}", what="the price to move again")
    opened = browser.websockets_opened()
    assert len(opened) >= 2 and set(opened) == {opened[0]}, opened  # each retry went to the same /ws
    market.wait_for_clients(1)
    assert browser.exceptions() == []


def test_retries_back_off_from_1_s_doubling_to_30_s(browser, market):
    """PriceFeed itself, imported by the page, against a URL that refuses WebSockets; the page's
    setTimeout is replaced so the delays are recorded and the retries run at once."""
    browser.open(market.url + "/")
    delays = browser.evaluate(f"""(async () => {{
        const {{ PriceFeed }} = await import('/price-feed.js');
        const delays = [];
        const realSetTimeout = window.setTimeout;
        window.setTimeout = (callback, delay) => {{ delays.push(delay); return realSetTimeout(callback, 0); }};
        const feed = new PriceFeed({{ url: {market.url.replace('http', 'ws', 1) + '/not-a-socket'!r}, apiKey: 'k',
            exchange: 'NSE', symbol: 'RELIANCE', onStatus: () => {{}}, onQuote: () => {{}} }});
        feed.start();
        const deadline = Date.now() + 20000;
        while (delays.length < 8 && Date.now() < deadline) await new Promise((resolve) => realSetTimeout(resolve, 20));
        feed.stop();
        window.setTimeout = realSetTimeout;
        return delays.slice(0, 8);
    }})()""")
    assert delays == [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
