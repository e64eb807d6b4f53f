-- Opening-range breakout: the high and low of the first minutes of the session form a range;
-- the first close outside it enters in that direction; everything closes at the exit time.
strategy = {
  name = "Opening range breakout",
  symbols = { "NSE:SBIN" },
  timeframe = "1m",
  params = {
    range_minutes = { default = 15, min = 1, max = 120 },
    exit_hhmm = { default = 1510, min = 916, max = 1529, description = "IST time to close everything, as HHMM" },
    qty = { default = 10, min = 1 },
  },
  exits = { stop_loss = { percent = 1 } },
  risk = { max_trades_per_day = 1 },
}

local function minutes(hhmm) return (hhmm // 100) * 60 + hhmm % 100 end

function on_bar(ctx, bar)
  local t = ctx.ist(bar.time)            -- the bar's start in India
  local day = t.date
  if ctx.state.day ~= day then            -- a new session: start a new range
    ctx.state.day, ctx.state.high, ctx.state.low, ctx.state.done = day, nil, nil, false
  end
  local since_open = minutes(t.hhmm) - minutes(915)
  if since_open < ctx.params.range_minutes then
    ctx.state.high = math.max(ctx.state.high or bar.high, bar.high)
    ctx.state.low = math.min(ctx.state.low or bar.low, bar.low)
    return
  end
  local position = ctx.position(bar.symbol).quantity
  if minutes(t.hhmm) + 1 >= minutes(ctx.params.exit_hhmm) then
    if position ~= 0 then ctx.close(bar.symbol, "exit time") end
    return
  end
  if ctx.state.done or ctx.state.high == nil or position ~= 0 then return end
  if bar.close > ctx.state.high then
    ctx.buy(bar.symbol, ctx.params.qty, { tag = "breakout up" })
    ctx.state.done = true
  elseif bar.close < ctx.state.low then
    ctx.sell(bar.symbol, ctx.params.qty, { tag = "breakout down" })
    ctx.state.done = true
  end
end
