// SPDX-License-Identifier: Apache-2.0
import CSQLite
import Dispatch
import Foundation

/// Moves WAL checkpoints off the commit path.
///
/// By default SQLite checkpoints inside whichever commit pushes the WAL past 1000 pages, so one
/// order in a thousand pays for copying the whole WAL into the database. When the store runs with
/// a background checkpointer, its writer turns automatic checkpoints off and this object runs a
/// PASSIVE checkpoint every `interval` on its own connection and queue. PASSIVE never blocks the
/// writer or readers; it copies what it can and leaves the rest for the next round.
/// (`realalgo bench store` measures the difference.) The connection writes no data; the store's
/// writer remains the only connection that changes rows.
final class WALCheckpointer: @unchecked Sendable {
    // @unchecked Sendable: `connection` and `timer` are only touched on `queue`, a serial queue.
    private let queue = DispatchQueue(label: "realalgo.wal-checkpointer")
    private var connection: OpaquePointer?
    private var timer: (any DispatchSourceTimer)?

    /// Opens a read-write connection to `path` and starts checkpointing.
    /// - Throws: ``StoreError`` if the connection cannot be opened.
    init(path: String, interval: Duration) throws {
        var handle: OpaquePointer?
        let status = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw StoreError(.other, "cannot open the checkpoint connection to \(path): \(message)", sqliteCode: status)
        }
        sqlite3_busy_timeout(handle, 1000)
        connection = handle
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let milliseconds = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        timer.schedule(
            deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds), leeway: .milliseconds(milliseconds / 10))
        timer.setEventHandler { [weak self] in self?.checkpoint() }
        self.timer = timer
        timer.resume()
    }

    /// Runs one PASSIVE checkpoint now. Called on `queue` only.
    private func checkpoint() {
        guard let connection else { return }
        // Busy or locked just means another checkpoint or a writer got there first: try next round.
        _ = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    /// Stops the timer and closes the connection; safe to call more than once.
    func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
            if let connection {
                _ = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                sqlite3_close_v2(connection)
            }
            connection = nil
        }
    }

    deinit {
        timer?.cancel()
        if let connection { sqlite3_close_v2(connection) }
    }
}
