// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// One fill as the trade book shows it.
public struct BookTrade: Sendable, Equatable {
    public var tradeID: String
    public var orderID: String
    public var strategy: String
    public var exchange: String
    public var symbol: String
    public var product: String
    public var action: String
    public var quantity: Int64
    public var price: Double
    public var tradedAt: String
}

/// One position as the position book shows it (a position closed today stays, at quantity 0).
public struct BookPosition: Sendable, Equatable {
    public var exchange: String
    public var symbol: String
    public var product: String
    /// The day position: for CNC, what T+1 settlement has not yet moved into holdings.
    public var netQuantity: Int64
    public var averagePrice: Double
    public var realizedPnL: Double
    public var buyQuantity: Int64
    public var buyValue: Double
    public var sellQuantity: Int64
    public var sellValue: Double
    public var updatedAt: String
}

/// One holding (settled plus settling shares).
public struct BookHolding: Sendable, Equatable {
    public var exchange: String
    public var symbol: String
    public var quantity: Int64
    public var settlingQuantity: Int64
    public var averagePrice: Double
}

/// An account's cash.
public struct BookFunds: Sendable, Equatable {
    public var openingBalance: Double
    public var realizedPnL: Double
    public var usedMargin: Double
    public var collateral: Double
    public var availableCash: Double
}

/// The read side of the books for one user's default account, on a reader connection (never
/// blocked by the writer, always a committed snapshot).
public struct TradingBooks: Sendable {
    let store: Store

    /// Orders placed at or after `since` (the hub's UTC timestamp form), oldest first.
    public func orders(userID: Int64, since: String) async throws -> [LedgerOrder] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(LedgerOrder.columns) \(LedgerOrder.from) WHERE a.user_id = ? AND a.is_default = 1 AND o.created_at >= ? ORDER BY o.id",
                arguments: [userID, since]
            ).map(LedgerOrder.init)
        }
    }

    /// One order of the user, on any of their accounts.
    public func order(orderID: String, userID: Int64) async throws -> LedgerOrder? {
        try await store.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(LedgerOrder.columns) \(LedgerOrder.from) WHERE o.orderid = ? AND a.user_id = ?", arguments: [orderID, userID]
            ).map(LedgerOrder.init)
        }
    }

    public func trades(userID: Int64, since: String) async throws -> [BookTrade] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.tradeid, o.orderid, o.strategy, t.exchange, t.symbol, t.product, t.action, t.quantity, t.price, t.traded_at
                      FROM trades t JOIN orders o ON o.id = t.order_id JOIN accounts a ON a.id = t.account_id
                     WHERE a.user_id = ? AND a.is_default = 1 AND t.traded_at >= ? ORDER BY t.id
                    """,
                arguments: [userID, since]
            ).map { row in
                BookTrade(
                    tradeID: row["tradeid"], orderID: row["orderid"], strategy: row["strategy"], exchange: row["exchange"], symbol: row["symbol"],
                    product: row["product"], action: row["action"], quantity: row["quantity"], price: row["price"], tradedAt: row["traded_at"])
            }
        }
    }

    /// Open positions, and positions closed at or after `since`. A CNC position's quantity is its
    /// day part (`buy_qty - sell_qty - settled_qty`): the settled part is listed in holdings.
    public func positions(userID: Int64, since: String) async throws -> [BookPosition] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.exchange, p.symbol, p.product, p.buy_qty - p.sell_qty - p.settled_qty AS net, p.avg_price, p.realized_pnl,
                           p.buy_qty, p.buy_value, p.sell_qty, p.sell_value, p.updated_at
                      FROM positions p JOIN accounts a ON a.id = p.account_id
                     WHERE a.user_id = ? AND a.is_default = 1 AND (p.buy_qty - p.sell_qty <> p.settled_qty OR p.updated_at >= ?)
                     ORDER BY p.id
                    """,
                arguments: [userID, since]
            ).map(Self.position)
        }
    }

    /// The signed day quantity of one position (0 when there is none); for CNC, the part not yet
    /// settled into holdings.
    public func openQuantity(userID: Int64, exchange: String, symbol: String, product: String) async throws -> Int64 {
        try await store.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT p.buy_qty - p.sell_qty - p.settled_qty FROM positions p JOIN accounts a ON a.id = p.account_id
                     WHERE a.user_id = ? AND a.is_default = 1 AND p.exchange = ? AND p.symbol = ? AND p.product = ?
                    """,
                arguments: [userID, exchange, symbol, product]) ?? 0
        }
    }

    public func holdings(userID: Int64) async throws -> [BookHolding] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT h.exchange, h.symbol, h.quantity, h.t1_quantity, h.avg_price FROM holdings h JOIN accounts a ON a.id = h.account_id
                     WHERE a.user_id = ? AND a.is_default = 1 AND h.quantity + h.t1_quantity > 0 ORDER BY h.id
                    """,
                arguments: [userID]
            ).map { row in
                BookHolding(
                    exchange: row["exchange"], symbol: row["symbol"], quantity: row["quantity"], settlingQuantity: row["t1_quantity"],
                    averagePrice: row["avg_price"])
            }
        }
    }

    /// One account's funds and its open positions (net quantity not zero), from one snapshot:
    /// what a strategy trading that account sees in `ctx.funds()`, whichever account is the default.
    public func funds(accountID: Int64) async throws -> (funds: BookFunds, open: [BookPosition])? {
        try await store.read { db in
            guard
                let funds = try Row.fetchOne(
                    db, sql: "SELECT opening_balance, realized_pnl, used_margin, collateral, available_cash FROM funds WHERE account_id = ?",
                    arguments: [accountID]
                ).map(Self.funds)
            else { return nil }
            let open = try Row.fetchAll(
                db,
                sql: """
                    SELECT exchange, symbol, product, buy_qty - sell_qty - settled_qty AS net, avg_price, realized_pnl,
                           buy_qty, buy_value, sell_qty, sell_value, updated_at
                      FROM positions WHERE account_id = ? AND buy_qty - sell_qty <> settled_qty ORDER BY id
                    """,
                arguments: [accountID]
            ).map(Self.position)
            return (funds, open)
        }
    }

    public func funds(userID: Int64) async throws -> BookFunds? {
        try await store.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT f.opening_balance, f.realized_pnl, f.used_margin, f.collateral, f.available_cash
                      FROM funds f JOIN accounts a ON a.id = f.account_id WHERE a.user_id = ? AND a.is_default = 1
                    """,
                arguments: [userID]
            ).map(Self.funds)
        }
    }

    private static func funds(_ row: Row) -> BookFunds {
        BookFunds(
            openingBalance: row["opening_balance"], realizedPnL: row["realized_pnl"], usedMargin: row["used_margin"],
            collateral: row["collateral"], availableCash: row["available_cash"])
    }

    private static func position(_ row: Row) -> BookPosition {
        BookPosition(
            exchange: row["exchange"], symbol: row["symbol"], product: row["product"], netQuantity: row["net"], averagePrice: row["avg_price"],
            realizedPnL: row["realized_pnl"], buyQuantity: row["buy_qty"], buyValue: row["buy_value"], sellQuantity: row["sell_qty"],
            sellValue: row["sell_value"], updatedAt: row["updated_at"])
    }
}

extension Store {
    public var books: TradingBooks { TradingBooks(store: self) }
}
