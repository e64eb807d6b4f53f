// SPDX-License-Identifier: Apache-2.0
public import Schema

/// Where a user's orders go: the built-in sandbox broker or an upstream account. The order
/// endpoints talk to a route and never need to know which one it is.
public protocol OrderRoute: Sendable {
    /// The answers' `mode`: `analyze` for the sandbox (OpenAlgo's analyzer mode), `live` for an upstream.
    var mode: String { get }
    /// The account's name when the route is an upstream account (for errors and answers).
    var accountName: String? { get }

    /// Places an order; its id is RealAlgo's own and is returned only after the order is committed.
    /// - Throws: ``OrderRejection`` (refused before anything was sent), ``UpstreamError`` (the
    ///   upstream refused or could not be reached; the local row is `rejected` with the reason).
    func place(_ ticket: OrderTicket, userID: Int64, source: String) async throws -> RoutedOrder
    /// Replaces a working order's quantity, type and prices.
    func modify(orderID: String, userID: Int64, to ticket: OrderTicket) async throws -> LedgerOrder
    func cancel(orderID: String, userID: Int64) async throws -> LedgerOrder
    /// Cancels the route's working orders (of one strategy tag when given).
    func cancelAll(userID: Int64, strategy: String?) async throws -> (cancelled: [String], failed: [(orderID: String, reason: String)])
    /// Closes the route's open positions with MARKET orders in their product.
    func closeAllPositions(userID: Int64, strategy: String, source: String) async throws -> [LedgerOrder]
}

/// An order as placed, with what happened on each mirror target of its account.
public struct RoutedOrder: Sendable {
    public var order: LedgerOrder
    public var mirrors: [MirrorResult]

    public init(order: LedgerOrder, mirrors: [MirrorResult] = []) {
        self.order = order
        self.mirrors = mirrors
    }
}

/// One mirror target's copy of an order: placed (its order), or refused with why.
public struct MirrorResult: Sendable {
    public var account: String
    public var quantity: Int64
    public var order: LedgerOrder?
    public var error: String?
}
