// SPDX-License-Identifier: Apache-2.0

/// The Lua side of the runtime: builds `ctx` once from the Swift functions and calls the script's
/// callbacks with it. Ticks and bars cross as scalars and their tables are built in Lua, which is far
/// cheaper than copying a Swift dictionary into Lua on every tick; the rarer order, fill and exit
/// events cross as tables.
enum StrategyHarness {
    static let name = "=realalgo-harness"

    static let source = """
        local api, info = ...
        local ctx = {}
        for key, value in next, api do ctx[key] = value end
        -- Pure-Lua helpers: no trip across the bridge for arithmetic a script does on every bar.
        -- Either four values (a, a_prev, b [, b_prev]) or a list and a list or level (a, b): the
        -- last two entries of a list are its value and its previous one.
        local function last_two(a, a_prev, b, b_prev)
          if type(a) ~= "table" then return a, a_prev, b, b_prev end
          local other, n = a_prev, #a
          if n < 2 then return nil end
          a, a_prev = a[n], a[n - 1]
          if type(other) ~= "table" then return a, a_prev, other, other end
          local m = #other
          if m < 2 then return nil end
          return a, a_prev, other[m], other[m - 1]
        end
        function ctx.crossover(...)
          local a, a_prev, b, b_prev = last_two(...)
          if b_prev == nil then b_prev = b end
          if a == nil or a_prev == nil or b == nil then return false end
          return a_prev <= b_prev and a > b
        end
        function ctx.crossunder(...)
          local a, a_prev, b, b_prev = last_two(...)
          if b_prev == nil then b_prev = b end
          if a == nil or a_prev == nil or b == nil then return false end
          return a_prev >= b_prev and a < b
        end
        -- Positions cross as scalars and become a table here.
        local position_of = api.position
        function ctx.position(symbol)
          local quantity, average, realized, unrealized, name, exchange = position_of(symbol)
          local side = "flat"
          if quantity > 0 then side = "long" elseif quantity < 0 then side = "short" end
          return { symbol = name, exchange = exchange, quantity = quantity, average_price = average,
                   realized = realized, unrealized = unrealized, side = side }
        end
        ctx.strategy = info
        ctx.params = {}
        ctx.state = {}
        local harness = {}
        function harness.setup(params, state)
          ctx.params = params
          ctx.state = state
        end
        function harness.tick(callback, symbol, exchange, ltp, bid, ask, volume, time)
          return callback(ctx, { symbol = symbol, exchange = exchange, ltp = ltp, bid = bid, ask = ask,
                                 volume = volume, time = time })
        end
        function harness.bar(callback, symbol, exchange, timeframe, time, open, high, low, close, volume)
          return callback(ctx, { symbol = symbol, exchange = exchange, timeframe = timeframe, time = time,
                                 open = open, high = high, low = low, close = close, volume = volume })
        end
        function harness.call(callback, argument)
          return callback(ctx, argument)
        end
        function harness.state()
          return ctx.state
        end
        return harness
        """
}
