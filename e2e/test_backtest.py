"""`realalgo backtest` over a bars CSV, end to end: the example EMA crossover gives the same trades
as the same rules in backtrader (e2e/backtrader_reference.py) over the same 20,000 bars; bad input
fails with a clear message and stores nothing; a stored run's trades are the `--trades` CSV; a
sweep's rows are the single runs.

The bars are a seeded random walk on the 0.05 grid, one a minute around the clock (so the
backtests run with `--always-open`: the calendar would refuse orders at night). backtrader stamps
a cheat-on-close fill with the bar's start and RealAlgo with its end, when it has closed: RealAlgo's
times are one minute later. backtrader never fills an order placed on the last bar (see
backtrader_reference.py), so a RealAlgo fill at the very end is left out of the comparison."""

import csv
import json
import random
import subprocess
import sys

import pytest

from conftest import ROOT, run

EMA = ROOT / "strategies" / "ema_crossover.lua"
BARS = 20_000
START = 1_795_000_020  # a whole minute, 2026-11-18 (UTC)
HEADER = "timestamp,open,high,low,close,volume"


def write_bars(path, count, seed=20261121, start_price=812.0):
    """`count` one-minute bars of a seeded random walk on the 0.05 grid (prices as short decimals)."""
    rng = random.Random(seed)
    price = round(start_price / 0.05)
    lines = [HEADER]
    for index in range(count):
        opening = price
        ticks = [opening]
        for _ in range(4):
            price = max(20, price + rng.choice((-3, -2, -1, -1, 0, 1, 1, 2, 3)))
            ticks.append(price)
        o, h, l, c = opening, max(ticks), min(ticks), price
        lines.append(f"{START + 60 * index},{o * 5 / 100:.2f},{h * 5 / 100:.2f},{l * 5 / 100:.2f},{c * 5 / 100:.2f},{rng.randint(100, 5000)}")
    path.write_text("\n".join(lines) + "\n")
    return path


class Hub:
    def __init__(self, root):
        self.root = root
        self.data_dir = root / "data"
        run("migrate", data_dir=self.data_dir)
        self.bars = write_bars(root / "bars.csv", BARS)
        self.count = 0

    def backtest(self, *args, check=True):
        return run("backtest", *args, data_dir=self.data_dir, check=check)

    def ema(self, *flags, trades=None):
        """The EMA crossover over the bars, as JSON, with its `--trades` rows when asked."""
        out = []
        if trades:
            self.count += 1
            path = self.root / f"trades-{self.count}.csv"
            out = ["--trades", path]
        result = self.backtest(EMA, "--data", self.bars, "--symbols", "NSE:SBIN", "--always-open", "--json", *out, *flags)
        report = json.loads(result.stdout)
        if not trades:
            return report
        with open(out[1], newline="") as file:
            return report, list(csv.DictReader(file))

    def sql(self, statement):
        return json.loads(run("sql", "--format", "json", statement, data_dir=self.data_dir).stdout)

    def stored_runs(self):
        return self.sql("SELECT count(*) AS n FROM backtest_runs")[0]["n"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    return Hub(tmp_path_factory.mktemp("backtest"))


def backtrader(bars, out, fast=9, slow=21, qty=10):
    subprocess.run([sys.executable, str(ROOT / "e2e" / "backtrader_reference.py"), str(bars), "--fast", str(fast), "--slow", str(slow),
                    "--qty", str(qty), "--out", str(out)], check=True, capture_output=True, text=True, timeout=300)
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_the_ema_crossover_trades_as_backtrader_does(hub):
    pytest.importorskip("backtrader")
    report, trades = hub.ema("--no-store", trades=True)
    assert report["bars"] == BARS and report["params"] == {"fast": 9, "qty": 10, "slow": 21}, report
    last_end = START + 60 * BARS
    ours = [(int(t["time"]) - 60, t["action"], int(t["quantity"]), float(t["price"])) for t in trades if int(t["time"]) != last_end]
    theirs = [(f["time"], f["action"], f["quantity"], f["price"]) for f in backtrader(hub.bars, hub.root / "backtrader.jsonl")]
    assert len(ours) > 100, len(ours)
    for index, (mine, other) in enumerate(zip(ours, theirs)):
        assert mine == other, f"fill {index + 1}: RealAlgo {mine}, backtrader {other}"
    assert len(ours) == len(theirs)


def test_bad_input_fails_clearly_and_stores_nothing(hub, tmp_path):
    before = hub.stored_runs()
    syntax = tmp_path / "broken.lua"
    syntax.write_text('strategy = { name = "broken", symbols = { "NSE:SBIN" }, timeframe = "1m" }\n\nfunction on_bar(ctx, bar)\n  if bar.close > then\nend\n')
    bad_row = tmp_path / "bad.csv"
    lines = hub.bars.read_text().splitlines()[:10]
    fields = lines[6].split(",")
    fields[4] = "12x.5"
    lines[6] = ",".join(fields)
    bad_row.write_text("\n".join(lines) + "\n")
    huge_volume = tmp_path / "huge.csv"
    lines = hub.bars.read_text().splitlines()[:10]
    fields = lines[3].split(",")
    fields[5] = "1e19"
    lines[3] = ",".join(fields)
    huge_volume.write_text("\n".join(lines) + "\n")
    cases = [
        ((tmp_path / "missing.lua", "--data", hub.bars), ["missing.lua", "cannot be read"]),
        ((EMA, "--data", tmp_path / "missing.csv", "--symbols", "NSE:SBIN"), ["missing.csv", "cannot be read"]),
        ((syntax, "--data", hub.bars), ["broken.lua:4:", "unexpected symbol near 'then'"]),
        ((EMA, "--data", bad_row, "--symbols", "NSE:SBIN"), ['bad.csv: line 7, column 5 (close): must be a positive number (got "12x.5")']),
        ((EMA, "--data", huge_volume, "--symbols", "NSE:SBIN"), ['huge.csv: line 4, column 6 (volume): must be a whole number, 0 or more (got "1e19")']),
        ((EMA, "--data", hub.bars, "--symbols", "NSE:SBIN", "--param", "nosuch=3"), ["params.nosuch: the strategy declares no such param"]),
        ((EMA, "--data", hub.bars, "--symbols", "NSE:SBIN", "--param", "fast=1"), ["params.fast: must be at least 2 (got 1)"]),
        ((EMA, "--data", hub.bars, "--symbols", "NSE:SBIN", "--param", "fast"), ["fast: expected name=value"]),
        # A sweep refuses a bad value or an unknown param before it runs anything, as a single run does.
        ((EMA, "--data", hub.bars, "--symbols", "NSE:SBIN", "--sweep", "slow=21,zz"), ['params.slow: must be an integer (got "zz")']),
        ((EMA, "--data", hub.bars, "--symbols", "NSE:SBIN", "--sweep", "nosuch=1,2"), ["params.nosuch: the strategy declares no such param"]),
    ]
    for args, words in cases:
        result = hub.backtest(*args, check=False)
        assert result.returncode != 0, (args, result.stdout)
        message = result.stderr
        assert all(word in message for word in words), (args, words, message)
        assert "Fatal error" not in message and "Stack dump" not in message, message
        assert result.stdout.strip() == "", (args, result.stdout)
    assert hub.stored_runs() == before


def test_a_stored_run_holds_the_trades_of_the_csv(hub):
    before = hub.stored_runs()
    report, trades = hub.ema(trades=True)
    assert hub.stored_runs() == before + 1
    run_id = report["run_id"]
    stored = hub.sql(f"SELECT seq, CAST(strftime('%s', traded_at) AS INTEGER) AS time, exchange, symbol, action, quantity, price, "
                     f"position_after, realized_pnl, tag FROM backtest_trades WHERE run_id = {run_id} ORDER BY seq")
    assert len(stored) == len(trades) == report["report"]["trades"] > 100
    for row, trade in zip(stored, trades):
        assert (row["seq"], row["time"], row["exchange"], row["symbol"], row["action"], row["quantity"], row["position_after"], row["tag"]) == (
            int(trade["sequence"]), int(trade["time"]), trade["exchange"], trade["symbol"], trade["action"], int(trade["quantity"]),
            int(trade["position_after"]), trade["tag"]), (row, trade)
        assert row["price"] == float(trade["price"]) and row["realized_pnl"] == float(trade["realized_pnl"]), (row, trade)
    run_row = hub.sql(f"SELECT strategy_name, trade_count, trades_sha256, bars, sweep_id FROM backtest_runs WHERE id = {run_id}")[0]
    assert run_row == {"strategy_name": "EMA crossover", "trade_count": len(trades), "trades_sha256": report["trades_sha256"], "bars": BARS,
                       "sweep_id": None}, run_row


def test_a_sweep_prints_one_row_per_combination_with_the_single_runs_hashes(hub):
    result = hub.backtest(EMA, "--data", hub.bars, "--symbols", "NSE:SBIN", "--always-open", "--no-store",
                          "--sweep", "fast=5,9", "--sweep", "slow=21,34")
    header, *rows = result.stdout.strip().splitlines()
    assert header.split("\t") == ["params", "net_pnl", "trades", "win_rate", "max_drawdown", "sharpe", "trades_sha256"], header
    swept = {row.split("\t")[0]: row.split("\t")[-1] for row in rows}
    assert sorted(swept) == ["fast=5 slow=21", "fast=5 slow=34", "fast=9 slow=21", "fast=9 slow=34"], rows
    for label, digest in swept.items():
        params = [flag for pair in label.split() for flag in ("--param", pair)]
        single = hub.ema("--no-store", *params)
        assert single["trades_sha256"] == digest, (label, single["trades_sha256"], digest)
    assert len(set(swept.values())) == 4


FAILS_LATER = """
strategy = { name = "fails later", symbols = { "NSE:SBIN" }, timeframe = "1m" }
local seen = 0
function on_bar(ctx, bar)
  seen = seen + 1
  if seen == 3 then ctx.buy(nil, 1) end
  if seen == 10 then ctx.log("about to fail") end
  if seen == 50 then error("bar fifty is too many") end
end
"""


def test_a_strategy_failing_mid_run_reports_its_line_exits_1_and_is_not_stored(hub, tmp_path):
    script = tmp_path / "fails_later.lua"
    script.write_text(FAILS_LATER)
    before = hub.stored_runs()
    result = hub.backtest(script, "--data", hub.bars, "--symbols", "NSE:SBIN", "--always-open", "--logs", check=False)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "fails_later.lua:8: bar fifty is too many" in result.stderr, result.stderr
    assert "Usage:" not in result.stderr and "Fatal error" not in result.stderr, result.stderr
    # The report up to the failure is printed, with the script's own log line.
    assert "error          on_bar:" in result.stdout and "trades         1 " in result.stdout, result.stdout
    assert "about to fail" in result.stdout, result.stdout
    assert hub.stored_runs() == before


def test_costs_come_out_of_the_pnl_and_logs_are_printed_on_request(hub):
    free = hub.ema("--no-store")
    charged = hub.ema("--no-store", "--cost-per-order", "20", "--cost-bps", "3")
    trades = free["report"]["trades"]
    # The same fills (costs change no decision here), each charged: the P&L and so the hash differ.
    assert charged["report"]["trades"] == trades and charged["trades_sha256"] != free["trades_sha256"]
    # At least ₹20 a fill, and more for the turnover share.
    assert charged["report"]["netPnL"] < free["report"]["netPnL"] - 20 * trades, (charged["report"], free["report"])
    refused = hub.backtest(EMA, "--data", hub.bars, "--symbols", "NSE:SBIN", "--cost-bps=-1", check=False)
    assert refused.returncode != 0 and "--cost-bps must be zero or more" in refused.stderr, refused.stderr
    with_logs = hub.ema("--no-store", "--logs")
    assert isinstance(with_logs["logs"], list) and "logs" not in free


SOMETIMES_FAILS = """
strategy = { name = "sometimes fails", symbols = { "NSE:SBIN" }, timeframe = "1m", params = { fail_at = { default = 0, min = 0 } } }
local seen = 0
function on_bar(ctx, bar)
  seen = seen + 1
  if seen == 3 then ctx.buy(nil, 1) end
  if seen == ctx.params.fail_at then error("failing on purpose") end
end
"""


def test_a_sweep_reports_a_combination_the_script_broke_as_an_error_row_and_stores_only_the_others(hub, tmp_path):
    script = tmp_path / "sometimes_fails.lua"
    script.write_text(SOMETIMES_FAILS)
    before = hub.stored_runs()
    result = hub.backtest(script, "--data", hub.bars, "--symbols", "NSE:SBIN", "--always-open", "--sweep", "fail_at=0,50")
    rows = dict(line.split("\t", 1) for line in result.stdout.strip().splitlines()[1:])
    assert rows["fail_at=50"].startswith("error: on_bar:") and "failing on purpose" in rows["fail_at=50"], rows
    assert not rows["fail_at=0"].startswith("error"), rows
    assert hub.stored_runs() == before + 1
    as_json = json.loads(hub.backtest(script, "--data", hub.bars, "--symbols", "NSE:SBIN", "--always-open", "--no-store", "--json",
                                      "--sweep", "fail_at=0,50").stdout)
    assert [sorted(row) for row in as_json] == [["params", "report"], ["error", "params"]], as_json
    assert as_json[1]["params"] == {"fail_at": 50}, as_json


def test_a_tick_file_is_recognised_by_any_name_the_replay_format_gives_the_last_price(hub, tmp_path):
    ticks = tmp_path / "ticks.csv"
    rows = ["Timestamp,Symbol,Exchange,Last Price,volume"]
    for index in range(600):
        rows.append(f"{START + 10 * index},SBIN,NSE,{812 + (index % 7) * 0.05:.2f},{100 * index}")
    ticks.write_text("\n".join(rows) + "\n")
    report = json.loads(hub.backtest(EMA, "--data", ticks, "--always-open", "--no-store", "--json").stdout)
    assert report["ticks"] == 600 and report["bars"] == 0, report
