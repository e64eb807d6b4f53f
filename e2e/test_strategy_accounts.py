"""A live Lua strategy that trades an upstream account and mirrors to a second one.

B and C are ordinary RealAlgo servers trading their sandbox (the upstreams, as in
test_upstream_orders). A has two `openalgo` accounts, `b` and `c`, pointing at them. The strategy
declares `accounts = { "b", "c" }`: its orders go to `b`, every new order is copied to `c` (and a
cancel follows the copy), and its book follows `b` only. Stopping the run flattens it on both, because the closing order is a new
order too. A sandbox run of the same file never reaches B or C.

Every process started here is stopped when the module ends; everything listens on 127.0.0.1.
"""

import pytest
from openalgo import api

from conftest import http, ok, wait_until
from test_upstream_orders import start_desk

MIRRORED = """
strategy = {
  name = "Mirrored buyer",
  symbols = { "NSE:SBIN" },
  product = "MIS",
  accounts = { "b", "c" },
}
local entered, resting, cancelled = false, nil, false
function on_tick(ctx, tick)
  if not entered then
    entered = true
    ctx.buy(tick.symbol, 2, { tag = "entry" })
  elseif not resting then
    -- A LIMIT far below the market rests; the next tick cancels it, on both accounts.
    local price = tonumber(string.format("%.2f", math.floor(tick.ltp * 0.9 / 0.05) * 0.05))
    resting = ctx.buy(tick.symbol, 1, { price = price, tag = "resting" })
  elseif not cancelled then
    cancelled = true
    ctx.cancel(resting)
  end
end
function on_fill(ctx, fill)
  ctx.log("filled " .. fill.quantity .. " on the primary account")
end
"""


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    root = tmp_path_factory.mktemp("strategy-accounts")
    started = []
    try:
        strategies = root / "strategies"
        strategies.mkdir()
        desk = start_desk(root, started, "--strategies-dir", strategies)
        client = api(api_key=desk["key"], host=desk["a"].url, ws_port=desk["a"].ws_port)
        yield {**desk, "client": client}
        client.close()
    finally:
        for process in reversed(started):
            process.stop()


def strategy_call(desk, endpoint, **fields):
    status, _, body = http("POST", f"{desk['a'].url}/api/v1/strategy/{endpoint}", {"apikey": desk["key"], **fields})
    assert status == 200 and body["status"] == "success", (endpoint, status, body)
    return body


def net(orders, symbol="SBIN"):
    """The net filled quantity of `orders` (an order book) in `symbol`."""
    signed = {"BUY": 1, "SELL": -1}
    return sum(signed[o["action"]] * int(o.get("filled_quantity") or 0) for o in orders
               if o["symbol"] == symbol and o["order_status"] == "complete")


def filled_quantities(upstream):
    return sorted((o["action"], o["quantity"]) for o in upstream.orders() if o["order_status"] == "complete")


def test_a_live_run_trades_the_first_account_and_mirrors_every_order_to_the_others(desk):
    client, b, c = desk["client"], desk["b"], desk["c"]
    sid = strategy_call(desk, "create", source=MIRRORED)["data"]["id"]

    # In the sandbox the declared accounts are not used: nothing reaches B or C.
    sandbox_run = ok(client.strategystart(strategy_id=sid, mode="sandbox"))["run_id"]
    wait_until(lambda: any(o["status"] == "complete" for o in ok(client.strategyorders(strategy_id=sid, run_id=sandbox_run))["data"]),
               "the sandbox entry to fill", timeout=20)
    ok(client.strategystop(strategy_id=sid))
    assert b.orders() == [] and c.orders() == []

    strategy_call(desk, "live", strategy_id=sid, enabled=True)
    live = ok(client.strategystart(strategy_id=sid, mode="live"))
    run_id = live["run_id"]
    # The entry fills on B, its copy on C; the strategy hears about B's fill only.
    wait_until(lambda: filled_quantities(b) == [("BUY", 2)], "the entry to fill on b", timeout=20)
    wait_until(lambda: filled_quantities(c) == [("BUY", 2)], "the mirror copy to fill on c", timeout=20)
    wait_until(lambda: any(line["message"] == "filled 2 on the primary account"
                           for line in strategy_call(desk, "logs", strategy_id=sid, run_id=run_id)["data"]),
               "the strategy's on_fill for the primary order")
    # The resting LIMIT and its copy: both cancelled when the strategy cancels its own.
    def cancelled(upstream):
        return [(o["action"], o["quantity"]) for o in upstream.orders() if o["order_status"] == "cancelled"]
    wait_until(lambda: cancelled(b) == [("BUY", 1)], "the resting order to be cancelled on b", timeout=20)
    wait_until(lambda: cancelled(c) == [("BUY", 1)], "the copy to be cancelled on c", timeout=20)
    logs = [line["message"] for line in strategy_call(desk, "logs", strategy_id=sid, run_id=run_id)["data"]]
    assert any(m.startswith("mirrored cancel to c: order ") for m in logs), logs
    assert sum("filled 2" in m for m in logs) == 1, logs
    assert any(m.startswith("mirrored to c: order ") for m in logs), logs
    status = ok(client.strategystatus(strategy_id=sid))
    assert status["run"]["mode"] == "live" and status["run"]["account_id"] == desk["accounts"]["b"], status

    # Stopping closes the strategy's position; the closing order is mirrored too.
    stopped = ok(client.strategystop(strategy_id=sid))
    assert stopped["run_status"] == "stopped" and stopped["run_id"] == run_id, stopped
    wait_until(lambda: net(b.orders()) == 0, "b to be flat", timeout=20)
    wait_until(lambda: net(c.orders()) == 0, "c to be flat", timeout=20)
    assert filled_quantities(b) == [("BUY", 2), ("SELL", 2)]
    assert filled_quantities(c) == [("BUY", 2), ("SELL", 2)]
    # A's book holds the run's orders on b and their copies on c, all attributed to the run.
    def run_orders():
        return sorted((o["action"], o["qty"], o["status"]) for o in ok(client.strategyorders(strategy_id=sid, run_id=run_id))["data"])
    expected = [("BUY", 1, "cancelled")] * 2 + [("BUY", 2, "complete")] * 2 + [("SELL", 2, "complete")] * 2
    wait_until(lambda: run_orders() == expected, "A's rows of the run's orders and copies to complete", timeout=20)


def test_a_live_run_naming_an_unknown_account_is_refused_and_nothing_starts(desk):
    client = desk["client"]
    source = MIRRORED.replace('"Mirrored buyer"', '"Lost mirror"').replace('{ "b", "c" }', '{ "b", "nowhere" }')
    sid = strategy_call(desk, "create", source=source)["data"]["id"]
    strategy_call(desk, "live", strategy_id=sid, enabled=True)
    before = (len(desk["b"].orders()), len(desk["c"].orders()))
    reply = client.strategystart(strategy_id=sid, mode="live")
    assert reply["status"] == "error" and reply["code"] == 400 and "nowhere" in reply["message"], reply
    assert ok(client.strategystatus(strategy_id=sid))["run"] is None
    assert (len(desk["b"].orders()), len(desk["c"].orders())) == before
    assert ok(client.strategyruns(strategy_id=sid))["data"] == []


FUNDS = """
strategy = { name = "Funds reader", symbols = { "NSE:SBIN" } }
local told = false
function on_tick(ctx, tick)
  if not told then
    told = true
    local funds = ctx.funds()
    ctx.log("available " .. string.format("%.0f", funds.available))
  end
end
"""


def test_ctx_funds_reports_the_account_the_run_trades_not_the_default(desk):
    client = desk["client"]
    # Make upstream `b` the user's default: a sandbox run still trades (and reads) the sandbox.
    assert ok(client.analyzertoggle(mode=False))["data"]["mode"] == "live"
    try:
        sid = strategy_call(desk, "create", source=FUNDS)["data"]["id"]
        run_id = ok(client.strategystart(strategy_id=sid, mode="sandbox"))["run_id"]
        line = wait_until(lambda: next((l["message"] for l in strategy_call(desk, "logs", strategy_id=sid, run_id=run_id)["data"]
                                        if l["message"].startswith("available ")), None), "the strategy's funds line")
        # The sandbox account's cash (it starts with ₹1 crore), not the default account's.
        assert float(line.split()[1]) > 9_000_000, line
        ok(client.strategystop(strategy_id=sid))
    finally:
        ok(client.analyzertoggle(mode=True))
