// SPDX-License-Identifier: Apache-2.0
import Dispatch
public import LuaBridge
import Synchronization

/// A parameter sweep: every combination of the given values, each a full backtest in its own VM,
/// run on all cores. Results come back in grid order whatever order they finished in, so a sweep
/// is as reproducible as a single run.
public enum BacktestSweep {
    /// Every combination of `values`, the first parameter varying slowest (names in sorted order).
    /// - Throws: ``BacktestError`` when the grid would exceed `limit` runs.
    public static func grid(_ values: [String: [LuaValue]], limit: Int = 10_000) throws -> [[String: LuaValue]] {
        var combinations: [[String: LuaValue]] = [[:]]
        for name in values.keys.sorted() {
            let options = values[name] ?? []
            guard !options.isEmpty else { throw BacktestError("sweep \(name): give at least one value") }
            guard combinations.count * options.count <= limit else { throw BacktestError("the sweep has more than \(limit) combinations") }
            combinations = combinations.flatMap { partial in options.map { partial.merging([name: $0]) { _, new in new } } }
        }
        return combinations
    }

    /// Runs `session` over `data` once per combination, on up to `parallelism` threads.
    /// - Returns: One result per combination, in grid order: the outcome or why it could not run.
    public static func run(
        _ session: BacktestSession, data: BacktestSession.Data, combinations: [[String: LuaValue]], parallelism: Int
    ) -> [Result<BacktestSession.Outcome, any Error>] {
        let results = Mutex<[Int: Result<BacktestSession.Outcome, any Error>]>([:])
        let next = Atomic<Int>(0)
        let workers = max(1, min(parallelism, combinations.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < combinations.count else { return }
                let result = Result { try session.run(data, parameters: combinations[index]) }
                results.withLock { $0[index] = result }
            }
        }
        return results.withLock { stored in combinations.indices.map { stored[$0] ?? .failure(BacktestError("run \($0) did not finish")) } }
    }
}
