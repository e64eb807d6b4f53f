// SPDX-License-Identifier: Apache-2.0
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where market-data code reads "now": the real clock live, a settable one in tests and replays.
public protocol WallClock: Sendable {
    /// Nanoseconds since the Unix epoch.
    func nowNanos() -> Int64
}

extension WallClock {
    public func nowSeconds() -> Int64 { nowNanos() / 1_000_000_000 }
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public func nowNanos() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}

/// A clock that moves only when told: tests and the replay feed's simulated time.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Int64>

    public init(nanos: Int64) { current = Mutex(nanos) }

    public func nowNanos() -> Int64 { current.withLock { $0 } }

    public func set(nanos: Int64) { current.withLock { $0 = nanos } }

    public func advance(seconds: Double) { current.withLock { $0 += Int64(seconds * 1e9) } }
}
