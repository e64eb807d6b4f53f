// SPDX-License-Identifier: Apache-2.0
public import Core
import Foundation
import GRDB

/// The books inside one write transaction: what the order path reads to decide and the writes
/// that carry the decision out. Everything it does commits or rolls back together, so an order,
/// its trade, the position, the margin and the funds never disagree.
///
/// Only valid inside ``Store/trade(_:)``; the order path never sees SQL.
public struct TradingLedger: ~Copyable {
    let db: Database

    // Every statement here is a cached one: preparing SQL (and GRDB's authorizer walking every
    // column while it does) cost half of an order's time on the writer before they were.
    private func fetchRow(sql: String, arguments: StatementArguments) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private func fetchRows(sql: String, arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private func fetchValue<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        sql: String, arguments: StatementArguments
    ) throws -> Value? {
        try Value.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private func run(sql: String, arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    // MARK: Reading

    public func account(id: Int64) throws -> LedgerAccount? {
        try fetchRow(sql: "SELECT id, user_id, kind, broker, is_active FROM accounts WHERE id = ?", arguments: [id]).map(LedgerAccount.init)
    }

    public func defaultAccount(userID: Int64) throws -> LedgerAccount? {
        try fetchRow(
            sql: "SELECT id, user_id, kind, broker, is_active FROM accounts WHERE user_id = ? AND is_default = 1", arguments: [userID]
        ).map(LedgerAccount.init)
    }

    public func order(orderID: String) throws -> LedgerOrder? {
        try fetchRow(sql: "SELECT \(LedgerOrder.columns) \(LedgerOrder.from) WHERE o.orderid = ?", arguments: [orderID]).map(LedgerOrder.init)
    }

    public func order(rowID: Int64) throws -> LedgerOrder? {
        try fetchRow(sql: "SELECT \(LedgerOrder.columns) \(LedgerOrder.from) WHERE o.id = ?", arguments: [rowID]).map(LedgerOrder.init)
    }

    /// Open and trigger-pending orders of an account, oldest first.
    public func workingOrders(accountID: Int64) throws -> [LedgerOrder] {
        try fetchRows(
            sql:
                "SELECT \(LedgerOrder.columns) \(LedgerOrder.from) WHERE o.account_id = ? AND o.status IN ('pending', 'open', 'trigger pending') ORDER BY o.id",
            arguments: [accountID]
        ).map(LedgerOrder.init)
    }

    public func position(accountID: Int64, exchange: String, symbol: String, product: Product) throws -> LedgerPosition {
        let row = try fetchRow(
            sql:
                "SELECT buy_qty - sell_qty AS net, avg_price, margin_blocked, settled_qty FROM positions WHERE account_id = ? AND exchange = ? AND symbol = ? AND product = ?",
            arguments: [accountID, exchange, symbol, product.rawValue])
        return row.map {
            LedgerPosition(
                netQuantity: $0["net"], averagePrice: $0["avg_price"], marginBlocked: $0["margin_blocked"], settledQuantity: $0["settled_qty"])
        }
            ?? LedgerPosition()
    }

    /// Every position of an account with a non-zero day quantity (what the position book shows:
    /// a CNC position's part already settled into holdings is a holding, not a position).
    public func openPositions(accountID: Int64) throws -> [(exchange: String, symbol: String, product: Product, net: Int64)] {
        try fetchRows(
            sql: """
                SELECT exchange, symbol, product, buy_qty - sell_qty - settled_qty AS net FROM positions
                 WHERE account_id = ? AND buy_qty - sell_qty <> settled_qty ORDER BY id
                """,
            arguments: [accountID]
        ).compactMap { row in
            guard let product = Product(rawValue: row["product"]) else { return nil }
            return (row["exchange"], row["symbol"], product, row["net"])
        }
    }

    /// Settled plus settling holdings of a symbol.
    public func holdingQuantity(accountID: Int64, exchange: String, symbol: String) throws -> Int64 {
        try fetchValue(
            sql: "SELECT quantity + t1_quantity FROM holdings WHERE account_id = ? AND exchange = ? AND symbol = ?",
            arguments: [accountID, exchange, symbol]) ?? 0
    }

    /// Quantity already promised by working SELL orders (so two CNC sells cannot spend one holding).
    public func workingSellQuantity(accountID: Int64, exchange: String, symbol: String, product: Product) throws -> Int64 {
        try fetchValue(
            sql: """
                SELECT COALESCE(SUM(quantity - filled_quantity), 0) FROM orders
                 WHERE account_id = ? AND exchange = ? AND symbol = ? AND product = ? AND action = 'SELL'
                   AND status IN ('pending', 'open', 'trigger pending')
                """,
            arguments: [accountID, exchange, symbol, product.rawValue]) ?? 0
    }

    public func availableCash(accountID: Int64) throws -> Double {
        try fetchValue(sql: "SELECT available_cash FROM funds WHERE account_id = ?", arguments: [accountID]) ?? 0
    }

    // MARK: Writing

    /// Inserts an order and blocks its margin. Returns the order as stored.
    public func place(_ order: NewOrder) throws -> LedgerOrder {
        let rowID = try OrderRepository.insert(order, in: db)
        try adjustUsedMargin(accountID: order.accountID, by: order.marginBlocked)
        guard let stored = try self.order(rowID: rowID) else { throw StoreError(.other, "the new order vanished inside its own transaction") }
        return stored
    }

    /// Fills the whole unfilled quantity at `price`: releases the order's margin, records the trade
    /// (the hub's triggers move the order, the position and realized P&L), then re-blocks margin
    /// for the position as it now stands.
    /// - Parameter positionMargin: the margin a position of (net quantity, average price) ties up.
    public func fill(
        _ order: LedgerOrder, price: Double, tradeID: String, at timestamp: String? = nil, positionMargin: (Int64, Double) -> Double
    ) throws {
        let before = try position(accountID: order.accountID, exchange: order.exchange, symbol: order.symbol, product: order.product)
        try run(sql: "UPDATE orders SET margin_blocked = 0 WHERE id = ?", arguments: [order.rowID])
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price, traded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
                """)
        try statement.execute(arguments: [
            tradeID, order.rowID, order.accountID, order.exchange, order.symbol, order.product.rawValue, order.action.rawValue,
            order.quantity - order.filledQuantity, price, timestamp,
        ])
        let after = try position(accountID: order.accountID, exchange: order.exchange, symbol: order.symbol, product: order.product)
        let newMargin = positionMargin(after.netQuantity, after.averagePrice)
        try run(
            sql: "UPDATE positions SET margin_blocked = ? WHERE account_id = ? AND exchange = ? AND symbol = ? AND product = ?",
            arguments: [newMargin, order.accountID, order.exchange, order.symbol, order.product.rawValue])
        try adjustUsedMargin(accountID: order.accountID, by: newMargin - before.marginBlocked - order.marginBlocked)
    }

    /// A stop order whose trigger was hit now rests as `open`.
    public func markTriggered(_ order: LedgerOrder) throws {
        try run(sql: "UPDATE orders SET status = 'open' WHERE id = ? AND status = 'trigger pending'", arguments: [order.rowID])
    }

    /// Cancels a working order and releases its margin.
    public func cancel(_ order: LedgerOrder) throws {
        try run(sql: "UPDATE orders SET status = 'cancelled', margin_blocked = 0 WHERE id = ?", arguments: [order.rowID])
        try adjustUsedMargin(accountID: order.accountID, by: -order.marginBlocked)
    }

    /// Rejects a working order (after it was acknowledged) with a reason, releasing its margin.
    public func reject(_ order: LedgerOrder, reason: String) throws {
        try run(
            sql: "UPDATE orders SET status = 'rejected', rejection_reason = ?, margin_blocked = 0 WHERE id = ?", arguments: [reason, order.rowID])
        try adjustUsedMargin(accountID: order.accountID, by: -order.marginBlocked)
    }

    /// Replaces a working order's terms and its blocked margin.
    public func modify(
        _ order: LedgerOrder, quantity: Int64, priceType: PriceType, price: Double, triggerPrice: Double, disclosedQuantity: Int64,
        status: OrderStatus, marginBlocked: Double
    ) throws {
        try run(
            sql: """
                UPDATE orders SET quantity = ?, pricetype = ?, price = ?, trigger_price = ?, disclosed_quantity = ?, status = ?, margin_blocked = ?
                 WHERE id = ?
                """,
            arguments: [quantity, priceType.rawValue, price, triggerPrice, disclosedQuantity, status.rawValue, marginBlocked, order.rowID])
        try adjustUsedMargin(accountID: order.accountID, by: marginBlocked - order.marginBlocked)
    }

    private func adjustUsedMargin(accountID: Int64, by delta: Double) throws {
        guard delta != 0 else { return }
        // Rounding dust from many adds and subtracts must not trip the CHECK (used_margin >= 0).
        try run(
            sql: "UPDATE funds SET used_margin = max(0, round(used_margin + ?, 6)) WHERE account_id = ?", arguments: [delta, accountID])
    }
}

extension Store {
    /// Runs `body` with the trading books in one write transaction, returning once it is
    /// committed. An error `body` throws rolls back everything it wrote and reaches the caller
    /// unchanged. Under load, several such transactions share one commit (``GroupCommitter``).
    public func trade<T: Sendable>(_ body: @escaping @Sendable (borrowing TradingLedger) throws -> T) async throws -> T {
        try await writeGrouped { db in try body(TradingLedger(db: db)) }
    }
}

/// What the sandbox broker picks up after a restart.
public struct SandboxRecovery: Sendable {
    /// The highest order id issued so far, so new ids continue after it.
    public var lastOrderID: String?
    /// Every working order of a sandbox account, oldest first.
    public var workingOrders: [LedgerOrder]
}

extension Store {
    public func sandboxRecovery() async throws -> SandboxRecovery {
        try await read { db in
            // GTT ids (`GTT-` + an order-id-shaped number) come from the same sequence.
            let last = try String.fetchOne(
                db,
                sql: """
                    SELECT max(id) FROM (
                        SELECT max(orderid) AS id FROM orders WHERE length(orderid) = 15 AND orderid GLOB '[0-9]*'
                        UNION ALL
                        SELECT max(substr(trigger_id, 5)) FROM gtt_triggers WHERE length(trigger_id) = 19 AND trigger_id GLOB 'GTT-[0-9]*')
                    """)
            let working = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(LedgerOrder.columns) \(LedgerOrder.from)
                     WHERE a.kind = 'sandbox' AND o.status IN ('pending', 'open', 'trigger pending') ORDER BY o.id
                    """
            ).map(LedgerOrder.init)
            return SandboxRecovery(lastOrderID: last, workingOrders: working)
        }
    }
}

extension TradingLedger {
    /// Available cash, used margin and realized P&L of an account.
    public func fundsSummary(accountID: Int64) throws -> (available: Double, used: Double, realized: Double) {
        guard
            let row = try fetchRow(
                sql: "SELECT available_cash, used_margin, realized_pnl FROM funds WHERE account_id = ?", arguments: [accountID])
        else { throw StoreError(.notFound, "no funds row for account \(accountID)") }
        return (row["available_cash"], row["used_margin"], row["realized_pnl"])
    }

    /// Rows in one of the trading tables (tests and diagnostics).
    public func rowCount(_ table: String) throws -> Int {
        guard ["orders", "trades", "positions", "holdings", "position_ledger"].contains(table) else {
            throw StoreError(.queryDenied, "rowCount covers the trading tables only")
        }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
    }
}

/// An open position as square-off sees it.
public struct OpenPosition: Sendable, Equatable {
    public var accountID: Int64
    public var exchange: String
    public var symbol: String
    public var product: Product
    public var netQuantity: Int64
}

extension TradingLedger {
    /// Working orders and open positions of every sandbox account in `product` on `exchanges`.
    public func sandboxExposure(product: Product, exchanges: Set<String>) throws -> (orders: [LedgerOrder], positions: [OpenPosition]) {
        guard !exchanges.isEmpty else { return ([], []) }
        let list = exchanges.sorted()
        let placeholders = Array(repeating: "?", count: list.count).joined(separator: ",")
        let orders = try fetchRows(
            sql: """
                SELECT \(LedgerOrder.columns) \(LedgerOrder.from)
                 WHERE a.kind = 'sandbox' AND o.product = ? AND o.exchange IN (\(placeholders))
                   AND o.status IN ('pending', 'open', 'trigger pending') ORDER BY o.id
                """,
            arguments: StatementArguments([product.rawValue] + list)
        ).map(LedgerOrder.init)
        let positions = try fetchRows(
            sql: """
                SELECT p.account_id, p.exchange, p.symbol, p.buy_qty - p.sell_qty AS net FROM positions p JOIN accounts a ON a.id = p.account_id
                 WHERE a.kind = 'sandbox' AND p.product = ? AND p.exchange IN (\(placeholders)) AND p.buy_qty <> p.sell_qty ORDER BY p.id
                """,
            arguments: StatementArguments([product.rawValue] + list)
        ).map { row in
            OpenPosition(accountID: row["account_id"], exchange: row["exchange"], symbol: row["symbol"], product: product, netQuantity: row["net"])
        }
        return (orders, positions)
    }
}
