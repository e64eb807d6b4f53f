"""Indicator exactness: RealAlgo's Swift indicators (through `realalgo indicators`) against TA-Lib's
C library (the `TA-Lib` PyPI wheel) on one fixed data set, to 1e-9 at every bar, with NaN (warm-up)
on exactly the same bars. Supertrend and VWAP, which TA-Lib lacks, are checked against openalgo's
`ta.supertrend`, an independent Python transcription of TradingView's definition, and a pandas
VWAP per IST trading day.

The data set is generated here by SplitMix64 in plain Python, so it is the same on every machine and
numpy version: 5,000 one-minute bars over 14 IST sessions, prices on a 0.05 tick (so highs and lows
tie, as real prices do), a flat stretch (zero ranges, zero changes: TA-Lib's epsilon branches) and
bars without volume (a session starting with no volume has no VWAP)."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import talib
from openalgo import ta as openalgo_ta

from conftest import run

BARS = 5000
SESSION_BARS = 375  # 09:15 to 15:30 IST
FIRST_SESSION = 1_795_000_000 - (1_795_000_000 % 86_400) + 86_400 - 19_800 + 9 * 3600 + 15 * 60  # 09:15 IST
TOLERANCE = 1e-9


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        z ^= z >> 31
        yield (z >> 11) / float(1 << 53)


def tick(price):
    return round(round(price / 0.05) * 0.05, 2)


def make_bars():
    random = splitmix64(20260520)
    rows = []
    price = 2450.0
    for index in range(BARS):
        session, minute = divmod(index, SESSION_BARS)
        timestamp = FIRST_SESSION + session * 86_400 + minute * 60
        open_ = price
        if 1200 <= index < 1260:  # a flat hour: no range, no change
            high = low = close = open_
        else:
            price = max(1.0, tick(price + (next(random) - 0.5) * 6))
            close = price
            high = tick(max(open_, close) + next(random) * 3)
            low = tick(min(open_, close) - next(random) * 3)
        volume = 0 if (minute < 3 and session % 4 == 1) or next(random) < 0.02 else int(next(random) * 5000) + 1
        rows.append((timestamp, open_, high, low, close, volume))
    return pd.DataFrame(rows, columns=["timestamp", "open", "high", "low", "close", "volume"])


@pytest.fixture(scope="module")
def bars():
    return make_bars()


@pytest.fixture(scope="module")
def csv_path(bars, tmp_path_factory):
    path = tmp_path_factory.mktemp("indicators") / "bars.csv"
    # repr() round-trips every float exactly, so Swift reads the same doubles TA-Lib gets.
    with open(path, "w") as file:
        file.write("timestamp,open,high,low,close,volume\n")
        for row in bars.itertuples(index=False):
            file.write(",".join([str(row.timestamp)] + [repr(float(v)) for v in row[1:5]] + [str(row.volume)]) + "\n")
    return path


def swift(csv_path, tmp_path, *specs):
    out = tmp_path / "out.json"
    args = ["indicators", "--input", csv_path, "--output", out]
    for spec in specs:
        args += ["--indicator", spec]
    run(*args)
    return json.loads(out.read_text())


def as_array(values):
    return np.array([math.nan if v is None else v for v in values], dtype=float)


def assert_same(name, actual, expected):
    actual, expected = as_array(actual), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, name
    nan_actual, nan_expected = np.isnan(actual), np.isnan(expected)
    mismatch = np.flatnonzero(nan_actual != nan_expected)
    assert mismatch.size == 0, f"{name}: NaN differs first at bar {mismatch[0]} (swift {actual[mismatch[0]]}, reference {expected[mismatch[0]]})"
    both = ~nan_expected
    error = np.abs(actual[both] - expected[both]) / np.maximum(1.0, np.abs(expected[both]))
    if error.size:
        worst = int(np.argmax(error))
        bar = np.flatnonzero(both)[worst]
        assert error[worst] <= TOLERANCE, f"{name}: bar {bar} swift {actual[bar]!r} reference {expected[bar]!r}"
    assert both.sum() > 0 or expected.size == 0, f"{name}: no values to compare"


SINGLE = [
    ("sma:1", lambda b: talib.SMA(b.close, 1)),
    ("sma:2", lambda b: talib.SMA(b.close, 2)),
    ("sma:20", lambda b: talib.SMA(b.close, 20)),
    ("sma:200", lambda b: talib.SMA(b.close, 200)),
    ("ema:1", lambda b: talib.EMA(b.close, 1)),
    ("ema:2", lambda b: talib.EMA(b.close, 2)),
    ("ema:9", lambda b: talib.EMA(b.close, 9)),
    ("ema:21", lambda b: talib.EMA(b.close, 21)),
    ("ema:200", lambda b: talib.EMA(b.close, 200)),
    ("wma:2", lambda b: talib.WMA(b.close, 2)),
    ("wma:10", lambda b: talib.WMA(b.close, 10)),
    ("wma:30", lambda b: talib.WMA(b.close, 30)),
    ("rsi:2", lambda b: talib.RSI(b.close, 2)),
    ("rsi:14", lambda b: talib.RSI(b.close, 14)),
    ("rsi:50", lambda b: talib.RSI(b.close, 50)),
    ("trange", lambda b: talib.TRANGE(b.high, b.low, b.close)),
    ("atr:1", lambda b: talib.ATR(b.high, b.low, b.close, 1)),
    ("atr:14", lambda b: talib.ATR(b.high, b.low, b.close, 14)),
    ("atr:50", lambda b: talib.ATR(b.high, b.low, b.close, 50)),
    ("adx:2", lambda b: talib.ADX(b.high, b.low, b.close, 2)),
    ("adx:14", lambda b: talib.ADX(b.high, b.low, b.close, 14)),
    ("adx:30", lambda b: talib.ADX(b.high, b.low, b.close, 30)),
]

MULTI = [
    ("macd:12,26,9", lambda b: talib.MACD(b.close, 12, 26, 9), ("macd", "signal", "histogram")),
    ("macd:5,35,5", lambda b: talib.MACD(b.close, 5, 35, 5), ("macd", "signal", "histogram")),
    ("macd:26,12,9", lambda b: talib.MACD(b.close, 26, 12, 9), ("macd", "signal", "histogram")),
    ("macd:12,26,1", lambda b: talib.MACD(b.close, 12, 26, 1), ("macd", "signal", "histogram")),
    ("bbands:5,2,2", lambda b: talib.BBANDS(b.close, 5, 2, 2, 0), ("upper", "middle", "lower")),
    ("bbands:20,2,2", lambda b: talib.BBANDS(b.close, 20, 2, 2, 0), ("upper", "middle", "lower")),
    ("bbands:20,1,2.5", lambda b: talib.BBANDS(b.close, 20, 1, 2.5, 0), ("upper", "middle", "lower")),
    ("stoch:5,3,3", lambda b: talib.STOCH(b.high, b.low, b.close, 5, 3, 0, 3, 0), ("k", "d")),
    ("stoch:14,3,3", lambda b: talib.STOCH(b.high, b.low, b.close, 14, 3, 0, 3, 0), ("k", "d")),
    ("stoch:1,1,1", lambda b: talib.STOCH(b.high, b.low, b.close, 1, 1, 0, 1, 0), ("k", "d")),
]


@pytest.fixture(scope="module")
def arrays(bars):
    class Arrays:
        high = bars.high.to_numpy(float)
        low = bars.low.to_numpy(float)
        close = bars.close.to_numpy(float)
    return Arrays


@pytest.fixture(scope="module")
def computed(csv_path, tmp_path_factory):
    specs = [spec for spec, _ in SINGLE] + [spec for spec, _, _ in MULTI] + ["supertrend:10,3", "supertrend:7,2", "supertrend:1,1.5", "vwap"]
    return swift(csv_path, tmp_path_factory.mktemp("out"), *specs)


def test_talib_is_the_c_library():
    # Guard against a pure-Python stand-in: the comparison is only meaningful against TA-Lib itself.
    assert talib.__ta_version__


@pytest.mark.parametrize("spec,reference", SINGLE, ids=[spec for spec, _ in SINGLE])
def test_single_line_indicators_match_talib(computed, arrays, spec, reference):
    assert_same(spec, computed[spec], reference(arrays))


@pytest.mark.parametrize("spec,reference,lines", MULTI, ids=[spec for spec, _, _ in MULTI])
def test_multi_line_indicators_match_talib(computed, arrays, spec, reference, lines):
    for line, expected in zip(lines, reference(arrays)):
        assert_same(f"{spec} {line}", computed[spec][line], expected)


def supertrend_reference(high, low, close, period, multiplier):
    """TradingView's `ta.supertrend`, transcribed independently of openalgo; direction +1 = up."""
    n = len(close)
    tr = [high[0] - low[0]] + [max(high[i] - low[i], abs(high[i] - close[i - 1]), abs(low[i] - close[i - 1])) for i in range(1, n)]
    line, direction = [math.nan] * n, [math.nan] * n
    first = period - 1
    atr = sum(tr[:period]) / period
    upper = (high[first] + low[first]) / 2 + multiplier * atr
    lower = (high[first] + low[first]) / 2 - multiplier * atr
    line[first], direction[first] = upper, -1.0
    for i in range(first + 1, n):
        atr = (atr * (period - 1) + tr[i]) / period
        basic_upper = (high[i] + low[i]) / 2 + multiplier * atr
        basic_lower = (high[i] + low[i]) / 2 - multiplier * atr
        was_down = line[i - 1] == upper  # Pine: prevSuperTrend == prevUpperBand
        lower = basic_lower if basic_lower > lower or close[i - 1] < lower else lower
        upper = basic_upper if basic_upper < upper or close[i - 1] > upper else upper
        up = close[i] > upper if was_down else not close[i] < lower
        line[i], direction[i] = (lower, 1.0) if up else (upper, -1.0)
    return line, direction


@pytest.mark.parametrize("period,multiplier", [(10, 3.0), (7, 2.0), (1, 1.5)])
def test_supertrend_matches_openalgo_and_tradingview(computed, arrays, period, multiplier):
    spec = f"supertrend:{period},{multiplier:g}"
    result = computed[spec]
    line, direction = openalgo_ta.supertrend(arrays.high, arrays.low, arrays.close, period, multiplier)
    assert_same(f"{spec} trend vs openalgo", result["trend"], line)
    # openalgo follows Pine's sign (-1 = uptrend); RealAlgo uses +1 = up.
    assert_same(f"{spec} direction vs openalgo", result["direction"], -np.asarray(direction, dtype=float))
    line, direction = supertrend_reference(list(arrays.high), list(arrays.low), list(arrays.close), period, multiplier)
    assert_same(f"{spec} trend vs reference", result["trend"], line)
    assert_same(f"{spec} direction vs reference", result["direction"], direction)
    assert set(np.unique(as_array(result["direction"])[period - 1:])) == {-1.0, 1.0}


def test_vwap_matches_pandas_per_ist_trading_day(computed, bars):
    ist_day = pd.to_datetime(bars.timestamp, unit="s", utc=True).dt.tz_convert("Asia/Kolkata").dt.date
    typical = (bars.high + bars.low + bars.close) / 3.0
    volume = bars.volume.astype(float)
    cumulative_pv = (typical * volume).groupby(ist_day).cumsum()
    cumulative_volume = volume.groupby(ist_day).cumsum()
    expected = (cumulative_pv / cumulative_volume).where(cumulative_volume > 0)
    assert ist_day.nunique() == math.ceil(BARS / SESSION_BARS)
    assert_same("vwap", computed["vwap"], expected.to_numpy())
    # The data set has sessions that open without volume: VWAP is undefined there, not a price.
    assert np.isnan(as_array(computed["vwap"])).sum() >= 3


@pytest.mark.parametrize(
    "spec,message",
    [
        ("sma:0", "sma:0: period must be in 1...100000, got 0"),
        ("rsi:1", "rsi:1: period must be in 2...100000, got 1"),
        ("ema:100001", "ema:100001: period must be in 1...100000, got 100001"),
        ("macd:12,26,0", "macd:12,26,0: signalPeriod must be in 1...100000, got 0"),
        ("stoch:5,0,3", "stoch:5,0,3: slowKPeriod must be in 1...100000, got 0"),
        ("supertrend:10,0", "supertrend:10,0: multiplier must be a finite number greater than 0, got 0.0"),
        ("bbands:20,-2,2", "bbands:20,-2,2: deviationsUp must be a finite number greater than 0, got -2.0"),
        ("sma:x", "sma:x: parameter 1 (x) is not an integer"),
        ("kama:10", "kama:10: unknown indicator kama"),
    ],
)
def test_bad_parameters_are_clear_errors(csv_path, tmp_path, spec, message):
    result = run("indicators", "--input", csv_path, "--indicator", spec, check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Fatal error" not in result.stderr


def test_non_finite_input_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,open,high,low,close,volume\n1,1,2,0.5,1,10\n2,1,2,0.5,nan,10\n")
    result = run("indicators", "--input", path, "--indicator", "ema:2", check=False)
    assert result.returncode != 0
    assert "values[1] is not a finite number" in result.stderr


@pytest.mark.parametrize("scale", [1e-6, 1e-16])
def test_instruments_quoted_in_tiny_units_match_talib(bars, tmp_path, scale):
    """TA-Lib 0.8 tests RSI's and ADX's denominators against exact zero (0.4 used 1e-8, which froze
    them on small quotes); RealAlgo does the same, so ratios stay scale-free."""
    scaled = bars.copy()
    for column in ("open", "high", "low", "close"):
        scaled[column] = scaled[column] * scale
    path = tmp_path / "scaled.csv"
    with open(path, "w") as file:
        file.write("timestamp,open,high,low,close,volume\n")
        for row in scaled.itertuples(index=False):
            file.write(",".join([str(row.timestamp)] + [repr(float(v)) for v in row[1:5]] + [str(row.volume)]) + "\n")
    result = swift(path, tmp_path, "rsi:14", "adx:14", "stoch:5,3,3", "bbands:20,2,2")
    high, low, close = (scaled[c].to_numpy(float) for c in ("high", "low", "close"))
    assert_same("rsi", result["rsi:14"], talib.RSI(close, 14))
    assert_same("adx", result["adx:14"], talib.ADX(high, low, close, 14))
    k, d = talib.STOCH(high, low, close, 5, 3, 0, 3, 0)
    assert_same("stoch k", result["stoch:5,3,3"]["k"], k)
    upper, middle, _ = talib.BBANDS(close, 20, 2, 2, 0)
    # Relative to the band itself: at this scale the absolute floor of assert_same would hide anything.
    for name, ours, theirs in (("upper", result["bbands:20,2,2"]["upper"], upper), ("middle", result["bbands:20,2,2"]["middle"], middle)):
        ours, theirs = as_array(ours), np.asarray(theirs)
        valid = ~np.isnan(theirs)
        assert np.array_equal(np.isnan(ours), ~valid)
        assert np.max(np.abs(ours[valid] - theirs[valid]) / np.abs(theirs[valid])) <= TOLERANCE, name
