// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import NIOCore
import Schema

/// Sends `strategy_log` messages (RealAlgo's) to the WebSocket clients that asked for them
/// (`subscribe_strategy_logs`): every line a strategy logs — `ctx.log`, its errors, the host's
/// notes about it — goes to the connections of the strategy's owner once it is stored, in order.
///
/// Like ``OrderUpdateStream`` it follows the store's change feed, so a line is announced only
/// after its commit and whoever wrote it.
final class StrategyLogStream: ChangeFeedFollower {
    let store: Store
    private let sessions: @Sendable () -> [FeedSession]
    private let logger: Logger

    init(store: Store, logger: Logger, sessions: @escaping @Sendable () -> [FeedSession]) {
        self.store = store
        self.sessions = sessions
        self.logger = logger
    }

    /// Sends the log lines `transaction` added to their owners' subscribed sessions.
    func deliver(_ transaction: CommittedTransaction) async {
        let rowIDs = transaction.changes.filter { $0.table == "strategy_logs" && $0.kind == .insert }.map(\.rowID)
        guard !rowIDs.isEmpty else { return }
        let listeners = sessions().filter { $0.strategyLogsSubscribed && $0.principal != nil }
        guard !listeners.isEmpty else { return }
        do {
            for (userID, log) in try await store.strategyRuns.logs(rowIDs: rowIDs) {
                let message = Self.encode(log)
                for session in listeners where session.principal?.userID == userID {
                    session.enqueue(message)
                }
            }
        } catch {
            logger.error("strategy log lines could not be read", metadata: ["error": "\(error)"])
        }
    }

    static func encode(_ log: StrategyLogRecord) -> ByteBuffer {
        // The line as `strategy/logs` answers it, plus what the message is and whose it is.
        guard case .object(var body) = StrategyRendering.log(log) else { return ByteBuffer() }
        body["type"] = .string("strategy_log")
        body["strategy_id"] = .integer(log.strategyID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: (try? encoder.encode(body)) ?? Data())
    }
}
