-- Supertrend trend-follower: long while the Supertrend points up, flat while it points down.
-- A stop loss declared in `exits` protects each entry; the runtime enforces it on every tick.
strategy = {
  name = "Supertrend trend",
  description = "Goes long when Supertrend turns up and exits when it turns down.",
  symbols = { "NSE:SBIN" },
  timeframe = "1m",
  params = {
    period = { default = 10, min = 2, max = 100 },
    multiplier = { default = 3.0, min = 0.5, max = 10 },
    qty = { default = 10, min = 1 },
  },
  exits = { stop_loss = { percent = 1.5 } },
}

function on_bar(ctx, bar)
  local line, direction = ctx.supertrend(bar.symbol, ctx.params.period, ctx.params.multiplier)
  if direction == nil then return end
  local previous = ctx.state.direction
  ctx.state.direction = direction
  local position = ctx.position(bar.symbol).quantity
  if direction > 0 and previous ~= nil and previous < 0 and position == 0 then
    ctx.buy(bar.symbol, ctx.params.qty, { tag = "trend up" })
    ctx.log("trend turned up at", bar.close, "supertrend", line)
  elseif direction < 0 and position > 0 then
    ctx.close(bar.symbol, "trend down")
  end
end
