// SPDX-License-Identifier: Apache-2.0
import GRDB

/// Trading accounts: every user's built-in sandbox, and upstream accounts.
public struct AccountRepository: Sendable {
    let store: Store

    /// The broker name of the user's default account (`sandbox` for the built-in one).
    public func defaultBroker(userID: Int64) async throws -> String? {
        try await store.read { db in
            try String.fetchOne(db, sql: "SELECT broker FROM accounts WHERE user_id = ? AND is_default = 1", arguments: [userID])
        }
    }

    /// The id of the user's default account (their sandbox unless they chose another).
    public func defaultAccountID(userID: Int64) async throws -> Int64? {
        try await store.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM accounts WHERE user_id = ? AND is_default = 1", arguments: [userID])
        }
    }

    /// The id of the user's active built-in sandbox account, whatever their default is (a strategy
    /// started in sandbox mode trades there even when the default is an upstream account).
    public func sandboxAccountID(userID: Int64) async throws -> Int64? {
        try await store.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT id FROM accounts WHERE user_id = ? AND kind = 'sandbox' AND is_active = 1 ORDER BY id LIMIT 1", arguments: [userID])
        }
    }
}

extension Store {
    public var accounts: AccountRepository { AccountRepository(store: self) }
}
