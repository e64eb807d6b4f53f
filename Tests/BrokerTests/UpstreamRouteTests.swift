import Core
import Foundation
import GRDB
import Logging
import Schema
import Synchronization
import Testing

// SPDX-License-Identifier: Apache-2.0
@testable import Broker

/// Upstream accounts as order routes, against a real hub file: the order row is committed before
/// anything is sent, the upstream's answer moves it forward, a crash never re-sends, the reconcile
/// records fills exactly once, mirrors are independent, and paper orders never leave the sandbox.
@Suite(.serialized)
struct UpstreamRouteTests {
    /// A sandbox harness plus upstream accounts on fake hosts `<name>.test`.
    struct Setup {
        let harness: SandboxHarness
        let upstreams: FakeUpstreams
        let desk: UpstreamDesk
        var routing: OrderRouting { OrderRouting(sandbox: harness.broker, upstream: desk) }
        var store: Store { harness.store }

        /// Adds an upstream account whose "sealed" key is the key's bytes (the test's unseal).
        @discardableResult
        func addUpstream(_ name: String, priority: Int = 0) async throws -> Int64 {
            try await store.accounts.addUpstream(
                username: "trader", name: name, broker: "openalgo", hostURL: "http://\(name).test", webSocketURL: nil,
                sealedCredentials: Array("key-of-\(name)-padded-to-be-longer-than-a-box".utf8), priority: priority)
        }

        func account(_ name: String) async throws -> RouteAccount {
            try #require(try await store.accounts.routeAccount(userID: harness.userID, name: name))
        }

        func row(_ orderID: String) async throws -> LedgerOrder {
            try #require(try await store.books.order(orderID: orderID, userID: harness.userID))
        }

        func makeDesk() -> UpstreamDesk {
            UpstreamDesk(
                store: store, sandbox: harness.broker, transport: upstreams, unseal: { String(decoding: $0, as: UTF8.self) },
                logger: Logger(label: "upstream-test"))
        }
    }

    func withSetup(_ body: (Setup) async throws -> Void) async throws {
        let harness = try await SandboxHarness.make()
        defer { harness.close() }
        let upstreams = FakeUpstreams()
        let desk = UpstreamDesk(
            store: harness.store, sandbox: harness.broker, transport: upstreams, unseal: { String(decoding: $0, as: UTF8.self) },
            logger: Logger(label: "upstream-test"))
        try await desk.start()
        try await body(Setup(harness: harness, upstreams: upstreams, desk: desk))
    }

    static let sbin = OrderTicket(strategy: "t", exchange: "NSE", symbol: "SBIN", action: .buy, quantity: 10, product: .mis)
    static func limit(_ price: Double, quantity: Int64 = 10) -> OrderTicket {
        OrderTicket(strategy: "t", exchange: "NSE", symbol: "SBIN", action: .buy, quantity: quantity, priceType: .limit, product: .cnc, price: price)
    }

    @Test func theOrderRowIsCommittedPendingBeforeAnythingIsSent() async throws {
        try await withSetup { setup in
            let accountID = try await setup.addUpstream("b")
            _ = try await setup.store.accounts.switchDefault(userID: setup.harness.userID, analyze: false)
            let seen = Mutex<[OrderStatus]>([])
            setup.upstreams.onPlace.withLock {
                $0 = { @Sendable in
                    let rows = (try? await setup.store.trade { ledger in try ledger.workingOrders(accountID: accountID) }) ?? []
                    seen.withLock { $0 = rows.map(\.status) }
                }
            }
            let route = try await setup.routing.route(userID: setup.harness.userID)
            #expect(route.mode == "live")
            let placed = try await route.place(Self.sbin, userID: setup.harness.userID, source: "api")
            #expect(seen.withLock { $0 } == [.pending])
            #expect(placed.order.orderID.count == 15)
            #expect(placed.order.brokerOrderID == "UP1")
            #expect(placed.order.status == .open)
            let sent = try #require(setup.upstreams.requests(to: "b.test", "placeorder").first)
            #expect(sent.fields["apikey"] == "key-of-b-padded-to-be-longer-than-a-box")
            #expect(sent.fields["quantity"] == "10" && sent.fields["symbol"] == "SBIN" && sent.fields["pricetype"] == "MARKET")
        }
    }

    @Test func anUpstreamRefusalClosesTheRowAsRejectedWithItsMessage() async throws {
        try await withSetup { setup in
            try await setup.addUpstream("b")
            setup.upstreams.behave("b.test", .refuse(400, "Insufficient funds"))
            let account = try await setup.account("b")
            await #expect(throws: UpstreamError.self) {
                _ = try await setup.desk.place(Self.sbin, on: account, source: "api")
            }
            let rows = try await setup.store.trade { ledger in try ledger.rowCount("orders") }
            #expect(rows == 1)
            let orders = try await setup.store.books.orders(userID: setup.harness.userID, since: "2000-01-01T00:00:00.000Z")
            #expect(orders.isEmpty)  // the default is still the sandbox; read the row by account instead
            let stored = try await setup.store.read { db in try String.fetchOne(db, sql: "SELECT orderid FROM orders") }
            let row = try await setup.row(try #require(stored))
            #expect(row.status == .rejected)
            #expect(row.rejectionReason?.contains("Insufficient funds") == true)
            #expect(row.brokerOrderID == nil)
        }
    }

    @Test(arguments: [FakeUpstreams.Behaviour.unreachable, .timeOut])
    func anUpstreamThatIsDownGetsOneRequestAndTheRowIsRejected(_ failure: FakeUpstreams.Behaviour) async throws {
        try await withSetup { setup in
            try await setup.addUpstream("b")
            setup.upstreams.behave("b.test", failure)
            let account = try await setup.account("b")
            do {
                _ = try await setup.desk.place(Self.sbin, on: account, source: "api")
                Issue.record("the order should have failed")
            } catch let error as UpstreamError {
                #expect(error.account == "b")
                if case .unreachable = failure { #expect(error.kind == .unreachable) } else { #expect(error.kind == .timedOut) }
            }
            #expect(setup.upstreams.requests(to: "b.test", "placeorder").count == 1)
            let status = try await setup.store.read { db in try String.fetchOne(db, sql: "SELECT status FROM orders") }
            #expect(status == "rejected")
        }
    }

    @Test func aPendingRowLeftByACrashIsClosedAtStartAndNeverResent() async throws {
        try await withSetup { setup in
            let accountID = try await setup.addUpstream("b")
            // As if the process died after the commit and before the send.
            let orphan = try await setup.store.upstreamOrders.recordPending(
                NewOrder(
                    orderID: "261120000000001", accountID: accountID, exchange: .nse, symbol: "SBIN", action: .buy, quantity: 5, priceType: .market,
                    product: .mis))
            #expect(orphan.status == .pending)
            let restarted = setup.makeDesk()
            try await restarted.start()
            let row = try await setup.row("261120000000001")
            #expect(row.status == .rejected)
            #expect(row.rejectionReason == UpstreamOrderBook.unsentReason)
            _ = try await restarted.reconcile(try await setup.account("b"))
            #expect(setup.upstreams.requests.isEmpty)
        }
    }

    @Test func reconcileRecordsEachUpstreamFillOnceAndMovesThePosition() async throws {
        try await withSetup { setup in
            let accountID = try await setup.addUpstream("b")
            let account = try await setup.account("b")
            let placed = try await setup.desk.place(Self.limit(800), on: account, source: "api")
            setup.upstreams.fill("b.test", "UP1", tradeID: "T-1", quantity: 4, price: 799.5)
            var report = try await setup.desk.reconcile(account)
            #expect(report.tradesAdded == 1)
            setup.upstreams.fill("b.test", "UP1", tradeID: "T-2", quantity: 6, price: 800)
            report = try await setup.desk.reconcile(account)
            #expect(report.tradesAdded == 1)
            report = try await setup.desk.reconcile(account)  // nothing working any more: nothing read, nothing added
            #expect(report.tradesAdded == 0)
            let row = try await setup.row(placed.order.orderID)
            #expect(row.status == .complete && row.filledQuantity == 10)
            #expect(abs(row.averagePrice - 799.8) < 1e-9)
            let ids = try await setup.store.read { db in try String.fetchAll(db, sql: "SELECT broker_trade_id FROM trades ORDER BY id") }
            #expect(ids == ["T-1", "T-2"])
            let positions = try await setup.store.upstreamOrders.positions(accountID: accountID)
            #expect(positions == [NetPosition(exchange: "NSE", symbol: "SBIN", product: .cnc, netQuantity: 10)])
            // Applying the same report again adds nothing: the hub knows the upstream's trade ids.
            let again = try await setup.store.upstreamOrders.apply(
                UpstreamOrderState(brokerOrderID: "UP1", status: .complete, filledQuantity: 10, averagePrice: 799.8, fills: []),
                toRowID: row.rowID, makeTradeID: { "TRADE-X-\($0)" })
            #expect(!again.changed)
        }
    }

    @Test func fillsTheTradeBookDoesNotListAreBalancedFromTheOrderBook() async throws {
        try await withSetup { setup in
            try await setup.addUpstream("b")
            let account = try await setup.account("b")
            let placed = try await setup.desk.place(Self.sbin, on: account, source: "api")
            setup.upstreams.fill("b.test", "UP1", tradeID: nil, quantity: 10, price: 801.25, listTrade: false)
            _ = try await setup.desk.reconcile(account)
            _ = try await setup.desk.reconcile(account)
            let row = try await setup.row(placed.order.orderID)
            #expect(row.status == .complete && row.averagePrice == 801.25)
            let ids = try await setup.store.read { db in try String.fetchAll(db, sql: "SELECT broker_trade_id FROM trades") }
            #expect(ids == ["UP1:filled:10"])
        }
    }

    @Test func modifyAndCancelGoToTheAccountThatHoldsTheOrder() async throws {
        try await withSetup { setup in
            try await setup.addUpstream("b")
            _ = try await setup.store.accounts.switchDefault(userID: setup.harness.userID, analyze: false)
            let placed = try await setup.routing.route(userID: setup.harness.userID).place(
                Self.limit(700), userID: setup.harness.userID, source: "api")
            // Back to the sandbox: changes still go to the order's own account.
            _ = try await setup.store.accounts.switchDefault(userID: setup.harness.userID, analyze: true)
            let route = try await setup.routing.route(forOrder: placed.order.orderID, userID: setup.harness.userID)
            #expect(route.mode == "live")
            let modified = try await route.modify(orderID: placed.order.orderID, userID: setup.harness.userID, to: Self.limit(705, quantity: 12))
            #expect(modified.quantity == 12 && modified.price == 705)
            #expect(setup.upstreams.requests(to: "b.test", "modifyorder").first?.fields["orderid"] == "UP1")
            let cancelled = try await route.cancel(orderID: placed.order.orderID, userID: setup.harness.userID)
            #expect(cancelled.status == .cancelled)
            #expect(setup.upstreams.order("b.test", "UP1")?.status == "cancelled")
            await #expect(throws: OrderRejection.self) {
                _ = try await route.cancel(orderID: placed.order.orderID, userID: setup.harness.userID)
            }
        }
    }

    @Test func mirrorsPlaceOnEveryTargetAndOneFailureUndoesNothing() async throws {
        try await withSetup { setup in
            let source = try await setup.addUpstream("b")
            let good = try await setup.addUpstream("c", priority: 1)
            let bad = try await setup.addUpstream("d", priority: 2)
            try await setup.store.accountMirrors.add(sourceAccountID: source, targetAccountID: good, multiplier: 2)
            try await setup.store.accountMirrors.add(sourceAccountID: source, targetAccountID: bad, multiplier: 1)
            setup.upstreams.behave("d.test", .unreachable)
            let placed = try await setup.desk.place(Self.limit(700), on: try await setup.account("b"), source: "api")
            #expect(placed.order.status == .open)
            #expect(placed.mirrors.count == 2)
            let copy = try #require(placed.mirrors.first { $0.account == "c" }?.order)
            #expect(copy.quantity == 20 && copy.parentRowID == placed.order.rowID && copy.brokerOrderID == "UP2")
            #expect(placed.mirrors.first { $0.account == "d" }?.error?.contains("unreachable") == true)
            // The targets are placed at once, so their rows may come in either order.
            let statuses = try await setup.store.read { db in
                try Dictionary(
                    uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT account_id, status FROM orders").map {
                        ($0["account_id"] as Int64, $0["status"] as String)
                    })
            }
            #expect(statuses == [source: "open", good: "open", bad: "rejected"])
            // Cancelling the source cancels the working copy too.
            _ = try await setup.desk.cancel(placed.order, on: try await setup.account("b"))
            #expect(setup.upstreams.order("c.test", "UP2")?.status == "cancelled")
        }
    }

    @Test func paperOrdersNeverReachAnUpstream() async throws {
        try await withSetup { setup in
            let upstream = try await setup.addUpstream("b")
            try setup.harness.price("SBIN", last: 800)
            // The sandbox stays the default even though an upstream account exists.
            let route = try await setup.routing.route(userID: setup.harness.userID)
            #expect(route.mode == "analyze")
            let placed = try await route.place(Self.sbin, userID: setup.harness.userID, source: "api")
            #expect(placed.order.status == .complete && placed.mirrors.isEmpty)
            _ = try await route.cancelAll(userID: setup.harness.userID, strategy: nil)
            _ = try await route.closeAllPositions(userID: setup.harness.userID, strategy: "t", source: "api")
            _ = try await setup.desk.reconcile(try await setup.account("b"))
            #expect(setup.upstreams.requests.isEmpty)
            // The hub itself refuses to mirror a sandbox account or to give a sandbox order a broker id.
            let sandbox = try #require(try await setup.store.accounts.defaultAccountID(userID: setup.harness.userID))
            await #expect(throws: StoreError.self) {
                try await setup.store.accountMirrors.add(sourceAccountID: sandbox, targetAccountID: upstream, multiplier: 1)
            }
            await #expect(throws: StoreError.self) {
                try await setup.store.write { db in
                    try db.execute(sql: "UPDATE orders SET broker_order_id = 'X' WHERE id = ?", arguments: [placed.order.rowID])
                }
            }
            await #expect(throws: StoreError.self) {
                try await setup.store.upstreamOrders.recordPending(
                    NewOrder(
                        orderID: "261120000000009", accountID: sandbox, exchange: .nse, symbol: "SBIN", action: .buy, quantity: 1, priceType: .market,
                        product: .mis))
            }
        }
    }
}
