-- 0009_seed_calendar: trading hours, holidays and special sessions for NSE, BSE, NFO, BFO, CDS and
-- MCX, for 2025 and 2026. Times are IST. (Index feeds follow their cash exchange and BCD follows
-- CDS; RealAlgo's calendar maps them, so they need no rows of their own.)
--
-- Sources, and where they disagree:
-- * NSE 2025: circular NSE/CMTR/65587 (13 Dec 2024), "Trading holidays for the calendar year 2025".
-- * NSE 2026: circular NSE/CMTR/71775 (12 Dec 2025); 15 Jan 2026 (Maharashtra municipal elections)
--   was added by NSE/CMTR/72260 (12 Jan 2026). NSE's lists also name weekend holidays; they are
--   kept so the holiday API matches the published lists.
-- * BSE and BFO: BSE's holiday lists for 2025 and 2026 name the same dates as NSE's.
-- * CDS: the currency segment closes on every equity holiday plus RBI/clearing holidays. 2026:
--   NSE/CD/71962 (23 Dec 2025), 15 Jan by NSE/CD/72233 (9 Jan 2026). 2025: the extra dates come
--   from the published 2025 currency list; Id-E-Milad, first listed for 5 Sep 2025, moved to
--   8 Sep 2025 (NSE/CD/70033) and only 8 Sep is seeded.
-- * MCX: closes its morning session (09:00–17:00) on most exchange holidays and keeps the evening
--   session; on some days it closes both, on New Year's Day only the evening. 2025: MCX holiday list
--   for 2025 (as republished by rupeezy.in). 2026: MCX list reported by News18/CNBC Awaaz on
--   30 Dec 2025. 15 Jan 2026: MCX circular of 12 Jan 2026 keeps the evening session 17:00–23:55
--   (ScanX); Geojit's summary says 23:30 — 23:55 is seeded because winter hours applied that day.
-- * MCX closing time follows US daylight saving: 23:30 while the US is on summer time, 23:55
--   otherwise, switching on the Monday after the US change (MCX circulars of March 2025 and the
--   exchange's stated rule). The 2027 ranges are projected by that rule: check MCX circulars.
-- * Special sessions: budget-day sessions of 1 Feb 2025 and 1 Feb 2026 (NSE/BSE circulars and
--   MCX circulars, reported by Business Standard, Mint and 5paisa) and Muhurat trading of
--   21 Oct 2025 (NSE/BSE circulars, reported by Mint and Deccan Herald). Muhurat 2026 (Sun 8 Nov
--   2026) is not seeded: its timings were not published in any source we could read. Add it with
--   INSERT INTO special_sessions once known.
-- * 2027: only Republic Day (26 Jan, a fixed national holiday on which every Indian exchange
--   closes) is seeded, because January 2027 expiries are already listed; the exchanges' 2027 lists
--   were not published when this was written. Add them with a new migration.
-- * Not seeded: NSE's futures-only pre-open (since 8 Dec 2025) and BSE/NSE settlement-only holidays.

INSERT INTO trading_hours_templates (name, exchange, square_off_time, description) VALUES
    ('NSE equity',              'NSE', '15:15', 'Pre-open 09:00–09:08, normal 09:15–15:30, closing session 15:40–16:00, Mon–Fri'),
    ('BSE equity',              'BSE', '15:15', 'Pre-open 09:00–09:08, normal 09:15–15:30, closing session 15:40–16:00, Mon–Fri'),
    ('NSE F&O',                 'NFO', '15:15', 'Normal 09:15–15:30, Mon–Fri'),
    ('BSE F&O',                 'BFO', '15:15', 'Normal 09:15–15:30, Mon–Fri'),
    ('NSE currency',            'CDS', '16:45', 'Normal 09:00–17:00, Mon–Fri'),
    ('MCX commodities',         'MCX', '23:30', 'Normal 09:00–23:30 while the US observes daylight saving, 09:00–23:55 otherwise, Mon–Fri');

INSERT INTO trading_sessions (template_id, weekday, session_type, start_time, end_time)
WITH weekdays(day) AS (VALUES (1), (2), (3), (4), (5)),
     hours(exchange, session_type, start_time, end_time) AS (VALUES
        ('NSE', 'pre_open',   '09:00', '09:08'),
        ('NSE', 'normal',     '09:15', '15:30'),
        ('NSE', 'post_close', '15:40', '16:00'),
        ('BSE', 'pre_open',   '09:00', '09:08'),
        ('BSE', 'normal',     '09:15', '15:30'),
        ('BSE', 'post_close', '15:40', '16:00'),
        ('NFO', 'normal',     '09:15', '15:30'),
        ('BFO', 'normal',     '09:15', '15:30'),
        ('CDS', 'normal',     '09:00', '17:00'))
SELECT t.id, w.day, h.session_type, h.start_time, h.end_time
  FROM hours h
  JOIN trading_hours_templates t ON t.exchange = h.exchange
 CROSS JOIN weekdays w
 ORDER BY t.id, w.day, h.start_time;

INSERT INTO trading_sessions (template_id, weekday, session_type, start_time, end_time, valid_from, valid_until)
WITH weekdays(day) AS (VALUES (1), (2), (3), (4), (5)),
     seasons(valid_from, valid_until, end_time) AS (VALUES
        ('0001-01-01', '2025-03-09', '23:55'),
        ('2025-03-10', '2025-11-02', '23:30'),
        ('2025-11-03', '2026-03-08', '23:55'),
        ('2026-03-09', '2026-11-01', '23:30'),
        ('2026-11-02', '2027-03-14', '23:55'),
        ('2027-03-15', '2027-11-07', '23:30'),
        ('2027-11-08', '9999-12-31', '23:55'))
SELECT t.id, w.day, 'normal', '09:00', s.end_time, s.valid_from, s.valid_until
  FROM trading_hours_templates t
 CROSS JOIN weekdays w
 CROSS JOIN seasons s
 WHERE t.exchange = 'MCX'
 ORDER BY w.day, s.valid_from;

-- Equity and F&O holidays: NSE, BSE, NFO and BFO close; CDS closes too (its extra days follow).
INSERT INTO market_holidays (holiday_date, exchange, description, source)
WITH days(holiday_date, description, year) AS (VALUES
        ('2025-01-26', 'Republic Day (Sunday)', 2025),
        ('2025-02-26', 'Mahashivratri', 2025),
        ('2025-03-14', 'Holi', 2025),
        ('2025-03-31', 'Id-Ul-Fitr (Ramadan Eid)', 2025),
        ('2025-04-10', 'Shri Mahavir Jayanti', 2025),
        ('2025-04-14', 'Dr. Baba Saheb Ambedkar Jayanti', 2025),
        ('2025-04-18', 'Good Friday', 2025),
        ('2025-05-01', 'Maharashtra Day', 2025),
        ('2025-06-07', 'Bakri Id (Saturday)', 2025),
        ('2025-08-15', 'Independence Day / Parsi New Year', 2025),
        ('2025-08-27', 'Shri Ganesh Chaturthi', 2025),
        ('2025-10-02', 'Mahatma Gandhi Jayanti / Dussehra', 2025),
        ('2025-10-21', 'Diwali Laxmi Pujan (Muhurat trading only)', 2025),
        ('2025-10-22', 'Diwali Balipratipada', 2025),
        ('2025-11-05', 'Prakash Gurpurb Sri Guru Nanak Dev', 2025),
        ('2025-12-25', 'Christmas', 2025),
        ('2026-01-15', 'Maharashtra municipal corporation elections', 2026),
        ('2026-01-26', 'Republic Day', 2026),
        ('2026-02-15', 'Mahashivratri (Sunday)', 2026),
        ('2026-03-03', 'Holi', 2026),
        ('2026-03-21', 'Id-Ul-Fitr (Saturday)', 2026),
        ('2026-03-26', 'Shri Ram Navami', 2026),
        ('2026-03-31', 'Shri Mahavir Jayanti', 2026),
        ('2026-04-03', 'Good Friday', 2026),
        ('2026-04-14', 'Dr. Baba Saheb Ambedkar Jayanti', 2026),
        ('2026-05-01', 'Maharashtra Day', 2026),
        ('2026-05-28', 'Bakri Id', 2026),
        ('2026-06-26', 'Muharram', 2026),
        ('2026-08-15', 'Independence Day (Saturday)', 2026),
        ('2026-09-14', 'Ganesh Chaturthi', 2026),
        ('2026-10-02', 'Mahatma Gandhi Jayanti', 2026),
        ('2026-10-20', 'Dussehra', 2026),
        ('2026-11-08', 'Diwali Laxmi Pujan (Sunday)', 2026),
        ('2026-11-10', 'Diwali Balipratipada', 2026),
        ('2026-11-24', 'Prakash Gurpurb Sri Guru Nanak Dev', 2026),
        ('2026-12-25', 'Christmas', 2026),
        ('2027-01-26', 'Republic Day', 2027)),
     exchanges(code) AS (VALUES ('NSE'), ('NFO'), ('BSE'), ('BFO'), ('CDS'))
SELECT d.holiday_date, e.code, d.description,
       CASE
           WHEN d.year = 2027 THEN 'Republic Day: a fixed national holiday (the 2027 lists were not yet published)'
           WHEN d.holiday_date = '2026-01-15' AND e.code = 'CDS' THEN 'NSE/CD/72233 (9 Jan 2026)'
           WHEN d.holiday_date = '2026-01-15' AND e.code IN ('BSE', 'BFO') THEN 'BSE notice of Jan 2026 (same date as NSE/CMTR/72260)'
           WHEN d.holiday_date = '2026-01-15' THEN 'NSE/CMTR/72260 (12 Jan 2026)'
           WHEN e.code IN ('BSE', 'BFO') THEN 'BSE trading holidays ' || d.year || ' (same dates as NSE''s list)'
           WHEN e.code = 'CDS' AND d.year = 2026 THEN 'NSE/CD/71962 (23 Dec 2025)'
           WHEN e.code = 'CDS' THEN 'NSE currency derivatives holidays 2025 (equity holidays plus RBI/clearing holidays)'
           WHEN d.year = 2025 THEN 'NSE/CMTR/65587 (13 Dec 2024)'
           ELSE 'NSE/CMTR/71775 (12 Dec 2025)'
       END
  FROM days d
 CROSS JOIN exchanges e
 ORDER BY d.holiday_date, e.code;

-- Currency-only closures (clearing and RBI holidays): equity and F&O trade these days.
INSERT INTO market_holidays (holiday_date, exchange, description, source) VALUES
    ('2025-02-19', 'CDS', 'Chhatrapati Shivaji Maharaj Jayanti', 'NSE currency derivatives holidays 2025'),
    ('2025-04-01', 'CDS', 'Annual bank closing', 'NSE currency derivatives holidays 2025'),
    ('2025-05-12', 'CDS', 'Buddha Pournima', 'NSE currency derivatives holidays 2025'),
    ('2025-09-08', 'CDS', 'Id-E-Milad (Mumbai holiday moved from 5 Sep)', 'NSE/CD/70033'),
    ('2026-02-19', 'CDS', 'Chhatrapati Shivaji Maharaj Jayanti', 'NSE/CD/71962 (23 Dec 2025)'),
    ('2026-03-19', 'CDS', 'Gudi Padwa', 'NSE/CD/71962 (23 Dec 2025)'),
    ('2026-04-01', 'CDS', 'Annual bank closing', 'NSE/CD/71962 (23 Dec 2025)'),
    ('2026-08-26', 'CDS', 'Id-E-Milad', 'NSE/CD/71962 (23 Dec 2025)');

-- MCX: open_from/open_until is the session MCX keeps on the day (NULL: closed all day).
INSERT INTO market_holidays (holiday_date, exchange, description, open_from, open_until, source)
WITH days(holiday_date, description, open_from, open_until, source) AS (VALUES
        ('2025-01-01', 'New Year (evening session closed)', '09:00', '17:00', 'MCX trading holidays 2025'),
        ('2025-02-26', 'Mahashivratri', '17:00', '23:55', 'MCX trading holidays 2025'),
        ('2025-03-14', 'Holi', '17:00', '23:30', 'MCX trading holidays 2025'),
        ('2025-03-31', 'Id-Ul-Fitr (Ramadan Eid)', '17:00', '23:30', 'MCX trading holidays 2025'),
        ('2025-04-10', 'Shri Mahavir Jayanti', '17:00', '23:30', 'MCX trading holidays 2025'),
        ('2025-04-14', 'Dr. Baba Saheb Ambedkar Jayanti', '17:00', '23:30', 'MCX trading holidays 2025'),
        ('2025-04-18', 'Good Friday', NULL, NULL, 'MCX trading holidays 2025'),
        ('2025-05-01', 'Maharashtra Day', '17:00', '23:30', 'MCX trading holidays 2025'),
        ('2025-08-15', 'Independence Day', NULL, NULL, 'MCX trading holidays 2025'),
        ('2025-08-27', 'Shri Ganesh Chaturthi', '17:00', '23:30', 'MCX trading holidays 2025'),
        ('2025-10-02', 'Mahatma Gandhi Jayanti / Dussehra', NULL, NULL, 'MCX trading holidays 2025'),
        ('2025-10-21', 'Diwali Laxmi Pujan (Muhurat trading only)', NULL, NULL, 'MCX trading holidays 2025'),
        ('2025-10-22', 'Diwali Balipratipada', '17:00', '23:30', 'MCX trading holidays 2025'),
        ('2025-11-05', 'Prakash Gurpurb Sri Guru Nanak Dev', '17:00', '23:55', 'MCX trading holidays 2025'),
        ('2025-12-25', 'Christmas', NULL, NULL, 'MCX trading holidays 2025'),
        ('2026-01-01', 'New Year (evening session closed)', '09:00', '17:00', 'MCX trading holidays 2026'),
        ('2026-01-15', 'Maharashtra municipal corporation elections', '17:00', '23:55', 'MCX circular of 12 Jan 2026 (reported by ScanX; Geojit reports 23:30)'),
        ('2026-01-26', 'Republic Day', NULL, NULL, 'MCX trading holidays 2026'),
        ('2026-03-03', 'Holi', '17:00', '23:55', 'MCX trading holidays 2026'),
        ('2026-03-26', 'Shri Ram Navami', '17:00', '23:30', 'MCX trading holidays 2026'),
        ('2026-03-31', 'Shri Mahavir Jayanti', '17:00', '23:30', 'MCX trading holidays 2026'),
        ('2026-04-03', 'Good Friday', NULL, NULL, 'MCX trading holidays 2026'),
        ('2026-04-14', 'Dr. Baba Saheb Ambedkar Jayanti', '17:00', '23:30', 'MCX trading holidays 2026'),
        ('2026-05-01', 'Maharashtra Day', '17:00', '23:30', 'MCX trading holidays 2026'),
        ('2026-05-28', 'Bakri Id', '17:00', '23:30', 'MCX trading holidays 2026'),
        ('2026-06-26', 'Muharram', '17:00', '23:30', 'MCX trading holidays 2026'),
        ('2026-09-14', 'Ganesh Chaturthi', '17:00', '23:30', 'MCX trading holidays 2026'),
        ('2026-10-02', 'Mahatma Gandhi Jayanti', NULL, NULL, 'MCX trading holidays 2026'),
        ('2026-10-20', 'Dussehra', '17:00', '23:30', 'MCX trading holidays 2026'),
        ('2026-11-10', 'Diwali Balipratipada', '17:00', '23:55', 'MCX trading holidays 2026'),
        ('2026-11-24', 'Prakash Gurpurb Sri Guru Nanak Dev', '17:00', '23:55', 'MCX trading holidays 2026'),
        ('2026-12-25', 'Christmas', NULL, NULL, 'MCX trading holidays 2026'),
        ('2027-01-26', 'Republic Day', NULL, NULL, 'Republic Day: a fixed national holiday (the 2027 list was not yet published)'))
SELECT holiday_date, 'MCX', description, open_from, open_until, source FROM days ORDER BY holiday_date;

INSERT INTO special_sessions (session_date, exchange, name, session_type, start_time, end_time, description, source)
WITH sessions(session_date, exchange, name, session_type, start_time, end_time, source) AS (VALUES
        ('2025-02-01', 'NSE', 'Union Budget live session', 'pre_open', '09:00', '09:08', 'NSE circular for 1 Feb 2025 (Business Standard, Mint)'),
        ('2025-02-01', 'NSE', 'Union Budget live session', 'normal',   '09:15', '15:30', 'NSE circular for 1 Feb 2025 (Business Standard, Mint)'),
        ('2025-02-01', 'BSE', 'Union Budget live session', 'pre_open', '09:00', '09:08', 'BSE notice for 1 Feb 2025 (Business Standard, Mint)'),
        ('2025-02-01', 'BSE', 'Union Budget live session', 'normal',   '09:15', '15:30', 'BSE notice for 1 Feb 2025 (Business Standard, Mint)'),
        ('2025-02-01', 'NFO', 'Union Budget live session', 'normal',   '09:15', '15:30', 'NSE circular for 1 Feb 2025 (Business Standard, Mint)'),
        ('2025-02-01', 'BFO', 'Union Budget live session', 'normal',   '09:15', '15:30', 'BSE notice for 1 Feb 2025 (Business Standard, Mint)'),
        ('2025-02-01', 'MCX', 'Union Budget live session', 'normal',   '09:00', '17:00', 'MCX circular for 1 Feb 2025 (IANS)'),
        ('2025-10-21', 'NSE', 'Muhurat trading (Samvat 2082)', 'pre_open',   '13:30', '13:45', 'NSE Muhurat circular, Oct 2025 (Mint, Deccan Herald)'),
        ('2025-10-21', 'NSE', 'Muhurat trading (Samvat 2082)', 'normal',     '13:45', '14:45', 'NSE Muhurat circular, Oct 2025 (Mint, Deccan Herald)'),
        ('2025-10-21', 'NSE', 'Muhurat trading (Samvat 2082)', 'post_close', '14:55', '15:05', 'NSE Muhurat circular, Oct 2025 (Mint, Deccan Herald)'),
        ('2025-10-21', 'BSE', 'Muhurat trading (Samvat 2082)', 'pre_open',   '13:30', '13:45', 'BSE Muhurat notice, Oct 2025 (Mint, Deccan Herald)'),
        ('2025-10-21', 'BSE', 'Muhurat trading (Samvat 2082)', 'normal',     '13:45', '14:45', 'BSE Muhurat notice, Oct 2025 (Mint, Deccan Herald)'),
        ('2025-10-21', 'BSE', 'Muhurat trading (Samvat 2082)', 'post_close', '14:55', '15:05', 'BSE Muhurat notice, Oct 2025 (Mint, Deccan Herald)'),
        ('2025-10-21', 'NFO', 'Muhurat trading (Samvat 2082)', 'normal',     '13:45', '14:45', 'NSE Muhurat circular, Oct 2025 (Mint, Deccan Herald)'),
        ('2025-10-21', 'BFO', 'Muhurat trading (Samvat 2082)', 'normal',     '13:45', '14:45', 'BSE Muhurat notice, Oct 2025 (Mint, Deccan Herald)'),
        ('2025-10-21', 'MCX', 'Muhurat trading (Samvat 2082)', 'pre_open',   '13:30', '13:45', 'MCX Muhurat circular, Oct 2025 (DNA)'),
        ('2025-10-21', 'MCX', 'Muhurat trading (Samvat 2082)', 'normal',     '13:45', '14:45', 'MCX Muhurat circular, Oct 2025 (DNA)'),
        ('2026-02-01', 'NSE', 'Union Budget live session', 'pre_open',   '09:00', '09:08', 'NSE circulars of 16 Jan 2026 (Business Standard, 5paisa)'),
        ('2026-02-01', 'NSE', 'Union Budget live session', 'normal',     '09:15', '15:30', 'NSE circulars of 16 Jan 2026 (Business Standard, 5paisa)'),
        ('2026-02-01', 'NSE', 'Union Budget live session', 'post_close', '15:40', '16:00', 'NSE circulars of 16 Jan 2026 (Business Standard, 5paisa)'),
        ('2026-02-01', 'BSE', 'Union Budget live session', 'pre_open',   '09:00', '09:08', 'BSE notice for 1 Feb 2026 (Business Standard, Angel One)'),
        ('2026-02-01', 'BSE', 'Union Budget live session', 'normal',     '09:15', '15:30', 'BSE notice for 1 Feb 2026 (Business Standard, Angel One)'),
        ('2026-02-01', 'BSE', 'Union Budget live session', 'post_close', '15:40', '16:00', 'BSE notice for 1 Feb 2026 (Business Standard, Angel One)'),
        ('2026-02-01', 'NFO', 'Union Budget live session', 'normal',     '09:15', '15:30', 'NSE circulars of 16 Jan 2026 (Business Standard, 5paisa)'),
        ('2026-02-01', 'BFO', 'Union Budget live session', 'normal',     '09:15', '15:30', 'BSE notice for 1 Feb 2026 (Business Standard, Angel One)'),
        ('2026-02-01', 'MCX', 'Union Budget live session', 'normal',     '09:00', '17:00', 'MCX circular of 16 Jan 2026 (Business Standard)'))
SELECT session_date, exchange, name, session_type, start_time, end_time, '', source FROM sessions ORDER BY session_date, exchange, start_time;
