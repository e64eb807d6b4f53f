-- RSI mean reversion: buy when RSI climbs back above the oversold level, sell short when it falls
-- back below the overbought level; exit either side when RSI returns to the middle.
strategy = {
  name = "RSI mean reversion",
  symbols = { "NSE:SBIN" },
  timeframe = "1m",
  params = {
    period = { default = 14, min = 2, max = 100 },
    oversold = { default = 30, min = 1, max = 50 },
    overbought = { default = 70, min = 50, max = 99 },
    qty = { default = 10, min = 1 },
  },
  exits = { stop_loss = { percent = 2 }, target = { percent = 3 } },
}

function on_bar(ctx, bar)
  local rsi, rsi_prev = ctx.rsi(bar.symbol, ctx.params.period)
  if rsi_prev == nil then return end
  local position = ctx.position(bar.symbol).quantity
  if position == 0 then
    if ctx.crossover(rsi, rsi_prev, ctx.params.oversold) then
      ctx.buy(bar.symbol, ctx.params.qty, { tag = "oversold" })
    elseif ctx.crossunder(rsi, rsi_prev, ctx.params.overbought) then
      ctx.sell(bar.symbol, ctx.params.qty, { tag = "overbought" })
    end
  elseif (position > 0 and rsi >= 50) or (position < 0 and rsi <= 50) then
    ctx.close(bar.symbol, "rsi back to 50")
  end
end
