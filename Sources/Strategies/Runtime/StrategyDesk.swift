// SPDX-License-Identifier: Apache-2.0
public import Core
public import Schema

/// What a running strategy reads from the world, synchronously, during a Lua call: the clock, the
/// instrument master, quotes, the calendar, funds and the hub. The live host answers from the
/// server's caches; the backtester from its simulated market and ledger.
public protocol StrategyDesk: AnyObject {
    /// Exchange time now, in epoch nanoseconds (simulated in a backtest).
    var nowNanos: Int64 { get }
    func instrument(_ symbol: StrategySymbol) -> Instrument?
    func quote(_ symbol: StrategySymbol) -> PriceSnapshot?
    /// True when `exchange`'s market is open now by the trading calendar.
    func isMarketOpen(_ exchange: String) -> Bool
    /// Cash and margin of the account the strategy trades.
    func funds() -> StrategyFunds
    /// The listed derivatives of `underlying` on `exchange` (for legs).
    func contracts(underlying: String, exchange: String) -> [Instrument]
    /// Runs a read-only SQL query on the hub.
    /// - Throws: an error whose description says why (refused, syntax, time limit).
    func query(_ sql: String, maxRows: Int) throws -> QueryResult
}

/// `ctx.funds()`.
public struct StrategyFunds: Sendable, Equatable {
    public var available: Double
    public var used: Double
    public var realized: Double
    public var unrealized: Double
    /// The account's open positions as last read, which a live desk marks at the latest prices
    /// for ``unrealized``.
    public var openPositions: [OpenPosition]

    public struct OpenPosition: Sendable, Equatable {
        public var symbol: StrategySymbol
        public var quantity: Int64
        public var averagePrice: Double

        public init(symbol: StrategySymbol, quantity: Int64, averagePrice: Double) {
            self.symbol = symbol
            self.quantity = quantity
            self.averagePrice = averagePrice
        }
    }

    public init(available: Double, used: Double = 0, realized: Double = 0, unrealized: Double = 0, openPositions: [OpenPosition] = []) {
        self.available = available
        self.used = used
        self.realized = realized
        self.unrealized = unrealized
        self.openPositions = openPositions
    }
}
