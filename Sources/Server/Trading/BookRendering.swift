// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import Schema

/// The books in OpenAlgo's sandbox shapes (`orderbook`, `orderstatus`, `tradebook`,
/// `positionbook`, `holdings`, `funds`).
enum BookRendering {
    /// `2026-11-20 10:00:03` (IST) from the hub's UTC `2026-11-20T04:30:03.120Z`.
    static func timestamp(_ stored: String) -> String {
        guard stored.count >= 19, let date = LocalDate(iso: stored.prefix(10)) else { return stored }
        let time = stored.dropFirst(11).prefix(8).split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return stored }
        var seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(time[0] * 3600 + time[1] * 60 + time[2]) + Int64(TradingCalendar.istOffsetSeconds)
        let day = LocalDate(daysSinceEpoch: Int(seconds / 86_400))
        seconds %= 86_400
        let pad = HubTimestamp.padded
        return "\(day.description) \(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    }

    /// The hub's UTC timestamp form of the start of the current order-book session: 03:00 IST
    /// today (or yesterday before 03:00), as OpenAlgo's SESSION_EXPIRY_TIME.
    static func sessionStart(nowSeconds: Int64) -> String {
        let istNow = nowSeconds + Int64(TradingCalendar.istOffsetSeconds)
        var start = istNow - ((istNow % 86_400) + 86_400) % 86_400 + 3 * 3600
        if start > istNow { start -= 86_400 }
        return HubTimestamp.utc(secondsSinceEpoch: start - Int64(TradingCalendar.istOffsetSeconds))
    }

    /// The hub's UTC form of a moment: `2026-11-20T04:30:03.000Z`.
    static func hubTimestamp(secondsSinceEpoch seconds: Int64) -> String { HubTimestamp.utc(secondsSinceEpoch: seconds) }

    static func money(_ value: Double) -> JSONValue { .number((value * 100).rounded() / 100) }

    static func order(_ order: LedgerOrder) -> JSONValue {
        let pending = order.status.isFinal ? 0 : max(0, order.quantity - order.filledQuantity)
        var fields: [String: JSONValue] = [
            "orderid": .string(order.orderID),
            "strategy": .string(order.strategy),
            "exchange": .string(order.exchange),
            "symbol": .string(order.symbol),
            "action": .string(order.action.rawValue),
            "quantity": .integer(order.quantity),
            "price": .number(order.price),
            "trigger_price": .number(order.triggerPrice),
            "pricetype": .string(order.priceType.rawValue),
            // OpenAlgo's sandbox spells it this way in orderstatus; both are sent so either reader works.
            "price_type": .string(order.priceType.rawValue),
            "product": .string(order.product.rawValue),
            "order_status": .string(order.status.rawValue),
            "average_price": .number(order.averagePrice),
            "filled_quantity": .integer(order.filledQuantity),
            "pending_quantity": .integer(pending),
            "rejection_reason": .string(order.rejectionReason ?? ""),
            "timestamp": .string(timestamp(order.createdAt)),
        ]
        // RealAlgo's extension: an order routed to an upstream account names the upstream's id.
        if let brokerOrderID = order.brokerOrderID { fields["broker_orderid"] = .string(brokerOrderID) }
        return .object(fields)
    }

    static func orderBook(_ orders: [LedgerOrder]) -> JSONValue {
        func count(_ predicate: (LedgerOrder) -> Bool) -> JSONValue { .integer(Int64(orders.filter(predicate).count)) }
        return .object([
            "orders": .array(orders.reversed().map(order)),
            "statistics": .object([
                "total_buy_orders": count { $0.action == .buy },
                "total_sell_orders": count { $0.action == .sell },
                "total_completed_orders": count { $0.status == .complete },
                "total_open_orders": count { $0.status == .open || $0.status == .pending },
                "total_trigger_pending_orders": count { $0.status == .triggerPending },
                "total_rejected_orders": count { $0.status == .rejected },
            ]),
        ])
    }

    static func trade(_ trade: BookTrade) -> JSONValue {
        .object([
            "tradeid": .string(trade.tradeID), "orderid": .string(trade.orderID), "strategy": .string(trade.strategy),
            "exchange": .string(trade.exchange), "symbol": .string(trade.symbol), "product": .string(trade.product),
            "action": .string(trade.action), "quantity": .integer(trade.quantity), "price": .number(trade.price),
            "average_price": .number(trade.price), "trade_value": money(Double(trade.quantity) * trade.price),
            "timestamp": .string(timestamp(trade.tradedAt)),
        ])
    }

    /// A position with its mark-to-market at `lastPrice` (the average when no price is known).
    static func position(_ position: BookPosition, lastPrice: Double?) -> (JSONValue, realized: Double, unrealized: Double) {
        let mark = lastPrice ?? position.averagePrice
        let unrealized = Double(position.netQuantity) * (mark - position.averagePrice)
        let pnl = position.realizedPnL + unrealized
        let invested = Double(abs(position.netQuantity)) * position.averagePrice
        let value: JSONValue = .object([
            "exchange": .string(position.exchange), "symbol": .string(position.symbol), "product": .string(position.product),
            "quantity": .integer(position.netQuantity), "average_price": .number(position.averagePrice), "ltp": .number(mark),
            "pnl": money(pnl), "pnlpercent": money(invested > 0 ? unrealized / invested * 100 : 0),
            "realized_pnl": money(position.realizedPnL), "unrealized_pnl": money(unrealized),
            "buy_quantity": .integer(position.buyQuantity), "sell_quantity": .integer(position.sellQuantity),
        ])
        return (value, position.realizedPnL, unrealized)
    }
}
