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
  local now = ctx.ist()
  -- One straddle a day: the flags are the day's, so a run that spans days (or a restart on a
  -- later day, which starts from the saved state) trades again.
  if ctx.state.day ~= now.date then
    ctx.state.day, ctx.state.entered, ctx.state.exited = now.date, false, false
  end
  if not ctx.state.entered and now.hhmm >= ctx.params.entry_hhmm and now.hhmm < ctx.params.exit_hhmm then
    local ce, pe = ctx.leg("short_ce"), ctx.leg("short_pe")
    ctx.log("entering", ce.symbol, "and", pe.symbol, "x", ctx.params.lots)
    ctx.enter_legs(nil, { scale = ctx.params.lots })   -- each leg's lots times the lots param
    ctx.state.entered = true
  elseif ctx.state.entered and not ctx.state.exited and now.hhmm >= ctx.params.exit_hhmm then
    ctx.close_all("exit time")
    ctx.state.exited = true
  end
end
