-- A custom exit rule: entries come from a 20-bar breakout; the `exit` function decides when to
-- leave. The runtime calls exit(ctx, position) on every price of a symbol the strategy holds and
-- closes the position when it returns true (or a reason).
strategy = {
  name = "Breakout with custom exit",
  symbols = { "NSE:SBIN" },
  timeframe = "1m",
  params = {
    lookback = { default = 20, min = 5, max = 200 },
    max_bars = { default = 30, min = 1, max = 1000, description = "leave after this many bars in the trade" },
    giveback = { default = 0.5, min = 0.05, max = 10, description = "leave when the price gives back this % from its best" },
    qty = { default = 10, min = 1 },
  },
}

function on_bar(ctx, bar)
  local bars = ctx.bars(bar.symbol, ctx.params.lookback + 1)
  if #bars <= ctx.params.lookback then return end
  if ctx.position(bar.symbol).quantity ~= 0 then
    ctx.state.bars_in_trade = (ctx.state.bars_in_trade or 0) + 1
    ctx.state.best = math.max(ctx.state.best or bar.high, bar.high)
    return
  end
  local highest = 0
  for i = 1, #bars - 1 do highest = math.max(highest, bars[i].high) end
  if bar.close > highest then
    ctx.buy(bar.symbol, ctx.params.qty, { tag = "breakout" })
    ctx.state.bars_in_trade, ctx.state.best = 0, bar.close
  end
end

-- The exit rule: time in the trade, or a give-back from the best price since entry.
function exit(ctx, position)
  if (ctx.state.bars_in_trade or 0) >= ctx.params.max_bars then return "time stop" end
  local best = ctx.state.best or position.average_price
  local price = ctx.quote(position.symbol).ltp
  if price <= best * (1 - ctx.params.giveback / 100) then return "gave back " .. ctx.params.giveback .. "%" end
  return false
end
