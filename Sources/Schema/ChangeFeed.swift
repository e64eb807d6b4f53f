// SPDX-License-Identifier: Apache-2.0
import GRDB
import Synchronization

/// One row changed by a committed transaction.
public struct StoreChange: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case insert, update, delete
    }

    public let table: String
    public let kind: Kind
    public let rowID: Int64
}

/// The rows one committed transaction changed in the observed tables, in the order it changed them.
public struct CommittedTransaction: Sendable {
    public let changes: [StoreChange]

    /// The tables this transaction touched.
    public var tables: Set<String> { Set(changes.map(\.table)) }

    /// The `orders` rows inserted or updated, each once, in the order first changed.
    public var orderRowIDs: [Int64] {
        var seen: Set<Int64> = []
        return changes.filter { $0.table == "orders" && $0.kind != .delete && seen.insert($0.rowID).inserted }.map(\.rowID)
    }
}

/// Publishes what each committed write changed, whoever wrote it through this process's store.
///
/// Each subscriber gets its own stream that keeps only the newest `limit` transactions, so a slow
/// consumer (a browser on a bad link) loses old notifications instead of slowing the writer.
/// Rolled-back transactions publish nothing. The high-volume tables (ticks, bars, the ledger,
/// the instrument master, the audit log, a backtest's trades) are not observed.
public final class ChangeFeed: Sendable {
    /// Tables whose changes are published.
    public static let observedTables: Set<String> = [
        "users", "api_keys", "accounts", "settings", "orders", "trades", "positions", "strategy_positions",
        "funds", "holdings", "strategies", "strategy_versions", "strategy_legs", "strategy_accounts", "strategy_runs",
        "strategy_executions", "risk_events", "strategy_logs", "backtest_runs",
    ]

    private struct State {
        var nextID = 0
        var subscribers: [Int: AsyncStream<CommittedTransaction>.Continuation] = [:]
        var finished = false
    }

    private let state = Mutex(State())

    init() {}

    /// A stream of committed transactions, starting with the next commit.
    public func subscribe(bufferingNewest limit: Int = 1024) -> AsyncStream<CommittedTransaction> {
        let (stream, continuation) = AsyncStream.makeStream(of: CommittedTransaction.self, bufferingPolicy: .bufferingNewest(limit))
        let id: Int? = state.withLock { state in
            guard !state.finished else { return nil }
            defer { state.nextID += 1 }
            state.subscribers[state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ transaction: CommittedTransaction) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(transaction) }
    }

    func finish() {
        let subscribers = state.withLock { state in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}

/// Collects row changes on the writer's queue and hands them to the feed after commit.
///
/// `@unchecked Sendable`: GRDB calls every method of a transaction observer on the writer
/// connection's serial queue, so `pending` is only ever touched from that one queue.
final class ChangeObserver: TransactionObserver, @unchecked Sendable {
    private let feed: ChangeFeed
    private var pending: [StoreChange] = []

    init(feed: ChangeFeed) {
        self.feed = feed
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        ChangeFeed.observedTables.contains(eventKind.tableName)
    }

    func databaseDidChange(with event: DatabaseEvent) {
        let kind: StoreChange.Kind =
            switch event.kind {
            case .insert: .insert
            case .update: .update
            case .delete: .delete
            }
        pending.append(StoreChange(table: event.tableName, kind: kind, rowID: event.rowID))
    }

    func databaseDidCommit(_ db: Database) {
        guard !pending.isEmpty else { return }
        let committed = CommittedTransaction(changes: pending)
        pending = []
        feed.publish(committed)
    }

    func databaseDidRollback(_ db: Database) {
        pending = []
    }
}
