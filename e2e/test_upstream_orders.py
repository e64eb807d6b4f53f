"""Upstream accounts as order routes, with two and three real `realalgo` processes.

B and C are ordinary RealAlgo servers trading their sandbox (the upstreams). A has two `openalgo`
accounts, `b` and `c`, pointing at them with their API keys. The official `openalgo` client talks
only to A. The tests run in file order and share the servers:

1. With A's sandbox as the default, A's orders never reach B or C.
2. An order can name its account (`account`, RealAlgo's extension) without changing the default.
3. `analyzertoggle(False)` makes `b` the default: an order placed on A lands in B's order book,
   A's book shows A's id linked to B's, and the fill, trade and position are mirrored back.
4. A resting LIMIT's modify and cancel are forwarded.
5. With B down, A answers a clear 502 naming the account, the local row is rejected, and when B
   comes back nothing was sent twice.
6. A mirror `b → c` (× 2) places every order on both upstreams.

Every process started here is stopped when the module ends; everything listens on 127.0.0.1.
"""

import json
import time
import urllib.parse

import pytest
from openalgo import api

from conftest import SIMULATOR_FLAGS, create_user_with_key, run, start_server, wait_until

SYMBOL = "SBIN"


class Upstream:
    """A RealAlgo server acting as an upstream: its own hub, user and key."""

    def __init__(self, root, name):
        self.data_dir = root / name
        run("migrate", data_dir=self.data_dir)
        self.key = create_user_with_key(self.data_dir)
        self.server = start_server(self.data_dir, *SIMULATOR_FLAGS, log_path=root / f"{name}.log")
        self.client = api(api_key=self.key, host=self.server.url, ws_port=self.server.ws_port)

    def restart(self):
        """Starts again on the same ports, where A expects it."""
        port = urllib.parse.urlsplit(self.server.url).port
        self.server = start_server(self.data_dir, *SIMULATOR_FLAGS, "--port", port, "--ws-port", self.server.ws_port,
                                   log_path=self.server.log_path)

    def orders(self):
        return ok(self.client.orderbook())["data"]["orders"]

    def stop(self):
        self.client.close()
        self.server.stop()


def ok(reply):
    assert isinstance(reply, dict) and reply.get("status") == "success", reply
    return reply


def start_desk(root, started, *a_flags):
    """Upstreams B and C, and A with accounts `b` (priority 0) and `c` (1) pointing at them, served
    with `a_flags`. Every process is appended to `started` as it starts, for the caller to stop."""
    b = Upstream(root, "b")
    started.append(b)
    c = Upstream(root, "c")
    started.append(c)
    a_dir = root / "a"
    run("migrate", data_dir=a_dir)
    a_key = create_user_with_key(a_dir)
    for name, upstream, priority in (("b", b, 0), ("c", c, 1)):
        run("account", "add", name, "--user", "trader", "--host", upstream.server.url, "--ws-url", upstream.server.ws_url,
            "--priority", priority, "--api-key-stdin", data_dir=a_dir, input=upstream.key)
    accounts = {row["name"]: row["id"] for row in json.loads(run("account", "list", "--format", "json", data_dir=a_dir).stdout)}
    a = start_server(a_dir, *SIMULATOR_FLAGS, "--upstream-reconcile-seconds", "0.5", "--upstream-timeout-seconds", "5", *a_flags,
                     log_path=root / "a.log")
    started.append(a)
    return {"a": a, "a_dir": a_dir, "key": a_key, "b": b, "c": c, "accounts": accounts}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    started = []
    try:
        desk = start_desk(tmp_path_factory.mktemp("upstream-orders"), started)
        client = api(api_key=desk["key"], host=desk["a"].url, ws_port=desk["a"].ws_port)
        yield {**desk, "client": client}
        client.close()
    finally:
        for process in reversed(started):
            process.stop()


def status_of(client, orderid):
    return ok(client.orderstatus(order_id=orderid))["data"]


def a_order(client, orderid):
    return next(o for o in ok(client.orderbook())["data"]["orders"] if o["orderid"] == orderid)


def tick_round(price, tick=0.05):
    return round(round(price / tick) * tick, 2)


def test_paper_orders_never_reach_an_upstream(servers):
    client, b, c = servers["client"], servers["b"], servers["c"]
    assert ok(client.analyzerstatus())["data"]["mode"] == "analyze"
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET",
                                 product="MIS", quantity=2))
    assert reply["mode"] == "analyze"
    assert status_of(client, reply["orderid"])["order_status"] == "complete"
    ok(client.closeposition())
    assert b.orders() == [] and c.orders() == []
    for upstream in (b, c):
        assert "placeorder" not in upstream.server.log() and "closeposition" not in upstream.server.log()


def test_an_order_can_name_its_account(servers):
    client, c = servers["client"], servers["c"]
    unknown = client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET", product="MIS",
                                quantity=1, account="nope")
    assert unknown["status"] == "error" and unknown["code"] == 400 and "account" in unknown["message"], unknown
    # The sandbox stays the default; this one order goes to upstream `c`.
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET", product="MIS",
                                 quantity=1, account="c"))
    assert reply["mode"] == "live"
    assert [o["quantity"] for o in c.orders()] == [1]
    assert ok(client.analyzerstatus())["data"]["mode"] == "analyze"


def test_an_order_on_the_upstream_default_is_placed_there_and_mirrored_back(servers):
    client, b = servers["client"], servers["b"]
    assert ok(client.analyzertoggle(mode=False))["data"]["mode"] == "live"
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET",
                                 product="MIS", quantity=5))
    assert reply["mode"] == "live"
    orderid = reply["orderid"]
    assert len(orderid) == 15 and orderid.isdigit()
    linked = a_order(client, orderid)
    # Each server numbers its own orders (the two ids may even be equal: same clock, same sequence).
    assert [o["quantity"] for o in b.orders() if o["orderid"] == linked["broker_orderid"]] == [5]
    wait_until(lambda: status_of(client, orderid)["order_status"] == "complete", "the fill to be mirrored", timeout=20)
    upstream_order = next(o for o in b.orders() if o["orderid"] == linked["broker_orderid"])
    assert upstream_order["order_status"] == "complete" and upstream_order["quantity"] == 5
    status = status_of(client, orderid)
    assert status["filled_quantity"] == 5 and status["average_price"] == pytest.approx(upstream_order["average_price"])
    trades = ok(client.tradebook())["data"]
    assert [t["quantity"] for t in trades if t["orderid"] == orderid] == [5]
    positions = ok(client.positionbook())["data"]
    assert any(p["symbol"] == SYMBOL and p["product"] == "MIS" and p["quantity"] == 5 for p in positions), positions
    funds = ok(client.funds())
    assert funds["mode"] == "live" and "availablecash" in funds["data"]


def test_modify_and_cancel_of_a_resting_limit_are_forwarded(servers):
    client, b = servers["client"], servers["b"]
    ltp = float(wait_until(lambda: ok(client.quotes(symbol=SYMBOL, exchange="NSE"))["data"]["ltp"], "a price"))
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="LIMIT",
                                 product="CNC", quantity=3, price=tick_round(ltp * 0.9)))
    orderid = reply["orderid"]
    upstream_id = a_order(client, orderid)["broker_orderid"]
    assert next(o for o in b.orders() if o["orderid"] == upstream_id)["order_status"] == "open"
    ok(client.modifyorder(order_id=orderid, strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="LIMIT",
                          product="CNC", quantity=4, price=tick_round(ltp * 0.91)))
    upstream = next(o for o in b.orders() if o["orderid"] == upstream_id)
    assert upstream["quantity"] == 4 and upstream["price"] == tick_round(ltp * 0.91)
    assert status_of(client, orderid)["quantity"] == 4
    ok(client.cancelorder(order_id=orderid))
    assert next(o for o in b.orders() if o["orderid"] == upstream_id)["order_status"] == "cancelled"
    assert status_of(client, orderid)["order_status"] == "cancelled"


def test_an_upstream_that_is_down_gets_a_clear_error_and_nothing_is_sent_twice(servers):
    client, b = servers["client"], servers["b"]
    before = len(b.orders())
    b.client.close()
    b.server.stop()
    log_length = len(b.server.log())
    try:
        reply = client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET",
                                  product="MIS", quantity=1)
        assert reply["status"] == "error" and reply["code"] == 502, reply
        assert "'b'" in reply["message"] and "unreachable" in reply["message"], reply
        rejected = [o for o in ok(client.orderbook())["data"]["orders"] if o["order_status"] == "rejected"]
        assert len(rejected) == 1 and "unreachable" in rejected[0]["rejection_reason"], rejected
    finally:
        b.restart()
        b.client = api(api_key=b.key, host=b.server.url, ws_port=b.server.ws_port)
    # A reconciles every 0.5 s: give it time to (wrongly) send anything again.
    time.sleep(2)
    assert len(b.orders()) == before
    assert "/api/v1/placeorder" not in b.server.log()[log_length:]


def test_a_mirror_places_every_order_on_both_upstreams(servers):
    client, b, c, accounts = servers["client"], servers["b"], servers["c"], servers["accounts"]
    run("account", "mirror", "add", accounts["b"], accounts["c"], "--multiplier", 2, data_dir=servers["a_dir"])
    assert "b" in run("account", "mirror", "list", data_dir=servers["a_dir"]).stdout
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="SELL", exchange="NSE", price_type="MARKET",
                                 product="MIS", quantity=3))
    assert reply["mirrors"] == [{"account": "c", "quantity": 6, "status": "success", "orderid": reply["mirrors"][0]["orderid"]}]
    copy_id = reply["mirrors"][0]["orderid"]
    wait_until(lambda: status_of(client, reply["orderid"])["order_status"] == "complete", "the source order to fill", timeout=20)
    wait_until(lambda: status_of(client, copy_id)["order_status"] == "complete", "the mirror copy to fill", timeout=20)
    assert sorted(o["quantity"] for o in c.orders()) == [1, 6]
    assert any(o["quantity"] == 3 and o["action"] == "SELL" for o in b.orders())
    run("account", "mirror", "remove", accounts["b"], accounts["c"], data_dir=servers["a_dir"])
