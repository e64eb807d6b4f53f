// SPDX-License-Identifier: Apache-2.0
import GRDB
import Synchronization

/// Group commit for the order path: every transaction that arrives while the writer is busy
/// waits, and the next writer turn runs all of them inside one SQLite transaction, each in its
/// own savepoint, then commits once.
///
/// Each caller still sees its own all-or-nothing transaction (a throw rolls back to its savepoint
/// and leaves the others alone) and still hears back only after the commit that made its writes
/// durable, so an order id is never acknowledged before it is on disk. What is shared is the
/// commit: one `BEGIN`/`COMMIT`, one WAL append of the pages the batch touched and one hop onto
/// the writer's queue, instead of one of each per order. When orders arrive one at a time, a
/// batch is one transaction and nothing waits for company.
final class GroupCommitter: Sendable {
    private struct Queue: ~Copyable {
        var pending: [any PendingTransaction] = []
        var draining = false
    }

    /// At most this many transactions share one commit, so a long queue still sees commits often.
    static let maximumBatch = 256

    private let pool: DatabasePool
    private let queue = Mutex(Queue())

    init(pool: DatabasePool) { self.pool = pool }

    /// Runs `body` in its own savepoint of the next batch and returns its result once the batch
    /// is committed. An error `body` throws reaches the caller unchanged after its savepoint rolls
    /// back; a database error becomes a ``StoreError``; a failed commit fails every caller of the
    /// batch (none of them was acknowledged).
    func submit<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let transaction = Pending(body: body, continuation: continuation)
            let startDrain = queue.withLock { queue in
                queue.pending.append(transaction)
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { queue -> [any PendingTransaction] in
                let taken = Array(queue.pending.prefix(Self.maximumBatch))
                queue.pending.removeFirst(taken.count)
                if taken.isEmpty { queue.draining = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            let failure = await commit(batch)
            for transaction in batch { transaction.finish(commitFailure: failure) }
        }
    }

    /// Runs the batch in one transaction. Returns why the commit failed, or nil once it succeeded.
    private func commit(_ batch: [any PendingTransaction]) async -> (any Error)? {
        do {
            try await pool.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
                do {
                    for transaction in batch {
                        transaction.run(db)
                        // A job can only end the whole transaction through SQLite itself (a
                        // RAISE(ROLLBACK) or an I/O error); then nothing of the batch is kept.
                        guard db.isInsideTransaction else { throw StoreError(.other, "SQLite rolled back a group of transactions") }
                    }
                    try db.cachedStatement(sql: "COMMIT").execute()
                } catch {
                    if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK").execute() }
                    throw error
                }
            }
            return nil
        } catch {
            return error
        }
    }
}

/// One caller's transaction waiting in (or running in) a batch.
private protocol PendingTransaction: AnyObject, Sendable {
    /// Runs the body in its own savepoint; on the writer, inside the batch's transaction.
    func run(_ db: Database)
    /// Answers the caller once the batch's commit succeeded (`nil`) or failed.
    func finish(commitFailure: (any Error)?)
}

private final class Pending<T: Sendable>: PendingTransaction {
    private let body: @Sendable (Database) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private let outcome = Mutex<Result<T, any Error>?>(nil)

    init(body: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ db: Database) {
        let result = Self.inSavepoint(db, body)
        outcome.withLock { $0 = result }
    }

    func finish(commitFailure: (any Error)?) {
        if let commitFailure {
            continuation.resume(throwing: StoreError.wrap(commitFailure))
            return
        }
        let result = outcome.withLock { $0 } ?? .failure(StoreError(.other, "a grouped transaction was never run"))
        continuation.resume(with: result)
    }

    private static func inSavepoint(_ db: Database, _ body: (Database) throws -> T) -> Result<T, any Error> {
        do {
            try db.cachedStatement(sql: "SAVEPOINT grouped").execute()
        } catch {
            return .failure(StoreError.wrap(error))
        }
        do {
            let value = try body(db)
            try db.cachedStatement(sql: "RELEASE grouped").execute()
            return .success(value)
        } catch {
            if db.isInsideTransaction {
                try? db.cachedStatement(sql: "ROLLBACK TO grouped").execute()
                try? db.cachedStatement(sql: "RELEASE grouped").execute()
            }
            if let databaseError = error as? DatabaseError { return .failure(StoreError(databaseError)) }
            return .failure(error)
        }
    }
}
