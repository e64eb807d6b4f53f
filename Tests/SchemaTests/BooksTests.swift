// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import GRDB
import Testing

@testable import Schema

/// The books (orders' fills, the position ledger, positions, strategy positions, funds) against an
/// independent model, over random sequences of orders and partial fills.
@Suite("Books follow trades")
struct BooksTests {
    /// What a position book should hold: the textbook average-price and realized-P&L arithmetic.
    struct BookModel {
        var quantity = 0
        var averagePrice = 0.0
        var realized = 0.0

        mutating func apply(signedQuantity s: Int, price p: Double) {
            let q = quantity
            var pnl = 0.0
            if q != 0 && (q > 0) != (s > 0) {
                pnl = Double(min(abs(q), abs(s))) * (p - averagePrice) * (q > 0 ? 1 : -1)
            }
            if q + s == 0 {
                averagePrice = 0
            } else if q == 0 || (q > 0) == (s > 0) {
                averagePrice = (Double(abs(q)) * averagePrice + Double(abs(s)) * p) / Double(abs(q + s))
            } else if abs(s) > abs(q) {
                averagePrice = p
            }
            quantity = q + s
            realized += pnl
        }
    }

    struct Key: Hashable {
        let symbol: String
        let product: String
    }

    @Test("a worked example: buy 4 @ 100, buy 6 @ 110, sell 15 @ 120")
    func workedExample() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(
                """
                INSERT INTO users (id, username, password_hash) VALUES (1, 'alice', 'pbkdf2-sha256$1$a$b');
                INSERT INTO orders (id, orderid, account_id, exchange, symbol, action, quantity, pricetype, product)
                VALUES (1, 'B1', 1, 'NSE', 'SBIN', 'BUY', 10, 'MARKET', 'MIS'), (2, 'S1', 1, 'NSE', 'SBIN', 'SELL', 15, 'MARKET', 'MIS');
                INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price) VALUES
                    ('t1', 1, 1, 'NSE', 'SBIN', 'MIS', 'BUY', 4, 100),
                    ('t2', 1, 1, 'NSE', 'SBIN', 'MIS', 'BUY', 6, 110),
                    ('t3', 2, 1, 'NSE', 'SBIN', 'MIS', 'SELL', 15, 120);
                """)
            let position = try #require(try await store.row("SELECT * FROM positions"))
            #expect(position["net_qty"] as Int == -5)
            #expect(position["avg_price"] as Double == 120)
            #expect(position["realized_pnl"] as Double == 140)
            #expect(try await store.scalar("SELECT average_price FROM orders WHERE orderid = 'B1'", as: Double.self) == 106)
            #expect(try await store.scalar("SELECT status FROM orders WHERE orderid = 'S1'", as: String.self) == "complete")
            #expect(try await store.scalar("SELECT realized_pnl FROM funds WHERE account_id = 1", as: Double.self) == 140)
            #expect(try await store.scalar("SELECT available_cash FROM funds WHERE account_id = 1", as: Double.self) == 10_000_140)
        }
    }

    @Test("random orders and partial fills keep every book equal to a replay of the trades", arguments: [1, 7, 42, 2026] as [UInt64])
    func randomTradingDay(seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed)
        try await withHub { (store: Store) async throws in
            try await store.execute(
                """
                INSERT INTO users (id, username, password_hash) VALUES (1, 'alice', 'pbkdf2-sha256$1$a$b');
                INSERT INTO strategies (id, user_id, name) VALUES (1, 1, 'trend'), (2, 1, 'reversion');
                """)
            var accountBooks: [Key: BookModel] = [:]
            var strategyBooks: [Int: [Key: BookModel]] = [:]
            var expectedOrders: [(orderID: String, quantity: Int, filled: Int, value: Double)] = []
            let symbols = ["SBIN", "INFY", "TCS"]
            let products = ["MIS", "NRML"]

            for orderNumber in 0..<120 {
                let key = Key(symbol: symbols[Int(random.next() % 3)], product: products[Int(random.next() % 2)])
                let buy = random.next() % 2 == 0
                let quantity = Int(random.next() % 40) + 1
                let strategyID: Int? = [nil, 1, 2][Int(random.next() % 3)]
                let orderID = "O\(orderNumber)"
                try await store.execute(
                    """
                    INSERT INTO orders (orderid, account_id, strategy_id, exchange, symbol, action, quantity, pricetype, product)
                    VALUES ('\(orderID)', 1, \(strategyID.map(String.init) ?? "NULL"), 'NSE', '\(key.symbol)', '\(buy ? "BUY" : "SELL")', \(quantity), 'MARKET', '\(key.product)')
                    """)
                // Fill all, part or none of it, in one to three trades.
                var remaining = Int(random.next() % 3) == 0 ? Int(random.next() % UInt64(quantity)) : quantity
                var filled = 0
                var value = 0.0
                var fill = 0
                while remaining > 0 {
                    let size = fill == 2 ? remaining : max(1, Int(random.next() % UInt64(remaining)) + 1)
                    let price = Double(9_000 + Int(random.next() % 2_000)) / 100 + 0.05 * Double(random.next() % 3)
                    try await store.execute(
                        """
                        INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price)
                        SELECT '\(orderID)-\(fill)', id, 1, 'NSE', '\(key.symbol)', '\(key.product)', '\(buy ? "BUY" : "SELL")', \(size), \(price)
                          FROM orders WHERE orderid = '\(orderID)'
                        """)
                    let signed = buy ? size : -size
                    accountBooks[key, default: BookModel()].apply(signedQuantity: signed, price: price)
                    if let strategyID {
                        strategyBooks[strategyID, default: [:]][key, default: BookModel()].apply(signedQuantity: signed, price: price)
                    }
                    filled += size
                    value += Double(size) * price
                    remaining -= size
                    fill += 1
                }
                expectedOrders.append((orderID, quantity, filled, value))
            }

            let positions = try await store.rows("SELECT * FROM positions")
            #expect(positions.count == accountBooks.count)
            for row in positions {
                let model = try #require(accountBooks[Key(symbol: row["symbol"], product: row["product"])])
                #expect(row["net_qty"] as Int == model.quantity)
                #expect(abs((row["avg_price"] as Double) - model.averagePrice) < 1e-6)
                #expect(abs((row["realized_pnl"] as Double) - model.realized) < 1e-3)
            }
            let strategyPositions = try await store.rows("SELECT * FROM strategy_positions")
            #expect(strategyPositions.count == strategyBooks.values.map(\.count).reduce(0, +))
            for row in strategyPositions {
                let model = try #require(strategyBooks[row["strategy_id"]]?[Key(symbol: row["symbol"], product: row["product"])])
                #expect(row["net_qty"] as Int == model.quantity)
                #expect(abs((row["realized_pnl"] as Double) - model.realized) < 1e-3)
            }
            let totalRealized = accountBooks.values.map(\.realized).reduce(0, +)
            let funds = try #require(try await store.scalar("SELECT realized_pnl FROM funds WHERE account_id = 1", as: Double.self))
            #expect(abs(funds - totalRealized) < 1e-2)
            let ledgerTotal = try #require(
                try await store.scalar("SELECT sum(realized_pnl) FROM position_ledger WHERE book = 'account'", as: Double.self))
            #expect(abs(ledgerTotal - totalRealized) < 1e-2)

            for expected in expectedOrders {
                let row = try #require(try await store.row("SELECT * FROM orders WHERE orderid = ?", [expected.orderID]))
                #expect(row["filled_quantity"] as Int == expected.filled)
                let status: String = row["status"]
                #expect(status == (expected.filled == expected.quantity ? "complete" : expected.filled > 0 ? "open" : "pending"))
                if expected.filled > 0 {
                    #expect(abs((row["average_price"] as Double) - expected.value / Double(expected.filled)) < 1e-5)
                }
            }
        }
    }

    @Test("sub-paisa prices keep their precision: a flat round trip at the average realizes nothing")
    func subPaisaPrices() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(
                """
                INSERT INTO users (id, username, password_hash) VALUES (1, 'alice', 'pbkdf2-sha256$1$a$b');
                INSERT INTO orders (id, orderid, account_id, exchange, symbol, action, quantity, pricetype, product) VALUES
                    (1, 'B1', 1, 'NSE', 'PENNY', 'BUY', 2000000, 'MARKET', 'NRML'),
                    (2, 'S1', 1, 'NSE', 'PENNY', 'SELL', 2000000, 'MARKET', 'NRML');
                INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price) VALUES
                    ('t1', 1, 1, 'NSE', 'PENNY', 'NRML', 'BUY', 1000000, 0.0000123),
                    ('t2', 1, 1, 'NSE', 'PENNY', 'NRML', 'BUY', 1000000, 0.0000125),
                    ('t3', 2, 1, 'NSE', 'PENNY', 'NRML', 'SELL', 2000000, 0.0000124);
                """)
            let realized = try #require(try await store.scalar("SELECT realized_pnl FROM positions", as: Double.self))
            #expect(abs(realized) < 1e-9)
            #expect(
                abs((try #require(try await store.scalar("SELECT average_price FROM orders WHERE orderid = 'B1'", as: Double.self))) - 0.0000124)
                    < 1e-15)
            #expect(abs(try #require(try await store.scalar("SELECT realized_pnl FROM funds WHERE account_id = 1", as: Double.self))) < 1e-9)
        }
    }

    @Test("the analytics views agree with the books")
    func viewsAgree() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(
                """
                INSERT INTO users (id, username, password_hash) VALUES (1, 'alice', 'pbkdf2-sha256$1$a$b');
                INSERT INTO strategies (id, user_id, name) VALUES (1, 1, 'swing');
                INSERT INTO orders (id, orderid, account_id, strategy_id, exchange, symbol, action, quantity, pricetype, product) VALUES
                    (1, 'A', 1, 1, 'NSE', 'SBIN', 'BUY', 10, 'MARKET', 'MIS'),
                    (2, 'B', 1, 1, 'NSE', 'SBIN', 'SELL', 10, 'MARKET', 'MIS'),
                    (3, 'C', 1, 1, 'NSE', 'INFY', 'BUY', 5, 'MARKET', 'MIS'),
                    (4, 'D', 1, 1, 'NSE', 'INFY', 'SELL', 5, 'MARKET', 'MIS'),
                    (5, 'E', 1, 1, 'NSE', 'TCS', 'BUY', 2, 'MARKET', 'MIS');
                INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price, traded_at) VALUES
                    ('1', 1, 1, 'NSE', 'SBIN', 'MIS', 'BUY', 10, 100, '2026-11-20T04:00:00.000Z'),
                    ('2', 2, 1, 'NSE', 'SBIN', 'MIS', 'SELL', 10, 112, '2026-11-20T05:00:00.000Z'),
                    ('3', 3, 1, 'NSE', 'INFY', 'MIS', 'BUY', 5, 1500, '2026-11-20T06:00:00.000Z'),
                    ('4', 4, 1, 'NSE', 'INFY', 'MIS', 'SELL', 5, 1480, '2026-11-20T07:00:00.000Z'),
                    ('5', 5, 1, 'NSE', 'TCS', 'MIS', 'BUY', 2, 3000, '2026-11-20T08:00:00.000Z');
                UPDATE positions SET ltp = 3050 WHERE symbol = 'TCS';
                """)
            let daily = try #require(try await store.row("SELECT * FROM daily_pnl"))
            #expect(daily["trade_date"] as String == "2026-11-20")
            #expect(daily["trades"] as Int == 5)
            #expect(daily["realized_pnl"] as Double == 20)  // +120 on SBIN, -100 on INFY

            let performance = try #require(try await store.row("SELECT * FROM strategy_performance"))
            #expect(performance["closing_trades"] as Int == 2)
            #expect(performance["wins"] as Int == 1)
            #expect(performance["losses"] as Int == 1)
            #expect(performance["win_rate_pct"] as Double == 50)
            #expect(performance["realized_pnl"] as Double == 20)
            #expect(performance["profit_factor"] as Double == 1.2)
            #expect(performance["max_drawdown"] as Double == 100)  // equity 0 → 120 → 20

            let exposure = try #require(try await store.row("SELECT * FROM open_exposure"))
            #expect(exposure["symbol"] as String == "TCS")
            #expect(exposure["unrealized_pnl"] as Double == 100)
            #expect(exposure["notional"] as Double == 6100)

            let summary = try #require(try await store.row("SELECT * FROM account_summary WHERE account_id = 1"))
            #expect(summary["equity"] as Double == 10_000_120)
            #expect(try await store.scalar("SELECT count(*) FROM trade_journal WHERE strategy = 'swing'", as: Int.self) == 5)
        }
    }
}
