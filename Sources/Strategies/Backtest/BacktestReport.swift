// SPDX-License-Identifier: Apache-2.0

/// The summary of one backtest, computed from its ledger: what the backtester prints, and with
/// `--json` writes as ``jsonText(prettyPrinted:)``.
///
/// Money is in rupees. Ratios that have no value for the run are nil rather than 0 or infinity
/// (JSON has no infinity), and then absent from the JSON.
///
/// ```swift
/// let report = BacktestReport(ledger: ledger, periodsPerYear: 252)
/// print(try report.jsonText(prettyPrinted: true))
/// ```
public struct BacktestReport: Sendable, Codable, Equatable {
    /// Fills applied (each executed order counts once; the sandbox never part-fills).
    public var trades: Int
    /// Round trips closed (entry from flat to flat again, or to a flip).
    public var roundTrips: Int
    /// Round trips with P&L > 0.
    public var winningRoundTrips: Int
    /// Round trips with P&L < 0.
    public var losingRoundTrips: Int
    /// `endEquity − startEquity`: realized plus unrealized P&L, net of costs.
    public var netPnL: Double
    /// P&L realized by all fills, net of costs.
    public var realizedPnL: Double
    /// Open positions at their last marks against their average prices.
    public var unrealizedPnL: Double
    /// Costs charged by the ledger's ``BacktestCosts``.
    public var totalCosts: Double
    /// Sum of the P&L of winning round trips.
    public var grossProfit: Double
    /// Sum of the losses of losing round trips, as a positive number.
    public var grossLoss: Double
    /// Winning round trips / round trips, from 0 to 1; nil with no round trips.
    public var winRate: Double?
    /// `grossProfit / grossLoss`; nil when no round trip lost money (the ratio would be infinite,
    /// or undefined with no winners either).
    public var profitFactor: Double?
    /// Largest peak-to-trough fall of equity in rupees, from the initial capital through every
    /// sample (see ``BacktestEquityCurve/maxDrawdown(startEquity:)``).
    public var maxDrawdown: Double
    /// Largest fall as a percentage of the peak before it (may be a different fall than ``maxDrawdown``).
    public var maxDrawdownPercent: Double
    /// Annualised Sharpe ratio of the per-sample returns, risk-free rate 0:
    /// `mean(r) / stdev(r) × √periodsPerYear` (see ``BacktestEquityCurve/sharpeRatio(periodsPerYear:)``);
    /// nil with fewer than three samples or a flat curve.
    public var sharpe: Double?
    /// The samples per year the Sharpe ratio was annualised with.
    public var periodsPerYear: Double
    /// The initial capital.
    public var startEquity: Double
    /// Cash plus open positions at their last marks (at their average price if never marked).
    public var endEquity: Double
    /// Earliest time of any fill or sample, epoch nanoseconds; nil for an empty run.
    public var firstTimeNanos: Int64?
    /// Latest time of any fill or sample, epoch nanoseconds; nil for an empty run.
    public var lastTimeNanos: Int64?
    /// Equity samples taken (one per mark); the statistics use all of them.
    public var samples: Int
    /// The equity curve thinned for display, keeping each bucket's low and high
    /// (see ``BacktestEquityCurve/downsampled(maxPoints:)``).
    public var equityCurve: [BacktestEquityPoint]
    /// ``TradeListDigest/sha256Hex(_:)`` of the fills: equal digests, identical trades.
    public var tradesSHA256: String

    /// Computes the report of a ledger.
    ///
    /// - Parameters:
    ///   - ledger: the finished backtest, marked after its last fill.
    ///   - periodsPerYear: samples per year, for the Sharpe ratio: 252 for daily bars, 252 × 375
    ///     for 1-minute NSE bars.
    ///   - maxCurvePoints: the most points ``equityCurve`` keeps (at least 4).
    public init(ledger: BacktestLedger, periodsPerYear: Double, maxCurvePoints: Int = BacktestEquityCurve.defaultMaxPoints) {
        let unmarked: (String, String) -> Double? = { _, _ in nil }
        trades = ledger.fills.count
        roundTrips = ledger.roundTrips.count
        var wins = 0
        var losses = 0
        var profit = 0.0
        var loss = 0.0
        for trip in ledger.roundTrips {
            if trip.isWin {
                wins += 1
                profit += trip.pnl
            } else if trip.isLoss {
                losses += 1
                loss -= trip.pnl
            }
        }
        winningRoundTrips = wins
        losingRoundTrips = losses
        grossProfit = profit
        grossLoss = loss
        winRate = roundTrips > 0 ? Double(wins) / Double(roundTrips) : nil
        profitFactor = losses > 0 && loss > 0 ? profit / loss : nil

        startEquity = ledger.initialCapital
        endEquity = ledger.equity(marks: unmarked)
        netPnL = endEquity - startEquity
        realizedPnL = ledger.realizedPnL
        unrealizedPnL = ledger.unrealizedPnL(marks: unmarked)
        totalCosts = ledger.totalCosts

        let curve = ledger.curve
        (maxDrawdown, maxDrawdownPercent) = curve.maxDrawdown(startEquity: ledger.initialCapital)
        sharpe = curve.sharpeRatio(periodsPerYear: periodsPerYear)
        self.periodsPerYear = periodsPerYear
        samples = curve.count
        equityCurve = curve.downsampled(maxPoints: maxCurvePoints)

        let fillTimes = ledger.fills.lazy.map(\.timeNanos)
        let earliest = [fillTimes.min(), curve.times.min()].compactMap { $0 }
        let latest = [fillTimes.max(), curve.times.max()].compactMap { $0 }
        firstTimeNanos = earliest.min()
        lastTimeNanos = latest.max()
        tradesSHA256 = TradeListDigest.sha256Hex(ledger.fills)
    }
}
