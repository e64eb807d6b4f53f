"""docs/SQL-COOKBOOK.md, tested: every recipe runs through `realalgo sql` against a realistic hub,
and the important ones return the numbers we can work out by hand from the data inserted here.

The hub is built the way a person at the sqlite3 shell would build it: orders, then the trades that
fill them. The triggers of migration 0004 turn those trades into positions, the position ledger and
funds, so the P&L the recipes read is computed by the schema, not written by this test.

Days matter to many recipes ("today", "this month"), so every business timestamp is placed on
today's IST date (or on the last day of the previous month) at a fixed IST time of day. The test
assumes it does not run across IST midnight.
"""

import datetime
import json
import re
import subprocess

import pytest

from conftest import BINARY, ROOT, run

COOKBOOK = ROOT / "docs" / "SQL-COOKBOOK.md"
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


# --- Reading the cookbook ---------------------------------------------------------------------

def cookbook_recipes():
    """{heading: sql} for every ```sql block, keyed by the nearest heading above it."""
    recipes, heading = {}, None
    for match in re.finditer(r"^(#{2,3}) (.+?)\s*$|^```sql\n(.*?)^```", COOKBOOK.read_text(), re.M | re.S):
        if match.group(2):
            heading = match.group(2)
        else:
            assert heading is not None, "a ```sql block comes before any heading"
            assert heading not in recipes, f"two ```sql blocks under one heading: {heading!r}"
            recipes[heading] = match.group(3).strip()
    return recipes


RECIPES = cookbook_recipes()


def recipe(title_start):
    """The SQL of the one recipe whose heading starts with `title_start`."""
    found = [sql for heading, sql in RECIPES.items() if heading.startswith(title_start)]
    assert len(found) == 1, f"expected one recipe titled {title_start!r}…, found {len(found)} in {list(RECIPES)}"
    return found[0]


# --- Building the hub -------------------------------------------------------------------------

def utc_text(day, time_of_day):
    """The hub's timestamp text (UTC, milliseconds) for an IST date and 'HH:MM:SS' on it."""
    local = datetime.datetime.combine(day, datetime.time.fromisoformat(time_of_day), IST)
    return local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def epoch_seconds(day, time_of_day):
    local = datetime.datetime.combine(day, datetime.time.fromisoformat(time_of_day), IST)
    return int(local.timestamp())


def sqlite(database, script):
    """Runs a script in the sqlite3 shell with foreign keys on; any error fails the test."""
    result = subprocess.run(["sqlite3", "-bail", str(database)], input="PRAGMA foreign_keys = ON;\n" + script,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr, f"sqlite3 failed:\n{result.stderr}\n{script}"
    return result.stdout


def sql_text(value):
    """A SQL literal for a Python string or None."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def order(orderid, symbol, action, quantity, pricetype, placed_at, *, exchange="NSE", product="MIS",
          price=0, strategy=None, status="pending", rejection_reason=None, username="alice"):
    """INSERT for one order on the user's sandbox account (created with the user), tagged with the
    user's strategy named `strategy` if given. MARKET orders carry price 0, and every order starts
    unfilled: fills are trades."""
    return f"""
INSERT INTO orders (orderid, account_id, strategy, strategy_id, exchange, symbol, instrument_id, action, quantity,
                    pricetype, product, price, status, rejection_reason, created_at, updated_at)
SELECT '{orderid}', a.id, COALESCE(s.name, ''), s.id, '{exchange}', '{symbol}',
       (SELECT id FROM instruments WHERE exchange = '{exchange}' AND symbol = '{symbol}'),
       '{action}', {quantity}, '{pricetype}', '{product}', {price}, '{status}',
       {sql_text(rejection_reason)}, '{placed_at}', '{placed_at}'
  FROM accounts a
  JOIN users u ON u.id = a.user_id
  LEFT JOIN strategies s ON s.user_id = u.id AND s.name = {sql_text(strategy)}
 WHERE u.username = '{username}' AND a.name = 'sandbox';"""


def fill(tradeid, orderid, quantity, price, traded_at):
    """INSERT for one trade filling `orderid`; account, exchange, symbol, product and action are the order's."""
    return f"""
INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price, traded_at)
SELECT '{tradeid}', id, account_id, exchange, symbol, product, action, {quantity}, {price}, '{traded_at}'
  FROM orders WHERE orderid = '{orderid}';"""


def build_hub(data_dir, today, nifty_future):
    """Alice's trading: a closed month-end trade, today's round trips (one winner, one loser), two
    open positions, a cancelled LIMIT order, a rejected order, and ticks and bars for RELIANCE."""
    last_month = today.replace(day=1) - datetime.timedelta(days=1)

    def t(time_of_day):  # a time today, IST
        return utc_text(today, time_of_day)

    def m(time_of_day):  # a time on the last day of last month, IST
        return utc_text(last_month, time_of_day)

    script = f"""
BEGIN;
INSERT INTO strategies (user_id, name, description, symbols, timeframe)
SELECT id, 'ORB', 'Opening-range breakout', '["RELIANCE", "TCS"]', '5m' FROM users WHERE username = 'alice';
INSERT INTO strategies (user_id, name, description, product, symbols)
SELECT id, 'SBIN swing', 'Mean reversion on SBIN', 'CNC', '["SBIN"]' FROM users WHERE username = 'alice';
INSERT INTO strategy_accounts (strategy_id, account_id)
SELECT s.id, a.id FROM strategies s JOIN accounts a ON a.user_id = s.user_id;

-- Last month: INFY bought at 1500 and sold at 1520, +200.
{order('CB-1001', 'INFY', 'BUY', 10, 'MARKET', m('09:20:00'))}
{fill('T-1001', 'CB-1001', 10, 1500, m('09:20:01'))}
{order('CB-1002', 'INFY', 'SELL', 10, 'MARKET', m('14:00:00'))}
{fill('T-1002', 'CB-1002', 10, 1520, m('14:00:01'))}

-- Today, strategy ORB: RELIANCE long 100 (LIMIT 1500, filled 60 @ 1499.5 + 40 @ 1500: avg 1499.7),
-- closed with a LIMIT 1510 sell filled at 1510.5: +1080. TCS short 20 @ 3100, covered at 3110: -200.
{order('CB-2001', 'RELIANCE', 'BUY', 100, 'LIMIT', t('09:20:00'), price=1500, strategy='ORB')}
{fill('T-2001', 'CB-2001', 60, 1499.5, t('09:20:02'))}
{fill('T-2002', 'CB-2001', 40, 1500, t('09:21:00'))}
{order('CB-2002', 'RELIANCE', 'SELL', 100, 'LIMIT', t('10:30:00'), price=1510, strategy='ORB')}
{fill('T-2003', 'CB-2002', 100, 1510.5, t('10:31:00'))}
{order('CB-2003', 'TCS', 'SELL', 20, 'MARKET', t('11:00:00'), strategy='ORB')}
{fill('T-2004', 'CB-2003', 20, 3100, t('11:00:01'))}
{order('CB-2004', 'TCS', 'BUY', 20, 'MARKET', t('11:45:00'), strategy='ORB')}
{fill('T-2005', 'CB-2004', 20, 3110, t('11:45:01'))}

-- Left open: SBIN 50 CNC bought with a LIMIT 950 at 949 (strategy 'SBIN swing'), and one lot of
-- the nearest NIFTY future bought at 26010 by hand.
{order('CB-2005', 'SBIN', 'BUY', 50, 'LIMIT', t('12:00:00'), product='CNC', price=950, strategy='SBIN swing')}
{fill('T-2006', 'CB-2005', 50, 949, t('12:00:05'))}
{order('CB-2006', nifty_future, 'BUY', 65, 'MARKET', t('12:30:00'), exchange='NFO', product='NRML')}
{fill('T-2007', 'CB-2006', 65, 26010, t('12:30:01'))}

-- A LIMIT order that never filled and was cancelled, and an order the risk checks rejected.
{order('CB-2007', 'ITC', 'BUY', 100, 'LIMIT', t('13:00:00'), price=400, status='open')}
UPDATE orders SET status = 'cancelled', updated_at = '{t('13:30:00')}' WHERE orderid = 'CB-2007';
{order('CB-2008', 'TATASTEEL', 'SELL', 1000, 'MARKET', t('13:15:00'), status='rejected',
       rejection_reason='insufficient margin: required 34000.00, available 0.00')}

-- Marks for the open positions (the one write to positions that is not a trade's).
UPDATE positions SET ltp = 960, ltp_at = '{t('15:29:00')}' WHERE symbol = 'SBIN';
UPDATE positions SET ltp = 25990, ltp_at = '{t('15:29:00')}' WHERE symbol = '{nifty_future}';

-- Market data: RELIANCE (id 1) ticks once yesterday and four times today, the NIFTY index (id 101)
-- twice today; three 1-minute RELIANCE bars today and one yesterday.
INSERT INTO ticks (instrument_id, ts_ns, ltp, ltq, bid, ask, volume) VALUES
    (1, {epoch_seconds(today - datetime.timedelta(days=1), '15:29:59')} * 1000000000, 1490.0, 5, 1489.95, 1490.05, 900000),
    (1, {epoch_seconds(today, '09:15:00')} * 1000000000, 1498.0, 10, 1497.95, 1498.05, 1000),
    (1, {epoch_seconds(today, '09:15:00')} * 1000000000 + 250000000, 1498.5, 5, 1498.45, 1498.55, 1005),
    (1, {epoch_seconds(today, '09:16:10')} * 1000000000, 1501.0, 20, 1500.95, 1501.05, 1025),
    (1, {epoch_seconds(today, '15:29:59')} * 1000000000, 1512.25, 15, 1512.2, 1512.3, 250000),
    (101, {epoch_seconds(today, '09:15:00')} * 1000000000, 25980.1, NULL, NULL, NULL, NULL),
    (101, {epoch_seconds(today, '15:29:59')} * 1000000000, 26012.35, NULL, NULL, NULL, NULL);
INSERT INTO bars (instrument_id, timeframe, ts, open, high, low, close, volume) VALUES
    (1, '1m', {epoch_seconds(today, '09:15:00')}, 1498.0, 1499.0, 1497.5, 1498.5, 1005),
    (1, '1m', {epoch_seconds(today, '09:16:00')}, 1498.5, 1501.5, 1498.0, 1501.0, 20),
    (1, '1m', {epoch_seconds(today, '09:17:00')}, 1501.0, 1502.0, 1500.0, 1500.5, 35),
    (1, '1m', {epoch_seconds(today - datetime.timedelta(days=1), '15:29:00')}, 1490.5, 1491.0, 1489.0, 1490.0, 400);
COMMIT;
"""
    database = data_dir / "realalgo.db"
    sqlite(database, script)
    # The books must satisfy every CHECK and foreign key, whatever the flattening trades needed.
    assert sqlite(database, "PRAGMA integrity_check; PRAGMA foreign_key_check;").split() == ["ok"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A migrated hub with user alice and the trading of build_hub; returns (data_dir, facts)."""
    assert BINARY.exists(), f"no realalgo binary at {BINARY}: build it or set REALALGO_BIN"
    data_dir = tmp_path_factory.mktemp("cookbook") / "data"
    run("migrate", data_dir=data_dir)
    run("user", "create", "alice", "--password-stdin", data_dir=data_dir, input="password123")
    today = datetime.datetime.now(IST).date()
    nifty_future = sql(data_dir, "SELECT symbol FROM instruments WHERE underlying = 'NIFTY' AND instrument_type = 'FUT' "
                                 "AND expiry >= date('now', '+330 minutes') ORDER BY expiry LIMIT 1")[0]["symbol"]
    build_hub(data_dir, today, nifty_future)
    return data_dir, {"today": today.isoformat(), "last_month": (today.replace(day=1) - datetime.timedelta(days=1)).isoformat(),
                      "nifty_future": nifty_future}


def sql(data_dir, query):
    """Runs `realalgo sql --format json` and returns the rows; a non-zero exit fails the test."""
    result = run("sql", "--format", "json", query, data_dir=data_dir)
    return json.loads(result.stdout)


def rows_of(hub, title_start):
    """Runs the recipe titled `title_start`… on the hub and returns its rows."""
    data_dir, _ = hub
    return sql(data_dir, recipe(title_start))


def only(rows, **match):
    """The one row whose columns have the given values."""
    found = [row for row in rows if all(row[key] == value for key, value in match.items())]
    assert len(found) == 1, f"expected one row with {match}, got {found} from {rows}"
    return found[0]


# --- The cookbook as a whole ------------------------------------------------------------------

def test_the_cookbook_has_at_least_twelve_recipes():
    assert len(RECIPES) >= 12, list(RECIPES)
    for heading, query in RECIPES.items():
        # `realalgo sql "-- …"` would read the query as an option; see "Running a query".
        assert not query.startswith("-"), f"{heading}: a recipe must not start with a comment"
        assert ";" not in query.rstrip(";"), f"{heading}: one statement per recipe"


@pytest.mark.parametrize("heading", list(RECIPES))
def test_every_recipe_runs_and_returns_json(hub, heading):
    data_dir, _ = hub
    result = run("sql", "--format", "json", RECIPES[heading], data_dir=data_dir, check=False)
    assert result.returncode == 0, f"{heading}:\n{result.stderr}"
    assert isinstance(json.loads(result.stdout), list)
    assert "output stopped" not in result.stderr, "a recipe should fit in the default row limit"


# --- Recipes checked against the numbers worked out from build_hub -------------------------------
# Realized P&L: INFY +200 (last month); today RELIANCE +1080 (sold 100 at 1510.5 against an average
# of 1499.7) and TCS -200 (short 20 at 3100, covered at 3110). Open: SBIN 50 @ 949 marked 960
# (+550) and 65 NIFTY futures @ 26010 marked 25990 (-1300).

def test_todays_realized_pnl(hub):
    _, facts = hub
    row = only(rows_of(hub, "1. Today's realized P&L"), username="alice", account="sandbox")
    assert row["trade_date"] == facts["today"]
    assert row["trades"] == 7
    assert row["realized_pnl"] == pytest.approx(880)


def test_pnl_by_month(hub):
    _, facts = hub
    months = {row["month"]: row for row in rows_of(hub, "2. Realized P&L by month")}
    assert months[facts["today"][:7]]["realized_pnl"] == pytest.approx(880)
    assert months[facts["last_month"][:7]]["realized_pnl"] == pytest.approx(200)
    assert months[facts["last_month"][:7]]["trades"] == 2


def test_equity_curve_ends_at_total_realized_pnl(hub):
    curve = rows_of(hub, "3. Equity curve")
    assert [row["cumulative_pnl"] for row in curve] == pytest.approx([200, 1080])
    assert curve[-1]["drawdown"] == 0


def test_account_scorecard(hub):
    row = only(rows_of(hub, "4. Account scorecard"), account="sandbox")
    assert (row["closing_trades"], row["wins"], row["losses"]) == (3, 2, 1)
    assert row["win_rate_pct"] == pytest.approx(66.67)
    assert row["profit_factor"] == pytest.approx(6.4)  # (200 + 1080) / 200
    assert row["realized_pnl"] == pytest.approx(1080)


def test_largest_winner_and_loser(hub):
    rows = rows_of(hub, "5. Largest winners and losers")
    best = only(rows, kind="winner", rank=1)
    worst = only(rows, kind="loser", rank=1)
    assert (best["symbol"], best["realized_pnl"]) == ("RELIANCE", pytest.approx(1080))
    assert (worst["symbol"], worst["realized_pnl"]) == ("TCS", pytest.approx(-200))


def test_streaks(hub):
    # Closing trades in order: INFY win, RELIANCE win, TCS loss.
    row = only(rows_of(hub, "6. Win and loss streaks"), account="sandbox")
    assert (row["longest_win_streak"], row["longest_loss_streak"]) == (2, 1)
    assert row["current_streak"] == "1 loss"


def test_strategy_leaderboard(hub):
    rows = rows_of(hub, "7. Strategy leaderboard")
    assert [row["strategy"] for row in rows] == ["ORB", "SBIN swing"]
    orb = rows[0]
    assert orb["realized_pnl"] == pytest.approx(880)
    assert orb["win_rate_pct"] == pytest.approx(50)
    assert orb["profit_factor"] == pytest.approx(5.4)  # 1080 / 200
    assert orb["max_drawdown"] == pytest.approx(200)  # equity 0 → 1080 → 880
    assert orb["open_positions"] == 0
    assert rows[1]["open_positions"] == 1 and rows[1]["win_rate_pct"] is None


def test_open_strategy_positions(hub):
    row = only(rows_of(hub, "8. Open strategy positions"), strategy="SBIN swing")
    assert (row["symbol"], row["net_qty"], row["unrealized_pnl"]) == ("SBIN", 50, pytest.approx(550))


def test_trade_journal_for_reliance(hub):
    rows = rows_of(hub, "9. Trade journal for one symbol")
    assert [row["tradeid"] for row in rows] == ["T-2001", "T-2002", "T-2003"]
    assert [row["position_after"] for row in rows] == [60, 100, 0]
    assert rows[-1]["cumulative_pnl"] == pytest.approx(1080)
    assert rows[0]["strategy"] == "ORB"


def test_open_positions_unrealized_pnl(hub):
    _, facts = hub
    rows = rows_of(hub, "10. Open positions")
    assert only(rows, symbol="SBIN")["unrealized_pnl"] == pytest.approx(550)  # (960 - 949) × 50
    assert only(rows, symbol=facts["nifty_future"])["unrealized_pnl"] == pytest.approx(-1300)  # (25990 - 26010) × 65
    assert len(rows) == 2  # the closed INFY, RELIANCE and TCS positions are not open exposure


def test_exposure_by_underlying(hub):
    rows = rows_of(hub, "11. Open exposure by underlying")
    assert only(rows, underlying="NIFTY")["net_notional"] == pytest.approx(65 * 25990)
    assert only(rows, underlying="SBIN")["net_notional"] == pytest.approx(50 * 960)


def test_cash_margin_and_equity(hub):
    row = only(rows_of(hub, "12. Cash, margin and equity"), username="alice")
    assert row["realized_pnl"] == pytest.approx(1080)
    assert row["unrealized_pnl"] == pytest.approx(-750)
    assert row["available_cash"] == pytest.approx(10_001_080)
    assert row["equity"] == pytest.approx(10_000_330)


def test_orders_rejected_today(hub):
    rows = rows_of(hub, "13. Orders rejected today")
    assert [(row["orderid"], row["symbol"]) for row in rows] == [("CB-2008", "TATASTEEL")]
    assert rows[0]["rejection_reason"].startswith("insufficient margin")


def test_todays_order_book(hub):
    rows = rows_of(hub, "14. Today's order book")
    assert {row["status"]: row["orders"] for row in rows} == {"complete": 6, "cancelled": 1, "rejected": 1}


def test_limit_order_fill_ratio_and_slippage(hub):
    rows = rows_of(hub, "15. Fill ratio and slippage")
    assert only(rows, symbol="ITC")["fill_ratio_pct"] == 0
    reliance = only(rows, symbol="RELIANCE")
    assert reliance["fill_ratio_pct"] == 100
    # Bought 100 at 1499.7 under a 1500 limit (-0.3), sold 100 at 1510.5 over a 1510 limit (-0.5).
    assert reliance["avg_slippage"] == pytest.approx(-0.4)
    assert only(rows, symbol="SBIN")["avg_slippage"] == pytest.approx(-1.0)


def test_nse_calendar_for_october_2025(hub):
    rows = rows_of(hub, "16. Holidays and special sessions")
    holidays = [row["date"] for row in rows if row["kind"] == "holiday"]
    assert holidays == ["2025-10-02", "2025-10-21", "2025-10-22"]
    specials = [row for row in rows if row["kind"] == "special session"]
    assert {row["date"] for row in specials} == {"2025-10-21"} and len(specials) == 3


def test_is_an_exchange_open(hub):
    rows = rows_of(hub, "17. Is an exchange open")
    muhurat = only(rows, exchange="NSE", day="2025-10-21")  # a holiday, but the special session wins
    assert muhurat["is_trading_day"] == 1
    assert muhurat["rule"].startswith("special session: Muhurat")
    assert "normal 13:45-14:45" in muhurat["sessions"]
    gurpurb = only(rows, exchange="NSE", day="2026-11-24")
    assert (gurpurb["is_trading_day"], gurpurb["sessions"]) == (0, None)
    assert gurpurb["rule"].startswith("holiday:")
    mcx = only(rows, exchange="MCX", day="2026-11-24")  # MCX keeps its evening session
    assert (mcx["is_trading_day"], mcx["sessions"]) == (1, "normal 17:00-23:55")
    assert only(rows, exchange="NFO", day="2026-11-23")["is_trading_day"] == 1


def test_trading_days_in_november_2026(hub):
    rows = rows_of(hub, "18. Trading days in a month")
    assert len(rows) == 30
    assert {row["trading_days_in_month"] for row in rows} == {19}  # 21 weekdays less 10 and 24 Nov
    assert only(rows, day="2026-11-24")["is_trading_day"] == 0


def test_nifty_expiries_and_nearest_chain(hub):
    _, facts = hub
    expiries = rows_of(hub, "19. NIFTY expiries")
    assert len(expiries) > 0
    assert expiries[0]["expiry"] >= facts["today"]
    assert any(row["monthly"] for row in expiries)
    assert all(row["calls"] == row["puts"] > 0 for row in expiries)

    chain = rows_of(hub, "20. Option chain of the nearest NIFTY expiry")
    assert {row["expiry"] for row in chain} == {expiries[0]["expiry"]}
    assert len(chain) == expiries[0]["calls"]
    assert all(row["call_symbol"].endswith("CE") and row["put_symbol"].endswith("PE") for row in chain)
    # The index last ticked at 26012.35: the 26000 strike is at the money.
    assert [row["strike"] for row in chain if row["atm"]] == [26000]


def test_ticks_today(hub):
    rows = rows_of(hub, "21. Tick counts and last tick")
    reliance = only(rows, symbol="RELIANCE")
    assert reliance["ticks"] == 4  # yesterday's tick is not today's
    assert (reliance["last_price"], reliance["last_tick_ist"]) == (1512.25, "15:29:59.000")


def test_bars_of_the_day(hub):
    _, facts = hub
    rows = rows_of(hub, "22. Bars of one instrument")
    assert [row["bar_time_ist"] for row in rows] == [f"{facts['today']} 09:1{minute}:00" for minute in (5, 6, 7)]
    assert [row["close"] for row in rows] == [1498.5, 1501.0, 1500.5]

    (bar,) = rows_of(hub, "23. Resample 1-minute bars")
    assert bar["bar_time_ist"] == f"{facts['today']} 09:15:00"
    assert (bar["open"], bar["high"], bar["low"], bar["close"], bar["volume"]) == (1498.0, 1502.0, 1497.5, 1500.5, 1060)


# --- Closing a position ----------------------------------------------------------------------

def test_a_trade_can_close_a_position(data_dir):
    run("user", "create", "bob", "--password-stdin", data_dir=data_dir, input="password123")
    sqlite(data_dir / "realalgo.db", f"""
{order('X-1', 'INFY', 'BUY', 10, 'MARKET', '2026-11-20T04:00:00.000Z', username='bob')}
{fill('X-T1', 'X-1', 10, 1500, '2026-11-20T04:00:01.000Z')}
{order('X-2', 'INFY', 'SELL', 10, 'MARKET', '2026-11-20T05:00:00.000Z', username='bob')}
{fill('X-T2', 'X-2', 10, 1520, '2026-11-20T05:00:01.000Z')}
""")
    assert sqlite(data_dir / "realalgo.db", "SELECT net_qty, avg_price, realized_pnl FROM positions;").split() == ["0|0.0|200.0"]
