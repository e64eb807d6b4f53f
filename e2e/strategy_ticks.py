"""Deterministic "recorded" tick files for the strategy end-to-end tests.

Each file is a replay tick CSV (`timestamp,symbol,exchange,ltp,volume,bid,ask`, IST times without
an offset, rows in time order) as `realalgo serve --feed replay --replay-file` and
`realalgo backtest --data` read it. Everything comes from a seeded `random.Random`, so the same
arguments always write the same bytes.

- `sbin_sessions`: NSE:SBIN over whole sessions (09:15:00 to 15:29:55 IST), six ticks a minute at
  seconds 5, 15 … 55, a random walk on the 0.05 grid with slowly changing drift (trending stretches,
  so breakouts and trend flips happen), the cumulative day volume, and a bid/ask one or two ticks
  either side of the LTP. There are no ticks between second 55 and second 5 of the next minute, so
  a bar closed by the clock at the minute is closed well before the next price arrives.
- `nifty_straddle_day`: NSE_INDEX:NIFTY over one session, plus the CE and PE of five strikes around
  the 09:20 ATM of one weekly expiry, priced by Black-Scholes from the index (IV 13 %, no rates)
  with the expiry at 15:30 IST, on the 0.05 grid, with a bid/ask spread that widens with the
  premium. `scenario="calm"` keeps the index within a narrow band (the exit-time square-off
  closes the straddle); `scenario="rally"` lifts it about 1.5 % after the entry (max loss).

The NIFTY contracts are not made up: the hub lists them relative to the day it was migrated, so
`nifty_contracts` reads them from a migrated hub with `realalgo sql`, and `straddle_date` picks the
trading day whose current weekly expiry is the hub's nearest one.
"""

import csv
import datetime
import io
import json
import math
import random

from conftest import run

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
TICK = 0.05
SECONDS = (5, 15, 25, 35, 45, 55)
SESSION_MINUTES = 375  # 09:15 to 15:30
HEADER = ["timestamp", "symbol", "exchange", "ltp", "volume", "bid", "ask"]


def grid(price):
    """`price` on the 0.05 grid, as the shortest decimal text (812.35, never 812.3500000001)."""
    return round(round(price / TICK) * TICK, 2)


def stamp(day, minute, second):
    """IST text of `minute` minutes and `second` seconds after 09:15 on `day`."""
    moment = datetime.datetime.combine(day, datetime.time(9, 15), IST) + datetime.timedelta(minutes=minute, seconds=second)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def write(path, rows):
    """Writes rows (dicts with HEADER's keys) sorted by time, equal times in the order given."""
    ordered = sorted(enumerate(rows), key=lambda item: (item[1]["timestamp"], item[0]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    for _, row in ordered:
        writer.writerow(row)
    path.write_text(buffer.getvalue())
    return path


def quote_row(time_text, symbol, exchange, ltp, volume, half_spread_ticks):
    spread = half_spread_ticks * TICK
    bid = grid(ltp - spread) if ltp - spread > TICK / 2 else 0
    return {"timestamp": time_text, "symbol": symbol, "exchange": exchange, "ltp": grid(ltp), "volume": volume,
            "bid": bid, "ask": grid(ltp + spread)}


# MARK: SBIN


def sbin_sessions(days, seed=20261120, start=812.0, minutes=SESSION_MINUTES, regime_minutes=30, seconds=SECONDS):
    """Rows of NSE:SBIN for each date in `days`, the first `minutes` minutes of each session, at
    `seconds` of each minute; the drift changes every `regime_minutes`, and the walk carries over
    from one day to the next."""
    rng = random.Random(seed)
    price = start
    rows = []
    for day in days:
        volume = 0
        drift = 0.0
        for minute in range(minutes):
            if minute % regime_minutes == 0:
                # A new regime: up, down or sideways, about 0.3 % an hour at most.
                drift = rng.choice((-1, -0.5, 0.01, 0.5, 1)) * price * 0.003 / 60 / len(seconds)
            for second in seconds:
                price = max(1.0, price + drift + rng.choice((-3, -2, -1, -1, 0, 0, 1, 1, 2, 3)) * TICK)
                volume += rng.randint(50, 900)
                rows.append(quote_row(stamp(day, minute, second), "SBIN", "NSE", price, volume, rng.choice((1, 1, 2))))
    return rows


# MARK: NIFTY and its options


def nifty_contracts(data_dir):
    """The hub's listed NIFTY options: [{symbol, expiry (date), strike, option_type, lot_size}]."""
    result = run("sql", "--format", "json",
                 "SELECT symbol, expiry, strike, option_type, lot_size FROM instruments "
                 "WHERE underlying = 'NIFTY' AND exchange = 'NFO' AND instrument_type IN ('CE', 'PE') AND is_active = 1 "
                 "ORDER BY expiry, strike, option_type", data_dir=data_dir)
    rows = json.loads(result.stdout)
    for row in rows:
        row["expiry"] = datetime.date.fromisoformat(row["expiry"])
    return rows


def nse_holidays(data_dir):
    result = run("sql", "--format", "json",
                 "SELECT DISTINCT holiday_date FROM market_holidays WHERE exchange IN ('NSE', 'NFO') AND holiday_type = 'trading' "
                 "AND open_from IS NULL", data_dir=data_dir)
    return {datetime.date.fromisoformat(row["holiday_date"]) for row in json.loads(result.stdout)}


def straddle_date(data_dir, today=None):
    """The latest NSE trading day before the hub's nearest NIFTY expiry and not after today (IST):
    on that day the nearest listed expiry is the current weekly one, and it is still live."""
    expiry = min(row["expiry"] for row in nifty_contracts(data_dir))
    holidays = nse_holidays(data_dir)
    today = today or datetime.datetime.now(IST).date()
    day = min(today, expiry - datetime.timedelta(days=1))
    while day.weekday() >= 5 or day in holidays:
        day -= datetime.timedelta(days=1)
    return day, expiry


def black_scholes(spot, strike, years, volatility, call):
    if years <= 0:
        return max(0.0, spot - strike) if call else max(0.0, strike - spot)
    root = volatility * math.sqrt(years)
    d1 = (math.log(spot / strike) + 0.5 * root * root) / root
    d2 = d1 - root
    cdf = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    if call:
        return spot * cdf(d1) - strike * cdf(d2)
    return strike * cdf(-d2) - spot * cdf(-d1)


def nifty_straddle_day(day, contracts, scenario="calm", seed=20261123, start=None, volatility=0.13, strikes_each_side=2):
    """Rows of NSE_INDEX:NIFTY and of the CE/PE around the 09:20 ATM of the nearest expiry in
    `contracts` (from `nifty_contracts`), for one session on `day`.

    Returns (rows, options) where options lists the contracts written."""
    expiry = min(c["expiry"] for c in contracts if c["expiry"] >= day)
    chain = [c for c in contracts if c["expiry"] == expiry]
    strikes = sorted({c["strike"] for c in chain})
    rng = random.Random(seed)
    spot = start or strikes[len(strikes) // 2] + 12.0
    path = []  # (minute, second, spot)
    for minute in range(SESSION_MINUTES):
        for second in SECONDS:
            if scenario == "rally" and 5 <= minute < 200:
                spot += 0.015 * spot / (195 * len(SECONDS))  # about +1.5 % between 09:20 and 12:35
            step = rng.choice((-2, -1, 0, 1, 2)) * (TICK * 6 if scenario == "rally" else TICK * 3)
            spot = max(1.0, spot + step)
            if scenario == "calm":
                spot += (strikes[len(strikes) // 2] + 12.0 - spot) * 0.02  # pulled back to where it started
            path.append((minute, second, grid(spot)))
    entry_spot = next(price for minute, second, price in path if minute >= 5)
    atm = min(strikes, key=lambda strike: (abs(strike - entry_spot), strike))
    index = strikes.index(atm)
    chosen = strikes[max(0, index - strikes_each_side): index + strikes_each_side + 1]
    options = [c for c in chain if c["strike"] in chosen]
    close = datetime.datetime.combine(expiry, datetime.time(15, 30), IST)
    rows = []
    volume = 0
    for minute, second, price in path:
        time_text = stamp(day, minute, second)
        volume += rng.randint(1, 5) * 1000
        rows.append(quote_row(time_text, "NIFTY", "NSE_INDEX", price, volume, 1))
        # Options tick a second after the index, priced off it.
        option_time = stamp(day, minute, second + 1)
        moment = datetime.datetime.strptime(option_time, "%Y-%m-%d %H:%M:%S").replace(tzinfo=IST)
        years = (close - moment).total_seconds() / (365 * 86_400)
        for option in options:
            premium = max(TICK, black_scholes(price, option["strike"], years, volatility, option["option_type"] == "CE"))
            half = 1 + int(premium // 150)
            rows.append(quote_row(option_time, option["symbol"], "NFO", premium, minute * 6 * 650 + second * 65 + 65, half))
    return rows, options
