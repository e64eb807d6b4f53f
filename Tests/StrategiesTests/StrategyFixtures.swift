// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import LuaBridge
import MarketData
import Strategies

/// Shared inputs for the runtime tests: a master with one equity, an always-open desk, and seeded
/// random-walk bars.
enum StrategyFixtures {
    static let sbin = StrategySymbol(exchange: "NSE", symbol: "SBIN")
    static let instruments = InstrumentDirectory([
        Instrument(id: 1, symbol: "SBIN", exchange: .nse, name: "SBIN", type: .equity, lotSize: 1, tickSize: 0.05, token: "3045"),
        Instrument(id: 2, symbol: "INFY", exchange: .nse, name: "INFY", type: .equity, lotSize: 1, tickSize: 0.05, token: "1594"),
    ])
    static let calendar = TradingCalendar(templates: [], holidays: [], specialSessions: [])

    static func desk(capital: Double = 1_000_000) -> BacktestDesk {
        BacktestDesk(instruments: instruments, calendar: calendar, initialCapital: capital, alwaysOpen: true)
    }

    /// One-minute bars of a seeded random walk on the 0.05 tick grid, from 2026-11-02 09:15 IST.
    static func bars(count: Int, seed: UInt64 = 7, instrumentID: Int64 = 1) -> [Bar] {
        var generator = SeededGenerator(seed: seed)
        var price = 500.0
        var bars: [Bar] = []
        bars.reserveCapacity(count)
        let start: Int64 = 1_762_055_100
        for index in 0..<count {
            let open = price
            let step = (Double(Int.random(in: -20...20, using: &generator)) * 0.05)
            price = max(10, ((price + step) / 0.05).rounded() * 0.05)
            let high = max(open, price) + 0.05
            let low = min(open, price) - 0.05
            bars.append(
                Bar(
                    instrumentID: instrumentID, timeframe: .m1, start: start + Int64(index) * 60, open: open, high: high, low: low, close: price,
                    volume: 100))
        }
        return bars
    }

    /// The example EMA crossover (strategies/ema_crossover.lua): symbols NSE:SBIN, 1m, fast 9, slow
    /// 21, qty 10, reversing between +qty and -qty.
    static let emaCross: String = (try? String(contentsOf: examplesFolder.appendingPathComponent("ema_crossover.lua"), encoding: .utf8)) ?? ""

    static let examplesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("strategies")
}
