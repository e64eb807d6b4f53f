-- Short straddle: sells the ATM call and put of NIFTY's current weekly expiry at the entry time,
-- with strategy-level risk (a max loss and a profit target on the combined P&L, enforced by the
-- runtime on every tick) and a square-off at the exit time.
strategy = {
  name = "Short straddle",
  symbols = { "NSE_INDEX:NIFTY" },
  product = "MIS",
  params = {
    entry_hhmm = { default = 920, min = 915, max = 1500 },
    exit_hhmm = { default = 1515, min = 916, max = 1529 },
    lots = { default = 1, min = 1, max = 20 },
  },
  legs = {
    { name = "short_ce", underlying = "NIFTY", exchange = "NFO", option_type = "CE", strike = "ATM", expiry = "current_week", action = "SELL", lots = 1 },
    { name = "short_pe", underlying = "NIFTY", exchange = "NFO", option_type = "PE", strike = "ATM", expiry = "current_week", action = "SELL", lots = 1 },
  },
  risk = { max_loss = 5000, max_profit = 3000, max_orders_per_minute = 10 },
}

function on_start(ctx)
  ctx.every(1, "clock")   -- check the time every second of market time
end

function on_timer(ctx, name)
  local hhmm = ctx.ist().hhmm
  if not ctx.state.entered and hhmm >= ctx.params.entry_hhmm and hhmm < ctx.params.exit_hhmm then
    local ce, pe = ctx.leg("short_ce"), ctx.leg("short_pe")
    ctx.log("entering", ce.symbol, "and", pe.symbol)
    ctx.enter_legs()
    ctx.state.entered = true
  elseif ctx.state.entered and not ctx.state.exited and hhmm >= ctx.params.exit_hhmm then
    ctx.close_all("exit time")
    ctx.state.exited = true
  end
end
