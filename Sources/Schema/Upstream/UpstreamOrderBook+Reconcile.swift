// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

extension UpstreamOrderBook {
    /// What applying an upstream's report did to one order.
    public struct Applied: Sendable, Equatable {
        public var order: LedgerOrder
        /// Trades inserted (new fills).
        public var tradesAdded: Int
        public var statusChanged: Bool

        public var changed: Bool { tradesAdded > 0 || statusChanged }
    }

    /// Brings one working order up to what its upstream reports, in one transaction: new fills
    /// become trades (each under the upstream's trade id, so a report applied twice adds nothing
    /// — the hub refuses a second trade with the same `broker_trade_id`), the positions and
    /// funds follow from the trades (the schema's `trades_apply`), then the status moves
    /// forward. A final order is left alone.
    /// - Parameter makeTradeID: RealAlgo's own id for the n-th trade this call inserts.
    public func apply(_ state: UpstreamOrderState, toRowID rowID: Int64, makeTradeID: @escaping @Sendable (Int) -> String) async throws -> Applied {
        try await store.write { db in
            var order = try Self.order(rowID: rowID, in: db)
            let before = order.status
            guard !order.status.isFinal, order.brokerOrderID == state.brokerOrderID else {
                return Applied(order: order, tradesAdded: 0, statusChanged: false)
            }
            var added = 0
            func insertTrade(_ brokerTradeID: String, quantity: Int64, price: Double) throws {
                let known =
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM trades WHERE account_id = ? AND broker_trade_id = ?)",
                        arguments: [order.accountID, brokerTradeID]) ?? false
                let remaining = order.quantity - order.filledQuantity
                guard !known, quantity > 0, price > 0, remaining > 0, !order.status.isFinal else { return }
                try db.execute(
                    sql: """
                        INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price, broker_trade_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        makeTradeID(added), order.rowID, order.accountID, order.exchange, order.symbol, order.product.rawValue,
                        order.action.rawValue, min(quantity, remaining), price, brokerTradeID,
                    ])
                added += 1
                order = try Self.order(rowID: rowID, in: db)
            }
            for fill in state.fills { try insertTrade(fill.brokerTradeID, quantity: fill.quantity, price: fill.price) }
            // Fills the upstream counts but did not list (a broker whose trade book lags or lacks
            // trade ids): one balancing fill at the price that makes the averages agree.
            let reported = state.status == .complete ? max(state.filledQuantity, order.quantity) : state.filledQuantity
            if reported > order.filledQuantity, !order.status.isFinal {
                let quantity = min(reported, order.quantity) - order.filledQuantity
                let average = state.averagePrice > 0 ? state.averagePrice : order.price
                var price = (average * Double(order.filledQuantity + quantity) - order.averagePrice * Double(order.filledQuantity)) / Double(quantity)
                if !(price > 0) { price = average }
                // A limit is never crossed, even by rounding.
                if order.priceType == .limit || order.priceType == .stopLossLimit {
                    price = order.action == .buy ? min(price, order.price) : max(price, order.price)
                }
                try insertTrade("\(state.brokerOrderID):filled:\(order.filledQuantity + quantity)", quantity: quantity, price: price)
            }
            if !order.status.isFinal, let status = state.status {
                let next: OrderStatus? =
                    switch (status, order.status) {
                    case (.cancelled, _): .cancelled
                    case (.rejected, _): .rejected
                    case (.open, .pending), (.open, .triggerPending): .open
                    case (.triggerPending, .pending): .triggerPending
                    default: nil
                    }
                if let next {
                    let reason = next == .rejected ? (state.rejectionReason.flatMap { $0.isEmpty ? nil : $0 } ?? "Rejected by the upstream") : nil
                    try db.execute(
                        sql: "UPDATE orders SET status = ?, rejection_reason = coalesce(?, rejection_reason) WHERE id = ?",
                        arguments: [next.rawValue, reason, rowID])
                    order = try Self.order(rowID: rowID, in: db)
                }
            }
            return Applied(order: order, tradesAdded: added, statusChanged: order.status != before)
        }
    }
}
