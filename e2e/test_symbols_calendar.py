"""Symbol master, option symbols and the market calendar, driven by the official `openalgo` client.

One `realalgo serve` with the simulator feed for the module (optionsymbol needs a price for the
underlying), plus one without the market-data module to show that the symbol-master and calendar
endpoints read the hub, not the feed. Calendar dates come from the seeded 2026 calendar
(migration 0009); expiries are read from the server, so the suite passes on any day.
"""

import datetime
import json
import urllib.parse

import pandas as pd
import pytest
from openalgo import api

from conftest import http, ok, start_server

SYMBOL_FIELDS = {"id", "name", "symbol", "brsymbol", "exchange", "brexchange", "instrumenttype", "expiry", "strike",
                 "lotsize", "tick_size", "token", "freeze_qty"}
MASTER_FIELDS = ["symbol", "brsymbol", "name", "exchange", "brexchange", "token", "expiry", "strike", "lotsize",
                 "instrumenttype", "tick_size"]
OPTION_SYMBOL_FIELDS = {"status", "symbol", "exchange", "lotsize", "tick_size", "freeze_qty", "underlying_ltp"}
CALENDAR_EXCHANGES = ["NSE", "BSE", "NFO", "BFO", "MCX", "BCD", "CDS"]
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


def http_error_body(reply, code):
    """The client's wrapping of a non-200 reply, unwrapped to the server's JSON body."""
    assert reply.get("status") == "error" and reply.get("code") == code and reply.get("error_type") == "http_error", reply
    prefix = f"HTTP {code}: "
    assert reply["message"].startswith(prefix), reply
    return json.loads(reply["message"][len(prefix):])


def ist_millis(day, hhmm):
    hours, minutes = map(int, hhmm.split(":"))
    moment = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hours, minutes), tzinfo=IST)
    return int(moment.timestamp() * 1000)


def nifty_option_expiries(client):
    reply = ok(client.expiry(symbol="NIFTY", exchange="NFO", instrumenttype="options"))
    return [datetime.datetime.strptime(text, "%d-%b-%y").date() for text in reply["data"]]


# --- symbol, search, expiry, instruments ---------------------------------------------------------

def test_symbol(client):
    reply = ok(client.symbol(symbol="RELIANCE", exchange="NSE"))
    data = reply["data"]
    assert set(data) == SYMBOL_FIELDS, data
    assert data["symbol"] == "RELIANCE" and data["exchange"] == "NSE" and data["instrumenttype"] == "EQ", data
    assert data["expiry"] == "" and data["strike"] == 0 and data["lotsize"] == 1 and data["tick_size"] == 0.05, data

    expiry = nifty_option_expiries(client)[0]
    option = ok(client.symbol(symbol=f"NIFTY{expiry.strftime('%d%b%y').upper()}26000CE", exchange="NFO"))["data"]
    assert option["expiry"] == expiry.strftime("%d-%b-%y").upper() and option["strike"] == 26000, option
    assert option["instrumenttype"] == "CE" and option["lotsize"] == 65 and option["freeze_qty"] == 1800, option

    body = http_error_body(client.symbol(symbol="NOSUCH", exchange="NSE"), 404)
    assert body == {"status": "error", "message": "Symbol NOSUCH not found on NSE"}, body
    body = http_error_body(client.symbol(symbol="RELIANCE", exchange="NYSE"), 400)
    assert "exchange" in body["message"], body


def test_search(client):
    reply = ok(client.search(query="hdfc bank"))
    assert reply["message"] == "Found 1 matching symbols", reply
    assert [row["symbol"] for row in reply["data"]] == ["HDFCBANK"] and set(reply["data"][0]) == SYMBOL_FIELDS, reply

    indices = ok(client.search(query="nifty", exchange="NSE_INDEX"))
    assert [row["symbol"] for row in indices["data"]] == ["NIFTY", "BANKNIFTY"], indices

    capped = ok(client.search(query="NIFTY"))
    assert len(capped["data"]) == 500 and capped["message"].endswith("showing the first 500"), capped["message"]

    none = ok(client.search(query="NOSUCHTHING"))
    assert none["message"] == "No matching symbols found" and none["data"] == [], none


def test_expiry(client):
    options = nifty_option_expiries(client)
    assert options and options == sorted(options) and len(set(options)) == len(options), options
    reply = ok(client.expiry(symbol="NIFTY", exchange="NFO", instrumenttype="futures"))
    assert reply["message"] == f"Found {len(reply['data'])} expiry dates for NIFTY futures in NFO", reply
    assert len(reply["data"]) == 3, reply
    body = http_error_body(client.expiry(symbol="NIFTY", exchange="NSE", instrumenttype="options"), 400)
    assert "exchange" in body["message"], body
    body = http_error_body(client.expiry(symbol="NIFTY", exchange="NFO", instrumenttype="weeklies"), 400)
    assert "instrumenttype" in body["message"], body


def test_instruments(client, market):
    frame = client.instruments(exchange="NFO")
    assert isinstance(frame, pd.DataFrame), frame
    assert sorted(frame.columns) == sorted(MASTER_FIELDS), list(frame.columns)
    assert len(frame) > 500 and set(frame["exchange"]) == {"NFO"}, len(frame)
    assert set(frame["instrumenttype"]) == {"FUT", "CE", "PE"}, set(frame["instrumenttype"])

    everything = client.instruments()
    assert isinstance(everything, pd.DataFrame) and {"NSE", "NFO", "NSE_INDEX"} <= set(everything["exchange"]), everything

    query = urllib.parse.urlencode({"apikey": market.key, "exchange": "NSE_INDEX", "format": "csv"})
    status, headers, text = http("GET", f"{market.url}/api/v1/instruments?{query}")
    assert status == 200 and headers["Content-Type"].startswith("text/csv"), (status, headers)
    lines = text.strip().splitlines()
    assert lines[0] == ",".join(MASTER_FIELDS) and len(lines) == 3, lines

    status, _, body = http("GET", f"{market.url}/api/v1/instruments?exchange=NSE")
    assert status == 401 and body["status"] == "error", body
    status, _, body = http("GET", f"{market.url}/api/v1/instruments?apikey=wrong")
    assert status == 403 and body["message"] == "Invalid openalgo apikey", body


# --- optionsymbol ---------------------------------------------------------------------------------

def test_optionsymbol(client):
    expiry = nifty_option_expiries(client)[0].strftime("%d%b%y").upper()
    atm = ok(client.optionsymbol(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry, offset="ATM", option_type="CE"))
    assert set(atm) == OPTION_SYMBOL_FIELDS, atm
    assert atm["exchange"] == "NFO" and atm["lotsize"] == 65 and atm["freeze_qty"] == 1800 and atm["tick_size"] == 0.05, atm
    prefix = f"NIFTY{expiry}"
    assert atm["symbol"].startswith(prefix) and atm["symbol"].endswith("CE"), atm
    atm_strike = float(atm["symbol"][len(prefix):-2])
    # The ATM is the listed strike nearest the price (strikes are 50 apart), unless the price has
    # wandered past the listed range.
    assert abs(atm_strike - atm["underlying_ltp"]) <= 25 or atm_strike in (25000, 27000), atm

    # Deprecated strategy/strike_int are accepted; offsets step through the listed strikes.
    with pytest.warns(DeprecationWarning):
        otm = ok(client.optionsymbol(strategy="Python", underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry,
                                     strike_int=50, offset="OTM2", option_type="PE"))
    otm_strike = float(otm["symbol"][len(prefix):-2])
    # A put two strikes out of the money is 100 below the ATM (one strike of slack: the price ticks between calls).
    assert otm["symbol"].endswith("PE") and abs(otm_strike - (atm_strike - 100)) <= 50, otm

    body = http_error_body(client.optionsymbol(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry,
                                               offset="ITM51", option_type="CE"), 400)
    assert body["message"] == "Validation error" and list(body["errors"]) == ["offset"], body
    body = http_error_body(client.optionsymbol(underlying="NIFTY", exchange="NSE_INDEX", offset="ATM", option_type="CE"), 400)
    assert list(body["errors"]) == ["expiry_date"], body
    body = http_error_body(client.optionsymbol(underlying="NIFTY", exchange="NSE_INDEX", expiry_date=expiry,
                                               offset="ATM", option_type="XX"), 400)
    assert list(body["errors"]) == ["option_type"], body


def test_optionsymbol_with_a_future_as_underlying(client):
    futures = ok(client.expiry(symbol="NIFTY", exchange="NFO", instrumenttype="futures"))["data"]
    month = datetime.datetime.strptime(futures[0], "%d-%b-%y").strftime("%d%b%y").upper()
    if month not in {d.strftime("%d%b%y").upper() for d in nifty_option_expiries(client)}:
        pytest.skip(f"no NIFTY options expire with the {month} future")
    reply = ok(client.optionsymbol(underlying=f"NIFTY{month}FUT", exchange="NFO", offset="ATM", option_type="CE"))
    assert reply["symbol"].startswith(f"NIFTY{month}"), reply


# --- market calendar ------------------------------------------------------------------------------

def test_holidays(client):
    reply = ok(client.holidays(year=2026))
    assert reply["year"] == 2026 and reply["timezone"] == "Asia/Kolkata", reply
    days = {row["date"]: row for row in reply["data"]}
    assert list(days) == sorted(days), list(days)
    for row in reply["data"]:
        assert set(row) == {"date", "description", "holiday_type", "closed_exchanges", "open_exchanges"}, row
        assert row["holiday_type"] in {"TRADING_HOLIDAY", "SETTLEMENT_HOLIDAY", "SPECIAL_SESSION"}, row
    gurpurb = days["2026-11-24"]
    assert gurpurb["holiday_type"] == "TRADING_HOLIDAY", gurpurb
    assert gurpurb["closed_exchanges"] == ["NSE", "BSE", "NFO", "BFO", "BCD", "CDS"], gurpurb
    assert gurpurb["open_exchanges"] == [
        {"exchange": "MCX", "start_time": ist_millis("2026-11-24", "17:00"), "end_time": ist_millis("2026-11-24", "23:55")}], gurpurb
    assert days["2026-02-01"]["holiday_type"] == "SPECIAL_SESSION", days["2026-02-01"]

    this_year = ok(client.holidays())
    assert this_year["year"] == datetime.datetime.now(IST).year, this_year
    body = http_error_body(client.holidays(year=2019), 400)
    assert "year" in body["message"], body


def test_timings(client):
    day = "2026-11-23"
    reply = ok(client.timings(date=day))
    assert [row["exchange"] for row in reply["data"]] == CALENDAR_EXCHANGES, reply
    assert reply["data"][0] == {"exchange": "NSE", "start_time": ist_millis(day, "09:15"), "end_time": ist_millis(day, "15:30")}, reply
    assert ok(client.timings(date="2026-11-22"))["data"] == [], "a Sunday is closed"
    assert [row["exchange"] for row in ok(client.timings(date="2026-11-24"))["data"]] == ["MCX"]
    assert isinstance(ok(client.timings())["data"], list)
    body = http_error_body(client.timings(date="2026-02-30"), 400)
    assert "date" in body["message"], body


# --- without the market-data module ---------------------------------------------------------------

def test_symbol_master_and_calendar_without_market_data(data_dir, api_key):
    server = start_server(data_dir, "--modules", "broker")
    try:
        openalgo = api(api_key=api_key, host=server.url)
        try:
            assert ok(openalgo.symbol(symbol="SBIN", exchange="NSE"))["data"]["name"] == "State Bank of India"
            assert ok(openalgo.search(query="infosys"))["data"][0]["symbol"] == "INFY"
            assert ok(openalgo.expiry(symbol="BANKNIFTY", exchange="NFO", instrumenttype="options"))["data"]
            assert isinstance(openalgo.instruments(exchange="NSE"), pd.DataFrame)
            assert ok(openalgo.timings(date="2026-11-23"))["data"]
            assert ok(openalgo.holidays(year=2025))["data"]
            # optionsymbol prices the ATM from the feed: without the module it is not served.
            reply = openalgo.optionsymbol(underlying="NIFTY", exchange="NSE_INDEX", expiry_date="01DEC26", offset="ATM",
                                          option_type="CE")
            assert http_error_body(reply, 404)["message"] == "Not found", reply
        finally:
            openalgo.close()
    finally:
        server.stop()
