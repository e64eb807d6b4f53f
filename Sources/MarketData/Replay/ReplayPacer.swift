// SPDX-License-Identifier: Apache-2.0
import Core

/// The wall time a paced ``ReplayFeed`` waits on. Injected so tests can check the schedule a
/// ×N replay keeps without waiting for it, and without asserting on real elapsed time.
public protocol ReplayPacer: Sendable {
    /// Nanoseconds since the pacer was made; never goes backwards.
    func elapsedNanos() -> Int64
    /// Returns once ``elapsedNanos()`` has reached `nanos` (at once if it already has).
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func sleep(untilElapsedNanos nanos: Int64) async throws
}

/// The real pacer: the monotonic `ContinuousClock`, so a wall-clock change (NTP, DST) never
/// stretches or squeezes a replay.
public struct ContinuousReplayPacer: ReplayPacer {
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    public init() { origin = clock.now }

    public func elapsedNanos() -> Int64 {
        origin.duration(to: clock.now).totalNanoseconds
    }

    public func sleep(untilElapsedNanos nanos: Int64) async throws {
        try await clock.sleep(until: origin.advanced(by: .nanoseconds(nanos)), tolerance: nil)
    }
}
