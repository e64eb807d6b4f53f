// SPDX-License-Identifier: Apache-2.0
public import Schema

/// The sandbox broker as an order route: the user's default account, or one sandbox account
/// named explicitly. Nothing here can reach an upstream.
public struct SandboxRoute: OrderRoute {
    public let broker: SandboxBroker
    /// Nil for the user's default account.
    let accountID: Int64?

    public init(broker: SandboxBroker, accountID: Int64? = nil) {
        self.broker = broker
        self.accountID = accountID
    }

    public var mode: String { "analyze" }
    public var accountName: String? { nil }

    public func place(_ ticket: OrderTicket, userID: Int64, source: String) async throws -> RoutedOrder {
        if let accountID {
            return RoutedOrder(order: try await broker.place(ticket, on: .account(id: accountID), source: source, system: false))
        }
        return RoutedOrder(order: try await broker.place(ticket, userID: userID, source: source))
    }

    public func modify(orderID: String, userID: Int64, to ticket: OrderTicket) async throws -> LedgerOrder {
        try await broker.modify(orderID: orderID, userID: userID, to: ticket)
    }

    public func cancel(orderID: String, userID: Int64) async throws -> LedgerOrder {
        try await broker.cancel(orderID: orderID, userID: userID)
    }

    public func cancelAll(userID: Int64, strategy: String?) async throws -> (cancelled: [String], failed: [(orderID: String, reason: String)]) {
        try await broker.cancelAll(userID: userID, strategy: strategy)
    }

    public func closeAllPositions(userID: Int64, strategy: String, source: String) async throws -> [LedgerOrder] {
        try await broker.closeAllPositions(userID: userID, strategy: strategy, source: source)
    }
}
