"""Market data over REST, driven by the official `openalgo` Python client 2.0.5, unchanged.

One `realalgo serve` per module: the simulator feed, ticking every 100 ms whatever the hour
(`--always-open`, so the suite passes at night and on holidays), with the OpenAlgo WebSocket on a
free port the server picks. Every call goes through `openalgo.api` exactly as a user makes it; only
RealAlgo's own feed-status endpoints, which the client has no method for, are called directly.
"""

import datetime
import json
import math
import re
import time

import pandas as pd
import pytest
from openalgo import api

from conftest import http, ok, wait_until

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
EQUITIES = ["RELIANCE", "INFY", "SBIN", "TCS"]
INDICES = ["NIFTY", "BANKNIFTY"]
QUOTE_FIELDS = {"open", "high", "low", "ltp", "ask", "bid", "prev_close", "volume", "oi"}
BAR_FIELDS = {"open", "high", "low", "close", "volume", "oi"}
GREEKS = {"delta", "gamma", "theta", "vega"}


# --- The server ---------------------------------------------------------------------------------

# --- Helpers -------------------------------------------------------------------------------------


def ist_today():
    return datetime.datetime.now(IST).date()


def http_error_body(reply, code):
    """The client's wrapping of a non-200 reply: {'status':'error','code':N,'message':'HTTP N: <body>'}."""
    assert reply.get("status") == "error", reply
    assert reply.get("code") == code, reply
    assert reply.get("error_type") == "http_error", reply
    prefix = f"HTTP {code}: "
    assert reply["message"].startswith(prefix), reply
    return json.loads(reply["message"][len(prefix):])


def expiry_text(date):
    return date.strftime("%d%b%y").upper()


def nifty_expiries(client):
    """NIFTY's listed option expiries, read from the 400 that a bogus expiry draws (the `expiry`
    endpoint is not implemented yet)."""
    body = http_error_body(client.optionchain(underlying="NIFTY", exchange="NSE_INDEX", expiry_date="01JAN20", strike_count=1), 400)
    assert body["status"] == "error" and body["message"] == "Validation error", body
    text = body["errors"]["expiry_date"][0]
    listed = re.search(r"listed: ([0-9A-Z, ]+)", text)
    assert listed, text
    dates = [datetime.datetime.strptime(item.strip(), "%d%b%y").date() for item in listed.group(1).split(",") if item.strip()]
    assert dates == sorted(dates) and dates, text
    return dates


def option_expiry(client):
    """The nearest NIFTY expiry at least two days out (so greeks are far from expiry-day limits)."""
    dates = nifty_expiries(client)
    today = ist_today()
    return next((date for date in dates if (date - today).days >= 2), dates[-1])


def nifty_future(client):
    """The first NIFTY future the server quotes, by trying each listed expiry."""
    for date in nifty_expiries(client):
        symbol = f"NIFTY{expiry_text(date)}FUT"
        reply = client.quotes(symbol=symbol, exchange="NFO")
        if reply.get("status") == "success":
            return symbol, reply["data"]
    raise AssertionError("no NIFTY future is quoted on NFO")


def black76(forward, strike, years, sigma, rate, side):
    """Black-76 price and greeks (vega per vol point, theta per calendar day)."""
    cdf = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    d1 = (math.log(forward / strike) + sigma * sigma * years / 2) / (sigma * math.sqrt(years))
    d2 = d1 - sigma * math.sqrt(years)
    discount = math.exp(-rate * years)
    if side == "CE":
        price, delta = discount * (forward * cdf(d1) - strike * cdf(d2)), discount * cdf(d1)
    else:
        price, delta = discount * (strike * cdf(-d2) - forward * cdf(-d1)), -discount * cdf(-d1)
    return {"price": price, "delta": delta, "gamma": discount * pdf(d1) / (forward * sigma * math.sqrt(years)),
            "vega": forward * discount * pdf(d1) * math.sqrt(years) / 100,
            "theta": (-forward * discount * pdf(d1) * sigma / (2 * math.sqrt(years)) + rate * price) / 365}


def epoch(timestamp):
    return int(timestamp.timestamp())


def frame(client, symbol, interval, start=None, end=None, exchange="NSE"):
    today = ist_today().isoformat()
    df = client.history(symbol=symbol, exchange=exchange, interval=interval, start_date=start or today, end_date=end or today)
    assert isinstance(df, pd.DataFrame), f"history {interval}: {df}"
    assert BAR_FIELDS <= set(df.columns), df.columns
    assert df.index.is_monotonic_increasing and df.index.is_unique
    return df


def bar_count(client, symbol, interval):
    """How many bars today's history holds; 0 before the first tick (the client's no_data error)."""
    today = ist_today().isoformat()
    df = client.history(symbol=symbol, exchange="NSE", interval=interval, start_date=today, end_date=today)
    if isinstance(df, dict):
        assert df.get("error_type") == "no_data", df
        return 0
    return len(df)


def assert_bars_sane(df):
    assert (df["high"] >= df[["open", "close", "low"]].max(axis=1) - 1e-9).all(), df
    assert (df["low"] <= df[["open", "close"]].min(axis=1) + 1e-9).all(), df
    assert (df["low"] > 0).all() and (df["volume"] >= 0).all(), df


def assert_aggregates(fine, coarse, seconds, closed_before):
    """Every coarse bar that closed before `closed_before` is exactly the fine bars inside it."""
    fine_epochs = [epoch(ts) for ts in fine.index]
    checked = 0
    for ts, bar in coarse.iterrows():
        start = epoch(ts)
        if start + seconds > closed_before or start < fine_epochs[0] - seconds:
            continue
        inside = fine[[start <= e < start + seconds for e in fine_epochs]]
        assert len(inside), f"no {seconds}s-bucket members for {ts}"
        assert bar["open"] == pytest.approx(inside["open"].iloc[0]), (ts, bar, inside)
        assert bar["close"] == pytest.approx(inside["close"].iloc[-1]), (ts, bar, inside)
        assert bar["high"] == pytest.approx(inside["high"].max()), (ts, bar, inside)
        assert bar["low"] == pytest.approx(inside["low"].min()), (ts, bar, inside)
        assert bar["volume"] == inside["volume"].sum(), (ts, bar, inside)
        checked += 1
    return checked


# --- Quotes, multiquotes, depth -------------------------------------------------------------------

@pytest.mark.parametrize("symbol", EQUITIES)
def test_equity_quote_has_openalgo_shape_and_sane_values(client, symbol):
    data = ok(client.quotes(symbol=symbol, exchange="NSE"))["data"]
    assert QUOTE_FIELDS <= set(data), data
    assert data["ltp"] > 0 and data["prev_close"] > 0, data
    assert data["low"] <= data["ltp"] <= data["high"], data
    assert 0 < data["bid"] < data["ask"], data
    assert abs(data["ltp"] - (data["bid"] + data["ask"]) / 2) < 0.01 * data["ltp"], data
    assert abs(data["ltp"] / data["prev_close"] - 1) < 0.2, data  # within the exchange's widest band
    assert isinstance(data["volume"], int) and data["volume"] >= 0, data
    assert data["oi"] == 0, data  # cash equity has no open interest


@pytest.mark.parametrize("symbol", INDICES)
def test_index_quote(client, symbol):
    data = ok(client.quotes(symbol=symbol, exchange="NSE_INDEX"))["data"]
    assert QUOTE_FIELDS <= set(data), data
    assert data["ltp"] > 1000 and data["prev_close"] > 1000, data
    assert data["low"] <= data["ltp"] <= data["high"], data


def test_future_quote_carries_open_interest(client):
    symbol, data = nifty_future(client)
    assert QUOTE_FIELDS <= set(data), data
    assert 0 < data["bid"] < data["ask"], (symbol, data)
    assert data["oi"] > 0 and data["volume"] > 0, (symbol, data)
    spot = ok(client.quotes(symbol="NIFTY", exchange="NSE_INDEX"))["data"]["ltp"]
    assert abs(data["ltp"] / spot - 1) < 0.05, (symbol, data, spot)


def test_quotes_move_with_the_simulator(client):
    first = ok(client.quotes(symbol="RELIANCE", exchange="NSE"))["data"]
    wait_until(lambda: ok(client.quotes(symbol="RELIANCE", exchange="NSE"))["data"]["volume"] > first["volume"],
               "RELIANCE's volume to grow", timeout=10)


def test_multiquotes_uses_results_and_reports_unknown_symbols_per_item(client):
    wanted = [{"symbol": "RELIANCE", "exchange": "NSE"}, {"symbol": "TCS", "exchange": "NSE"},
              {"symbol": "NIFTY", "exchange": "NSE_INDEX"}, {"symbol": "NOSUCHSYMBOL", "exchange": "NSE"}]
    reply = ok(client.multiquotes(symbols=wanted))
    assert "results" in reply and "data" not in reply, reply
    results = reply["results"]
    assert [(r["symbol"], r["exchange"]) for r in results] == [(w["symbol"], w["exchange"]) for w in wanted], results
    for item in results[:3]:
        assert "error" not in item, item
        assert QUOTE_FIELDS <= set(item["data"]), item
        assert item["data"]["ltp"] > 0, item
    assert "data" not in results[3] and "NOSUCHSYMBOL" in results[3]["error"], results[3]


@pytest.mark.parametrize("symbol", ["SBIN", "INFY"])
def test_depth_has_five_ordered_levels_a_side(client, symbol):
    data = ok(client.depth(symbol=symbol, exchange="NSE"))["data"]
    fields = {"open", "high", "low", "ltp", "ltq", "prev_close", "volume", "oi", "totalbuyqty", "totalsellqty", "bids", "asks"}
    assert fields <= set(data), data
    bids, asks = data["bids"], data["asks"]
    assert len(bids) == 5 and len(asks) == 5, data
    for level in bids + asks:
        assert set(level) >= {"price", "quantity"}, level
        assert level["price"] > 0 and isinstance(level["quantity"], int) and level["quantity"] > 0, level
    bid_prices = [level["price"] for level in bids]
    ask_prices = [level["price"] for level in asks]
    assert bid_prices == sorted(bid_prices, reverse=True) and len(set(bid_prices)) == 5, bids
    assert ask_prices == sorted(ask_prices) and len(set(ask_prices)) == 5, asks
    assert bid_prices[0] < ask_prices[0], data
    assert data["ltp"] > 0 and data["prev_close"] > 0 and data["low"] <= data["ltp"] <= data["high"], data
    assert data["totalbuyqty"] >= sum(level["quantity"] for level in bids), data
    assert data["totalsellqty"] >= sum(level["quantity"] for level in asks), data


# --- History and intervals ------------------------------------------------------------------------

def test_intervals_lists_openalgo_groups_and_every_one_serves_history(client):
    data = ok(client.intervals())["data"]
    assert set(data) == {"seconds", "minutes", "hours", "days", "weeks", "months"}, data
    assert {"1s", "5s"} <= set(data["seconds"]) and {"1m", "2m", "5m", "10m"} <= set(data["minutes"]), data
    assert "1h" in data["hours"] and data["days"] == ["D"] and "W" in data["weeks"] and "M" in data["months"], data
    assert ok(client.interval())["data"] == data  # the legacy alias
    wait_until(lambda: bar_count(client, "TCS", "1s") >= 2, "two seconds of TCS bars")
    now = time.time()
    for interval in [interval for group in data.values() for interval in group]:
        df = frame(client, "TCS", interval)
        assert len(df) >= 1, interval
        assert_bars_sane(df)
        if interval in ("D", "W", "M"):
            assert df.index.tz is None, interval
        else:
            assert str(df.index.tz) == "Asia/Kolkata", interval
            assert epoch(df.index[-1]) <= now + 2, (interval, df.index[-1])


def test_history_second_bars_are_true_epochs_aligned_and_consistent(client):
    wait_until(lambda: bar_count(client, "INFY", "5s") >= 4, "four 5-second INFY bars", timeout=40)
    closed_before = time.time() - 2
    one, five, ten = (frame(client, "INFY", interval) for interval in ("1s", "5s", "10s"))
    for df, seconds in ((one, 1), (five, 5), (ten, 10)):
        assert str(df.index.tz) == "Asia/Kolkata", df.index  # the client's UTC→IST conversion
        assert_bars_sane(df)
        epochs = [epoch(ts) for ts in df.index]
        assert all(e % seconds == 0 for e in epochs), (seconds, epochs)
        # True UTC epochs: the newest bar is now, not 5:30 h off.
        assert abs(epochs[-1] - time.time()) < seconds + 5, (seconds, df.index[-1])
        assert all(ts.date() == ist_today() for ts in df.index), df.index
    assert assert_aggregates(one, five, 5, closed_before) >= 2
    assert assert_aggregates(five, ten, 10, closed_before) >= 1


def test_history_minute_derived_and_daily_bars(client):
    wait_until(lambda: bar_count(client, "RELIANCE", "1s") >= 2, "two seconds of RELIANCE bars")
    today = ist_today()
    minute = frame(client, "RELIANCE", "1m")
    now = time.time()
    starts = [epoch(ts) for ts in minute.index]
    assert all(e % 60 == 0 for e in starts), starts
    assert starts[-1] <= now < starts[-1] + 60 + 2, (minute.index[-1], now)  # the open bar is served
    assert_bars_sane(minute)

    two = frame(client, "RELIANCE", "2m")
    assert_bars_sane(two)
    two_starts = [epoch(ts) for ts in two.index]
    assert all(e % 60 == 0 for e in two_starts) and all(b - a >= 120 for a, b in zip(two_starts, two_starts[1:])), two_starts
    for ts, bar in minute.iterrows():  # every 1m bar lies in one 2m bar, which (fetched later) contains it
        holder = [s for s in two_starts if s <= epoch(ts) < s + 120]
        assert len(holder) == 1, (ts, two_starts)
        coarse = two.loc[two.index[two_starts.index(holder[0])]]
        assert coarse["high"] >= bar["high"] - 1e-9 and coarse["low"] <= bar["low"] + 1e-9, (ts, bar, coarse)
    first_two = two.iloc[0]
    assert first_two["open"] == pytest.approx(minute["open"].iloc[0]), (two, minute)
    assert two["volume"].sum() >= minute["volume"].sum(), (two, minute)

    daily = frame(client, "RELIANCE", "D", start=(today - datetime.timedelta(days=10)).isoformat())
    assert daily.index.tz is None  # the client leaves daily bars alone: 00:00 UTC of the date
    assert daily.index[-1] == pd.Timestamp(today), daily
    day = daily.iloc[-1]
    assert day["open"] == pytest.approx(minute["open"].iloc[0]), (day, minute)
    assert day["high"] >= minute["high"].max() - 1e-9 and day["low"] <= minute["low"].min() + 1e-9, (day, minute)
    assert day["volume"] >= minute["volume"].sum(), (day, minute)
    quote = ok(client.quotes(symbol="RELIANCE", exchange="NSE"))["data"]
    assert day["volume"] <= quote["volume"] and quote["low"] <= day["low"] + 1e-9, (day, quote)


def test_history_rejects_bad_requests_naming_the_field(client):
    today = ist_today().isoformat()
    body = http_error_body(client.history(symbol="RELIANCE", exchange="NSE", interval="7m", start_date=today, end_date=today), 400)
    assert "interval" in body["message"], body
    body = http_error_body(client.history(symbol="RELIANCE", exchange="NSE", interval="1m", start_date=today, end_date="2020-01-01"), 400)
    assert "end_date" in body["message"], body
    body = http_error_body(client.history(symbol="RELIANCE", exchange="NSE", interval="1m", start_date="21-11-2026", end_date=today), 400)
    assert "start_date" in body["message"], body
    body = http_error_body(client.history(symbol="NOSUCHSYMBOL", exchange="NSE", interval="1m", start_date=today, end_date=today), 400)
    assert "symbol" in body["message"], body
    # A day with no bars is an empty list, which the client turns into its own no_data error.
    empty = client.history(symbol="RELIANCE", exchange="NSE", interval="1m", start_date="2020-01-06", end_date="2020-01-06")
    assert isinstance(empty, dict) and empty.get("error_type") == "no_data", empty


# --- Options ----------------------------------------------------------------------------------------

def test_optionchain_with_greeks_labels_parity_and_deltas(client):
    expiry = option_expiry(client)
    label = expiry_text(expiry)
    spot = ok(client.quotes(symbol="NIFTY", exchange="NSE_INDEX"))["data"]["ltp"]
    reply = ok(client.optionchain(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=label, strike_count=5, with_greeks=True))
    for field in ("underlying", "underlying_ltp", "underlying_prev_close", "expiry_date", "expiry_ts", "server_ts", "atm_strike",
                  "quotes_included", "greeks_included", "forward_price", "chain"):
        assert field in reply, (field, reply.keys())
    assert reply["underlying"] == "NIFTY" and reply["expiry_date"] == label, reply
    assert reply["quotes_included"] is True and reply["greeks_included"] is True, reply
    assert abs(reply["underlying_ltp"] / spot - 1) < 0.005, (reply["underlying_ltp"], spot)
    assert abs(reply["server_ts"] - time.time()) < 60, reply["server_ts"]
    expiry_close = datetime.datetime.combine(expiry, datetime.time(15, 30), IST).timestamp()
    assert reply["expiry_ts"] == expiry_close, (reply["expiry_ts"], expiry_close)  # NFO expires at 15:30 IST

    chain = reply["chain"]
    assert len(chain) == 11, [row["strike"] for row in chain]
    strikes = [row["strike"] for row in chain]
    steps = {round(b - a, 6) for a, b in zip(strikes, strikes[1:])}
    assert len(steps) == 1 and steps.pop() > 0, strikes
    step = strikes[1] - strikes[0]
    atm = reply["atm_strike"]
    assert strikes[5] == atm, (strikes, atm)
    assert abs(atm - reply["underlying_ltp"]) <= step / 2 + 0.01, (atm, reply["underlying_ltp"])
    forward = reply["forward_price"]
    assert abs(forward / reply["underlying_ltp"] - 1) < 0.02, (forward, reply["underlying_ltp"])

    for index, row in enumerate(chain):
        offset = index - 5
        strike_text = f"{row['strike']:g}"
        for side in ("ce", "pe"):
            leg = row[side]
            assert leg is not None, row
            assert leg["symbol"] == f"NIFTY{label}{strike_text}{side.upper()}", leg
            for field in ("ltp", "bid", "ask", "bid_qty", "ask_qty", "open", "high", "low", "prev_close", "volume", "oi", "lotsize",
                          "tick_size", "implied_volatility") + tuple(GREEKS):
                assert field in leg, (field, leg)
            assert leg["ltp"] > 0 and leg["lotsize"] > 0 and leg["tick_size"] > 0, leg
            assert 0 < leg["bid"] < leg["ask"], leg
            assert 1 < leg["implied_volatility"] < 100, leg
            assert leg["gamma"] > 0 and leg["vega"] > 0 and leg["theta"] < 0, leg
        itm, otm = (f"ITM{-offset}", f"OTM{-offset}") if offset < 0 else (f"OTM{offset}", f"ITM{offset}")
        expected = ("ATM", "ATM") if offset == 0 else (itm, otm)
        assert (row["ce"]["label"], row["pe"]["label"]) == expected, (offset, row)
        assert 0 < row["ce"]["delta"] < 1 and -1 < row["pe"]["delta"] < 0, row
        # e^(-rT) under Black-76 at one volatility; each leg's delta uses its own implied volatility
        # (the simulated quotes carry independent noise), so away from the money it can pass 1 a little.
        assert 0.9 < row["ce"]["delta"] - row["pe"]["delta"] < 1.03, row

    ce_deltas = [row["ce"]["delta"] for row in chain]
    pe_deltas = [row["pe"]["delta"] for row in chain]
    assert ce_deltas == sorted(ce_deltas, reverse=True) and pe_deltas == sorted(pe_deltas, reverse=True), (ce_deltas, pe_deltas)
    # Put–call parity at the money: C − P ≈ F − K.
    at_money = chain[5]
    parity_gap = (at_money["ce"]["ltp"] - at_money["pe"]["ltp"]) - (forward - atm)
    assert abs(parity_gap) < 5, (at_money, forward)
    # In-the-money legs are worth more than their out-of-the-money mirror.
    assert chain[0]["ce"]["ltp"] > chain[-1]["ce"]["ltp"] and chain[-1]["pe"]["ltp"] > chain[0]["pe"]["ltp"], chain


def test_optionchain_without_greeks_and_rejections(client):
    label = expiry_text(option_expiry(client))
    reply = ok(client.optionchain(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=label, strike_count=2))
    assert reply["greeks_included"] is False and len(reply["chain"]) == 5, reply
    assert "delta" not in reply["chain"][0]["ce"], reply["chain"][0]
    body = http_error_body(client.optionchain(underlying="NIFTY", exchange="NSE_INDEX"), 400)
    assert "expiry_date" in body["errors"], body
    body = http_error_body(client.optionchain(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=label, strike_count=0), 400)
    assert "strike_count" in body["errors"], body
    body = http_error_body(client.optionchain(underlying="NOSUCHINDEX", exchange="NSE_INDEX", expiry_date=label, strike_count=2), 400)
    assert "underlying" in body["errors"] or "underlying" in json.dumps(body), body
    reply = client.optionchain(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=label, strike_count=2, colour="red")
    body = http_error_body(reply, 400)
    assert body["errors"] == {"colour": ["Unknown field."]}, body


def test_optiongreeks_for_the_atm_strike(client):
    expiry = option_expiry(client)
    label = expiry_text(expiry)
    chain = ok(client.optionchain(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=label, strike_count=1))
    atm, forward = chain["atm_strike"], chain["forward_price"]
    spot = chain["underlying_ltp"]
    replies = {}
    for side in ("CE", "PE"):
        symbol = f"NIFTY{label}{atm:g}{side}"
        reply = ok(client.optiongreeks(symbol=symbol, exchange="NFO"))
        for field in ("symbol", "exchange", "underlying", "strike", "option_type", "expiry_date", "days_to_expiry", "spot_price",
                      "option_price", "interest_rate", "implied_volatility", "greeks"):
            assert field in reply, (field, reply)
        assert reply["symbol"] == symbol and reply["exchange"] == "NFO" and reply["underlying"] == "NIFTY", reply
        assert reply["strike"] == atm and reply["option_type"] == side, reply
        assert reply["expiry_date"] == expiry.strftime("%d-%b-%y").upper(), reply
        expiry_close = datetime.datetime.combine(expiry, datetime.time(15, 30), IST).timestamp()
        assert reply["days_to_expiry"] == pytest.approx((expiry_close - time.time()) / 86400, abs=0.05), reply
        assert abs(reply["spot_price"] / spot - 1) < 0.005, (reply, spot)
        assert reply["option_price"] > 0 and 1 < reply["implied_volatility"] < 100, reply
        assert GREEKS | {"rho"} <= set(reply["greeks"]), reply
        delta = reply["greeks"]["delta"]
        assert (0 < delta < 1) if side == "CE" else (-1 < delta < 0), reply
        assert reply["greeks"]["gamma"] > 0 and reply["greeks"]["vega"] > 0 and reply["greeks"]["theta"] < 0, reply
        # With the chain's forward, calls and puts of one strike agree on volatility (parity).
        replies[side] = ok(client.optiongreeks(symbol=symbol, exchange="NFO", forward_price=forward))
    call, put = replies["CE"], replies["PE"]
    assert abs(call["implied_volatility"] - put["implied_volatility"]) < 0.5, (call, put)
    assert call["greeks"]["delta"] - put["greeks"]["delta"] == pytest.approx(1, abs=0.02), (call, put)

    # With a rate, the greeks are Black-76's on the given forward: reprice from the returned IV.
    for side in ("CE", "PE"):
        symbol = f"NIFTY{label}{atm - 100:g}{side}"
        reply = ok(client.optiongreeks(symbol=symbol, exchange="NFO", forward_price=forward, interest_rate=6.5))
        assert reply["interest_rate"] == 6.5, reply
        model = black76(forward, atm - 100, reply["days_to_expiry"] / 365, reply["implied_volatility"] / 100, 0.065, side)
        assert reply["option_price"] == pytest.approx(model["price"], abs=0.5), (reply, model)
        for greek in ("delta", "gamma", "vega", "theta"):
            assert reply["greeks"][greek] == pytest.approx(model[greek], rel=0.01, abs=1e-4), (greek, reply, model)

    body = http_error_body(client.optiongreeks(symbol=f"NIFTY{label}99999CE", exchange="NFO"), 400)
    assert "symbol" in body["errors"], body
    body = http_error_body(client.optiongreeks(symbol="RELIANCE", exchange="NSE"), 400)
    assert "exchange" in body["errors"], body


def test_syntheticfuture_matches_the_chain(client):
    label = expiry_text(option_expiry(client))
    reply = ok(client.syntheticfuture(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=label))
    assert {"underlying", "underlying_ltp", "expiry", "atm_strike", "synthetic_future_price"} <= set(reply), reply
    assert reply["underlying"] == "NIFTY" and reply["expiry"] == label, reply
    spot = reply["underlying_ltp"]
    assert abs(reply["atm_strike"] - spot) <= 50, reply  # NIFTY strikes are 50 apart
    assert abs(reply["synthetic_future_price"] / spot - 1) < 0.02, reply
    chain = ok(client.optionchain(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=label, strike_count=1))
    at_money = chain["chain"][1]
    synthetic = at_money["strike"] + at_money["ce"]["ltp"] - at_money["pe"]["ltp"]
    assert reply["synthetic_future_price"] == pytest.approx(synthetic, rel=0.002), (reply, at_money)
    body = http_error_body(client.syntheticfuture(underlying="NIFTY", exchange="NSE_INDEX", expiry_date="01JAN20"), 400)
    assert "expiry_date" in body["errors"], body


# --- Errors through the client -----------------------------------------------------------------------

def test_unknown_symbol_is_a_400_naming_the_field(client):
    for reply in (client.quotes(symbol="NOSUCHSYMBOL", exchange="NSE"), client.depth(symbol="NOSUCHSYMBOL", exchange="NSE")):
        body = http_error_body(reply, 400)
        assert body["status"] == "error" and "symbol" in body["message"], body
        assert "NOSUCHSYMBOL" in json.dumps(body), body
    body = http_error_body(client.quotes(symbol="RELIANCE", exchange="NASDAQ"), 400)
    assert "exchange" in body["message"], body
    body = http_error_body(client.multiquotes(symbols=[]), 400)
    assert "symbols" in body["message"], body


def test_unknown_field_is_a_400(client):
    body = http_error_body(client.quotes(symbol="RELIANCE", exchange="NSE", target="1"), 400)
    assert body["message"] == {"target": ["Unknown field."]}, body
    body = http_error_body(client.depth(symbol="RELIANCE", exchange="NSE", colour="red"), 400)
    assert body["message"] == {"colour": ["Unknown field."]}, body
    body = http_error_body(client.intervals(verbose=True), 400)
    assert body["message"] == {"verbose": ["Unknown field."]}, body


def test_invalid_key_is_a_403(market):
    intruder = api(api_key="0" * 64, host=market.url, ws_port=market.ws_port)
    try:
        today = ist_today().isoformat()
        for reply in (intruder.quotes(symbol="RELIANCE", exchange="NSE"),
                      intruder.multiquotes(symbols=[{"symbol": "RELIANCE", "exchange": "NSE"}]),
                      intruder.depth(symbol="RELIANCE", exchange="NSE"),
                      intruder.history(symbol="RELIANCE", exchange="NSE", interval="1m", start_date=today, end_date=today),
                      intruder.intervals(),
                      intruder.optionchain(underlying="NIFTY", exchange="NSE_INDEX", expiry_date="01JAN20", strike_count=1),
                      intruder.optiongreeks(symbol="NIFTY01JAN2026000CE", exchange="NFO"),
                      intruder.syntheticfuture(underlying="NIFTY", exchange="NSE_INDEX", expiry_date="01JAN20")):
            body = http_error_body(reply, 403)
            assert body == {"status": "error", "message": "Invalid openalgo apikey"}, body
    finally:
        intruder.close()


# --- RealAlgo's feed-status endpoints (no client method: plain POSTs with apikey in the body) ----------

def post(market, endpoint, body):
    return http("POST", f"{market.url}/api/v1/{endpoint}", body)


def test_websocket_status_reports_the_running_simulator(market):
    def status():
        code, _, body = post(market, "websocket/status", {"apikey": market.key})
        assert code == 200 and body["status"] == "success", body
        return body["data"]

    first = status()
    assert first["feed"] == "simulator" and first["state"] == "running" and first["connected"] is True, first
    assert first["websocket_port"] == market.ws_port, first
    for counter in ("ticks_published", "ticks_accepted", "ticks_rejected", "bars_closed", "ticks_stored", "clients",
                    "subscribed_symbols", "subscriptions", "messages_queued"):
        assert isinstance(first[counter], int) and first[counter] >= 0, (counter, first)
    assert first["ticks_published"] > 0 and abs(first["last_tick_ts"] / 1000 - time.time()) < 10, first
    wait_until(lambda: status()["ticks_published"] > first["ticks_published"], "more ticks", timeout=10)


def test_websocket_latest_ticks_and_subscriptions(market):
    code, _, body = post(market, "websocket/latest-ticks", {"apikey": market.key, "limit": 5})
    assert code == 200 and body["status"] == "success", body
    ticks = body["data"]
    assert len(ticks) == 5, ticks
    for tick in ticks:
        assert {"symbol", "exchange", "ltp", "volume", "oi", "bid", "ask", "change", "timestamp"} <= set(tick), tick
        assert tick["ltp"] > 0 and abs(tick["timestamp"] / 1000 - time.time()) < 10, tick
    code, _, body = post(market, "websocket/latest-ticks", {"apikey": market.key})
    assert code == 200 and 5 < len(body["data"]) <= 100, len(body["data"])
    code, _, body = post(market, "websocket/subscriptions", {"apikey": market.key})
    assert code == 200 and body["status"] == "success", body
    assert body["data"]["count"] == len(body["data"]["symbols"]), body


def test_websocket_status_endpoints_reject_bad_requests(market):
    for endpoint in ("websocket/status", "websocket/subscriptions", "websocket/latest-ticks"):
        code, _, body = post(market, endpoint, {"apikey": "0" * 64})
        assert code == 403 and body == {"status": "error", "message": "Invalid openalgo apikey"}, (endpoint, code, body)
        code, _, body = post(market, endpoint, {"apikey": market.key, "colour": "red"})
        assert code == 400 and body["status"] == "error" and "colour" in json.dumps(body), (endpoint, code, body)
    code, _, body = post(market, "websocket/latest-ticks", {"apikey": market.key, "limit": 0})
    assert code == 400 and "limit" in json.dumps(body), (code, body)
