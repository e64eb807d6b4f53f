"""`kill -9` in the middle of a burst of orders loses nothing that was acknowledged.

Eight threads place MARKET and LIMIT orders as fast as the server answers; the server is killed
with SIGKILL mid-burst, restarted on the same hub, and then every order id that was handed out must
be there exactly once, every fill must be in the books, and the positions, margin and funds must
agree with a replay of the trades. New orders after the restart get new ids."""

import json
import signal
import threading
import time

from conftest import SIMULATOR_FLAGS, create_user_with_key, http, run, start_server, wait_until


def place(url, key, symbol, index):
    body = {"apikey": key, "strategy": "crash", "exchange": "NSE", "symbol": symbol, "action": "BUY" if index % 3 else "SELL",
            "quantity": "1", "pricetype": "MARKET", "product": "MIS"}
    return http("POST", f"{url}/api/v1/placeorder", body)


def sql(data_dir, query):
    return json.loads(run("sql", query, "--format", "json", data_dir=data_dir).stdout)


def test_kill_9_mid_burst_loses_no_acknowledged_order(tmp_path):
    data_dir = tmp_path / "data"
    run("migrate", data_dir=data_dir)
    key = create_user_with_key(data_dir)
    server = start_server(data_dir, *SIMULATOR_FLAGS, env={"API_RATE_LIMIT": "off", "ORDER_RATE_LIMIT": "off"})
    acknowledged, errors = [], []
    lock = threading.Lock()
    stop = threading.Event()
    wait_until(lambda: http("POST", f"{server.url}/api/v1/quotes", {"apikey": key, "symbol": "SBIN", "exchange": "NSE"})[2]
               .get("data", {}).get("ltp"), "a first price")

    def burst(worker):
        index = 0
        while not stop.is_set():
            index += 1
            try:
                status, _, reply = place(server.url, key, ["SBIN", "INFY", "TCS", "RELIANCE"][worker % 4], index)
            except Exception:  # the connection dies with the server: that order was never acknowledged
                return
            if status == 200 and isinstance(reply, dict) and reply.get("status") == "success":
                with lock:
                    acknowledged.append(reply["orderid"])
            else:
                errors.append((status, reply))

    threads = [threading.Thread(target=burst, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(acknowledged) >= 200, "200 acknowledged orders", timeout=60)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors[:3]
    assert len(acknowledged) == len(set(acknowledged))

    restarted = start_server(data_dir, *SIMULATOR_FLAGS)
    try:
        stored = {row["orderid"]: row for row in sql(data_dir, "SELECT orderid, status, filled_quantity FROM orders")}
        missing = [orderid for orderid in acknowledged if orderid not in stored]
        assert not missing, f"{len(missing)} acknowledged orders are gone: {missing[:5]}"
        assert all(stored[orderid]["status"] == "complete" for orderid in acknowledged)
        duplicates = sql(data_dir, "SELECT orderid, count(*) AS n FROM orders GROUP BY orderid HAVING n > 1")
        assert duplicates == []
        # Every completed order has exactly its one trade, and the books equal a replay of the trades.
        assert sql(data_dir, """SELECT o.orderid FROM orders o LEFT JOIN trades t ON t.order_id = o.id
                                 WHERE o.status = 'complete' GROUP BY o.id HAVING count(t.id) <> 1""") == []
        assert sql(data_dir, """SELECT p.symbol FROM positions p
                                 WHERE p.buy_qty - p.sell_qty <> (SELECT COALESCE(SUM(CASE t.action WHEN 'BUY' THEN t.quantity ELSE -t.quantity END), 0)
                                   FROM trades t WHERE t.account_id = p.account_id AND t.exchange = p.exchange
                                    AND t.symbol = p.symbol AND t.product = p.product)""") == []
        assert sql(data_dir, """SELECT f.account_id FROM funds f
                                 WHERE abs(f.used_margin - (SELECT COALESCE(SUM(margin_blocked), 0) FROM positions p WHERE p.account_id = f.account_id)
                                          - (SELECT COALESCE(SUM(margin_blocked), 0) FROM orders o WHERE o.account_id = f.account_id)) > 0.01""") == []
        # The restarted server continues the id sequence: a new order sorts after every old one.
        status, _, reply = place(restarted.url, key, "SBIN", 1)
        assert status == 200 and reply["orderid"] > max(stored), reply
    finally:
        restarted.stop()
