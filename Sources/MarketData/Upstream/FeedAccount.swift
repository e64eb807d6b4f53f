// SPDX-License-Identifier: Apache-2.0

/// One upstream market-data host RealAlgo may take its feed from: an OpenAlgo-compatible server
/// whose address and credentials the driver looks up by ``id``.
///
/// The feed state machine needs only identity and order. It tries accounts by ascending
/// ``priority``, then ascending ``id``, so the order is total and stable even when two accounts
/// share a priority.
public struct FeedAccount: Sendable, Hashable {
    /// The hub's row id. The state machine identifies accounts by it alone, so renaming or
    /// re-prioritising an account never drops its connection.
    public var id: Int64
    /// For logs, alerts and the status endpoint.
    public var name: String
    /// Lower is preferred.
    public var priority: Int

    public init(id: Int64, name: String, priority: Int) {
        self.id = id
        self.name = name
        self.priority = priority
    }

    /// Whether this account is tried before `other`: lower priority first, then lower id.
    public func precedes(_ other: FeedAccount) -> Bool {
        (priority, id) < (other.priority, other.id)
    }
}
