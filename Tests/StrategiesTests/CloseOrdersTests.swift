// SPDX-License-Identifier: Apache-2.0
import Core
import Strategies
import Testing

/// Closing orders in flight are never cancelled by a later close: cancelling one would leave the
/// position open while the symbol still counts as closing.
@Suite("Closing orders")
struct CloseOrdersTests {
    static let source = """
        strategy = { name = "closer", symbols = { "NSE:SBIN" } }
        function on_start(ctx)
          ctx.buy("NSE:SBIN", 10, { tag = "entry" })
          ctx.buy("NSE:SBIN", 5, { price = 100, tag = "exit_long_resting" })  -- a script's own order, whatever its tag
        end
        function on_tick(ctx, tick)
          ctx.close("NSE:SBIN")
          ctx.close_all()
        end
        """

    @Test("close then close_all: one closing order, and only the script's resting order is cancelled")
    func closeThenCloseAll() throws {
        let instance = try StrategyInstance(source: Self.source, chunkName: "closer.lua", desk: StrategyFixtures.desk())
        try instance.start(info: StrategyInstance.RunInfo(mode: "test"))
        let placed = instance.drainIntents().compactMap { intent -> StrategyOrderRequest? in
            if case .place(let request) = intent { request } else { nil }
        }
        #expect(placed.map(\.tag) == ["entry", "exit_long_resting"])
        let entry = try #require(placed.first)
        try instance.deliver(
            StrategyOrderUpdate(
                ref: entry.ref, orderID: "1", symbol: entry.symbol, action: .buy, quantity: 10, status: "complete", filledQuantity: 10,
                averagePrice: 100))
        try instance.deliver(
            StrategyFill(ref: entry.ref, orderID: "1", symbol: entry.symbol, action: .buy, quantity: 10, price: 100, timeNanos: 1, tag: "entry"))
        try instance.deliver(StrategyTick(symbol: StrategyFixtures.sbin, lastPrice: 101, timeNanos: 2))
        let intents = instance.drainIntents()
        let closes = intents.compactMap { intent -> StrategyOrderRequest? in if case .place(let request) = intent { request } else { nil } }
        let cancels = intents.compactMap { intent -> Int64? in if case .cancel(let ref) = intent { ref } else { nil } }
        #expect(closes.map { "\($0.action.rawValue) \($0.quantity) \($0.tag)" } == ["SELL 10 close"])
        #expect(cancels == [placed[1].ref], "only the resting script order is cancelled, not the close in flight")
    }
}
