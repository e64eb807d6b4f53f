-- A small but complete set of books for the schema-rule tests: two users (each with a sandbox
-- account and funds, made by triggers), a strategy with a leg and a running run, orders in every
-- final and open state, a fill, executions, and one row in each append-only table.
INSERT INTO users (id, username, password_hash) VALUES
    (1, 'alice', 'pbkdf2-sha256$1$c2FsdA==$aGFzaA=='),
    (2, 'bob',   'pbkdf2-sha256$1$c2FsdA==$aGFzaA==');

INSERT INTO api_keys (id, user_id, name, key_hash, key_prefix, revoked_at) VALUES
    (1, 1, 'live',    '1111111111111111111111111111111111111111111111111111111111111111', 'aaaaaaaa', NULL),
    (2, 1, 'revoked', '2222222222222222222222222222222222222222222222222222222222222222', 'bbbbbbbb', '2026-01-01T00:00:00.000Z');

INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES
    (1, 1, '4444444444444444444444444444444444444444444444444444444444444444', '2099-01-01T00:00:00.000Z');

INSERT INTO strategies (id, user_id, name, trailing_sl_type, trailing_sl_value, trailing_sl_active,
                        trailing_sl_peak_pnl, trailing_sl_initial_stop, trailing_sl_current_stop)
VALUES (1, 1, 'straddle', 'points', 500, 1, 1000, -500, 500);

INSERT INTO strategy_accounts (strategy_id, account_id) VALUES (1, 1);

INSERT INTO strategy_legs (id, strategy_id, leg_number, instrument, exchange, product_type, expiry_rule, action,
                           option_type, strike_selection, lots)
VALUES (1, 1, 1, 'NIFTY', 'NFO', 'options', 'current_week', 'SELL', 'CE', 'ATM', 1);

INSERT INTO strategy_runs (id, strategy_id, mode, status) VALUES (1, 1, 'sandbox', 'running');

INSERT INTO orders (id, orderid, account_id, strategy_id, run_id, exchange, symbol, action, quantity, pricetype, product)
VALUES (1, 'O-COMPLETE', 1, 1, 1, 'NSE', 'SBIN', 'BUY', 10, 'MARKET', 'MIS');
INSERT INTO trades (id, tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price)
VALUES (1, 'T-1', 1, 1, 'NSE', 'SBIN', 'MIS', 'BUY', 10, 100);

INSERT INTO orders (id, orderid, account_id, exchange, symbol, action, quantity, pricetype, product, price, status) VALUES
    (2, 'O-OPEN',      1, 'NSE', 'SBIN', 'SELL', 10, 'LIMIT', 'MIS', 110, 'open'),
    (3, 'O-CANCELLED', 1, 'NSE', 'SBIN', 'BUY',  10, 'LIMIT', 'MIS',  95, 'cancelled');
INSERT INTO orders (id, orderid, account_id, exchange, symbol, action, quantity, pricetype, product, status, rejection_reason)
VALUES (4, 'O-REJECTED', 1, 'NSE', 'INFY', 'BUY', 5, 'MARKET', 'CNC', 'rejected', 'insufficient funds');

INSERT INTO strategy_executions (id, strategy_id, run_id, account_id, exchange, symbol, product, action, quantity, status,
                                 entry_order_id, entry_price, trail_best_price)
VALUES (1, 1, 1, 1, 'NSE', 'SBIN', 'MIS', 'BUY', 10, 'entered', 1, 100, 105);
INSERT INTO strategy_executions (id, strategy_id, run_id, account_id, exchange, symbol, product, action, quantity, status,
                                 entry_order_id, entry_price, exit_reason, exited_at)
VALUES (2, 1, 1, 1, 'NSE', 'SBIN', 'MIS', 'SELL', 10, 'exited', 1, 100, 'manual_exit', '2026-01-02T10:00:00.000Z');

INSERT INTO risk_events (id, strategy_id, run_id, event_type, action_taken, threshold_value, current_value)
VALUES (1, 1, 1, 'max_loss', 'close_all', -5000, -5100);
INSERT INTO strategy_logs (id, strategy_id, run_id, level, message, line) VALUES (1, 1, 1, 'info', 'entered', 12);
INSERT INTO audit_log (id, actor, action) VALUES (1, 'system', 'fixture');
INSERT INTO ticks (instrument_id, ts_ns, ltp) VALUES (6, 1763700000000000000, 950.5);
INSERT INTO bars (instrument_id, timeframe, ts, open, high, low, close, volume) VALUES (6, '1m', 1763700000, 950, 951, 949, 950.5, 10);

INSERT INTO gtt_triggers (id, trigger_id, account_id, trigger_type, exchange, symbol, instrument_id, action, product, quantity,
                          pricetype, trigger_price, price, last_price) VALUES
    (1, 'GTT-ACTIVE', 1, 'single', 'NSE', 'SBIN', 6, 'BUY', 'CNC', 1, 'LIMIT', 110, 111, 100),
    (2, 'GTT-FIRED',  1, 'single', 'NSE', 'SBIN', 6, 'BUY', 'CNC', 1, 'LIMIT', 105, 106, 100);
UPDATE gtt_triggers SET status = 'triggered', fired_leg = 'single', order_id = 1 WHERE id = 2;

INSERT INTO exit_brackets (id, entry_order_id, account_id, exchange, symbol, instrument_id, product, side, quantity, target_price, stoploss_price)
VALUES (1, 2, 1, 'NSE', 'SBIN', 6, 'MIS', 'short', 10, 100, 115),
       (2, 1, 1, 'NSE', 'SBIN', 6, 'MIS', 'long', 10, 110, 95);
UPDATE exit_brackets SET status = 'exited', entry_price = 100, exit_leg = 'target', exit_order_id = 2 WHERE id = 2;

-- A CNC buy of 2 January, moved into holdings by the settlement of 3 January (cutoff 00:00 IST).
INSERT INTO orders (id, orderid, account_id, exchange, symbol, action, quantity, pricetype, product)
VALUES (30, 'O-CNC', 1, 'NSE', 'INFY', 'BUY', 5, 'MARKET', 'CNC');
INSERT INTO trades (id, tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price, traded_at)
VALUES (30, 'T-CNC', 30, 1, 'NSE', 'INFY', 'CNC', 'BUY', 5, 1500, '2026-01-02T05:00:00.000Z');
INSERT INTO settlements (id, trading_date, cutoff_at) VALUES (1, '2026-01-03', '2026-01-02T18:30:00.000Z');
INSERT INTO settlement_moves (settlement_id, position_id, quantity)
SELECT 1, id, 5 FROM positions WHERE account_id = 1 AND symbol = 'INFY' AND product = 'CNC';
INSERT INTO holdings (account_id, exchange, symbol, quantity, avg_price) VALUES (1, 'NSE', 'INFY', 5, 1500);
