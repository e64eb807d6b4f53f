"""The replay feed end to end: `realalgo serve --feed replay` on a CSV file, as fast as possible
and at ×N, then on the ticks the first replay stored in the hub; bad files and flags stop `serve`
before it serves anything.

Times in the CSV files are IST (no offset) on Friday 2026-11-20; `--always-open` lets the bars
build whatever the calendar says about that day."""

import datetime
import json
import sqlite3
import time

from websockets.sync.client import connect as ws_connect

from conftest import create_user_with_key, http, run, start_server, wait_until

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
DAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=IST)


def at(seconds):
    """`2026-11-20 10:00:00` plus `seconds`, as the CSV writes it (IST, no offset)."""
    return (DAY + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def epoch_ms(seconds):
    return int((DAY + datetime.timedelta(seconds=seconds)).timestamp() * 1000)


def write_csv(path, rows, header="timestamp,symbol,exchange,ltp,volume"):
    path.write_text(header + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows))
    return path


def api(server, path, key, **body):
    status, _, reply = http("POST", f"{server.url}/api/v1/{path}", {"apikey": key, **body})
    assert status == 200, (status, reply)
    return reply["data"]


def feed_status(server, key):
    return api(server, "websocket/status", key)


def serve_fails(data_dir, *flags):
    """Runs `serve` expecting it to stop before serving; returns the CompletedProcess."""
    result = run("serve", "--port", "0", "--ws-port", "0", *flags, data_dir=data_dir, check=False)
    assert result.returncode != 0, result
    assert "serving http" not in result.stdout, result.stdout
    return result


def stored_ticks(data_dir):
    with sqlite3.connect(f"file:{data_dir / 'realalgo.db'}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM ticks").fetchone()[0]


def test_csv_replay_as_fast_as_possible_then_the_same_ticks_from_the_hub(data_dir, tmp_path):
    key = create_user_with_key(data_dir)
    # RELIANCE every second for two minutes; INFY twice. The rows of the two symbols are not in
    # time order in the file (each symbol's are): the replay sorts them.
    reliance = [(at(s), "RELIANCE", "NSE", 1500 + s / 100, 10 * (s + 1)) for s in range(120)]
    infy = [(at(5), "INFY", "NSE", 1800.5, 7), (at(65), "INFY", "NSE", 1801.25, 9)]
    csv = write_csv(tmp_path / "day.csv", reliance + infy)

    server = start_server(data_dir, "--feed", "replay", "--replay-file", csv, "--replay-speed", "max", "--always-open")
    try:
        status = wait_until(lambda: (s := feed_status(server, key))["state"] == "finished" and s, "the replay to finish")
        assert status["feed"] == "replay" and status["connected"] is False, status
        assert status["ticks_published"] == 122 and status["ticks_accepted"] == 122 and status["ticks_rejected"] == 0, status
        assert status["last_tick_ts"] == epoch_ms(119), status
        assert "replayed day.csv: 122 ticks published" in status["message"], status
        # The server keeps serving, and the quotes stay at the last CSV prices.
        quote = api(server, "quotes", key, symbol="RELIANCE", exchange="NSE")
        assert quote["ltp"] == 1501.19 and quote["open"] == 1500 and quote["high"] == 1501.19, quote
        assert quote["volume"] == 1200, quote
        assert api(server, "quotes", key, symbol="INFY", exchange="NSE")["ltp"] == 1801.25
        # Minute bars closed on the replay's clock (10:00 by RELIANCE's own ticks, INFY's 10:00
        # when the clock passed 10:01); the last minute is still being built.
        wait_until(lambda: stored_ticks(data_dir) == 122, "the CSV ticks to be stored")
    finally:
        assert server.stop() == 0
    log = server.log()
    assert "replay ready" in log and "stores_ticks=true" in log, log

    # The same ticks again, from the hub, from 10:01: 10:00–10:01 is fast-forwarded, nothing is stored twice.
    server = start_server(data_dir, "--feed", "replay", "--replay-from", "2026-11-20T10:01:00+05:30", "--replay-to", "2026-11-20",
                          "--replay-speed", "max", "--always-open")
    try:
        status = wait_until(lambda: (s := feed_status(server, key))["state"] == "finished" and s, "the hub replay to finish")
        assert status["ticks_published"] == 122 and status["ticks_stored"] == 0, status
        assert "the hub's ticks from 2026-11-20T04:31:00Z" in status["message"], status
        assert api(server, "quotes", key, symbol="RELIANCE", exchange="NSE")["ltp"] == 1501.19
    finally:
        assert server.stop() == 0
    assert stored_ticks(data_dir) == 122


def test_csv_bars_replay_at_speed_streams_in_order_to_a_websocket_client(data_dir, tmp_path):
    key = create_user_with_key(data_dir)
    # One early bar, then two quiet minutes of data time (six seconds at ×20) for the client to
    # subscribe in, then ten one-second bars: forty ticks in half a second of wall time.
    bars = [(at(0), "SBIN", "NSE", 790, 791, 789, 790.5, 40)]
    bars += [(at(120 + s), "SBIN", "NSE", 800 + s, 800.5 + s, 799.5 + s, 800.25 + s, 4) for s in range(10)]
    csv = write_csv(tmp_path / "bars.csv", bars, header="timestamp,symbol,exchange,open,high,low,close,volume")
    server = start_server(data_dir, "--feed", "replay", "--replay-file", csv, "--replay-speed", "20", "--always-open")
    try:
        prices, times = [], []
        with ws_connect(server.ws_url) as ws:
            ws.send(json.dumps({"action": "authenticate", "api_key": key}))
            ws.send(json.dumps({"action": "subscribe", "symbols": [{"symbol": "SBIN", "exchange": "NSE"}], "mode": 1}))
            deadline = time.monotonic() + 30
            while not prices or prices[-1] != 809.25:
                message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if message.get("type") == "market_data":
                    prices.append(message["data"]["ltp"])
                    times.append(message["data"]["ltt"])
        # The client joined during the quiet minutes (seeing the first bar's ticks or only its
        # close), then got every tick of the ten bars in order: open, low, high, close of each.
        assert 800 in prices, prices
        streamed = prices[prices.index(800):]
        expected = [p for s in range(10) for p in (800 + s, 799.5 + s, 800.5 + s, 800.25 + s)]
        assert streamed == expected, prices
        assert times == sorted(times) and times[-1] == epoch_ms(120 + 9) + 750, times
        status = wait_until(lambda: (s := feed_status(server, key))["state"] == "finished" and s, "the replay to finish")
        assert status["ticks_published"] == 44, status
    finally:
        assert server.stop() == 0


def test_a_bad_csv_stops_serve_with_the_line_and_column(data_dir, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [(at(0), "RELIANCE", "NSE", 1500, 10), (at(1), "RELIANCE", "NSE", "abc", 11)])
    result = serve_fails(data_dir, "--feed", "replay", "--replay-file", bad)
    assert 'bad.csv line 3, column 4 (ltp): "abc" is not a number' in result.stderr, result.stderr

    unknown = write_csv(tmp_path / "unknown.csv", [(at(0), "NOSUCH", "NSE", 1500, 10)])
    result = serve_fails(data_dir, "--feed", "replay", "--replay-file", unknown)
    assert "unknown.csv line 2, column 2 (symbol): unknown symbol NSE:NOSUCH" in result.stderr, result.stderr

    backwards = write_csv(tmp_path / "backwards.csv", [(at(5), "RELIANCE", "NSE", 1500, 10), (at(1), "RELIANCE", "NSE", 1501, 11)])
    result = serve_fails(data_dir, "--feed", "replay", "--replay-file", backwards)
    assert "backwards.csv line 3, column 1 (timestamp): NSE:RELIANCE goes back in time" in result.stderr, result.stderr


def test_bad_replay_flags_are_usage_errors(data_dir, tmp_path):
    csv = write_csv(tmp_path / "ok.csv", [(at(0), "RELIANCE", "NSE", 1500, 10)])
    cases = [
        (["--feed", "replay", "--replay-file", tmp_path / "missing.csv"], "the replay file"),
        (["--feed", "replay", "--replay-file", csv, "--replay-speed", "fast2"], "--replay-speed fast2 must be max"),
        (["--feed", "replay", "--replay-file", csv, "--replay-from", "yesterday"], "--replay-from yesterday is not a date or time"),
        (["--feed", "replay", "--replay-from", "2026-11-20", "--replay-to", "2026-11-19"], "--replay-to must be later than --replay-from"),
        (["--replay-file", csv], "--replay-file needs --feed replay"),
    ]
    for flags, message in cases:
        result = serve_fails(data_dir, *flags)
        assert result.returncode == 64 and message in result.stderr, (flags, result.stderr)
    # Nothing stored to replay from the hub: a clear error, not a server with no feed.
    result = serve_fails(data_dir, "--feed", "replay", "--replay-from", "2026-11-20")
    assert "the hub has no stored ticks to replay from 2026-11-19T18:30:00Z" in result.stderr, result.stderr
