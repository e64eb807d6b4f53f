"""The browser app's "Strategies" panel in a real headless Chromium, against a live server with the
simulated market (always open, a tick every 100 ms) and an empty `--strategies-dir`: a person signs
in, creates a strategy from source typed into the page, meets a syntax error with its line, fixes
it, has an out-of-range param refused with the field named, starts it in the sandbox, watches its
log and orders arrive, and stops it. A log line that looks like HTML stays text.

The page calls the strategy endpoints with the session cookie and its CSRF token, never an API
key; the last part checks that the server still refuses the cookie without the token.

Driven over the DevTools protocol as test_browser_live drives the live-price panel. Chromium is
optional on a developer machine (skip), required in CI (REALALGO_REQUIRE_BROWSER=1).
"""

import json

import pytest

from conftest import PASSWORD, SIMULATOR_FLAGS, create_user_with_key, http, run, start_server
from test_browser import chromium  # noqa: F401 (the fixture: a Chromium binary, or a skip)
from test_browser_live import Browser

# What a hostile or careless script may log; shown as text, it creates no element and runs nothing.
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"

SOURCE = """-- Buys qty shares of the first symbol that ticks, once, and says so.
strategy = {
  name = "Browser buyer",
  description = "Buys qty shares of SBIN once.",
  symbols = { "NSE:SBIN" },
  params = {
    qty = { default = 1, min = 1, max = 100, description = "shares to buy" },
  },
  risk = { max_orders_per_minute = 10 },
}

local bought = false

function on_start(ctx)
  ctx.log("started with qty", ctx.params.qty)
  ctx.warn("%s")
end

function on_tick(ctx, tick)
  if not bought then
    bought = true
    ctx.buy(tick.symbol, ctx.params.qty)
    ctx.log("bought", ctx.params.qty, tick.symbol)
  end
end
""" % HOSTILE.replace('"', '\\"')

BROKEN = SOURCE.replace("  if not bought then", "  if not bought the")
BROKEN_LINE = BROKEN.splitlines().index("  if not bought the") + 1


class Server:
    """A hub with user `trader` (and one key, for checks from Python), served with the simulator."""

    def __init__(self, root):
        self.data_dir = root / "data"
        run("migrate", data_dir=self.data_dir)
        self.key = create_user_with_key(self.data_dir)
        strategies = root / "strategies"
        strategies.mkdir()
        self.process = start_server(self.data_dir, *SIMULATOR_FLAGS, "--strategies-dir", strategies)
        self.url = self.process.url

    def api(self, path, **fields):
        status, _, body = http("POST", f"{self.url}/api/v1/{path}", {"apikey": self.key, **fields})
        assert status == 200, (path, status, body)
        return body


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path)
    try:
        yield running
    finally:
        running.process.stop()


@pytest.fixture
def browser(chromium, tmp_path):  # noqa: F811 (the imported fixture)
    running = Browser(chromium, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        yield running
    finally:
        running.close()


def visible(element_id):
    return f"(() => {{ const e = document.getElementById({element_id!r}); return e !== null && !e.closest('[hidden]'); }})()"


def text(element_id):
    return f"(document.getElementById({element_id!r})?.textContent ?? '').trim()"


def wait(browser, expression, what, timeout=30):
    """browser.wait_for, reporting what the strategies panel shows if it times out."""
    try:
        return browser.wait_for(expression, timeout=timeout, what=what)
    except AssertionError as failure:
        shown = browser.evaluate("document.getElementById('strategies').innerText")
        raise AssertionError(f"{failure}\n--- the strategies panel shows:\n{shown}") from None


def test_a_strategy_is_written_checked_tuned_run_and_stopped_in_the_browser(browser, server):
    browser.open(server.url + "/")
    assert browser.evaluate(visible("strategies-signed-out")), "signed out, the panel asks for a sign-in"
    browser.type_into("keys-username", "trader")
    browser.type_into("keys-password", PASSWORD)
    browser.click("keys-login-button")
    wait(browser, visible("strategies-account") + " && " + visible("strategies-empty"), "the empty strategy list")

    # A syntax error: refused with its line, and nothing is stored.
    browser.click("strategies-new-button")
    wait(browser, visible("strategies-new"), "the new-strategy form")
    browser.type_into("strategies-new-source", BROKEN)
    browser.click("strategies-new-create")
    problem = wait(browser, text("strategies-new-problem"), "the syntax error")
    assert problem.startswith(f"Syntax error on line {BROKEN_LINE}:"), problem
    assert "'then' expected" in problem, problem
    assert browser.evaluate("document.querySelector('#strategies-new-gutter .marked')?.textContent.trim()") == str(BROKEN_LINE)
    assert server.api("strategy/list")["data"] == []
    # "Show line N" puts the caret on that line.
    browser.evaluate("document.querySelector('#strategies-new-problem button').click()")
    selected = browser.evaluate("""(() => { const t = document.getElementById('strategies-new-source');
        return t.value.slice(t.selectionStart, t.selectionEnd); })()""")
    assert selected == BROKEN.splitlines()[BROKEN_LINE - 1], selected

    # Fixed, it is created and selected; its param becomes a bounded number field.
    browser.type_into("strategies-new-source", SOURCE)
    browser.click("strategies-new-create")
    wait(browser, visible("strategies-detail") + f" && {text('strategies-name')} === 'Browser buyer'", "the new strategy's details")
    assert browser.evaluate(visible("strategies-new")) is False
    [created] = server.api("strategy/list")["data"]
    [version] = server.api("strategy/versions", strategy_id=created["id"])["data"]
    assert version["origin"] == "web", version  # saved from the browser app, not through a key
    row = browser.evaluate(f"""[...document.querySelectorAll('#strategies-rows tr[data-id="{created['id']}"] > *')]
        .map((cell) => cell.textContent.trim())""")
    assert row == ["Browser buyer", "stopped", "–", "NSE:SBIN", "ticks", "–"], row
    qty = browser.evaluate("""(() => { const q = document.getElementById('strategies-param-qty');
        return {type: q.type, min: q.min, max: q.max, value: q.value,
                label: document.querySelector('label[for=strategies-param-qty]').textContent}; })()""")
    assert qty == {"type": "number", "min": "1", "max": "100", "value": "1", "label": "qty"}, qty
    assert browser.evaluate("document.getElementById('strategies-start-live').disabled"), "live is off until allowed"
    wait(browser, "document.getElementById('strategies-source').value.includes('Browser buyer')", "the saved source in the editor")

    # An out-of-range param: the server refuses it, naming the field, and keeps the saved value.
    browser.type_into("strategies-param-qty", "500")
    browser.click("strategies-params-save")
    field_error = wait(browser, text("strategies-param-qty-error"), "the field's error")
    assert field_error == "must be at most 100 (got 500)", field_error
    assert "params.qty" in browser.evaluate(text("strategies-params-problem"))
    assert browser.evaluate("document.getElementById('strategies-param-qty').getAttribute('aria-invalid')") == "true"
    assert server.api("strategy/status", strategy_id=created["id"])["data"]["params"] == {}
    browser.type_into("strategies-param-qty", "2")
    browser.click("strategies-params-save")
    wait(browser, f"{text('strategies-params-state')}.startsWith('Saved')", "the params to save")
    assert browser.evaluate(text("strategies-param-qty-error")) == ""
    assert server.api("strategy/status", strategy_id=created["id"])["data"]["params"] == {"qty": 2}

    # Started in the sandbox: the status, the log (HTML shown as text) and the order arrive.
    browser.click("strategies-start-sandbox")
    wait(browser, f"{text('strategies-status')} === 'running'", "the running status")
    wait(browser, "[...document.querySelectorAll('#strategies-logs .message')].some((m) => m.textContent === 'bought 2 SBIN')",
         "the strategy's log line about its order")
    messages = browser.evaluate("[...document.querySelectorAll('#strategies-logs .message')].map((m) => m.textContent)")
    assert messages[:2] == ["started with qty 2", HOSTILE], messages
    wait(browser, "document.querySelectorAll('#strategies-order-rows tr').length >= 1", "the order")
    order = browser.evaluate("[...document.querySelector('#strategies-order-rows tr').children].map((c) => c.textContent)")
    assert order[1:4] == ["NSE:SBIN", "BUY", "2"] and order[4].startswith("MARKET"), order
    wait(browser, "[...document.querySelectorAll('#strategies-event-rows .message')].some((m) => m.textContent.includes('<img'))",
         "the warning among the events")
    assert browser.evaluate("document.querySelectorAll('#strategies img').length") == 0, "a log line became an element"
    assert browser.evaluate("document.title") == "RealAlgo"
    row_status = f"document.querySelector('#strategies-rows tr[data-id=\"{created['id']}\"] .badge').textContent"
    wait(browser, f"{row_status} === 'running'", "the list to show the run")
    assert browser.evaluate(f"document.querySelector('#strategies-rows tr[data-id=\"{created['id']}\"] td:nth-child(3)').textContent") == "sandbox"

    # Stopped: the status changes in the details and in the list, and the server agrees.
    browser.click("strategies-stop")
    wait(browser, f"{text('strategies-status')} === 'stopped'", "the stopped status")
    assert browser.evaluate(text("strategies-action-state")).startswith("Stopped run #"), browser.evaluate(text("strategies-action-state"))
    wait(browser, f"{row_status} === 'stopped'", "the list to show it stopped")
    # Once the stop has finished (the page refreshes the run's activity last), it can start again.
    wait(browser, "!document.getElementById('strategies-start-sandbox').disabled", "Start sandbox to be enabled again")
    assert browser.evaluate("document.getElementById('strategies-stop').disabled")
    assert server.api("strategy/status", strategy_id=created["id"])["data"]["status"] == "stopped"

    # The page never held an API key: its calls rode on the session, whose cookie alone is refused.
    cookie = next(c for c in browser.call("Network.getCookies", urls=[server.url])["cookies"] if c["name"] == "realalgo_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    session = {"Cookie": f"realalgo_session={cookie['value']}"}
    status, _, body = http("POST", server.url + "/api/v1/strategy/list", {}, headers=session)
    assert status == 403 and "X-CSRF-Token" in body["message"], (status, body)
    status, _, body = http("POST", server.url + "/api/v1/strategy/stop", {"strategy_id": created["id"]}, headers=session)
    assert status == 403, (status, body)
    _, _, who = http("GET", server.url + "/api/v1/session", headers=session)
    status, _, body = http("POST", server.url + "/api/v1/strategy/list", {},
                           headers={**session, "X-CSRF-Token": who["data"]["csrf_token"]})
    assert status == 200 and [s["name"] for s in body["data"]] == ["Browser buyer"], (status, body)
    assert server.key not in json.dumps(browser.evaluate("[sessionStorage.length, localStorage.length, document.body.innerText]"))

    # At a phone's width nothing spills sideways: the list turns into cards, tables scroll inside.
    browser.call("Emulation.setDeviceMetricsOverride", width=360, height=740, deviceScaleFactor=1, mobile=True)
    widths = browser.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    assert browser.evaluate("getComputedStyle(document.querySelector('#strategies-rows tr')).display") == "block"

    assert browser.exceptions() == []
    assert browser.evaluate("window.__cspViolations") == []
