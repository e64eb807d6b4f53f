"""API keys managed over the API and from a browser session, against a live server: a key created
through `apikey/create` works with the official `openalgo` client unchanged, the listing shows when
it was last used and never the key, revocation is refused on the very next request (also when the
CLI revokes it from another process), bad input names its field and writes nothing, and the
browser session is an HttpOnly, SameSite=Strict cookie that acts only with its CSRF token."""

from http.cookiejar import CookieJar
import json
import sqlite3
import urllib.error
import urllib.request

import pytest
from openalgo import api
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from conftest import PASSWORD, create_user_with_key, http, run


def keys_of(server, key):
    status, _, body = http("POST", server.url + "/api/v1/apikey/list", {"apikey": key})
    assert status == 200, body
    return body["data"]


def create_key(server, key, **fields):
    status, headers, body = http("POST", server.url + "/api/v1/apikey/create", {"apikey": key, **fields})
    assert status == 200, body
    assert headers.get("Cache-Control") == "no-store"
    return body["data"]


def test_a_key_created_over_the_api_trades_with_the_official_client_until_revoked(server, api_key):
    created = create_key(server, api_key, name="bot")
    new_key = created["apikey"]
    assert len(new_key) == 64 and int(new_key, 16) >= 0
    assert created["prefix"] == new_key[:8] and created["status"] == "active" and created["last_used_at"] is None

    client = api(api_key=new_key, host=server.url)
    try:
        funds = client.funds()
        assert funds["status"] == "success", funds
        assert funds["data"]["availablecash"] > 0

        listing = keys_of(server, api_key)
        assert new_key not in json.dumps(listing), "a listing never shows a key"
        mine = next(key for key in listing if key["id"] == created["id"])
        assert mine["last_used_at"] is not None, listing
        assert mine["name"] == "bot" and mine["status"] == "active"

        status, _, body = http("POST", server.url + "/api/v1/apikey/revoke", {"apikey": api_key, "id": created["id"]})
        assert status == 200 and body["data"]["status"] == "revoked", body

        # The very next request: refused, through the official client too.
        refused = client.funds()
        assert refused["status"] == "error" and refused.get("code") == 403, refused
        assert "Invalid openalgo apikey" in refused["message"]
        status, _, body = http("POST", server.url + "/api/v1/ping", {"apikey": new_key})
        assert (status, body) == (403, {"status": "error", "message": "Invalid openalgo apikey"})
    finally:
        client.close()


def test_a_key_revoked_by_the_cli_in_another_process_is_refused_at_once(server, api_key, data_dir):
    new_key = create_key(server, api_key, name="cli-revoked")
    assert http("POST", server.url + "/api/v1/ping", {"apikey": new_key["apikey"]})[0] == 200
    run("apikey", "revoke", new_key["id"], data_dir=data_dir)
    assert http("POST", server.url + "/api/v1/ping", {"apikey": new_key["apikey"]})[0] == 403


def test_the_hub_keeps_only_a_keyed_hash_of_each_key(server, api_key, data_dir):
    new_key = create_key(server, api_key)["apikey"]
    with sqlite3.connect(f"file:{data_dir / 'realalgo.db'}?mode=ro", uri=True) as hub:
        hashes = [row[0] for row in hub.execute("SELECT key_hash FROM api_keys")]
    assert new_key not in hashes and api_key not in hashes
    assert new_key.encode() not in (data_dir / "realalgo.db").read_bytes()


def test_revoking_a_key_over_the_api_closes_its_websockets_with_4403(server, api_key):
    doomed = create_key(server, api_key, name="streamer")
    with connect(server.ws_url, proxy=None, open_timeout=30) as doomed_socket, \
            connect(server.ws_url, proxy=None, open_timeout=30) as other_socket:
        for socket, key in ((doomed_socket, doomed["apikey"]), (other_socket, api_key)):
            socket.send(json.dumps({"action": "authenticate", "api_key": key}))
            answer = json.loads(socket.recv(timeout=30))
            assert answer.get("type") == "auth" and answer["status"] == "success", answer
        assert http("POST", server.url + "/api/v1/apikey/revoke", {"apikey": api_key, "id": doomed["id"]})[0] == 200
        with pytest.raises(ConnectionClosed):
            while True:
                doomed_socket.recv(timeout=30)
        assert (doomed_socket.close_code, doomed_socket.close_reason) == (4403, "API key revoked")
        # Only the revoked key's streams close.
        other_socket.send(json.dumps({"action": "ping"}))
        assert json.loads(other_socket.recv(timeout=30))["type"] == "pong"


BAD = [
    ("create", {"name": ""}, 400, "name"),
    ("create", {"name": "x" * 65}, 400, "name"),
    ("create", {"name": ["bot"]}, 400, "name"),
    ("create", {"label": "bot"}, 400, "label"),
    ("list", {"verbose": True}, 400, "verbose"),
    ("revoke", {}, 400, "id"),
    ("revoke", {"id": "abc"}, 400, "id"),
    ("revoke", {"id": -3}, 400, "id"),
    ("revoke", {"id": 99999}, 404, "API key 99999 not found"),
]


@pytest.mark.parametrize("endpoint, fields, status, names", BAD)
def test_bad_input_names_the_field_and_writes_nothing(server, api_key, endpoint, fields, status, names):
    before = keys_of(server, api_key)
    code, _, body = http("POST", f"{server.url}/api/v1/apikey/{endpoint}", {"apikey": api_key, **fields})
    assert code == status, body
    assert names in json.dumps(body), body
    after = keys_of(server, api_key)
    assert [(key["id"], key["status"]) for key in after] == [(key["id"], key["status"]) for key in before]


def test_missing_or_bad_keys_and_wrong_methods(server, api_key):
    status, _, body = http("POST", server.url + "/api/v1/apikey/list", {})
    assert status == 400 and body["message"] == {"apikey": ["Missing data for required field."]}
    assert http("POST", server.url + "/api/v1/apikey/create", {"apikey": "0" * 64})[0] == 403
    status, headers, body = http("GET", server.url + "/api/v1/apikey/list")
    assert status == 405 and headers.get("Allow") == "POST", body
    assert http("POST", server.url + "/api/v1/apikey/create", b"{not json")[0] == 400


def test_another_users_key_is_out_of_reach(server, api_key, data_dir):
    other_key = create_user_with_key(data_dir, username="other")
    theirs = keys_of(server, other_key)[0]
    status, _, body = http("POST", server.url + "/api/v1/apikey/revoke", {"apikey": api_key, "id": theirs["id"]})
    assert status == 404, body
    assert http("POST", server.url + "/api/v1/ping", {"apikey": other_key})[0] == 200
    assert theirs["id"] not in [key["id"] for key in keys_of(server, api_key)]


class Browserless:
    """A cookie-keeping HTTP client: what a browser does with the session cookie, minus the page."""

    def __init__(self, url):
        self.url = url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read())


def test_a_browser_session_manages_keys_only_with_its_csrf_token(server, api_key, data_dir):
    browser = Browserless(server.url)
    status, headers, body = browser.call("POST", "/api/v1/session/login", {"username": "trader", "password": PASSWORD})
    assert status == 200, body
    cookie = headers["Set-Cookie"]
    for attribute in ("realalgo_session=", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cookie, cookie
    csrf = body["data"]["csrf_token"]
    token = next(c.value for c in browser.jar if c.name == "realalgo_session")
    with sqlite3.connect(f"file:{data_dir / 'realalgo.db'}?mode=ro", uri=True) as hub:
        assert hub.execute("SELECT count(*) FROM sessions WHERE token_hash = ?", (token,)).fetchone()[0] == 0
        assert hub.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1

    # The cookie alone is not enough to act.
    status, _, body = browser.call("POST", "/api/v1/apikey/create", {"name": "forged"})
    assert status == 403 and "X-CSRF-Token" in body["message"], body
    assert "forged" not in [key["name"] for key in keys_of(server, api_key)]

    status, _, body = browser.call("POST", "/api/v1/apikey/create", {"name": "from the browser"}, {"X-CSRF-Token": csrf})
    assert status == 200, body
    assert http("POST", server.url + "/api/v1/ping", {"apikey": body["data"]["apikey"]})[0] == 200
    status, _, listing = browser.call("POST", "/api/v1/apikey/list", {}, {"X-CSRF-Token": csrf})
    assert status == 200 and "from the browser" in [key["name"] for key in listing["data"]]

    status, _, body = browser.call("POST", "/api/v1/session/logout", {}, {"X-CSRF-Token": csrf})
    assert status == 200, body
    assert not [c for c in browser.jar if c.name == "realalgo_session"], "sign-out clears the cookie"
    # Replaying the old cookie (say, copied before sign-out) is refused: the session is gone from the hub.
    status, _, body = http("POST", server.url + "/api/v1/apikey/list", {},
                           {"Cookie": f"realalgo_session={token}", "X-CSRF-Token": csrf})
    assert status == 401, body


def test_failed_sign_ins_are_generic_and_throttled(server):
    answers = []
    for username in ("trader", "nobody"):
        status, _, body = http("POST", server.url + "/api/v1/session/login", {"username": username, "password": "wrong"})
        answers.append((status, body))
    assert answers[0] == answers[1] == (401, {"status": "error", "message": "Invalid username or password"})
    for _ in range(4):
        http("POST", server.url + "/api/v1/session/login", {"username": "trader", "password": "wrong"})
    status, headers, body = http("POST", server.url + "/api/v1/session/login", {"username": "trader", "password": PASSWORD})
    assert status == 429, body
    assert "Too many failed sign-in attempts" in body["message"] and int(headers["Retry-After"]) > 0
    assert "sign-in throttled" in server.log()


# The browser app's "API keys" panel in a real headless Chromium, driven over the DevTools
# protocol as test_browser_live drives the live-price panel.
from test_browser import chromium  # noqa: E402,F401 (the fixture: a Chromium binary, or a skip)
from test_browser_live import Browser  # noqa: E402


@pytest.fixture
def browser(chromium, tmp_path):  # noqa: F811 (the imported fixture)
    running = Browser(chromium, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        yield running
    finally:
        running.close()


def visible(element_id):
    return f"(() => {{ const e = document.getElementById({element_id!r}); return e !== null && !e.closest('[hidden]'); }})()"


def test_the_browser_signs_in_creates_a_key_shown_once_and_revokes_it(browser, server, api_key):
    browser.open(server.url + "/")
    browser.wait_for(visible("keys-login"), what="the sign-in form")
    browser.type_into("keys-username", "trader")
    browser.type_into("keys-password", PASSWORD)
    browser.click("keys-login-button")
    browser.wait_for(visible("keys-account") + " && document.querySelectorAll('#keys-rows tr').length === 1",
                     what="the signed-in panel listing the CLI's key")
    assert browser.evaluate("document.getElementById('keys-user').textContent") == "trader"
    assert browser.evaluate("document.getElementById('keys-password').value") == "", "the password does not linger"
    assert "realalgo_session" not in browser.evaluate("document.cookie"), "the session cookie is HttpOnly"

    browser.type_into("keys-name", "from chromium")
    browser.click("keys-create-button")
    browser.wait_for(visible("keys-new") + " && document.querySelectorAll('#keys-rows tr').length === 2", what="the new key")
    new_key = browser.evaluate("document.getElementById('keys-new-value').textContent")
    assert len(new_key) == 64 and int(new_key, 16) >= 0, new_key
    warning = browser.evaluate("document.getElementById('keys-new').textContent")
    assert "Copy this key now" in warning and "cannot show it again" in warning
    assert http("POST", server.url + "/api/v1/ping", {"apikey": new_key})[0] == 200

    browser.click("keys-copy")
    browser.wait_for("document.getElementById('keys-copy-state').textContent.length > 0", what="the copy button's answer")

    # Shown once: dismissed, the key is nowhere in the page, and a reload does not bring it back.
    browser.click("keys-new-done")
    assert new_key not in browser.evaluate("document.documentElement.outerHTML")
    browser.open(server.url + "/")
    browser.wait_for(visible("keys-account") + " && document.querySelectorAll('#keys-rows tr').length === 2",
                     what="the session to survive a reload")
    page = browser.evaluate("document.documentElement.outerHTML")
    assert new_key not in page and new_key[:8] in page

    created = next(key for key in keys_of(server, api_key) if key["name"] == "from chromium")
    revoke = f"keys-revoke-{created['id']}"
    browser.click(revoke)
    browser.wait_for(f"document.getElementById({revoke!r}).textContent === 'Confirm revoke'", what="the revoke button to arm")
    assert http("POST", server.url + "/api/v1/ping", {"apikey": new_key})[0] == 200, "one click does not revoke"
    browser.click(revoke)
    browser.wait_for(f"document.querySelector('#keys-rows tr[data-id=\"{created['id']}\"]')?.classList.contains('revoked')",
                     what="the row to show the key revoked")
    assert http("POST", server.url + "/api/v1/ping", {"apikey": new_key})[0] == 403

    browser.click("keys-logout")
    browser.wait_for(visible("keys-login"), what="the sign-in form after signing out")
    assert browser.exceptions() == []
    assert browser.evaluate("window.__cspViolations") == []


def test_the_browser_shows_a_refused_sign_in(browser, server):
    browser.open(server.url + "/")
    browser.wait_for(visible("keys-login"), what="the sign-in form")
    browser.type_into("keys-username", "trader")
    browser.type_into("keys-password", "not the password")
    browser.click("keys-login-button")
    browser.wait_for("document.getElementById('keys-message').textContent === 'Invalid username or password'",
                     what="the refusal")
    assert browser.evaluate(visible("keys-account")) is False
