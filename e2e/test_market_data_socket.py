"""The OpenAlgo market-data WebSocket, driven two ways against one live `realalgo serve`:

- the official `openalgo` Python client 2.0.5, unchanged (connect, subscribe_*, get_*, callbacks,
  unsubscribe_*, disconnect), on the WebSocket port the server picked (`--ws-port 0`);
- the raw protocol with the `websockets` library, for what the client never sends: messages
  before authentication, malformed and oversized frames, the authentication timeout, and the
  same protocol on `/ws` of the main HTTP port.

The simulator feed ticks every 100 ms whatever the hour (`--always-open`).
"""

import collections
import datetime
import json
import threading
import time

import pytest
import websockets
from openalgo import api
from websockets.sync.client import connect as ws_connect

from conftest import MarketServer, http, wait_until

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


# --- The server ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def market(tmp_path_factory):
    market = MarketServer(tmp_path_factory.mktemp("market-data-socket"))
    try:
        yield market
    finally:
        market.stop()


@pytest.fixture
def client(market):
    """A fresh official client per test, connected as its README shows, always disconnected."""
    openalgo = api(api_key=market.key, host=market.url, ws_port=market.ws_port)
    try:
        yield openalgo
    finally:
        openalgo.disconnect()
        openalgo.close()


# --- Helpers -------------------------------------------------------------------------------------


class Recorder:
    """A callback that keeps every message it is given, counted by EXCHANGE:SYMBOL."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.counts = collections.Counter()

    def __call__(self, message):
        with self.lock:
            self.messages.append(message)
            self.counts[f"{message['exchange']}:{message['symbol']}"] += 1

    def count(self, key):
        with self.lock:
            return self.counts[key]

    def last(self, key):
        with self.lock:
            return next(m for m in reversed(self.messages) if f"{m['exchange']}:{m['symbol']}" == key)


def now_ms():
    return time.time() * 1000


def reply(ws, timeout=5):
    """The next message that is not market data (replies stay in order with the ticks around them)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("no reply within %s s" % timeout)
        message = json.loads(ws.recv(timeout=remaining))
        if message.get("type") != "market_data":
            return message


def market_data(ws, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("no market data within %s s" % timeout)
        message = json.loads(ws.recv(timeout=remaining))
        if message.get("type") == "market_data":
            return message


def send(ws, message):
    ws.send(message if isinstance(message, str) else json.dumps(message))


def authenticate(ws, key):
    send(ws, {"action": "authenticate", "api_key": key})
    answer = reply(ws)
    assert answer["type"] == "auth" and answer["status"] == "success", answer
    return answer


def ping(ws, ping_id=7):
    send(ws, {"action": "ping", "timestamp": 1234, "_pingId": ping_id})
    answer = reply(ws)
    assert answer["type"] == "pong" and answer["status"] == "success", answer
    assert answer["_pingId"] == ping_id and answer["client_timestamp"] == 1234, answer
    assert abs(answer["server_timestamp"] - now_ms()) < 10_000, answer
    return answer


def error(ws, code):
    answer = reply(ws)
    assert answer.get("status") == "error" and answer.get("code") == code, answer
    assert "type" not in answer and answer.get("message"), answer  # OpenAlgo's errors carry no type
    return answer


def feed_endpoint(market, name):
    code, _, body = http("POST", f"{market.url}/api/v1/websocket/{name}", {"apikey": market.key})
    assert code == 200 and body["status"] == "success", (code, body)
    return body["data"]


# --- The official client ----------------------------------------------------------------------------

def test_client_ltp_subscription_fills_get_ltp_and_calls_back(client):
    assert client.connect() is True
    assert client.authenticated and client.connected
    calls = Recorder()
    instruments = [{"exchange": "NSE", "symbol": "RELIANCE"}, {"exchange": "NSE", "symbol": "INFY"},
                   {"exchange": "NSE_INDEX", "symbol": "NIFTY"}]
    assert client.subscribe_ltp(instruments, on_data_received=calls) is True
    wait_until(lambda: all(calls.count(f"{i['exchange']}:{i['symbol']}") >= 3 for i in instruments), "three LTP callbacks per symbol")
    ltp = client.get_ltp()
    assert set(ltp) == {"ltp"} and set(ltp["ltp"]) == {"NSE", "NSE_INDEX"}, ltp
    assert set(ltp["ltp"]["NSE"]) == {"RELIANCE", "INFY"} and set(ltp["ltp"]["NSE_INDEX"]) == {"NIFTY"}, ltp
    for exchange, symbols in ltp["ltp"].items():
        for symbol, entry in symbols.items():
            assert entry["ltp"] > 0 and abs(entry["timestamp"] - now_ms()) < 10_000, (exchange, symbol, entry)
    filtered = client.get_ltp(exchange="NSE", symbol="INFY")["ltp"]
    assert set(filtered) == {"NSE"} and set(filtered["NSE"]) == {"INFY"}, filtered
    message = calls.last("NSE:RELIANCE")
    assert message["type"] == "market_data" and message["mode"] == 1, message
    assert message["data"]["ltp"] > 0 and isinstance(message["data"]["timestamp"], int), message
    assert message["data"]["ltt"] == message["data"]["timestamp"], message


def test_client_quote_subscription(client):
    assert client.connect() is True
    calls = Recorder()
    assert client.subscribe_quote([{"exchange": "NSE", "symbol": "TCS"}, {"exchange": "NSE", "symbol": "SBIN"}], on_data_received=calls)
    wait_until(lambda: calls.count("NSE:TCS") >= 2 and calls.count("NSE:SBIN") >= 2, "quote callbacks")
    quotes = client.get_quotes()["quote"]["NSE"]
    assert set(quotes) == {"TCS", "SBIN"}, quotes
    for symbol, quote in quotes.items():
        assert quote["ltp"] > 0 and quote["close"] > 0 and quote["open"] > 0, (symbol, quote)  # close = previous close
        assert quote["low"] <= quote["ltp"] <= quote["high"], (symbol, quote)
        assert quote["volume"] > 0 and quote["last_trade_quantity"] > 0 and quote["avg_trade_price"] > 0, (symbol, quote)
        assert quote["change"] == pytest.approx(quote["ltp"] - quote["close"], abs=0.011), (symbol, quote)
        assert quote["change_percent"] == pytest.approx(100 * quote["change"] / quote["close"], abs=0.011), (symbol, quote)
        assert abs(quote["timestamp"] - now_ms()) < 10_000, (symbol, quote)
    message = calls.last("NSE:TCS")
    assert message["mode"] == 2 and message["data"]["ltp"] > 0, message
    first = message["data"]["volume"]  # the day's volume accumulates tick by tick
    wait_until(lambda: calls.last("NSE:TCS")["data"]["volume"] > first, "TCS volume to grow")


def test_client_depth_subscription(client):
    assert client.connect() is True
    calls = Recorder()
    assert client.subscribe_depth([{"exchange": "NSE", "symbol": "SBIN"}, {"exchange": "NSE", "symbol": "INFY"}], on_data_received=calls)
    wait_until(lambda: calls.count("NSE:SBIN") >= 2 and calls.count("NSE:INFY") >= 2, "depth callbacks")
    depth = client.get_depth()["depth"]["NSE"]
    assert set(depth) == {"SBIN", "INFY"}, depth
    for symbol, book in depth.items():
        assert book["ltp"] > 0, book
        buys = [book["buyBook"][str(level)] for level in range(1, 6)]
        sells = [book["sellBook"][str(level)] for level in range(1, 6)]
        for level in buys + sells:
            assert level["price"] > 0 and level["qty"] > 0 and level["orders"] > 0, (symbol, level)
        buy_prices = [level["price"] for level in buys]
        sell_prices = [level["price"] for level in sells]
        assert buy_prices == sorted(buy_prices, reverse=True) and sell_prices == sorted(sell_prices), (symbol, book)
        assert buy_prices[0] < sell_prices[0], (symbol, book)
    message = calls.last("NSE:SBIN")
    assert message["mode"] == 3 and len(message["data"]["depth"]["buy"]) == 5 and len(message["data"]["depth"]["sell"]) == 5, message


def test_client_unsubscribe_stops_callbacks_for_that_symbol_only(client):
    assert client.connect() is True
    calls = Recorder()
    assert client.subscribe_ltp([{"exchange": "NSE", "symbol": "RELIANCE"}, {"exchange": "NSE", "symbol": "INFY"}], on_data_received=calls)
    wait_until(lambda: calls.count("NSE:RELIANCE") >= 3 and calls.count("NSE:INFY") >= 3, "LTP callbacks for both")
    assert client.unsubscribe_ltp([{"exchange": "NSE", "symbol": "RELIANCE"}]) is True
    time.sleep(1)  # messages already in flight may still land
    stopped, running = calls.count("NSE:RELIANCE"), calls.count("NSE:INFY")
    time.sleep(2)
    assert calls.count("NSE:RELIANCE") == stopped, "RELIANCE callbacks continued after unsubscribe_ltp"
    assert calls.count("NSE:INFY") > running, "INFY callbacks stopped too"


def test_client_with_a_bad_key_does_not_connect(market):
    intruder = api(api_key="0" * 64, host=market.url, ws_port=market.ws_port)
    try:
        assert intruder.connect() is False
        assert intruder.authenticated is False
        assert intruder.subscribe_ltp([{"exchange": "NSE", "symbol": "RELIANCE"}]) is False
    finally:
        intruder.disconnect()
        intruder.close()


def test_feed_endpoints_reflect_client_subscriptions(market, client):
    assert client.connect() is True
    assert client.subscribe_ltp([{"exchange": "NSE", "symbol": "HDFCBANK"}])
    assert client.subscribe_depth([{"exchange": "NSE", "symbol": "ICICIBANK"}])

    def listed():
        symbols = feed_endpoint(market, "subscriptions")["symbols"]
        return {(s["exchange"], s["symbol"]): (s["mode"], s["mode_name"]) for s in symbols}

    wait_until(lambda: {("NSE", "HDFCBANK"), ("NSE", "ICICIBANK")} <= set(listed()), "the subscriptions endpoint to list both")
    now = listed()
    assert now[("NSE", "HDFCBANK")] == (1, "LTP") and now[("NSE", "ICICIBANK")] == (3, "Depth"), now
    status = feed_endpoint(market, "status")
    assert status["clients"] >= 1 and status["subscribed_symbols"] >= 2 and status["subscriptions"] >= 2, status
    wait_until(lambda: feed_endpoint(market, "status")["messages_queued"] > status["messages_queued"], "messages to be queued")
    client.disconnect()
    wait_until(lambda: not ({("NSE", "HDFCBANK"), ("NSE", "ICICIBANK")} & set(listed())), "the subscriptions to go with the client")


# --- The raw protocol -------------------------------------------------------------------------------

def test_messages_before_authentication_are_refused_and_the_connection_stays_usable(market):
    with ws_connect(market.ws_url) as ws:
        send(ws, {"action": "subscribe", "symbols": [{"symbol": "RELIANCE", "exchange": "NSE"}], "mode": 1})
        error(ws, "NOT_AUTHENTICATED")
        send(ws, {"action": "unsubscribe", "symbols": [{"symbol": "RELIANCE", "exchange": "NSE", "mode": 1}]})
        error(ws, "NOT_AUTHENTICATED")
        ping(ws)  # ping needs no authentication
        send(ws, {"action": "authenticate", "api_key": "0" * 64})
        error(ws, "AUTHENTICATION_ERROR")
        answer = authenticate(ws, market.key)
        assert answer["user_id"] == "trader" and answer["supported_features"] == {"ltp": True, "quote": True, "depth": True}, answer
        send(ws, {"action": "subscribe", "symbols": [{"symbol": "RELIANCE", "exchange": "NSE"}], "mode": 1, "request_id": "r-1"})
        ack = reply(ws)
        assert ack["type"] == "subscribe" and ack["status"] == "success" and ack["request_id"] == "r-1", ack
        assert ack["subscriptions"] == [{"symbol": "RELIANCE", "exchange": "NSE", "status": "success", "mode": "LTP", "depth": 5,
                                         "broker": ack["broker"]}], ack
        tick = market_data(ws)
        assert tick["symbol"] == "RELIANCE" and tick["exchange"] == "NSE" and tick["mode"] == 1 and tick["data"]["ltp"] > 0, tick


def test_malformed_json_unknown_action_and_bad_mode(market):
    with ws_connect(market.ws_url) as ws:
        authenticate(ws, market.key)
        send(ws, "{not json")
        error(ws, "INVALID_JSON")
        send(ws, "[1, 2, 3]")
        error(ws, "INVALID_JSON")
        send(ws, {"action": "frobnicate"})
        error(ws, "INVALID_ACTION")
        send(ws, {"symbols": []})
        error(ws, "INVALID_ACTION")
        for mode in (7, 0, "Turbo", 1.5):
            send(ws, {"action": "subscribe", "symbols": [{"symbol": "RELIANCE", "exchange": "NSE"}], "mode": mode})
            error(ws, "INVALID_MODE")
        send(ws, {"action": "subscribe", "symbols": "RELIANCE", "mode": 1})
        error(ws, "INVALID_PARAMETERS")
        ping(ws)


def test_subscribe_reports_unknown_symbols_per_symbol(market):
    with ws_connect(market.ws_url) as ws:
        authenticate(ws, market.key)
        send(ws, {"action": "subscribe", "mode": "Quote",
                  "symbols": [{"symbol": "NOSUCHSYMBOL", "exchange": "NSE"}, {"symbol": "TCS", "exchange": "NSE"}]})
        ack = reply(ws)
        assert ack["type"] == "subscribe" and ack["status"] == "partial", ack
        bad, good = ack["subscriptions"]
        assert bad["symbol"] == "NOSUCHSYMBOL" and bad["status"] == "error" and "NOSUCHSYMBOL" in bad["message"], bad
        assert good["symbol"] == "TCS" and good["status"] == "success" and good["mode"] == "Quote", good
        tick = market_data(ws)
        assert tick["symbol"] == "TCS" and tick["mode"] == 2, tick
        send(ws, {"action": "subscribe", "mode": 1, "symbols": [{"symbol": "NOSUCHSYMBOL", "exchange": "NSE"}]})
        ack = reply(ws)
        assert ack["status"] == "error" and ack["subscriptions"][0]["status"] == "error", ack
        send(ws, {"action": "unsubscribe", "symbols": [{"symbol": "TCS", "exchange": "NSE", "mode": 2},
                                                       {"symbol": "NOSUCHSYMBOL", "exchange": "NSE", "mode": 2}]})
        ack = reply(ws)
        assert ack["type"] == "unsubscribe" and ack["status"] == "partial", ack
        assert [s["symbol"] for s in ack["successful"]] == ["TCS"] and [s["symbol"] for s in ack["failed"]] == ["NOSUCHSYMBOL"], ack


def test_ten_thousand_symbols_in_one_message_is_refused(market):
    with ws_connect(market.ws_url) as ws:
        authenticate(ws, market.key)
        symbols = [{"symbol": f"SYM{index}", "exchange": "NSE"} for index in range(10_000)]
        send(ws, {"action": "subscribe", "symbols": symbols, "mode": 1})
        answer = error(ws, "INVALID_PARAMETERS")
        assert "10000" in answer["message"], answer
        ping(ws, ping_id=10_000)
        assert feed_endpoint(market, "status")["state"] == "running"


def test_oversized_frame_closes_with_1009_and_the_server_goes_on(market):
    with ws_connect(market.ws_url) as ws:
        authenticate(ws, market.key)
        with pytest.raises(websockets.ConnectionClosed):
            send(ws, "x" * ((1 << 20) + 16))
            while True:
                ws.recv(timeout=10)
        assert ws.close_code == 1009, (ws.close_code, ws.close_reason)
    with ws_connect(market.ws_url) as ws:
        authenticate(ws, market.key)
        ping(ws)


def test_no_authentication_within_fifteen_seconds_closes_with_4401(market):
    with ws_connect(market.ws_url) as ws:
        started = time.monotonic()
        ping(ws)  # a ping is not authentication
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                ws.recv(timeout=30)
        elapsed = time.monotonic() - started
        assert ws.close_code == 4401 and ws.close_reason == "auth timeout", (ws.close_code, ws.close_reason)
        assert 14 <= elapsed < 25, elapsed


def test_protocol_aliases_and_informational_actions(market):
    # The OpenAlgo port answers at any path; `type` works as the verb, `auth`/`apikey` as aliases,
    # a single instrument may sit at the top level, and modes may be names in any case.
    with ws_connect(market.ws_url + "/any/path") as ws:
        send(ws, {"type": "auth", "apikey": market.key})
        answer = reply(ws)
        assert answer["type"] == "auth" and answer["status"] == "success", answer
        send(ws, {"type": "subscribe", "symbol": "sbin", "exchange": "nse", "mode": "ltp"})
        ack = reply(ws)
        assert ack["status"] == "success" and ack["subscriptions"][0]["symbol"] == "SBIN", ack
        assert ack["subscriptions"][0]["exchange"] == "NSE" and ack["subscriptions"][0]["mode"] == "LTP", ack
        send(ws, {"action": "subscribe", "symbols": [{"symbol": "SBIN", "exchange": "NSE"}], "mode": "QUOTE"})
        assert reply(ws)["subscriptions"][0]["mode"] == "Quote"
        modes = set()
        deadline = time.monotonic() + 5
        while modes != {1, 2} and time.monotonic() < deadline:
            tick = market_data(ws)
            modes.add(tick["mode"])
            if tick["mode"] == 2:
                assert {"open", "high", "low", "close", "volume", "ltp"} <= set(tick["data"]), tick
        assert modes == {1, 2}, modes  # one stream per subscribed mode
        send(ws, {"action": "get_broker_info"})
        assert reply(ws)["type"] == "broker_info"
        send(ws, {"action": "get_supported_brokers"})
        answer = reply(ws)
        assert answer["type"] == "supported_brokers" and answer["brokers"], answer
        send(ws, {"action": "subscribe_orders"})
        assert reply(ws) == {"type": "subscribe_orders", "status": "success", "message": "Subscribed to order updates"}
        send(ws, {"action": "unsubscribe_orders"})
        assert reply(ws)["type"] == "unsubscribe_orders"
        send(ws, {"action": "subscribe", "symbols": [], "mode": 1})
        error(ws, "INVALID_PARAMETERS")


def test_a_client_that_stops_reading_is_dropped_with_1008_and_others_carry_on(market):
    code, _, body = http("POST", f"{market.url}/api/v1/websocket/latest-ticks", {"apikey": market.key, "limit": 5000})
    assert code == 200, body
    everything = [{"symbol": tick["symbol"], "exchange": tick["exchange"]} for tick in body["data"]][:1000]
    assert len(everything) >= 100, len(everything)
    with ws_connect(market.ws_url) as bystander:
        authenticate(bystander, market.key)
        send(bystander, {"action": "subscribe", "symbols": [{"symbol": "TCS", "exchange": "NSE"}], "mode": 1})
        assert reply(bystander)["status"] == "success"
        # max_queue=4: the library stops reading the socket when 4 messages wait, so TCP pushes back.
        with ws_connect(market.ws_url, max_queue=4) as sloth:
            authenticate(sloth, market.key)
            send(sloth, {"action": "subscribe", "symbols": everything, "mode": "Depth"})
            for _ in range(50):  # meanwhile the bystander keeps reading
                market_data(bystander)
            time.sleep(3)
            with pytest.raises(websockets.ConnectionClosed):
                while True:
                    sloth.recv(timeout=20)
            assert sloth.close_code == 1008 and sloth.close_reason.startswith("Slow client"), (sloth.close_code, sloth.close_reason)
        tick = market_data(bystander)
        assert tick["symbol"] == "TCS" and abs(tick["data"]["timestamp"] - now_ms()) < 10_000, tick
        ping(bystander)


def test_the_same_protocol_on_slash_ws_of_the_http_port(market):
    with ws_connect(market.http_ws_url) as ws:
        send(ws, {"action": "subscribe", "symbols": [{"symbol": "INFY", "exchange": "NSE"}], "mode": 3})
        error(ws, "NOT_AUTHENTICATED")
        authenticate(ws, market.key)
        send(ws, {"action": "subscribe", "symbols": [{"symbol": "INFY", "exchange": "NSE"}], "mode": "Depth"})
        ack = reply(ws)
        assert ack["status"] == "success" and ack["subscriptions"][0]["mode"] == "Depth", ack
        tick = market_data(ws)
        assert tick["mode"] == 3 and len(tick["data"]["depth"]["buy"]) == 5, tick
        send(ws, "{oops")
        error(ws, "INVALID_JSON")
        ping(ws)
        send(ws, {"action": "unsubscribe_all"})
        ack = reply(ws)
        assert ack["type"] == "unsubscribe" and ack["status"] == "success", ack


def test_server_is_healthy_after_all_of_it(market):
    code, _, body = http("GET", f"{market.url}/health")
    assert code == 200 and body["status"] == "ok", (code, body)
    assert market.server.process.poll() is None
    status = feed_endpoint(market, "status")
    assert status["state"] == "running" and status["connected"] is True, status
    with ws_connect(market.ws_url) as ws:
        authenticate(ws, market.key)
        ping(ws)
