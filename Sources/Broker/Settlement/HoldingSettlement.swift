// SPDX-License-Identifier: Apache-2.0
public import Schema

/// A holding after a settlement move: the arithmetic of T+1, free of I/O.
///
/// The position keeps one average price for everything it holds (the schema's position
/// arithmetic), and its realized P&L is measured against it. So when the holding is made of
/// exactly this position's settled part, it takes the position's average, and the holdings'
/// P&L and the position's realized P&L tell the same story. A holding that also has shares from
/// elsewhere (written by hand or by another tool) mixes in a buy at the position's average and
/// keeps its average on a sell, as a broker's holdings do.
public struct HoldingSettlement: Sendable, Equatable {
    public var quantity: Int64
    public var averagePrice: Double

    public init(quantity: Int64, averagePrice: Double) {
        self.quantity = quantity
        self.averagePrice = averagePrice
    }

    /// The holding once `position.move` has moved into it, or nil when the move would take it
    /// below zero (only possible if the holding was changed by hand; the position then waits).
    public static func after(_ position: UnsettledPosition) -> HoldingSettlement? {
        after(
            held: position.holdingQuantity, settling: position.holdingSettling, heldAverage: position.holdingAverage,
            settledBefore: position.settledQuantity, netAtCutoff: position.netAtCutoff, positionAverage: position.averageAtCutoff)
    }

    /// - Parameters:
    ///   - held: the holding's settled quantity; `settling`: its T1 quantity (kept as it is).
    ///   - settledBefore: what the position had moved into holdings before this move.
    ///   - netAtCutoff: the position's net quantity at the cutoff; the move is `netAtCutoff - settledBefore`.
    ///   - positionAverage: the position's average price at the cutoff.
    public static func after(
        held: Int64, settling: Int64, heldAverage: Double, settledBefore: Int64, netAtCutoff: Int64, positionAverage: Double
    ) -> HoldingSettlement? {
        let move = netAtCutoff - settledBefore
        let quantity = held + move
        guard quantity >= 0 else { return nil }
        // The holdings CHECK: the average is 0 exactly when nothing (settled or settling) is held.
        if quantity + settling == 0 { return HoldingSettlement(quantity: 0, averagePrice: 0) }
        if quantity == 0 { return HoldingSettlement(quantity: 0, averagePrice: heldAverage) }
        if held == settledBefore, netAtCutoff > 0, positionAverage > 0 {
            return HoldingSettlement(quantity: quantity, averagePrice: positionAverage)
        }
        if move > 0, positionAverage > 0 {
            let value = Double(held) * heldAverage + Double(move) * positionAverage
            return HoldingSettlement(quantity: quantity, averagePrice: value / Double(quantity))
        }
        return HoldingSettlement(quantity: quantity, averagePrice: heldAverage > 0 ? heldAverage : positionAverage)
    }
}
