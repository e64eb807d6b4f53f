"""The issue's "Failover" acceptance test: a RealAlgo consumer streaming from two upstreams.

Two upstream `realalgo serve` processes run the built-in simulator: A (account `primary`,
priority 0) and B (account `backup`, priority 1), each with its own hub, user and API key. A third
RealAlgo, C, runs `--feed upstream` with both as accounts, and the official `openalgo` client
streams quotes from C. The tests are the steps of one scenario and run in file order, sharing the
three servers and the one client:

1. C streams A's ticks to the client and says so on `websocket/status`.
2. A is SIGKILLed: C fails over to B at once, the client's subscriptions survive, no bad price.
3. A comes back: C stays on B (no flapping) and sends no tick twice.
4. Both die: C reports the outage; B comes back: C recovers on its own.

Each step that needs an earlier step's state (A dead, C on the backup) brings it about itself, so
a step selected alone with `-k` still runs. Waiting is done by polling a condition with a
deadline; every process started here is stopped when the module ends.
"""

import json
import re
import subprocess
import threading
import time

import openalgo
import pytest

from conftest import create_user_with_key, http, run, start_server

USER = "alice"
SYMBOLS = [("NSE", "RELIANCE"), ("NSE_INDEX", "NIFTY")]
SILENCE_TIMEOUT = 5


# --- Helpers ----------------------------------------------------------------------------------

def wait_for(condition, timeout, message, interval=0.1):
    """Polls `condition()` until it returns something truthy; returns that, or fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{message} (waited {timeout} s)")
        time.sleep(interval)


def create_user_and_key(data_dir):
    key = create_user_with_key(data_dir, USER)
    assert re.fullmatch(r"[0-9a-f]{64}", key), key
    return key


def port_of(url):
    return int(url.rsplit(":", 1)[1])


class Upstream:
    """One simulator-fed `realalgo serve` with its own hub, user and key. The kernel picks its ports
    the first time; a restart reuses them, where the consumer expects it."""

    def __init__(self, name, root):
        self.name = name
        self.data_dir = root / name
        self.log_path = root / f"{name}.log"
        self.key = create_user_and_key(self.data_dir)
        self.port = self.ws_port = 0
        self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.ws_port}"

    @property
    def running(self):
        return self.server is not None and self.server.process.poll() is None

    def start(self):
        assert not self.running
        first = self.port == 0
        self.server = start_server(self.data_dir, "--port", self.port, "--ws-port", self.ws_port, "--always-open",
                                   "--sim-interval-ms", 100, log_path=self.log_path)
        if first:
            self.port, self.ws_port = port_of(self.server.url), self.server.ws_port
        assert self.server.url == self.url and self.server.ws_url == self.ws_url
        return self

    def kill(self):
        """SIGKILL: no goodbye on the socket, as when a host crashes."""
        if self.server is not None and self.server.process.poll() is None:
            self.server.process.kill()
            self.server.process.wait(timeout=10)

    def stop(self):
        if self.server is not None:
            self.server.stop()

    def status(self):
        status, _, body = http("POST", self.url + "/api/v1/websocket/status", {"apikey": self.key})
        assert status == 200, body
        return body["data"]


class Ticks:
    """Every market_data message the client's callback received, with its arrival time."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []  # (monotonic arrival, exchange, symbol, data)

    def __call__(self, message):
        with self.lock:
            self.items.append((time.monotonic(), message["exchange"], message["symbol"], dict(message["data"])))

    def since(self, start):
        with self.lock:
            return [item for item in self.items if item[0] >= start]

    def all(self):
        with self.lock:
            return list(self.items)

    def per_symbol_since(self, start):
        counts = {symbol: 0 for symbol in SYMBOLS}
        for _, exchange, symbol, _ in self.since(start):
            counts[(exchange, symbol)] = counts.get((exchange, symbol), 0) + 1
        return counts

    def every_symbol_ticked_since(self, start, times=3):
        return all(count >= times for count in self.per_symbol_since(start).values())


class Scenario:
    def __init__(self, root):
        self.root = root
        self.a = Upstream("a", root)
        self.b = Upstream("b", root)
        self.c_dir = root / "c"
        self.c_log = root / "c.log"
        self.c_key = create_user_and_key(self.c_dir)
        self.c = None
        self.client = None
        self.ticks = Ticks()

    def start(self):
        self.a.start()
        self.b.start()
        for account, upstream, priority in (("primary", self.a, 0), ("backup", self.b, 1)):
            run("account", "add", account, "--user", USER, "--host", upstream.url, "--ws-url", upstream.ws_url,
                "--priority", priority, "--api-key-stdin", data_dir=self.c_dir, input=upstream.key)
        self.c = start_server(self.c_dir, "--port", 0, "--ws-port", 0, "--always-open", "--feed", "upstream",
                              "--silence-timeout", SILENCE_TIMEOUT, log_path=self.c_log)
        self.c_ws_port = self.c.ws_port

    def stop(self):
        if self.client is not None:
            try:
                self.client.disconnect()
            except Exception:
                pass  # the servers must be stopped whatever the client does
        for server in (self.c, self.a.server, self.b.server):
            if server is not None:
                try:
                    server.stop()
                except AssertionError:
                    pass  # stop() already killed it

    def status(self):
        status, _, body = http("POST", self.c.url + "/api/v1/websocket/status", {"apikey": self.c_key})
        assert status == 200, body
        return body["data"]

    def feed_events(self):
        """C's feed_events as (kind, message) pairs, oldest first."""
        result = run("sql", "--format", "json", "SELECT kind, message FROM feed_events ORDER BY id", data_dir=self.c_dir)
        return [(row["kind"], row["message"]) for row in json.loads(result.stdout)]

    def wait_for_events(self, kind, timeout=10):
        return wait_for(lambda: [event for event in self.feed_events() if event[0] == kind], timeout,
                        f"C recorded no {kind!r} feed event; it has {self.feed_events()}\n{self.c_log.read_text()[-4000:]}",
                        interval=0.3)

    def wait_for_account(self, account, timeout=10):
        def on_account():
            status = self.status()
            return status if status["connected"] and status["account"] == account else None
        return wait_for(on_account, timeout, f"C is not streaming from {account!r}: {self.status()}")

    def subscribe(self):
        """Connects the official client to C and subscribes quotes for SYMBOLS (once)."""
        if self.client is None:
            client = openalgo.api(api_key=self.c_key, host=self.c.url, ws_port=self.c_ws_port)
            assert client.connect(), "the openalgo client could not connect to C's WebSocket"
            self.client = client
            assert client.subscribe_quote([{"exchange": e, "symbol": s} for e, s in SYMBOLS], on_data_received=self.ticks)
        return self.client

    def ensure_on_backup(self):
        """Steps 1–2 without their checks, for a step selected alone."""
        self.subscribe()
        self.a.kill()
        self.wait_for_account("backup")


def key_of(data):
    return (data["timestamp"], data["ltp"], data["volume"])


def assert_no_duplicates_and_ordered(items):
    """No (symbol, timestamp, ltp, volume) twice; per symbol the timestamps never go back."""
    seen = set()
    last = {}
    for _, exchange, symbol, data in items:
        tick = (exchange, symbol, *key_of(data))
        assert tick not in seen, f"tick delivered twice: {tick}"
        seen.add(tick)
        previous = last.get((exchange, symbol))
        assert previous is None or data["timestamp"] >= previous, \
            f"{exchange}:{symbol} went back in time: {previous} then {data['timestamp']}"
        last[(exchange, symbol)] = data["timestamp"]


def assert_prices_positive(items):
    bad = [(exchange, symbol, data) for _, exchange, symbol, data in items if not (data["ltp"] > 0)]
    assert not bad, f"messages with ltp <= 0 (or missing): {bad[:5]}"


def longest_gap(times):
    return max((later - earlier for earlier, later in zip(times, times[1:])), default=0.0)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    scenario = Scenario(tmp_path_factory.mktemp("failover"))
    try:
        scenario.start()
        yield scenario
    finally:
        scenario.stop()


# --- The scenario -----------------------------------------------------------------------------

def test_the_official_client_streams_through_the_consumer_from_the_primary(scenario):
    start = time.monotonic()
    scenario.subscribe()
    wait_for(lambda: scenario.ticks.every_symbol_ticked_since(start, times=5), 10,
             f"ticks for every symbol through C: {scenario.ticks.per_symbol_since(start)}\n{scenario.c_log.read_text()[-4000:]}")

    status = scenario.wait_for_account("primary")
    assert status["feed"] == "upstream" and status["connected"] is True and status["state"] == "connected", status
    assert status["subscribed_symbols"] == len(SYMBOLS) and status["clients"] == 1, status
    # C is what streams from A: A sees one client (C) holding both symbols, B sees nobody.
    upstream = scenario.a.status()
    assert upstream["clients"] == 1 and upstream["subscribed_symbols"] == len(SYMBOLS), upstream
    assert scenario.b.status()["clients"] == 0
    assert_prices_positive(scenario.ticks.all())
    assert_no_duplicates_and_ordered(scenario.ticks.all())


def test_killing_the_primary_fails_over_to_the_backup_without_losing_subscriptions(scenario):
    client = scenario.subscribe()
    socket_before = client.ws
    wait_for(lambda: scenario.ticks.every_symbol_ticked_since(time.monotonic() - 1, times=2), 10, "ticks before the kill")

    killed_at = time.monotonic()
    scenario.a.kill()

    # Both symbols tick again, from B, with nothing asked of the client.
    wait_for(lambda: scenario.ticks.every_symbol_ticked_since(killed_at + 0.5, times=10), 10,
             f"ticks after the primary died: {scenario.ticks.per_symbol_since(killed_at)}\n{scenario.c_log.read_text()[-4000:]}")
    status = scenario.wait_for_account("backup", timeout=5)
    assert status["connected"] is True and status["feed"] == "upstream", status
    assert status["subscribed_symbols"] == len(SYMBOLS), status
    assert scenario.b.status()["subscribed_symbols"] == len(SYMBOLS), "C did not resubscribe both symbols on B"

    # The client's own socket never dropped: it did not reconnect or replay its subscriptions.
    assert client.ws is socket_before and client.authenticated and client._reconnect_thread is None

    window = [item for item in scenario.ticks.all() if item[0] >= killed_at - 3]
    gap = longest_gap([item[0] for item in window])
    assert gap < 8, f"ticks stopped for {gap:.1f} s across the failover"
    for symbol in SYMBOLS:
        times = [item[0] for item in window if (item[1], item[2]) == symbol]
        assert times and times[-1] > killed_at, f"{symbol} did not tick after the failover"
        assert longest_gap(times) < 8, f"{symbol} stopped for {longest_gap(times):.1f} s across the failover"

    assert_prices_positive(scenario.ticks.all())
    assert_no_duplicates_and_ordered(scenario.ticks.all())

    failovers = scenario.wait_for_events("failover")
    assert any("primary" in message and "backup" in message for _, message in failovers), failovers


def test_the_returning_primary_does_not_take_the_feed_back_and_no_tick_repeats(scenario):
    if scenario.a.running or scenario.status()["account"] != "backup":
        scenario.ensure_on_backup()
    scenario.a.start()
    back_at = time.monotonic()
    # A is up and serving its simulator; C has no reason to leave the healthy backup.
    assert scenario.a.status()["feed"] == "simulator"

    time.sleep(5)
    received = scenario.ticks.since(back_at)
    counts = scenario.ticks.per_symbol_since(back_at)
    assert all(count >= 10 for count in counts.values()), f"too few ticks with the primary back: {counts}"
    assert_no_duplicates_and_ordered(received)
    assert_prices_positive(received)

    status = scenario.status()
    assert status["account"] == "backup" and status["connected"] is True, f"C flapped back to the primary: {status}"
    assert scenario.a.status()["clients"] == 0, "C opened a connection to the returning primary"
    assert scenario.b.status()["subscribed_symbols"] == len(SYMBOLS)
    # The one failover of step 2, no switch back.
    kinds = [kind for kind, _ in scenario.feed_events()]
    assert kinds.count("failover") == 1, scenario.feed_events()


def test_with_every_upstream_down_the_consumer_reports_it_and_recovers_when_one_returns(scenario):
    scenario.subscribe()
    # Primary first, so C cannot fail over to it while it still listens.
    scenario.a.kill()
    scenario.b.kill()
    down_at = time.monotonic()

    def disconnected():
        status = scenario.status()
        return status if not status["connected"] and status["account"] is None else None
    status = wait_for(disconnected, 10, f"C still reports a connection: {scenario.status()}")
    assert status["feed"] == "upstream" and status["state"] in ("disconnected", "connecting"), status
    outage = scenario.wait_for_events("all_accounts_down")
    assert len(outage) == 1, outage
    # Nothing is made up while every upstream is down.
    time.sleep(max(0.0, down_at + 2 - time.monotonic()))
    assert scenario.ticks.since(down_at + 0.5) == []
    assert scenario.status()["connected"] is False

    # C retries with backoff (2 s, then 4 s, alternating accounts): the primary ~2 s into the
    # outage, the backup ~6 s in, so B must be listening by then; it starts in well under a second.
    scenario.b.start()
    back_at = time.monotonic()
    wait_for(lambda: scenario.ticks.every_symbol_ticked_since(back_at, times=5), 10,
             f"ticks after the backup returned: {scenario.ticks.per_symbol_since(back_at)}\n{scenario.c_log.read_text()[-4000:]}")
    status = scenario.wait_for_account("backup", timeout=5)
    assert status["subscribed_symbols"] == len(SYMBOLS), status
    recovered = scenario.wait_for_events("recovered")
    assert len(recovered) == 1 and "backup" in recovered[0][1], recovered
    # Still the client's first socket: C's outage was invisible to its connection.
    assert scenario.client.authenticated and scenario.client._reconnect_thread is None

    assert_prices_positive(scenario.ticks.all())
    assert_no_duplicates_and_ordered(scenario.ticks.all())
