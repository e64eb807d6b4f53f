-- EMA crossover: long when the fast EMA crosses above the slow one, short when it crosses below.
-- Always in the market after the first cross, reversing between +qty and -qty.
strategy = {
  name = "EMA crossover",
  description = "Reverses between long and short on crosses of two EMAs of the close.",
  symbols = { "NSE:SBIN" },
  timeframe = "1m",
  product = "MIS",
  params = {
    fast = { default = 9, min = 2, max = 100, description = "fast EMA period (bars)" },
    slow = { default = 21, min = 3, max = 400, description = "slow EMA period (bars)" },
    qty = { default = 10, min = 1, max = 10000, description = "position size (shares)" },
  },
  risk = { max_orders_per_minute = 10, max_position = 10000 },
}

function on_start(ctx)
  if ctx.params.fast >= ctx.params.slow then
    error("params: fast (" .. ctx.params.fast .. ") must be below slow (" .. ctx.params.slow .. ")")
  end
end

function on_bar(ctx, bar)
  local fast, fast_prev = ctx.ema(bar.symbol, ctx.params.fast)
  local slow, slow_prev = ctx.ema(bar.symbol, ctx.params.slow)
  if slow_prev == nil then return end -- still warming up
  local position = ctx.position(bar.symbol).quantity
  if ctx.crossover(fast, fast_prev, slow, slow_prev) and position <= 0 then
    ctx.buy(bar.symbol, ctx.params.qty - position, { tag = "long" })
  elseif ctx.crossunder(fast, fast_prev, slow, slow_prev) and position >= 0 then
    ctx.sell(bar.symbol, ctx.params.qty + position, { tag = "short" })
  end
end
