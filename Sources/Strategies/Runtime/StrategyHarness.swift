// SPDX-License-Identifier: Apache-2.0

/// The Lua side of the runtime: builds `ctx` once from the Swift functions and calls the script's
/// callbacks with it. Events cross as scalars and the event table is built in Lua, which is far
/// cheaper than copying a Swift dictionary into Lua on every tick.
enum StrategyHarness {
    static let name = "=realalgo-harness"

    static let source = """
        local api, info = ...
        local ctx = {}
        for key, value in next, api do ctx[key] = value end
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
