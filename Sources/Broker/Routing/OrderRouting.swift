// SPDX-License-Identifier: Apache-2.0
import Logging
public import Schema

/// Picks the route for an order: the user's default account (their sandbox unless
/// `analyzer/toggle` made an upstream account the default), an account named in the request, or —
/// for a change to an existing order — the account that holds it, whatever the default is now.
///
/// A sandbox account always gets the sandbox route, which has no way to reach an upstream.
public struct OrderRouting: Sendable {
    public let sandbox: SandboxBroker
    public let upstream: UpstreamDesk

    public init(sandbox: SandboxBroker, upstream: UpstreamDesk) {
        self.sandbox = sandbox
        self.upstream = upstream
    }

    /// The route for new orders of `userID`: the account named `accountName`, else the default.
    /// - Throws: ``OrderRejection`` for an unknown or disabled account.
    public func route(userID: Int64, accountName: String? = nil) async throws -> any OrderRoute {
        route(for: try await account(userID: userID, accountName: accountName), named: accountName != nil)
    }

    /// The route of `account`. A sandbox account named in the request is addressed by id; the
    /// default one lets the broker pick the user's sandbox account.
    public func route(for account: RouteAccount, named: Bool = true) -> any OrderRoute {
        if account.isSandbox { return SandboxRoute(broker: sandbox, accountID: named ? account.id : nil) }
        return UpstreamRoute(desk: upstream, account: account)
    }

    /// The account new orders of `userID` go to: the one named `accountName`, else the default.
    /// - Throws: ``OrderRejection`` for an unknown or disabled account.
    public func account(userID: Int64, accountName: String? = nil) async throws -> RouteAccount {
        guard let account = try await upstream.store.accounts.routeAccount(userID: userID, name: accountName) else {
            if let accountName { throw OrderRejection.invalid("account", "You have no account named '\(accountName)'.") }
            throw OrderRejection.refused("The user has no active default account.")
        }
        guard account.isActive else { throw OrderRejection.refused("Account '\(account.name)' is disabled (`realalgo account enable`).") }
        return account
    }

    /// The route of the account that holds order `orderID`.
    /// - Throws: ``OrderRejection`` `.notFound` for an unknown order or another user's.
    public func route(forOrder orderID: String, userID: Int64) async throws -> any OrderRoute {
        guard let account = try await upstream.store.accounts.routeAccount(ofOrder: orderID, userID: userID) else {
            throw OrderRejection(.notFound, field: "orderid", "Order \(orderID) not found")
        }
        if account.isSandbox { return SandboxRoute(broker: sandbox) }
        return UpstreamRoute(desk: upstream, account: account)
    }

    /// The user's default account when it is an upstream one.
    public func defaultUpstream(userID: Int64) async throws -> RouteAccount? {
        guard let account = try await upstream.store.accounts.routeAccount(userID: userID, name: nil), !account.isSandbox else { return nil }
        return account
    }

    /// Before a book is read: when the user's default account is an upstream, brings the hub's
    /// copy up to date first (best effort, within `timeout`; the hub's copy answers either way).
    /// - Returns: the books' mode: `live` for an upstream default, else `analyze`.
    @discardableResult
    public func refresh(userID: Int64, timeout: Duration = .seconds(3)) async -> String {
        guard let account = try? await defaultUpstream(userID: userID) else { return "analyze" }
        do { _ = try await upstream.reconcile(account, timeout: timeout) } catch {
            upstream.logger.notice("books answered from the hub's copy: the upstream could not be read", metadata: ["error": "\(error)"])
        }
        return "live"
    }

    /// The upstream's own answer to an account endpoint (`funds`, `holdings`) for `account`.
    public func upstreamAnswer(_ endpoint: String, account: RouteAccount) async throws -> [UInt8] {
        Array(try await upstream.client(for: account).rawAnswer(endpoint))
    }
}
