// SPDX-License-Identifier: Apache-2.0
import Dispatch

/// A serial executor of its own for one running strategy: Lua calls block for up to their budget,
/// so they run on this queue's thread, never on the cooperative pool the HTTP server needs.
final class StrategyExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { unowned.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
