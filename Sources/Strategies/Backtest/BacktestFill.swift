// SPDX-License-Identifier: Apache-2.0
public import Core

/// One executed trade of a backtest, as the ledger records it.
///
/// The backtester builds a fill from what the sandbox's fill rule decided (`FillRule.decide`) and
/// hands it to ``BacktestLedger/apply(_:)``, which returns it completed: the ledger numbers it and
/// fills in ``positionAfter``, ``realizedPnL`` and ``costs``. Only the completed fills reach the
/// report and ``TradeListDigest``.
///
/// ```swift
/// let fill = ledger.apply(
///     BacktestFill(timeNanos: t, exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, price: 812.5, tag: "ema cross"))
/// ```
public struct BacktestFill: Sendable, Equatable, Codable {
    /// 1-based position in the ledger's fill list; assigned by the ledger.
    public var sequence: Int
    /// Simulated exchange time of the fill, nanoseconds since the Unix epoch.
    public var timeNanos: Int64
    /// Exchange code as in OpenAlgo's contract (`NSE`, `NFO`…).
    public var exchange: String
    /// Trading symbol on that exchange.
    public var symbol: String
    public var action: OrderAction
    /// Units filled, always positive; ``action`` gives the side.
    public var quantity: Int64
    /// Fill price in rupees per unit, finite and positive.
    public var price: Double
    /// Why the trade happened: the strategy's order tag, `"exit rule"`, `"square off"`…
    public var tag: String
    /// Signed position in (exchange, symbol) after this fill (short is negative); set by the ledger.
    public var positionAfter: Int64
    /// P&L realized by this fill (average-cost method, rupees), net of ``costs``; set by the ledger.
    public var realizedPnL: Double
    /// Fees charged for this fill by the ledger's ``BacktestCosts``; set by the ledger.
    public var costs: Double

    /// A fill as the backtester reports it; the ledger-owned fields start at zero.
    ///
    /// - Parameters:
    ///   - sequence: ignored by ``BacktestLedger/apply(_:)``, which numbers fills itself.
    ///   - quantity: units, > 0.
    ///   - price: rupees per unit, finite and > 0.
    public init(
        sequence: Int = 0, timeNanos: Int64, exchange: String, symbol: String, action: OrderAction, quantity: Int64, price: Double,
        tag: String = "", positionAfter: Int64 = 0, realizedPnL: Double = 0, costs: Double = 0
    ) {
        self.sequence = sequence
        self.timeNanos = timeNanos
        self.exchange = exchange
        self.symbol = symbol
        self.action = action
        self.quantity = quantity
        self.price = price
        self.tag = tag
        self.positionAfter = positionAfter
        self.realizedPnL = realizedPnL
        self.costs = costs
    }

    /// The quantity with the side's sign: positive for a buy, negative for a sell.
    public var signedQuantity: Int64 { action == .buy ? quantity : -quantity }

    /// Quantity × price, in rupees.
    public var turnover: Double { Double(quantity) * price }
}
