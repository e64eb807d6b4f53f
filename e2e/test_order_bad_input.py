"""Malformed and refused order requests, sent as raw HTTP against a live `realalgo serve`: each gets
the right status code and a message naming the problem, and not one of them writes a row."""

import json

import pytest

from conftest import SIMULATOR_FLAGS, create_user_with_key, http, run, start_server, wait_until


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("bad-orders") / "data"
    run("migrate", data_dir=data_dir)
    key = create_user_with_key(data_dir)
    other_key = create_user_with_key(data_dir, "someone_else")
    server = start_server(data_dir, *SIMULATOR_FLAGS, env={"ORDER_RATE_LIMIT": "off", "API_RATE_LIMIT": "off", "SMART_ORDER_RATE_LIMIT": "off"})
    wait_until(lambda: post(server.url, "quotes", {"apikey": key, "symbol": "SBIN", "exchange": "NSE"})[1].get("data", {}).get("ltp"),
               "a first price")
    # Orders that later requests act on: a complete one, and one of another user's.
    _, done = post(server.url, "placeorder", order(key))
    _, foreign = post(server.url, "placeorder", order(other_key, pricetype="LIMIT", price=ltp(server.url, key) * 0.9))
    try:
        yield {"url": server.url, "key": key, "data_dir": data_dir, "complete": done["orderid"], "foreign": foreign["orderid"]}
    finally:
        server.stop()


def post(url, endpoint, body, raw=None):
    status, _, reply = http("POST", f"{url}/api/v1/{endpoint}", raw if raw is not None else body)
    return status, reply


def ltp(url, key):
    return round(post(url, "quotes", {"apikey": key, "symbol": "SBIN", "exchange": "NSE"})[1]["data"]["ltp"] * 20) / 20


def order(key, **fields):
    body = {"apikey": key, "strategy": "bad", "exchange": "NSE", "symbol": "SBIN", "action": "BUY", "quantity": "1",
            "pricetype": "MARKET", "product": "MIS"}
    body.update({k: v for k, v in fields.items() if v is not ...})
    for k, v in fields.items():
        if v is ...:
            body.pop(k, None)
    return body


def rows(data_dir):
    counts = json.loads(run("sql", "SELECT (SELECT count(*) FROM orders) AS o, (SELECT count(*) FROM trades) AS t, "
                                   "(SELECT used_margin FROM funds ORDER BY account_id LIMIT 1) AS m", "--format", "json",
                            data_dir=data_dir).stdout)[0]
    return counts["o"], counts["t"], counts["m"]


# (name, endpoint, body builder(desk) -> body or raw bytes, expected status, text the message must contain)
CASES = [
    ("missing strategy", "placeorder", lambda d: order(d["key"], strategy=...), 400, "strategy"),
    ("missing exchange", "placeorder", lambda d: order(d["key"], exchange=...), 400, "exchange"),
    ("missing symbol", "placeorder", lambda d: order(d["key"], symbol=...), 400, "symbol"),
    ("missing action", "placeorder", lambda d: order(d["key"], action=...), 400, "action"),
    ("missing quantity", "placeorder", lambda d: order(d["key"], quantity=...), 400, "quantity"),
    ("missing apikey", "placeorder", lambda d: order(d["key"], apikey=...), 400, "apikey"),
    ("unknown field", "placeorder", lambda d: order(d["key"], colour="blue"), 400, "colour"),
    ("bracket field (not yet supported)", "placeorder", lambda d: order(d["key"], target="5"), 400, "target"),
    ("quantity as text", "placeorder", lambda d: order(d["key"], quantity="ten"), 400, "quantity"),
    ("quantity as list", "placeorder", lambda d: order(d["key"], quantity=[1]), 400, "quantity"),
    ("negative quantity", "placeorder", lambda d: order(d["key"], quantity="-5"), 400, "quantity"),
    ("zero quantity", "placeorder", lambda d: order(d["key"], quantity="0"), 400, "quantity"),
    ("fractional quantity on NSE", "placeorder", lambda d: order(d["key"], quantity="1.5"), 400, "quantity"),
    ("huge quantity", "placeorder", lambda d: order(d["key"], quantity="1e20"), 400, "quantity"),
    ("unknown action", "placeorder", lambda d: order(d["key"], action="HOLD"), 400, "action"),
    ("unknown price type", "placeorder", lambda d: order(d["key"], pricetype="STOP"), 400, "pricetype"),
    ("unknown product", "placeorder", lambda d: order(d["key"], product="BTST"), 400, "product"),
    ("unknown exchange", "placeorder", lambda d: order(d["key"], exchange="NYSE"), 400, "exchange"),
    ("unknown symbol", "placeorder", lambda d: order(d["key"], symbol="NOSUCHCO"), 400, "symbol"),
    ("index is quote-only", "placeorder", lambda d: order(d["key"], exchange="NSE_INDEX", symbol="NIFTY"), 400, "quote-only"),
    ("price on MARKET", "placeorder", lambda d: order(d["key"], price="800"), 400, "price"),
    ("negative price", "placeorder", lambda d: order(d["key"], pricetype="LIMIT", price="-1"), 400, "price"),
    ("price as text", "placeorder", lambda d: order(d["key"], pricetype="LIMIT", price="cheap"), 400, "price"),
    ("LIMIT without price", "placeorder", lambda d: order(d["key"], pricetype="LIMIT"), 400, "price"),
    ("LIMIT with trigger", "placeorder", lambda d: order(d["key"], pricetype="LIMIT", price=ltp(d["url"], d["key"]), trigger_price="1"), 400, "trigger_price"),
    ("SL without trigger", "placeorder", lambda d: order(d["key"], pricetype="SL", price=ltp(d["url"], d["key"])), 400, "trigger_price"),
    ("SL-M without trigger", "placeorder", lambda d: order(d["key"], pricetype="SL-M"), 400, "trigger_price"),
    ("SL-M with a price", "placeorder", lambda d: order(d["key"], pricetype="SL-M", price="800", trigger_price="800"), 400, "price"),
    ("BUY stop trigger below the market", "placeorder",
     lambda d: order(d["key"], pricetype="SL-M", trigger_price=round(ltp(d["url"], d["key"]) * 0.95, 1)), 400, "trigger_price"),
    ("SELL SL trigger below its limit", "placeorder",
     lambda d: order(d["key"], action="SELL", pricetype="SL", price=ltp(d["url"], d["key"]), trigger_price=round(ltp(d["url"], d["key"]) * 0.95, 1)),
     400, "trigger_price"),
    ("price off the tick size", "placeorder", lambda d: order(d["key"], pricetype="LIMIT", price=ltp(d["url"], d["key"]) + 0.01), 400, "tick size"),
    ("price outside the band", "placeorder", lambda d: order(d["key"], pricetype="LIMIT", price=ltp(d["url"], d["key"]) * 2), 400, "band"),
    ("disclosed above quantity", "placeorder", lambda d: order(d["key"], disclosed_quantity="5"), 400, "disclosed_quantity"),
    ("lot-size violation", "placeorder", lambda d: order(d["key"], exchange="NFO", symbol=future(d), product="NRML", quantity="7"), 400, "lot size"),
    ("CNC sell without holdings", "placeorder", lambda d: order(d["key"], action="SELL", product="CNC"), 400, "holdings"),
    ("more margin than cash", "placeorder", lambda d: order(d["key"], product="CNC", quantity="100000"), 400, "Insufficient funds"),
    ("invalid JSON", "placeorder", lambda d: b'{"apikey": "x", ', 400, "Invalid JSON"),
    ("JSON that is not an object", "placeorder", lambda d: b'[1, 2, 3]', 400, "JSON object"),
    ("empty body", "placeorder", lambda d: b'', 400, "empty"),
    ("2 MB body", "placeorder", lambda d: json.dumps(order(d["key"], strategy="x" * (2 << 20))).encode(), 413, "too large"),
    ("bad API key", "placeorder", lambda d: order("f" * 64), 403, "Invalid openalgo apikey"),
    ("modify a complete order", "modifyorder",
     lambda d: {**order(d["key"], pricetype="LIMIT", price=ltp(d["url"], d["key"])), "orderid": d["complete"], "disclosed_quantity": "0",
                "trigger_price": "0"}, 400, "can no longer be modified"),
    ("modify without every field", "modifyorder", lambda d: {"apikey": d["key"], "orderid": d["complete"], "strategy": "bad"}, 400, "Missing"),
    ("cancel a complete order", "cancelorder", lambda d: {"apikey": d["key"], "orderid": d["complete"], "strategy": "bad"}, 400, "cannot be cancelled"),
    ("cancel someone else's order", "cancelorder", lambda d: {"apikey": d["key"], "orderid": d["foreign"], "strategy": "bad"}, 404, "not found"),
    ("cancel an unknown order", "cancelorder", lambda d: {"apikey": d["key"], "orderid": "123456789012345", "strategy": "bad"}, 404, "not found"),
    ("status of someone else's order", "orderstatus", lambda d: {"apikey": d["key"], "orderid": d["foreign"], "strategy": "bad"}, 404, "not found"),
    ("smart order without position_size", "placesmartorder", lambda d: order(d["key"]), 400, "position_size"),
    ("split into too many parts", "splitorder", lambda d: {**order(d["key"], quantity="1000"), "splitsize": "1"}, 400, "splitsize"),
    ("basket with a bad item", "basketorder",
     lambda d: {"apikey": d["key"], "strategy": "bad", "orders": [
         {k: v for k, v in order(d["key"]).items() if k not in ("apikey", "strategy")},
         {k: v for k, v in order(d["key"], quantity="0").items() if k not in ("apikey", "strategy")}]}, 400, "orders[1]"),
    ("empty basket", "basketorder", lambda d: {"apikey": d["key"], "strategy": "bad", "orders": []}, 400, "orders"),
]


def future(desk):
    found = post(desk["url"], "search", {"apikey": desk["key"], "query": "NIFTY", "exchange": "NFO"})[1]
    return next(item["symbol"] for item in found["data"] if item["instrumenttype"] == "FUT")


def test_the_table_is_big_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name, endpoint, build, code, needle", CASES, ids=[case[0] for case in CASES])
def test_refused_and_nothing_written(desk, name, endpoint, build, code, needle):
    before = rows(desk["data_dir"])
    body = build(desk)
    status, reply = post(desk["url"], endpoint, None, raw=body) if isinstance(body, bytes) else post(desk["url"], endpoint, body)
    assert status == code, (name, status, reply)
    assert isinstance(reply, dict) and reply.get("status") == "error", reply
    assert needle.lower() in json.dumps(reply).lower(), (name, reply)
    assert rows(desk["data_dir"]) == before, name
