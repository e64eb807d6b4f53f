-- 0010_seed_instruments: the instrument master of the built-in simulator.
--
-- NSE equities and the NIFTY and BANKNIFTY indices are listed here; their futures and options are
-- listed by RealAlgo itself from `derivative_series` (at `realalgo migrate` and at every start),
-- so the chains always cover the current weekly and monthly expiries. Tokens are simulator-local
-- (the row id), not exchange tokens. Reference prices and volatilities only seed the simulator's
-- price process; they are not market data.
--
-- F&O contract rules (as of November 2026):
-- * Lot sizes NIFTY 65, BANKNIFTY 30: NSE/FAOP/70616 (3 Oct 2025), from the January 2026 expiries.
-- * Freeze quantities NIFTY 1800, BANKNIFTY 600: NSE circular of 30 Jan 2026, effective 1 Feb 2026.
-- * Expiry on Tuesday for NSE contracts expiring on or after 1 Sep 2025 (SEBI approval, Jun 2025);
--   NIFTY has weekly expiries and a monthly one on the last Tuesday; BANKNIFTY's weeklies ended in
--   Nov 2024 (NSE circular of 10 Oct 2024), so it lists monthly expiries only. An expiry that falls
--   on a holiday moves to the previous trading day.
-- * Strike steps: NIFTY 50 points, BANKNIFTY 100 points.

INSERT INTO instruments (id, symbol, exchange, name, instrument_type, lot_size, tick_size, token) VALUES
    (1, 'RELIANCE', 'NSE', 'Reliance Industries', 'EQ', 1, 0.05, '1'),
    (2, 'TCS', 'NSE', 'Tata Consultancy Services', 'EQ', 1, 0.05, '2'),
    (3, 'HDFCBANK', 'NSE', 'HDFC Bank', 'EQ', 1, 0.05, '3'),
    (4, 'ICICIBANK', 'NSE', 'ICICI Bank', 'EQ', 1, 0.05, '4'),
    (5, 'INFY', 'NSE', 'Infosys', 'EQ', 1, 0.05, '5'),
    (6, 'SBIN', 'NSE', 'State Bank of India', 'EQ', 1, 0.05, '6'),
    (7, 'BHARTIARTL', 'NSE', 'Bharti Airtel', 'EQ', 1, 0.05, '7'),
    (8, 'ITC', 'NSE', 'ITC', 'EQ', 1, 0.05, '8'),
    (9, 'LT', 'NSE', 'Larsen & Toubro', 'EQ', 1, 0.05, '9'),
    (10, 'HINDUNILVR', 'NSE', 'Hindustan Unilever', 'EQ', 1, 0.05, '10'),
    (11, 'KOTAKBANK', 'NSE', 'Kotak Mahindra Bank', 'EQ', 1, 0.05, '11'),
    (12, 'AXISBANK', 'NSE', 'Axis Bank', 'EQ', 1, 0.05, '12'),
    (13, 'BAJFINANCE', 'NSE', 'Bajaj Finance', 'EQ', 1, 0.05, '13'),
    (14, 'MARUTI', 'NSE', 'Maruti Suzuki India', 'EQ', 1, 0.05, '14'),
    (15, 'SUNPHARMA', 'NSE', 'Sun Pharmaceutical Industries', 'EQ', 1, 0.05, '15'),
    (16, 'TITAN', 'NSE', 'Titan Company', 'EQ', 1, 0.05, '16'),
    (17, 'ULTRACEMCO', 'NSE', 'UltraTech Cement', 'EQ', 1, 0.05, '17'),
    (18, 'ASIANPAINT', 'NSE', 'Asian Paints', 'EQ', 1, 0.05, '18'),
    (19, 'NTPC', 'NSE', 'NTPC', 'EQ', 1, 0.05, '19'),
    (20, 'POWERGRID', 'NSE', 'Power Grid Corporation of India', 'EQ', 1, 0.05, '20'),
    (21, 'TATASTEEL', 'NSE', 'Tata Steel', 'EQ', 1, 0.05, '21'),
    (22, 'WIPRO', 'NSE', 'Wipro', 'EQ', 1, 0.05, '22'),
    (23, 'HCLTECH', 'NSE', 'HCL Technologies', 'EQ', 1, 0.05, '23'),
    (24, 'ONGC', 'NSE', 'Oil and Natural Gas Corporation', 'EQ', 1, 0.05, '24'),
    (25, 'M&M', 'NSE', 'Mahindra & Mahindra', 'EQ', 1, 0.05, '25'),
    (26, 'ADANIENT', 'NSE', 'Adani Enterprises', 'EQ', 1, 0.05, '26'),
    (27, 'JSWSTEEL', 'NSE', 'JSW Steel', 'EQ', 1, 0.05, '27'),
    (28, 'TECHM', 'NSE', 'Tech Mahindra', 'EQ', 1, 0.05, '28'),
    (29, 'NESTLEIND', 'NSE', 'Nestle India', 'EQ', 1, 0.05, '29'),
    (30, 'COALINDIA', 'NSE', 'Coal India', 'EQ', 1, 0.05, '30'),
    (31, 'BAJAJ-AUTO', 'NSE', 'Bajaj Auto', 'EQ', 1, 0.05, '31'),
    (32, 'DRREDDY', 'NSE', 'Dr. Reddy''s Laboratories', 'EQ', 1, 0.05, '32'),
    (33, 'CIPLA', 'NSE', 'Cipla', 'EQ', 1, 0.05, '33'),
    (34, 'HINDALCO', 'NSE', 'Hindalco Industries', 'EQ', 1, 0.05, '34'),
    (35, 'EICHERMOT', 'NSE', 'Eicher Motors', 'EQ', 1, 0.05, '35'),
    (101, 'NIFTY', 'NSE_INDEX', 'NIFTY 50', 'INDEX', 1, 0.05, '101'),
    (102, 'BANKNIFTY', 'NSE_INDEX', 'NIFTY BANK', 'INDEX', 1, 0.05, '102');

INSERT INTO simulated_instruments (instrument_id, reference_price, annual_volatility) VALUES
    (1, 1500.0, 0.22),
    (2, 3100.0, 0.22),
    (3, 1000.0, 0.18),
    (4, 1400.0, 0.2),
    (5, 1550.0, 0.24),
    (6, 950.0, 0.24),
    (7, 2050.0, 0.2),
    (8, 410.0, 0.18),
    (9, 3900.0, 0.22),
    (10, 2450.0, 0.18),
    (11, 2100.0, 0.2),
    (12, 1250.0, 0.24),
    (13, 1000.0, 0.28),
    (14, 16000.0, 0.22),
    (15, 1750.0, 0.2),
    (16, 3800.0, 0.24),
    (17, 11800.0, 0.22),
    (18, 2800.0, 0.22),
    (19, 330.0, 0.22),
    (20, 290.0, 0.22),
    (21, 170.0, 0.3),
    (22, 245.0, 0.24),
    (23, 1600.0, 0.24),
    (24, 245.0, 0.26),
    (25, 3600.0, 0.26),
    (26, 2400.0, 0.35),
    (27, 1150.0, 0.28),
    (28, 1500.0, 0.26),
    (29, 1250.0, 0.18),
    (30, 385.0, 0.26),
    (31, 9000.0, 0.24),
    (32, 1250.0, 0.22),
    (33, 1550.0, 0.22),
    (34, 800.0, 0.3),
    (35, 7000.0, 0.26),
    (101, 26000.0, 0.13),
    (102, 59000.0, 0.15);

INSERT INTO derivative_series (underlying, underlying_exchange, exchange, lot_size, tick_size, freeze_qty,
                               strike_step, strikes_each_side, expiry_weekday, weekly_expiries, monthly_expiries,
                               future_expiries, reference_price) VALUES
    ('NIFTY',     'NSE_INDEX', 'NFO', 65, 0.05, 1800,  50.0, 20, 2, 4, 3, 3, 26000.0),
    ('BANKNIFTY', 'NSE_INDEX', 'NFO', 30, 0.05,  600, 100.0, 20, 2, 0, 3, 3, 59000.0);
