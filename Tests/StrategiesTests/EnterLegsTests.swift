// SPDX-License-Identifier: Apache-2.0
import Core
import Strategies
import Testing

/// `ctx.enter_legs`: every leg is checked against the risk limits before any is sent, and
/// `scale` multiplies every leg's lots.
@Suite("ctx.enter_legs")
struct EnterLegsTests {
    static func instance(risk: String, body: String) throws -> StrategyInstance {
        let source = """
            strategy = {
              name = "legs", symbols = { "NSE:SBIN" },
              legs = {
                { name = "sbin", symbol = "SBIN", exchange = "NSE", action = "BUY", quantity = 5 },
                { name = "infy", symbol = "INFY", exchange = "NSE", action = "SELL", quantity = 8 },
              },
              risk = { \(risk) },
              exits = {},  -- an empty table is no exits (it crosses the bridge as an empty list)
            }
            function on_start(ctx)
            \(body)
            end
            """
        let instance = try StrategyInstance(source: source, chunkName: "legs.lua", desk: StrategyFixtures.desk())
        try instance.start(info: StrategyInstance.RunInfo(mode: "test"))
        return instance
    }

    static func placed(_ instance: StrategyInstance) -> [String] {
        instance.drainIntents().compactMap { intent in
            guard case .place(let request) = intent else { return nil }
            return "\(request.action.rawValue) \(request.quantity) \(request.symbol.symbol)"
        }
    }

    /// Risk limits, the call, and what is sent (nothing when a limit refuses the whole call).
    static let cases: [(risk: String, call: String, placed: [String], message: String?)] = [
        ("", "ctx.enter_legs()", ["BUY 5 SBIN", "SELL 8 INFY"], nil),
        ("", "ctx.enter_legs(nil, { scale = 3 })", ["BUY 15 SBIN", "SELL 24 INFY"], nil),
        ("", "ctx.enter_legs({ \"infy\" }, { scale = 2 })", ["SELL 16 INFY"], nil),
        ("max_position = 10", "ctx.enter_legs(nil, { scale = 2 })", [], "past risk.max_position (10)"),
        ("max_position = 10", "ctx.enter_legs()", ["BUY 5 SBIN", "SELL 8 INFY"], nil),
        ("max_trades_per_day = 1", "ctx.enter_legs()", [], "risk.max_trades_per_day (1) reached"),
        ("max_orders_per_call = 1", "ctx.enter_legs()", [], "risk.max_orders_per_call"),
        // A call the order cap refuses uses up none of the day's trades.
        ("max_trades_per_day = 2, max_orders_per_call = 1", "pcall(ctx.enter_legs) ctx.buy(\"NSE:SBIN\", 1)", ["BUY 1 SBIN"], nil),
        ("", "ctx.enter_legs(nil, { scale = 0 })", [], "scale must be an integer from 1 to 1000"),
        ("", "ctx.enter_legs(nil, { scale = 1.5 })", [], "scale must be an integer from 1 to 1000"),
    ]

    @Test("limits refuse the whole call; scale multiplies", arguments: cases.indices)
    func enter(_ index: Int) throws {
        let (risk, call, placed, message) = Self.cases[index]
        let instance = try Self.instance(risk: risk, body: "  local ok, err = pcall(function() \(call) end)\n  ctx.log(tostring(err))")
        #expect(Self.placed(instance) == placed, "\(call) with \(risk)")
        let logged = instance.drainLogs().map(\.message).joined(separator: "\n")
        if let message { #expect(logged.contains(message), "\(call): \(logged)") } else { #expect(logged == "nil", "\(call): \(logged)") }
    }
}
