// SPDX-License-Identifier: Apache-2.0
import Core

/// The in-memory account of one backtest: cash, average-cost positions, fills, round trips and
/// the equity curve.
///
/// The ledger is a pure value: no clock, no I/O, no randomness. The backtester applies each fill
/// the sandbox's fill rule produces, in order, and marks the account once per bar (or tick); the
/// same calls give the same ledger, bit for bit, on every run. Instruments are kept in the order
/// they first traded, so sums over them never depend on hashing.
///
/// ```swift
/// var ledger = BacktestLedger(initialCapital: 1_000_000)
/// for bar in bars {
///     for fill in fillsOn(bar) { ledger.apply(fill) }
///     ledger.mark(timeNanos: bar.timeNanos) { _, _ in bar.close }
/// }
/// let report = BacktestReport(ledger: ledger, periodsPerYear: 252 * 375)
/// ```
public struct BacktestLedger: Sendable {
    /// Cash at the start, in rupees.
    public let initialCapital: Double
    /// What each fill is charged.
    public let costs: BacktestCosts
    /// Cash now: the initial capital, minus buys, plus sells, minus costs.
    public private(set) var cash: Double
    /// P&L realized so far by all fills, net of costs.
    public private(set) var realizedPnL: Double = 0
    /// Costs charged so far.
    public private(set) var totalCosts: Double = 0
    /// Every fill applied, completed by the ledger, in order.
    public private(set) var fills: [BacktestFill] = []
    /// Round trips closed so far, in the order they closed.
    public private(set) var roundTrips: [BacktestRoundTrip] = []
    /// One equity sample per ``mark(timeNanos:prices:)``.
    public private(set) var curve = BacktestEquityCurve()

    /// Every instrument ever traded, in first-trade order; flat ones stay with quantity 0.
    private var books: [Book] = []
    private var bookIndex: [Key: Int] = [:]

    private struct Key: Hashable, Sendable {
        var exchange: String
        var symbol: String
    }

    /// A position with what the ledger needs beside it.
    private struct Book: Sendable {
        var position: BacktestPosition
        /// The last valid mark price, used when a later mark has no price for this instrument.
        var lastMark: Double?
        /// The round trip now open: its first fill and the P&L realized in it so far.
        var openTrip: (action: OrderAction, timeNanos: Int64, sequence: Int, pnl: Double)?

        /// The price to value the open quantity at: the given mark, else the last one, else the
        /// average (no unrealized P&L).
        func valuationPrice(_ mark: Double?) -> Double {
            if let mark, mark.isFinite, mark > 0 { return mark }
            return lastMark ?? position.averagePrice
        }
    }

    /// A ledger holding `initialCapital` in cash and no positions.
    ///
    /// - Parameters:
    ///   - initialCapital: starting cash in rupees.
    ///   - costs: fees per fill; none by default.
    /// - Precondition: `initialCapital` is finite (validate a command-line value before this).
    public init(initialCapital: Double, costs: BacktestCosts = .zero) {
        precondition(initialCapital.isFinite, "initial capital \(initialCapital) is not finite")
        self.initialCapital = initialCapital
        self.costs = costs
        self.cash = initialCapital
    }

    /// Applies one executed trade and returns it completed.
    ///
    /// The ledger sets the fill's `sequence` (1-based order of application), `positionAfter`,
    /// `costs` and `realizedPnL` (the closed part's average-cost P&L minus this fill's costs),
    /// whatever the caller put there; it moves cash by the turnover and the costs, and opens,
    /// continues or closes a round trip.
    ///
    /// - Parameter fill: a fill from the fill rule.
    /// - Returns: the completed fill, as also appended to ``fills``.
    /// - Precondition: `quantity > 0` and `price` finite and > 0. The fill rule never prices at 0
    ///   and order validation refuses empty quantities, so a bad fill is a backtester bug.
    @discardableResult
    public mutating func apply(_ fill: BacktestFill) -> BacktestFill {
        precondition(fill.quantity > 0, "backtest fill of \(fill.exchange):\(fill.symbol) has quantity \(fill.quantity)")
        precondition(fill.price.isFinite && fill.price > 0, "backtest fill of \(fill.exchange):\(fill.symbol) has price \(fill.price)")
        var completed = fill
        completed.sequence = fills.count + 1
        let index = indexOfBook(exchange: fill.exchange, symbol: fill.symbol)
        let before = books[index].position.quantity
        let change = books[index].position.apply(signedQuantity: fill.signedQuantity, price: fill.price)
        let after = books[index].position.quantity

        let cost = costs.cost(turnover: fill.turnover)
        cash += fill.action == .buy ? -fill.turnover : fill.turnover
        cash -= cost
        totalCosts += cost
        completed.costs = cost
        completed.positionAfter = after
        completed.realizedPnL = change.grossRealized - cost
        realizedPnL += completed.realizedPnL

        // A flipping fill closes one round trip and opens the next: its costs are shared between
        // them by the units each takes. Any other fill's costs belong to the trip it is part of.
        var newTripCosts = cost
        if var trip = books[index].openTrip {
            let flipped = after != 0 && (after > 0) != (before > 0)
            let closingCosts = flipped ? cost * Double(change.closedQuantity) / Double(fill.quantity) : cost
            trip.pnl += change.grossRealized - closingCosts
            newTripCosts = cost - closingCosts
            if after == 0 || flipped {
                roundTrips.append(
                    BacktestRoundTrip(
                        exchange: fill.exchange, symbol: fill.symbol, entryAction: trip.action, entryTimeNanos: trip.timeNanos,
                        exitTimeNanos: fill.timeNanos, entrySequence: trip.sequence, exitSequence: completed.sequence, pnl: trip.pnl))
                books[index].openTrip = nil
            } else {
                books[index].openTrip = trip
            }
        }
        if after != 0 && books[index].openTrip == nil {
            books[index].openTrip = (fill.action, fill.timeNanos, completed.sequence, -newTripCosts)
        }
        if after == 0 { books[index].lastMark = nil }
        fills.append(completed)
        return completed
    }

    /// The position in one instrument; `(0, 0)` if it never traded or is flat.
    public func position(exchange: String, symbol: String) -> (quantity: Int64, averagePrice: Double) {
        guard let index = bookIndex[Key(exchange: exchange, symbol: symbol)] else { return (0, 0) }
        let position = books[index].position
        return (position.quantity, position.averagePrice)
    }

    /// The open (non-flat) positions, sorted by exchange then symbol.
    public var positions: [BacktestPosition] {
        books.lazy.map(\.position).filter { $0.quantity != 0 }
            .sorted { ($0.exchange, $0.symbol) < ($1.exchange, $1.symbol) }
    }

    /// Open positions valued at `marks` against their average prices, in rupees.
    ///
    /// - Parameter marks: the price of `(exchange, symbol)`, or nil when there is none; then the
    ///   instrument's last mark from ``mark(timeNanos:prices:)`` is used, else its average price.
    ///   Prices that are not finite and positive count as none.
    public func unrealizedPnL(marks: (_ exchange: String, _ symbol: String) -> Double?) -> Double {
        var total = 0.0
        for book in books where book.position.quantity != 0 {
            let position = book.position
            let price = book.valuationPrice(marks(position.exchange, position.symbol))
            total += Double(position.quantity) * (price - position.averagePrice)
        }
        return total
    }

    /// Cash plus open positions valued at `marks` (see ``unrealizedPnL(marks:)`` for missing prices).
    public func equity(marks: (_ exchange: String, _ symbol: String) -> Double?) -> Double {
        var total = cash
        for book in books where book.position.quantity != 0 {
            let position = book.position
            total += Double(position.quantity) * book.valuationPrice(marks(position.exchange, position.symbol))
        }
        return total
    }

    /// Records an equity sample at `timeNanos`, remembering each valid price as the instrument's last mark.
    ///
    /// Call it once per bar or tick, after that bar's fills, with times that do not go backwards.
    ///
    /// - Parameters:
    ///   - timeNanos: simulated time, epoch nanoseconds.
    ///   - prices: the mark of `(exchange, symbol)`, asked only for open positions; nil (or a price that
    ///     is not finite and positive) keeps the previous mark, or the average price if there is none.
    public mutating func mark(timeNanos: Int64, prices: (_ exchange: String, _ symbol: String) -> Double?) {
        var total = cash
        for index in books.indices where books[index].position.quantity != 0 {
            let position = books[index].position
            if let price = prices(position.exchange, position.symbol), price.isFinite, price > 0 {
                books[index].lastMark = price
            }
            total += Double(position.quantity) * books[index].valuationPrice(nil)
        }
        curve.append(timeNanos: timeNanos, equity: total)
    }

    /// Reserves room for `samples` equity samples (the number of bars or ticks, when known).
    public mutating func reserveSamples(_ samples: Int) {
        curve.reserveCapacity(samples)
    }

    private mutating func indexOfBook(exchange: String, symbol: String) -> Int {
        let key = Key(exchange: exchange, symbol: symbol)
        if let index = bookIndex[key] { return index }
        books.append(Book(position: BacktestPosition(exchange: exchange, symbol: symbol)))
        bookIndex[key] = books.count - 1
        return books.count - 1
    }
}
