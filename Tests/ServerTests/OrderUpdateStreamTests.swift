// SPDX-License-Identifier: Apache-2.0
import Core
import Cryptography
import Foundation
import GRDB
import Logging
import NIOCore
import Testing

@testable import Schema
@testable import Server

@Suite("order_update stream")
struct OrderUpdateStreamTests {
    @Test("a committed order goes to its owner's subscribed sessions only, placed and then filled")
    func deliversToTheOwnerOnly() async throws {
        try await withOrderHub { store, traderAccount in
            let subscribed = try await Self.session(id: 1, store: store, username: "trader", ordersSubscribed: true)
            let notSubscribed = try await Self.session(id: 2, store: store, username: "trader", ordersSubscribed: false)
            let otherUser = try await Self.session(id: 3, store: store, username: "other", ordersSubscribed: true)
            let stream = OrderUpdateStream(store: store, logger: .init(label: "test")) { [subscribed, notSubscribed, otherUser] }
            let transactions = store.changes.subscribe()
            var iterator = transactions.makeAsyncIterator()

            try await store.orders.insert(
                NewOrder(
                    orderID: "26112100000001", accountID: traderAccount, strategyTag: "momentum", exchange: .nse, symbol: "SBIN",
                    action: .buy, quantity: 10, priceType: .limit, product: .mis, price: 801.5, status: .open))
            await stream.deliver(try #require(await iterator.next()))
            // A fill is a trade; the schema's trigger moves the order to complete in the same transaction.
            try await store.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price)
                        SELECT 'T1', id, account_id, exchange, symbol, product, action, 10, 801.25 FROM orders WHERE orderid = ?
                        """, arguments: ["26112100000001"])
            }
            await stream.deliver(try #require(await iterator.next()))

            let received = Self.drain(subscribed)
            #expect(received.count == 2)
            let placed = try #require(received.first)
            #expect(placed["type"] as? String == "order_update")
            #expect(placed["user_id"] as? String == "trader")
            #expect(placed["mode"] as? String == "analyze")
            #expect(placed["orderid"] as? String == "26112100000001")
            #expect(placed["symbol"] as? String == "SBIN")
            #expect(placed["exchange"] as? String == "NSE")
            #expect(placed["action"] as? String == "BUY")
            #expect(placed["pricetype"] as? String == "LIMIT")
            #expect(placed["product"] as? String == "MIS")
            #expect(placed["order_status"] as? String == "open")
            #expect(placed["quantity"] as? Int == 10)
            #expect(placed["pending_quantity"] as? Int == 10)
            #expect(placed["price"] as? Double == 801.5)
            #expect(placed["strategy"] as? String == "momentum")
            let filled = try #require(received.last)
            #expect(filled["order_status"] as? String == "complete")
            #expect(filled["filled_quantity"] as? Int == 10)
            #expect(filled["pending_quantity"] as? Int == 0)
            #expect(filled["average_price"] as? Double == 801.25)

            #expect(Self.drain(notSubscribed).isEmpty)
            #expect(Self.drain(otherUser).isEmpty)
        }
    }

    @Test("a transaction that changes no order sends nothing, and a rolled-back order is never announced")
    func ignoresOtherTablesAndRollbacks() async throws {
        try await withOrderHub { store, traderAccount in
            let subscribed = try await Self.session(id: 1, store: store, username: "trader", ordersSubscribed: true)
            let stream = OrderUpdateStream(store: store, logger: .init(label: "test")) { [subscribed] }
            let transactions = store.changes.subscribe()
            var iterator = transactions.makeAsyncIterator()

            // The rejected insert (LIMIT without a price) rolls back: no transaction is published for it.
            await #expect(throws: (any Error).self) {
                try await store.orders.insert(
                    NewOrder(
                        orderID: "bad", accountID: traderAccount, exchange: .nse, symbol: "SBIN", action: .buy, quantity: 1,
                        priceType: .limit, product: .mis))
            }
            try await store.write { db in try db.execute(sql: "UPDATE accounts SET priority = 5 WHERE id = ?", arguments: [traderAccount]) }
            let transaction = try #require(await iterator.next())
            #expect(transaction.tables == ["accounts"])
            await stream.deliver(transaction)
            #expect(Self.drain(subscribed).isEmpty)
        }
    }

    // MARK: Helpers

    private func withOrderHub(_ body: (Store, Int64) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-orders-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = DataDirectory(path: folder.path)
        try directory.create()
        let store = try Store.open(at: directory.databaseURL)
        defer { try? store.close() }
        _ = try await HubMaintenance.prepare(store, today: try #require(LocalDate(iso: "2026-11-23")))
        let hasher = PasswordHasher(iterations: 1)
        let trader = try await store.users.create(username: "trader", passwordHash: try hasher.hash("password"), isAdmin: false, actor: .cli)
        _ = try await store.users.create(username: "other", passwordHash: try hasher.hash("password"), isAdmin: false, actor: .cli)
        let account = try #require(try await store.accounts.defaultAccountID(userID: trader.id))
        try await body(store, account)
    }

    private static func session(id: UInt64, store: Store, username: String, ordersSubscribed: Bool) async throws -> FeedSession {
        let userID = try await store.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE username = ?", arguments: [username]) }
        let session = FeedSession(id: id)
        session.principal = Principal(userID: try #require(userID), username: username, isAdmin: false, apiKeyID: 0)
        session.ordersSubscribed = ordersSubscribed
        return session
    }

    /// Every message queued to `session` so far, decoded.
    private static func drain(_ session: FeedSession) -> [[String: Any]] {
        session.takePending().compactMap { buffer in
            try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        }
    }
}
