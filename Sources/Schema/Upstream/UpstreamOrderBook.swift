// SPDX-License-Identifier: Apache-2.0
public import Core
import Foundation
import GRDB

/// The hub's side of orders routed to upstream accounts. The order path writes here in three
/// steps — the order row as `pending` (committed before anything is sent), then the upstream's
/// answer (its id and a working status, or `rejected` with its message) — and the reconcile
/// loop brings the rows up to date with what the upstream reports. Every step is one write
/// transaction on the store's single writer.
public struct UpstreamOrderBook: Sendable {
    let store: Store

    /// The reason a `pending` row whose send never completed is closed with after a restart.
    public static let unsentReason =
        "RealAlgo stopped before the upstream acknowledged this order; it is never re-sent. Check the upstream's order book: it may have been placed there."

    /// Commits `order` as `pending` on its upstream account and returns it. Nothing has been sent
    /// yet; the caller sends only after this returns.
    /// - Parameter parentRowID: the order this one mirrors, for a mirror target's copy.
    public func recordPending(_ order: NewOrder, parentRowID: Int64? = nil) async throws -> LedgerOrder {
        try await store.writeKeepingErrors { db in
            guard try String.fetchOne(db, sql: "SELECT kind FROM accounts WHERE id = ?", arguments: [order.accountID]) == "openalgo" else {
                throw StoreError(.constraint, "orders: only an upstream (openalgo) account takes routed orders")
            }
            try db.execute(
                sql: """
                    INSERT INTO orders (orderid, account_id, strategy, exchange, symbol, instrument_id, action, quantity,
                                        pricetype, product, price, trigger_price, status, source, disclosed_quantity, parent_id,
                                        strategy_id, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    order.orderID, order.accountID, order.strategyTag, order.exchange.rawValue, order.symbol, order.instrumentID,
                    order.action.rawValue, order.quantity, order.priceType.rawValue, order.product.rawValue, order.price, order.triggerPrice,
                    order.source, order.disclosedQuantity, parentRowID, order.strategyID, order.runID,
                ])
            return try Self.order(rowID: db.lastInsertedRowID, in: db)
        }
    }

    /// The upstream accepted the order under `brokerOrderID`: links it and moves the row to
    /// `status` (only from `pending`).
    public func acknowledge(rowID: Int64, brokerOrderID: String, status: OrderStatus) async throws -> LedgerOrder {
        try await store.write { db in
            try db.execute(
                sql: "UPDATE orders SET broker_order_id = ?, status = ? WHERE id = ? AND status = 'pending' AND broker_order_id IS NULL",
                arguments: [brokerOrderID, status.rawValue, rowID])
            guard db.changesCount == 1 else { throw StoreError(.constraint, "orders: row \(rowID) is no longer pending; it cannot be acknowledged") }
            return try Self.order(rowID: rowID, in: db)
        }
    }

    /// Closes a working row as `rejected` with `reason` (the upstream's message, or why it was
    /// never sent). A row already final is left alone.
    @discardableResult
    public func reject(rowID: Int64, reason: String) async throws -> LedgerOrder {
        try await store.write { db in
            try db.execute(
                sql: "UPDATE orders SET status = 'rejected', rejection_reason = ? WHERE id = ? AND status IN ('pending', 'open', 'trigger pending')",
                arguments: [reason, rowID])
            return try Self.order(rowID: rowID, in: db)
        }
    }

    /// The upstream accepted a modification: the row takes the new terms.
    public func modify(
        rowID: Int64, quantity: Int64, priceType: PriceType, price: Double, triggerPrice: Double, disclosedQuantity: Int64
    ) async throws -> LedgerOrder {
        try await store.write { db in
            let current = try Self.order(rowID: rowID, in: db)
            // A stop that became a LIMIT has left its trigger behind; the reverse cannot go back
            // (the hub's status only moves forward), so the reconcile settles it.
            let status: OrderStatus =
                current.status == .triggerPending && (priceType == .limit || priceType == .market) ? .open : current.status
            try db.execute(
                sql: """
                    UPDATE orders SET quantity = ?, pricetype = ?, price = ?, trigger_price = ?, disclosed_quantity = ?, status = ?
                     WHERE id = ? AND status IN ('pending', 'open', 'trigger pending')
                    """,
                arguments: [quantity, priceType.rawValue, price, triggerPrice, disclosedQuantity, status.rawValue, rowID])
            return try Self.order(rowID: rowID, in: db)
        }
    }

    /// The upstream cancelled the order.
    public func cancel(rowID: Int64) async throws -> LedgerOrder {
        try await store.write { db in
            try db.execute(
                sql: "UPDATE orders SET status = 'cancelled' WHERE id = ? AND status IN ('pending', 'open', 'trigger pending')", arguments: [rowID])
            return try Self.order(rowID: rowID, in: db)
        }
    }

    /// Closes every `pending` upstream row that never got a broker id as `rejected` with
    /// ``unsentReason``. Run at start, before any order can be in flight: such a row was being
    /// sent when RealAlgo stopped, and re-sending it could place the order twice.
    /// - Returns: the rows closed.
    public func closeUnsent() async throws -> [LedgerOrder] {
        try await store.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(LedgerOrder.columns) \(LedgerOrder.from)
                     WHERE a.kind = 'openalgo' AND o.status = 'pending' AND o.broker_order_id IS NULL ORDER BY o.id
                    """
            ).map(LedgerOrder.init)
            for row in rows {
                try db.execute(
                    sql: "UPDATE orders SET status = 'rejected', rejection_reason = ? WHERE id = ?", arguments: [Self.unsentReason, row.rowID])
            }
            return try rows.map { try Self.order(rowID: $0.rowID, in: db) }
        }
    }

    /// Working orders of an upstream account that the upstream acknowledged, oldest first.
    public func workingOrders(accountID: Int64) async throws -> [LedgerOrder] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(LedgerOrder.columns) \(LedgerOrder.from)
                     WHERE o.account_id = ? AND o.status IN ('pending', 'open', 'trigger pending') AND o.broker_order_id IS NOT NULL
                     ORDER BY o.id
                    """,
                arguments: [accountID]
            ).map(LedgerOrder.init)
        }
    }

    /// Upstream accounts with at least one acknowledged working order.
    public func accountsWithWorkingOrders() async throws -> [Int64] {
        try await store.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT o.account_id FROM orders o JOIN accounts a ON a.id = o.account_id
                     WHERE a.kind = 'openalgo' AND a.is_active = 1 AND o.status IN ('pending', 'open', 'trigger pending')
                       AND o.broker_order_id IS NOT NULL ORDER BY o.account_id
                    """)
        }
    }

    /// The working copies that mirror `parentRowID` on other accounts.
    public func mirrorCopies(of parentRowID: Int64) async throws -> [LedgerOrder] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(LedgerOrder.columns) \(LedgerOrder.from) WHERE o.parent_id = ? AND a.kind = 'openalgo' ORDER BY o.id",
                arguments: [parentRowID]
            ).map(LedgerOrder.init)
        }
    }

    /// Every position of an account (the hub's, built from its trades), closed ones at 0.
    public func positions(accountID: Int64) async throws -> [NetPosition] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT exchange, symbol, product, buy_qty - sell_qty AS net FROM positions WHERE account_id = ? ORDER BY id",
                arguments: [accountID]
            ).compactMap { row in
                Product(rawValue: row["product"]).map {
                    NetPosition(exchange: row["exchange"], symbol: row["symbol"], product: $0, netQuantity: row["net"])
                }
            }
        }
    }

    static func order(rowID: Int64, in db: Database) throws -> LedgerOrder {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(LedgerOrder.columns) \(LedgerOrder.from) WHERE o.id = ?", arguments: [rowID]) else {
            throw StoreError(.notFound, "no order with row id \(rowID)")
        }
        return try LedgerOrder(row: row)
    }
}

extension Store {
    public var upstreamOrders: UpstreamOrderBook { UpstreamOrderBook(store: self) }
}

/// A net position of one account in one product.
public struct NetPosition: Sendable, Equatable {
    public var exchange: String
    public var symbol: String
    public var product: Product
    public var netQuantity: Int64

    public init(exchange: String, symbol: String, product: Product, netQuantity: Int64) {
        self.exchange = exchange
        self.symbol = symbol
        self.product = product
        self.netQuantity = netQuantity
    }
}
