"""Orders and books through the official `openalgo` Python client 2.0.5, unchanged, against a live
`realalgo serve` with the built-in sandbox broker and the simulated market (ticking every 100 ms,
`--always-open`, so the suite passes at night and on holidays)."""

import re
import threading

import pytest
from openalgo import api

from conftest import ok, wait_until

SYMBOL = "SBIN"


def last_price(client, symbol=SYMBOL):
    return float(wait_until(lambda: ok(client.quotes(symbol=symbol, exchange="NSE"))["data"]["ltp"], f"a price for {symbol}"))


def status_of(client, orderid):
    return ok(client.orderstatus(order_id=orderid))["data"]["order_status"]


def tick_round(price, tick=0.05):
    return round(round(price / tick) * tick, 2)


def test_market_order_fills_before_its_id_comes_back(client):
    funds_before = ok(client.funds())["data"]
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="MARKET",
                                 product="MIS", quantity=10))
    assert re.fullmatch(r"\d{15}", reply["orderid"]), reply
    assert reply["mode"] == "analyze"
    status = ok(client.orderstatus(order_id=reply["orderid"]))["data"]
    assert status["order_status"] == "complete"
    assert status["filled_quantity"] == 10 and status["average_price"] > 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", status["timestamp"])
    position = ok(client.openposition(strategy="e2e", symbol=SYMBOL, exchange="NSE", product="MIS"))
    assert int(position["quantity"]) >= 10
    trades = ok(client.tradebook())["data"]
    assert any(t["orderid"] == reply["orderid"] and t["quantity"] == 10 for t in trades)
    book = ok(client.positionbook())["data"]
    assert any(p["symbol"] == SYMBOL and p["product"] == "MIS" for p in book)
    funds_after = ok(client.funds())["data"]
    assert funds_after["utiliseddebits"] > funds_before["utiliseddebits"]
    assert set(funds_after) >= {"availablecash", "collateral", "m2mrealized", "m2munrealized", "utiliseddebits"}


def test_limit_order_rests_then_modify_and_cancel(client):
    ltp = last_price(client)
    far = tick_round(ltp * 0.9)
    reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="LIMIT",
                                 product="CNC", quantity=3, price=far))
    orderid = reply["orderid"]
    assert status_of(client, orderid) == "open"
    book = ok(client.orderbook())["data"]
    assert any(o["orderid"] == orderid and o["order_status"] == "open" for o in book["orders"])
    assert book["statistics"]["total_open_orders"] >= 1
    ok(client.modifyorder(order_id=orderid, strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE",
                          price_type="LIMIT", product="CNC", quantity=5, price=tick_round(ltp * 0.92)))
    modified = ok(client.orderstatus(order_id=orderid))["data"]
    assert modified["quantity"] == 5 and modified["order_status"] == "open"
    ok(client.cancelorder(order_id=orderid))
    assert status_of(client, orderid) == "cancelled"
    again = client.cancelorder(order_id=orderid)
    assert again["status"] == "error" and again["code"] == 400, again


def test_marketable_limit_fills_on_the_next_tick(client):
    ltp = last_price(client, "INFY")
    # Just below the market: a simulated tick soon crosses it.
    reply = ok(client.placeorder(strategy="e2e", symbol="INFY", action="BUY", exchange="NSE", price_type="LIMIT",
                                 product="MIS", quantity=1, price=tick_round(ltp - 0.05)))
    wait_until(lambda: status_of(client, reply["orderid"]) == "complete", "the resting limit to fill", timeout=60)
    status = ok(client.orderstatus(order_id=reply["orderid"]))["data"]
    assert status["average_price"] <= tick_round(ltp - 0.05) + 1e-9


def test_order_update_stream_reports_fills(client, market):
    updates = []
    seen = threading.Event()

    def on_update(message):
        updates.append(message)
        seen.set()

    assert client.connect()
    try:
        client.subscribe_orders(on_update)
        reply = ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="SELL", exchange="NSE", price_type="MARKET",
                                     product="MIS", quantity=1))
        wait_until(lambda: any(u.get("orderid") == reply["orderid"] and u.get("order_status") == "complete" for u in updates),
                   "an order_update for the fill", timeout=15)
    finally:
        client.disconnect()


def test_cancel_all_and_close_positions(client):
    ltp = last_price(client)
    for offset in (0.85, 0.86):
        ok(client.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", price_type="LIMIT",
                             product="MIS", quantity=1, price=tick_round(ltp * offset)))
    cancelled = ok(client.cancelallorder(strategy="e2e"))
    assert len(cancelled["canceled_orders"]) >= 2, cancelled
    assert ok(client.cancelallorder(strategy="e2e"))["message"] == "No open orders to cancel"
    closed = ok(client.closeposition(strategy="e2e"))
    assert closed["message"].startswith("Closed") or closed["message"] == "No open positions to close"
    assert all(p["quantity"] == 0 for p in ok(client.positionbook())["data"])
    assert ok(client.funds())["data"]["utiliseddebits"] == 0


def test_holdings_shape(client):
    data = ok(client.holdings())["data"]
    assert isinstance(data["holdings"], list)
    assert set(data["statistics"]) == {"totalholdingvalue", "totalinvvalue", "totalprofitandloss", "totalpnlpercentage"}


@pytest.mark.parametrize("kwargs, code, needle", [
    (dict(symbol="NOSUCH", action="BUY", exchange="NSE", quantity=1), 400, "symbol"),
    (dict(symbol=SYMBOL, action="HOLD", exchange="NSE", quantity=1), 400, "action"),
    (dict(symbol=SYMBOL, action="BUY", exchange="NSE", quantity=0), 400, "quantity"),
    (dict(symbol=SYMBOL, action="BUY", exchange="NSE", quantity=1.5), 400, "quantity"),
    (dict(symbol=SYMBOL, action="BUY", exchange="NSE", quantity=1, price_type="SL-M"), 400, "trigger_price"),
    (dict(symbol=SYMBOL, action="BUY", exchange="XYZ", quantity=1), 400, "exchange"),
    (dict(symbol=SYMBOL, action="SELL", exchange="NSE", quantity=1, product="CNC"), 400, "CNC SELL needs holdings"),
])
def test_bad_orders_are_refused_and_write_nothing(client, kwargs, code, needle):
    before = len(ok(client.orderbook())["data"]["orders"])
    reply = client.placeorder(strategy="e2e", **kwargs)
    assert reply["status"] == "error" and reply["code"] == code and needle in reply["message"], reply
    assert len(ok(client.orderbook())["data"]["orders"]) == before


def test_unknown_order_is_404_and_bad_key_is_403(client, market):
    assert client.orderstatus(order_id="999999999999999")["code"] == 404
    stranger = api(api_key="0" * 64, host=market.url)
    try:
        reply = stranger.placeorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", quantity=1)
        assert reply["code"] == 403 and "Invalid openalgo apikey" in reply["message"], reply
    finally:
        stranger.close()


def test_margin_of_a_basket(client):
    ltp = last_price(client)
    reply = ok(client.margin(positions=[
        {"symbol": SYMBOL, "exchange": "NSE", "action": "BUY", "quantity": 10, "product": "MIS", "pricetype": "LIMIT", "price": ltp},
        {"symbol": SYMBOL, "exchange": "NSE", "action": "BUY", "quantity": 10, "product": "CNC", "pricetype": "LIMIT", "price": ltp},
    ]))
    data = reply["data"]
    # MIS at 5×, CNC at 1×.
    assert abs(data["total_margin_required"] - round(10 * ltp / 5 + 10 * ltp, 2)) < 0.02, data
    assert set(data) == {"total_margin_required", "span_margin", "exposure_margin"}


def test_smart_split_and_basket_orders(client):
    flat = ok(client.placesmartorder(strategy="e2e", symbol="TCS", action="BUY", exchange="NSE", price_type="MARKET",
                                     product="MIS", quantity=0, position_size=5))
    assert "orderid" in flat
    assert int(ok(client.openposition(strategy="e2e", symbol="TCS", exchange="NSE", product="MIS"))["quantity"]) == 5
    matched = ok(client.placesmartorder(strategy="e2e", symbol="TCS", action="BUY", exchange="NSE", price_type="MARKET",
                                        product="MIS", quantity=0, position_size=5))
    assert matched["message"] == "Positions Already Matched. No Action needed."
    ok(client.placesmartorder(strategy="e2e", symbol="TCS", action="SELL", exchange="NSE", price_type="MARKET",
                              product="MIS", quantity=0, position_size=-3))
    assert int(ok(client.openposition(strategy="e2e", symbol="TCS", exchange="NSE", product="MIS"))["quantity"]) == -3
    split = ok(client.splitorder(strategy="e2e", symbol="TCS", action="BUY", exchange="NSE", quantity=7, splitsize=3,
                                 price_type="MARKET", product="MIS"))
    assert [r["quantity"] for r in split["results"]] == [3, 3, 1] and all(r["status"] == "success" for r in split["results"])
    assert split["total_quantity"] == 7 and split["split_size"] == 3
    basket = ok(client.basketorder(strategy="e2e", orders=[
        {"symbol": "TCS", "exchange": "NSE", "action": "SELL", "quantity": 4, "pricetype": "MARKET", "product": "MIS"},
        {"symbol": "INFY", "exchange": "NSE", "action": "BUY", "quantity": 1, "pricetype": "MARKET", "product": "MIS"},
    ]))
    assert [r["symbol"] for r in basket["results"]] == ["INFY", "TCS"]  # BUY legs first
    assert all(r["status"] == "success" for r in basket["results"])
    assert int(ok(client.openposition(strategy="e2e", symbol="TCS", exchange="NSE", product="MIS"))["quantity"]) == 0


def test_analyzer_status_and_toggle(client):
    status = ok(client.analyzerstatus())["data"]
    assert status["analyze_mode"] is True and status["mode"] == "analyze" and status["total_logs"] > 0
    assert client.analyzertoggle(mode=False)["code"] == 400  # no upstream account: the sandbox stays
    assert ok(client.analyzertoggle(mode=True))["data"]["mode"] == "analyze"


def nifty_expiry(client):
    return ok(client.expiry(symbol="NIFTY", exchange="NFO", instrumenttype="options"))["data"][0].replace("-", "")


def test_options_order_by_offset(client):
    wait_until(lambda: ok(client.quotes(symbol="NIFTY", exchange="NSE_INDEX"))["data"]["ltp"], "a NIFTY price")
    expiry = nifty_expiry(client)
    lot = ok(client.optionsymbol(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry, offset="ATM", option_type="CE"))["lotsize"]
    reply = ok(client.optionsorder(strategy="e2e", underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry, offset="OTM2",
                                   option_type="CE", action="BUY", quantity=lot, price_type="MARKET", product="NRML"))
    assert reply["symbol"].startswith("NIFTY") and reply["symbol"].endswith("CE") and reply["exchange"] == "NFO"
    assert reply["offset"] == "OTM2" and reply["underlying_ltp"] > 0
    assert status_of(client, reply["orderid"]) == "complete"
    bad = client.optionsorder(strategy="e2e", underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry, offset="OTM99",
                              option_type="CE", action="BUY", quantity=lot)
    assert bad["status"] == "error" and bad["code"] == 400, bad


def test_options_multi_order_places_buy_legs_first(client):
    expiry = nifty_expiry(client)
    lot = ok(client.optionsymbol(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry, offset="ATM", option_type="PE"))["lotsize"]
    reply = ok(client.optionsmultiorder(strategy="e2e", underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry, legs=[
        {"offset": "ATM", "option_type": "CE", "action": "SELL", "quantity": lot, "product": "NRML"},
        {"offset": "OTM3", "option_type": "CE", "action": "BUY", "quantity": lot, "product": "NRML"},
    ]))
    legs = reply["results"]
    assert [leg["leg"] for leg in legs] == [1, 2]
    assert all(leg["status"] == "success" for leg in legs), legs
    first, second = (ok(client.orderstatus(order_id=leg["orderid"]))["data"] for leg in legs)
    assert int(second["orderid"]) < int(first["orderid"])  # the BUY leg was placed first


def gtt_entry(client, trigger_id, scope="all"):
    book = ok(client.gttorderbook(status=scope))["data"]
    return next((entry for entry in book if entry["trigger_id"] == trigger_id), None)


def test_gtt_single_modify_cancel(client):
    ltp = last_price(client)
    far = tick_round(ltp * 1.15)
    placed = ok(client.placegttorder(strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", trigger_type="SINGLE",
                                     product="CNC", quantity=2, price_type="LIMIT", price=far, triggerprice_sl=far))
    trigger_id = placed["trigger_id"]
    assert trigger_id.startswith("GTT-") and placed["mode"] == "analyze"
    entry = gtt_entry(client, trigger_id, scope="active")
    assert entry["status"] == "active" and entry["trigger_type"] == "single" and entry["trigger_prices"] == [far]
    higher = tick_round(ltp * 1.18)
    ok(client.modifygttorder(trigger_id=trigger_id, strategy="e2e", symbol=SYMBOL, action="BUY", exchange="NSE", trigger_type="SINGLE",
                             product="CNC", quantity=3, price_type="LIMIT", price=higher, triggerprice_sl=higher))
    assert gtt_entry(client, trigger_id)["legs"][0]["quantity"] == 3
    ok(client.cancelgttorder(trigger_id=trigger_id))
    assert gtt_entry(client, trigger_id)["status"] == "cancelled"
    assert gtt_entry(client, trigger_id, scope="active") is None
    again = client.cancelgttorder(trigger_id=trigger_id)
    assert again["status"] == "error", again


def test_gtt_fires_exactly_once_on_the_next_ticks(client):
    ltp = last_price(client, "INFY")
    # One trigger a tick below the market and one a tick above: the simulated walk leaves that
    # band within a few ticks, so one of them fires soon.
    ids = []
    for trigger in (tick_round(ltp - 0.05), tick_round(ltp + 0.05)):
        ids.append(ok(client.placegttorder(strategy="e2e", symbol="INFY", action="BUY", exchange="NSE", trigger_type="SINGLE",
                                           product="CNC", quantity=1, price_type="LIMIT", price=tick_round(ltp * 1.02),
                                           triggerprice_sl=trigger))["trigger_id"])
    fired = wait_until(lambda: [e for e in (gtt_entry(client, i) for i in ids) if e["status"] == "triggered"], "a GTT to fire", timeout=90)
    for entry in fired:
        assert entry["orderid"] and entry["fired_leg"] == "single", entry
        assert status_of(client, entry["orderid"]) in ("complete", "open")
        assert sum(o["orderid"] == entry["orderid"] for o in ok(client.orderbook())["data"]["orders"]) == 1
    for trigger_id in ids:
        if gtt_entry(client, trigger_id)["status"] == "active":
            ok(client.cancelgttorder(trigger_id=trigger_id))


def test_gtt_oco_needs_the_market_between_its_triggers(client):
    ltp = last_price(client)
    bad = client.placegttorder(strategy="e2e", symbol=SYMBOL, action="SELL", exchange="NSE", trigger_type="OCO", product="CNC",
                               quantity=1, price_type="LIMIT", triggerprice_sl=tick_round(ltp * 1.05), stoploss=tick_round(ltp * 1.05),
                               triggerprice_tg=tick_round(ltp * 1.10), target=tick_round(ltp * 1.10))
    assert bad["status"] == "error", bad
    good = ok(client.placegttorder(strategy="e2e", symbol=SYMBOL, action="SELL", exchange="NSE", trigger_type="OCO", product="CNC",
                                   quantity=1, price_type="LIMIT", triggerprice_sl=tick_round(ltp * 0.9), stoploss=tick_round(ltp * 0.9),
                                   triggerprice_tg=tick_round(ltp * 1.1), target=tick_round(ltp * 1.1)))
    entry = gtt_entry(client, good["trigger_id"])
    assert entry["trigger_type"] == "two-leg" and len(entry["legs"]) == 2
    assert entry["trigger_prices"] == sorted(entry["trigger_prices"])
    ok(client.cancelgttorder(trigger_id=good["trigger_id"]))


def test_kill_switch_set_from_the_sqlite3_shell(client, market):
    import subprocess
    database = market.server_data_dir / "realalgo.db"

    def set_switch(value):
        subprocess.run(["sqlite3", "-cmd", ".timeout 5000", str(database), f"UPDATE settings SET value = '{value}' WHERE key = 'risk.kill_switch'"], check=True)

    set_switch("true")
    try:
        refused = wait_until(lambda: (r := client.placeorder(strategy="e2e", symbol="RELIANCE", action="BUY", exchange="NSE",
                                                            quantity=1, product="MIS"))["status"] == "error" and r,
                             "the kill switch to apply", timeout=15)
        assert "kill switch" in refused["message"], refused
    finally:
        set_switch("false")
    wait_until(lambda: client.placeorder(strategy="e2e", symbol="RELIANCE", action="SELL", exchange="NSE", quantity=1,
                                         product="MIS")["status"] == "success", "orders to flow again", timeout=15)
