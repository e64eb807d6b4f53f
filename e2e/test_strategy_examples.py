"""The six example strategies of `strategies/` replayed through `realalgo backtest` on recorded
tick files (e2e/strategy_ticks.py): every example trades, two runs of the same file give the same
trade list (`trades_sha256`), the report has its fields, and each example's own rules show in its
trades (the straddle's legs entered together at the entry time and closed together, by the exit
time or by the max loss; the custom rule's exits tagged `exit:rule`).

One migrated hub for the module: the tick files are read through its instrument master, and the
straddle's NIFTY options are the contracts it lists (relative to the day it was migrated)."""

import csv
import datetime
import json
import re

import pytest

import strategy_ticks
from conftest import ROOT, run

STRATEGIES = ROOT / "strategies"
SBIN_DAYS = (datetime.date(2026, 11, 19), datetime.date(2026, 11, 20))
REPORT_FIELDS = {
    "trades", "roundTrips", "netPnL", "realizedPnL", "unrealizedPnL", "maxDrawdown", "maxDrawdownPercent", "winRate",
    "profitFactor", "sharpe", "startEquity", "endEquity", "equityCurve", "samples", "tradesSHA256", "totalCosts",
}


class Hub:
    def __init__(self, root):
        self.root = root
        self.data_dir = root / "data"
        run("migrate", data_dir=self.data_dir)
        self.sbin = strategy_ticks.write(root / "sbin.csv", strategy_ticks.sbin_sessions(SBIN_DAYS))
        self.contracts = strategy_ticks.nifty_contracts(self.data_dir)
        self.straddle_day, self.expiry = strategy_ticks.straddle_date(self.data_dir)
        self.straddle = {}
        for scenario in ("calm", "rally"):
            rows, options = strategy_ticks.nifty_straddle_day(self.straddle_day, self.contracts, scenario=scenario)
            self.straddle[scenario] = (strategy_ticks.write(root / f"straddle-{scenario}.csv", rows), options)
        self.runs = 0

    def backtest(self, name, data, *flags):
        """`realalgo backtest strategies/NAME.lua --data DATA --json --trades …`: (report JSON, trade rows)."""
        self.runs += 1
        trades = self.root / f"{name}-{self.runs}.trades.csv"
        result = run("backtest", STRATEGIES / f"{name}.lua", "--data", data, "--json", "--trades", trades, *flags, data_dir=self.data_dir)
        with open(trades, newline="") as file:
            return json.loads(result.stdout), list(csv.DictReader(file))


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    return Hub(tmp_path_factory.mktemp("examples"))


def ist(row):
    return datetime.datetime.fromtimestamp(int(row["time"]), strategy_ticks.IST)


def check_report(report, trades, *, ticks):
    assert report["ticks"] == ticks and report["bars"] == 0, report
    assert re.fullmatch(r"[0-9a-f]{64}", report["trades_sha256"]), report
    body = report["report"]
    assert REPORT_FIELDS - {"winRate", "profitFactor", "sharpe"} <= body.keys(), sorted(body)
    assert body["trades"] == len(trades) > 0, (body["trades"], trades)
    assert body["tradesSHA256"] == report["trades_sha256"]
    assert body["startEquity"] == 1_000_000
    assert abs(body["endEquity"] - body["startEquity"] - body["netPnL"]) < 1e-6, body
    assert abs(body["realizedPnL"] + body["unrealizedPnL"] - body["totalCosts"] - body["netPnL"]) < 1e-6, body
    assert abs(sum(float(t["realized_pnl"]) for t in trades) - body["realizedPnL"]) < 1e-6
    assert "run_id" in report and "error" not in report, report
    # The ledger's running position is the sum of the signed fills.
    positions = {}
    for trade in trades:
        key = (trade["exchange"], trade["symbol"])
        positions[key] = positions.get(key, 0) + int(trade["quantity"]) * (1 if trade["action"] == "BUY" else -1)
        assert int(trade["position_after"]) == positions[key], trade


def twice(hub, name, data, *flags, ticks):
    """Two runs of one example: the same trade list, byte for byte; returns the first."""
    first, trades = hub.backtest(name, data, *flags)
    second, again = hub.backtest(name, data, *flags)
    assert first["trades_sha256"] == second["trades_sha256"], (first["trades_sha256"], second["trades_sha256"])
    assert trades == again
    assert first["run_id"] != second["run_id"]
    check_report(first, trades, ticks=ticks)
    return first, trades


def test_ema_crossover_reverses_between_long_and_short(hub):
    report, trades = twice(hub, "ema_crossover", hub.sbin, ticks=4500)
    assert report["params"] == {"fast": 9, "slow": 21, "qty": 10}, report["params"]
    assert [t["action"] for t in trades] == [("BUY", "SELL")[(i + (trades[0]["action"] == "SELL")) % 2] for i in range(len(trades))]
    assert int(trades[0]["quantity"]) == 10 and all(int(t["quantity"]) == 20 for t in trades[1:]), trades
    assert {t["tag"] for t in trades} == {"long", "short"}
    # Bars close at whole minutes; a crossover order fills when its bar has closed.
    assert all(ist(t).second == 0 for t in trades), [t["time"] for t in trades]


def test_supertrend_enters_on_up_turns_and_leaves_on_down_turns_or_the_stop(hub):
    _, trades = twice(hub, "supertrend_trend", hub.sbin, ticks=4500)
    entries, exits = trades[0::2], trades[1::2]
    assert all(t["action"] == "BUY" and t["tag"] == "trend up" and t["position_after"] == "10" for t in entries), entries
    assert all(t["action"] == "SELL" and t["tag"] in ("trend down", "exit:stop_loss") and t["position_after"] == "0" for t in exits), exits


def test_rsi_mean_reversion_trades_both_sides_and_exits_at_the_middle(hub):
    _, trades = twice(hub, "rsi_mean_reversion", hub.sbin, ticks=4500)
    entries, exits = trades[0::2], trades[1::2]
    assert {t["tag"] for t in entries} == {"oversold", "overbought"}, entries
    assert all((t["tag"] == "oversold") == (t["action"] == "BUY") for t in entries)
    assert all(t["tag"] in ("rsi back to 50", "exit:stop_loss", "exit:take_profit") and t["position_after"] == "0" for t in exits), exits


def test_opening_range_breakout_trades_once_a_day_after_the_range(hub):
    _, trades = twice(hub, "opening_range_breakout", hub.sbin, ticks=4500)
    by_day = {}
    for trade in trades:
        by_day.setdefault(ist(trade).date(), []).append(trade)
    assert sorted(by_day) == list(SBIN_DAYS), by_day
    for day, fills in by_day.items():
        entry, *exits = fills
        assert entry["tag"].startswith("breakout") and ist(entry).time() >= datetime.time(9, 31), entry
        assert len(exits) == 1 and exits[0]["tag"] in ("exit time", "exit:stop_loss") and exits[0]["position_after"] == "0", fills
        if exits[0]["tag"] == "exit time":
            assert ist(exits[0]).time() == datetime.time(15, 10), exits


def test_custom_exit_rule_closes_every_trade_through_the_rule(hub):
    report, trades = twice(hub, "custom_exit_rule", hub.sbin, ticks=4500)
    entries, exits = trades[0::2], trades[1::2]
    assert exits and all(t["tag"] == "breakout" and t["action"] == "BUY" for t in entries), entries
    assert all(t["tag"] == "exit:rule" and t["action"] == "SELL" and t["position_after"] == "0" for t in exits), exits
    # The rule runs on every price, so its exits come on ticks (second 5, 15 … 55), not bar closes.
    assert all(ist(t).second % 10 == 5 for t in exits), [t["time"] for t in exits]
    # A shorter time stop changes the trades: the params reach the rule.
    tighter, _ = hub.backtest("custom_exit_rule", hub.sbin, "--param", "max_bars=3", "--no-store")
    assert tighter["params"]["max_bars"] == 3 and tighter["trades_sha256"] != report["trades_sha256"]


def straddle_checks(hub, scenario):
    data, options = hub.straddle[scenario]
    report, trades = twice(hub, "short_straddle", data, ticks=sum(1 for _ in open(data)) - 1)
    assert len(trades) == 4, trades
    entries, exits = trades[:2], trades[2:]
    # Both legs sold at 09:20 (the strategy's one-second timer fires then, between two ticks), one lot
    # each, of one strike of the expiry.
    assert [t["tag"] for t in entries] == ["leg:short_ce", "leg:short_pe"], entries
    assert all(t["action"] == "SELL" and t["quantity"] == "65" and t["exchange"] == "NFO" for t in entries), entries
    assert {ist(t) for t in entries} == {datetime.datetime.combine(hub.straddle_day, datetime.time(9, 20), strategy_ticks.IST)}
    ce, pe = (next(o for o in options if o["symbol"] == t["symbol"]) for t in entries)
    assert (ce["option_type"], pe["option_type"]) == ("CE", "PE") and ce["strike"] == pe["strike"], (ce, pe)
    assert ce["expiry"] == pe["expiry"] == hub.expiry
    # Both closed together, flat.
    assert sorted(t["symbol"] for t in exits) == sorted(t["symbol"] for t in entries), exits
    assert all(t["action"] == "BUY" and t["quantity"] == "65" and t["position_after"] == "0" for t in exits), exits
    assert len({t["time"] for t in exits}) == 1 and exits[0]["tag"] == exits[1]["tag"], exits
    return report, entries, exits


def test_short_straddle_squares_off_at_the_exit_time(hub):
    report, entries, exits = straddle_checks(hub, "calm")
    assert exits[0]["tag"] == "exit time" and ist(exits[0]).time() == datetime.time(15, 15), exits
    assert "stop_reason" not in report
    # A quiet day: the premium decayed, so the straddle made money, within the strategy's limits.
    assert 0 < report["report"]["realizedPnL"] < 3000, report["report"]


def test_short_straddle_max_loss_closes_both_legs_and_stops(hub):
    report, entries, exits = straddle_checks(hub, "rally")
    assert exits[0]["tag"] == "exit:max_loss", exits
    assert ist(exits[0]).time() < datetime.time(15, 15), exits
    assert report["stop_reason"].startswith("risk.max_loss reached"), report
    # The call lost more than the put made, and the loss went past the limit by one price step.
    ce_exit = next(t for t in exits if t["symbol"].endswith("CE"))
    assert float(ce_exit["price"]) > float(entries[0]["price"]), (entries, exits)
    assert -6000 < report["report"]["realizedPnL"] <= -5000, report["report"]


def test_short_straddle_lots_param_scales_every_leg(hub):
    data, _ = hub.straddle["calm"]
    report, trades = hub.backtest("short_straddle", data, "--param", "lots=2", "--no-store")
    assert report["params"]["lots"] == 2
    assert len(trades) == 4 and all(t["quantity"] == "130" for t in trades), trades
