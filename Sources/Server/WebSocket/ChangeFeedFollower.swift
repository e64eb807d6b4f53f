// SPDX-License-Identifier: Apache-2.0
import Schema
import ServiceLifecycle

/// A service that follows the store's change feed and handles each committed transaction in
/// commit order until shutdown (the WebSocket's order updates and strategy log lines).
protocol ChangeFeedFollower: Service {
    var store: Store { get }
    func deliver(_ transaction: CommittedTransaction) async
}

extension ChangeFeedFollower {
    /// Commits a follower may fall behind by before the oldest notifications are dropped.
    static var bufferedTransactions: Int { 65_536 }

    func run() async throws {
        let transactions = store.changes.subscribe(bufferingNewest: Self.bufferedTransactions)
        await withGracefulShutdownHandler {
            for await transaction in transactions.cancelOnGracefulShutdown() {
                await deliver(transaction)
            }
        } onGracefulShutdown: {
        }
    }
}
