"""The same strategy file gives the same trades live (in the sandbox, on a replayed feed) and in
the backtester, on the same tick file: the product's promise, end to end.

The tick file (e2e/strategy_ticks.py) is 40 minutes of NSE:SBIN from 09:15 IST, four ticks a
minute at seconds 10, 25, 40 and 55, after one NSE:INFY tick at 09:05 that no strategy follows. The
replay's clock starts at that tick, so at ×30 there are twenty seconds of wall time to create and
start the strategies before SBIN's first tick, and eleven before its first bar closes: the
strategies start from nothing, as the backtest does (no history to seed, no race with it).

`serve --feed replay --replay-speed 30 --always-open` replays it at a minute of data in two seconds. The
hub closes each minute bar by its clock, at the minute, and the sandbox fills an order at the quote
of that moment; the backtester must do the same. Fifteen seconds of data (500 ms of wall time)
separate two ticks, so an order is filled before the next price arrives even on a busy machine.
One user per strategy, so each sandbox account holds one strategy's position. The
comparison is made while both still run: stopping would add a closing order the backtest (which
leaves positions open at the end of its data) does not have."""

import csv
import datetime
import json
import time

import pytest

import strategy_ticks
from conftest import ROOT, create_user_with_key, http, run, start_server, wait_until

DAY = datetime.date(2026, 11, 20)
SPEED = 30  # half a second between ticks: enough for an order's round trip on a loaded machine
CASES = {
    # file name: params (small periods, so a 40-minute file has several signals)
    "ema_crossover": {"fast": 3, "slow": 8},
    "custom_exit_rule": {"lookback": 5, "max_bars": 5},
    "supertrend_trend": {"period": 3, "multiplier": 1.0},
    "rsi_mean_reversion": {"period": 3, "oversold": 35, "overbought": 65},
    "opening_range_breakout": {"range_minutes": 5, "exit_hhmm": 950},
}
# Trades each case makes at least on the file (the breakout trades once a day: in and out).
MIN_TRADES = {"opening_range_breakout": 2}


def tick_file(path):
    rows = strategy_ticks.sbin_sessions([DAY], seed=2, minutes=40, regime_minutes=6, seconds=(10, 25, 40, 55))
    rows.insert(0, strategy_ticks.quote_row("2026-11-20 09:05:00", "INFY", "NSE", 1800.0, 10, 1))
    return strategy_ticks.write(path, rows)


def post(server, key, endpoint, **body):
    status, _, reply = http("POST", f"{server.url}/api/v1/{endpoint}", {"apikey": key, **body})
    assert status == 200 and reply.get("status") == "success", (endpoint, status, reply)
    return reply


def backtest(data_dir, name, ticks, out):
    params = [flag for key, value in CASES[name].items() for flag in ("--param", f"{key}={value}")]
    report = json.loads(run("backtest", ROOT / "strategies" / f"{name}.lua", "--data", ticks, "--always-open", "--json", "--no-store",
                            "--trades", out, *params, data_dir=data_dir).stdout)
    with open(out, newline="") as file:
        return report, list(csv.DictReader(file))


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """Runs every case live over the replay; returns {name: (backtest trades, live orders)}."""
    root = tmp_path_factory.mktemp("parity")
    data_dir = root / "data"
    run("migrate", data_dir=data_dir)
    keys = {name: create_user_with_key(data_dir, f"user{index}") for index, name in enumerate(CASES)}
    ticks = tick_file(root / "ticks.csv")
    expected = {name: backtest(data_dir, name, ticks, root / f"{name}.trades.csv") for name in CASES}
    empty = root / "strategies"
    empty.mkdir()
    started = time.monotonic()
    server = start_server(data_dir, "--feed", "replay", "--replay-file", ticks, "--replay-speed", SPEED, "--always-open",
                          "--strategies-dir", empty)
    try:
        ids = {}
        for name in CASES:
            source = (ROOT / "strategies" / f"{name}.lua").read_text()
            ids[name] = post(server, keys[name], "strategy/create", source=source)["data"]["id"]
            post(server, keys[name], "strategy/start", strategy_id=ids[name], mode="sandbox", params=CASES[name])
        late = time.monotonic() - started
        # SBIN's first bar closes 660 s of data (11 s) after the replay's first tick.
        assert late < 660 / SPEED, f"the strategies started {late:.1f} s after the server: the replay had closed SBIN bars"
        key = next(iter(keys.values()))
        wait_until(lambda: post(server, key, "websocket/status")["data"]["state"] == "finished", "the replay to finish", timeout=120)
        time.sleep(1)
        live = {name: post(server, keys[name], "strategy/orders", strategy_id=ids[name])["data"] for name in CASES}
        for name in CASES:
            status = post(server, keys[name], "strategy/status", strategy_id=ids[name])
            assert status["run"]["status"] == "running", status
    finally:
        server.stop()
    # When each order traded, by the sandbox's clock (the replay's data time).
    traded = {row["orderid"]: row["time"] for row in json.loads(run(
        "sql", "--format", "json", "SELECT o.orderid, CAST(round((julianday(t.traded_at) - 2440587.5) * 86400, 3) AS REAL) AS time "
        "FROM trades t JOIN orders o ON o.id = t.order_id", data_dir=data_dir).stdout)}
    return {name: (expected[name], [{**order, "traded": traded.get(order["orderid"])} for order in live[name]]) for name in CASES}


@pytest.mark.parametrize("name", CASES)
def test_live_sandbox_orders_are_the_backtest_trades(replayed, name):
    (report, trades), orders = replayed[name]
    assert len(trades) >= MIN_TRADES.get(name, 5), trades
    if name == "custom_exit_rule":
        assert {t["tag"] for t in trades} == {"breakout", "exit:rule"}, trades
    assert all(order["status"] == "complete" for order in orders), orders
    backtested = [(t["action"], int(t["quantity"]), float(t["price"])) for t in trades]
    lived = [(o["action"], o["qty"], o["avg_fill_price"]) for o in orders]
    assert lived == backtested, f"\nlive:     {lived}\nbacktest: {backtested}"
    # At the same data time: a bar's order at its end (the minute), an exit at its tick; live, the
    # replay's clock has moved on a little by the time the order reaches the sandbox.
    for trade, order in zip(trades, orders):
        assert 0 <= order["traded"] - int(trade["time"]) < 3, (trade, order)


# MARK: - The short straddle: legs, timers and option prices, live and backtested

STRADDLE_PARAMS = {"entry_hhmm": 920, "exit_hhmm": 930, "lots": 1}
# The straddle enters and exits on its timer, at a minute, ten seconds of data before the next
# prices; both legs' orders must fill before them. At ×10 that is a second of wall time, which a
# loaded machine needs (at ×30 the second leg's close sometimes met the next tick).
STRADDLE_SPEED = 10


@pytest.fixture(scope="module")
def straddle(tmp_path_factory):
    """The short straddle over 09:15–09:32 of NIFTY and its options (the calm day of
    test_strategy_examples, cut short): entered at 09:20 by its one-second timer, closed at 09:30."""
    root = tmp_path_factory.mktemp("parity-straddle")
    data_dir = root / "data"
    run("migrate", data_dir=data_dir)
    key = create_user_with_key(data_dir, "straddler")
    day, _ = strategy_ticks.straddle_date(data_dir)
    rows, _ = strategy_ticks.nifty_straddle_day(day, strategy_ticks.nifty_contracts(data_dir), scenario="calm")
    ticks = strategy_ticks.write(root / "straddle.csv", [row for row in rows if row["timestamp"][11:16] < "09:32"])
    params = [flag for name, value in STRADDLE_PARAMS.items() for flag in ("--param", f"{name}={value}")]
    report = json.loads(run("backtest", ROOT / "strategies" / "short_straddle.lua", "--data", ticks, "--always-open", "--json", "--no-store",
                            "--trades", root / "trades.csv", *params, data_dir=data_dir).stdout)
    with open(root / "trades.csv", newline="") as file:
        expected = list(csv.DictReader(file))
    empty = root / "strategies"
    empty.mkdir()
    server = start_server(data_dir, "--feed", "replay", "--replay-file", ticks, "--replay-speed", STRADDLE_SPEED, "--always-open",
                          "--strategies-dir", empty)
    try:
        sid = post(server, key, "strategy/create", source=(ROOT / "strategies" / "short_straddle.lua").read_text())["data"]["id"]
        post(server, key, "strategy/start", strategy_id=sid, mode="sandbox", params=STRADDLE_PARAMS)
        wait_until(lambda: post(server, key, "websocket/status")["data"]["state"] == "finished", "the replay to finish", timeout=180)
        time.sleep(1)
        live = post(server, key, "strategy/orders", strategy_id=sid)["data"]
    finally:
        server.stop()
    return report, expected, live


def test_the_short_straddle_trades_the_same_legs_live_and_backtested(straddle):
    report, trades, orders = straddle
    assert [t["tag"] for t in trades] == ["leg:short_ce", "leg:short_pe", "exit time", "exit time"], trades
    assert all(order["status"] == "complete" for order in orders), orders
    backtested = [(t["symbol"], t["action"], int(t["quantity"]), float(t["price"])) for t in trades]
    lived = [(o["symbol"], o["action"], o["qty"], o["avg_fill_price"]) for o in orders]
    assert lived == backtested, f"\nlive:     {lived}\nbacktest: {backtested}"
