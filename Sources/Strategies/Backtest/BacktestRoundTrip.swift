// SPDX-License-Identifier: Apache-2.0
public import Core

/// One closed trade in one instrument: from the fill that opened a position out of flat to the
/// fill that made it flat again or flipped it to the other side.
///
/// Adding to or scaling out of the position stays within the same round trip. A flipping fill
/// ends one round trip and starts the next; its realized P&L belongs to the trip it closes and
/// its costs are shared between the two trips in proportion to the units closed and opened.
public struct BacktestRoundTrip: Sendable, Equatable, Codable {
    public var exchange: String
    public var symbol: String
    /// `.buy` for a long round trip, `.sell` for a short one.
    public var entryAction: OrderAction
    /// Time of the opening fill, epoch nanoseconds.
    public var entryTimeNanos: Int64
    /// Time of the fill that closed or flipped the position, epoch nanoseconds.
    public var exitTimeNanos: Int64
    /// Sequence of the opening fill.
    public var entrySequence: Int
    /// Sequence of the closing fill.
    public var exitSequence: Int
    /// Realized P&L of the whole round trip, net of its costs, in rupees.
    public var pnl: Double

    public init(
        exchange: String, symbol: String, entryAction: OrderAction, entryTimeNanos: Int64, exitTimeNanos: Int64, entrySequence: Int,
        exitSequence: Int, pnl: Double
    ) {
        self.exchange = exchange
        self.symbol = symbol
        self.entryAction = entryAction
        self.entryTimeNanos = entryTimeNanos
        self.exitTimeNanos = exitTimeNanos
        self.entrySequence = entrySequence
        self.exitSequence = exitSequence
        self.pnl = pnl
    }

    /// True when the round trip made money (P&L > 0); a zero round trip is neither a win nor a loss.
    public var isWin: Bool { pnl > 0 }
    /// True when the round trip lost money (P&L < 0).
    public var isLoss: Bool { pnl < 0 }
}
