-- 0012_sandbox_margin: the margin the sandbox broker blocks, and the settings of its rules.
--
-- funds.used_margin is the sum of what working orders and open positions block; keeping the
-- parts on their rows lets a cancel or a fill release exactly what was blocked, and lets anyone
-- check the sum with SQL (docs/SQL-COOKBOOK.md, "Margin").

ALTER TABLE orders ADD COLUMN margin_blocked REAL NOT NULL DEFAULT 0 CHECK (margin_blocked >= 0);
ALTER TABLE positions ADD COLUMN margin_blocked REAL NOT NULL DEFAULT 0 CHECK (margin_blocked >= 0);

-- A final order blocks nothing: whoever finishes an order releases its margin in the same update.
CREATE TRIGGER orders_final_blocks_nothing BEFORE UPDATE OF status, margin_blocked ON orders
WHEN NEW.status IN ('complete', 'cancelled', 'rejected') AND NEW.margin_blocked <> 0
BEGIN
    SELECT RAISE(ABORT, 'orders: a complete, cancelled or rejected order blocks no margin; release it in the same update');
END;

INSERT INTO settings (key, value, description) VALUES
    ('sandbox.equity_mis_leverage', '5', 'Sandbox leverage for NSE/BSE equity MIS (margin = value / leverage).'),
    ('sandbox.equity_cnc_leverage', '1', 'Sandbox leverage for equity CNC and NRML.'),
    ('sandbox.futures_leverage', '10', 'Sandbox leverage for futures.'),
    ('sandbox.option_buy_leverage', '1', 'Sandbox leverage for option buys (1 = the full premium).'),
    ('sandbox.option_sell_leverage', '1', 'Sandbox leverage for option sells.'),
    ('risk.price_band_percent', '20', 'A LIMIT/SL price or trigger further than this % from the LTP is refused (0 = off).'),
    ('risk.max_order_quantity', '0', 'Largest quantity one order may carry (0 = no limit).'),
    ('risk.max_order_value', '0', 'Largest value (quantity × price, rupees) one order may carry (0 = no limit).'),
    ('risk.enforce_market_hours', 'true', 'Refuse orders while the exchange is closed (the trading calendar decides).');
