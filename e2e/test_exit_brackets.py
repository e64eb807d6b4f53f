"""Exit brackets through the official `openalgo` client 2.0.5, unchanged: `placeorder` with the
`target`, `stoploss` and `trailing_sl` its docstring advertises, against a live `realalgo serve` on
the simulated market. RealAlgo's own `exitbrackets` / `cancelexitbracket` are called over HTTP."""

import pytest

from conftest import http, ok, wait_until

SYMBOL = "TCS"


def last_price(client, symbol=SYMBOL):
    return float(wait_until(lambda: ok(client.quotes(symbol=symbol, exchange="NSE"))["data"]["ltp"], f"a price for {symbol}"))


def tick_round(price, tick=0.05):
    return round(round(price / tick) * tick, 2)


def post(market, endpoint, **fields):
    status, _, body = http("POST", f"{market.url}/api/v1/{endpoint}", {"apikey": market.key, **fields})
    return status, body


def bracket_of(market, orderid):
    status, body = post(market, "exitbrackets", status="all")
    assert status == 200 and body["status"] == "success", body
    return next((b for b in body["data"] if b["orderid"] == orderid), None)


def net_position(client, symbol=SYMBOL):
    return int(ok(client.openposition(strategy="e2e", symbol=symbol, exchange="NSE", product="MIS"))["quantity"])


def order_count(client):
    return len(ok(client.orderbook())["data"]["orders"])


def test_a_bracket_is_armed_by_the_fill_and_can_be_cancelled(client, market):
    ltp = last_price(client)
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET", product="MIS",
                                 quantity=3, target=tick_round(ltp * 1.5), stoploss=tick_round(ltp * 0.5)))
    bracket = bracket_of(market, reply["orderid"])
    assert bracket["status"] == "active" and bracket["side"] == "long" and bracket["quantity"] == 3, bracket
    assert bracket["entry_price"] > 0 and bracket["stop_price"] == tick_round(ltp * 0.5), bracket
    assert bracket["target"] == tick_round(ltp * 1.5) and bracket["trailing_sl"] is None
    status, body = post(market, "cancelexitbracket", orderid=reply["orderid"])
    assert status == 200 and body["orderid"] == reply["orderid"], body
    assert bracket_of(market, reply["orderid"])["status"] == "cancelled"
    status, body = post(market, "cancelexitbracket", orderid=reply["orderid"])
    assert status == 400 and "already cancelled" in body["message"], body
    status, body = post(market, "cancelexitbracket", orderid="999999999999999")
    assert status == 404, body
    ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="SELL", exchange="NSE", price_type="MARKET", product="MIS", quantity=3))


def test_a_trailing_bracket_closes_the_position_exactly_once(client, market):
    before = net_position(client)
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET", product="MIS",
                                 quantity=2, trailing_sl="0.05"))
    assert net_position(client) == before + 2
    # A one-tick trailing stop: the simulated walk reaches it within a few ticks.
    exited = wait_until(lambda: (b := bracket_of(market, reply["orderid"]))["status"] == "exited" and b, "the bracket to exit", timeout=60)
    assert exited["exit_leg"] == "trailing" and exited["exit_orderid"], exited
    assert ok(client.orderstatus(order_id=exited["exit_orderid"]))["data"]["order_status"] == "complete"
    assert net_position(client) == before
    orders = ok(client.orderbook())["data"]["orders"]
    assert sum(o["orderid"] == exited["exit_orderid"] for o in orders) == 1
    count = order_count(client)
    last_price(client)
    wait_until(lambda: order_count(client) == count, "no further exit")  # later ticks place nothing more
    assert net_position(client) == before


@pytest.mark.parametrize("fields, field", [
    ({"target": "1"}, "target"),                    # a BUY's target below its price
    ({"stoploss": "999999"}, "stoploss"),           # a BUY's stop above its price
    ({"trailing_sl": "abc"}, "trailing_sl"),
    ({"target": "-5"}, "target"),
    ({"stoploss": "0.03"}, "stoploss"),             # off the tick
])
def test_bad_brackets_are_refused_and_write_nothing(client, fields, field):
    last_price(client)
    count = order_count(client)
    reply = client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET", product="MIS",
                              quantity=1, **fields)
    assert reply["status"] == "error" and field in reply["message"], reply
    assert order_count(client) == count


def test_only_placeorder_takes_a_bracket(client):
    reply = client.placesmartorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET", product="MIS",
                                   quantity=1, position_size=1, target="100000")
    assert reply["status"] == "error" and "target" in reply["message"], reply
