"""Lua strategies inside the server, end to end: the official `openalgo` client's nine strategy
methods (`strategylist` … `strategyevents`) against strategies written in Lua, RealAlgo's own
authoring endpoints (`strategy/create|update|check|versions|live|logs`, over plain HTTP since the
client has no method for them), hostile scripts that must end their own run and nothing else, and
bad input on every strategy endpoint. One server for the module, on the simulated market (always
open, a tick every 100 ms), with an empty `--strategies-dir`."""

import time

import pytest

from conftest import SIMULATOR_FLAGS, create_user_with_key, http, ok, run, start_server, wait_until

# Each group of tests trades its own symbols, so a symbol's sandbox position is that group's
# (the authoring strategies never run; Stopper trades ITC; Hog, on WIPRO, trades nothing).
STEADY_SYMBOL = "SBIN"
LEG_SYMBOLS = ("INFY", "TCS")
HOSTILE_SYMBOLS = ("RELIANCE", "HDFCBANK", "ICICIBANK")


class StrategyServer:
    """A fresh hub with two users (`trader`, `other`), served on the simulator."""

    def __init__(self, root):
        self.data_dir = root / "data"
        run("migrate", data_dir=self.data_dir)
        self.key = create_user_with_key(self.data_dir)
        self.other_key = create_user_with_key(self.data_dir, "other")
        strategies = root / "strategies"
        strategies.mkdir()
        self.server = start_server(self.data_dir, *SIMULATOR_FLAGS, "--strategies-dir", strategies)
        self.url = self.server.url

    def post(self, endpoint, key=None, **fields):
        """POST /api/v1/strategy/<endpoint> with the API key; returns (status, body)."""
        status, _, body = http("POST", f"{self.url}/api/v1/strategy/{endpoint}", {"apikey": key or self.key, **fields})
        return status, body

    def create(self, source, key=None, **fields):
        status, body = self.post("create", key=key, source=source, **fields)
        assert status == 200 and body["status"] == "success", body
        return body["data"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    running = StrategyServer(tmp_path_factory.mktemp("strategies"))
    try:
        yield running
    finally:
        running.server.stop()


@pytest.fixture(scope="module")
def client(hub):
    from openalgo import api
    openalgo = api(api_key=hub.key, host=hub.url, ws_port=hub.server.ws_port)
    yield openalgo
    openalgo.close()


def refused(reply, code, field=None):
    """A client reply carrying HTTP `code` and, when given, naming `field` (as the field-keyed
    message of a bad value, or the `field` of a script error)."""
    assert reply.get("status") == "error" and reply.get("code") == code, reply
    if field is not None:
        message = reply.get("message")
        named = reply.get("field") == field or (isinstance(message, dict) and field in message)
        assert named, f"{field} not named in {reply}"
    return reply


def http_refused(status, body, code, field=None):
    return refused({**body, "code": status} if isinstance(body, dict) else {"status": "error", "code": status, "message": body}, code, field)


def state_of(client, strategy_id):
    return ok(client.strategystatus(strategy_id=strategy_id))["data"]["state"]


def run_of(client, strategy_id, run_id):
    return next(r for r in ok(client.strategyruns(strategy_id=strategy_id))["data"] if r["id"] == run_id)


def ended(client, strategy_id, run_id):
    """The run once it has ended (else None), for wait_until."""
    found = run_of(client, strategy_id, run_id)
    return found if found["stopped_at"] is not None else None


def net_filled(client, strategy_id, run_id):
    """The run's net filled quantity (bought minus sold, all symbols), from its orders."""
    orders = ok(client.strategyorders(strategy_id=strategy_id, run_id=run_id))["data"]
    return sum(o["filled_qty"] if o["action"] == "BUY" else -o["filled_qty"] for o in orders)


def sandbox_position(client, symbol):
    """The sandbox account's net quantity in `symbol` (the default account is the sandbox here)."""
    rows = ok(client.positionbook())["data"]
    return sum(int(row["quantity"]) for row in rows if row["symbol"] == symbol)


# MARK: - Authoring

EMA = """
strategy = {
  name = "Authoring EMA",
  description = "two EMAs",
  symbols = { "NSE:SBIN" },
  timeframe = "5m",
  params = {
    fast = { default = 9, min = 2, max = 50, description = "fast period" },
    qty = { default = 1, min = 1, max = 100 },
  },
  risk = { max_orders_per_minute = 7 },
}
function on_bar(ctx, bar) end
"""


def test_create_returns_the_declaration_and_check_reads_it(hub, client):
    status, checked = hub.post("check", source=EMA)
    assert status == 200 and checked["declaration"]["name"] == "Authoring EMA", checked
    before = len(ok(client.strategylist())["data"])
    created = hub.create(EMA, params={"fast": 12})
    declaration = created["declaration"]
    assert created["name"] == "Authoring EMA" and created["status"] == "stopped" and created["current_run_id"] is None, created
    assert declaration == checked["declaration"]
    assert declaration["symbols"] == ["NSE:SBIN"] and declaration["timeframe"] == "5m" and declaration["callbacks"] == ["on_bar"]
    assert {p["name"]: (p["type"], p["default"], p["min"], p["max"]) for p in declaration["params"]} == {
        "fast": ("integer", 9, 2, 50), "qty": ("integer", 1, 1, 100)}
    assert declaration["risk"]["max_orders_per_minute"] == 7
    assert declaration["exits"] == {"stop_loss": None, "target": None, "trailing": None} and declaration["legs"] == []
    assert created["params"] == {"fast": 12} and created["source_version"] == 1
    # Exits and legs are read back as declared.
    with_exits = EMA.replace("risk = {", "exits = { stop_loss = { percent = 1.5 }, trailing = { points = 4 } },\n  risk = {")
    status, checked = hub.post("check", source=with_exits)
    assert status == 200 and checked["declaration"]["exits"] == {"stop_loss": {"percent": 1.5}, "target": None, "trailing": {"points": 4}}, checked
    status, checked = hub.post("check", source=LEGS)
    assert [(leg["id"], leg["name"], leg["kind"], leg["lots"]) for leg in checked["declaration"]["legs"]] == [
        (1, "infy", "equity", 2), (2, "tcs", "equity", 3)], checked
    assert len(ok(client.strategylist())["data"]) == before + 1
    status, body = hub.post("create", source=EMA)
    assert status == 409 and "already" in body["message"], body


def test_a_syntax_error_is_refused_with_its_line_and_nothing_is_stored(hub, client):
    names = [s["name"] for s in ok(client.strategylist())["data"]]
    source = 'strategy = { name = "Broken", symbols = { "NSE:SBIN" } }\n\nfunction on_tick(ctx, tick)\n  if then\nend\n'
    for endpoint in ("create", "check"):
        status, body = hub.post(endpoint, source=source)
        assert status == 400 and body["line"] == 4 and body["error_kind"] == "syntax", body
    assert [s["name"] for s in ok(client.strategylist())["data"]] == names


@pytest.mark.parametrize("declaration, field", [
    ('name = "Bad tf", symbols = { "NSE:SBIN" }, timeframe = "7m"', "strategy.timeframe"),
    ('name = "Bad default", params = { qty = { default = 500, min = 1, max = 100 } }', "strategy.params.qty.default"),
    ('name = "Bad bounds", params = { qty = { default = 5, min = 10, max = 1 } }', "strategy.params.qty"),
    ('name = "Bad risk", risk = { max_orders_per_minute = 0 }', "strategy.risk.max_orders_per_minute"),
    ('name = "Bad field", colour = "red"', "strategy.colour"),
    ('symbols = { "NSE:SBIN" }', "strategy.name"),
    ('name = "Bad symbol", symbols = { 42 }', "strategy.symbols[1]"),
    ('name = "Bad leg", legs = { { name = "x", symbol = "SBIN", exchange = "NSE", action = "HOLD" } }', "strategy.legs[1].action"),
])
def test_a_bad_declaration_is_refused_naming_the_field(hub, client, declaration, field):
    count = len(ok(client.strategylist())["data"])
    status, body = hub.post("create", source=f"strategy = {{ {declaration} }}\n")
    assert status == 400 and body["field"] == field and body["error_kind"] == "declaration", body
    assert field.split(".")[-1].split("[")[0] in body["message"], body
    assert len(ok(client.strategylist())["data"]) == count


def test_update_adds_a_version_and_refuses_a_new_name(hub, client):
    source = EMA.replace("Authoring EMA", "Versioned")
    created = hub.create(source)
    status, body = hub.post("update", strategy_id=created["id"], source=source.replace("two EMAs", "two EMAs, revised"))
    assert status == 200 and body["data"]["source_version"] == 2 and body["data"]["description"] == "two EMAs, revised", body
    status, versions = hub.post("versions", strategy_id=created["id"], include_source=True)
    assert status == 200 and [v["version"] for v in versions["data"]] in ([1, 2], [2, 1]), versions
    by_version = {v["version"]: v for v in versions["data"]}
    assert by_version[1]["source"] == source and "revised" in by_version[2]["source"] and by_version[2]["origin"] == "api"
    assert by_version[1]["sha256"] != by_version[2]["sha256"]
    assert all(v["source"] is None for v in hub.post("versions", strategy_id=created["id"])[1]["data"])
    status, body = hub.post("update", strategy_id=created["id"], source=source.replace('"Versioned"', '"Renamed"'))
    http_refused(status, body, 400, "source")
    assert "Renamed" in body["message"]["source"][0]
    assert len(hub.post("versions", strategy_id=created["id"])[1]["data"]) == 2
    assert ok(client.strategystatus(strategy_id=created["id"]))["data"]["name"] == "Versioned"
    # A syntax error in an update changes nothing either.
    status, body = hub.post("update", strategy_id=created["id"], source="strategy = {")
    assert status == 400 and body["error_kind"] == "syntax" and body["line"] == 1, body
    assert len(hub.post("versions", strategy_id=created["id"])[1]["data"]) == 2
    # A good source with a refused param is not saved either: all or nothing.
    status, body = hub.post("update", strategy_id=created["id"], source=source.replace("two EMAs", "two EMAs, again"), params={"qty": 0})
    assert status == 400 and body["field"] == "params.qty", body
    assert len(hub.post("versions", strategy_id=created["id"])[1]["data"]) == 2
    # A source that is not text is refused as such.
    for bad, message in ((42, "Not a valid string"), ("", "Empty"), (None, "Missing data")):
        status, body = hub.post("update", strategy_id=created["id"], source=bad)
        http_refused(status, body, 400, "source")
        assert message in body["message"]["source"][0], body


def test_params_out_of_range_are_refused_naming_the_param(hub, client):
    source = EMA.replace("Authoring EMA", "Params")
    status, body = hub.post("create", source=source, params={"fast": 51})
    assert status == 400 and body["field"] == "params.fast" and "at most 50" in body["message"], body
    status, body = hub.post("create", source=source, params={"slow": 3})
    assert status == 400 and body["field"] == "params.slow", body
    created = hub.create(source, params={"qty": 3})
    status, body = hub.post("update", strategy_id=created["id"], params={"qty": 0})
    assert status == 400 and body["field"] == "params.qty" and "at least 1" in body["message"], body
    status, body = hub.post("update", strategy_id=created["id"], params={"qty": "many"})
    assert status == 400 and body["field"] == "params.qty", body
    assert ok(client.strategystatus(strategy_id=created["id"]))["data"]["params"] == {"qty": 3}
    status, body = hub.post("update", strategy_id=created["id"], params={"qty": 4, "fast": 2})
    assert status == 200 and body["data"]["params"] == {"qty": 4, "fast": 2}, body
    # A start's own params are checked the same way, and no run is recorded.
    reply = client.strategystart(strategy_id=created["id"], mode="sandbox", params={"fast": 1})
    refused(reply, 400, "params.fast")
    assert ok(client.strategyruns(strategy_id=created["id"]))["data"] == []


# MARK: - The client's nine methods on a strategy with legs

LEGS = """
strategy = {
  name = "Two legs",
  symbols = { "NSE:INFY" },
  legs = {
    { name = "infy", symbol = "INFY", exchange = "NSE", action = "BUY", quantity = 2 },
    { name = "tcs", symbol = "TCS", exchange = "NSE", action = "BUY", quantity = 3 },
  },
}
function on_start(ctx)
  ctx.enter_legs()
end
function on_tick(ctx, tick)
  ctx.state.ticks = (ctx.state.ticks or 0) + 1
end
"""


@pytest.fixture(scope="module")
def legs(hub):
    return hub.create(LEGS)


def positions(client):
    return {symbol: sandbox_position(client, symbol) for symbol in LEG_SYMBOLS}


def test_status_of_a_stopped_strategy(client, legs):
    reply = ok(client.strategystatus(strategy_id=legs["id"]))
    assert reply["run"] is None and reply["data"]["status"] == "stopped" and reply["data"]["current_run_id"] is None, reply
    assert reply["data"]["declaration"]["name"] == "Two legs"
    assert reply["data"]["declaration"]["callbacks"] == ["on_start", "on_tick"]
    assert [(leg["id"], leg["name"], leg["kind"], leg["action"], leg["lots"]) for leg in reply["data"]["legs"]] == [
        (1, "infy", "equity", "BUY", 2), (2, "tcs", "equity", "BUY", 3)]


def test_start_refuses_bad_modes_a_second_start_and_live_until_enabled(client, hub, legs):
    sid = legs["id"]
    for mode in ("LIVE", "paper", "Sandbox", ""):
        refused(client.strategystart(strategy_id=sid, mode=mode), 400, "mode")
    refused(client.strategystart(strategy_id=sid, mode="live"), 409)
    assert ok(client.strategyruns(strategy_id=sid))["data"] == []
    started = ok(client.strategystart(strategy_id=sid, mode="sandbox"))
    assert started["mode"] == "sandbox" and started["strategy_id"] == sid and started["run_id"] > 0, started
    status = ok(client.strategystatus(strategy_id=sid))
    assert status["run"]["id"] == started["run_id"] and status["run"]["status"] == "running" and status["run"]["mode"] == "sandbox"
    assert status["data"]["status"] == "running" and status["data"]["current_run_id"] == started["run_id"]
    reply = refused(client.strategystart(strategy_id=sid, mode="sandbox"), 409)
    assert "already running" in reply["message"]
    refused(client.strategystart(strategy_id=sid, mode="live"), 409)
    assert wait_until(lambda: positions(client) == {"INFY": 2, "TCS": 3}, "both legs entered")
    stopped = ok(client.strategystop(strategy_id=sid))
    assert stopped["run_id"] == started["run_id"] and stopped["run_status"] == "stopped", stopped
    assert run_of(client, sid, started["run_id"])["status"] == "stopped"
    assert positions(client) == {"INFY": 0, "TCS": 0}
    refused(client.strategystop(strategy_id=sid), 409)
    status = ok(client.strategystatus(strategy_id=sid))
    assert status["run"] is None and status["data"]["status"] == "stopped"
    # Live after the opt-in: the user's default account, which is the sandbox on this hub.
    status, body = hub.post("live", strategy_id=sid, enabled=True)
    assert status == 200 and body["live_enabled"] is True, body
    live = ok(client.strategystart(strategy_id=sid, mode="live"))
    assert live["mode"] == "live"
    assert wait_until(lambda: positions(client) == {"INFY": 2, "TCS": 3}, "the live run's legs in the sandbox")
    assert ok(client.strategystatus(strategy_id=sid))["run"]["mode"] == "live"
    ok(client.strategystop(strategy_id=sid))
    assert positions(client) == {"INFY": 0, "TCS": 0}
    hub.post("live", strategy_id=sid, enabled=False)
    refused(client.strategystart(strategy_id=sid, mode="live"), 409)


STOPPER = """
strategy = {
  name = "Stopper",
  symbols = { "NSE:ITC" },
  params = { on_stop = { default = "nothing", choices = { "nothing", "sell", "buy" } } },
}
local entered = false
function on_tick(ctx, tick)
  if not entered then
    entered = true
    ctx.buy(tick.symbol, 3, { tag = "entry" })
  end
end
function on_stop(ctx, reason)
  local held = ctx.position("ITC").quantity
  if ctx.params.on_stop == "sell" and held > 0 then
    ctx.sell("ITC", held, { tag = "own exit" })
  elseif ctx.params.on_stop == "buy" then
    ctx.buy("ITC", 2, { tag = "late entry" })
  end
end
"""


def test_stop_ends_flat_whatever_on_stop_orders(client, hub):
    sid = hub.create(STOPPER)["id"]
    refused(client.strategystart(strategy_id=sid, mode="sandbox", params={"on_stop": "hold"}), 400, "params.on_stop")
    for on_stop in ("nothing", "sell", "buy"):
        run_id = ok(client.strategystart(strategy_id=sid, mode="sandbox", params={"on_stop": on_stop}))["run_id"]
        wait_until(lambda: sandbox_position(client, "ITC") == 3, "the entry to fill")
        stopped = ok(client.strategystop(strategy_id=sid))
        assert stopped["run_status"] == "stopped" and stopped["run_id"] == run_id, stopped
        assert sandbox_position(client, "ITC") == 0, on_stop
        assert net_filled(client, sid, run_id) == 0, ok(client.strategyorders(strategy_id=sid, run_id=run_id))
        assert run_of(client, sid, run_id)["status"] == "stopped"


def test_close_leg_and_close_all_flatten_while_the_run_goes_on(client, hub, legs):
    sid = legs["id"]
    run_id = ok(client.strategystart(strategy_id=sid, mode="sandbox"))["run_id"]
    wait_until(lambda: positions(client) == {"INFY": 2, "TCS": 3}, "both legs entered")
    reply = ok(client.strategycloseleg(strategy_id=sid, leg_id=2))   # 1-based, in declaration order: tcs
    assert reply["run_id"] == run_id and reply["leg_id"] == 2 and reply["leg"] == "tcs", reply
    wait_until(lambda: positions(client) == {"INFY": 2, "TCS": 0}, "leg 2 (TCS) closed, leg 1 kept")
    for leg_id in (3, 1000):
        refused(client.strategycloseleg(strategy_id=sid, leg_id=leg_id), 409)
    for leg_id in (0, -1):
        refused(client.strategycloseleg(strategy_id=sid, leg_id=leg_id), 400, "leg_id")
    for leg_id in ("x", None, 1.5):
        http_refused(*hub.post("close_leg", strategy_id=sid, leg_id=leg_id), 400, "leg_id")
    reply = ok(client.strategycloseall(strategy_id=sid))
    assert reply["run_id"] == run_id
    wait_until(lambda: positions(client) == {"INFY": 0, "TCS": 0}, "close_all to flatten")
    status = ok(client.strategystatus(strategy_id=sid))
    assert status["run"]["id"] == run_id and status["run"]["status"] == "running", status
    ticks = wait_until(lambda: state_of(client, sid).get("ticks"), "ticks counted")
    wait_until(lambda: state_of(client, sid)["ticks"] > ticks, "ticks after close_all")
    ok(client.strategystop(strategy_id=sid))
    assert run_of(client, sid, run_id)["status"] == "stopped"
    refused(client.strategycloseall(strategy_id=sid), 409)
    refused(client.strategycloseleg(strategy_id=sid, leg_id=1), 409)


# The reads below find the runs the tests above made (a module's tests run in file order).


def test_runs_are_newest_first_and_limited(client, legs):
    sid = legs["id"]
    runs = ok(client.strategyruns(strategy_id=sid))["data"]
    assert len(runs) >= 3, runs
    assert [r["id"] for r in runs] == sorted((r["id"] for r in runs), reverse=True)
    assert all(r["status"] == "stopped" and r["strategy_id"] == sid and r["stopped_at"] for r in runs)
    assert "live" in [r["mode"] for r in runs] and "sandbox" in [r["mode"] for r in runs]
    assert ok(client.strategyruns(strategy_id=sid, limit=1))["data"] == runs[:1]
    assert ok(client.strategyruns(strategy_id=sid, limit=500))["data"] == runs
    for limit in (0, 501, -1, "lots"):
        refused(client.strategyruns(strategy_id=sid, limit=limit), 400, "limit")


def test_orders_are_oldest_first_per_run_and_named_in_the_orderbook(client, legs):
    sid = legs["id"]
    runs = ok(client.strategyruns(strategy_id=sid))["data"]
    everything = ok(client.strategyorders(strategy_id=sid))["data"]
    assert len(everything) == 4 * len(runs), everything     # two entries and two exits a run
    assert [o["placed_at"] for o in everything] == sorted(o["placed_at"] for o in everything)
    assert [o["run_id"] for o in everything] == sorted(r["id"] for r in runs for _ in range(4))
    book = {o["orderid"]: o for o in ok(client.orderbook())["data"]["orders"]}
    for one in runs:
        orders = ok(client.strategyorders(strategy_id=sid, run_id=one["id"]))["data"]
        assert {o["run_id"] for o in orders} == {one["id"]} and len(orders) == 4, orders
        assert [o["action"] for o in orders][:2] == ["BUY", "BUY"]
        assert all(o["status"] == "complete" for o in orders)
        assert all(book[o["orderid"]]["strategy"] == "Two legs" for o in orders)
        assert net_filled(client, sid, one["id"]) == 0
    assert ok(client.strategyorders(strategy_id=sid, run_id=999_999))["data"] == []
    refused(client.strategyorders(strategy_id=sid, run_id=0), 400, "run_id")


def test_events_show_runs_and_filter_by_kind_and_severity(client, legs):
    sid = legs["id"]
    runs = ok(client.strategyruns(strategy_id=sid))["data"]
    events = ok(client.strategyevents(strategy_id=sid))["data"]
    times = [e["ts"] for e in events]
    assert times == sorted(times, reverse=True)
    kinds = [e["kind"] for e in events]
    assert kinds.count("run_started") == len(runs) and kinds.count("run_stopped") == len(runs), kinds
    started = ok(client.strategyevents(strategy_id=sid, kind="run_started"))["data"]
    assert {e["kind"] for e in started} == {"run_started"} and {e["run_id"] for e in started} == {r["id"] for r in runs}
    one = ok(client.strategyevents(strategy_id=sid, run_id=runs[-1]["id"]))["data"]
    assert {e["run_id"] for e in one} == {runs[-1]["id"]} and {"run_started", "run_stopped"} <= {e["kind"] for e in one}
    assert len(ok(client.strategyevents(strategy_id=sid, limit=1))["data"]) == 1
    assert ok(client.strategyevents(strategy_id=sid, severity="critical"))["data"] == []
    refused(client.strategyevents(strategy_id=sid, kind="exploded"), 400, "kind")
    refused(client.strategyevents(strategy_id=sid, severity="fatal"), 400, "severity")
    refused(client.strategyevents(strategy_id=sid, limit=1001), 400, "limit")


def test_list_filters_by_status_and_name(client, legs):
    everything = ok(client.strategylist())["data"]
    assert legs["id"] in [s["id"] for s in everything] and all("legs" not in s for s in everything)
    named = ok(client.strategylist(q="two LEG"))["data"]
    assert [s["id"] for s in named] == [legs["id"]]
    assert ok(client.strategylist(q="no such strategy"))["data"] == []
    stopped = ok(client.strategylist(status="stopped"))["data"]
    assert legs["id"] in [s["id"] for s in stopped] and {s["status"] for s in stopped} == {"stopped"}
    assert legs["id"] not in [s["id"] for s in ok(client.strategylist(status="running"))["data"]]
    ok(client.strategystart(strategy_id=legs["id"], mode="sandbox"))
    try:
        running = ok(client.strategylist(status="running", q="legs"))["data"]
        assert [s["id"] for s in running] == [legs["id"]] and running[0]["current_run_id"]
    finally:
        ok(client.strategystop(strategy_id=legs["id"]))
    for status in ("finished", "RUNNING", ""):
        refused(client.strategylist(status=status), 400, "status")
    refused(client.strategylist(q="x" * 101), 400, "q")


# MARK: - Hostile scripts beside a well-behaved one

STEADY = """
strategy = {
  name = "Steady",
  symbols = { "NSE:SBIN" },
  params = { every = { default = 5, min = 1, max = 1000 } },
  risk = { max_orders_per_minute = 1000 },
}
function on_start(ctx)
  ctx.state.runs = (ctx.state.runs or 0) + 1
  ctx.state.resumed_from = ctx.state.ticks or 0
end
function on_tick(ctx, tick)
  ctx.state.ticks = (ctx.state.ticks or 0) + 1
  if ctx.state.ticks % ctx.params.every == 0 then
    if ctx.position(tick.symbol).quantity > 0 then ctx.sell(tick.symbol, 1) else ctx.buy(tick.symbol, 1) end
  end
end
"""

# Every hostile strategy first buys one share and waits for the fill, so its failure has a
# position to close; then the line marked HOSTILE misbehaves on the next tick.
HOSTILE_TEMPLATE = """strategy = {
  name = "Hostile %(name)s",
  symbols = { "NSE:%(symbol)s" },
  timeframe = "1m",
  risk = { max_orders_per_minute = 5 },
}
local entered = false
function on_tick(ctx, tick)
  if not entered then
    entered = true
    ctx.buy(tick.symbol, 1, { tag = "entry" })
    return
  end
  if ctx.position(tick.symbol).quantity <= 0 then return end
%(body)s
end
"""

# name → (body, what the error says, whether Lua knows the line).
HOSTILE = {
    "loop": ("  local n = 0\n  while true do n = n + 1 end -- HOSTILE", "execution time budget exceeded", True),
    "pcall loop": ("  while true do pcall(function() while true do end end) end -- HOSTILE", "execution time budget exceeded", True),
    # Lua reports no position for an allocation failure.
    "memory bomb": ("  local t = {}\n  for i = 1, 1e9 do t[i] = string.rep('x', 4 << 20) .. i end -- HOSTILE", "out of memory", False),
    "io.open": ('  local f = io.open("/etc/passwd") -- HOSTILE', "global 'io'", True),
    "os.execute": ('  os.execute("touch /tmp/realalgo-hostile") -- HOSTILE', "field 'execute'", True),
    "require": ('  local socket = require("socket") -- HOSTILE', "global 'require'", True),
    "bytecode": ('  assert(load(string.char(27) .. "LuaT" .. string.rep("\\0", 32))) -- HOSTILE', "binary chunk", True),
    "string.dump": ("  local code = string.dump(on_tick) -- HOSTILE", "field 'dump'", True),
    "debug.sethook": ("  debug.sethook(function() end, '', 1) -- HOSTILE", "global 'debug'", True),
    "order flood": ("  for i = 1, 1000 do ctx.buy(tick.symbol, 1) end -- HOSTILE", "risk.max_orders_per_minute", True),
    "bad indicator": ("  local value = ctx.ema(tick.symbol, 0) -- HOSTILE", "ctx.ema: period must be", True),
    "runtime error": ("  local missing = nil\n  local x = missing.field -- HOSTILE", "attempt to index a nil value (local 'missing')", True),
}


def hostile_source(name, index):
    body, _, _ = HOSTILE[name]
    return HOSTILE_TEMPLATE % {"name": name, "symbol": HOSTILE_SYMBOLS[index % len(HOSTILE_SYMBOLS)], "body": body}


def hostile_line(source):
    return next(number for number, line in enumerate(source.splitlines(), 1) if "HOSTILE" in line)


def ping(hub):
    """Pings the server; returns how long the answer took, in seconds."""
    began = time.monotonic()
    status, _, body = http("POST", f"{hub.url}/api/v1/ping", {"apikey": hub.key})
    assert status == 200 and body["status"] == "success", body
    return time.monotonic() - began


# Burns 300 ms of its 500 ms budget on every tick, for as long as it runs: a strategy that never
# fails but always keeps its executor busy.
HOG = """
strategy = { name = "Hog", symbols = { "NSE:WIPRO" } }
function on_tick(ctx, tick)
  ctx.state.ticks = (ctx.state.ticks or 0) + 1
  local began = ctx.now()
  while ctx.now() - began < 0.3 do end
end
"""


@pytest.fixture(scope="module")
def steady(hub, client):
    created = hub.create(STEADY)
    run_id = ok(client.strategystart(strategy_id=created["id"], mode="sandbox"))["run_id"]
    wait_until(lambda: (state_of(client, created["id"]).get("ticks") or 0) >= 10, "the steady strategy's ticks")
    return {"id": created["id"], "run_id": run_id}


def steady_progress(client, steady):
    """The steady strategy's saved tick count and its run's order count."""
    return state_of(client, steady["id"])["ticks"], len(ok(client.strategyorders(strategy_id=steady["id"], run_id=steady["run_id"]))["data"])


@pytest.fixture(scope="module")
def hostile(hub, client, steady):
    """Starts the hog, then every hostile strategy at once, beside the steady one, and waits until
    every hostile run has ended, pinging the server meanwhile. The hog keeps running."""
    hog = hub.create(HOG)
    hog_run = ok(client.strategystart(strategy_id=hog["id"], mode="sandbox"))["run_id"]
    ticks_before, orders_before = steady_progress(client, steady)
    runs = {}
    for index, name in enumerate(HOSTILE):
        source = hostile_source(name, index)
        created = hub.create(source)
        runs[name] = {"id": created["id"], "run_id": ok(client.strategystart(strategy_id=created["id"], mode="sandbox"))["run_id"],
                      "source": source}
    pings = []

    def all_ended():
        pings.append(ping(hub))
        return all(ended(client, r["id"], r["run_id"]) for r in runs.values())

    wait_until(all_ended, "every hostile run to end", timeout=60, interval=0.1)
    return {"runs": runs, "pings": pings, "ticks_before": ticks_before, "orders_before": orders_before,
            "hog": {"id": hog["id"], "run_id": hog_run}}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_script_fails_its_own_run(client, hub, hostile, name):
    strategy = hostile["runs"][name]
    sid, run_id, source = strategy["id"], strategy["run_id"], strategy["source"]
    _, fragment, knows_line = HOSTILE[name]
    finished = run_of(client, sid, run_id)
    assert finished["status"] == "failed" and finished["stop_reason"] == "error", finished
    assert fragment in finished["error_message"], finished
    assert finished["error_line"] == (hostile_line(source) if knows_line else None), finished
    status, logs = hub.post("logs", strategy_id=sid, run_id=run_id)
    errors = [line for line in logs["data"] if line["level"] == "error"]
    assert status == 200 and errors and fragment in errors[-1]["message"], logs
    assert errors[-1]["line"] == finished["error_line"]
    status_reply = ok(client.strategystatus(strategy_id=sid))
    assert status_reply["run"] is None and status_reply["data"]["status"] == "errored"
    assert sid in [s["id"] for s in ok(client.strategylist(status="errored"))["data"]]
    refused(client.strategystop(strategy_id=sid), 409)
    # The entry filled before the failure, and the failure closed it.
    orders = ok(client.strategyorders(strategy_id=sid, run_id=run_id))["data"]
    assert orders[0]["action"] == "BUY" and orders[0]["status"] == "complete", orders
    assert net_filled(client, sid, run_id) == 0, orders
    failed = ok(client.strategyevents(strategy_id=sid, kind="run_failed"))["data"]
    assert [e["run_id"] for e in failed] == [run_id] and failed[0]["severity"] == "critical"


def test_failed_runs_leave_their_symbols_flat(client, hostile):
    assert {symbol: sandbox_position(client, symbol) for symbol in HOSTILE_SYMBOLS} == dict.fromkeys(HOSTILE_SYMBOLS, 0)


def test_the_well_behaved_strategy_and_the_server_kept_going(client, hub, steady, hostile):
    assert hostile["pings"] and max(hostile["pings"]) < 2, hostile["pings"]
    assert run_of(client, steady["id"], steady["run_id"])["status"] == "running"
    hog = hostile["hog"]
    assert run_of(client, hog["id"], hog["run_id"])["status"] == "running"
    # While the hog still burns its budget on every tick, the steady strategy ticks and orders on.
    ticks, orders = steady_progress(client, steady)
    hog_ticks = wait_until(lambda: state_of(client, hog["id"]).get("ticks"), "the hog's ticks")
    wait_until(lambda: (p := steady_progress(client, steady))[0] > ticks + 20 and p[1] > orders + 2 and ping(hub) < 1,
               "the steady strategy's ticks and orders beside the hog")
    assert steady_progress(client, steady)[0] > hostile["ticks_before"] + 20
    wait_until(lambda: state_of(client, hog["id"])["ticks"] > hog_ticks, "the hog's next ticks")
    stopped = ok(client.strategystop(strategy_id=hog["id"]))
    assert stopped["run_status"] == "stopped" and run_of(client, hog["id"], hog["run_id"])["status"] == "stopped"


def test_an_order_flood_is_a_trade_cap_event(client, hostile):
    strategy = hostile["runs"]["order flood"]
    sid = strategy["id"]
    caps = ok(client.strategyevents(strategy_id=sid, kind="trade_cap"))["data"]
    assert len(caps) >= 1 and caps[0]["run_id"] == strategy["run_id"] and caps[0]["severity"] == "warn", caps
    assert caps[0]["payload"]["threshold_value"] == 5 and "flood" in caps[0]["message"]
    critical = ok(client.strategyevents(strategy_id=sid, severity="critical"))["data"]
    assert {e["kind"] for e in critical} == {"run_failed", "log_error"}, critical
    warned = ok(client.strategyevents(strategy_id=sid, severity="warn"))["data"]
    assert "trade_cap" in {e["kind"] for e in warned} and all(e["severity"] in ("warn", "critical") for e in warned)
    assert {e["kind"] for e in ok(client.strategyevents(strategy_id=sid))["data"]} >= {"run_started", "trade_cap", "run_failed", "log_error"}
    # The four orders the failing call issued before the cap were never sent.
    logs = ok(client._post("strategy/logs", {"apikey": client.api_key, "strategy_id": sid}))["data"]
    assert "4 order request(s) of the failed call not sent" in [line["message"] for line in logs if line["level"] == "warn"], logs


def test_state_persists_across_runs(client, hub, steady, hostile):
    sid = steady["id"]
    stopped = ok(client.strategystop(strategy_id=sid))
    assert stopped["run_status"] == "stopped"
    assert sandbox_position(client, STEADY_SYMBOL) == 0
    saved = state_of(client, sid)
    assert saved["runs"] == 1 and saved["ticks"] > 0, saved
    ok(client.strategystart(strategy_id=sid, mode="sandbox"))
    state = wait_until(lambda: (s := state_of(client, sid))["runs"] == 2 and s["ticks"] > saved["ticks"] and s, "the second run's ticks")
    assert state["resumed_from"] == saved["ticks"]
    # strategy/reload: a new run on the same source, the state carried over again.
    status, reloaded = hub.post("reload", strategy_id=sid)
    assert status == 200 and reloaded["previous_run_id"] != reloaded["run_id"] and reloaded["mode"] == "sandbox", reloaded
    assert run_of(client, sid, reloaded["previous_run_id"])["status"] == "stopped"
    wait_until(lambda: state_of(client, sid)["runs"] == 3, "the reloaded run's on_start")
    assert state_of(client, sid)["resumed_from"] >= state["ticks"]
    ok(client.strategystop(strategy_id=sid))
    assert [r["status"] for r in ok(client.strategyruns(strategy_id=sid, limit=3))["data"]] == ["stopped"] * 3
    http_refused(*hub.post("reload", strategy_id=sid), 409)


# MARK: - Bad input on every endpoint

BY_ID = {
    "status": {}, "start": {"mode": "sandbox"}, "stop": {}, "close_all": {}, "close_leg": {"leg_id": 1}, "runs": {}, "orders": {},
    "events": {}, "update": {"params": {"qty": 2}}, "live": {"enabled": True}, "logs": {}, "executions": {}, "versions": {}, "reload": {},
}
EVERY = [*BY_ID, "list", "check", "create"]


@pytest.mark.parametrize("endpoint", BY_ID)
def test_a_missing_or_garbage_strategy_id_is_a_400(hub, endpoint):
    status, body = hub.post(endpoint, **BY_ID[endpoint])
    http_refused(status, body, 400, "strategy_id")
    for garbage in ("abc", 0, -3, 1.5, [1], {"id": 1}, True, "9" * 30):
        status, body = hub.post(endpoint, strategy_id=garbage, **BY_ID[endpoint])
        http_refused(status, body, 400, "strategy_id")


@pytest.fixture(scope="module")
def others(hub):
    """A strategy of the second user, `other`."""
    return hub.create(EMA.replace("Authoring EMA", "Not yours"), key=hub.other_key)


@pytest.mark.parametrize("endpoint", BY_ID)
def test_another_users_strategy_is_a_404_like_an_unknown_one(hub, client, others, endpoint):
    status, body = hub.post(endpoint, strategy_id=others["id"], **BY_ID[endpoint])
    unknown_status, unknown = hub.post(endpoint, strategy_id=999_999, **BY_ID[endpoint])
    assert status == 404 and unknown_status == 404, (body, unknown)
    assert body["message"].replace(str(others["id"]), "N") == unknown["message"].replace("999999", "N")
    assert set(body) == set(unknown)
    assert others["id"] not in [s["id"] for s in ok(client.strategylist())["data"]]
    assert ok(client.strategylist(q="Not yours"))["data"] == []
    # The owner still sees it untouched.
    status, mine = hub.post("status", key=hub.other_key, strategy_id=others["id"])
    assert status == 200 and mine["run"] is None and mine["data"]["live_enabled"] is False and mine["data"]["params"] == {}, mine
    assert mine["data"]["source_version"] == 1


@pytest.mark.parametrize("endpoint", EVERY)
def test_unknown_fields_and_bodies_that_are_not_json_are_a_400(hub, legs, endpoint):
    # Fields that would otherwise succeed (create: a 409, as "Two legs" exists), so only the extra one is at fault.
    fields = {"strategy_id": legs["id"], **BY_ID[endpoint]} if endpoint in BY_ID else ({"source": LEGS} if endpoint in ("check", "create") else {})
    status, body = hub.post(endpoint, **fields, bogus=1)
    http_refused(status, body, 400, "bogus")
    status, body = hub.post(endpoint, key="not-a-key", **fields)
    assert status == 403 and body["status"] == "error", body
    for raw in (b"not json", b"[1, 2]", b'{"apikey": ', b""):
        status, _, body = http("POST", f"{hub.url}/api/v1/strategy/{endpoint}", raw)
        assert status == 400 and body["status"] == "error" and "JSON" in body["message"], (raw, body)


SNOOP = """
strategy = { name = "Snoop", symbols = { "NSE:WIPRO" } }
function on_start(ctx)
  ctx.log("orders " .. ctx.sql("SELECT count(*) AS n FROM orders")[1].n)
  ctx.log("strategies " .. ctx.sql("SELECT group_concat(name) AS names FROM strategies")[1].names)
  ctx.log("instruments " .. tostring(ctx.sql("SELECT count(*) > 100 AS many FROM instruments")[1].many))
  local ok, message = pcall(ctx.sql, "SELECT orderid FROM main.orders")
  ctx.log("main.orders " .. tostring(ok) .. " " .. message)
  ok, message = pcall(ctx.sql, "SELECT key_hash FROM api_keys")
  ctx.log("api_keys " .. tostring(ok) .. " " .. message)
end
"""


def test_ctx_sql_sees_the_market_and_only_its_own_users_rows(hub, client, others):
    # `trader` has placed orders by now (the module's earlier runs); `other` has placed none.
    assert any(o for o in ok(client.orderbook())["data"]["orders"])
    sid = hub.create(SNOOP, key=hub.other_key)["id"]
    status, body = hub.post("start", key=hub.other_key, strategy_id=sid, mode="sandbox")
    assert status == 200, body
    def lines():
        status, body = hub.post("logs", key=hub.other_key, strategy_id=sid)
        return [line["message"] for line in body["data"]] if status == 200 else []
    wait_until(lambda: any(m.startswith("api_keys") for m in lines()), "the snoop's log lines")
    seen = lines()
    assert "orders 0" in seen and "strategies Not yours,Snoop" in seen and "instruments 1" in seen, seen
    refused = [m for m in seen if m.startswith(("main.orders", "api_keys"))]
    assert len(refused) == 2 and all(m.split(" ")[1] == "false" for m in refused), refused
    assert "only your own rows" in refused[0] and "api_keys is not readable here" in refused[1], refused
    hub.post("stop", key=hub.other_key, strategy_id=sid)


FAILS_WITH_STATE = """
strategy = { name = "Fails with state", symbols = { "NSE:WIPRO" } }
function on_tick(ctx, tick)
  ctx.state.seen = (ctx.state.seen or 0) + 1
  if ctx.state.seen == 3 then error("third tick") end
end
"""


def test_a_failed_run_keeps_the_state_its_script_left(client, hub):
    sid = hub.create(FAILS_WITH_STATE)["id"]
    run_id = ok(client.strategystart(strategy_id=sid, mode="sandbox"))["run_id"]
    wait_until(lambda: run_of(client, sid, run_id)["status"] == "failed", "the run to fail on its third tick")
    # Saved at the failure, not only on the periodic (once a second) save.
    assert state_of(client, sid) == {"seen": 3}


TALKER = """
strategy = { name = "Talker", symbols = { "NSE:WIPRO" } }
local told = 0
function on_tick(ctx, tick)
  told = told + 1
  if told <= 3 then ctx.log("tick number", told) end
end
"""


def test_log_lines_stream_over_the_websocket_to_their_owner_only(hub, client):
    import json as json_module

    from websockets.sync.client import connect as ws_connect

    def subscribe(socket, key):
        socket.send(json_module.dumps({"action": "authenticate", "api_key": key}))
        assert json_module.loads(socket.recv(timeout=10))["status"] == "success"
        socket.send(json_module.dumps({"action": "subscribe_strategy_logs"}))
        reply = json_module.loads(socket.recv(timeout=10))
        assert reply == {"type": "subscribe_strategy_logs", "status": "success", "message": "Subscribed to strategy log lines"}, reply

    with ws_connect(hub.server.ws_url, open_timeout=10) as mine, ws_connect(hub.server.ws_url, open_timeout=10) as theirs:
        subscribe(mine, hub.key)
        subscribe(theirs, hub.other_key)
        sid = hub.create(TALKER)["id"]
        run_id = ok(client.strategystart(strategy_id=sid, mode="sandbox"))["run_id"]
        lines = []
        deadline = time.monotonic() + 30
        while len([m for m in lines if m["message"].startswith("tick number")]) < 3 and time.monotonic() < deadline:
            message = json_module.loads(mine.recv(timeout=30))
            if message.get("type") == "strategy_log" and message["strategy_id"] == sid:
                lines.append(message)
        told = [m for m in lines if m["message"].startswith("tick number")]
        assert [m["message"] for m in told] == ["tick number 1", "tick number 2", "tick number 3"], lines
        assert all(m["run_id"] == run_id and m["level"] == "info" and m["id"] > 0 and m["ts"] for m in told), told
        # The same lines the REST endpoint stores, with the same ids.
        stored = {line["id"]: line["message"] for line in hub.post("logs", strategy_id=sid)[1]["data"]}
        assert all(stored.get(m["id"]) == m["message"] for m in told), (stored, told)
        ok(client.strategystop(strategy_id=sid))
        # The other user's socket hears nothing of them.
        theirs.send(json_module.dumps({"action": "ping"}))
        while True:
            message = json_module.loads(theirs.recv(timeout=10))
            assert message.get("type") != "strategy_log", message
            if message.get("type") == "pong":
                break
