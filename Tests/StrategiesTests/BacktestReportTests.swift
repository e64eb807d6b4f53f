// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import Strategies
import Testing

@Suite("Backtest report")
struct BacktestReportTests {
    /// Round trips of +100, −50, +30 and 0, marked once per fill.
    static func fourTrips() -> BacktestLedger {
        var ledger = BacktestLedger(initialCapital: 10_000)
        let fills = [
            fill(.buy, 10, at: 100), fill(.sell, 10, at: 110),
            fill(.sell, 5, at: 100), fill(.buy, 5, at: 110),
            fill(.buy, 3, at: 10), fill(.sell, 3, at: 20),
            fill(.buy, 1, at: 50), fill(.sell, 1, at: 50),
        ]
        for (index, trade) in fills.enumerated() {
            var timed = trade
            timed.timeNanos = Int64(index + 1) * 1_000
            ledger.apply(timed)
            ledger.mark(timeNanos: timed.timeNanos) { _, _ in timed.price }
        }
        return ledger
    }

    @Test("win rate, profit factor, gross profit and loss from round trips")
    func roundTripStatistics() {
        let report = BacktestReport(ledger: Self.fourTrips(), periodsPerYear: 252)
        #expect(report.trades == 8)
        #expect(report.roundTrips == 4)
        #expect(report.winningRoundTrips == 2)
        #expect(report.losingRoundTrips == 1)
        #expect(report.grossProfit == 130)
        #expect(report.grossLoss == 50)
        #expect(report.winRate == 0.5)
        #expect(report.profitFactor == 2.6)
        #expect(report.netPnL == 80)
        #expect(report.realizedPnL == 80)
        #expect(report.unrealizedPnL == 0)
        #expect(report.endEquity == 10_080)
        #expect(report.firstTimeNanos == 1_000)
        #expect(report.lastTimeNanos == 8_000)
        #expect(report.samples == 8)
        // Peak 10,100 after the first trip, trough 10,050 after the losing one.
        #expect(report.maxDrawdown == 50)
    }

    @Test("no round trips: no win rate; no losses: no profit factor")
    func undefinedRatios() {
        var ledger = BacktestLedger(initialCapital: 1_000)
        var report = BacktestReport(ledger: ledger, periodsPerYear: 252)
        #expect(report.winRate == nil && report.profitFactor == nil && report.sharpe == nil)
        #expect(report.firstTimeNanos == nil && report.lastTimeNanos == nil)
        #expect(report.endEquity == 1_000 && report.netPnL == 0 && report.maxDrawdown == 0)
        #expect(report.tradesSHA256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

        ledger.apply(fill(.buy, 1, at: 10))
        ledger.apply(fill(.sell, 1, at: 12))
        report = BacktestReport(ledger: ledger, periodsPerYear: 252)
        #expect(report.winRate == 1)
        #expect(report.profitFactor == nil)
        #expect(report.grossLoss == 0)
    }

    @Test("an open position counts in net P&L at its last mark")
    func openPosition() {
        var ledger = BacktestLedger(initialCapital: 1_000)
        ledger.apply(fill(.buy, 2, at: 100, time: 10))
        ledger.mark(timeNanos: 20) { _, _ in 90 }
        let report = BacktestReport(ledger: ledger, periodsPerYear: 252)
        #expect(report.netPnL == -20)
        #expect(report.unrealizedPnL == -20)
        #expect(report.realizedPnL == 0)
        #expect(report.maxDrawdown == 20)
        #expect(report.maxDrawdownPercent == 2)
        #expect(report.roundTrips == 0)
        #expect(report.firstTimeNanos == 10 && report.lastTimeNanos == 20)
    }

    @Test("JSON has sorted keys, is byte-stable and reads back")
    func json() throws {
        let report = BacktestReport(ledger: Self.fourTrips(), periodsPerYear: 252, maxCurvePoints: 4)
        let text = try report.jsonText()
        #expect(try report.jsonText() == text)
        #expect(try BacktestReport(jsonText: text) == report)
        #expect(try BacktestReport(jsonText: try report.jsonText(prettyPrinted: true)) == report)
        #expect(report.equityCurve.count == 4)
        #expect(!text.contains("\n"))
        let keys = ["\"endEquity\"", "\"equityCurve\"", "\"grossLoss\"", "\"netPnL\"", "\"tradesSHA256\"", "\"winRate\""]
        let offsets = keys.compactMap { key in text.range(of: key).map { text.distance(from: text.startIndex, to: $0.lowerBound) } }
        #expect(offsets.count == keys.count)
        #expect(offsets == offsets.sorted())
    }
}
