// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB

/// An account as the order router needs it: which kind it is and, for an upstream account, where
/// it is and its sealed API key (opened only when a request is about to be sent).
public struct RouteAccount: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    /// `sandbox` or `openalgo`.
    public var kind: String
    public var broker: String
    public var hostURL: String?
    public var webSocketURL: String?
    public var sealedCredentials: [UInt8]
    public var isActive: Bool
    public var isDefault: Bool

    public var isSandbox: Bool { kind == "sandbox" }

    public init(
        id: Int64, userID: Int64, name: String, kind: String, broker: String, hostURL: String?, webSocketURL: String? = nil,
        sealedCredentials: [UInt8], isActive: Bool = true, isDefault: Bool = false
    ) {
        self.id = id
        self.userID = userID
        self.name = name
        self.kind = kind
        self.broker = broker
        self.hostURL = hostURL
        self.webSocketURL = webSocketURL
        self.sealedCredentials = sealedCredentials
        self.isActive = isActive
        self.isDefault = isDefault
    }

    static let columns = "id, user_id, name, kind, broker, host_url, ws_url, credentials, is_active, is_default"

    init(row: Row) {
        self.init(
            id: row["id"], userID: row["user_id"], name: row["name"], kind: row["kind"], broker: row["broker"], hostURL: row["host_url"],
            webSocketURL: row["ws_url"], sealedCredentials: [UInt8]((row["credentials"] as Data?) ?? Data()), isActive: row["is_active"],
            isDefault: row["is_default"])
    }
}

extension AccountRepository {
    /// The user's account named `name`, or their default account when `name` is nil.
    public func routeAccount(userID: Int64, name: String?) async throws -> RouteAccount? {
        try await store.read { db in
            if let name {
                return try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT \(RouteAccount.columns) FROM accounts WHERE user_id = ? AND name = ?"), arguments: [userID, name]
                ).map(RouteAccount.init)
            }
            // Cached: every order asks, and preparing the statement costs more than running it.
            return try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(RouteAccount.columns) FROM accounts WHERE user_id = ? AND is_default = 1"), arguments: [userID]
            ).map(RouteAccount.init)
        }
    }

    public func routeAccount(id: Int64) async throws -> RouteAccount? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT \(RouteAccount.columns) FROM accounts WHERE id = ?", arguments: [id]).map(RouteAccount.init)
        }
    }

    /// The account that holds order `orderID`, when it belongs to `userID`.
    public func routeAccount(ofOrder orderID: String, userID: Int64) async throws -> RouteAccount? {
        try await store.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT \(RouteAccount.columns) FROM accounts
                         WHERE id = (SELECT account_id FROM orders WHERE orderid = ?) AND user_id = ?
                        """),
                arguments: [orderID, userID]
            ).map(RouteAccount.init)
        }
    }

    /// Every active upstream account, for the order-update streams and the reconcile loop.
    public func activeUpstreamRouteAccounts() async throws -> [RouteAccount] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(RouteAccount.columns) FROM accounts WHERE kind = 'openalgo' AND is_active = 1 ORDER BY priority, id"
            ).map(RouteAccount.init)
        }
    }
}
