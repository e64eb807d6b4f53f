-- 0008_create_analytics_views: read-only views over the books for people writing SQL.
-- Dates are IST trading dates; money is in rupees, rounded to paise.

-- Realized P&L per account per IST trading date.
CREATE VIEW daily_pnl AS
SELECT t.account_id,
       a.name AS account,
       date(t.traded_at, '+330 minutes') AS trade_date,
       COUNT(*) AS trades,
       SUM(t.quantity) AS quantity,
       ROUND(SUM(t.quantity * t.price), 2) AS turnover,
       ROUND(SUM(l.realized_pnl), 2) AS realized_pnl
  FROM trades t
  JOIN accounts a ON a.id = t.account_id
  JOIN position_ledger l ON l.trade_id = t.id AND l.book = 'account'
 GROUP BY t.account_id, trade_date;

-- One row per trade with everything a trading journal needs.
CREATE VIEW trade_journal AS
SELECT t.id AS trade_id,
       t.tradeid,
       o.orderid,
       t.traded_at,
       datetime(t.traded_at, '+330 minutes') AS traded_at_ist,
       t.account_id,
       a.name AS account,
       t.exchange,
       t.symbol,
       t.product,
       t.action,
       t.quantity,
       t.price,
       t.trade_value,
       o.pricetype,
       o.source,
       o.strategy AS strategy_tag,
       o.strategy_id,
       s.name AS strategy,
       l.qty_before AS position_before,
       l.qty_after AS position_after,
       l.realized_pnl,
       ls.realized_pnl AS strategy_realized_pnl
  FROM trades t
  JOIN orders o ON o.id = t.order_id
  JOIN accounts a ON a.id = t.account_id
  JOIN position_ledger l ON l.trade_id = t.id AND l.book = 'account'
  LEFT JOIN position_ledger ls ON ls.trade_id = t.id AND ls.book = 'strategy'
  LEFT JOIN strategies s ON s.id = o.strategy_id;

-- Per strategy, from its own position book: realized P&L, win rate over closing trades, profit
-- factor and the largest peak-to-trough fall of cumulative realized P&L (starting from 0).
CREATE VIEW strategy_performance AS
SELECT s.id AS strategy_id,
       s.name AS strategy,
       s.user_id,
       COUNT(c.trade_id) AS trades,
       COALESCE(SUM(c.closing), 0) AS closing_trades,
       COALESCE(SUM(c.pnl > 0), 0) AS wins,
       COALESCE(SUM(c.pnl < 0), 0) AS losses,
       ROUND(100.0 * SUM(c.pnl > 0) / NULLIF(SUM(c.pnl <> 0), 0), 2) AS win_rate_pct,
       ROUND(COALESCE(SUM(c.pnl), 0), 2) AS realized_pnl,
       ROUND(COALESCE(SUM(CASE WHEN c.pnl > 0 THEN c.pnl END), 0), 2) AS gross_profit,
       ROUND(COALESCE(-SUM(CASE WHEN c.pnl < 0 THEN c.pnl END), 0), 2) AS gross_loss,
       -- NULL when there are no losses (an infinite ratio); 0 when there are losses and no wins.
       ROUND(COALESCE(SUM(CASE WHEN c.pnl > 0 THEN c.pnl END), 0) / NULLIF(-SUM(CASE WHEN c.pnl < 0 THEN c.pnl END), 0), 3) AS profit_factor,
       ROUND(COALESCE(MAX(c.drawdown), 0), 2) AS max_drawdown,
       MIN(c.traded_at) AS first_trade_at,
       MAX(c.traded_at) AS last_trade_at
  FROM strategies s
  LEFT JOIN (
        SELECT curve.strategy_id, curve.trade_id, curve.traded_at, curve.pnl, curve.closing,
               max(0.0, MAX(curve.equity) OVER (PARTITION BY curve.strategy_id ORDER BY curve.trade_id
                                                 ROWS UNBOUNDED PRECEDING)) - curve.equity AS drawdown
          -- P&L rounded to 1/100 paisa, so a break-even close is neither a win nor a loss.
          FROM (SELECT l.strategy_id, l.trade_id, t.traded_at, ROUND(l.realized_pnl, 4) AS pnl,
                       (l.qty_before <> 0 AND (l.qty_before > 0) <> (l.signed_qty > 0)) AS closing,
                       SUM(l.realized_pnl) OVER (PARTITION BY l.strategy_id ORDER BY l.trade_id
                                                 ROWS UNBOUNDED PRECEDING) AS equity
                  FROM position_ledger l
                  JOIN trades t ON t.id = l.trade_id
                 WHERE l.book = 'strategy') AS curve
       ) AS c ON c.strategy_id = s.id
 GROUP BY s.id;

-- Open positions marked to their last price (the average price until a tick marks them).
CREATE VIEW open_exposure AS
SELECT p.account_id,
       a.name AS account,
       p.exchange,
       p.symbol,
       p.product,
       i.instrument_type,
       i.underlying,
       i.lot_size,
       p.net_qty,
       p.avg_price,
       COALESCE(p.ltp, p.avg_price) AS mark_price,
       p.ltp IS NOT NULL AS marked,
       ROUND(abs(p.net_qty) * COALESCE(p.ltp, p.avg_price), 2) AS notional,
       ROUND((COALESCE(p.ltp, p.avg_price) - p.avg_price) * p.net_qty, 2) AS unrealized_pnl,
       p.realized_pnl,
       p.updated_at
  FROM positions p
  JOIN accounts a ON a.id = p.account_id
  LEFT JOIN instruments i ON i.exchange = p.exchange AND i.symbol = p.symbol
 WHERE p.buy_qty <> p.sell_qty;

-- Cash and equity per account. Equity is opening balance + realized + unrealized P&L.
CREATE VIEW account_summary AS
SELECT a.id AS account_id,
       a.name AS account,
       a.user_id,
       a.kind,
       f.opening_balance,
       f.realized_pnl,
       u.unrealized_pnl,
       f.used_margin,
       f.available_cash,
       ROUND(f.opening_balance + f.realized_pnl + u.unrealized_pnl, 2) AS equity
  FROM accounts a
  JOIN funds f ON f.account_id = a.id
  JOIN (SELECT a2.id AS account_id, ROUND(COALESCE(SUM(e.unrealized_pnl), 0), 2) AS unrealized_pnl
          FROM accounts a2 LEFT JOIN open_exposure e ON e.account_id = a2.id
         GROUP BY a2.id) AS u ON u.account_id = a.id;
