"""OpenAlgo's per-IP rate limits on `/api/v1/`, end to end: `realalgo serve` reads ORDER_RATE_LIMIT,
API_RATE_LIMIT and friends from the environment as OpenAlgo does, answers the call over a limit
with OpenAlgo's exact 429 body, keeps each category in its own bucket, never limits health or
metrics, refuses a limit it cannot parse, and lifts everything with REALALGO_RATE_LIMITS=off."""

import re
import time
import urllib.error
import urllib.request

import pytest

from conftest import http, run, start_server

# Spelled out, so the tests hold even where the suite lifts limits for everything else.
ON = {"REALALGO_RATE_LIMITS": "on"}
REFUSAL = b'{"status":"error","message":"Rate limit exceeded. Please slow down your requests.","retry_after":60}'


def post_raw(url, body=b"{}"):
    """One POST; returns (status, headers, raw body bytes), so the 429 body is compared byte for byte."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def quick_calls(url, body, count, window=1.0):
    """`count` POSTs back to back. A per-second limit only bites if they land within a second, so a
    burst a slow machine spread wider is thrown away and tried again once the window has passed."""
    for _ in range(3):
        started = time.monotonic()
        replies = [post_raw(url, body) for _ in range(count)]
        if time.monotonic() - started < window * 0.8:
            return replies
        time.sleep(window + 0.1)
    raise AssertionError(f"could not make {count} calls within {window} s")


@pytest.fixture
def limited(data_dir, api_key):
    server = start_server(data_dir, env={**ON, "ORDER_RATE_LIMIT": "3 per second", "API_RATE_LIMIT": "5 per second"})
    yield server, api_key
    server.stop()


def test_the_sixth_quick_call_gets_openalgos_429_while_other_categories_still_work(limited):
    server, key = limited
    body = ('{"apikey": "%s"}' % key).encode()
    replies = quick_calls(server.url + "/api/v1/intervals", body, 6)
    assert [status for status, _, _ in replies] == [200] * 5 + [429], replies
    status, headers, raw = replies[-1]
    assert raw == REFUSAL
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Retry-After"] == "1"

    # Every other /api/v1 data endpoint shares the exhausted `api` bucket (a trailing slash too)…
    assert post_raw(server.url + "/api/v1/quotes/", body)[0] == 429
    # …while orders have their own (3 per second here; whether placeorder exists yet or not, it is
    # never 429 before its own limit), greeks their own, and health and metrics none at all.
    order = ('{"apikey": "%s"}' % key).encode()
    orders = [post_raw(server.url + "/api/v1/placeorder", order) for _ in range(4)]
    assert [status == 429 for status, _, _ in orders[:3]] == [False] * 3, orders
    assert orders[3][0] == 429 and orders[3][2] == REFUSAL
    greeks = post_raw(server.url + "/api/v1/optiongreeks", ('{"apikey": "%s", "symbol": "RELIANCE", "exchange": "NSE"}' % key).encode())
    assert greeks[0] != 429, greeks
    for _ in range(20):
        assert http("GET", server.url + "/health")[0] == 200

    # The refusals are counted per category for Prometheus.
    status, _, metrics = http("GET", server.url + "/metrics")
    assert status == 200
    assert re.search(r'realalgo_rate_limited_total\{category="api"\} [2-9]', metrics), metrics
    assert re.search(r'realalgo_rate_limited_total\{category="orders"\} 1', metrics), metrics

    # The window moves: a second after the burst there is room again.
    time.sleep(1.1)
    status, _, reply = http("POST", server.url + "/api/v1/intervals", {"apikey": key})
    assert status == 200 and reply["status"] == "success"


def test_a_limit_that_does_not_parse_stops_startup_naming_the_variable(data_dir):
    result = run("serve", "--port", "0", "--ws-port", "0", data_dir=data_dir, check=False, env={"ORDER_RATE_LIMIT": "10 per fortnight"})
    assert result.returncode != 0
    assert 'ORDER_RATE_LIMIT="10 per fortnight" is not a rate limit' in result.stderr, result.stderr
    assert '"fortnight" is not a unit' in result.stderr


@pytest.mark.parametrize("env", [
    {"API_RATE_LIMIT": "1 per minute", "REALALGO_RATE_LIMITS": "off"},
    {**ON, "API_RATE_LIMIT": "none"},
], ids=["all lifted", "one lifted"])
def test_limits_can_be_lifted(data_dir, api_key, env):
    server = start_server(data_dir, env=env)
    try:
        # 60 calls: past both the 1 per minute asked for and the default of 50 per second.
        statuses = [status for status, _, _ in quick_calls(server.url + "/api/v1/intervals", ('{"apikey": "%s"}' % api_key).encode(), 60, window=10)]
        assert statuses == [200] * 60
        line = next(line for line in server.log().splitlines() if "rate limits per client IP" in line)
        lifted = env["REALALGO_RATE_LIMITS"] == "off"
        assert ("limits=off" in line) == lifted, line
        assert lifted or "api=off" in line, line
    finally:
        server.stop()
