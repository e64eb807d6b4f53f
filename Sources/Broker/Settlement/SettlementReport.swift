// SPDX-License-Identifier: Apache-2.0
public import Core

/// What one settlement run (or expiry retry) did.
public struct SettlementReport: Sendable, Equatable {
    public var tradingDate: LocalDate
    /// The date had been settled already (or a later one has): the run changed nothing.
    public var alreadySettled: Bool
    /// CNC positions whose quantity moved into (or out of) holdings.
    public var positionsMoved: Int
    /// CNC positions left unmoved because their holding would go below zero (changed by hand).
    public var positionsSkipped: Int
    /// Positions on expired contracts closed at their settlement price.
    public var expiredClosed: Int
    /// Positions on expired contracts left open for want of a price (retried).
    public var expiredUnpriced: Int
    /// Working orders on expired contracts cancelled.
    public var ordersCancelled: Int

    public init(
        tradingDate: LocalDate, alreadySettled: Bool = false, positionsMoved: Int = 0, positionsSkipped: Int = 0, expiredClosed: Int = 0,
        expiredUnpriced: Int = 0, ordersCancelled: Int = 0
    ) {
        self.tradingDate = tradingDate
        self.alreadySettled = alreadySettled
        self.positionsMoved = positionsMoved
        self.positionsSkipped = positionsSkipped
        self.expiredClosed = expiredClosed
        self.expiredUnpriced = expiredUnpriced
        self.ordersCancelled = ordersCancelled
    }
}
