// SPDX-License-Identifier: Apache-2.0
import Core
public import Schema

/// One upstream (`openalgo`) account as an order route: orders go to its host, durably (see
/// ``UpstreamDesk``), and are mirrored to the account's mirror targets.
public struct UpstreamRoute: OrderRoute {
    let desk: UpstreamDesk
    public let account: RouteAccount

    public init(desk: UpstreamDesk, account: RouteAccount) {
        self.desk = desk
        self.account = account
    }

    public var mode: String { "live" }
    public var accountName: String? { account.name }

    public func place(_ ticket: OrderTicket, userID: Int64, source: String) async throws -> RoutedOrder {
        try await desk.place(ticket, on: account, source: source)
    }

    public func modify(orderID: String, userID: Int64, to ticket: OrderTicket) async throws -> LedgerOrder {
        try await desk.modify(try await ownedOrder(orderID, userID: userID), on: account, to: ticket)
    }

    public func cancel(orderID: String, userID: Int64) async throws -> LedgerOrder {
        try await desk.cancel(try await ownedOrder(orderID, userID: userID), on: account)
    }

    public func cancelAll(userID: Int64, strategy: String?) async throws -> (cancelled: [String], failed: [(orderID: String, reason: String)]) {
        var cancelled: [String] = []
        var failed: [(String, String)] = []
        for order in try await desk.store.upstreamOrders.workingOrders(accountID: account.id) where strategy == nil || order.strategy == strategy {
            do {
                _ = try await desk.cancel(order, on: account)
                cancelled.append(order.orderID)
            } catch {
                failed.append((order.orderID, "\(error)"))
            }
        }
        return (cancelled, failed)
    }

    /// Closes the positions RealAlgo's own orders built on this account (the hub's positions,
    /// from the mirrored trades) with MARKET orders placed through this route.
    public func closeAllPositions(userID: Int64, strategy: String, source: String) async throws -> [LedgerOrder] {
        var placed: [LedgerOrder] = []
        for position in try await desk.store.upstreamOrders.positions(accountID: account.id) where position.netQuantity != 0 {
            let ticket = OrderTicket(
                strategy: strategy, exchange: position.exchange, symbol: position.symbol, action: position.netQuantity > 0 ? .sell : .buy,
                quantity: abs(position.netQuantity), priceType: .market, product: position.product)
            placed.append(try await desk.placeOne(ticket, on: account, parent: nil, source: source))
        }
        return placed
    }

    private func ownedOrder(_ orderID: String, userID: Int64) async throws -> LedgerOrder {
        guard let order = try await desk.store.books.order(orderID: orderID, userID: userID), order.accountID == account.id else {
            throw OrderRejection(.notFound, field: "orderid", "Order \(orderID) not found")
        }
        return order
    }
}
