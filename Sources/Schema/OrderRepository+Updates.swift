// SPDX-License-Identifier: Apache-2.0
import GRDB

/// An order's state as the `order_update` stream reports it, with the user who owns its account.
public struct OrderUpdate: Sendable, Equatable {
    public var userID: Int64
    public var username: String
    /// "analyze" for a sandbox account (OpenAlgo's analyzer mode), "live" for an upstream one.
    public var mode: String
    public var broker: String
    public var orderID: String
    public var symbol: String
    public var exchange: String
    public var action: String
    public var quantity: Int64
    public var price: Double
    public var triggerPrice: Double
    public var priceType: String
    public var product: String
    public var status: String
    public var filledQuantity: Int64
    public var averagePrice: Double
    public var rejectionReason: String
    public var strategy: String
    /// The hub strategy and run that issued the order, for the strategy host.
    public var strategyID: Int64?
    public var runID: Int64?

    public var pendingQuantity: Int64 {
        ["complete", "cancelled", "rejected"].contains(status) ? 0 : max(0, quantity - filledQuantity)
    }
}

extension OrderRepository {
    /// The current state of the orders with these row ids (as the change feed names them), in
    /// the order given; rows deleted since are skipped.
    public func updates(rowIDs: [Int64]) async throws -> [OrderUpdate] {
        guard !rowIDs.isEmpty else { return [] }
        return try await store.read { db in
            let placeholders = Array(repeating: "?", count: rowIDs.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id, a.user_id, u.username, a.kind, a.broker, o.orderid, o.symbol, o.exchange, o.action, o.quantity,
                           o.price, o.trigger_price, o.pricetype, o.product, o.status, o.filled_quantity, o.average_price,
                           coalesce(o.rejection_reason, '') AS rejection_reason, o.strategy,
                           o.strategy_id, o.run_id
                    FROM orders o JOIN accounts a ON a.id = o.account_id JOIN users u ON u.id = a.user_id
                    WHERE o.id IN (\(placeholders))
                    """, arguments: StatementArguments(rowIDs))
            var byID: [Int64: OrderUpdate] = [:]
            for row in rows {
                let kind: String = row["kind"]
                byID[row["id"]] = OrderUpdate(
                    userID: row["user_id"], username: row["username"], mode: kind == "sandbox" ? "analyze" : "live", broker: row["broker"],
                    orderID: row["orderid"], symbol: row["symbol"], exchange: row["exchange"], action: row["action"],
                    quantity: row["quantity"], price: row["price"], triggerPrice: row["trigger_price"], priceType: row["pricetype"],
                    product: row["product"], status: row["status"], filledQuantity: row["filled_quantity"],
                    averagePrice: row["average_price"], rejectionReason: row["rejection_reason"], strategy: row["strategy"],
                    strategyID: row["strategy_id"], runID: row["run_id"])
            }
            return rowIDs.compactMap { byID[$0] }
        }
    }
}
