#!/usr/bin/env python3
"""Reference trade list for RealAlgo's backtester: an EMA crossover run by backtrader
(`backtrader==1.9.78.123`, see e2e/requirements.txt) over one symbol's bars.

Input: a CSV with the header `timestamp,open,high,low,close,volume`, `timestamp` in epoch seconds
(UTC), oldest first. The rule, evaluated on each bar's close once both EMAs have a previous value:

    fast crosses above slow (prev fast <= prev slow and fast > slow) and position <= 0 -> buy to +qty
    fast crosses below slow (prev fast >= prev slow and fast < slow) and position >= 0 -> sell to -qty

so a signal reverses a position (a buy of 2*qty from -qty). Market orders fill at the same bar's
close, without commission or slippage. Output: one JSON object per fill,
`{"time": epoch_seconds, "action": "BUY"|"SELL", "quantity": n, "price": p}`, on stdout or in
`--out`; the elapsed time and bars/s go to stderr.

    .venv/bin/python e2e/backtrader_reference.py bars.csv --fast 12 --slow 26 --qty 10 --out trades.jsonl

What is surprising in backtrader, and what the script does about it:

- EMA seeding is TA-Lib's: backtrader's `ExponentialSmoothing` seeds with the simple average of
  the first `period` closes (first value at bar `period - 1`), then `ema = prev*(1-a) + close*a`
  with `a = 2/(period+1)`, like TA-Lib's default (unstable period 0). `--verify-ema` checks it
  against TA-Lib. The last bits can differ: backtrader sums the seed with `math.fsum` (exactly
  rounded) and updates in the form above, while TA-Lib (and RealAlgo's `TA.ema`, which copies it)
  sums left to right and updates as `(close - prev)*a + prev`. The gap is about 1e-13 relative, so
  only a near-exact tie between the EMAs can make the two disagree on a cross.
- `bt.ind.CrossOver` is not the rule above: it compares against the last *non-zero* difference,
  so after a bar where fast == slow it remembers the side before the tie: above, equal, above again
  is no cross for backtrader but a cross up for `prev fast <= prev slow` (and below, equal, below a
  cross down). It matters from flat, before the first trade; later the position condition masks
  it. The rule is therefore written out by hand on `fast[-1]`, `slow[-1]`, `fast[0]`, `slow[0]`,
  which matches RealAlgo's `TA.crossover`/`TA.crossunder`.
- The strategy's first `next()` is on bar `slow - 1`, where the slow EMA has no previous value
  (it is NaN): no cross can happen before bar `slow`, as in RealAlgo.
- "Cheat on close" is a broker setting (`broker.set_coc(True)`), not a `Cerebro` parameter. With
  it a market order placed in `next()` is matched at that bar's close and stamped with that bar's
  time, but it is processed at the start of the *next* bar; so an order placed on the last bar is
  never filled, and a signal on the last bar produces no trade.
- A CSV feed left at the default daily timeframe re-stamps every bar at the end of its session
  (23:59:59.99999 of its date, so all of a day's bars share one time); the feed is declared
  intraday so the CSV times are kept.
- The broker rejects orders it thinks it cannot pay for (`Margin`), which would silently drop a
  reversal; the submit check is off and the cash is large, and any order that does not complete
  stops the script.
"""

import argparse
import datetime
import json
import math
import sys
import time

import backtrader as bt

HEADER = ["timestamp", "open", "high", "low", "close", "volume"]
EPOCH = bt.date2num(datetime.datetime(1970, 1, 1))


def epoch_seconds(num):
    """backtrader's float day number (UTC, naive) back to whole epoch seconds."""
    return round((num - EPOCH) * 86_400)


def utc_bar_time(text):
    return datetime.datetime.fromtimestamp(int(text), tz=datetime.timezone.utc).replace(tzinfo=None)


class EmaCross(bt.Strategy):
    params = (("fast", 12), ("slow", 26), ("qty", 1))

    def __init__(self):
        self.fast = bt.ind.EMA(self.data.close, period=self.p.fast)
        self.slow = bt.ind.EMA(self.data.close, period=self.p.slow)
        self.fills = []
        self.warmup = max(self.p.fast, self.p.slow)

    def next(self):
        # Both EMAs need a value on this bar and the previous one.
        if len(self) <= self.warmup:
            return
        fast, slow, prev_fast, prev_slow = self.fast[0], self.slow[0], self.fast[-1], self.slow[-1]
        if any(math.isnan(v) for v in (fast, slow, prev_fast, prev_slow)):
            return
        position = self.position.size
        if prev_fast <= prev_slow and fast > slow and position <= 0:
            self.order_target_size(target=self.p.qty)
        elif prev_fast >= prev_slow and fast < slow and position >= 0:
            self.order_target_size(target=-self.p.qty)

    def notify_order(self, order):
        if order.status in (order.Submitted, order.Accepted):
            return
        if order.status != order.Completed:
            raise RuntimeError(f"order {order.ref} ended {order.getstatusname()}, not Completed")
        self.fills.append({
            "time": epoch_seconds(order.executed.dt),
            "action": "BUY" if order.isbuy() else "SELL",
            "quantity": int(abs(order.executed.size)),
            "price": order.executed.price,
        })


def check_header(path):
    with open(path, newline="") as file:
        header = file.readline().strip().split(",")
    if header != HEADER:
        sys.exit(f"{path}: header is {','.join(header)!r}, expected {','.join(HEADER)!r}")


def verify_ema(strategy, closes, periods):
    """Largest relative gap between backtrader's EMAs and TA-Lib's over the bars both define."""
    import numpy as np
    import talib

    worst = 0.0
    for line, period in zip((strategy.fast, strategy.slow), periods):
        ours = np.array(line.lines[0].array[: len(closes)], dtype=float)
        theirs = talib.EMA(np.array(closes, dtype=float), timeperiod=period)
        if not np.array_equal(np.isnan(ours), np.isnan(theirs)):
            sys.exit(f"EMA({period}): backtrader and TA-Lib start on different bars")
        defined = ~np.isnan(theirs)
        if defined.any():
            worst = max(worst, float(np.max(np.abs(ours[defined] - theirs[defined]) / np.abs(theirs[defined]))))
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", help="bars: timestamp,open,high,low,close,volume (epoch seconds)")
    parser.add_argument("--fast", type=int, default=12, help="fast EMA period (default 12)")
    parser.add_argument("--slow", type=int, default=26, help="slow EMA period (default 26)")
    parser.add_argument("--qty", type=int, default=1, help="target position size, long or short (default 1)")
    parser.add_argument("--cash", type=float, default=1e12, help="starting cash; large so no order is refused (default 1e12)")
    parser.add_argument("--out", help="write the JSON lines here instead of stdout")
    parser.add_argument("--verify-ema", action="store_true", help="compare the EMAs with TA-Lib's (needs the TA-Lib wheel)")
    args = parser.parse_args()
    if args.fast < 1 or args.slow < 1 or args.qty < 1:
        parser.error("--fast, --slow and --qty must be positive")
    check_header(args.csv)

    cerebro = bt.Cerebro(stdstats=False)
    data = bt.feeds.GenericCSVData(
        dataname=args.csv, headers=True, dtformat=utc_bar_time, timeframe=bt.TimeFrame.Minutes, compression=1,
        datetime=0, open=1, high=2, low=3, close=4, volume=5, openinterest=-1)
    cerebro.adddata(data)
    cerebro.addstrategy(EmaCross, fast=args.fast, slow=args.slow, qty=args.qty)
    cerebro.broker.set_cash(args.cash)
    cerebro.broker.set_coc(True)
    cerebro.broker.set_checksubmit(False)
    cerebro.broker.setcommission(commission=0.0)

    started = time.perf_counter()
    strategy = cerebro.run()[0]
    elapsed = time.perf_counter() - started
    bars = len(data)

    lines = "".join(json.dumps(fill) + "\n" for fill in strategy.fills)
    if args.out:
        with open(args.out, "w") as file:
            file.write(lines)
    else:
        sys.stdout.write(lines)
    rate = bars / elapsed if elapsed > 0 else float("inf")
    print(f"bars={bars} fills={len(strategy.fills)} elapsed_seconds={elapsed:.3f} bars_per_second={rate:.0f}", file=sys.stderr)
    if args.verify_ema:
        closes = list(data.close.array[:bars])
        gap = verify_ema(strategy, closes, (args.fast, args.slow))
        print(f"ema_max_relative_gap_vs_talib={gap:.3g}", file=sys.stderr)


if __name__ == "__main__":
    main()
