// SPDX-License-Identifier: Apache-2.0
public import Core

/// How much cash the sandbox blocks for exposure, by product and instrument type (OpenAlgo's
/// sandbox leverage table; each value is a `sandbox.*_leverage` setting).
public struct MarginPolicy: Sendable, Equatable {
    public var equityIntradayLeverage = 5.0
    public var equityDeliveryLeverage = 1.0
    public var futuresLeverage = 10.0
    public var optionBuyLeverage = 1.0
    public var optionSellLeverage = 1.0

    public init() {}

    /// The leverage for one unit of exposure in `direction` (+1 long, −1 short).
    public func leverage(instrument: Instrument, product: Product, long: Bool) -> Double {
        let value: Double
        switch instrument.type {
        case .future: value = futuresLeverage
        case .call, .put: value = long ? optionBuyLeverage : optionSellLeverage
        case .equity: value = product == .mis ? equityIntradayLeverage : equityDeliveryLeverage
        case .index: value = 1
        }
        return value > 0 ? value : 1
    }

    /// The margin a position of `netQuantity` at `averagePrice` ties up.
    public func positionMargin(instrument: Instrument, product: Product, netQuantity: Int64, averagePrice: Double) -> Double {
        guard netQuantity != 0 else { return 0 }
        return Double(abs(netQuantity)) * averagePrice / leverage(instrument: instrument, product: product, long: netQuantity > 0)
    }

    /// The margin an order must block: only the part that adds exposure. An order that reduces
    /// the position blocks nothing; one that reverses it blocks for the excess only.
    /// - Parameters:
    ///   - position: the signed net position before the order.
    ///   - price: LTP for MARKET, the limit for LIMIT, the trigger for SL and SL-M.
    public func orderMargin(
        instrument: Instrument, product: Product, action: OrderAction, quantity: Int64, position: Int64, price: Double
    ) -> Double {
        let signed = action == .buy ? quantity : -quantity
        let adding: Int64
        if position == 0 || (position > 0) == (signed > 0) {
            adding = quantity
        } else {
            adding = max(0, quantity - abs(position))
        }
        guard adding > 0 else { return 0 }
        return Double(adding) * price / leverage(instrument: instrument, product: product, long: signed > 0)
    }
}
